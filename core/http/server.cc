#include "core/http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <thread>

#include "core/http/session.h"

namespace smartercities::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

class Server::Impl {
 public:
  Impl(ServerConfig config, std::shared_ptr<Router> router,
       std::shared_ptr<Metrics> metrics)
      : context_(std::make_shared<ServerContext>()),
        io_(config.io_threads),
        acceptor_(net::make_strand(io_)) {
    context_->config = std::move(config);
    context_->router = std::move(router);
    context_->metrics = std::move(metrics);
  }

  void SetAccessHook(AccessHook hook) {
    context_->access_hook = std::move(hook);
  }

  Status Start() {
    const ServerConfig& config = context_->config;
    std::string where = config.address + ":" + std::to_string(config.port);
    boost::system::error_code ec;
    auto address = net::ip::make_address(config.address, ec);
    if (ec) {
      return Status::InvalidArgument("'" + config.address +
                                     "' is not an IP address");
    }
    tcp::endpoint endpoint(address, config.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("cannot listen on " + where + ": " +
                                 ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    context_->workers =
        std::make_unique<net::thread_pool>(config.worker_threads);
    DoAccept();
    for (int i = 0; i < config.io_threads; ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
    started_ = true;
    return Status::Ok();
  }

  std::uint16_t port() const { return port_; }

  void Stop() {
    std::lock_guard stop_lock(stop_mutex_);
    if (stopped_) return;
    if (started_) {
      context_->stopping.store(true);
      net::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ec;
        acceptor_.close(ec);
      });
      std::vector<std::shared_ptr<Session>> sessions;
      {
        std::lock_guard lock(sessions_mutex_);
        for (auto& weak : sessions_) {
          if (auto session = weak.lock()) sessions.push_back(session);
        }
      }
      for (auto& session : sessions) session->Shutdown();
      // Responses in flight finish, up to the grace period.
      auto deadline =
          std::chrono::steady_clock::now() + context_->config.shutdown_grace;
      while (context_->busy.load() > 0 &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      io_.stop();
      for (auto& thread : threads_) thread.join();
      context_->workers->join();
    }
    stopped_ = true;
    {
      std::lock_guard lock(wait_mutex_);
      done_ = true;
    }
    wait_cv_.notify_all();
  }

  void Wait() {
    std::unique_lock lock(wait_mutex_);
    wait_cv_.wait(lock, [this] { return done_; });
  }

 private:
  void DoAccept() {
    acceptor_.async_accept(
        net::make_strand(io_),
        [this](boost::system::error_code ec, tcp::socket socket) {
          if (ec) {
            if (ec != net::error::operation_aborted) {
              spdlog::warn("accept: {}", ec.message());
            }
            if (!acceptor_.is_open()) return;
          } else if (!context_->stopping.load()) {
            auto session =
                std::make_shared<Session>(std::move(socket), context_);
            Remember(session);
            session->Start();
          }
          if (!context_->stopping.load()) DoAccept();
        });
  }

  void Remember(const std::shared_ptr<Session>& session) {
    std::lock_guard lock(sessions_mutex_);
    std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
    sessions_.push_back(session);
  }

  std::shared_ptr<ServerContext> context_;
  net::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  bool started_ = false;
  std::mutex sessions_mutex_;
  std::vector<std::weak_ptr<Session>> sessions_;
  std::mutex stop_mutex_;
  bool stopped_ = false;
  std::mutex wait_mutex_;
  std::condition_variable wait_cv_;
  bool done_ = false;
};

Server::Server(ServerConfig config, std::shared_ptr<Router> router,
               std::shared_ptr<Metrics> metrics)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(router),
                                   std::move(metrics))) {}

Server::~Server() { Stop(); }

void Server::SetAccessHook(AccessHook hook) {
  impl_->SetAccessHook(std::move(hook));
}

Status Server::Start() { return impl_->Start(); }

std::uint16_t Server::port() const { return impl_->port(); }

void Server::Stop() { impl_->Stop(); }

void Server::Wait() { impl_->Wait(); }

}  // namespace smartercities::http
