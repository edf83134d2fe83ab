#include "tests/support/test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <stdexcept>

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

std::string HttpResponse::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse Fetch(std::uint16_t port, const std::string& method,
                   const std::string& target,
                   const std::map<std::string, std::string>& headers,
                   const std::string& body) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
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
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
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
  std::string head = raw.substr(0, header_end);
  response.body = raw.substr(header_end + 4);
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
  return response;
}

}  // namespace smartercities::testing
