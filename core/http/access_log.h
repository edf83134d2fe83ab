// access_log.h — one line per request, written without a lock that the
// I/O threads share.
//
// Each thread formats its lines into a buffer of its own and writes the
// buffer in one system call when it is full; a flusher thread writes what
// is left every `flush_interval`, so a line appears within that time even
// when no more requests come. Lines never interleave: a write holds whole
// lines and stays within PIPE_BUF bytes, which a pipe or a file takes in one
// piece.
//
// Text lines look like the other log lines
// ("2026-11-30T10:00:00.000Z info GET /api/v1/themes 200 0.1ms <id>");
// JSON lines are objects with time, level and message, and every value is
// escaped, so a request cannot forge or break a line.
//
// Thread-safety: Write may be called from any thread.
#ifndef SMARTERCITIES_CORE_HTTP_ACCESS_LOG_H_
#define SMARTERCITIES_CORE_HTTP_ACCESS_LOG_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace smartercities::http {

class AccessLog {
 public:
  enum class Format { kText, kJson };

  // Writes to the file descriptor fd (not closed by the log).
  AccessLog(int fd, Format format,
            std::chrono::milliseconds flush_interval =
                std::chrono::milliseconds(100));
  // Writes what is buffered.
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void Write(std::string_view method, std::string_view target, int status,
             std::chrono::microseconds duration, std::string_view request_id);

  // Writes every thread's buffer now.
  void Flush();

 private:
  struct ThreadBuffer {
    std::mutex mutex;  // the owner thread and the flusher only
    std::string lines;
  };
  ThreadBuffer& Local();
  void WriteOut(std::string& lines);
  void FlushLoop();

  const int fd_;
  const Format format_;
  const std::chrono::milliseconds flush_interval_;
  const std::uint64_t id_;    // tells one log's thread buffers from another's
  std::mutex buffers_mutex_;  // taken once per thread, when it first logs
  std::map<std::thread::id, std::shared_ptr<ThreadBuffer>> buffers_;
  std::mutex write_mutex_;  // keeps whole buffers together on the fd
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_ACCESS_LOG_H_
