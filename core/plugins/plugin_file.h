// plugin_file.h — checks on a plugin library file made before any of its
// code runs (dlopen runs static constructors, so this comes first).
//
// Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_PLUGINS_PLUGIN_FILE_H_
#define SMARTERCITIES_CORE_PLUGINS_PLUGIN_FILE_H_

#include <cstdint>
#include <filesystem>

#include "core/base/status.h"

namespace smartercities::plugins {

struct AbiVersion {
  std::uint32_t major = 0;
  std::uint32_t minor = 0;
};

// The file is a regular file, owned by root or by the user the host runs
// as, and not writable by group or others. The message names the file and
// says how to fix it.
Status CheckFileSafety(const std::filesystem::path& file);

// Reads the ABI marker section without loading the library: fails when the
// file is not an ELF shared library or has no marker section.
Result<AbiVersion> ReadAbiMarker(const std::filesystem::path& file);

// Whether a plugin built for `plugin` can run on this host: same major, minor
// not newer. The message names the plugin, the file and both versions.
Status CheckAbiCompatible(const AbiVersion& plugin,
                          std::string_view plugin_name,
                          const std::filesystem::path& file);

}  // namespace smartercities::plugins

#endif  // SMARTERCITIES_CORE_PLUGINS_PLUGIN_FILE_H_
