#include "core/plugins/circuit_breaker.h"

#include <algorithm>

namespace smartercities::plugins {
namespace {

std::chrono::seconds RetryAfter(std::chrono::steady_clock::duration left) {
  auto seconds = std::chrono::ceil<std::chrono::seconds>(left);
  return std::max(seconds, std::chrono::seconds(1));
}

}  // namespace

CircuitBreaker::Admission CircuitBreaker::Admit(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (state_ == State::kClosed) return {};
  if (state_ == State::kOpen) {
    if (now < open_until_) return {false, RetryAfter(open_until_ - now)};
    state_ = State::kHalfOpen;
    trial_running_ = false;
  }
  // Half-open: one trial at a time; the others wait for its outcome.
  if (trial_running_) return {false, std::chrono::seconds(1)};
  trial_running_ = true;
  return {};
}

void CircuitBreaker::RecordSuccess(Clock::time_point) {
  std::lock_guard lock(mutex_);
  if (state_ == State::kHalfOpen) {
    state_ = State::kClosed;
    trial_running_ = false;
    failures_.clear();
    open_interval_ = std::chrono::milliseconds(0);
  }
}

bool CircuitBreaker::RecordFailure(Clock::time_point now,
                                   const std::string& what) {
  std::lock_guard lock(mutex_);
  last_failure_ = what;
  switch (state_) {
    case State::kOpen:
      // A request admitted before the breaker opened ended late.
      return false;
    case State::kHalfOpen:
      return OpenLocked(now);
    case State::kClosed:
      failures_.push_back(now);
      while (!failures_.empty() &&
             now - failures_.front() > options_.failure_window) {
        failures_.pop_front();
      }
      if (static_cast<int>(failures_.size()) < options_.failure_threshold) {
        return false;
      }
      return OpenLocked(now);
  }
  return false;
}

bool CircuitBreaker::OpenLocked(Clock::time_point now) {
  open_interval_ =
      open_interval_.count() == 0
          ? options_.first_open_interval
          : std::min(open_interval_ * 2, options_.max_open_interval);
  state_ = State::kOpen;
  open_until_ = now + open_interval_;
  trial_running_ = false;
  failures_.clear();
  ++times_opened_;
  return true;
}

void CircuitBreaker::Reset() {
  std::lock_guard lock(mutex_);
  state_ = State::kClosed;
  failures_.clear();
  open_interval_ = std::chrono::milliseconds(0);
  trial_running_ = false;
}

CircuitBreaker::Description CircuitBreaker::Describe(
    Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  Description out;
  out.state = state_;
  if (state_ == State::kOpen && now >= open_until_)
    out.state = State::kHalfOpen;
  int recent = 0;
  for (const auto& failure : failures_) {
    if (now - failure <= options_.failure_window) ++recent;
  }
  out.recent_failures = recent;
  out.times_opened = times_opened_;
  out.open_interval = open_interval_;
  if (out.state == State::kOpen) {
    out.reopens_in =
        std::chrono::ceil<std::chrono::milliseconds>(open_until_ - now);
  }
  out.last_failure = last_failure_;
  return out;
}

const char* CircuitBreaker::StateName(State state) {
  switch (state) {
    case State::kClosed:
      return "closed";
    case State::kOpen:
      return "open";
    case State::kHalfOpen:
      return "half-open";
  }
  return "closed";
}

}  // namespace smartercities::plugins
