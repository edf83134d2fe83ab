#include "core/http/access_log.h"

#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>

#include "core/base/time_format.h"

namespace smartercities::http {
namespace {

// A buffer is written out when it holds this much; PIPE_BUF keeps each
// write whole on a pipe.
constexpr std::size_t kFlushBytes = PIPE_BUF;
constexpr std::size_t kMaxLineBytes = 2048;

std::atomic<std::uint64_t> next_log_id{1};

// Request targets come from outside: quotes and backslashes are escaped,
// and bytes that are not printable ASCII are written as \xHH (inside JSON
// as the text \xHH, its backslash escaped), so that a line can be neither
// forged nor broken, in either format.
void AppendEscaped(std::string& out, std::string_view text, bool json) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += json ? "\\\\x" : "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
}

// "2026-11-30T10:00:00.123Z", cached per thread for the current second.
void AppendTime(std::string& out) {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[32];
  auto now = std::chrono::system_clock::now();
  auto since_epoch = now.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch) -
      std::chrono::duration_cast<std::chrono::milliseconds>(seconds);
  std::time_t second = static_cast<std::time_t>(seconds.count());
  if (second != cached_second) {
    // "2026-11-30T10:00:00Z" without its Z.
    std::string text =
        FormatUtc(std::chrono::system_clock::time_point(seconds));
    text.copy(cached, 19);
    cached[19] = '\0';
    cached_second = second;
  }
  char fraction[8];
  std::snprintf(fraction, sizeof(fraction), ".%03dZ",
                static_cast<int>(millis.count()));
  out += cached;
  out += fraction;
}

}  // namespace

AccessLog::AccessLog(int fd, Format format,
                     std::chrono::milliseconds flush_interval)
    : fd_(fd),
      format_(format),
      flush_interval_(flush_interval),
      id_(next_log_id.fetch_add(1)) {
  flusher_ = std::thread([this] { FlushLoop(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  flusher_.join();
  Flush();
}

AccessLog::ThreadBuffer& AccessLog::Local() {
  struct Cached {
    std::uint64_t log_id = 0;
    std::shared_ptr<ThreadBuffer> buffer;
  };
  thread_local Cached cached;
  if (cached.log_id != id_) {
    std::lock_guard lock(buffers_mutex_);
    auto& buffer = buffers_[std::this_thread::get_id()];
    if (!buffer) buffer = std::make_shared<ThreadBuffer>();
    cached = {id_, buffer};
  }
  return *cached.buffer;
}

void AccessLog::Write(std::string_view method, std::string_view target,
                      int status, std::chrono::microseconds duration,
                      std::string_view request_id) {
  bool json = format_ == Format::kJson;
  std::string line;
  line.reserve(128 + target.size());
  if (json) line += "{\"time\":\"";
  AppendTime(line);
  line += format_ == Format::kJson ? "\",\"level\":\"info\",\"message\":\""
                                   : " info ";
  AppendEscaped(line, method.substr(0, 16), json);
  line += ' ';
  AppendEscaped(line, target.substr(0, kMaxLineBytes / 2), json);
  char figures[64];
  std::snprintf(figures, sizeof(figures), " %d %.1fms ", status,
                static_cast<double>(duration.count()) / 1000.0);
  line += figures;
  AppendEscaped(line, request_id.substr(0, 64), json);
  line += format_ == Format::kJson ? "\"}\n" : "\n";

  ThreadBuffer& buffer = Local();
  std::string full;
  {
    std::lock_guard lock(buffer.mutex);
    if (buffer.lines.size() + line.size() > kFlushBytes) {
      full.swap(buffer.lines);
    }
    buffer.lines += line;
  }
  if (!full.empty()) WriteOut(full);
}

void AccessLog::WriteOut(std::string& lines) {
  std::lock_guard lock(write_mutex_);
  std::size_t offset = 0;
  while (offset < lines.size()) {
    // Whole lines only, at most PIPE_BUF bytes per write.
    std::size_t end = std::min(lines.size(), offset + kFlushBytes);
    if (end < lines.size()) {
      std::size_t newline = lines.rfind('\n', end - 1);
      if (newline != std::string::npos && newline >= offset) end = newline + 1;
    }
    ssize_t written = ::write(fd_, lines.data() + offset, end - offset);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) break;  // nowhere to log to; the request still counts
    offset += static_cast<std::size_t>(written);
  }
  lines.clear();
}

void AccessLog::Flush() {
  std::vector<std::shared_ptr<ThreadBuffer>> buffers;
  {
    std::lock_guard lock(buffers_mutex_);
    for (const auto& [thread, buffer] : buffers_) buffers.push_back(buffer);
  }
  for (const auto& buffer : buffers) {
    std::string lines;
    {
      std::lock_guard lock(buffer->mutex);
      lines.swap(buffer->lines);
    }
    if (!lines.empty()) WriteOut(lines);
  }
}

void AccessLog::FlushLoop() {
  std::unique_lock lock(stop_mutex_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, flush_interval_, [this] { return stopping_; });
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace smartercities::http
