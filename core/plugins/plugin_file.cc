#include "core/plugins/plugin_file.h"

#include <smartercities/sc_plugin.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/dll/library_info.hpp>
#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace smartercities::plugins {
namespace {

std::string Quote(const std::filesystem::path& file) {
  return "'" + file.string() + "'";
}

std::string OctalMode(mode_t mode) {
  std::ostringstream out;
  out << std::oct << (mode & 07777);
  return out.str();
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
  std::vector<std::string> sections;
  try {
    boost::dll::library_info info(boost::dll::fs::path(file.string()));
    sections = info.sections();
  } catch (const std::exception& e) {
    return Status::InvalidArgument(Quote(file) +
                                   " is not a shared library: " + e.what());
  }
  if (std::find(sections.begin(), sections.end(), SC_ABI_MARKER_SECTION) ==
      sections.end()) {
    return Status::InvalidArgument(
        Quote(file) + " has no '" SC_ABI_MARKER_SECTION
                      "' section; it was not built as a Smarter Cities "
                      "plugin (use SMARTERCITIES_PLUGIN() and "
                      "smartercities_add_theme_plugin())");
  }
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  const std::string prefix = SC_ABI_MARKER_PREFIX;
  std::size_t at = bytes.find(prefix);
  if (at == std::string::npos) {
    return Status::InvalidArgument(Quote(file) +
                                   " has an ABI marker section without a "
                                   "version");
  }
  const char* begin = bytes.data() + at + prefix.size();
  const char* end = bytes.data() + bytes.size();
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
