// smartercities-manifest-check — checks a theme.json as the host will when
// it loads the plugin: against the manifest schema and the host's rules,
// and by running its migrations on a scratch database under the plugin's
// table restriction. For plugin builds (smartercities_add_theme_plugin()
// runs it before embedding the manifest). Exit 0 when valid.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "core/domain/manifest_parser.h"

namespace {

// A directory that is removed with the object.
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("smartercities-manifest-check-" + std::to_string(::getpid()) +
             "-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

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
    ScratchDir scratch;
    problems =
        smartercities::domain::CheckMigrations(*manifest, scratch.path());
    if (problems.empty()) {
      std::cout << argv[1] << ": valid manifest of theme '" << manifest->id
                << "'\n";
      return 0;
    }
  }
  for (const auto& problem : problems) {
    std::cerr << argv[1] << ": " << problem << "\n";
  }
  std::cerr << "see docs/manifest.md and the SDK's schema/theme.schema.json\n";
  return 1;
}
