#include "core/http/metrics.h"

#include <algorithm>
#include <exception>
#include <locale>
#include <sstream>
#include <string_view>

namespace smartercities::http {
namespace {

// A comment line, which scrapers skip, saying why a collector's lines are
// missing.
std::string FailureComment(std::string_view reason) {
  std::string line = "# a metrics collector failed: ";
  for (char c : reason) line += c == '\n' || c == '\r' ? ' ' : c;
  return line + '\n';
}

}  // namespace

void Metrics::Record(int status, std::chrono::microseconds duration) {
  // Counters only, each on its own: no lock on the request path.
  constexpr auto kRelaxed = std::memory_order_relaxed;
  std::size_t slot = status >= 100 && status < static_cast<int>(kStatusSlots)
                         ? static_cast<std::size_t>(status)
                         : 0;
  requests_by_status_[slot].fetch_add(1, kRelaxed);
  count_.fetch_add(1, kRelaxed);
  std::uint64_t micros =
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, duration.count()));
  sum_micros_.fetch_add(micros, kRelaxed);
  for (std::size_t i = 0; i < kBucketsMicros.size(); ++i) {
    if (micros <= kBucketsMicros[i]) {
      bucket_counts_[i].fetch_add(1, kRelaxed);
      break;
    }
  }
}

void Metrics::AddCollector(std::function<std::string()> collector) {
  std::lock_guard lock(collectors_mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Metrics::Render() const {
  std::ostringstream out;
  // The exposition format wants '.' decimals whatever the global locale is,
  // and the sum keeps its precision.
  out.imbue(std::locale::classic());
  out.precision(15);
  std::vector<std::function<std::string()>> collectors;
  {
    out << "# HELP smartercities_http_requests_total HTTP requests answered, "
           "by status.\n"
        << "# TYPE smartercities_http_requests_total counter\n";
    for (std::size_t status = 0; status < kStatusSlots; ++status) {
      auto count = requests_by_status_[status].load();
      if (count == 0) continue;
      out << "smartercities_http_requests_total{status=\""
          << (status == 0 ? std::string("other") : std::to_string(status))
          << "\"} " << count << "\n";
    }
    out << "# HELP smartercities_http_request_duration_seconds Time from a "
           "complete request to its response.\n"
        << "# TYPE smartercities_http_request_duration_seconds histogram\n";
    // Buckets are counted singly and summed here into the cumulative form.
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBucketsMicros.size(); ++i) {
      cumulative += bucket_counts_[i].load();
      out << "smartercities_http_request_duration_seconds_bucket{le=\""
          << static_cast<double>(kBucketsMicros[i]) / 1e6 << "\"} "
          << cumulative << "\n";
    }
    std::uint64_t count = count_.load();
    out << "smartercities_http_request_duration_seconds_bucket{le=\"+Inf\"} "
        << count << "\n"
        << "smartercities_http_request_duration_seconds_sum "
        << static_cast<double>(sum_micros_.load()) / 1e6 << "\n"
        << "smartercities_http_request_duration_seconds_count " << count
        << "\n";
    std::lock_guard lock(collectors_mutex_);
    collectors = collectors_;
  }
  // Collectors run without the lock: they may take their own, and may be
  // slow. One that fails leaves a comment instead of spoiling the rest.
  for (const auto& collector : collectors) {
    std::string text;
    try {
      text = collector();
    } catch (const std::exception& e) {
      text = FailureComment(e.what());
    } catch (...) {
      text = FailureComment("an exception that is not a std::exception");
    }
    if (!text.empty() && text.back() != '\n') text += '\n';
    out << text;
  }
  return out.str();
}

}  // namespace smartercities::http
