// Feeds arbitrary bytes as a theme manifest (theme.json) to
// domain::ParseManifest: the JSON parser, the SDK's JSON Schema and the
// host's own rules. Besides what the sanitizers catch, the result must agree
// with the problems reported, an accepted manifest must be usable the way
// the plugin host uses it, and the text it brings (names, agreements,
// indicators) must be UTF-8 without control characters but line breaks
// and serialise as valid JSON, as the API shows it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/manifest_parser.h"
#include "tests/fuzz/json_property.h"

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
  namespace fuzz = smartercities::fuzz;
  nlohmann::json shown = {
      {"id", manifest->id},
      {"version", manifest->version},
      {"name", {manifest->name.nl, manifest->name.en}},
      {"introduction", {manifest->introduction.nl, manifest->introduction.en}}};
  for (const auto& agreement : manifest->agreements) {
    for (const std::string* field :
         {&agreement.letter, &agreement.goal, &agreement.topic,
          &agreement.preamble, &agreement.text}) {
      fuzz::RequireText(*field, true, "an agreement's text");
    }
    shown["agreements"].push_back(
        {agreement.letter, agreement.goal, agreement.topic, agreement.preamble,
         agreement.text, agreement.notes, agreement.parties});
  }
  for (const auto& indicator : manifest->indicators) {
    shown["indicators"].push_back(
        {indicator.id, indicator.name.nl, indicator.name.en, indicator.unit});
  }
  fuzz::RequireText(manifest->name.nl, true, "the theme's name");
  fuzz::RequireJsonRoundTrip(shown, "an accepted manifest");
  return 0;
}
