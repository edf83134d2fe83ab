#include "core/http/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace smartercities::http {
namespace {

using std::chrono::microseconds;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, RendersCountsAndACumulativeHistogram) {
  Metrics metrics;
  metrics.Record(200, microseconds(500));      // 0.0005 s
  metrics.Record(200, microseconds(30000));    // 0.03 s
  metrics.Record(404, microseconds(2000000));  // 2 s
  metrics.Record(500, microseconds(9000000));  // 9 s, above every bucket
  std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("# HELP smartercities_http_requests_total "));
  EXPECT_THAT(text,
              HasSubstr("# TYPE smartercities_http_requests_total counter\n"));
  EXPECT_THAT(
      text, HasSubstr("smartercities_http_requests_total{status=\"200\"} 2\n"
                      "smartercities_http_requests_total{status=\"404\"} 1\n"
                      "smartercities_http_requests_total{status=\"500\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE smartercities_http_request_duration_"
                              "seconds histogram\n"));
  const std::string bucket =
      "smartercities_http_request_duration_seconds_bucket";
  EXPECT_THAT(text, HasSubstr(bucket + "{le=\"0.001\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(bucket + "{le=\"0.025\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(bucket + "{le=\"0.05\"} 2\n"));
  EXPECT_THAT(text, HasSubstr(bucket + "{le=\"1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr(bucket + "{le=\"5\"} 3\n"));
  EXPECT_THAT(text, HasSubstr(bucket + "{le=\"+Inf\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("smartercities_http_request_duration_seconds_sum "
                              "11.0305\n"));
  EXPECT_THAT(
      text, HasSubstr("smartercities_http_request_duration_seconds_count 4\n"));
}

TEST(MetricsTest, AppendsCollectorsAndSurvivesAFailingOne) {
  Metrics metrics;
  metrics.AddCollector([] {
    return std::string(
        "# TYPE smartercities_modules gauge\n"
        "smartercities_modules{state=\"active\"} 3");
  });
  metrics.AddCollector(
      []() -> std::string { throw std::runtime_error("database\ngone"); });
  metrics.AddCollector([] { return std::string("third 1\n"); });
  std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("smartercities_modules{state=\"active\"} 3\n"
                              "# a metrics collector failed: database gone\n"
                              "third 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("database\n")));
}

}  // namespace
}  // namespace smartercities::http
