// Feeds arbitrary bytes as a theme manifest (theme.json) to
// domain::ParseManifest: the JSON parser, the SDK's JSON Schema and the
// host's own rules. Besides what the sanitizers catch, the result must agree
// with the problems reported, and an accepted manifest must be usable the
// way the plugin host uses it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/manifest_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> problems;
  auto manifest =
      smartercities::domain::ParseManifest(text, "fuzz/theme.json", &problems);
  if (!manifest.ok()) {
    if (problems.empty() || manifest.status().message().empty()) std::abort();
    return 0;
  }
  if (!problems.empty() || manifest->id.empty() || manifest->version.empty()) {
    std::abort();
  }
  if (!manifest->TablePrefix().ends_with('_') ||
      !manifest->RoutePrefix().ends_with(manifest->id)) {
    std::abort();
  }
  for (const auto& route : manifest->routes) {
    if (manifest->FindRoute(route.method, route.path) == nullptr) std::abort();
  }
  return 0;
}
