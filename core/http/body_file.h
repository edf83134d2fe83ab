// body_file.h — a copy of an answer's body in an anonymous in-memory file,
// so that a large cached answer goes to a plain-TCP socket with sendfile(2)
// (from the file's pages, without copying them through the process), as a
// static file server sends a file. Internal to core/http.
//
// A body too large for memory (a bulk download) is written piece by piece
// with BodyFileWriter into an anonymous temporary file and answered with
// Response::body_file alone: the server sends it from the file, never
// holding more than one piece of it in memory.
//
// Thread-safety: immutable once made; the descriptor is only read with
// explicit offsets (sendfile's own), so any thread may send from it.
// Ownership: the descriptor is closed when the last owner lets go.
#ifndef SMARTERCITIES_CORE_HTTP_BODY_FILE_H_
#define SMARTERCITIES_CORE_HTTP_BODY_FILE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/status.h"

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
  friend class BodyFileWriter;
  BodyFile(int fd, std::size_t size) : fd_(fd), size_(size) {}

  int fd_;
  std::size_t size_;
};

// Writes an answer's body into an anonymous temporary file: on disk in the
// directory given (O_TMPFILE, so nothing is left behind by a crash), else in
// memory (memfd). Appends are buffered; Finish hands the file over.
//
// Thread-safety: one thread at a time. Ownership: owns the descriptor until
// Finish.
class BodyFileWriter {
 public:
  // A writer over a new file in directory (empty: the system's temporary
  // directory), or the reason none could be made.
  static Result<std::unique_ptr<BodyFileWriter>> Create(
      const std::string& directory = "");

  BodyFileWriter(const BodyFileWriter&) = delete;
  BodyFileWriter& operator=(const BodyFileWriter&) = delete;
  ~BodyFileWriter();

  // Appends bytes; a write failure (a full disk) is kept and reported by
  // Finish, and later appends are dropped.
  void Append(std::string_view bytes);
  void Append(char byte) {
    if (buffer_.size() + 1 > kBufferBytes) Flush();
    buffer_.push_back(byte);
  }
  // The bytes appended so far.
  std::uint64_t size() const { return flushed_ + buffer_.size(); }

  // The file with everything appended, or the failure of a write.
  Result<std::shared_ptr<const BodyFile>> Finish();

 private:
  static constexpr std::size_t kBufferBytes = 256 * 1024;
  explicit BodyFileWriter(int fd) : fd_(fd) { buffer_.reserve(kBufferBytes); }
  void Flush();

  int fd_;
  std::string buffer_;
  std::uint64_t flushed_ = 0;
  int error_ = 0;
};

// Copies up to size bytes at offset of file into buffer; the number copied
// (0 at the end or on failure).
std::size_t ReadFromFile(const BodyFile& file, std::size_t offset, char* buffer,
                         std::size_t size);

// Sends from file's offset onward to the socket `socket` (non-blocking)
// until everything is sent, the socket is full, or it fails; returns the
// new offset. The caller sends the rest in its own way.
std::size_t SendFromFile(int socket, const BodyFile& file, std::size_t offset);

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_BODY_FILE_H_
