// test_support.h — what the tests share: temporary directories, copies of
// built plugins, and a small blocking HTTP/1.1 client over a real socket.
#ifndef SMARTERCITIES_TESTS_SUPPORT_TEST_SUPPORT_H_
#define SMARTERCITIES_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace smartercities::testing {

// A fresh directory under the system's temp dir, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Where the test build put the fixture plugins and the theme plugins.
std::filesystem::path TestPluginDir();
std::filesystem::path ThemePluginDir();
std::filesystem::path SourceDir();
std::filesystem::path BinaryDir();

// Copies lib<name>.so (and its sidecar .json when there is one) from `from`
// into `to`, keeping permissions.
void CopyPlugin(const std::filesystem::path& from, const std::string& name,
                const std::filesystem::path& to);

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string Header(const std::string& name) const;
};

// The invalidParams of a 400 problem body, each field's name with its
// reason; empty when the body has none.
std::map<std::string, std::string> InvalidParamReasons(const std::string& body);

// Sends one request on a new connection (Connection: close) and reads the
// whole response. Throws std::runtime_error when the connection fails.
HttpResponse Fetch(std::uint16_t port, const std::string& method,
                   const std::string& target,
                   const std::map<std::string, std::string>& headers = {},
                   const std::string& body = "");

// As Fetch, from source_address (an IPv4 address of this machine, such as
// 127.0.0.2: every 127.x.y.z address is the loopback), so that the server
// sees another client.
HttpResponse FetchFrom(const std::string& source_address, std::uint16_t port,
                       const std::string& method, const std::string& target,
                       const std::map<std::string, std::string>& headers = {},
                       const std::string& body = "");

// A multipart/form-data body as curl -F sends it: the fields in order, then
// one part "file" named file_name (quoted, a backslash escaped) with bytes,
// with file_type as its Content-Type when given.
struct MultipartForm {
  std::string body;
  std::string content_type;  // with the boundary
};
MultipartForm Multipart(
    const std::vector<std::pair<std::string, std::string>>& fields,
    const std::string& file_name, const std::string& bytes,
    const std::string& file_type = "");

// A raw connection for tests that send exact bytes: pipelining, malformed
// framing, slow clients. Reads have a timeout so a test never hangs.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void Send(const std::string& bytes);
  // Reads one response (headers and a Content-Length body); nullopt when the
  // connection closes or nothing arrives within timeout_ms.
  std::optional<HttpResponse> ReadResponse(int timeout_ms = 5000,
                                           bool head = false);
  // True when the server closed the connection (EOF within timeout_ms).
  bool ClosedByPeer(int timeout_ms = 5000);
  // Reads until the server closes the connection (EOF or reset) and returns
  // every byte that arrived and no ReadResponse consumed, so that a test can
  // see that nothing more came; nullopt when it is still open after
  // timeout_ms.
  std::optional<std::string> ReadUntilClosed(int timeout_ms = 5000);
  // The socket, for a test that speaks a protocol over it (TLS).
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace smartercities::testing

#endif  // SMARTERCITIES_TESTS_SUPPORT_TEST_SUPPORT_H_
