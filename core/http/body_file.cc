#include "core/http/body_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

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

Result<std::unique_ptr<BodyFileWriter>> BodyFileWriter::Create(
    const std::string& directory) {
  std::string where = directory;
  if (where.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    where = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  // On disk first, so that a download of hundreds of megabytes does not
  // take that much memory; an anonymous file is gone when its last
  // descriptor closes, also after a crash.
  int fd = ::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) fd = ::memfd_create("smartercities-download", MFD_CLOEXEC);
  if (fd < 0) {
    std::string message = "no temporary file for the answer in ";
    message += where;
    message += ": ";
    message += std::strerror(errno);
    return Status::Internal(message);
  }
  return std::unique_ptr<BodyFileWriter>(new BodyFileWriter(fd));
}

BodyFileWriter::~BodyFileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void BodyFileWriter::Append(std::string_view bytes) {
  if (buffer_.size() + bytes.size() > kBufferBytes) Flush();
  if (bytes.size() >= kBufferBytes) {
    std::string large(bytes);
    buffer_.swap(large);
    Flush();
    buffer_.swap(large);
    return;
  }
  buffer_.append(bytes);
}

void BodyFileWriter::Flush() {
  std::size_t written = 0;
  while (error_ == 0 && written < buffer_.size()) {
    ssize_t n =
        ::write(fd_, buffer_.data() + written, buffer_.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? errno : ENOSPC;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  flushed_ += written;
  buffer_.clear();
}

Result<std::shared_ptr<const BodyFile>> BodyFileWriter::Finish() {
  Flush();
  if (error_ != 0) {
    std::string message = "writing the answer to its temporary file failed: ";
    message += std::strerror(error_);
    return Status::Internal(message);
  }
  int fd = fd_;
  fd_ = -1;
  return std::shared_ptr<const BodyFile>(
      new BodyFile(fd, static_cast<std::size_t>(flushed_)));
}

std::size_t ReadFromFile(const BodyFile& file, std::size_t offset, char* buffer,
                         std::size_t size) {
  while (true) {
    ssize_t n = ::pread(file.fd(), buffer, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
}

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
