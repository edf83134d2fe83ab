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
// Thread-safety: one thread at a time. Ownership: writes through the
// function it was given, which must outlive it.
#ifndef SMARTERCITIES_CORE_HTTP_ZIP_WRITER_H_
#define SMARTERCITIES_CORE_HTTP_ZIP_WRITER_H_

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
  // out receives the archive's bytes in order. level is zlib's (1 is the
  // fastest); dos_time and dos_date stamp every entry (MS-DOS format).
  ZipWriter(std::function<void(std::string_view)> out, int level,
            std::uint16_t dos_time, std::uint16_t dos_date);
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
  void EndEntry();
  void Emit(std::string_view bytes);
  void Deflate(std::string_view bytes, bool finish);

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
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_ZIP_WRITER_H_
