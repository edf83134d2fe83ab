#include "core/plugins/module_gate.h"

#include <spdlog/spdlog.h>

namespace smartercities::plugins {
namespace {

http::Response Unavailable(std::chrono::seconds retry_after,
                           const std::string& detail) {
  http::Response response =
      http::Response::Problem(503, "Service Unavailable", detail);
  response.SetHeader("Retry-After", std::to_string(retry_after.count()));
  return response;
}

}  // namespace

ModuleGate::ModuleGate(std::string module_id, int share,
                       CircuitBreaker::Options breaker,
                       std::chrono::milliseconds deadline)
    : module_id_(std::move(module_id)),
      share_(std::max(1, share)),
      deadline_(deadline),
      breaker_(breaker) {}

std::optional<http::Response> ModuleGate::Enter() {
  if (running_.fetch_add(1) >= share_) {
    running_.fetch_sub(1);
    return Unavailable(std::chrono::seconds(1),
                       "theme module '" + module_id_ + "' is answering " +
                           std::to_string(share_) +
                           " requests already, its share; try again in a "
                           "second");
  }
  auto admission = breaker_.Admit(CircuitBreaker::Clock::now());
  if (!admission.allowed) {
    running_.fetch_sub(1);
    return Unavailable(admission.retry_after,
                       "theme module '" + module_id_ +
                           "' failed repeatedly and is paused; try again in " +
                           std::to_string(admission.retry_after.count()) +
                           " s");
  }
  return std::nullopt;
}

void ModuleGate::Expired() {
  Failed("a handler did not answer within " +
         std::to_string(deadline_.count()) + " ms");
}

void ModuleGate::Leave(int status, bool late) {
  running_.fetch_sub(1);
  // A late handler was counted when its deadline passed; a failure the
  // plugin reported was counted with its message by RecordFailure.
  if (!late && status < 500) {
    breaker_.RecordSuccess(CircuitBreaker::Clock::now());
  }
}

void ModuleGate::RecordFailure(const std::string& message) { Failed(message); }

void ModuleGate::Failed(const std::string& what) {
  if (breaker_.RecordFailure(CircuitBreaker::Clock::now(), what)) {
    auto described = breaker_.Describe(CircuitBreaker::Clock::now());
    spdlog::error(
        "module '{}' keeps failing ({}); it is answered with 503 for {} ms, "
        "then tried again. An administrator can switch it off for good "
        "(PATCH /api/v1/modules/{}).",
        module_id_, what, described.open_interval.count(), module_id_);
  }
}

CircuitBreaker::Description ModuleGate::Describe() const {
  return breaker_.Describe(CircuitBreaker::Clock::now());
}

}  // namespace smartercities::plugins
