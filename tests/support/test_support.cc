#include "tests/support/test_support.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "tests/support/openapi_contract.h"

namespace smartercities::testing {
namespace {

// The build's own path unless the environment names another.
std::filesystem::path FromEnv(const char* name, const char* built_in) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : built_in;
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(c));
  return text;
}

// Fills status and headers from the text before the blank line.
void ParseHead(const std::string& head, HttpResponse& response) {
  std::size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  response.status = std::stoi(status_line.substr(status_line.find(' ') + 1, 3));
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    std::size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(pos, end - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      response.headers[Lower(line.substr(0, colon))] = value;
    }
    pos = end + 2;
  }
}

}  // namespace

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("smartercities-test-" + std::to_string(::getpid()) + "-" +
           std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TestPluginDir() { return BinaryDir() / "test-plugins"; }
std::filesystem::path ThemePluginDir() {
  return FromEnv("SMARTERCITIES_PLUGIN_DIR", SMARTERCITIES_PLUGIN_DIR);
}
std::filesystem::path SourceDir() {
  return FromEnv("SMARTERCITIES_SOURCE_DIR", SMARTERCITIES_SOURCE_DIR);
}
std::filesystem::path BinaryDir() {
  return FromEnv("SMARTERCITIES_BINARY_DIR", SMARTERCITIES_BINARY_DIR);
}

void CopyPlugin(const std::filesystem::path& from, const std::string& name,
                const std::filesystem::path& to) {
  std::filesystem::path library = from / ("lib" + name + ".so");
  std::filesystem::copy_file(library, to / library.filename(),
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::path sidecar = library;
  sidecar += ".json";
  if (std::filesystem::exists(sidecar)) {
    std::filesystem::copy_file(
        sidecar, to / sidecar.filename(),
        std::filesystem::copy_options::overwrite_existing);
  }
}

std::map<std::string, std::string> InvalidParamReasons(
    const std::string& body) {
  std::map<std::string, std::string> reasons;
  nlohmann::json problem = nlohmann::json::parse(body, nullptr, false);
  if (!problem.is_object() || !problem["invalidParams"].is_array()) {
    return reasons;
  }
  for (const nlohmann::json& param : problem["invalidParams"]) {
    reasons[param.value("name", "")] = param.value("reason", "");
  }
  return reasons;
}

std::string HttpResponse::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

MultipartForm Multipart(
    const std::vector<std::pair<std::string, std::string>>& fields,
    const std::string& file_name, const std::string& bytes,
    const std::string& file_type) {
  const std::string boundary = "----sc-test-boundary-7f3a";
  MultipartForm form;
  form.content_type = "multipart/form-data; boundary=" + boundary;
  for (const auto& [name, value] : fields) {
    form.body += "--" + boundary +
                 "\r\nContent-Disposition: form-data; name=\"" + name +
                 "\"\r\n\r\n" + value + "\r\n";
  }
  std::string quoted;
  for (char c : file_name) {
    if (c == '\\') quoted += '\\';
    quoted += c;
  }
  form.body += "--" + boundary +
               "\r\nContent-Disposition: form-data; name=\"file\"; "
               "filename=\"" +
               quoted + "\"\r\n";
  if (!file_type.empty()) form.body += "Content-Type: " + file_type + "\r\n";
  form.body += "\r\n" + bytes + "\r\n--" + boundary + "--\r\n";
  return form;
}

HttpResponse Fetch(std::uint16_t port, const std::string& method,
                   const std::string& target,
                   const std::map<std::string, std::string>& headers,
                   const std::string& body) {
  return FetchFrom("", port, method, target, headers, body);
}

namespace {

HttpResponse FetchUnchecked(const std::string& source_address,
                            std::uint16_t port, const std::string& method,
                            const std::string& target,
                            const std::map<std::string, std::string>& headers,
                            const std::string& body) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  if (!source_address.empty()) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source_address.c_str(), &source.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof(source)) != 0) {
      ::close(fd);
      throw std::runtime_error("cannot send from " + source_address);
    }
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    ::close(fd);
    throw std::runtime_error("connect to port " + std::to_string(port) +
                             " failed");
  }
  timeval timeout{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  std::string request = method + " " + target +
                        " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\n"
                        "Connection: close\r\n";
  for (const auto& [name, value] : headers)
    request += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" ||
      method == "PATCH") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  std::size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n =
        ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buffer[8192];
  while (true) {
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  HttpResponse response;
  auto header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos) {
    throw std::runtime_error("no complete response to " + method + " " +
                             target + " (got " + std::to_string(raw.size()) +
                             " bytes)");
  }
  ParseHead(raw.substr(0, header_end), response);
  response.body = raw.substr(header_end + 4);
  return response;
}

// Removes chunked transfer framing.
std::string Unchunk(const std::string& body) {
  std::string out;
  std::size_t at = 0;
  while (at < body.size()) {
    std::size_t line_end = body.find("\r\n", at);
    if (line_end == std::string::npos) break;
    std::size_t size = std::stoul(body.substr(at, line_end - at), nullptr, 16);
    if (size == 0) break;
    out += body.substr(line_end + 2, size);
    at = line_end + 2 + size + 2;
  }
  return out;
}

// The document of the server on each port, as last fetched.
std::shared_ptr<const OpenApiContract> ServerContract(std::uint16_t port,
                                                      bool refresh) {
  static std::mutex mutex;
  static std::map<std::uint16_t, std::shared_ptr<const OpenApiContract>>
      contracts;
  {
    std::lock_guard lock(mutex);
    auto it = contracts.find(port);
    if (!refresh && it != contracts.end()) return it->second;
  }
  std::shared_ptr<const OpenApiContract> contract;
  try {
    HttpResponse document =
        FetchUnchecked("", port, "GET", "/api/v1/openapi.json", {}, "");
    if (document.status == 200) {
      nlohmann::json parsed =
          nlohmann::json::parse(document.body, nullptr, false);
      if (parsed.is_object()) {
        contract = std::make_shared<const OpenApiContract>(std::move(parsed));
      }
    }
  } catch (const std::exception&) {
    // The server is gone: nothing to check against.
  }
  std::lock_guard lock(mutex);
  contracts[port] = contract;
  return contract;
}

// Fails the running test when the exchange breaks the server's document.
void CheckContract(std::uint16_t port, const std::string& method,
                   const std::string& target,
                   const std::map<std::string, std::string>& headers,
                   const std::string& body, const HttpResponse& response) {
  if (!target.starts_with("/api/v1/") || target == "/api/v1/openapi.json" ||
      !response.Header("content-encoding").empty()) {
    return;
  }
  Exchange exchange;
  exchange.method = method;
  exchange.target = target;
  exchange.request_body = body;
  for (const auto& [name, value] : headers) {
    if (Lower(name) == "content-type") exchange.request_content_type = value;
  }
  exchange.status = response.status;
  exchange.content_type = response.Header("content-type");
  exchange.body = Lower(response.Header("transfer-encoding")) == "chunked"
                      ? Unchunk(response.body)
                      : response.body;
  std::vector<std::string> problems;
  for (bool refresh : {false, true}) {
    std::shared_ptr<const OpenApiContract> contract =
        ServerContract(port, refresh);
    if (!contract) return;
    problems = contract->Check(exchange);
    if (problems.empty()) return;
  }
  std::string text;
  for (const std::string& problem : problems) text += "\n  " + problem;
  ADD_FAILURE() << "the answer breaks the server's OpenAPI document:" << text;
}

}  // namespace

HttpResponse FetchFrom(const std::string& source_address, std::uint16_t port,
                       const std::string& method, const std::string& target,
                       const std::map<std::string, std::string>& headers,
                       const std::string& body) {
  HttpResponse response =
      FetchUnchecked(source_address, port, method, target, headers, body);
  CheckContract(port, method, target, headers, body, response);
  return response;
}

RawConnection::RawConnection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    throw std::runtime_error("connect to port " + std::to_string(port) +
                             " failed");
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void RawConnection::Send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n =
        ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

namespace {

// Waits for data; returns the bytes read, 0 on EOF, -1 on timeout or error.
ssize_t ReadSome(int fd, std::string& buffer, int timeout_ms) {
  pollfd watch{fd, POLLIN, 0};
  if (::poll(&watch, 1, timeout_ms) <= 0) return -1;
  char chunk[8192];
  ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
  if (n > 0) buffer.append(chunk, static_cast<std::size_t>(n));
  return n;
}

}  // namespace

std::optional<HttpResponse> RawConnection::ReadResponse(int timeout_ms,
                                                        bool head) {
  while (buffer_.find("\r\n\r\n") == std::string::npos) {
    if (ReadSome(fd_, buffer_, timeout_ms) <= 0) return std::nullopt;
  }
  std::size_t header_end = buffer_.find("\r\n\r\n");
  HttpResponse response;
  ParseHead(buffer_.substr(0, header_end), response);
  std::size_t length = 0;
  if (!head && !response.Header("content-length").empty()) {
    length = std::stoul(response.Header("content-length"));
  }
  while (buffer_.size() < header_end + 4 + length) {
    if (ReadSome(fd_, buffer_, timeout_ms) <= 0) return std::nullopt;
  }
  response.body = buffer_.substr(header_end + 4, length);
  buffer_.erase(0, header_end + 4 + length);
  return response;
}

bool RawConnection::ClosedByPeer(int timeout_ms) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int left =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                             deadline - std::chrono::steady_clock::now())
                             .count());
    ssize_t n = ReadSome(fd_, buffer_, std::max(left, 1));
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
  }
  return false;
}

std::optional<std::string> RawConnection::ReadUntilClosed(int timeout_ms) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int left =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                             deadline - std::chrono::steady_clock::now())
                             .count());
    errno = 0;
    ssize_t n = ReadSome(fd_, buffer_, std::max(left, 1));
    if (n == 0 || (n < 0 && errno == ECONNRESET)) {
      std::string rest = std::move(buffer_);
      buffer_.clear();
      return rest;
    }
    if (n < 0) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace smartercities::testing
