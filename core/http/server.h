// server.h — the asynchronous HTTP/1.1 server (Boost.Beast).
//
// I/O runs on `io_threads` threads, a strand per connection. Handlers run
// on the lane their route names (router.h): inline on the I/O thread, or on
// bounded queues of their own for the core, the theme modules and password
// hashing, so that one kind of work never waits behind another; cacheable
// public answers come from the response cache without a thread hop. Every read
// and write has a deadline. Requests on one connection are answered in order,
// one at a time (pipelined requests wait in Beast's buffer, bounded by
// `pipeline_limit_bytes`). Responses get the security headers, an
// X-Request-Id and the configured default headers; one access-log line is
// written per request.
//
// Requests the server refuses itself, with 400 and a closed connection:
// Transfer-Encoding together with Content-Length, a Transfer-Encoding other
// than exactly "chunked", chunked HTTP/1.0, obsolete line folding, chunked
// framing that strays from RFC 9112 (see chunked_decoder.h), malformed
// requests. Headers over `header_limit_bytes` get 431; a body over the
// route's limit gets 413, a body slower than `body_min_bytes_per_second`
// 408. Trailer fields are checked and dropped.
//
// With a certificate and key configured the server speaks only TLS, with
// the same limits, deadlines, keep-alive, pipelining and shutdown, and every
// response carries Strict-Transport-Security.
//
// Paths that match no route are served from `web_root` for GET and HEAD when
// web_root is set and the path is not under /api/; anything escaping the web
// root is refused with 404.
//
// Thread-safety: Start, Stop and port may be called from any thread.
#ifndef SMARTERCITIES_CORE_HTTP_SERVER_H_
#define SMARTERCITIES_CORE_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/base/status.h"
#include "core/http/message.h"
#include "core/http/metrics.h"
#include "core/http/response_cache.h"
#include "core/http/router.h"

namespace smartercities::http {

struct ServerConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port; see Server::port()
  int io_threads = 2;
  // The lanes (router.h): the core's workers, the theme modules' workers and
  // password hashing, each with a bound on the work queued or running;
  // beyond it, 503 with Retry-After.
  int worker_threads = 8;
  std::size_t core_queue_limit = 1024;
  int module_threads = 8;
  std::size_t module_queue_limit = 256;
  int password_threads = 2;
  // 0: one per core.
  int search_threads = 0;
  std::size_t search_queue_limit = 256;
  std::size_t password_queue_limit = 16;
  // Password hashing only burns CPU: at this niceness it takes what the
  // other work leaves.
  int password_nice = 19;
  // How long a refusal for overload (a full lane, a module's full share or
  // open breaker) waits before it is sent, so that clients which retry at
  // once cannot turn the refusals into the load.
  std::chrono::milliseconds overload_pause{1000};
  // One line per request on standard output, as JSON lines when set.
  bool access_log = true;
  bool access_log_json = false;
  std::size_t header_limit_bytes = 8 * 1024;
  std::size_t pipeline_limit_bytes = 256 * 1024;
  std::chrono::milliseconds read_timeout{15000};  // per request
  // A request body may take longer than read_timeout when it arrives at
  // this rate or faster: every byte received extends the deadline by
  // 1/rate seconds. A body that falls behind gets 408.
  std::size_t body_min_bytes_per_second = 8192;
  std::chrono::milliseconds write_timeout{15000};  // per response
  std::chrono::milliseconds idle_timeout{30000};   // between requests
  std::chrono::milliseconds shutdown_grace{10000};
  std::string web_root;   // empty: no static files
  Pairs default_headers;  // added to every response, e.g. API-Version
  // PEM files of the certificate (chain) and its private key. With both set
  // the server speaks only TLS (1.2 or later) and sends HSTS; with neither,
  // plain HTTP. One without the other fails Start.
  std::string tls_cert_file;
  std::string tls_key_file;

  // Whether TLS was asked for (either file set).
  bool tls() const { return !tls_cert_file.empty() || !tls_key_file.empty(); }
};

// Runs on the worker thread in place of a route's handler: it checks access
// and either answers itself (401, 403, ...) or calls route.handler, so it can
// also wrap the call (the caller's identity for the audit trail). It may add
// headers to the request (the caller's identity) for the handler. Without an
// interceptor the handler is called directly.
using RequestInterceptor = std::function<Response(Request&, const Route&)>;

class Server {
 public:
  Server(ServerConfig config, std::shared_ptr<Router> router,
         std::shared_ptr<Metrics> metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void SetInterceptor(RequestInterceptor interceptor);

  // Public answers of cacheable routes are kept here (response_cache.h).
  // Call before Start; without a cache every request runs its handler.
  void SetResponseCache(std::shared_ptr<ResponseCache> cache);

  // Loads the TLS certificate and key when configured, binds and listens,
  // but accepts no connection yet, so that a caller can check the port
  // before it creates anything else. Fails with a message that names the
  // address and port (in use, permission denied) and what to do, or the
  // file of a TLS certificate or key that is missing, unreadable or
  // invalid, or that only one of the two is set.
  Status Listen();

  // Listens (unless Listen was called) and starts accepting on the I/O
  // threads. Fails as Listen does.
  Status Start();

  // The port actually bound (useful with port 0). 0 before Listen.
  std::uint16_t port() const;

  // Stops accepting, lets requests in flight finish (up to shutdown_grace),
  // then closes every connection and joins all threads. Idempotent.
  void Stop();

  // Blocks until Stop has completed.
  void Wait();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_SERVER_H_
