// ZipWriter: what it writes reads back with Python's zipfile (a reader
// that checks every CRC), and an archive the classic format cannot hold is
// refused, not written wrongly.
#include "core/http/zip_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#include "tests/support/test_support.h"

namespace smartercities::http {
namespace {

using ::testing::HasSubstr;

std::string RunCommand(const std::string& command, int* exit_code) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    out.append(buffer, n);
  }
  int status = ::pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

TEST(ZipWriterTest, AnArchiveReadsBackEntryByEntry) {
  std::string archive;
  // 2026-12-01 06:40:00 UTC.
  const std::int64_t when = 1796107200;
  ZipWriter zip([&](std::string_view bytes) { archive.append(bytes); }, 1,
                ZipWriter::DosTime(when), ZipWriter::DosDate(when));
  std::string large;
  for (int i = 0; i < 100000; ++i) {
    large += "regelluwe-stad-e-invoices,GM0363,2014-01,";
    large += std::to_string(i);
    large += ",\"CBS, \"\"Statline\"\"\"\r\n";
  }
  zip.BeginEntry("figures.csv");
  // In pieces, as the export writes it.
  for (std::size_t at = 0; at < large.size(); at += 65536) {
    zip.Write(std::string_view(large).substr(at, 65536));
  }
  zip.BeginEntry("empty.json");
  zip.BeginEntry("README.txt");
  zip.Write("Open data — één bestand\n");
  ASSERT_TRUE(zip.Finish().ok());
  EXPECT_LT(archive.size(), large.size() / 4);

  testing::TempDir dir;
  std::string path = (dir.path() / "test.zip").string();
  std::ofstream(path, std::ios::binary) << archive;
  int code = -1;
  std::string tested =
      RunCommand("python3 -m zipfile -t '" + path + "' 2>&1", &code);
  EXPECT_EQ(code, 0) << tested;
  EXPECT_THAT(tested, HasSubstr("Done testing"));
  EXPECT_THAT(tested, ::testing::Not(HasSubstr("corrupted")));
  std::string read = RunCommand(
      "python3 -c \"import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
      "print([(i.filename, i.file_size, i.date_time) for i in z.infolist()]); "
      "sys.stdout.buffer.write(z.read('figures.csv'))\" '" +
          path + "'",
      &code);
  ASSERT_EQ(code, 0) << read;
  EXPECT_THAT(read,
              HasSubstr("('figures.csv', " + std::to_string(large.size()) +
                        ", (2026, 12, 1, 6, 40, 0))"));
  EXPECT_THAT(read, HasSubstr("('empty.json', 0,"));
  EXPECT_THAT(read, HasSubstr("('README.txt', "));
  EXPECT_EQ(read.substr(read.find('\n') + 1), large);
}

TEST(ZipWriterTest, MoreEntriesThanTheClassicFormatHoldsAreRefused) {
  std::size_t written = 0;
  ZipWriter zip([&](std::string_view bytes) { written += bytes.size(); }, 1, 0,
                0);
  for (int i = 0; i <= 0xffff; ++i) zip.BeginEntry(std::to_string(i));
  Status finished = zip.Finish();
  EXPECT_FALSE(finished.ok());
  EXPECT_THAT(finished.message(), HasSubstr("65535"));
  EXPECT_THAT(finished.message(), HasSubstr("ZIP64"));
}

// The figures as the export hands them over: many rows, in pieces.
std::string ManyRows() {
  std::string rows;
  for (int i = 0; i < 200000; ++i) {
    rows += "groene-stad-solar-panels,GM0";
    rows += std::to_string(300 + i % 97);
    rows += ",2015-0";
    rows += std::to_string(1 + i % 9);
    rows += ',';
    rows += std::to_string(i * 0.25);
    rows += ",CBS\r\n";
  }
  return rows;
}

std::string WriteArchive(ZipWriter::Threads threads, const std::string& rows) {
  std::string archive;
  ZipWriter zip([&](std::string_view bytes) { archive.append(bytes); }, 1,
                ZipWriter::DosTime(1796107200), ZipWriter::DosDate(1796107200),
                threads);
  zip.BeginEntry("figures.csv");
  // Pieces smaller and larger than the worker's, as the export's sink and a
  // whole file would give.
  for (std::size_t at = 0; at < rows.size(); at += 100000) {
    zip.Write(std::string_view(rows).substr(at, 100000));
  }
  zip.BeginEntry("empty.csv");
  zip.BeginEntry("all-at-once.csv");
  zip.Write(rows);
  zip.BeginEntry("README.txt");
  zip.Write("Open data\n");
  EXPECT_TRUE(zip.Finish().ok());
  return archive;
}

TEST(ZipWriterTest, ASecondThreadWritesTheSameBytes) {
  std::string rows = ManyRows();
  ASSERT_GT(rows.size(), ZipWriter::kQueuedPieces * ZipWriter::kPieceBytes);
  std::string one = WriteArchive(ZipWriter::Threads::kOne, rows);
  std::string two = WriteArchive(ZipWriter::Threads::kTwo, rows);
  EXPECT_LT(one.size(), rows.size());
  // Compared whole, not with EXPECT_EQ: a failure would print megabytes.
  EXPECT_EQ(one.size(), two.size());
  EXPECT_TRUE(one == two);
}

TEST(ZipWriterTest, AFailedWriteOnTheSecondThreadReachesTheCaller) {
  std::size_t calls = 0;
  std::size_t calls_when_thrown = 0;
  ZipWriter zip(
      [&](std::string_view) {
        // The local header and the first compressed bytes get through.
        if (++calls == 3) throw std::runtime_error("disk full");
      },
      1, 0, 0, ZipWriter::Threads::kTwo);
  std::string rows = ManyRows();
  bool caught = false;
  try {
    zip.BeginEntry("figures.csv");
    for (int round = 0; round < 20; ++round) zip.Write(rows);
    static_cast<void>(zip.Finish());
  } catch (const std::runtime_error& error) {
    caught = true;
    calls_when_thrown = calls;
    EXPECT_STREQ(error.what(), "disk full");
  }
  EXPECT_TRUE(caught);
  // Nothing is written after the failure, and the writer still ends its
  // thread and reports the archive as failed.
  Status finished = zip.Finish();
  EXPECT_FALSE(finished.ok());
  EXPECT_EQ(calls, calls_when_thrown);
}

TEST(ZipWriterTest, AFailedCompressionOnTheSecondThreadFailsFinish) {
  std::size_t written = 0;
  // Level 42 is not zlib's: deflateInit2 refuses it on the worker.
  ZipWriter zip([&](std::string_view bytes) { written += bytes.size(); }, 42, 0,
                0, ZipWriter::Threads::kTwo);
  zip.BeginEntry("figures.csv");
  zip.Write("GM0363,2014-01,1\r\n");
  Status finished = zip.Finish();
  EXPECT_FALSE(finished.ok());
  EXPECT_THAT(finished.message(), HasSubstr("compressing"));
}

}  // namespace
}  // namespace smartercities::http
