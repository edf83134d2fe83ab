#include "core/app/data_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "core/domain/catalog.h"
#include "core/domain/city_list.h"
#include "core/domain/core_schema.h"
#include "core/domain/manifest_parser.h"
#include "core/storage/postgres_database.h"

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

namespace {

namespace fs = std::filesystem;

std::string Mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof(text), "%04o",
                static_cast<unsigned>(mode & 07777));
  return text;
}

// A database that holds its data directory's lock as long as it lives.
class LockedDatabase : public storage::Database {
 public:
  LockedDatabase(std::unique_ptr<storage::Database> database,
                 DataDirectoryLock lock)
      : database_(std::move(database)), lock_(std::move(lock)) {}

  Status Read(const std::function<Status(storage::Connection&)>& fn) override {
    return database_->Read(fn);
  }
  Status Write(const std::function<Status(storage::Connection&)>& fn) override {
    return database_->Write(fn);
  }
  Status WriteGrouped(
      const std::function<Status(storage::Connection&)>& fn) override {
    return database_->WriteGrouped(fn);
  }
  Status WriteBulk(
      const std::function<Status(storage::Connection&)>& fn) override {
    return database_->WriteBulk(fn);
  }
  Status Migrate(const storage::AccessScope& scope,
                 std::span<const storage::Migration> migrations) override {
    return database_->Migrate(scope, migrations);
  }
  Result<int> SchemaVersion(std::string_view owner) override {
    return database_->SchemaVersion(owner);
  }
  Status Backup(const std::string& path) override {
    return database_->Backup(path);
  }
  Result<std::string> IntegrityCheck() override {
    return database_->IntegrityCheck();
  }
  storage::Engine engine() const override { return database_->engine(); }
  std::uint64_t Generation() const override { return database_->Generation(); }
  std::uint64_t TableGeneration(std::string_view table) const override {
    return database_->TableGeneration(table);
  }
  void PollExternalChanges() override { database_->PollExternalChanges(); }
  void SetPrivateTables(std::set<std::string, std::less<>> tables) override {
    database_->SetPrivateTables(std::move(tables));
  }

 private:
  std::unique_ptr<storage::Database> database_;
  DataDirectoryLock lock_;
};

}  // namespace

Status CreatePrivateFile(const fs::path& file) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return Status::Ok();
  }
  if (errno == EEXIST) return Status::Ok();
  return Status::Unavailable("cannot create '" + file.string() +
                             "': " + std::strerror(errno));
}

Status PrepareDataDirectory(const Config& config, std::ostream& notes) {
  const fs::path& dir = config.data_dir;
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (!ec) fs::permissions(dir, fs::perms::owner_all, ec);
    if (ec) {
      return Status::Unavailable("cannot create data directory '" +
                                 dir.string() + "': " + ec.message());
    }
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) {
    return Status::Unavailable("cannot read data directory '" + dir.string() +
                               "': " + std::strerror(errno));
  }
  if (!S_ISDIR(info.st_mode)) {
    return Status::FailedPrecondition("data directory '" + dir.string() +
                                      "' is not a directory");
  }
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Status::FailedPrecondition(
        "data directory '" + dir.string() + "' can be written by " +
        ((info.st_mode & S_IWOTH) != 0 ? "every user" : "its group") +
        " (mode " + Mode(info.st_mode) +
        "): anyone who can write there can replace the database; make it "
        "the platform's alone with 'chmod 700 " +
        dir.string() + "'");
  }
  // Files that a version without these rules left readable by others: the
  // database holds password hashes and CSRF tokens.
  for (const fs::path& file :
       {config.DatabaseFile(),
        fs::path(config.DatabaseFile().string() + "-wal"),
        fs::path(config.DatabaseFile().string() + "-shm"),
        config.AdminTokenFile()}) {
    struct stat file_info {};
    if (::stat(file.c_str(), &file_info) != 0) continue;
    if ((file_info.st_mode & (S_IRWXG | S_IRWXO)) == 0) continue;
    if (::chmod(file.c_str(), S_IRUSR | S_IWUSR) != 0) {
      return Status::Unavailable(
          "cannot make '" + file.string() +
          "' readable by its owner only: " + std::strerror(errno));
    }
    notes << "made " << file.string() << " readable by its owner only (mode "
          << Mode(file_info.st_mode) << " before, 0600 now)\n";
  }
  return Status::Ok();
}

Result<DataDirectoryLock> DataDirectoryLock::Take(const Config& config,
                                                  Kind kind) {
  fs::path file = config.data_dir / "smartercities.lock";
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Unavailable("cannot open the lock file '" + file.string() +
                               "': " + std::strerror(errno));
  }
  int operation = kind == kShared ? LOCK_SH : LOCK_EX | LOCK_NB;
  int locked = 0;
  do {
    locked = ::flock(fd, operation);
  } while (locked != 0 && errno == EINTR);
  if (locked != 0) {
    int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return Status::FailedPrecondition(
          "the data directory '" + config.data_dir.string() +
          "' is in use (a running server or another command); stop the "
          "server and try again");
    }
    return Status::Unavailable("cannot lock '" + file.string() +
                               "': " + std::strerror(error));
  }
  return DataDirectoryLock(fd);
}

DataDirectoryLock::DataDirectoryLock(DataDirectoryLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {}

DataDirectoryLock& DataDirectoryLock::operator=(
    DataDirectoryLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

DataDirectoryLock::~DataDirectoryLock() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<storage::Database>> OpenDataDirectory(
    const Config& config, ThemeSync themes, std::ostream& notes) {
  Status prepared = PrepareDataDirectory(config, notes);
  if (!prepared.ok()) return prepared;
  auto lock = DataDirectoryLock::Take(config, DataDirectoryLock::kShared);
  if (!lock.ok()) return lock.status();
  Result<std::unique_ptr<storage::Database>> opened =
      Status::Internal("no database opened");
  if (!config.database_url.empty()) {
    // Several nodes share it; each keeps its own data directory lock.
    opened = storage::OpenPostgres({config.database_url});
  } else {
    Status created = CreatePrivateFile(config.DatabaseFile());
    if (!created.ok()) return created;
    opened = storage::OpenSqlite({config.DatabaseFile().string()});
  }
  if (!opened.ok()) return opened.status();
  std::unique_ptr<storage::Database> database =
      std::make_unique<LockedDatabase>(std::move(opened).value(),
                                       std::move(lock).value());
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
    if (!manifest.SupportsEngine(storage::EngineName(database->engine()))) {
      notes << "skipping " << module.file.string() << ": theme '" << manifest.id
            << "' does not run on " << storage::EngineName(database->engine())
            << " (docs/manifest.md, \"Storage engines\")\n";
      continue;
    }
    if (Status newer = catalog.CheckVersion(manifest, module.file.string());
        !newer.ok()) {
      notes << "skipping " << module.file.string() << ": " << newer.message()
            << "\n";
      continue;
    }
    status = domain::MigratePlugin(*database, manifest);
    if (!status.ok()) {
      return status.WithContext("theme '" + manifest.id + "' (" +
                                module.file.string() + ")");
    }
    status = catalog.Sync(manifest, domain::FileDigest(module.file));
    if (!status.ok()) {
      return status.WithContext("theme '" + manifest.id + "' (" +
                                module.file.string() + ")");
    }
  }
  return database;
}

}  // namespace smartercities::app
