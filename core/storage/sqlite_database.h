// sqlite_database.h — the SQLite implementation of Database: one file in
// WAL mode, one write connection that writers take in turn, one read-only
// connection per thread that reads.
//
// Read() gives a snapshot of what was committed when fn started reading; it
// does not see the open transaction of a Write() on the same thread. Nested
// Read() calls on one thread share the outer snapshot. Write() is not
// re-entrant: a Write() inside a Write() on the same thread fails.
//
// Thread-safety: as Database; every method may be called from any thread.
// Owns its connections; a thread's read connection is closed when the thread
// exits or when the database is destroyed, which must not happen while any
// thread is still inside one of its methods.
#ifndef SMARTERCITIES_CORE_STORAGE_SQLITE_DATABASE_H_
#define SMARTERCITIES_CORE_STORAGE_SQLITE_DATABASE_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "core/storage/checkpointer.h"
#include "core/storage/database.h"
#include "core/storage/read_connection_pool.h"
#include "core/storage/sqlite_connection.h"

namespace smartercities::storage {

class SqliteDatabase : public Database {
 public:
  Engine engine() const override { return Engine::kSqlite; }
  // As OpenSqlite, with the concrete type.
  static Result<std::unique_ptr<SqliteDatabase>> Open(
      const SqliteOptions& options);
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  Status Read(const std::function<Status(Connection&)>& fn) override;
  Status Write(const std::function<Status(Connection&)>& fn) override;
  Status WriteGrouped(const std::function<Status(Connection&)>& fn) override;
  // Runs with foreign_keys off for its own transaction only.
  Status WriteBulk(const std::function<Status(Connection&)>& fn) override;
  Status Migrate(const AccessScope& scope,
                 std::span<const Migration> migrations) override;
  Result<int> SchemaVersion(std::string_view owner) override;
  Status Backup(const std::string& path) override;
  Result<std::string> IntegrityCheck() override;
  std::uint64_t Generation() const override { return generation_.load(); }
  std::uint64_t TableGeneration(std::string_view table) const override;
  void PollExternalChanges() override;
  void SetPrivateTables(std::set<std::string, std::less<>> tables) override {
    private_tables_ = std::move(tables);
  }

  // The number of open read connections: one per thread that has read and
  // has not exited.
  std::size_t num_read_connections() const { return readers_->size(); }

  // The write transactions committed so far; fewer than the Writes when
  // grouped writes shared their commits.
  std::uint64_t num_commits() const { return num_commits_.load(); }
  // The checkpoints of a long write-ahead log run on their own thread so
  // far (Checkpointer).
  std::uint64_t num_checkpoints() const {
    return checkpointer_ ? checkpointer_->num_checkpoints() : 0;
  }

 private:
  // A write transaction that several WriteGrouped calls share.
  struct Batch;
  // What one fn changed, for the generations.
  struct PartChanges;

  // How a write shares its transaction and which checks SQLite makes.
  enum class WriteKind { kOwn, kGrouped, kBulk };
  Status WriteOn(const std::function<Status(Connection&)>& fn, WriteKind kind);
  // Runs fn inside the open transaction, as the part of this thread.
  Status RunPart(const std::function<Status(Connection&)>& fn,
                 PartChanges& changes);
  // Commits the open batch (under write_mutex_), counts its changes in the
  // generations and wakes its members.
  Status CommitBatch();
  // Ends the open batch without a commit: every member hears status.
  void FailBatch(const Status& status);
  void CountCommitted(const Status& committed, const PartChanges& changes);

  SqliteDatabase(SqliteOptions options,
                 std::unique_ptr<SqliteConnection> writer,
                 std::unique_ptr<Checkpointer> checkpointer);
  // Runs fn inside Read with the host's rights, giving the connection back
  // with the scope it had.
  Status ReadAsHost(const std::function<Status(SqliteConnection&)>& fn);
  Status ApplyMigration(const AccessScope& scope, const std::string& owner,
                        const Migration& migration);

  const SqliteOptions options_;
  std::mutex write_mutex_;
  // Under write_mutex_: the batch whose transaction is open, if any.
  std::shared_ptr<Batch> open_batch_;
  // Writers waiting for write_mutex_: while there are any, a grouped write
  // leaves its commit to them.
  std::atomic<int> queued_writers_{0};
  std::atomic<std::uint64_t> num_commits_{0};
  // Members of a batch wait here for its commit.
  std::mutex batch_mutex_;
  std::condition_variable batch_committed_;
  std::atomic<std::uint64_t> generation_{0};
  // TableGeneration's counts: per table, plus one that every table shares.
  mutable std::shared_mutex tables_mutex_;
  std::map<std::string, std::uint64_t, std::less<>> table_generations_;
  std::atomic<std::uint64_t> every_table_generation_{0};
  std::set<std::string, std::less<>> private_tables_;
  // The writer's PRAGMA data_version when last polled: it changes only when
  // another connection commits.
  std::int64_t external_version_ = -1;
  // Declared before writer_, so that it outlives the writer's hook.
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<SqliteConnection> writer_;
  std::shared_ptr<ReadConnectionPool> readers_;
};

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_SQLITE_DATABASE_H_
