// body_file.h — a copy of an answer's body in an anonymous in-memory file,
// so that a large cached answer goes to a plain-TCP socket with sendfile(2)
// (from the file's pages, without copying them through the process), as a
// static file server sends a file. Internal to core/http.
//
// Thread-safety: immutable once made; the descriptor is only read with
// explicit offsets (sendfile's own), so any thread may send from it.
// Ownership: the descriptor is closed when the last owner lets go.
#ifndef SMARTERCITIES_CORE_HTTP_BODY_FILE_H_
#define SMARTERCITIES_CORE_HTTP_BODY_FILE_H_

#include <cstddef>
#include <memory>
#include <string_view>

namespace smartercities::http {

class BodyFile {
 public:
  // The bytes in a new in-memory file, or null when the system cannot make
  // one (the caller then sends from memory as before).
  static std::shared_ptr<const BodyFile> Make(std::string_view bytes);

  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;
  ~BodyFile();

  int fd() const { return fd_; }
  std::size_t size() const { return size_; }

 private:
  BodyFile(int fd, std::size_t size) : fd_(fd), size_(size) {}

  int fd_;
  std::size_t size_;
};

// Sends from file's offset onward to the socket `socket` (non-blocking)
// until everything is sent, the socket is full, or it fails; returns the
// new offset. The caller sends the rest in its own way.
std::size_t SendFromFile(int socket, const BodyFile& file, std::size_t offset);

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_BODY_FILE_H_
