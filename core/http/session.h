// session.h — one HTTP connection: reads requests one at a time, refuses
// what the server does not accept, runs the route's handler on the worker
// pool under a deadline and writes the answer. Internal to core/http.
//
// Thread-safety: every member function runs on the connection's strand;
// workers hand results back by posting to it.
#ifndef SMARTERCITIES_CORE_HTTP_SESSION_H_
#define SMARTERCITIES_CORE_HTTP_SESSION_H_

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/http/server.h"

namespace smartercities::http {

// What every session of one server shares.
struct ServerContext {
  ServerConfig config;
  std::shared_ptr<Router> router;
  std::shared_ptr<Metrics> metrics;
  AccessHook access_hook;
  std::unique_ptr<boost::asio::thread_pool> workers;
  std::atomic<bool> stopping{false};
  // Requests read completely whose response is not written yet.
  std::atomic<int> busy{0};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket&& socket,
          std::shared_ptr<ServerContext> context);

  // Starts reading the first request.
  void Start();
  // The server is stopping: close an idle connection now, otherwise close
  // it after the response in progress.
  void Shutdown();

 private:
  enum class State { kReading, kBusy, kWriting, kClosed };
  using Parser =
      boost::beast::http::request_parser<boost::beast::http::string_body>;

  void DoRead();
  void OnReadHeader(boost::beast::error_code ec, std::size_t bytes);
  void OnReadBody(boost::beast::error_code ec, std::size_t bytes);
  void Process();
  void Respond(Response response);
  void OnWrite(bool close, boost::beast::error_code ec, std::size_t bytes);
  // Answers with a problem and closes the connection afterwards.
  void Refuse(int status, std::string_view title, std::string_view detail);
  void Fail(boost::beast::error_code ec, const char* what);
  void DoClose();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ServerContext> context_;
  std::optional<Parser> parser_;
  boost::asio::steady_timer deadline_;
  std::shared_ptr<const Route> route_;
  Pairs path_params_;
  std::shared_ptr<boost::beast::http::response<boost::beast::http::string_body>>
      response_;

  State state_ = State::kReading;
  std::uint64_t generation_ = 0;  // which request a worker's answer is for
  bool responded_ = false;
  bool counted_busy_ = false;  // this request is counted in context_->busy
  bool close_after_ = false;
  bool keep_alive_ = false;
  bool is_head_ = false;
  unsigned version_ = 11;
  std::string method_;
  std::string path_;
  std::string request_id_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_SESSION_H_
