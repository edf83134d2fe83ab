#include "core/http/session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "core/http/static_files.h"

namespace smartercities::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

constexpr std::size_t kUnroutedBodyLimitBytes = 1024;

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' "
    "data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

std::string_view Std(beast::string_view text) {
  return {text.data(), text.size()};
}

std::string NewRequestId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static const char kHex[] = "0123456789abcdef";
  std::uint64_t value = generator();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[value & 0xf];
    value >>= 4;
  }
  return id;
}

bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

// The framing problems the server refuses itself, or nullopt: Beast 1.74
// accepts some shapes that let a request be read two ways.
std::optional<std::string> FramingProblem(
    const bhttp::request<bhttp::string_body>& request) {
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
    std::string first;
    auto range = request.equal_range(bhttp::field::content_length);
    for (auto it = range.first; it != range.second; ++it) {
      std::string value = Trim(Std(it->value()));
      if (first.empty()) first = value;
      if (value != first) return "conflicting Content-Length headers";
    }
  }
  return std::nullopt;
}

}  // namespace

Session::Session(net::ip::tcp::socket&& socket,
                 std::shared_ptr<ServerContext> context)
    : stream_(std::move(socket)),
      context_(std::move(context)),
      deadline_(stream_.get_executor()) {
  buffer_.max_size(context_->config.pipeline_limit_bytes);
}

void Session::Start() {
  // Run on the connection's strand from the start.
  net::dispatch(
      stream_.get_executor(),
      beast::bind_front_handler(&Session::DoRead, shared_from_this()));
}

void Session::Shutdown() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->state_ == State::kReading) {
      self->DoClose();
    } else {
      self->close_after_ = true;
    }
  });
}

void Session::DoRead() {
  if (state_ == State::kClosed) return;
  if (context_->stopping.load()) return DoClose();
  state_ = State::kReading;
  parser_.emplace();
  parser_->header_limit(
      static_cast<std::uint32_t>(context_->config.header_limit_bytes));
  parser_->body_limit(kUnroutedBodyLimitBytes);
  route_.reset();
  path_params_.clear();
  responded_ = false;
  ++generation_;
  stream_.expires_after(buffer_.size() > 0 ? context_->config.read_timeout
                                           : context_->config.idle_timeout);
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&Session::OnReadHeader, shared_from_this()));
}

void Session::OnReadHeader(beast::error_code ec, std::size_t) {
  if (ec == bhttp::error::end_of_stream ||
      ec == net::error::operation_aborted || ec == beast::error::timeout) {
    return DoClose();
  }
  started_ = std::chrono::steady_clock::now();
  request_id_ = NewRequestId();
  const auto& header = parser_->get();
  method_ = std::string(Std(header.method_string()));
  std::string_view target = Std(header.target());
  path_ = std::string(target.substr(0, target.find('?')));
  version_ = header.version();
  is_head_ = header.method() == bhttp::verb::head;
  if (ec == bhttp::error::header_limit) {
    return Refuse(431, "Request Header Fields Too Large",
                  "the request's headers exceed " +
                      std::to_string(context_->config.header_limit_bytes) +
                      " bytes");
  }
  if (ec == bhttp::error::buffer_overflow) {
    return Refuse(431, "Request Header Fields Too Large",
                  "the request's headers are too large");
  }
  if (ec) {
    return Refuse(400, "Bad Request",
                  "the request could not be read: " + ec.message());
  }
  if (auto sent_id = Std(header["x-request-id"]); IsSaneRequestId(sent_id)) {
    request_id_ = std::string(sent_id);
  }
  if (auto problem = FramingProblem(header)) {
    return Refuse(400, "Bad Request", *problem);
  }
  auto decoded = PercentDecode(path_);
  if (!decoded) {
    return Refuse(400, "Bad Request",
                  "the path has a malformed percent escape");
  }
  RouteMatch match = context_->router->Find(method_, *decoded);
  std::size_t limit = kUnroutedBodyLimitBytes;
  if (match.route) {
    route_ = match.route;
    path_params_ = std::move(match.path_params);
    limit = route_->options.body_limit_bytes;
  }
  auto declared = parser_->content_length();
  if (declared && *declared > limit) {
    return Refuse(413, "Content Too Large",
                  "this endpoint accepts bodies of at most " +
                      std::to_string(limit) + " bytes");
  }
  parser_->body_limit(limit);
  if (parser_->is_done()) return Process();
  stream_.expires_after(context_->config.read_timeout);
  bhttp::async_read(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&Session::OnReadBody, shared_from_this()));
}

void Session::OnReadBody(beast::error_code ec, std::size_t) {
  if (ec == bhttp::error::body_limit) {
    return Refuse(413, "Content Too Large",
                  "the body is larger than this endpoint accepts");
  }
  if (ec == beast::error::timeout || ec == net::error::operation_aborted ||
      ec == bhttp::error::end_of_stream) {
    return DoClose();
  }
  if (ec) {
    return Refuse(400, "Bad Request",
                  "the request body could not be read: " + ec.message());
  }
  Process();
}

void Session::Process() {
  state_ = State::kBusy;
  context_->busy.fetch_add(1);
  counted_busy_ = true;
  stream_.expires_never();
  auto message = parser_->release();
  keep_alive_ = message.keep_alive();

  auto request = std::make_shared<Request>();
  request->method = method_;
  request->target = std::string(message.target());
  request->request_id = request_id_;
  beast::error_code endpoint_error;
  auto endpoint = stream_.socket().remote_endpoint(endpoint_error);
  if (!endpoint_error) request->remote_address = endpoint.address().to_string();
  request->path = *PercentDecode(path_);
  auto query_start = request->target.find('?');
  if (query_start != std::string::npos) {
    auto query =
        ParseQuery(std::string_view(request->target).substr(query_start + 1));
    if (!query) {
      return Respond(Response::Problem(
          400, "Bad Request", "the query has a malformed percent escape"));
    }
    request->query = std::move(*query);
  }
  for (const auto& field : message) {
    request->headers.emplace_back(Lower(Std(field.name_string())),
                                  std::string(field.value()));
  }
  request->body = std::move(message.body());
  request->path_params = path_params_;

  std::uint64_t generation = generation_;
  auto self = shared_from_this();
  auto deliver = [self, generation](Response response) {
    net::post(self->stream_.get_executor(),
              [self, generation, response = std::move(response)]() mutable {
                if (generation != self->generation_ || self->responded_) return;
                self->Respond(std::move(response));
              });
  };

  if (route_) {
    deadline_.expires_after(route_->options.deadline);
    deadline_.async_wait([self, generation](beast::error_code ec) {
      if (ec || generation != self->generation_ || self->responded_) return;
      self->Respond(Response::Problem(
          504, "Gateway Timeout",
          "the handler did not answer within " +
              std::to_string(self->route_->options.deadline.count()) +
              " ms; try again later or report request id " +
              self->request_id_));
    });
    auto route = route_;
    auto hook = context_->access_hook;
    net::post(*context_->workers, [request, route, hook, deliver] {
      Response response;
      try {
        std::optional<Response> refused;
        if (hook) refused = hook(*request, *route);
        response = refused ? std::move(*refused) : route->handler(*request);
      } catch (const std::exception& e) {
        spdlog::error("request {} {} failed (error id {}): {}", request->method,
                      request->path, request->request_id, e.what());
        response =
            Response::Problem(500, "Internal Server Error",
                              "the server could not answer; quote error id " +
                                  request->request_id + " when you report it");
        nlohmann::json body = nlohmann::json::parse(response.body);
        body["errorId"] = request->request_id;
        response.body = body.dump();
      }
      deliver(std::move(response));
    });
    return;
  }

  RouteMatch match = context_->router->Find(method_, request->path);
  if (!match.allowed_methods.empty()) {
    std::string allow;
    for (const auto& method : match.allowed_methods) {
      allow += (allow.empty() ? "" : ", ") + method;
    }
    Response response = Response::Problem(
        405, "Method Not Allowed",
        method_ + " is not allowed on " + request->path + "; use " + allow);
    response.SetHeader("Allow", allow);
    return Respond(std::move(response));
  }
  bool is_api = request->path.rfind("/api/", 0) == 0 || request->path == "/api";
  if ((method_ == "GET" || method_ == "HEAD") && !is_api &&
      !context_->config.web_root.empty()) {
    std::string web_root = context_->config.web_root;
    net::post(*context_->workers, [request, web_root, deliver] {
      deliver(ServeStaticFile(web_root, request->path));
    });
    return;
  }
  Respond(Response::Problem(
      404, "Not Found",
      "there is no resource at " + request->path +
          "; GET /api/v1/openapi.json lists what this server offers"));
}

void Session::Respond(Response response) {
  responded_ = true;
  deadline_.cancel();
  state_ = State::kWriting;
  auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
  res->version(version_);
  res->result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : context_->config.default_headers) {
    res->set(name, value);
  }
  for (const auto& [name, value] : response.headers) res->set(name, value);
  res->set("X-Content-Type-Options", "nosniff");
  res->set("Content-Security-Policy", kContentSecurityPolicy);
  res->set("Referrer-Policy", "no-referrer");
  res->set("X-Request-Id", request_id_);
  bool close = close_after_ || !keep_alive_ || context_->stopping.load();
  res->keep_alive(!close);
  std::size_t length = response.body.size();
  res->body() = std::move(response.body);
  res->prepare_payload();
  if (is_head_) {
    res->body().clear();
    res->content_length(length);
  }
  auto duration = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started_);
  context_->metrics->Record(response.status, duration);
  spdlog::info("{} {} {} {:.1f}ms {}", method_, path_, response.status,
               static_cast<double>(duration.count()) / 1000.0, request_id_);
  response_ = res;
  stream_.expires_after(context_->config.write_timeout);
  bhttp::async_write(
      stream_, *response_,
      beast::bind_front_handler(&Session::OnWrite, shared_from_this(), close));
}

void Session::OnWrite(bool close, beast::error_code ec, std::size_t) {
  response_.reset();
  if (counted_busy_) {
    counted_busy_ = false;
    context_->busy.fetch_sub(1);
  }
  if (ec) return Fail(ec, "write");
  if (close) return DoClose();
  DoRead();
}

void Session::Refuse(int status, std::string_view title,
                     std::string_view detail) {
  keep_alive_ = false;
  close_after_ = true;
  if (request_id_.empty()) request_id_ = NewRequestId();
  if (started_ == std::chrono::steady_clock::time_point()) {
    started_ = std::chrono::steady_clock::now();
  }
  Respond(Response::Problem(status, title, detail));
}

void Session::Fail(beast::error_code ec, const char* what) {
  if (ec != net::error::operation_aborted && ec != beast::error::timeout) {
    spdlog::debug("connection {}: {}", what, ec.message());
  }
  DoClose();
}

void Session::DoClose() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  if (counted_busy_) {
    counted_busy_ = false;
    context_->busy.fetch_sub(1);
  }
  deadline_.cancel();
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);
}

}  // namespace smartercities::http
