// ZipWriter: what it writes reads back with Python's zipfile (a reader
// that checks every CRC), and an archive the classic format cannot hold is
// refused, not written wrongly.
#include "core/http/zip_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
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

}  // namespace
}  // namespace smartercities::http
