// metrics.h — request counters and a latency histogram, rendered in the
// Prometheus text exposition format.
//
// Thread-safety: Record and Render may be called from any thread at once.
#ifndef SMARTERCITIES_CORE_HTTP_METRICS_H_
#define SMARTERCITIES_CORE_HTTP_METRICS_H_

#include <array>
#include <atomic>
#include <chrono>
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
  static constexpr std::array<double, 10> kBucketsSeconds = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0};
  mutable std::mutex mutex_;
  std::map<int, unsigned long long> requests_by_status_;
  std::array<unsigned long long, kBucketsSeconds.size()> bucket_counts_{};
  unsigned long long count_ = 0;
  double sum_seconds_ = 0;
  std::vector<std::function<std::string()>> collectors_;
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_METRICS_H_
