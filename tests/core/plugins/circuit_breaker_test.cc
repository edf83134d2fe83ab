#include "core/plugins/circuit_breaker.h"

#include <gtest/gtest.h>

namespace smartercities::plugins {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = CircuitBreaker::Clock;

CircuitBreaker::Options Options() {
  CircuitBreaker::Options options;
  options.failure_threshold = 3;
  options.failure_window = milliseconds(10000);
  options.first_open_interval = milliseconds(2000);
  options.max_open_interval = milliseconds(5000);
  return options;
}

TEST(CircuitBreakerTest, OpensAtTheThresholdWithinTheWindowOnly) {
  CircuitBreaker breaker(Options());
  Clock::time_point t0{};
  EXPECT_FALSE(breaker.RecordFailure(t0, "one"));
  EXPECT_FALSE(breaker.RecordFailure(t0 + seconds(5), "two"));
  // The first failure has left the window when the third comes.
  EXPECT_FALSE(breaker.RecordFailure(t0 + seconds(11), "three"));
  EXPECT_TRUE(breaker.Admit(t0 + seconds(11)).allowed);
  EXPECT_TRUE(breaker.RecordFailure(t0 + seconds(12), "four"));
  auto refused = breaker.Admit(t0 + seconds(12));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, seconds(2));
  auto described = breaker.Describe(t0 + seconds(12));
  EXPECT_EQ(described.state, CircuitBreaker::State::kOpen);
  EXPECT_EQ(described.times_opened, 1);
  EXPECT_EQ(described.last_failure, "four");
}

TEST(CircuitBreakerTest,
     LetsOneTrialThroughAfterTheIntervalAndClosesOnSuccess) {
  CircuitBreaker breaker(Options());
  Clock::time_point t0{};
  for (int i = 0; i < 3; ++i) breaker.RecordFailure(t0, "boom");
  EXPECT_FALSE(breaker.Admit(t0 + milliseconds(1999)).allowed);
  EXPECT_TRUE(breaker.Admit(t0 + milliseconds(2000)).allowed);
  // While the trial runs, the others still wait.
  auto waiting = breaker.Admit(t0 + milliseconds(2001));
  EXPECT_FALSE(waiting.allowed);
  EXPECT_EQ(waiting.retry_after, seconds(1));
  breaker.RecordSuccess(t0 + milliseconds(2100));
  EXPECT_EQ(breaker.Describe(t0 + milliseconds(2100)).state,
            CircuitBreaker::State::kClosed);
  EXPECT_TRUE(breaker.Admit(t0 + milliseconds(2100)).allowed);
  // The history is forgotten: it takes the full threshold again.
  EXPECT_FALSE(breaker.RecordFailure(t0 + milliseconds(2200), "again"));
}

TEST(CircuitBreakerTest, AFailedTrialDoublesTheIntervalUpToTheMaximum) {
  CircuitBreaker breaker(Options());
  Clock::time_point t = {};
  for (int i = 0; i < 3; ++i) breaker.RecordFailure(t, "boom");
  std::vector<milliseconds> intervals;
  for (int round = 0; round < 4; ++round) {
    auto described = breaker.Describe(t);
    intervals.push_back(described.open_interval);
    t += described.open_interval;
    ASSERT_TRUE(breaker.Admit(t).allowed);
    EXPECT_TRUE(breaker.RecordFailure(t, "still failing"));
  }
  EXPECT_EQ(intervals, (std::vector<milliseconds>{
                           milliseconds(2000), milliseconds(4000),
                           milliseconds(5000), milliseconds(5000)}));
}

TEST(CircuitBreakerTest, ResetClosesAndForgets) {
  CircuitBreaker breaker(Options());
  Clock::time_point t0{};
  for (int i = 0; i < 3; ++i) breaker.RecordFailure(t0, "boom");
  breaker.Reset();
  EXPECT_TRUE(breaker.Admit(t0).allowed);
  EXPECT_EQ(breaker.Describe(t0).state, CircuitBreaker::State::kClosed);
  EXPECT_EQ(breaker.Describe(t0).recent_failures, 0);
}

TEST(CircuitBreakerTest, AFailureThatEndsWhileOpenChangesNothing) {
  CircuitBreaker breaker(Options());
  Clock::time_point t0{};
  for (int i = 0; i < 3; ++i) breaker.RecordFailure(t0, "boom");
  EXPECT_FALSE(breaker.RecordFailure(t0 + milliseconds(10), "late"));
  EXPECT_EQ(breaker.Describe(t0 + milliseconds(10)).open_interval,
            milliseconds(2000));
}

}  // namespace
}  // namespace smartercities::plugins
