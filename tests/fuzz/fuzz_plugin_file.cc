// Feeds arbitrary bytes as a plugin library file to plugins::ReadAbiMarker,
// which reads the ELF section headers to find the ABI marker before the
// host (or `smartercities plugin check FILE`) loads any code of it. Any file
// named *.so in the plugin directory gets this far. Besides what the
// sanitizers catch (libFuzzer also fails an allocation beyond its
// -rss_limit_mb), a version it reports must come from a marker.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/plugins/plugin_file.h"

namespace {

// The file lives in memory (memfd) and is named by its /proc/self/fd path:
// writing a real file for every input made the run ten times slower.
int file_fd = -1;
std::string plugin_file;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  file_fd = ::memfd_create("libsmartercities-fuzz.so", MFD_CLOEXEC);
  if (file_fd < 0) {
    std::perror("memfd_create");
    std::abort();
  }
  plugin_file = "/proc/self/fd/" + std::to_string(file_fd);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (::ftruncate(file_fd, 0) != 0 ||
      ::pwrite(file_fd, data, size, 0) != static_cast<ssize_t>(size)) {
    std::perror("writing the input");
    std::abort();
  }
  auto version = smartercities::plugins::ReadAbiMarker(plugin_file);
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
