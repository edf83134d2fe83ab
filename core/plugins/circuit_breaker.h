// circuit_breaker.h — keeps a module whose handlers keep failing from being
// called for a while, then tries it again.
//
// Closed: every request goes through; failures (a 500, a handler past its
// deadline) are counted within a sliding window. At `failure_threshold`
// failures within `failure_window` the breaker opens: requests are refused
// (the caller answers 503 with Retry-After) for `first_open_interval`. Then
// it is half-open: one request goes through as a trial while the others are
// still refused. A success closes the breaker and forgets the history; a
// failure opens it again for twice the previous interval, up to
// `max_open_interval`.
//
// The breaker only decides and counts: it keeps nothing in the database, so
// that no caller, anonymous or not, can change a module's stored state
// through it. Only an administrator switches a module off for good.
//
// Thread-safety: all methods may be called from any thread.
#ifndef SMARTERCITIES_CORE_PLUGINS_CIRCUIT_BREAKER_H_
#define SMARTERCITIES_CORE_PLUGINS_CIRCUIT_BREAKER_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

namespace smartercities::plugins {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    int failure_threshold = 5;
    std::chrono::milliseconds failure_window{60000};
    std::chrono::milliseconds first_open_interval{5000};
    std::chrono::milliseconds max_open_interval{300000};
  };

  enum class State { kClosed, kOpen, kHalfOpen };

  // Whether a request may run now. When it may not, retry_after says when
  // to come back (at least a second, for the Retry-After header).
  struct Admission {
    bool allowed = true;
    std::chrono::seconds retry_after{0};
  };

  // What the admin API and the metrics show.
  struct Description {
    State state = State::kClosed;
    int recent_failures = 0;  // within the window, while closed
    int times_opened = 0;     // since the host started
    std::chrono::milliseconds open_interval{0};  // the current or last one
    std::chrono::milliseconds reopens_in{0};     // while open
    std::string last_failure;                    // empty when none yet
  };

  explicit CircuitBreaker(Options options) : options_(options) {}

  Admission Admit(Clock::time_point now);
  void RecordSuccess(Clock::time_point now);
  // Returns true when this failure opened the breaker.
  bool RecordFailure(Clock::time_point now, const std::string& what);
  // Forgets every failure and closes (an administrator switched the module
  // on again).
  void Reset();
  Description Describe(Clock::time_point now) const;

  static const char* StateName(State state);

 private:
  bool OpenLocked(Clock::time_point now);

  const Options options_;
  mutable std::mutex mutex_;
  State state_ = State::kClosed;
  std::deque<Clock::time_point> failures_;
  Clock::time_point open_until_{};
  std::chrono::milliseconds open_interval_{0};
  bool trial_running_ = false;
  int times_opened_ = 0;
  std::string last_failure_;
};

}  // namespace smartercities::plugins

#endif  // SMARTERCITIES_CORE_PLUGINS_CIRCUIT_BREAKER_H_
