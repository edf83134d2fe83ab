#include "core/plugins/sandbox.h"

#include <unistd.h>

#include <random>
#include <string>

#include "core/domain/city_list.h"
#include "core/domain/core_schema.h"

namespace smartercities::plugins {

Result<std::unique_ptr<Sandbox>> Sandbox::Create(std::string_view purpose) {
  std::random_device random;
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("smartercities-" + std::string(purpose) + "-" +
       std::to_string(::getpid()) + "-" + std::to_string(random()));
  std::error_code ec;
  std::filesystem::create_directories(dir / "plugins", ec);
  if (ec) {
    return Status::Unavailable("cannot make the scratch directory " +
                               dir.string() + ": " + ec.message());
  }
  std::unique_ptr<Sandbox> sandbox(new Sandbox(dir));
  auto database = storage::OpenSqlite({(dir / "sandbox.db").string()});
  if (!database.ok()) return database.status();
  sandbox->database_ = std::move(database).value();
  Status status =
      sandbox->database_->Migrate({"core", ""}, domain::CoreMigrations());
  if (!status.ok()) return status.WithContext("the scratch database");
  auto cities = domain::ParseCities(domain::SeedCitiesCsv(), "data/cities.csv");
  if (!cities.ok()) return cities.status();
  status = domain::StoreCities(*sandbox->database_, *cities);
  if (!status.ok()) return status.WithContext("the scratch database");
  sandbox->catalog_ = std::make_unique<domain::Catalog>(*sandbox->database_);
  sandbox->router_ = std::make_shared<http::Router>();
  return sandbox;
}

Sandbox::~Sandbox() {
  StopHost();
  catalog_.reset();
  database_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Status Sandbox::AddPlugin(const std::filesystem::path& library) {
  std::error_code ec;
  std::filesystem::copy_file(library, plugin_dir() / library.filename(),
                             std::filesystem::copy_options::overwrite_existing,
                             ec);
  if (ec) {
    return Status::NotFound("cannot read '" + library.string() +
                            "': " + ec.message());
  }
  std::filesystem::path sidecar = library;
  sidecar += ".json";
  if (std::filesystem::exists(sidecar, ec)) {
    std::filesystem::path copy = plugin_dir() / library.filename();
    copy += ".json";
    std::filesystem::copy_file(
        sidecar, copy, std::filesystem::copy_options::overwrite_existing, ec);
  }
  return Status::Ok();
}

Status Sandbox::StartHost(PluginHostOptions options) {
  StopHost();
  router_ = std::make_shared<http::Router>();
  options.plugin_dir = plugin_dir();
  host_ = std::make_unique<PluginHost>(std::move(options), *database_, router_,
                                       *catalog_);
  return host_->LoadAll();
}

void Sandbox::StopHost() {
  if (!host_) return;
  host_->ShutdownAll();
  host_.reset();
}

}  // namespace smartercities::plugins
