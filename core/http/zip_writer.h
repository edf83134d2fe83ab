// zip_writer.h — writes a ZIP archive (APPNOTE 6.3) front to back, entry
// by entry, each compressed with deflate as its bytes arrive, so that an
// archive of any size is written with a few hundred kilobytes of memory.
//
// Each entry's local header has bit 3 set and is followed by a data
// descriptor with the CRC-32 and sizes, so nothing is ever written twice;
// the central directory at the end repeats them. Archives stay within the
// classic format: an entry or the archive over 4 GiB - 1 byte, or more
// than 65535 entries, makes Finish fail with a message saying so, rather
// than write an archive that readers would misread (no ZIP64).
//
// With Threads::kTwo, the CRC-32, deflate and out run on a thread of the
// writer's own while the caller produces the next bytes (the caller reads
// rows from SQLite; compressing them takes about as long again). Write
// then copies its bytes into one of a few recycled buffers and returns;
// at most kQueuedPieces of them wait, so memory stays bounded when the
// caller is faster. The archive is byte for byte the one Threads::kOne
// writes.
//
// Thread-safety: one thread at a time calls it. Ownership: writes through
// the function it was given, which must outlive it. With Threads::kTwo,
// out is called on the writer's thread until Finish, which writes the end
// of the archive on the caller's; an exception out throws there is
// rethrown to the caller by the next BeginEntry, Write or Finish, and
// what was queued after it is dropped. The destructor drops what is still
// queued and ends the thread.
#ifndef SMARTERCITIES_CORE_HTTP_ZIP_WRITER_H_
#define SMARTERCITIES_CORE_HTTP_ZIP_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace smartercities::http {

class ZipWriter {
 public:
  // Where compression runs: on the caller's thread, or on a second one.
  enum class Threads { kOne, kTwo };
  // Pieces that Write may queue for the second thread, each of up to
  // kPieceBytes (a longer Write is split); the export writes 256 KiB at a
  // time, so its pieces are never split.
  static constexpr std::size_t kQueuedPieces = 8;
  static constexpr std::size_t kPieceBytes = 512 * 1024;

  // out receives the archive's bytes in order. level is zlib's (1 is the
  // fastest); dos_time and dos_date stamp every entry (MS-DOS format).
  ZipWriter(std::function<void(std::string_view)> out, int level,
            std::uint16_t dos_time, std::uint16_t dos_date,
            Threads threads = Threads::kOne);
  ~ZipWriter();
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  // Starts an entry called name (a relative path with '/'); ends the one
  // before.
  void BeginEntry(const std::string& name);
  // Adds bytes to the current entry.
  void Write(std::string_view bytes);
  // Ends the last entry and writes the central directory; fails when the
  // archive needs ZIP64 or compression failed.
  Status Finish();

  // The MS-DOS time and date of a UTC time (seconds since 1970).
  static std::uint16_t DosTime(std::int64_t unix_seconds);
  static std::uint16_t DosDate(std::int64_t unix_seconds);

 private:
  struct Entry {
    std::string name;
    std::uint32_t crc = 0;
    std::uint64_t compressed = 0;
    std::uint64_t uncompressed = 0;
    std::uint64_t offset = 0;
  };
  struct Worker;
  // What BeginEntry and Write do, on whichever thread compresses.
  void StartEntry(const std::string& name);
  void Compress(std::string_view bytes);
  void EndEntry();
  void Emit(std::string_view bytes);
  void Deflate(std::string_view bytes, bool finish);
  // Waits for the second thread to finish what is queued and ends it; an
  // exception it caught is rethrown when rethrow is set.
  void StopWorker(bool rethrow);
  void RethrowWorkerFailure();

  std::function<void(std::string_view)> out_;
  int level_;
  std::uint16_t dos_time_;
  std::uint16_t dos_date_;
  std::uint64_t offset_ = 0;
  std::vector<Entry> entries_;
  bool in_entry_ = false;
  bool failed_ = false;
  struct Stream;
  std::unique_ptr<Stream> stream_;
  std::string compressed_;
  std::unique_ptr<Worker> worker_;
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_ZIP_WRITER_H_
