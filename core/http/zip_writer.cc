#include "core/http/zip_writer.h"

#include <zlib.h>

#include <algorithm>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>

namespace smartercities::http {
namespace {

constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kChunkBytes = 64 * 1024;

void Put16(std::string& out, std::uint16_t value) {
  out += static_cast<char>(value & 0xff);
  out += static_cast<char>(value >> 8);
}

void Put32(std::string& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    out += static_cast<char>((value >> shift) & 0xff);
  }
}

std::uint32_t Low32(std::uint64_t value) {
  return static_cast<std::uint32_t>(value & kMax32);
}

}  // namespace

struct ZipWriter::Stream {
  z_stream z{};
  bool open = false;
  ~Stream() {
    if (open) deflateEnd(&z);
  }
};

// The second thread and what the caller hands it. Pieces are taken in
// order; a piece's buffer goes back to spare afterwards, so that a long
// archive reuses a few buffers rather than allocating one per piece.
struct ZipWriter::Worker {
  struct Piece {
    bool starts_entry = false;  // bytes is then the entry's name
    std::string bytes;
  };
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Piece> queue;
  std::vector<std::string> spare;
  bool stopping = false;
  bool cancelled = false;     // drop what is queued
  bool failed = false;        // out threw; later pieces are dropped
  std::exception_ptr thrown;  // not yet rethrown to the caller
  std::thread thread;

  // Waits for room in the queue and appends a piece; false when the
  // worker has failed and takes no more.
  bool Push(bool starts_entry, std::string_view bytes) {
    std::string buffer;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock,
                   [&] { return queue.size() < kQueuedPieces || failed; });
      if (failed) return false;
      if (!spare.empty()) {
        buffer = std::move(spare.back());
        spare.pop_back();
      }
    }
    // Copied outside the lock, while the worker compresses.
    buffer.assign(bytes);
    {
      std::lock_guard lock(mutex);
      queue.push_back(Piece{starts_entry, std::move(buffer)});
    }
    changed.notify_all();
    return true;
  }
};

ZipWriter::ZipWriter(std::function<void(std::string_view)> out, int level,
                     std::uint16_t dos_time, std::uint16_t dos_date,
                     Threads threads)
    : out_(std::move(out)),
      level_(level),
      dos_time_(dos_time),
      dos_date_(dos_date),
      stream_(std::make_unique<Stream>()) {
  compressed_.resize(kChunkBytes);
  if (threads == Threads::kOne) return;
  worker_ = std::make_unique<Worker>();
  worker_->thread = std::thread([this, &worker = *worker_] {
    while (true) {
      Worker::Piece piece;
      bool drop = false;
      {
        std::unique_lock lock(worker.mutex);
        worker.changed.wait(
            lock, [&] { return !worker.queue.empty() || worker.stopping; });
        if (worker.queue.empty()) return;
        piece = std::move(worker.queue.front());
        worker.queue.pop_front();
        drop = worker.failed || worker.cancelled;
      }
      // Nothing more is written after a failure, or for a writer that is
      // going away.
      if (!drop) {
        try {
          if (piece.starts_entry) {
            StartEntry(piece.bytes);
          } else {
            Compress(piece.bytes);
          }
        } catch (...) {
          std::lock_guard lock(worker.mutex);
          worker.failed = true;
          worker.thrown = std::current_exception();
          worker.queue.clear();
        }
      }
      {
        std::lock_guard lock(worker.mutex);
        if (!piece.starts_entry) worker.spare.push_back(std::move(piece.bytes));
      }
      worker.changed.notify_all();
    }
  });
}

ZipWriter::~ZipWriter() {
  if (worker_) StopWorker(false);
}

void ZipWriter::StopWorker(bool rethrow) {
  {
    std::lock_guard lock(worker_->mutex);
    worker_->stopping = true;
    worker_->cancelled = !rethrow;
  }
  worker_->changed.notify_all();
  worker_->thread.join();
  std::exception_ptr thrown = std::exchange(worker_->thrown, nullptr);
  if (worker_->failed) failed_ = true;
  worker_.reset();
  if (rethrow && thrown) std::rethrow_exception(thrown);
}

void ZipWriter::RethrowWorkerFailure() {
  std::exception_ptr thrown;
  {
    std::lock_guard lock(worker_->mutex);
    thrown = std::exchange(worker_->thrown, nullptr);
  }
  if (thrown) std::rethrow_exception(thrown);
}

void ZipWriter::Emit(std::string_view bytes) {
  out_(bytes);
  offset_ += bytes.size();
}

void ZipWriter::BeginEntry(const std::string& name) {
  if (!worker_) return StartEntry(name);
  RethrowWorkerFailure();
  if (!worker_->Push(true, name)) RethrowWorkerFailure();
}

void ZipWriter::StartEntry(const std::string& name) {
  if (in_entry_) EndEntry();
  Entry entry;
  entry.name = name;
  entry.offset = offset_;
  entry.crc = static_cast<std::uint32_t>(crc32(0, Z_NULL, 0));
  entries_.push_back(std::move(entry));
  std::string header;
  Put32(header, 0x04034b50);
  Put16(header, 20);               // version needed: 2.0 (deflate)
  Put16(header, 0x0008 | 0x0800);  // sizes in the data descriptor; UTF-8
  Put16(header, 8);                // deflate
  Put16(header, dos_time_);
  Put16(header, dos_date_);
  Put32(header, 0);  // CRC-32, compressed and uncompressed size: follow
  Put32(header, 0);
  Put32(header, 0);
  Put16(header, static_cast<std::uint16_t>(name.size()));
  Put16(header, 0);
  header += name;
  Emit(header);
  // Raw deflate (negative window bits): ZIP has no zlib wrapper.
  if (stream_->open) deflateEnd(&stream_->z);
  stream_->z = z_stream{};
  stream_->open = deflateInit2(&stream_->z, level_, Z_DEFLATED, -MAX_WBITS, 8,
                               Z_DEFAULT_STRATEGY) == Z_OK;
  if (!stream_->open) failed_ = true;
  in_entry_ = true;
}

void ZipWriter::Deflate(std::string_view bytes, bool finish) {
  if (!stream_->open) return;
  z_stream& z = stream_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  Entry& entry = entries_.back();
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(compressed_.data());
    z.avail_out = static_cast<uInt>(compressed_.size());
    int result = deflate(&z, finish ? Z_FINISH : Z_NO_FLUSH);
    if (result == Z_STREAM_ERROR) {
      failed_ = true;
      return;
    }
    std::size_t produced = compressed_.size() - z.avail_out;
    if (produced > 0) {
      Emit(std::string_view(compressed_.data(), produced));
      entry.compressed += produced;
    }
    if (finish ? result == Z_STREAM_END : z.avail_in == 0 && z.avail_out != 0) {
      return;
    }
  }
}

void ZipWriter::Write(std::string_view bytes) {
  if (!worker_) return Compress(bytes);
  RethrowWorkerFailure();
  // In pieces, so that what waits in the queue stays bounded.
  while (!bytes.empty()) {
    std::string_view piece = bytes.substr(0, kPieceBytes);
    if (!worker_->Push(false, piece)) break;
    bytes.remove_prefix(piece.size());
  }
  RethrowWorkerFailure();
}

void ZipWriter::Compress(std::string_view bytes) {
  if (!in_entry_ || bytes.empty()) return;
  Entry& entry = entries_.back();
  // zlib counts lengths in uInt: large pieces go in parts.
  while (!bytes.empty()) {
    std::string_view part = bytes.substr(0, 1u << 30);
    entry.crc = static_cast<std::uint32_t>(
        crc32(entry.crc, reinterpret_cast<const Bytef*>(part.data()),
              static_cast<uInt>(part.size())));
    entry.uncompressed += part.size();
    Deflate(part, false);
    bytes.remove_prefix(part.size());
  }
}

void ZipWriter::EndEntry() {
  Deflate({}, true);
  if (stream_->open) {
    deflateEnd(&stream_->z);
    stream_->open = false;
  }
  const Entry& entry = entries_.back();
  std::string descriptor;
  Put32(descriptor, 0x08074b50);
  Put32(descriptor, entry.crc);
  Put32(descriptor, Low32(entry.compressed));
  Put32(descriptor, Low32(entry.uncompressed));
  Emit(descriptor);
  in_entry_ = false;
}

Status ZipWriter::Finish() {
  // What is left is written on this thread, after everything queued.
  if (worker_) StopWorker(true);
  if (failed_) return Status::Internal("compressing the ZIP archive failed");
  if (in_entry_) EndEntry();
  if (failed_) return Status::Internal("compressing the ZIP archive failed");
  if (entries_.size() > 0xffff) {
    return Status::ResourceExhausted(
        "the archive would hold more than 65535 files, which needs ZIP64; "
        "download the datasets one by one instead");
  }
  std::uint64_t directory_offset = offset_;
  std::string directory;
  for (const Entry& entry : entries_) {
    if (entry.compressed > kMax32 || entry.uncompressed > kMax32 ||
        entry.offset > kMax32) {
      std::string message = "'";
      message += entry.name;
      message +=
          "' makes the archive larger than 4 GiB, which needs ZIP64; "
          "download the datasets one by one instead";
      return Status::ResourceExhausted(message);
    }
    Put32(directory, 0x02014b50);
    Put16(directory, 0x0314);  // made by: Unix, 2.0
    Put16(directory, 20);
    Put16(directory, 0x0008 | 0x0800);
    Put16(directory, 8);
    Put16(directory, dos_time_);
    Put16(directory, dos_date_);
    Put32(directory, entry.crc);
    Put32(directory, Low32(entry.compressed));
    Put32(directory, Low32(entry.uncompressed));
    Put16(directory, static_cast<std::uint16_t>(entry.name.size()));
    Put16(directory, 0);               // extra field
    Put16(directory, 0);               // comment
    Put16(directory, 0);               // disk
    Put16(directory, 0);               // internal attributes
    Put32(directory, 0100644u << 16);  // external: a regular file, rw-r--r--
    Put32(directory, Low32(entry.offset));
    directory += entry.name;
  }
  if (directory_offset > kMax32) {
    return Status::ResourceExhausted(
        "the archive is larger than 4 GiB, which needs ZIP64; download the "
        "datasets one by one instead");
  }
  std::string end;
  Put32(end, 0x06054b50);
  Put16(end, 0);
  Put16(end, 0);
  Put16(end, static_cast<std::uint16_t>(entries_.size()));
  Put16(end, static_cast<std::uint16_t>(entries_.size()));
  Put32(end, static_cast<std::uint32_t>(directory.size()));
  Put32(end, Low32(directory_offset));
  Put16(end, 0);
  Emit(directory);
  Emit(end);
  return Status::Ok();
}

std::uint16_t ZipWriter::DosTime(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return static_cast<std::uint16_t>((tm.tm_hour << 11) | (tm.tm_min << 5) |
                                    (tm.tm_sec / 2));
}

std::uint16_t ZipWriter::DosDate(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  int year = tm.tm_year + 1900 - 1980;
  if (year < 0) year = 0;
  return static_cast<std::uint16_t>((year << 9) | ((tm.tm_mon + 1) << 5) |
                                    tm.tm_mday);
}

}  // namespace smartercities::http
