#include "core/plugins/plugin_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <smartercities/sc_plugin.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <string>

#include "tests/support/test_support.h"

namespace smartercities::plugins {
namespace {

using ::testing::HasSubstr;

// A minimal little-endian ELF64 file: a null section, the section name
// table holding names (its size in the header is names_size when given)
// and a section called "smartercities_abi" holding marker.
std::string MinimalElf(std::string names, const std::string& marker,
                       std::optional<std::uint64_t> names_size = {}) {
  auto put = [](std::string& out, std::size_t at, std::uint64_t value,
                std::size_t size) {
    for (std::size_t i = 0; i < size; ++i) {
      out[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
    }
  };
  std::string file(64, '\0');
  std::size_t names_at = file.size();
  file += names;
  std::size_t marker_at = file.size();
  file += marker;
  file.resize((file.size() + 7) / 8 * 8, '\0');
  std::size_t table_at = file.size();
  file.resize(table_at + 3 * 64, '\0');
  std::memcpy(file.data(),
              "\x7f"
              "ELF\x02\x01\x01",
              7);
  put(file, 0x10, 3, 2);         // e_type: shared object
  put(file, 0x12, 0x3e, 2);      // e_machine: x86-64
  put(file, 0x28, table_at, 8);  // e_shoff
  put(file, 0x34, 64, 2);        // e_ehsize
  put(file, 0x3a, 64, 2);        // e_shentsize
  put(file, 0x3c, 3, 2);         // e_shnum
  put(file, 0x3e, 1, 2);         // e_shstrndx
  std::size_t section = table_at + 64;
  put(file, section, 1, 4);  // ".shstrtab"
  put(file, section + 4, 3, 4);
  put(file, section + 0x18, names_at, 8);
  put(file, section + 0x20, names_size.value_or(names.size()), 8);
  section += 64;
  put(file, section, names.find("smartercities_abi"), 4);
  put(file, section + 4, 1, 4);
  put(file, section + 0x18, marker_at, 8);
  put(file, section + 0x20, marker.size(), 8);
  return file;
}

std::filesystem::path Write(const testing::TempDir& dir,
                            const std::string& bytes) {
  std::filesystem::path file = dir.path() / "libx.so";
  std::ofstream(file, std::ios::binary) << bytes;
  return file;
}

constexpr char kNames[] = "\0.shstrtab\0smartercities_abi\0";

TEST(AbiMarkerTest, ReadsTheVersionFromTheMarkerSection) {
  testing::TempDir dir;
  auto version = ReadAbiMarker(
      Write(dir, MinimalElf(std::string(kNames, sizeof(kNames) - 1),
                            SC_ABI_MARKER_PREFIX "1.12")));
  ASSERT_TRUE(version.ok()) << version.status().message();
  EXPECT_EQ(version->major, 1u);
  EXPECT_EQ(version->minor, 12u);
}

TEST(AbiMarkerTest, RefusesAFileThatIsNotElfOrHasNoMarker) {
  testing::TempDir dir;
  auto text = ReadAbiMarker(Write(dir, "not a library"));
  ASSERT_FALSE(text.ok());
  EXPECT_THAT(text.status().message(), HasSubstr("is not a shared library"));
  std::string other = "\0.shstrtab\0smartercities_xyz\0";
  auto unmarked = ReadAbiMarker(Write(dir, MinimalElf(other, "x")));
  ASSERT_FALSE(unmarked.ok());
  EXPECT_THAT(unmarked.status().message(),
              HasSubstr("has no 'smartercities_abi' section"));
}

TEST(AbiMarkerTest, ReadsASectionNameThatEndsWithItsTable) {
  // The last name of a table without its NUL was read past the table (a
  // heap overflow); now the table's end ends it.
  testing::TempDir dir;
  std::string names(kNames, sizeof(kNames) - 2);
  auto version =
      ReadAbiMarker(Write(dir, MinimalElf(names, SC_ABI_MARKER_PREFIX "1.0")));
  ASSERT_TRUE(version.ok()) << version.status().message();
  EXPECT_EQ(version->minor, 0u);
}

TEST(AbiMarkerTest, RefusesASectionLargerThanTheFileWithoutAllocatingIt) {
  // A section size taken from the file was allocated (and zeroed) as it
  // stood: a file of 300 bytes made the host ask for terabytes.
  testing::TempDir dir;
  auto version = ReadAbiMarker(
      Write(dir, MinimalElf(std::string(kNames, sizeof(kNames) - 1),
                            SC_ABI_MARKER_PREFIX "1.0", 1ull << 40)));
  ASSERT_FALSE(version.ok());
  EXPECT_THAT(version.status().message(),
              HasSubstr("is not a shared library: its section name table "
                        "lies outside the file"));
}

TEST(AbiCheckTest, AcceptsTheSameMajorWithAnOlderOrEqualMinor) {
  EXPECT_TRUE(CheckAbiCompatible({SC_ABI_MAJOR, 0}, "x", "libx.so").ok());
  EXPECT_TRUE(
      CheckAbiCompatible({SC_ABI_MAJOR, SC_ABI_MINOR}, "x", "libx.so").ok());
}

TEST(AbiCheckTest, RefusesAnotherMajorNamingPluginFileAndVersions) {
  Status status = CheckAbiCompatible({SC_ABI_MAJOR + 1, 0}, "groene-stad",
                                     "plugins/libgroene_stad.so");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(),
              HasSubstr("plugin 'groene-stad' (plugins/libgroene_stad.so) was "
                        "built for SDK ABI 2.0; this host supports 1.0"));
  EXPECT_THAT(status.message(), HasSubstr("rebuild the plugin"));
  EXPECT_FALSE(CheckAbiCompatible({0, 9}, "x", "libx.so").ok());
}

TEST(AbiCheckTest, RefusesANewerMinor) {
  Status status =
      CheckAbiCompatible({SC_ABI_MAJOR, SC_ABI_MINOR + 1}, "x", "libx.so");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("upgrade the platform"));
}

}  // namespace
}  // namespace smartercities::plugins
