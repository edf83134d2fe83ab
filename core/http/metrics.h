// metrics.h — request counters and a latency histogram, rendered in the
// Prometheus text exposition format.
//
// Thread-safety: Record and Render may be called from any thread at once.
#ifndef SMARTERCITIES_CORE_HTTP_METRICS_H_
#define SMARTERCITIES_CORE_HTTP_METRICS_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace smartercities::http {

class Metrics {
 public:
  // Counts one finished request with its status and duration.
  void Record(int status, std::chrono::microseconds duration);

  // Adds text produced at render time (gauges owned by other subsystems,
  // such as modules by state). The function must return complete lines in
  // the exposition format.
  void AddCollector(std::function<std::string()> collector);

  // smartercities_http_requests_total{status="200"} N,
  // smartercities_http_request_duration_seconds histogram, then collectors.
  std::string Render() const;

 private:
  static constexpr std::array<std::uint64_t, 10> kBucketsMicros = {
      1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000, 5000000};
  // One counter per status code; slot 0 holds codes outside 100-599.
  static constexpr std::size_t kStatusSlots = 600;
  std::array<std::atomic<std::uint64_t>, kStatusSlots> requests_by_status_{};
  // Requests whose duration fell in each bucket and in no smaller one.
  std::array<std::atomic<std::uint64_t>, kBucketsMicros.size()>
      bucket_counts_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
  mutable std::mutex collectors_mutex_;
  std::vector<std::function<std::string()>> collectors_;
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_METRICS_H_
