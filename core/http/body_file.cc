#include "core/http/body_file.h"

#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <cerrno>

namespace smartercities::http {

std::shared_ptr<const BodyFile> BodyFile::Make(std::string_view bytes) {
  int fd = ::memfd_create("smartercities-answer", MFD_CLOEXEC);
  if (fd < 0) return nullptr;
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return nullptr;
    }
    written += static_cast<std::size_t>(n);
  }
  return std::shared_ptr<const BodyFile>(new BodyFile(fd, bytes.size()));
}

BodyFile::~BodyFile() { ::close(fd_); }

std::size_t SendFromFile(int socket, const BodyFile& file, std::size_t offset) {
  while (offset < file.size()) {
    off_t at = static_cast<off_t>(offset);
    ssize_t sent = ::sendfile(socket, file.fd(), &at, file.size() - offset);
    if (sent > 0) {
      offset += static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    break;  // full (EAGAIN) or failed: the caller goes on without the file
  }
  return offset;
}

}  // namespace smartercities::http
