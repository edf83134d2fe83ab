// server_context.h — what every connection of one server shares: the
// configuration, the router, the metrics, the access hook and the worker
// queues of the lanes, the response cache and the access log. Internal to
// core/http.
//
// Thread-safety: the configuration, router and metrics are fixed at
// construction, and the queues, cache and access log before the first
// connection; the access hook
// may be replaced at any time (guarded by a mutex); the counters are atomic.
// Ownership: Server::Impl creates it; sessions share it. The queues belong
// to Server::Impl, which outlives every use of them.
#ifndef SMARTERCITIES_CORE_HTTP_SERVER_CONTEXT_H_
#define SMARTERCITIES_CORE_HTTP_SERVER_CONTEXT_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "core/http/access_log.h"
#include "core/http/metrics.h"
#include "core/http/response_cache.h"
#include "core/http/router.h"
#include "core/http/server.h"
#include "core/http/work_queue.h"

namespace smartercities::http {

class ServerContext {
 public:
  ServerContext(ServerConfig config, std::shared_ptr<Router> router,
                std::shared_ptr<Metrics> metrics)
      : config_(std::move(config)),
        router_(std::move(router)),
        metrics_(std::move(metrics)) {}

  const ServerConfig& config() const { return config_; }
  Router& router() const { return *router_; }
  Metrics& metrics() const { return *metrics_; }

  // Replaces the interceptor; requests that already took the old one keep
  // it until they finish.
  void SetInterceptor(RequestInterceptor interceptor) {
    auto shared =
        interceptor
            ? std::make_shared<const RequestInterceptor>(std::move(interceptor))
            : nullptr;
    std::lock_guard lock(hook_mutex_);
    interceptor_ = std::move(shared);
  }

  // The current interceptor, or null when none is set.
  std::shared_ptr<const RequestInterceptor> interceptor() const {
    std::lock_guard lock(hook_mutex_);
    return interceptor_;
  }

  // Where handlers run, one queue per lane (kInline runs on the I/O
  // thread and has none). Set once by Server::Impl::Start before the first
  // connection is accepted; read by sessions afterwards.
  void set_queues(WorkQueue* core, WorkQueue* modules, WorkQueue* passwords,
                  WorkQueue* search) {
    core_ = core;
    modules_ = modules;
    passwords_ = passwords;
    search_ = search;
  }
  WorkQueue* queue(Lane lane) const {
    switch (lane) {
      case Lane::kModule:
        return modules_;
      case Lane::kPasswords:
        return passwords_;
      case Lane::kSearch:
        return search_;
      case Lane::kInline:
      case Lane::kCore:
        break;
    }
    return core_;
  }

  // The cache of public answers; null when there is none. Set before Start.
  void set_cache(std::shared_ptr<ResponseCache> cache) {
    cache_ = std::move(cache);
  }
  const std::shared_ptr<ResponseCache>& cache() const { return cache_; }

  // One line per request; null when access logging is off.
  void set_access_log(std::unique_ptr<AccessLog> log) {
    access_log_ = std::move(log);
  }
  AccessLog* access_log() const { return access_log_.get(); }

  // Set when Stop begins: connections close after their current response.
  bool stopping() const { return stopping_.load(); }
  void set_stopping() { stopping_.store(true); }

  // Requests read completely whose response is not written yet.
  void AddBusy() { busy_.fetch_add(1); }
  void RemoveBusy() { busy_.fetch_sub(1); }
  int busy() const { return busy_.load(); }

 private:
  const ServerConfig config_;
  const std::shared_ptr<Router> router_;
  const std::shared_ptr<Metrics> metrics_;
  WorkQueue* core_ = nullptr;
  WorkQueue* modules_ = nullptr;
  WorkQueue* passwords_ = nullptr;
  WorkQueue* search_ = nullptr;
  std::shared_ptr<ResponseCache> cache_;
  std::unique_ptr<AccessLog> access_log_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> busy_{0};
  mutable std::mutex hook_mutex_;
  std::shared_ptr<const RequestInterceptor> interceptor_;
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_SERVER_CONTEXT_H_
