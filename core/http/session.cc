#include "core/http/session.h"

#include <sys/sendfile.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <cerrno>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <utility>

#include "core/http/chunked_decoder.h"
#include "core/http/header_text.h"
#include "core/http/http_logger.h"
#include "core/http/response_cache.h"
#include "core/http/route_checks.h"
#include "core/http/shared_body.h"
#include "core/http/static_files.h"
#include "core/http/work_queue.h"

namespace smartercities::http {
namespace {

// Sends from offset of file to a non-blocking socket with sendfile(2) until
// the socket is full, the file ends or max_bytes went; the new offset.
std::size_t SendSomeFromFile(int socket, const BodyFile& file,
                             std::size_t offset, std::size_t max_bytes) {
  std::size_t end = std::min(file.size(), offset + max_bytes);
  while (offset < end) {
    off_t at = static_cast<off_t>(offset);
    ssize_t sent = ::sendfile(socket, file.fd(), &at, end - offset);
    if (sent > 0) {
      offset += static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    break;  // full (EAGAIN) or failed: the stream's write says which
  }
  return offset;
}

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Bodies sent to paths without a route: enough for a small form, no more.
constexpr std::size_t kUnroutedBodyLimitBytes = 1024;
// The most one socket read adds to the connection's buffer.
constexpr std::size_t kReadChunkBytes = 8 * 1024;
// A body sent from a file goes out in pieces of this size where sendfile(2)
// cannot be used (TLS) or the socket is full.
constexpr std::size_t kFileChunkBytes = 256 * 1024;
// The most one turn sends with sendfile(2) before it lets the connection's
// thread serve others.
constexpr std::size_t kFileTurnBytes = 4 * 1024 * 1024;
// How long, and how much, we read and discard before closing a connection
// whose client may still be sending (see Session::DoLinger).
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr std::size_t kLingerLimitBytes = 16 * 1024 * 1024;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' "
    "data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

std::string_view Std(beast::string_view text) {
  return {text.data(), text.size()};
}

// The hashes a core handler names for its style elements, each checked to
// be a SHA-256 in base64 ("sha256-" and 44 characters), as they go into
// style-src: " 'sha256-...'"; what is not such a hash is left out.
std::string StyleHashes(std::string_view value) {
  std::string allowed;
  while (!value.empty()) {
    std::size_t end = value.find(' ');
    std::string_view token = value.substr(0, end);
    value = end == std::string_view::npos ? "" : value.substr(end + 1);
    if (token.size() != 51 || !token.starts_with("sha256-")) continue;
    bool base64 = std::all_of(token.begin() + 7, token.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' ||
             c == '/' || c == '=';
    });
    if (!base64) continue;
    allowed += " '";
    allowed += token;
    allowed += '\'';
  }
  return allowed;
}

// Text from a handler, fit for one log line.
std::string Printable(std::string_view text) {
  std::string out(text.substr(0, 200));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t value = generator();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[value & 0xf];
    value >>= 4;
  }
  return id;
}

bool IsSaneRequestId(std::string_view id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                  c == '_';
         });
}

// RFC 9110 token characters, the only ones a header name may have.
bool IsToken(std::string_view text) {
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           kSymbols.find(c) != std::string_view::npos;
  });
}

// A value that cannot end the header line early.
bool IsFieldValue(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    return c == '\r' || c == '\n' || c == '\0';
  });
}

// Headers that decide where a message ends; only the server sets them.
bool IsFraming(std::string_view name) {
  return EqualsIgnoreCase(name, "Content-Length") ||
         EqualsIgnoreCase(name, "Transfer-Encoding") ||
         EqualsIgnoreCase(name, "Connection");
}

// Errors of the request's syntax, which get an answer; anything else (the
// client went away, a timeout) only closes the connection.
bool IsParseError(beast::error_code ec) {
  static const auto& kHttpCategory =
      bhttp::make_error_code(bhttp::error::bad_target).category();
  return ec && ec.category() == kHttpCategory &&
         ec != bhttp::error::end_of_stream &&
         ec != bhttp::error::partial_message;
}

// The framing problems the server refuses itself, or nullopt. Beast 1.74
// accepts some shapes that a proxy in front of us could read differently.
std::optional<std::string> FramingProblem(
    const bhttp::request_header<>& request) {
  std::size_t lengths = request.count(bhttp::field::content_length);
  std::size_t encodings = request.count(bhttp::field::transfer_encoding);
  if (encodings > 0 && lengths > 0) {
    return "a request must not carry both Transfer-Encoding and "
           "Content-Length";
  }
  if (encodings > 1) return "send Transfer-Encoding once";
  if (encodings == 1) {
    std::string value =
        Lower(Trim(Std(request[bhttp::field::transfer_encoding])));
    if (value != "chunked") {
      return "Transfer-Encoding '" + value +
             "' is not supported; only 'chunked' is";
    }
    if (request.version() < 11) {
      return "chunked transfer encoding needs HTTP/1.1";
    }
  }
  if (lengths > 1) {
    auto range = request.equal_range(bhttp::field::content_length);
    std::string_view first = Trim(Std(range.first->value()));
    for (auto it = range.first; it != range.second; ++it) {
      if (Trim(Std(it->value())) != first) {
        return "conflicting Content-Length headers";
      }
    }
  }
  return std::nullopt;
}

// Looks for obsolete line folding (a CRLF followed by SP or HTAB) in the
// part of a request header Beast has not parsed yet, from byte `from` on;
// Beast 1.74 would join the lines. Stops at the end of the header, since
// what follows is body. Sets `from` to where the next look must start.
bool FindObsFold(std::string_view bytes, std::size_t& from) {
  std::size_t i = from;
  for (;;) {
    std::size_t crlf = bytes.find("\r\n", i);
    if (crlf == std::string_view::npos) {
      // A CR at the very end may become a CRLF with the next bytes.
      from = bytes.empty() ? 0 : bytes.size() - 1;
      return false;
    }
    // Beast consumes a header line only together with the character after
    // it, so a CRLF at the start is the empty line that ends the header.
    if (crlf == 0 || crlf + 2 >= bytes.size() || bytes[crlf + 2] == '\r') {
      from = crlf;
      return false;
    }
    if (bytes[crlf + 2] == ' ' || bytes[crlf + 2] == '\t') return true;
    i = crlf + 2;
  }
}

bool ExpectsContinue(const bhttp::request_header<>& request) {
  return request.version() >= 11 &&
         EqualsIgnoreCase(Trim(Std(request[bhttp::field::expect])),
                          "100-continue");
}

// Whether route answers method as a public read: the answers any page of
// any origin may read (CORS).
bool IsPublicRead(const Route* route, std::string_view method) {
  return route != nullptr && route->options.permission == "public" &&
         (method == "GET" || method == "HEAD");
}

// What a page of another origin may read of a public answer's header.
constexpr const char* kExposedHeaders =
    "API-Version, ETag, Last-Modified, X-Request-Id";

Response InternalError(const std::string& request_id) {
  Response response =
      Response::Problem(500, "Internal Server Error",
                        "the server could not answer; quote error id " +
                            request_id + " when you report it");
  nlohmann::json body = nlohmann::json::parse(response.body);
  body["errorId"] = request_id;
  response.body = body.dump();
  return response;
}

// A handler's 500 problem tells what broke in the server's words (a
// statement, a file name); those go to the log under the request's id, and
// the client gets the id to quote. A problem that carries an errorId has
// been through this already (a theme module's failure).
Response WithoutServerDetail(Response response, const Request& request) {
  if (response.status != 500) return response;
  auto type = response.Header("content-type");
  if (!type || !type->starts_with("application/problem+json")) {
    return response;
  }
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("errorId")) return response;
  std::string detail =
      body.is_object() && body.contains("detail") && body["detail"].is_string()
          ? body["detail"].get<std::string>()
          : response.body;
  HttpLogger()->error("{} {} failed (error id {}): {}", request.method,
                      request.path, request.request_id, detail);
  return InternalError(request.request_id);
}

// Sets name: value unless it could break the message; returns false then.
bool SetChecked(bhttp::response<SharedStringBody>& message,
                std::string_view name, std::string_view value) {
  if (!IsToken(name) || !IsFieldValue(value) || IsFraming(name)) return false;
  message.set(beast::string_view(name.data(), name.size()),
              beast::string_view(value.data(), value.size()));
  return true;
}

// The Beast message for an answer: the configured default headers, the
// handler's headers (framing and the security headers are the server's), the
// security headers and, for HEAD, the length of the body it leaves out.
std::shared_ptr<bhttp::response<SharedStringBody>> ToBeast(
    int status, const Pairs& headers, std::shared_ptr<const std::string> body,
    const ServerConfig& config, unsigned version, const std::string& request_id,
    bool is_head, bool close) {
  auto message = std::make_shared<bhttp::response<SharedStringBody>>();
  message->version(version);
  message->result(static_cast<unsigned>(status));
  std::string_view reason = ReasonPhrase(status);
  message->reason(beast::string_view(reason.data(), reason.size()));
  for (const auto& [name, value] : config.default_headers) {
    if (!SetChecked(*message, name, value)) {
      HttpLogger()->warn("default header '{}' is not valid; left out",
                         Printable(name));
    }
  }
  for (const auto& [name, value] : headers) {
    if (!SetChecked(*message, name, value)) {
      HttpLogger()->warn(
          "response header '{}' of request {} is not valid; left out",
          Printable(name), request_id);
    }
  }
  // The server alone decides what it says about itself and about HTTPS: no
  // handler can name the software behind it or set HSTS; the server sends
  // HSTS only when it speaks TLS itself.
  message->erase(bhttp::field::server);
  message->erase("X-Powered-By");
  message->erase(bhttp::field::strict_transport_security);
  if (config.tls()) {
    message->set(bhttp::field::strict_transport_security,
                 "max-age=31536000; includeSubDomains");
  }
  message->set("X-Content-Type-Options", "nosniff");
  // A core page with a style element of its own (the progress report, a
  // document that must stand alone when saved) names the element's hash; no
  // other inline style is allowed.
  std::string policy = kContentSecurityPolicy;
  if (auto hashes = message->find(kStyleHashesHeader);
      hashes != message->end()) {
    std::string allowed = StyleHashes(Std(hashes->value()));
    if (!allowed.empty()) {
      std::size_t at = policy.find("style-src 'self'") + 16;
      policy.insert(at, allowed);
    }
    message->erase(kStyleHashesHeader);
  }
  message->set("Content-Security-Policy", policy);
  message->set("Referrer-Policy", "no-referrer");
  message->set("X-Request-Id", request_id);
  message->keep_alive(!close);
  bool has_no_body = status == 204 || status == 304;
  std::size_t length = body ? body->size() : 0;
  if (!has_no_body) message->body() = std::move(body);
  message->prepare_payload();
  if (is_head && !has_no_body) {
    message->body() = nullptr;
    message->content_length(length);
  }
  return message;
}

}  // namespace

template <class Stream>
void Session<Stream>::Init() {
  buffer_.max_size(
      std::max<std::size_t>(context_->config().pipeline_limit_bytes, 1));
  beast::error_code ec;
  auto endpoint = Tcp().socket().remote_endpoint(ec);
  if (!ec) remote_address_ = endpoint.address().to_string();
}

template <class Stream>
void Session<Stream>::Start() {
  // Everything from here on runs on the connection's strand.
  net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    if constexpr (kIsTls) {
      // The handshake is the start of the first request: the client that
      // opens a connection and sends nothing is dropped as soon as one
      // that stops halfway through a request.
      self->Tcp().expires_after(self->context_->config().read_timeout);
      self->stream_.async_handshake(
          net::ssl::stream_base::server,
          beast::bind_front_handler(&Session::OnHandshake, self));
    } else {
      self->DoRead();
    }
  });
}

template <class Stream>
void Session<Stream>::OnHandshake(beast::error_code ec) {
  if (ec) return Fail(ec, "TLS handshake");
  DoRead();
}

template <class Stream>
void Session<Stream>::Shutdown() {
  net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    if (self->state_ == State::kReading || self->state_ == State::kLingering) {
      self->DoClose();
    } else {
      self->close_after_ = true;
    }
  });
}

template <class Stream>
void Session<Stream>::CloseNow() {
  DoClose();
}

template <class Stream>
void Session<Stream>::DoRead() {
  if (state_ == State::kClosed) return;
  if (close_after_ || context_->stopping()) return DoLinger();
  state_ = State::kReading;
  ++generation_;
  responded_ = false;
  route_.reset();
  path_params_.clear();
  allowed_methods_.clear();
  if (buffer_.size() > 0) return DoReadHeader();
  // Between requests the idle timeout applies; the first byte of the next
  // request starts its read timeout.
  Tcp().expires_after(context_->config().idle_timeout);
  stream_.async_read_some(
      buffer_.prepare(std::min(kReadChunkBytes, buffer_.max_size())),
      beast::bind_front_handler(&Session::OnFirstBytes,
                                this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnFirstBytes(beast::error_code ec, std::size_t bytes) {
  if (ec) return Fail(ec, "read");
  buffer_.commit(bytes);
  DoReadHeader();
}

template <class Stream>
void Session<Stream>::DoReadHeader() {
  read_deadline_ =
      std::chrono::steady_clock::now() + context_->config().read_timeout;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(context_->config().header_limit_bytes,
                            std::numeric_limits<std::uint32_t>::max())));
  // Beast compares Content-Length with the body limit while it parses the
  // header, but the route's limit is known only after the header; until
  // then there is none, and OnReadHeader checks the declared length.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  header_checked_bytes_ = 0;
  header_problem_.reset();
  chunked_.reset();
  chunked_body_.clear();
  ParseHeader();
}

template <class Stream>
void Session<Stream>::ParseHeader() {
  if (buffer_.size() > 0) {
    auto data = buffer_.data();
    std::string_view bytes(static_cast<const char*>(data.data()), data.size());
    if (FindObsFold(bytes, header_checked_bytes_)) {
      header_problem_ =
          "a header continues on the next line (obsolete line folding); "
          "send each header on one line";
      return OnReadHeader(bhttp::error::bad_value, 0);
    }
    beast::error_code ec;
    std::size_t used = parser_->put(data, ec);
    buffer_.consume(used);
    header_checked_bytes_ -= std::min(header_checked_bytes_, used);
    if (ec != bhttp::error::need_more) return OnReadHeader(ec, 0);
  }
  std::size_t room = buffer_.max_size() - buffer_.size();
  if (room == 0) return OnReadHeader(bhttp::error::buffer_overflow, 0);
  Tcp().expires_at(read_deadline_);
  stream_.async_read_some(buffer_.prepare(std::min(kReadChunkBytes, room)),
                          beast::bind_front_handler(&Session::OnHeaderBytes,
                                                    this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnHeaderBytes(beast::error_code ec, std::size_t bytes) {
  if (ec) return Fail(ec, "read header");
  buffer_.commit(bytes);
  ParseHeader();
}

template <class Stream>
void Session<Stream>::OnReadHeader(beast::error_code ec, std::size_t) {
  if (ec && !IsParseError(ec)) return Fail(ec, "read header");
  started_ = std::chrono::steady_clock::now();
  const auto& header = parser_->get();
  method_ = std::string(Std(header.method_string()));
  std::string_view target = Std(header.target());
  raw_path_ = std::string(target.substr(0, target.find('?')));
  path_.clear();
  version_ = header.version() == 10 ? 10 : 11;
  is_head_ = header.method() == bhttp::verb::head;
  keep_alive_ = false;
  std::string_view sent_id = Std(header["X-Request-Id"]);
  request_id_ =
      IsSaneRequestId(sent_id) ? std::string(sent_id) : NewRequestId();

  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    return Refuse(
        431, "Request Header Fields Too Large",
        "send at most " +
            std::to_string(std::min(context_->config().header_limit_bytes,
                                    context_->config().pipeline_limit_bytes)) +
            " bytes of request line and headers");
  }
  if (ec) {
    return Refuse(400, "Bad Request",
                  header_problem_.value_or("the request could not be read: " +
                                           ec.message()));
  }
  if (raw_path_.empty() || raw_path_.front() != '/') {
    return Refuse(400, "Bad Request",
                  "the request target must be a path starting with '/'");
  }
  if (auto problem = FramingProblem(header)) {
    return Refuse(400, "Bad Request", *problem);
  }
  auto decoded = PercentDecode(raw_path_);
  if (!decoded) {
    return Refuse(400, "Bad Request",
                  "the path has a malformed percent escape; write '%' as "
                  "'%25'");
  }
  path_ = std::move(*decoded);

  RouteMatch match = context_->router().Find(method_, path_);
  route_ = std::move(match.route);
  path_params_ = std::move(match.path_params);
  allowed_methods_ = std::move(match.allowed_methods);
  // Outside /api/ the web root answers GET and HEAD; another method there is
  // not allowed, rather than aimed at nothing.
  bool is_api_path = path_ == "/api" || path_.starts_with("/api/");
  cross_origin_readable_ = is_api_path && IsPublicRead(route_.get(), method_);
  if (!route_ && allowed_methods_.empty() && !is_api_path &&
      !context_->config().web_root.empty() && method_ != "GET" &&
      method_ != "HEAD") {
    allowed_methods_ = {"GET", "HEAD"};
  }
  body_received_bytes_ = 0;
  body_timed_out_ = false;
  std::size_t limit =
      route_ ? route_->options.body_limit_bytes : kUnroutedBodyLimitBytes;
  if (auto declared = parser_->content_length();
      declared && *declared > limit) {
    return RefuseTooLarge();
  }
  parser_->body_limit(limit);
  if (parser_->is_done()) return Process();
  if (parser_->chunked()) {
    chunked_.emplace(limit, context_->config().header_limit_bytes);
  }
  if (ExpectsContinue(header)) return DoWriteContinue();
  DoReadBody();
}

template <class Stream>
void Session<Stream>::DoWriteContinue() {
  Tcp().expires_after(context_->config().write_timeout);
  net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                   beast::bind_front_handler(&Session::OnWriteContinue,
                                             this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnWriteContinue(beast::error_code ec, std::size_t) {
  if (ec) return Fail(ec, "write 100 Continue");
  DoReadBody();
}

template <class Stream>
void Session<Stream>::DoReadBody() {
  if (chunked_) return ParseChunkedBody();
  ArmBodyDeadline();
  bhttp::async_read_some(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::OnReadBody,
                                                   this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnReadBody(beast::error_code ec, std::size_t bytes) {
  if (body_timed_out_) return RefuseSlowBody();
  if (ec == bhttp::error::body_limit) return RefuseTooLarge();
  if (ec && !IsParseError(ec)) return Fail(ec, "read body");
  if (ec) {
    return Refuse(400, "Bad Request",
                  "the request body could not be read: " + ec.message());
  }
  if (!parser_->is_done()) {
    ExtendBodyDeadline(bytes);
    return DoReadBody();
  }
  Process();
}

template <class Stream>
void Session<Stream>::ExtendBodyDeadline(std::size_t bytes) {
  body_received_bytes_ += bytes;
  std::size_t rate = context_->config().body_min_bytes_per_second;
  if (rate == 0) return;
  read_deadline_ += std::chrono::microseconds(
      static_cast<std::int64_t>(bytes * 1000000.0 / static_cast<double>(rate)));
}

template <class Stream>
void Session<Stream>::ArmBodyDeadline() {
  // Our own timer, not the stream's: when the stream's deadline passes,
  // Beast closes the socket, and the client would get no answer. The
  // stream's stays as a backstop, a little later.
  Tcp().expires_at(read_deadline_ + std::chrono::seconds(5));
  deadline_.expires_at(read_deadline_);
  deadline_.async_wait([self = this->shared_from_this(),
                        generation = generation_](beast::error_code ec) {
    if (ec || generation != self->generation_ ||
        self->state_ != State::kReading) {
      return;
    }
    self->body_timed_out_ = true;
    self->Tcp().cancel();
  });
}

template <class Stream>
void Session<Stream>::RefuseSlowBody() {
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_);
  auto declared = parser_->content_length();
  std::string received =
      std::to_string(body_received_bytes_) +
      (declared ? " of " + std::to_string(*declared) : std::string()) +
      " bytes";
  std::size_t rate = context_->config().body_min_bytes_per_second;
  HttpLogger()->warn(
      "{} {} from {}: the body came too slowly ({} in {} ms, slower than {} "
      "bytes per second); answered 408 (request id {})",
      method_, raw_path_, remote_address_, received, elapsed.count(), rate,
      request_id_);
  Refuse(408, "Request Timeout",
         "the request body came too slowly (" + received + " in " +
             std::to_string(elapsed.count() / 1000) + " s); send it at " +
             std::to_string(rate) + " bytes per second or faster");
}

template <class Stream>
void Session<Stream>::ParseChunkedBody() {
  if (buffer_.size() > 0) {
    auto data = buffer_.data();
    std::size_t used = 0;
    auto result = chunked_->Feed(
        std::string_view(static_cast<const char*>(data.data()), data.size()),
        used, chunked_body_);
    buffer_.consume(used);
    switch (result) {
      case ChunkedDecoder::Result::kDone:
        return Process();
      case ChunkedDecoder::Result::kTooLarge:
        return RefuseTooLarge();
      case ChunkedDecoder::Result::kMalformed:
        return Refuse(
            400, "Bad Request",
            "the chunked request body is malformed: " + chunked_->problem());
      case ChunkedDecoder::Result::kNeedMore:
        break;
    }
  }
  std::size_t room = buffer_.max_size() - buffer_.size();
  if (room == 0) {
    return Refuse(400, "Bad Request",
                  "a chunk line does not fit in the connection's buffer");
  }
  ArmBodyDeadline();
  stream_.async_read_some(buffer_.prepare(std::min(kReadChunkBytes, room)),
                          beast::bind_front_handler(&Session::OnChunkedBytes,
                                                    this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnChunkedBytes(beast::error_code ec, std::size_t bytes) {
  if (body_timed_out_) return RefuseSlowBody();
  if (ec) return Fail(ec, "read body");
  buffer_.commit(bytes);
  ExtendBodyDeadline(bytes);
  ParseChunkedBody();
}

template <class Stream>
void Session<Stream>::Process() {
  state_ = State::kBusy;
  context_->AddBusy();
  counted_busy_ = true;
  // Nothing is read while the request is answered; pipelined requests wait
  // in buffer_ and, beyond it, in the socket.
  Tcp().expires_never();
  auto message = parser_->release();
  keep_alive_ = message.keep_alive();

  auto request = std::make_shared<Request>();
  request->method = method_;
  request->target = std::string(Std(message.target()));
  request->path = path_;
  request->request_id = request_id_;
  request->remote_address = remote_address_;
  request->path_params = std::move(path_params_);
  for (const auto& field : message) {
    request->headers.emplace_back(Lower(Std(field.name_string())),
                                  std::string(Std(field.value())));
  }
  request->body =
      chunked_ ? std::move(chunked_body_) : std::move(message.body());
  if (auto query_start = request->target.find('?');
      query_start != std::string::npos) {
    auto query =
        ParseQuery(std::string_view(request->target).substr(query_start + 1));
    if (!query) {
      return Respond(Response::Problem(
          400, "Bad Request",
          "the query has a malformed percent escape; write '%' as '%25'"));
    }
    request->query = std::move(*query);
  }

  if (route_) return Dispatch(std::move(request));

  if (method_ == "OPTIONS" && path_.starts_with("/api/") &&
      request->Header("access-control-request-method")) {
    return Respond(Preflight(*request));
  }
  if (!allowed_methods_.empty()) {
    std::string allow;
    for (const auto& method : allowed_methods_) {
      allow += (allow.empty() ? "" : ", ") + method;
    }
    Response response = Response::Problem(
        405, "Method Not Allowed",
        method_ + " is not allowed on " + path_ + "; use " + allow);
    response.SetHeader("Allow", allow);
    return Respond(std::move(response));
  }
  bool is_api = path_ == "/api" || path_.rfind("/api/", 0) == 0;
  const std::string& web_root = context_->config().web_root;
  if ((method_ == "GET" || method_ == "HEAD") && !is_api && !web_root.empty()) {
    RunOnLane(Lane::kCore, [request, web_root] {
      return ServeStaticFile(web_root, request->path);
    });
    return;
  }
  Respond(Response::Problem(
      404, "Not Found",
      "there is no resource at " + path_ +
          "; GET /api/v1/openapi.json lists what this server offers"));
}

// A CORS preflight (OPTIONS with Access-Control-Request-Method): allowed
// for a public read only, so that a page of another site can read the open
// data but never send a token or change anything. A refused preflight
// carries no CORS header, which is how a browser learns the answer is no.
template <class Stream>
Response Session<Stream>::Preflight(const Request& request) {
  std::string method(request.Header("access-control-request-method").value());
  RouteMatch wanted = context_->router().Find(method, path_);
  if (!IsPublicRead(wanted.route.get(), method)) {
    Response refused = Response::Problem(
        403, "Forbidden",
        "a page of another origin may only read this API's public resources "
        "(GET, HEAD, without credentials); " +
            method.substr(0, 20) + " " + path_.substr(0, 200) + " is not one");
    return refused;
  }
  Response allowed;
  allowed.status = 204;
  allowed.SetHeader("Access-Control-Allow-Origin", "*");
  allowed.SetHeader("Access-Control-Allow-Methods", "GET, HEAD");
  // CORS-safelisted headers need no listing; these are the conditional
  // and negotiation headers a client of the open data sends.
  allowed.SetHeader("Access-Control-Allow-Headers",
                    "Accept, Accept-Language, If-None-Match, "
                    "If-Modified-Since");
  allowed.SetHeader("Access-Control-Max-Age", "86400");
  return allowed;
}

template <class Stream>
void Session<Stream>::Dispatch(std::shared_ptr<Request> request) {
  const RouteOptions& options = route_->options;
  // Before the cache, so that a stored answer never goes to a request its
  // route would refuse.
  if (auto refused = RouteContractProblem(*route_, *request)) {
    return Respond(std::move(*refused));
  }
  // A public answer rendered before, for the data as it is now: answered
  // here, without a thread hop.
  std::shared_ptr<ResponseCache> cache =
      options.cacheable && (method_ == "GET" || method_ == "HEAD")
          ? context_->cache()
          : nullptr;
  std::string cache_key;
  std::uint64_t generation = 0;
  if (cache) {
    cache_key = request->target;
    if (options.cache_variant) {
      cache_key += '\n';
      cache_key += options.cache_variant(*request);
    }
    if (auto entry = cache->Find(cache_key)) {
      return RespondFromCache(*entry, *request);
    }
    generation = cache->Generation();
  }
  // Liveness and the like: public, never blocking, answered here.
  if (options.lane == Lane::kInline && options.permission == "public") {
    Response response;
    try {
      response = route_->handler(*request);
    } catch (...) {
      HttpLogger()->error("{} {} failed (error id {})", method_, raw_path_,
                          request_id_);
      response = InternalError(request_id_);
    }
    return Respond(std::move(response));
  }
  std::shared_ptr<RouteGate> gate = options.gate;
  if (gate) {
    if (auto refused = gate->Enter()) {
      return RespondAfterPause(std::move(*refused));
    }
  }
  // Set when the deadline passes first, so that the gate hears of it once.
  auto expired = std::make_shared<std::atomic<bool>>(false);
  deadline_.expires_after(options.deadline);
  deadline_.async_wait([self = this->shared_from_this(),
                        generation_now = generation_, gate,
                        expired](beast::error_code ec) {
    if (ec || generation_now != self->generation_ || self->responded_ ||
        self->state_ == State::kClosed) {
      return;
    }
    if (gate && !expired->exchange(true)) gate->Expired();
    HttpLogger()->warn("{} {} did not answer within {} ms (request id {})",
                       self->method_, self->raw_path_,
                       self->route_->options.deadline.count(),
                       self->request_id_);
    self->Respond(Response::Problem(
        504, "Gateway Timeout",
        "the server did not answer within " +
            std::to_string(self->route_->options.deadline.count()) +
            " ms; try again later, or report request id " + self->request_id_));
  });
  bool queued =
      RunOnLane(options.lane,
                [request, route = route_, interceptor = context_->interceptor(),
                 gate, expired, cache, cache_key = std::move(cache_key),
                 generation, request_id = request_id_]() -> Response {
                  Response response;
                  try {
                    response = interceptor ? (*interceptor)(*request, *route)
                                           : route->handler(*request);
                  } catch (...) {
                    if (gate) gate->Leave(500, expired->exchange(true));
                    throw;
                  }
                  if (gate)
                    gate->Leave(response.status, expired->exchange(true));
                  // Only the core's own handlers may widen the
                  // Content-Security-Policy.
                  if (route->owner != "core") {
                    std::erase_if(response.headers, [](const auto& header) {
                      return beast::iequals(header.first, kStyleHashesHeader);
                    });
                  }
                  response = WithoutServerDetail(std::move(response), *request);
                  if (cache && response.status == 200 && !response.body_file) {
                    if (auto entry = cache->Store(cache_key, generation,
                                                  std::move(response))) {
                      CachedAnswer answer = AnswerFromCache(
                          *entry, request->Header("if-none-match").value_or(""),
                          request->Header("accept-encoding").value_or(""));
                      Response out;
                      out.status = answer.status;
                      out.headers = std::move(answer.headers);
                      if (answer.body) out.body = *answer.body;
                      return out;
                    }
                  }
                  return response;
                });
  if (!queued && gate) gate->Leave(503, expired->exchange(true));
}

template <class Stream>
bool Session<Stream>::RunOnLane(Lane lane, std::function<Response()> work) {
  WorkQueue* queue = context_->queue(lane);
  bool queued = queue->TrySubmit(
      [self = this->shared_from_this(), strand = stream_.get_executor(),
       generation = generation_, method = method_, raw_path = raw_path_,
       request_id = request_id_, work = std::move(work)] {
        Response response;
        try {
          response = work();
        } catch (const std::exception& e) {
          HttpLogger()->error("{} {} failed (error id {}): {}", method,
                              raw_path, request_id, e.what());
          response = InternalError(request_id);
        } catch (...) {
          HttpLogger()->error(
              "{} {} failed (error id {}): an exception that is not a "
              "std::exception",
              method, raw_path, request_id);
          response = InternalError(request_id);
        }
        net::post(strand,
                  [self, generation, response = std::move(response)]() mutable {
                    if (generation != self->generation_ || self->responded_ ||
                        self->state_ == State::kClosed) {
                      return;
                    }
                    self->Respond(std::move(response));
                  });
      });
  if (!queued) {
    Response busy =
        Response::Problem(503, "Service Unavailable",
                          "the server has too much " + queue->name() +
                              " work waiting; try again in a second");
    busy.SetHeader("Retry-After", "1");
    RespondAfterPause(std::move(busy));
  }
  return queued;
}

template <class Stream>
void Session<Stream>::RespondAfterPause(Response response) {
  // A client that ignores Retry-After and asks again at once would otherwise
  // make the refusals themselves the load; a timer costs no thread.
  deadline_.expires_after(context_->config().overload_pause);
  deadline_.async_wait(
      [self = this->shared_from_this(), generation = generation_,
       response = std::move(response)](beast::error_code ec) mutable {
        if (generation != self->generation_ || self->responded_ ||
            self->state_ == State::kClosed) {
          return;
        }
        // Cancelled only by a Stop; the answer goes out all the same.
        static_cast<void>(ec);
        self->Respond(std::move(response));
      });
}

template <class Stream>
void Session<Stream>::RespondFromCache(const CachedResponse& entry,
                                       const Request& request) {
  CachedAnswer answer =
      AnswerFromCache(entry, request.Header("if-none-match").value_or(""),
                      request.Header("accept-encoding").value_or(""));
  Send(answer.status, answer.headers, std::move(answer.body),
       std::move(answer.body_file));
}

template <class Stream>
void Session<Stream>::Respond(Response response) {
  if (response.status < 200 || response.status > 599) {
    HttpLogger()->error(
        "{} {} answered with status {}, which is not a final HTTP status "
        "(error id {})",
        method_, raw_path_, response.status, request_id_);
    response = InternalError(request_id_);
  }
  if (response.body_file) {
    std::shared_ptr<const BodyFile> file = std::move(response.body_file);
    return Send(response.status, response.headers, nullptr, nullptr,
                std::move(file));
  }
  Send(response.status, response.headers,
       response.body.empty()
           ? nullptr
           : std::make_shared<const std::string>(std::move(response.body)));
}

template <class Stream>
void Session<Stream>::Send(int status, const Pairs& headers,
                           std::shared_ptr<const std::string> body,
                           std::shared_ptr<const BodyFile> body_file,
                           std::shared_ptr<const BodyFile> file_only) {
  if (state_ == State::kClosed) return;
  responded_ = true;
  deadline_.cancel();
  bool close = close_after_ || !keep_alive_ || context_->stopping();
  auto duration = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started_);
  context_->metrics().Record(status, duration);
  if (AccessLog* log = context_->access_log()) {
    log->Write(method_, raw_path_, status, duration, request_id_);
  }
  response_ = ToBeast(status, headers, std::move(body), context_->config(),
                      version_, request_id_, is_head_, close);
  if (cross_origin_readable_) {
    response_->set(bhttp::field::access_control_allow_origin, "*");
    response_->set(bhttp::field::access_control_expose_headers,
                   kExposedHeaders);
  }
  // sendfile(2) writes below TLS, so only plain TCP sends from the file.
  body_file_ = kIsTls || is_head_ ? nullptr : std::move(body_file);
  file_only_.reset();
  file_only_offset_ = 0;
  if (file_only && status != 204 && status != 304) {
    response_->content_length(file_only->size());
    if (!is_head_ && file_only->size() > 0) file_only_ = std::move(file_only);
  }
  state_ = State::kWriting;
  DoWrite(close);
}

template <class Stream>
void Session<Stream>::DoWrite(bool close) {
  Tcp().expires_after(context_->config().write_timeout);
  if (file_only_) {
    header_serializer_.emplace(*response_);
    bhttp::async_write_header(
        stream_, *header_serializer_,
        beast::bind_front_handler(&Session::OnWriteFileHeader,
                                  this->shared_from_this(), close));
    return;
  }
  if (body_file_) {
    header_serializer_.emplace(*response_);
    bhttp::async_write_header(
        stream_, *header_serializer_,
        beast::bind_front_handler(&Session::OnWriteHeader,
                                  this->shared_from_this(), close));
    return;
  }
  bhttp::async_write(stream_, *response_,
                     beast::bind_front_handler(
                         &Session::OnWrite, this->shared_from_this(), close));
}

template <class Stream>
void Session<Stream>::OnWriteHeader(bool close, beast::error_code ec,
                                    std::size_t) {
  header_serializer_.reset();
  std::shared_ptr<const BodyFile> file = std::move(body_file_);
  if (ec) return OnWrite(close, ec, 0);
  // As much as the socket takes now, from the file's pages; a client that
  // reads slowly gets the rest from memory, within the write timeout.
  beast::error_code mode_ec;
  Tcp().socket().native_non_blocking(true, mode_ec);
  std::size_t sent =
      mode_ec ? 0 : SendFromFile(Tcp().socket().native_handle(), *file, 0);
  const std::string& body = *response_->body();
  if (sent >= body.size()) return OnWrite(close, {}, sent);
  net::async_write(stream_, net::buffer(body.data() + sent, body.size() - sent),
                   beast::bind_front_handler(&Session::OnWrite,
                                             this->shared_from_this(), close));
}

template <class Stream>
void Session<Stream>::OnWriteFileHeader(bool close, beast::error_code ec,
                                        std::size_t) {
  header_serializer_.reset();
  if (ec) return OnWrite(close, ec, 0);
  WriteFromFile(close);
}

template <class Stream>
void Session<Stream>::WriteFromFile(bool close) {
  const BodyFile& file = *file_only_;
  if constexpr (!kIsTls) {
    // As much as the socket takes now, from the file's pages.
    beast::error_code mode_ec;
    Tcp().socket().native_non_blocking(true, mode_ec);
    if (!mode_ec) {
      file_only_offset_ = SendSomeFromFile(Tcp().socket().native_handle(), file,
                                           file_only_offset_, kFileTurnBytes);
    }
  }
  if (file_only_offset_ >= file.size()) return OnWrite(close, {}, 0);
  // The socket is full (or speaks TLS): one piece through the stream, with
  // the write timeout, then on from the file.
  if (!file_chunk_) file_chunk_ = std::make_unique<char[]>(kFileChunkBytes);
  std::size_t length =
      ReadFromFile(file, file_only_offset_, file_chunk_.get(),
                   std::min(kFileChunkBytes, file.size() - file_only_offset_));
  if (length == 0) {
    return OnWrite(close, beast::errc::make_error_code(beast::errc::io_error),
                   0);
  }
  Tcp().expires_after(context_->config().write_timeout);
  net::async_write(stream_, net::buffer(file_chunk_.get(), length),
                   beast::bind_front_handler(&Session::OnWriteFileChunk,
                                             this->shared_from_this(), close));
}

template <class Stream>
void Session<Stream>::OnWriteFileChunk(bool close, beast::error_code ec,
                                       std::size_t bytes) {
  if (ec) return OnWrite(close, ec, 0);
  file_only_offset_ += bytes;
  WriteFromFile(close);
}

template <class Stream>
void Session<Stream>::OnWrite(bool close, beast::error_code ec, std::size_t) {
  response_.reset();
  cross_origin_readable_ = false;
  body_file_.reset();
  file_only_.reset();
  file_chunk_.reset();
  ReleaseBusy();
  if (ec) return Fail(ec, "write");
  if (close) return DoLinger();
  DoRead();
}

template <class Stream>
void Session<Stream>::DoLinger() {
  if (state_ == State::kClosed) return;
  state_ = State::kLingering;
  buffer_.consume(buffer_.size());
  lingered_bytes_ = 0;
  read_deadline_ = std::chrono::steady_clock::now() +
                   std::min<std::chrono::milliseconds>(
                       kLingerTime, context_->config().read_timeout);
  Tcp().expires_at(read_deadline_);
  if constexpr (kIsTls) {
    // close_notify tells the client the answer is complete. OpenSSL then
    // discards what the client still sends until its own close_notify.
    stream_.async_shutdown(beast::bind_front_handler(&Session::OnTlsShutdown,
                                                     this->shared_from_this()));
  } else {
    DoDrain();
  }
}

template <class Stream>
void Session<Stream>::OnTlsShutdown(beast::error_code ec) {
  if (ec == beast::error::timeout || ec == net::error::operation_aborted ||
      state_ == State::kClosed) {
    return DoClose();
  }
  DoDrain();
}

template <class Stream>
void Session<Stream>::DoDrain() {
  // Below any TLS: stop sending, then discard raw bytes.
  beast::error_code ignored;
  Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
  Tcp().expires_at(read_deadline_);
  Tcp().async_read_some(
      buffer_.prepare(std::min(kReadChunkBytes, buffer_.max_size())),
      beast::bind_front_handler(&Session::OnLinger, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::OnLinger(beast::error_code ec, std::size_t bytes) {
  lingered_bytes_ += bytes;
  if (ec || lingered_bytes_ > kLingerLimitBytes) return DoClose();
  Tcp().expires_at(read_deadline_);
  Tcp().async_read_some(
      buffer_.prepare(std::min(kReadChunkBytes, buffer_.max_size())),
      beast::bind_front_handler(&Session::OnLinger, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::RefuseTooLarge() {
  Refuse(413, "Content Too Large",
         "this endpoint accepts bodies of at most " +
             std::to_string(route_ ? route_->options.body_limit_bytes
                                   : kUnroutedBodyLimitBytes) +
             " bytes");
}

template <class Stream>
void Session<Stream>::Refuse(int status, std::string_view title,
                             std::string_view detail) {
  close_after_ = true;
  keep_alive_ = false;
  Respond(Response::Problem(status, title, detail));
}

template <class Stream>
void Session<Stream>::Fail(beast::error_code ec, const char* what) {
  if (ec != net::error::operation_aborted) {
    HttpLogger()->debug("connection from {}: {}: {}", remote_address_, what,
                        ec.message());
  }
  DoClose();
}

template <class Stream>
void Session<Stream>::DoClose() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  ReleaseBusy();
  deadline_.cancel();
  beast::error_code ignored;
  Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
  Tcp().close();
}

template <class Stream>
void Session<Stream>::ReleaseBusy() {
  if (!counted_busy_) return;
  counted_busy_ = false;
  context_->RemoveBusy();
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace smartercities::http
