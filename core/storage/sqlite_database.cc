#include "core/storage/sqlite_database.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <utility>
#include <vector>

#include "core/base/time_format.h"
#include "core/storage/migration_rules.h"

namespace smartercities::storage {
namespace {

// The databases this thread is writing to, so that a nested Write fails
// instead of waiting for the lock it holds itself.
thread_local std::vector<const SqliteDatabase*> writing_to;

// The observer of this thread's Writes (ScopedWriteObserver).
thread_local WriteObserver* current_observer = nullptr;

class WritingMark {
 public:
  explicit WritingMark(const SqliteDatabase* database) {
    writing_to.push_back(database);
  }
  ~WritingMark() { writing_to.pop_back(); }
  WritingMark(const WritingMark&) = delete;
  WritingMark& operator=(const WritingMark&) = delete;
};

void LogIfFailed(const Status& status, std::string_view what) {
  if (!status.ok()) spdlog::error("storage: {}: {}", what, status.message());
}

std::string FirstColumnText(const Row& row) {
  if (row.size() == 0) return "";
  const Value& value = row.At(0);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  return "";
}

// A LIKE pattern for names that start with prefix, with '\' as escape.
std::string StartsWithPattern(std::string_view prefix) {
  std::string pattern;
  for (char c : prefix) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + '%';
}

}  // namespace

ScopedWriteObserver::ScopedWriteObserver(WriteObserver* observer)
    : previous_(std::exchange(current_observer, observer)) {}

ScopedWriteObserver::~ScopedWriteObserver() { current_observer = previous_; }

WriteObserver* ScopedWriteObserver::Current() { return current_observer; }

Result<std::unique_ptr<Database>> OpenSqlite(const SqliteOptions& options) {
  auto database = SqliteDatabase::Open(options);
  if (!database.ok()) return database.status();
  // The baseline for noticing other processes' writes from now on.
  (*database)->PollExternalChanges();
  return std::unique_ptr<Database>(std::move(database).value());
}

SqliteDatabase::SqliteDatabase(SqliteOptions options,
                               std::unique_ptr<SqliteConnection> writer,
                               std::unique_ptr<Checkpointer> checkpointer)
    : options_(std::move(options)),
      checkpointer_(std::move(checkpointer)),
      writer_(std::move(writer)),
      readers_(std::make_shared<ReadConnectionPool>(
          options_.path, options_.busy_timeout_ms)) {}

SqliteDatabase::~SqliteDatabase() { readers_->Close(); }

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(
    const SqliteOptions& options) {
  if (options.path.empty()) {
    return Status::InvalidArgument(
        "no database file given (SqliteOptions::path is empty)");
  }
  auto writer = SqliteConnection::Open(options.path, options.read_only,
                                       options.busy_timeout_ms);
  if (!writer.ok()) return writer.status();
  if (!options.read_only) {
    std::string context = "setting up the database '" + options.path + "'";
    std::string mode;
    Status status = (*writer)->RunAsHost("PRAGMA journal_mode = WAL", {},
                                         [&](const Row& row) {
                                           mode = FirstColumnText(row);
                                           return false;
                                         });
    if (!status.ok()) return status.WithContext(context);
    if (mode != "wal") {
      return Status::FailedPrecondition(
          context +
          ": it cannot use write-ahead logging (the journal mode "
          "stays '" +
          mode + "'); give it a file on a local file system");
    }
    // Debian builds SQLite with synchronous=FULL; NORMAL is safe with WAL.
    // A write of many rows (an import) keeps its pages in memory rather
    // than spilling them to the log again and again: 256 MB of cache for the
    // one write connection, given back after each large write
    // (SqliteConnection::TrimCache).
    for (const char* statement :
         {"PRAGMA synchronous = NORMAL", "PRAGMA cache_size = -262144",
          "CREATE TABLE IF NOT EXISTS schema_migrations (owner TEXT NOT NULL, "
          "version INTEGER NOT NULL, description TEXT NOT NULL, applied_at "
          "TEXT NOT NULL, PRIMARY KEY (owner, version))"}) {
      status = (*writer)->RunAsHost(statement);
      if (!status.ok()) return status.WithContext(context);
    }
  }
  std::unique_ptr<Checkpointer> checkpointer;
  if (!options.read_only) {
    auto started = Checkpointer::Start(options.path);
    if (!started.ok()) return started.status();
    checkpointer = std::move(started).value();
    (*writer)->OnLogCommitted([checkpoints = checkpointer.get()](int pages) {
      return checkpoints->LogCommitted(pages);
    });
  }
  return std::unique_ptr<SqliteDatabase>(new SqliteDatabase(
      options, std::move(writer).value(), std::move(checkpointer)));
}

Status SqliteDatabase::Read(const std::function<Status(Connection&)>& fn) {
  auto found = readers_->ForThisThread();
  if (!found.ok()) return found.status();
  ReadSlot& slot = **found;
  SqliteConnection& connection = *slot.connection;
  if (slot.read_depth > 0) {
    // The outer Read's snapshot serves the inner one too.
    AccessScope outer_scope = connection.scope();
    ++slot.read_depth;
    Status status;
    try {
      status = fn(connection);
    } catch (...) {
      --slot.read_depth;
      connection.SetScope(std::move(outer_scope));
      throw;
    }
    --slot.read_depth;
    connection.SetScope(std::move(outer_scope));
    return status;
  }
  Status begun = connection.Begin("BEGIN");
  if (!begun.ok()) return begun;
  ++slot.read_depth;
  Status status;
  try {
    status = fn(connection);
  } catch (...) {
    --slot.read_depth;
    connection.SetScope({});
    LogIfFailed(connection.Rollback(), "ending a read after an exception");
    throw;
  }
  --slot.read_depth;
  connection.SetScope({});
  if (!status.ok()) {
    LogIfFailed(connection.Rollback(), "ending a failed read");
    return status;
  }
  return connection.Commit();
}

// What one part of a write transaction changed: whether anything outside
// the private tables, whether the hooks saw every change, and where.
struct SqliteDatabase::PartChanges {
  bool public_change = false;
  bool all_seen = true;
  std::vector<std::string> tables;

  void Add(const PartChanges& other) {
    public_change = public_change || other.public_change;
    all_seen = all_seen && other.all_seen;
    for (const std::string& table : other.tables) {
      if (std::find(tables.begin(), tables.end(), table) == tables.end()) {
        tables.push_back(table);
      }
    }
  }
};

struct SqliteDatabase::Batch {
  // Under batch_mutex_ once members wait: set by the commit.
  bool done = false;
  Status status;
  // Under write_mutex_: the parts kept so far.
  int members = 0;
  PartChanges changes;
};

namespace {

// How many short writes share one commit at most.
constexpr int kMaxBatchMembers = 32;

}  // namespace

Status SqliteDatabase::Write(const std::function<Status(Connection&)>& fn) {
  return WriteOn(fn, WriteKind::kOwn);
}

Status SqliteDatabase::WriteGrouped(
    const std::function<Status(Connection&)>& fn) {
  return WriteOn(fn, WriteKind::kGrouped);
}

Status SqliteDatabase::WriteBulk(const std::function<Status(Connection&)>& fn) {
  return WriteOn(fn, WriteKind::kBulk);
}

Status SqliteDatabase::RunPart(const std::function<Status(Connection&)>& fn,
                               PartChanges& changes) {
  // Which rows change where, to know whether public data changed: every
  // change counts, unless all of them were in private tables. A change the
  // update hook does not see (a WITHOUT ROWID or virtual table) counts.
  std::int64_t changes_before = writer_->total_changes();
  writer_->CountChangesIn(&private_tables_);
  struct StopCounting {
    SqliteConnection& connection;
    ~StopCounting() { connection.CountChangesIn(nullptr); }
  } stop_counting{*writer_};
  WriteObserver* observer = current_observer;
  if (observer != nullptr) writer_->StartCapture(observer);
  Status status;
  try {
    status = fn(*writer_);
  } catch (...) {
    if (observer != nullptr) writer_->StopCapture();
    writer_->SetScope({});
    throw;
  }
  writer_->SetScope({});
  if (observer != nullptr) {
    std::vector<RowChange> captured = writer_->StopCapture();
    if (status.ok() && !captured.empty()) {
      status = observer->BeforeCommit(*writer_, captured);
      writer_->SetScope({});
    }
  }
  if (!status.ok()) return status;
  std::int64_t changed = writer_->total_changes() - changes_before;
  changes.public_change = changed != writer_->counted_changes();
  changes.all_seen = changed == writer_->seen_changes();
  changes.tables = writer_->changed_tables();
  return Status::Ok();
}

Status SqliteDatabase::WriteOn(const std::function<Status(Connection&)>& fn,
                               WriteKind kind) {
  const bool grouped = kind == WriteKind::kGrouped;
  if (options_.read_only) {
    return Status::FailedPrecondition("the database '" + options_.path +
                                      "' is open read-only");
  }
  if (std::find(writing_to.begin(), writing_to.end(), this) !=
      writing_to.end()) {
    return Status::FailedPrecondition(
        "Write called inside a Write on the same thread; write transactions "
        "do not nest (pass the Connection down instead)");
  }
  queued_writers_.fetch_add(1);
  std::unique_lock lock(write_mutex_);
  queued_writers_.fetch_sub(1);
  WritingMark mark(this);
  // A write of its own first commits what the waiting members did.
  if (open_batch_ && !grouped) {
    Status committed = CommitBatch();
    (void)committed;  // the members hear of it
  }
  // A bulk write's fn checks the references itself (Database::WriteBulk):
  // SQLite's checks are off for its transaction, and on again once it
  // committed or rolled back (the pragma does nothing inside a transaction).
  struct ForeignKeysOn {
    SqliteConnection* connection = nullptr;
    ~ForeignKeysOn() {
      if (connection != nullptr) {
        LogIfFailed(connection->RunAsHost("PRAGMA foreign_keys = ON"),
                    "checking foreign keys again after a bulk write");
      }
    }
  } foreign_keys_on;
  if (kind == WriteKind::kBulk) {
    Status off = writer_->RunAsHost("PRAGMA foreign_keys = OFF");
    if (!off.ok()) return off;
    foreign_keys_on.connection = writer_.get();
  }
  if (!open_batch_) {
    Status begun = writer_->Begin("BEGIN IMMEDIATE");
    if (!begun.ok()) return begun;
    open_batch_ = std::make_shared<Batch>();
  }
  std::shared_ptr<Batch> batch = open_batch_;
  // A write of its own needs no savepoint: the transaction is its alone.
  if (grouped) {
    Status saved = writer_->Savepoint();
    if (!saved.ok()) {
      FailBatch(saved);
      return saved;
    }
  }
  PartChanges changes;
  Status status;
  // Undoes this part; when that is impossible (SQLite rolled the whole
  // transaction back), the batch fails with the reason.
  auto undo = [&](const Status& reason) {
    if (grouped && writer_->transaction_alive() &&
        writer_->RollbackToSavepoint().ok()) {
      if (batch->members == 0 && queued_writers_.load() == 0) {
        LogIfFailed(writer_->Rollback(), "ending an empty write");
        open_batch_.reset();
      } else if (queued_writers_.load() == 0) {
        Status committed = CommitBatch();
        (void)committed;  // the members hear of it
      }
      return;
    }
    if (batch->members == 0) {
      LogIfFailed(writer_->Rollback(), "rolling back a failed write");
      open_batch_.reset();
    } else {
      FailBatch(Status(
          reason.code(),
          "the shared write transaction was rolled back: " + reason.message()));
    }
  };
  try {
    status = RunPart(fn, changes);
  } catch (...) {
    undo(Status::Internal("the write threw an exception"));
    throw;
  }
  if (!status.ok()) {
    undo(status);
    return status;
  }
  if (grouped) {
    Status released = writer_->ReleaseSavepoint();
    if (!released.ok()) {
      undo(released);
      return released;
    }
  }
  batch->changes.Add(changes);
  ++batch->members;
  if (grouped && queued_writers_.load() > 0 &&
      batch->members < kMaxBatchMembers) {
    // A writer is waiting for the lock: it commits for both.
    lock.unlock();
    std::unique_lock wait(batch_mutex_);
    batch_committed_.wait(wait, [&] { return batch->done; });
    return batch->status;
  }
  return CommitBatch();
}

Status SqliteDatabase::CommitBatch() {
  std::shared_ptr<Batch> batch = std::move(open_batch_);
  open_batch_.reset();
  Status committed = writer_->Commit();
  if (committed.ok()) num_commits_.fetch_add(1);
  writer_->TrimCache();
  CountCommitted(committed, batch->changes);
  {
    std::lock_guard done(batch_mutex_);
    batch->done = true;
    batch->status = committed;
  }
  batch_committed_.notify_all();
  return committed;
}

void SqliteDatabase::FailBatch(const Status& status) {
  std::shared_ptr<Batch> batch = std::move(open_batch_);
  open_batch_.reset();
  LogIfFailed(writer_->Rollback(), "rolling back a failed write");
  // Nothing was committed, but what was cached stays right only if every
  // reader looks again: the generations grow, as after any failure.
  CountCommitted(status, batch->changes);
  {
    std::lock_guard done(batch_mutex_);
    batch->done = true;
    batch->status = status;
  }
  batch_committed_.notify_all();
}

void SqliteDatabase::CountCommitted(const Status& committed,
                                    const PartChanges& changes) {
  // Counted after the commit and before the caller hears of it: a read that
  // starts after the Write returns sees a new generation.
  if (changes.public_change || !committed.ok()) generation_.fetch_add(1);
  if (!changes.all_seen || !committed.ok()) {
    every_table_generation_.fetch_add(1);
  } else if (!changes.tables.empty()) {
    std::unique_lock tables_lock(tables_mutex_);
    for (const std::string& table : changes.tables) {
      ++table_generations_[table];
    }
  }
}

std::uint64_t SqliteDatabase::TableGeneration(std::string_view table) const {
  std::uint64_t every = every_table_generation_.load();
  std::shared_lock lock(tables_mutex_);
  auto found = table_generations_.find(table);
  return every + (found == table_generations_.end() ? 0 : found->second);
}

void SqliteDatabase::PollExternalChanges() {
  std::lock_guard lock(write_mutex_);
  std::int64_t version = -1;
  Status status =
      writer_->RunAsHost("PRAGMA data_version", {}, [&](const Row& row) {
        version = row.Integer("data_version");
        return false;
      });
  if (!status.ok()) return;
  if (external_version_ != -1 && version != external_version_) {
    generation_.fetch_add(1);
    every_table_generation_.fetch_add(1);
  }
  external_version_ = version;
}

Status SqliteDatabase::ReadAsHost(
    const std::function<Status(SqliteConnection&)>& fn) {
  return Read([&](Connection& connection) {
    // Read hands out this database's own read connections.
    return fn(static_cast<SqliteConnection&>(connection));
  });
}

Status SqliteDatabase::Migrate(const AccessScope& scope,
                               std::span<const Migration> migrations) {
  std::string owner = scope.owner.empty() ? "core" : scope.owner;
  if (Status order = CheckMigrationOrder(owner, migrations); !order.ok()) {
    return order;
  }
  auto applied = SchemaVersion(owner);
  if (!applied.ok()) return applied.status();
  if (Status newer = CheckNotNewer(owner, *applied, migrations.size());
      !newer.ok()) {
    return newer;
  }
  return ApplyInOrder(owner, migrations, *applied,
                      [&](const Migration& migration) {
                        Status status = ApplyMigration(scope, owner, migration);
                        // A schema change may alter any table's rows
                        // without the change being traced to them.
                        every_table_generation_.fetch_add(1);
                        return status;
                      });
}

Status SqliteDatabase::ApplyMigration(const AccessScope& scope,
                                      const std::string& owner,
                                      const Migration& migration) {
  return Write([&](Connection& connection) -> Status {
    // Write hands out this database's own write connection.
    auto& db = static_cast<SqliteConnection&>(connection);
    bool done = false;
    Status status = db.RunAsHost(
        "SELECT 1 FROM schema_migrations WHERE owner = ?1 AND version = ?2",
        std::vector<Value>{owner, std::int64_t{migration.version}},
        [&](const Row&) {
          done = true;
          return false;
        });
    if (!status.ok()) return status;
    // Another thread or process applied it since SchemaVersion looked.
    if (done) return Status::Ok();
    if (migration.version == 1 && !scope.table_prefix.empty()) {
      // Names that start with the prefix before the plugin made any belong
      // to someone else: the core, or a plugin whose id starts like this
      // one's.
      std::string taken;
      status = db.RunAsHost(
          "SELECT name FROM sqlite_schema WHERE name LIKE ?1 ESCAPE '\\' "
          "ORDER BY name LIMIT 1",
          std::vector<Value>{StartsWithPattern(scope.table_prefix)},
          [&](const Row& row) {
            taken = FirstColumnText(row);
            return false;
          });
      if (!status.ok()) return status;
      if (!taken.empty()) {
        return Status::FailedPrecondition(
            "the table prefix '" + scope.table_prefix + "' of plugin '" +
            owner + "' already names '" + taken +
            "', which the plugin did not create; the plugin needs another id");
      }
    }
    db.SetScope(scope);
    status = db.ExecuteScript(migration.sql);
    db.SetScope({});
    if (!status.ok()) return status;
    return db.RunAsHost(
        "INSERT INTO schema_migrations (owner, version, description, "
        "applied_at) VALUES (?1, ?2, ?3, ?4)",
        std::vector<Value>{owner, std::int64_t{migration.version},
                           migration.description, NowUtc()});
  });
}

Result<int> SqliteDatabase::SchemaVersion(std::string_view owner) {
  std::int64_t version = 0;
  Status status = ReadAsHost([&](SqliteConnection& db) {
    return db.RunAsHost(
        "SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations "
        "WHERE owner = ?1",
        std::vector<Value>{std::string(owner)}, [&](const Row& row) {
          version = row.Integer("version");
          return false;
        });
  });
  if (!status.ok()) return status;
  return static_cast<int>(version);
}

Status SqliteDatabase::Backup(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status target = fs::symlink_status(path, ec);
  if (ec && target.type() != fs::file_type::not_found) {
    return Status::Unavailable("cannot check the backup target '" + path +
                               "': " + ec.message());
  }
  if (fs::exists(target)) {
    return Status::AlreadyExists("the backup target '" + path +
                                 "' exists; choose a new file");
  }
  std::string context = "backing up '" + options_.path + "' to '" + path + "'";
  auto remove_copy = [&] {
    std::error_code ignored;
    fs::remove(path, ignored);
  };
  {
    // A connection of its own: VACUUM INTO reads one consistent snapshot
    // outside any transaction, and writers go on meanwhile.
    auto source = SqliteConnection::Open(options_.path, /*read_only=*/true,
                                         options_.busy_timeout_ms);
    if (!source.ok()) return source.status().WithContext(context);
    Status copied =
        (*source)->RunAsHost("VACUUM INTO ?1", std::vector<Value>{path});
    if (!copied.ok()) {
      remove_copy();
      return copied.WithContext(context);
    }
  }
  std::string result;
  Status checked = [&] {
    auto copy = SqliteConnection::Open(path, /*read_only=*/true,
                                       options_.busy_timeout_ms);
    if (!copy.ok()) return copy.status();
    return (*copy)->RunAsHost("PRAGMA integrity_check", {},
                              [&](const Row& row) {
                                if (!result.empty()) result += "\n";
                                result += FirstColumnText(row);
                                return true;
                              });
  }();
  if (!checked.ok() || result != "ok") {
    remove_copy();
    return Status::Internal(
        context + ": the copy failed its integrity check and was removed: " +
        (checked.ok() ? result : checked.message()));
  }
  return Status::Ok();
}

Result<std::string> SqliteDatabase::IntegrityCheck() {
  std::string result;
  Status status = ReadAsHost([&](SqliteConnection& db) {
    return db.RunAsHost("PRAGMA integrity_check", {}, [&](const Row& row) {
      if (!result.empty()) result += "\n";
      result += FirstColumnText(row);
      return true;
    });
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace smartercities::storage
