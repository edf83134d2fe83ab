// module_gate.h — what stands between the server and one theme module's
// handlers: the module's share of the handler threads and its circuit
// breaker.
//
// At most `share` requests of one module run (or wait for a thread) at
// once; one more is answered 503 with Retry-After at once, so a module that
// hangs or is flooded holds only its own share and every other module and
// the core keep answering. A handler that fails (the plugin reports an
// error or throws) or is still running at its deadline counts as a failure
// for the breaker (circuit_breaker.h), which then answers 503 for the
// module for a while.
//
// Thread-safety: all methods may be called from any thread.
#ifndef SMARTERCITIES_CORE_PLUGINS_MODULE_GATE_H_
#define SMARTERCITIES_CORE_PLUGINS_MODULE_GATE_H_

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "core/http/router.h"
#include "core/plugins/circuit_breaker.h"

namespace smartercities::plugins {

class ModuleGate : public http::RouteGate {
 public:
  ModuleGate(std::string module_id, int share, CircuitBreaker::Options breaker,
             std::chrono::milliseconds deadline);

  std::optional<http::Response> Enter() override;
  void Expired() override;
  void Leave(int status, bool late) override;

  // A failure the plugin reported (an error code, an exception caught by
  // its wrapper), with its message.
  void RecordFailure(const std::string& message);
  // An administrator switched the module on: the breaker starts afresh.
  void Reset() { breaker_.Reset(); }

  CircuitBreaker::Description Describe() const;
  int running() const { return running_.load(); }
  int share() const { return share_; }

 private:
  void Failed(const std::string& what);

  const std::string module_id_;
  const int share_;
  const std::chrono::milliseconds deadline_;
  std::atomic<int> running_{0};
  CircuitBreaker breaker_;
};

}  // namespace smartercities::plugins

#endif  // SMARTERCITIES_CORE_PLUGINS_MODULE_GATE_H_
