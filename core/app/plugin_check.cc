#include "core/app/plugin_check.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

#include "core/domain/catalog.h"
#include "core/domain/city_list.h"
#include "core/domain/core_schema.h"
#include "core/domain/manifest_parser.h"
#include "core/plugins/plugin_file.h"
#include "core/plugins/plugin_host.h"

namespace smartercities::app {
namespace {

// A directory that is removed with the object.
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("smartercities-check-" + std::to_string(::getpid()) + "-" +
             std::to_string(random()));
    std::filesystem::create_directories(path_ / "plugins");
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class Report {
 public:
  explicit Report(std::ostream& out) : out_(out) {}
  void Pass(const std::string& what) { out_ << "  ok       " << what << "\n"; }
  void Fail(const std::string& what, const std::string& advice = "") {
    ++problems_;
    out_ << "  PROBLEM  " << what << "\n";
    if (!advice.empty()) out_ << "           what to do: " << advice << "\n";
  }
  void Note(const std::string& what) { out_ << "  note     " << what << "\n"; }
  int problems() const { return problems_; }

 private:
  std::ostream& out_;
  int problems_ = 0;
};

std::string ReadFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

bool CheckPlugin(const std::filesystem::path& file, std::ostream& out) {
  Report report(out);
  out << "checking " << file.string() << "\n";
  Status safe = plugins::CheckFileSafety(file);
  if (safe.ok()) {
    report.Pass("file: a regular file, owned and writable as the host needs");
  } else {
    report.Fail(safe.message());
  }
  auto marker = plugins::ReadAbiMarker(file);
  if (!marker.ok()) {
    report.Fail(marker.status().message());
    out << "result: would NOT load (" << report.problems() << " problems)\n";
    return false;
  }
  Status abi = plugins::CheckAbiCompatible(*marker, file.stem().string(), file);
  if (abi.ok()) {
    report.Pass("ABI marker: built for " + std::to_string(marker->major) + "." +
                std::to_string(marker->minor) + ", which this host supports");
  } else {
    report.Fail(abi.message());
  }

  std::filesystem::path sidecar = file;
  sidecar += ".json";
  std::optional<domain::ThemeManifest> sidecar_manifest;
  if (!std::filesystem::exists(sidecar)) {
    report.Fail("no sidecar manifest " + sidecar.filename().string(),
                "copy the theme.json that smartercities_add_theme_plugin() "
                "writes beside the library");
  } else {
    std::vector<std::string> problems;
    auto parsed =
        domain::ParseManifest(ReadFile(sidecar), sidecar.string(), &problems);
    if (parsed.ok()) {
      report.Pass("sidecar manifest: valid (" +
                  std::to_string(parsed->agreements.size()) + " agreements, " +
                  std::to_string(parsed->indicators.size()) + " indicators, " +
                  std::to_string(parsed->routes.size()) + " routes)");
      sidecar_manifest = std::move(parsed).value();
    } else {
      for (const auto& problem : problems) {
        report.Fail("sidecar manifest: " + problem, "see docs/manifest.md");
      }
    }
  }
  if (!abi.ok()) {
    out << "result: would NOT load (" << report.problems() << " problems)\n";
    return false;
  }

  // Load it for real, in a scratch directory and database, through the same
  // loader the platform uses.
  ScratchDir scratch;
  std::error_code ec;
  std::filesystem::copy_file(file, scratch.path() / "plugins" / file.filename(),
                             ec);
  if (ec) {
    report.Fail("cannot copy the file to a scratch directory: " + ec.message());
    return false;
  }
  auto database = storage::OpenSqlite({(scratch.path() / "check.db").string()});
  if (!database.ok()) {
    report.Fail(database.status().message());
    return false;
  }
  Status migrated =
      (*database)->Migrate({"core", ""}, domain::CoreMigrations());
  auto cities = domain::ParseCities(domain::SeedCitiesCsv(), "data/cities.csv");
  if (!migrated.ok() || !cities.ok() ||
      !domain::StoreCities(**database, *cities).ok()) {
    report.Fail("cannot prepare the scratch database");
    return false;
  }
  domain::Catalog catalog(**database);
  auto router = std::make_shared<http::Router>();
  plugins::PluginHostOptions options;
  options.plugin_dir = scratch.path() / "plugins";
  auto previous_level = spdlog::get_level();
  spdlog::set_level(spdlog::level::off);
  plugins::PluginHost host(options, **database, router, catalog);
  Status loaded = host.LoadAll();
  spdlog::set_level(previous_level);
  auto modules = host.Modules();
  if (!loaded.ok() || modules.empty()) {
    report.Fail("the loader found nothing to load");
  } else {
    const plugins::ModuleInfo& info = modules.front();
    if (info.state == plugins::ModuleState::kEnabled) {
      report.Pass("loads and starts as '" + info.id + "' " + info.version +
                  " with " + std::to_string(info.routes.size()) + " routes");
      for (const auto& route : info.routes) report.Note(route);
      if (sidecar_manifest && sidecar_manifest->id != info.id) {
        report.Fail("the sidecar manifest's id '" + sidecar_manifest->id +
                        "' differs from the library's '" + info.id + "'",
                    "rebuild and copy both files together");
      }
    } else {
      report.Fail(info.reason);
    }
  }
  host.ShutdownAll();
  if (report.problems() == 0) {
    out << "result: would load\n";
    return true;
  }
  out << "result: would NOT load (" << report.problems() << " problems)\n";
  return false;
}

}  // namespace smartercities::app
