#include "core/http/server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/http/http_logger.h"
#include "core/http/server_context.h"
#include "core/http/session.h"

namespace smartercities::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// After a failed accept (out of file descriptors, for one), wait this long
// before the next, so that the I/O threads do not spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
constexpr int kSendBufferBytes = 512 * 1024;
// How often Stop looks whether the requests in flight have finished.
constexpr std::chrono::milliseconds kStopPollInterval{5};

// OK when path can be opened for reading; otherwise why not, naming it.
Status CheckReadable(const std::string& what, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::InvalidArgument(what + " '" + path +
                                   "' cannot be read: " + std::strerror(errno));
  }
  return Status::Ok();
}

// Mozilla's "intermediate" configuration (version 5.7), without its DHE
// suites: under TLS 1.2 only ECDHE key exchange (forward secrecy) with AEAD
// ciphers (GCM, ChaCha20-Poly1305); no static RSA key exchange, no CBC. TLS
// 1.3's suites are all of that kind and stay as OpenSSL sets them.
constexpr const char* kTls12Suites =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTlsGroups = "X25519:P-256:P-384";

Status RestrictTlsSuites(net::ssl::context& tls) {
  SSL_CTX* native = tls.native_handle();
  if (SSL_CTX_set_cipher_list(native, kTls12Suites) != 1 ||
      SSL_CTX_set1_groups_list(native, kTlsGroups) != 1) {
    return Status::Internal(
        "this OpenSSL does not offer the TLS 1.2 suites of Mozilla's "
        "intermediate configuration");
  }
  // As Mozilla's intermediate configuration says: the client's order, so
  // that a client without AES hardware can choose ChaCha20.
  SSL_CTX_clear_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
  return Status::Ok();
}

// Loads the certificate chain and key of config into tls, TLS 1.2 or later
// only. Every failure names the file concerned.
Status ConfigureTls(const ServerConfig& config, net::ssl::context& tls) {
  if (config.tls_cert_file.empty() || config.tls_key_file.empty()) {
    return Status::InvalidArgument(
        config.tls_cert_file.empty()
            ? "TLS key '" + config.tls_key_file +
                  "' is set without a certificate; set both or neither"
            : "TLS certificate '" + config.tls_cert_file +
                  "' is set without a key; set both or neither");
  }
  Status readable = CheckReadable("TLS certificate", config.tls_cert_file);
  if (readable.ok()) readable = CheckReadable("TLS key", config.tls_key_file);
  if (!readable.ok()) return readable;
  boost::system::error_code ec;
  tls.set_options(
      net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
          net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
          net::ssl::context::no_tlsv1_1 | net::ssl::context::no_compression |
          net::ssl::context::single_dh_use,
      ec);
  // Renegotiation started by a client costs the server a handshake each
  // time and buys nothing here.
  SSL_CTX_set_options(tls.native_handle(), SSL_OP_NO_RENEGOTIATION);
  if (!ec &&
      SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION) != 1) {
    return Status::Internal("cannot require TLS 1.2 or later");
  }
  if (ec) return Status::Internal("cannot set TLS options: " + ec.message());
  Status suites = RestrictTlsSuites(tls);
  if (!suites.ok()) return suites;
  tls.use_certificate_chain_file(config.tls_cert_file, ec);
  if (ec) {
    return Status::InvalidArgument(
        "TLS certificate '" + config.tls_cert_file +
        "' is not a usable PEM certificate: " + ec.message());
  }
  tls.use_private_key_file(config.tls_key_file, net::ssl::context::pem, ec);
  if ((ec && ec.category() == net::error::get_ssl_category() &&
       ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
           X509_R_KEY_VALUES_MISMATCH) ||
      (!ec && SSL_CTX_check_private_key(tls.native_handle()) != 1)) {
    return Status::InvalidArgument("TLS key '" + config.tls_key_file +
                                   "' does not belong to the certificate '" +
                                   config.tls_cert_file + "'");
  }
  if (ec) {
    return Status::InvalidArgument(
        "TLS key '" + config.tls_key_file +
        "' is not a usable PEM private key: " + ec.message());
  }
  return Status::Ok();
}

}  // namespace

// The server's state behind the public interface.
//
// Thread-safety: Start and Stop serialise on lifecycle_mutex_; the acceptor
// and its retry timer are used only on the acceptor's strand while the I/O
// threads run, and by Stop once they have been joined.
// Ownership: owns the I/O threads, the worker pool and the acceptor; the
// sessions own themselves (see session.h) and are tracked by weak pointers.
class Server::Impl {
 public:
  Impl(ServerConfig config, std::shared_ptr<Router> router,
       std::shared_ptr<Metrics> metrics)
      : context_(std::make_shared<ServerContext>(
            std::move(config), std::move(router), std::move(metrics))),
        tls_(net::ssl::context::tls_server),
        ios_(MakeContexts(std::max(1, context_->config().io_threads))),
        acceptor_(net::make_strand(*ios_.front())),
        accept_retry_(acceptor_.get_executor()) {}

  void SetInterceptor(RequestInterceptor interceptor) {
    context_->SetInterceptor(std::move(interceptor));
  }

  void SetResponseCache(std::shared_ptr<ResponseCache> cache) {
    context_->set_cache(std::move(cache));
  }

  Status Listen() {
    std::lock_guard lock(lifecycle_mutex_);
    return ListenLocked();
  }

  Status Start() {
    std::lock_guard lock(lifecycle_mutex_);
    if (started_ || stopped_) {
      const ServerConfig& config = context_->config();
      return Status::FailedPrecondition(
          "the server for " + config.address + ":" +
          std::to_string(config.port) +
          " has already been started or stopped; create a new one");
    }
    // A client that goes away while its answer is sent from a file makes
    // sendfile(2) raise SIGPIPE, which would end the process; the failed
    // write is handled as a closed connection instead (asio's own writes
    // use MSG_NOSIGNAL).
    std::signal(SIGPIPE, SIG_IGN);
    if (!listening_) {
      Status status = ListenLocked();
      if (!status.ok()) return status;
    }
    const ServerConfig& config = context_->config();
    core_queue_.emplace("request", std::max(1, config.worker_threads),
                        config.core_queue_limit);
    module_queue_.emplace("theme module", std::max(1, config.module_threads),
                          config.module_queue_limit);
    password_queue_.emplace("password hashing",
                            std::max(1, config.password_threads),
                            config.password_queue_limit, config.password_nice);
    int search_threads = config.search_threads;
    if (search_threads <= 0) {
      search_threads =
          static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }
    search_queue_.emplace("search", search_threads, config.search_queue_limit);
    context_->set_queues(&*core_queue_, &*module_queue_, &*password_queue_,
                         &*search_queue_);
    if (config.access_log) {
      context_->set_access_log(std::make_unique<AccessLog>(
          STDOUT_FILENO, config.access_log_json ? AccessLog::Format::kJson
                                                : AccessLog::Format::kText));
    }
    DoAccept();
    for (auto& io : ios_) {
      work_guards_.emplace_back(net::make_work_guard(*io));
      io_threads_.emplace_back([this, io = io.get()] { RunIo(*io); });
    }
    started_ = true;
    return Status::Ok();
  }

  std::uint16_t port() const { return port_.load(); }

  void Stop() {
    std::lock_guard lock(lifecycle_mutex_);
    if (stopped_) return;
    stopped_ = true;
    if (started_) StopStarted();
    {
      std::lock_guard done_lock(done_mutex_);
      done_ = true;
    }
    done_cv_.notify_all();
  }

  void Wait() {
    std::unique_lock lock(done_mutex_);
    done_cv_.wait(lock, [this] { return done_; });
  }

 private:
  Status ListenLocked() {
    const ServerConfig& config = context_->config();
    std::string where = config.address + ":" + std::to_string(config.port);
    if (listening_ || started_ || stopped_) {
      return Status::FailedPrecondition("the server for " + where +
                                        " has already been started or "
                                        "stopped; create a new one");
    }
    if (config.tls()) {
      Status status = ConfigureTls(config, tls_);
      if (!status.ok()) {
        return status.WithContext("cannot serve HTTPS on " + where);
      }
    }
    boost::system::error_code ec;
    auto address = net::ip::make_address(config.address, ec);
    if (ec) {
      return Status::InvalidArgument("cannot listen on " + where + ": '" +
                                     config.address + "' is not an IP address");
    }
    tcp::endpoint endpoint(address, config.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (!ec) port_.store(acceptor_.local_endpoint(ec).port());
    if (ec) {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      std::string hint;
      if (ec == net::error::address_in_use) {
        hint =
            "; another process is listening there: stop it or choose "
            "another port (--port, or PORT= for scripts/run)";
      } else if (ec == net::error::access_denied) {
        hint = "; ports below 1024 need privileges: choose a port from 1024";
      } else if (ec == boost::system::errc::address_not_available) {
        hint = "; this machine has no such address";
      }
      return Status::Unavailable("cannot listen on " + where + ": " +
                                 ec.message() + hint);
    }
    listening_ = true;
    return Status::Ok();
  }

  void StopStarted() {
    context_->set_stopping();
    net::post(acceptor_.get_executor(), [this] { CloseAcceptor(); });
    for (auto& session : LiveSessions()) session->Shutdown();
    // Responses in flight finish, up to the grace period.
    auto deadline =
        std::chrono::steady_clock::now() + context_->config().shutdown_grace;
    while (context_->busy() > 0 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kStopPollInterval);
    }
    work_guards_.clear();
    for (auto& io : ios_) io->stop();
    for (auto& thread : io_threads_) thread.join();
    io_threads_.clear();
    // No I/O thread runs any more, so the acceptor and the sockets can be
    // closed from here; clients of handlers still running see the
    // connection end rather than wait for an answer that will not come.
    CloseAcceptor();
    for (auto& session : LiveSessions()) session->CloseNow();
    // Handlers not started yet are dropped; running ones are waited for.
    core_queue_->Stop();
    module_queue_->Stop();
    password_queue_->Stop();
    search_queue_->Stop();
  }

  // One io_context per I/O thread: a connection stays on the thread that
  // accepted it, so its completions never wake another I/O thread.
  static std::vector<std::unique_ptr<net::io_context>> MakeContexts(int count) {
    std::vector<std::unique_ptr<net::io_context>> contexts;
    for (int i = 0; i < count; ++i) {
      contexts.push_back(std::make_unique<net::io_context>(1));
    }
    return contexts;
  }

  void RunIo(net::io_context& io) {
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        // One faulty completion must not take the I/O thread, and with it
        // every connection it serves, down.
        HttpLogger()->error("HTTP I/O thread: {}", e.what());
      }
    }
  }

  void DoAccept() {
    // Connections are spread over the I/O threads in turn.
    net::io_context& io = *ios_[next_io_++ % ios_.size()];
    acceptor_.async_accept(
        net::make_strand(io),
        [this](boost::system::error_code ec, tcp::socket socket) {
          OnAccept(ec, std::move(socket));
        });
  }

  void OnAccept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open() ||
        context_->stopping()) {
      return;
    }
    if (ec) {
      HttpLogger()->warn("HTTP accept on port {}: {}", port(), ec.message());
      accept_retry_.expires_after(kAcceptRetryDelay);
      accept_retry_.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec && acceptor_.is_open()) DoAccept();
      });
      return;
    }
    // An answer goes out whole as soon as it is written: without this, the
    // last partial segment of a large body waits for the client's delayed
    // acknowledgement of the one before (Nagle's algorithm), up to 40 ms.
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    // Room in the kernel for a large answer (the OpenAPI document, a page of
    // figures) in one write. Linux starts a socket with 16 KiB and grows it
    // only as the connection proves fast, so a 300 KB body otherwise goes
    // out in many writes, each after another wait for the socket to drain
    // (R3's openapi: 0.64x nginx with the default, 0.77x with this). It is
    // a limit, not an allocation: an idle connection uses none of it.
    socket.set_option(net::socket_base::send_buffer_size(kSendBufferBytes),
                      ignored);
    std::shared_ptr<Connection> session;
    if (context_->config().tls()) {
      session = std::make_shared<Session<TlsStream>>(std::move(socket),
                                                     context_, tls_);
    } else {
      session =
          std::make_shared<Session<PlainStream>>(std::move(socket), context_);
    }
    Remember(session);
    session->Start();
    DoAccept();
  }

  void CloseAcceptor() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
  }

  void Remember(const std::shared_ptr<Connection>& session) {
    std::lock_guard lock(sessions_mutex_);
    std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
    sessions_.push_back(session);
  }

  std::vector<std::shared_ptr<Connection>> LiveSessions() {
    std::vector<std::shared_ptr<Connection>> live;
    std::lock_guard lock(sessions_mutex_);
    for (const auto& weak : sessions_) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
    return live;
  }

  // Destroyed in reverse order: the worker pool goes before the io_context,
  // because handlers it drops may hold the last reference to a session,
  // whose socket needs the io_context; the TLS context, which sessions use,
  // goes after both.
  std::shared_ptr<ServerContext> context_;
  net::ssl::context tls_;
  std::vector<std::unique_ptr<net::io_context>> ios_;
  std::size_t next_io_ = 0;  // used on the acceptor's strand only
  std::vector<net::executor_work_guard<net::io_context::executor_type>>
      work_guards_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_retry_;
  std::optional<WorkQueue> core_queue_;
  std::optional<WorkQueue> module_queue_;
  std::optional<WorkQueue> password_queue_;
  std::optional<WorkQueue> search_queue_;
  std::vector<std::thread> io_threads_;
  std::atomic<std::uint16_t> port_{0};

  std::mutex lifecycle_mutex_;
  bool listening_ = false;
  bool started_ = false;
  bool stopped_ = false;

  std::mutex sessions_mutex_;
  std::vector<std::weak_ptr<Connection>> sessions_;

  std::mutex done_mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
};

Server::Server(ServerConfig config, std::shared_ptr<Router> router,
               std::shared_ptr<Metrics> metrics)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(router),
                                   std::move(metrics))) {}

Server::~Server() { Stop(); }

void Server::SetInterceptor(RequestInterceptor interceptor) {
  impl_->SetInterceptor(std::move(interceptor));
}

void Server::SetResponseCache(std::shared_ptr<ResponseCache> cache) {
  impl_->SetResponseCache(std::move(cache));
}

Status Server::Listen() { return impl_->Listen(); }

Status Server::Start() { return impl_->Start(); }

std::uint16_t Server::port() const { return impl_->port(); }

void Server::Stop() { impl_->Stop(); }

void Server::Wait() { impl_->Wait(); }

}  // namespace smartercities::http
