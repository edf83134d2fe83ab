#include "core/http/metrics.h"

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
  double seconds = static_cast<double>(duration.count()) / 1e6;
  std::lock_guard lock(mutex_);
  ++requests_by_status_[status];
  ++count_;
  sum_seconds_ += seconds;
  for (std::size_t i = 0; i < kBucketsSeconds.size(); ++i) {
    if (seconds <= kBucketsSeconds[i]) ++bucket_counts_[i];
  }
}

void Metrics::AddCollector(std::function<std::string()> collector) {
  std::lock_guard lock(mutex_);
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
    std::lock_guard lock(mutex_);
    out << "# HELP smartercities_http_requests_total HTTP requests answered, "
           "by status.\n"
        << "# TYPE smartercities_http_requests_total counter\n";
    for (const auto& [status, count] : requests_by_status_) {
      out << "smartercities_http_requests_total{status=\"" << status << "\"} "
          << count << "\n";
    }
    out << "# HELP smartercities_http_request_duration_seconds Time from a "
           "complete request to its response.\n"
        << "# TYPE smartercities_http_request_duration_seconds histogram\n";
    for (std::size_t i = 0; i < kBucketsSeconds.size(); ++i) {
      out << "smartercities_http_request_duration_seconds_bucket{le=\""
          << kBucketsSeconds[i] << "\"} " << bucket_counts_[i] << "\n";
    }
    out << "smartercities_http_request_duration_seconds_bucket{le=\"+Inf\"} "
        << count_ << "\n"
        << "smartercities_http_request_duration_seconds_sum " << sum_seconds_
        << "\n"
        << "smartercities_http_request_duration_seconds_count " << count_
        << "\n";
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
