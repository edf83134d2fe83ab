#include "core/storage/sqlite_database.h"

#include <filesystem>

#include "core/base/time_format.h"

namespace smartercities::storage {
namespace {

// Which database this thread is writing to, so that a nested Write fails
// instead of waiting for itself forever.
thread_local const SqliteDatabase* writing_to = nullptr;
// How deep this thread is in Read calls on its read connection.
thread_local int read_depth = 0;

class WritingMark {
 public:
  explicit WritingMark(const SqliteDatabase* database) {
    writing_to = database;
  }
  ~WritingMark() { writing_to = nullptr; }
  WritingMark(const WritingMark&) = delete;
  WritingMark& operator=(const WritingMark&) = delete;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const SqliteOptions& options) {
  auto database = SqliteDatabase::Open(options);
  if (!database.ok()) return database.status();
  return std::unique_ptr<Database>(std::move(database).value());
}

SqliteDatabase::SqliteDatabase(SqliteOptions options,
                               std::unique_ptr<SqliteConnection> writer)
    : options_(std::move(options)), writer_(std::move(writer)) {}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(
    const SqliteOptions& options) {
  auto writer = SqliteConnection::Open(options.path, options.read_only,
                                       options.busy_timeout_ms);
  if (!writer.ok()) return writer.status();
  for (const char* pragma :
       {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"}) {
    if (options.read_only) break;
    Status status = (*writer)->Run(pragma);
    if (!status.ok()) {
      return status.WithContext("setting up '" + options.path + "'");
    }
  }
  if (!options.read_only) {
    Status status = (*writer)->Run(
        "CREATE TABLE IF NOT EXISTS schema_migrations (owner TEXT NOT NULL, "
        "version INTEGER NOT NULL, description TEXT NOT NULL, applied_at TEXT "
        "NOT NULL, PRIMARY KEY (owner, version))");
    if (!status.ok())
      return status.WithContext("setting up '" + options.path + "'");
  }
  return std::unique_ptr<SqliteDatabase>(
      new SqliteDatabase(options, std::move(writer).value()));
}

Result<SqliteConnection*> SqliteDatabase::Reader() {
  std::lock_guard lock(readers_mutex_);
  auto& slot = readers_[std::this_thread::get_id()];
  if (!slot) {
    auto reader = SqliteConnection::Open(options_.path, /*read_only=*/true,
                                         options_.busy_timeout_ms);
    if (!reader.ok()) return reader.status();
    slot = std::move(reader).value();
  }
  return slot.get();
}

Status SqliteDatabase::Read(const std::function<Status(Connection&)>& fn) {
  auto reader = Reader();
  if (!reader.ok()) return reader.status();
  SqliteConnection& connection = **reader;
  if (read_depth > 0) return fn(connection);
  Status begun = connection.Run("BEGIN");
  if (!begun.ok()) return begun;
  ++read_depth;
  Status status;
  try {
    status = fn(connection);
  } catch (...) {
    --read_depth;
    connection.SetScope({});
    (void)connection.Run("ROLLBACK");
    throw;
  }
  --read_depth;
  connection.SetScope({});
  Status ended = connection.Run("COMMIT");
  return status.ok() ? ended : status;
}

Status SqliteDatabase::Write(const std::function<Status(Connection&)>& fn) {
  if (writing_to == this) {
    return Status::FailedPrecondition(
        "a write transaction is already open on this thread; write "
        "transactions do not nest");
  }
  std::lock_guard lock(write_mutex_);
  WritingMark mark(this);
  Status begun = writer_->Run("BEGIN IMMEDIATE");
  if (!begun.ok()) return begun;
  Status status;
  try {
    status = fn(*writer_);
  } catch (...) {
    writer_->SetScope({});
    (void)writer_->Run("ROLLBACK");
    throw;
  }
  writer_->SetScope({});
  if (!status.ok()) {
    (void)writer_->Run("ROLLBACK");
    return status;
  }
  Status committed = writer_->Run("COMMIT");
  if (!committed.ok()) (void)writer_->Run("ROLLBACK");
  return committed;
}

Status SqliteDatabase::Migrate(const AccessScope& scope,
                               std::span<const Migration> migrations) {
  std::string owner = scope.owner.empty() ? "core" : scope.owner;
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i + 1)) {
      return Status::InvalidArgument(
          owner + " migration " + std::to_string(migrations[i].version) +
          " is out of order: versions start at 1 and grow by one (expected " +
          std::to_string(i + 1) + ")");
    }
  }
  auto applied = SchemaVersion(owner);
  if (!applied.ok()) return applied.status();
  if (*applied > static_cast<int>(migrations.size())) {
    return Status::FailedPrecondition(
        "the database has " + owner + " migration " + std::to_string(*applied) +
        " but this build knows 1.." + std::to_string(migrations.size()) +
        "; a newer build wrote it");
  }
  for (std::size_t i = static_cast<std::size_t>(*applied);
       i < migrations.size(); ++i) {
    const Migration& migration = migrations[i];
    Status status = Write([&](Connection& db) -> Status {
      db.SetScope(scope);
      Status ran = db.ExecuteScript(migration.sql);
      db.SetScope({});
      if (!ran.ok()) return ran;
      return db.Execute(
          "INSERT INTO schema_migrations (owner, version, description, "
          "applied_at) VALUES (?1, ?2, ?3, ?4)",
          std::vector<Value>{owner,
                             static_cast<std::int64_t>(migration.version),
                             migration.description, NowUtc()});
    });
    if (!status.ok()) {
      return status.WithContext(owner + " migration " +
                                std::to_string(migration.version) + " (" +
                                migration.description + ")");
    }
  }
  return Status::Ok();
}

Result<int> SqliteDatabase::SchemaVersion(std::string_view owner) {
  int version = 0;
  std::lock_guard lock(write_mutex_);
  Status status = writer_->Execute(
      "SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations "
      "WHERE owner = ?1",
      std::vector<Value>{std::string(owner)}, [&](const Row& row) {
        version = static_cast<int>(row.Integer("version"));
        return false;
      });
  if (!status.ok()) return status;
  return version;
}

Status SqliteDatabase::Backup(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Status::AlreadyExists("backup target '" + path +
                                 "' exists; choose a new file");
  }
  {
    std::lock_guard lock(write_mutex_);
    Status status =
        writer_->Execute("VACUUM INTO ?1", std::vector<Value>{path});
    if (!status.ok()) return status.WithContext("backing up to '" + path + "'");
  }
  auto copy = SqliteDatabase::Open({path, options_.busy_timeout_ms, true});
  Result<std::string> check = copy.ok() ? (*copy)->IntegrityCheck()
                                        : Result<std::string>(copy.status());
  if (!check.ok() || *check != "ok") {
    std::filesystem::remove(path, ec);
    return Status::Internal("the backup '" + path + "' failed its check: " +
                            (check.ok() ? *check : check.status().message()));
  }
  return Status::Ok();
}

Result<std::string> SqliteDatabase::IntegrityCheck() {
  std::string result;
  std::lock_guard lock(write_mutex_);
  Status status =
      writer_->Execute("PRAGMA integrity_check", {}, [&](const Row& row) {
        if (!result.empty()) result += "\n";
        result += row.Text("integrity_check");
        return true;
      });
  if (!status.ok()) return status;
  return result;
}

}  // namespace smartercities::storage
