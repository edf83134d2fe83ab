// Feeds arbitrary bytes as a plugin library file to plugins::ReadAbiMarker,
// which reads the ELF section headers to find the ABI marker before the
// host (or `smartercities plugin check FILE`) loads any code of it. Any file
// named *.so in the plugin directory gets this far. Besides what the
// sanitizers catch (libFuzzer also fails an allocation beyond its
// -rss_limit_mb), a version it reports must come from a marker.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/plugins/plugin_file.h"

namespace {

namespace fs = std::filesystem;

fs::path* plugin_file = nullptr;

void RemovePluginFile() {
  std::error_code ec;
  fs::remove(*plugin_file, ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  plugin_file = new fs::path(
      fs::temp_directory_path() /
      ("libsmartercities-fuzz-" + std::to_string(::getpid()) + ".so"));
  std::atexit(RemovePluginFile);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  {
    std::ofstream out(*plugin_file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data),
              static_cast<std::streamsize>(size));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", plugin_file->c_str());
      std::abort();
    }
  }
  auto version = smartercities::plugins::ReadAbiMarker(*plugin_file);
  if (!version.ok()) {
    if (version.status().message().empty()) std::abort();
    return 0;
  }
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.find("smartercities-plugin-abi:") == std::string_view::npos) {
    std::abort();
  }
  return 0;
}
