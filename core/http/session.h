// session.h — one HTTP connection, over plain TCP or TLS. Internal to
// core/http.
//
// Reads requests one at a time (the header first, so that framing and the
// route's body limit are checked before any body is read), refuses what the
// server does not accept, answers from the response cache or runs the
// route's handler on its lane (work_queue.h) under the route's deadline and
// writes the answer. Pipelined requests wait in the
// connection's buffer, which is bounded by pipeline_limit_bytes.
//
// Over TLS the session first completes the handshake (within the read
// timeout) and, where plain TCP half-closes before closing, sends
// close_notify; everything else is the same code for both streams.
//
// Thread-safety: every member function except CloseNow runs on the
// connection's strand; workers hand results back by posting to it.
// Ownership: shared. Pending I/O, the deadline timer and a handler running on
// a worker each hold a reference, so a late handler result finds either the
// session or nothing; the server keeps only weak references.
#ifndef SMARTERCITIES_CORE_HTTP_SESSION_H_
#define SMARTERCITIES_CORE_HTTP_SESSION_H_

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/http/chunked_decoder.h"
#include "core/http/message.h"
#include "core/http/response_cache.h"
#include "core/http/router.h"
#include "core/http/server_context.h"
#include "core/http/shared_body.h"

namespace smartercities::http {

// What the server needs of a connection, whatever its stream.
class Connection {
 public:
  virtual ~Connection() = default;

  // Starts the TLS handshake, if any, then reads the first request.
  virtual void Start() = 0;

  // The server is stopping: closes the connection now when it is between
  // requests or still receiving one, otherwise after the response in
  // progress has been written.
  virtual void Shutdown() = 0;

  // Closes the socket at once. Only for when no I/O thread runs any more
  // (the server's last step of Stop), since it bypasses the strand.
  virtual void CloseNow() = 0;
};

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Stream is PlainStream or TlsStream; session.cc instantiates both.
template <class Stream>
class Session : public Connection,
                public std::enable_shared_from_this<Session<Stream>> {
 public:
  // stream_args: none for PlainStream; for TlsStream the server's
  // boost::asio::ssl::context, which must outlive the session.
  template <class... StreamArgs>
  Session(boost::asio::ip::tcp::socket&& socket,
          std::shared_ptr<ServerContext> context, StreamArgs&&... stream_args)
      : stream_(std::move(socket), std::forward<StreamArgs>(stream_args)...),
        context_(std::move(context)),
        deadline_(stream_.get_executor()) {
    Init();
  }

  void Start() override;
  void Shutdown() override;
  void CloseNow() override;

 private:
  static constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;
  enum class State { kReading, kBusy, kWriting, kLingering, kClosed };
  using Parser =
      boost::beast::http::request_parser<boost::beast::http::string_body>;
  using BeastResponse = boost::beast::http::response<SharedStringBody>;

  // The TCP stream under the TLS layer, or the stream itself: it carries
  // the deadlines and the socket.
  boost::beast::tcp_stream& Tcp() {
    return boost::beast::get_lowest_layer(stream_);
  }
  void Init();
  void OnHandshake(boost::beast::error_code ec);
  void DoRead();
  void OnFirstBytes(boost::beast::error_code ec, std::size_t bytes);
  void DoReadHeader();
  // Feeds what is buffered to the parser, after checking it for what Beast
  // would accept but the server does not; reads more while needed.
  void ParseHeader();
  void OnHeaderBytes(boost::beast::error_code ec, std::size_t bytes);
  void OnReadHeader(boost::beast::error_code ec, std::size_t bytes);
  void DoWriteContinue();
  void OnWriteContinue(boost::beast::error_code ec, std::size_t bytes);
  void DoReadBody();
  void OnReadBody(boost::beast::error_code ec, std::size_t bytes);
  // The body's deadline: the request's read timeout, extended by every part
  // of the body that arrives at the configured minimum rate, so that a large
  // upload over a slow line finishes and a trickle does not hold the
  // connection. When it passes, the read is cancelled and answered 408.
  void ExtendBodyDeadline(std::size_t bytes);
  void ArmBodyDeadline();
  void RefuseSlowBody();
  // Chunked bodies go through ChunkedDecoder rather than Beast.
  void ParseChunkedBody();
  void OnChunkedBytes(boost::beast::error_code ec, std::size_t bytes);
  void Process();
  // Answers a routed request: from the response cache when it can, inline
  // for an inline route, otherwise on the route's lane within its gate and
  // deadline.
  void Dispatch(std::shared_ptr<Request> request);
  // Runs work on the lane's queue; its response comes back to the strand and
  // is dropped when the request was answered meanwhile (504) or the
  // connection is gone. When the queue is full, answers 503 with
  // Retry-After and returns false.
  bool RunOnLane(Lane lane, std::function<Response()> work);
  void RespondFromCache(const CachedResponse& entry, const Request& request);
  // A 503 because a lane or a module's share is full, sent after the
  // configured pause.
  void RespondAfterPause(Response response);
  void Respond(Response response);
  // Writes the answer: counts it, logs it, adds the server's headers.
  // body_file, when given, holds the same bytes as body: on plain TCP the
  // header is written, then the body with sendfile(2) as far as the socket
  // takes it, then the rest from memory.
  // file_only, when given, is the whole body (a bulk download, Response::
  // body_file): it is sent from the file, with sendfile(2) on plain TCP as
  // far as the socket takes it and otherwise in pieces read from the file,
  // so that no more than one piece is in memory.
  void Send(int status, const Pairs& headers,
            std::shared_ptr<const std::string> body,
            std::shared_ptr<const BodyFile> body_file = nullptr,
            std::shared_ptr<const BodyFile> file_only = nullptr);
  void DoWrite(bool close);
  void OnWriteHeader(bool close, boost::beast::error_code ec, std::size_t);
  void OnWriteFileHeader(bool close, boost::beast::error_code ec, std::size_t);
  void WriteFromFile(bool close);
  void OnWriteFileChunk(bool close, boost::beast::error_code ec,
                        std::size_t bytes);
  void OnWrite(bool close, boost::beast::error_code ec, std::size_t bytes);
  // After a response that ends the connection: stop sending, then read and
  // discard what the client still sends for a short while, so that closing
  // does not reset the connection before the client has read the answer.
  // Over TLS, close_notify is sent first.
  void DoLinger();
  void OnTlsShutdown(boost::beast::error_code ec);
  void DoDrain();
  void OnLinger(boost::beast::error_code ec, std::size_t bytes);
  // Answers with a problem and closes the connection afterwards.
  void Refuse(int status, std::string_view title, std::string_view detail);
  Response Preflight(const Request& request);
  // 413 naming the route's body limit.
  void RefuseTooLarge();
  void Fail(boost::beast::error_code ec, const char* what);
  void DoClose();
  void ReleaseBusy();

  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ServerContext> context_;
  std::optional<Parser> parser_;
  // How much of the buffered header FindObsFold has seen; why the header
  // was refused when Beast would have taken it.
  std::size_t header_checked_bytes_ = 0;
  std::optional<std::string> header_problem_;
  // Set for a chunked request body, with the data decoded so far.
  std::optional<ChunkedDecoder> chunked_;
  std::string chunked_body_;
  boost::asio::steady_timer deadline_;
  std::shared_ptr<BeastResponse> response_;
  std::shared_ptr<const BodyFile> body_file_;
  // The body sent from a file alone, how far it has gone, and the piece
  // being written.
  std::shared_ptr<const BodyFile> file_only_;
  std::size_t file_only_offset_ = 0;
  std::unique_ptr<char[]> file_chunk_;
  std::optional<boost::beast::http::response_serializer<SharedStringBody>>
      header_serializer_;
  std::string remote_address_;

  State state_ = State::kReading;
  // Which request a worker's answer is for.
  std::uint64_t generation_ = 0;
  bool responded_ = false;
  bool counted_busy_ = false;
  bool close_after_ = false;
  std::size_t lingered_bytes_ = 0;

  // The request being read or answered.
  std::shared_ptr<const Route> route_;
  Pairs path_params_;
  std::vector<std::string> allowed_methods_;
  // The answer may be read by a page of any origin (CORS): a public read
  // of the API. Set with the route, for each request.
  bool cross_origin_readable_ = false;
  std::string method_;
  std::string raw_path_;
  std::string path_;
  std::string request_id_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool is_head_ = false;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point read_deadline_;
  std::uint64_t body_received_bytes_ = 0;
  bool body_timed_out_ = false;
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_SESSION_H_
