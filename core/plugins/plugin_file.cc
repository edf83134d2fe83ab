#include "core/plugins/plugin_file.h"

#include <smartercities/sc_plugin.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace smartercities::plugins {
namespace {

// Built by appending: GCC 12 at -O3 reports a false -Wrestrict for
// "'" + std::string (GCC bug 105329).
std::string Quote(const std::filesystem::path& file) {
  std::string out = "'";
  out += file.native();
  out += '\'';
  return out;
}

std::string OctalMode(mode_t mode) {
  std::ostringstream out;
  out << std::oct << (mode & 07777);
  return out.str();
}

// A little-endian unsigned integer of size bytes at offset; the caller has
// checked that they are inside bytes.
std::uint64_t ReadUnsigned(std::string_view bytes, std::size_t offset,
                           std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) {
    value |= static_cast<std::uint64_t>(
                 static_cast<unsigned char>(bytes[offset + i]))
             << (8 * i);
  }
  return value;
}

// Whether [offset, offset + size) lies inside a file of file_size bytes.
bool Inside(std::uint64_t offset, std::uint64_t size, std::size_t file_size) {
  return offset <= file_size && size <= file_size - offset;
}

// The content of the ELF section called name in bytes (a whole file),
// nullopt when the file has no such section, or why it is not an ELF file
// this host can read. Every offset, size and name the file declares is
// checked against its length first, since the file can be anything that
// was named *.so.
Result<std::optional<std::string_view>> FindElfSection(std::string_view bytes,
                                                       std::string_view name) {
  constexpr std::string_view kMagic =
      "\x7f"
      "ELF";
  if (bytes.size() < 16 || bytes.substr(0, 4) != kMagic) {
    return Status::InvalidArgument("it does not start like an ELF file");
  }
  const bool is_64 = bytes[4] == 2;
  if (bytes[4] != 1 && !is_64) {
    return Status::InvalidArgument("its ELF class is unknown");
  }
  if (bytes[5] != 1) {
    return Status::InvalidArgument(
        "it is not a little-endian ELF file, as this host needs");
  }
  // Where e_shoff and e_shentsize stand in the ELF header (e_shnum and
  // e_shstrndx follow), and sh_offset and sh_size in a section header
  // (sh_name is at 0 and sh_type at 4 in both classes).
  const std::size_t header_size = is_64 ? 64 : 52;
  const std::size_t address_size = is_64 ? 8 : 4;
  const std::size_t shoff_at = is_64 ? 0x28 : 0x20;
  const std::size_t shentsize_at = is_64 ? 0x3a : 0x2e;
  const std::size_t section_header_size = is_64 ? 64 : 40;
  const std::size_t sh_offset_at = is_64 ? 0x18 : 0x10;
  const std::size_t sh_size_at = is_64 ? 0x20 : 0x14;
  constexpr std::uint32_t kNoBits = 8;  // SHT_NOBITS: no content in the file
  if (bytes.size() < header_size) {
    return Status::InvalidArgument("its ELF header is cut short");
  }
  const std::uint64_t table = ReadUnsigned(bytes, shoff_at, address_size);
  const std::uint64_t entry_size = ReadUnsigned(bytes, shentsize_at, 2);
  const std::uint64_t count = ReadUnsigned(bytes, shentsize_at + 2, 2);
  const std::uint64_t names_index = ReadUnsigned(bytes, shentsize_at + 4, 2);
  if (table == 0 || count == 0) {
    return Status::InvalidArgument("it has no section headers");
  }
  if (entry_size < section_header_size ||
      !Inside(table, entry_size * count, bytes.size())) {
    return Status::InvalidArgument("its section headers lie outside the file");
  }
  if (names_index >= count) {
    return Status::InvalidArgument("its section name table is missing");
  }
  auto content = [&](std::uint64_t index) -> std::optional<std::string_view> {
    std::size_t at = table + index * entry_size;
    std::uint64_t offset = ReadUnsigned(bytes, at + sh_offset_at, address_size);
    std::uint64_t size = ReadUnsigned(bytes, at + sh_size_at, address_size);
    if (ReadUnsigned(bytes, at + 4, 4) == kNoBits) return std::string_view();
    if (!Inside(offset, size, bytes.size())) return std::nullopt;
    return bytes.substr(offset, size);
  };
  std::optional<std::string_view> names = content(names_index);
  if (!names) {
    return Status::InvalidArgument(
        "its section name table lies outside the file");
  }
  for (std::uint64_t index = 0; index < count; ++index) {
    std::uint64_t name_at = ReadUnsigned(bytes, table + index * entry_size, 4);
    if (name_at >= names->size()) continue;
    std::string_view section_name = names->substr(name_at);
    section_name = section_name.substr(0, section_name.find('\0'));
    if (section_name != name) continue;
    std::optional<std::string_view> found = content(index);
    if (!found) {
      return Status::InvalidArgument("its section " + std::string(name) +
                                     " lies outside the file");
    }
    return found;
  }
  return std::optional<std::string_view>();
}

}  // namespace

Status CheckFileSafety(const std::filesystem::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) {
    return Status::NotFound(Quote(file) +
                            " cannot be read: " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return Status::InvalidArgument(Quote(file) + " is not a regular file");
  }
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Status::PermissionDenied(
        Quote(file) + " is writable by group or others (mode " +
        OctalMode(info.st_mode) + "); run 'chmod go-w' on it");
  }
  if (info.st_uid != 0 && info.st_uid != ::geteuid()) {
    return Status::PermissionDenied(
        Quote(file) + " is owned by uid " + std::to_string(info.st_uid) +
        "; it must belong to root or to the user the platform runs as (uid " +
        std::to_string(::geteuid()) + ")");
  }
  return Status::Ok();
}

Result<AbiVersion> ReadAbiMarker(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Status::NotFound(Quote(file) +
                            " cannot be read: " + std::strerror(errno));
  }
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  auto section = FindElfSection(bytes, SC_ABI_MARKER_SECTION);
  if (!section.ok()) {
    return Status::InvalidArgument(Quote(file) + " is not a shared library: " +
                                   section.status().message());
  }
  if (!*section) {
    return Status::InvalidArgument(
        Quote(file) + " has no '" SC_ABI_MARKER_SECTION
                      "' section; it was not built as a Smarter Cities "
                      "plugin (use SMARTERCITIES_PLUGIN() and "
                      "smartercities_add_theme_plugin())");
  }
  const std::string_view prefix = SC_ABI_MARKER_PREFIX;
  std::string_view marker = **section;
  std::size_t at = marker.find(prefix);
  if (at == std::string_view::npos) {
    return Status::InvalidArgument(Quote(file) +
                                   " has an ABI marker section without a "
                                   "version");
  }
  const char* begin = marker.data() + at + prefix.size();
  const char* end = marker.data() + marker.size();
  AbiVersion version;
  auto [after_major, major_error] = std::from_chars(begin, end, version.major);
  if (major_error != std::errc() || after_major == end || *after_major != '.') {
    return Status::InvalidArgument(Quote(file) + " has a malformed ABI marker");
  }
  auto [after_minor, minor_error] =
      std::from_chars(after_major + 1, end, version.minor);
  if (minor_error != std::errc()) {
    return Status::InvalidArgument(Quote(file) + " has a malformed ABI marker");
  }
  return version;
}

Status CheckAbiCompatible(const AbiVersion& plugin,
                          std::string_view plugin_name,
                          const std::filesystem::path& file) {
  if (plugin.major == SC_ABI_MAJOR && plugin.minor <= SC_ABI_MINOR) {
    return Status::Ok();
  }
  std::string built =
      std::to_string(plugin.major) + "." + std::to_string(plugin.minor);
  std::string supported = std::to_string(SC_ABI_MAJOR) + ".0–" +
                          std::to_string(SC_ABI_MAJOR) + "." +
                          std::to_string(SC_ABI_MINOR);
  std::string advice = plugin.major != SC_ABI_MAJOR
                           ? "rebuild the plugin against this platform's SDK"
                           : "upgrade the platform or rebuild the plugin "
                             "against this platform's SDK";
  return Status::FailedPrecondition(
      "plugin '" + std::string(plugin_name) + "' (" + file.string() +
      ") was built for SDK ABI " + built + "; this host supports " + supported +
      "; " + advice);
}

}  // namespace smartercities::plugins
