#include "core/app/data_directory.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/domain/catalog.h"
#include "core/domain/city_list.h"
#include "core/domain/core_schema.h"
#include "core/domain/manifest_parser.h"

namespace smartercities::app {

std::vector<SidecarModule> ReadSidecars(const std::filesystem::path& dir) {
  std::vector<SidecarModule> out;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".so") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    SidecarModule module;
    module.file = file;
    module.id = file.stem().string();
    std::filesystem::path sidecar = file;
    sidecar += ".json";
    std::ifstream in(sidecar);
    if (!in) {
      module.problem = "no sidecar manifest " + sidecar.filename().string();
      out.push_back(module);
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto manifest = domain::ParseManifest(text.str(), sidecar.string());
    if (!manifest.ok()) {
      module.problem = manifest.status().message();
    } else {
      module.id = manifest->id;
      module.version = manifest->version;
      module.name = manifest->name.nl;
      module.manifest = std::move(manifest).value();
    }
    out.push_back(module);
  }
  return out;
}

Result<std::unique_ptr<storage::Database>> OpenDataDirectory(
    const Config& config, ThemeSync themes, std::ostream& notes) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return Status::Unavailable("cannot create data directory '" +
                               config.data_dir.string() + "': " + ec.message());
  }
  auto opened = storage::OpenSqlite({config.DatabaseFile().string()});
  if (!opened.ok()) return opened.status();
  std::unique_ptr<storage::Database> database = std::move(opened).value();
  Status status = database->Migrate({"core", ""}, domain::CoreMigrations());
  if (!status.ok()) return status;
  auto cities = domain::ParseCities(domain::SeedCitiesCsv(), "data/cities.csv");
  if (!cities.ok()) return cities.status();
  status = domain::StoreCities(*database, *cities);
  if (!status.ok()) return status;
  if (themes == ThemeSync::kByHost) return database;

  domain::Catalog catalog(*database);
  for (const SidecarModule& module : ReadSidecars(config.plugin_dir)) {
    if (!module.manifest) {
      notes << "skipping " << module.file.string() << ": " << module.problem
            << "\n";
      continue;
    }
    const domain::ThemeManifest& manifest = *module.manifest;
    std::vector<storage::Migration> migrations;
    for (const auto& migration : manifest.migrations) {
      migrations.push_back(
          {migration.version, migration.description, migration.sql});
    }
    status =
        database->Migrate({manifest.id, manifest.TablePrefix()}, migrations);
    if (!status.ok()) {
      return status.WithContext("theme '" + manifest.id + "' (" +
                                module.file.string() + ")");
    }
    status = catalog.Sync(manifest);
    if (!status.ok()) {
      return status.WithContext("theme '" + manifest.id + "' (" +
                                module.file.string() + ")");
    }
  }
  return database;
}

}  // namespace smartercities::app
