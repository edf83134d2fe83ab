// smartercities-manifest-check — checks a theme.json against the manifest
// schema and the host's rules, for plugin builds (smartercities_add_theme_
// plugin() runs it before embedding the manifest). Exit 0 when valid.
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/domain/manifest_parser.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: smartercities-manifest-check <theme.json>\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << argv[1] << ": cannot be read\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> problems;
  auto manifest =
      smartercities::domain::ParseManifest(text.str(), argv[1], &problems);
  if (manifest.ok()) {
    std::cout << argv[1] << ": valid manifest of theme '" << manifest->id
              << "'\n";
    return 0;
  }
  for (const auto& problem : problems) {
    std::cerr << argv[1] << ": " << problem << "\n";
  }
  std::cerr << "see docs/manifest.md and the SDK's schema/theme.schema.json\n";
  return 1;
}
