// sqlite_connection.h — one SQLite connection with its cache of prepared
// statements and the access scope its authorizer enforces.
//
// Statements that the caller runs (Execute, Query, ExecuteScript) go through
// the authorizer under the current scope, at prepare and at every re-prepare,
// and may not begin or end transactions: SqliteDatabase does that with Begin,
// Commit and Rollback. A connection opened read-only refuses statements that
// would change the database before they run.
//
// Thread-safety: none; a connection belongs to one thread at a time
// (SqliteDatabase hands the write connection to one writer and a read
// connection to each thread). Owns the sqlite3 handle and its statements.
#ifndef SMARTERCITIES_CORE_STORAGE_SQLITE_CONNECTION_H_
#define SMARTERCITIES_CORE_STORAGE_SQLITE_CONNECTION_H_

#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/storage/authorizer.h"
#include "core/storage/database.h"

struct sqlite3;
struct sqlite3_blob;
struct sqlite3_stmt;

namespace smartercities::storage {

class SqliteConnection : public Connection {
 public:
  Engine engine() const override { return Engine::kSqlite; }
  // How many prepared statements a connection keeps; beyond this the idle
  // ones are finalized.
  static constexpr std::size_t kMaxCachedStatements = 256;

  // Opens path (read_only: without write access; otherwise created when
  // missing) with foreign keys on, defensive mode and the busy timeout set.
  // Fails (kUnavailable) naming the path and SQLite's reason.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                        bool read_only,
                                                        int busy_timeout_ms);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Status Execute(std::string_view sql, std::span<const Value> params,
                 const RowCallback& on_row = nullptr) override;
  Status ExecuteViews(std::string_view sql, std::span<const Value> params,
                      const RowViewCallback& on_row) override;
  Result<std::vector<Row>> Query(std::string_view sql,
                                 std::span<const Value> params) override;
  Status ExecuteScript(std::string_view sql) override;
  Result<std::unique_ptr<Statement>> PrepareStatement(
      std::string_view sql) override;
  std::int64_t Changes() const override;
  std::int64_t LastInsertId() const override;
  void SetScope(AccessScope scope) override;
  Status MapPages() override;
  Result<ValuePart> ReadPart(std::string_view table, std::string_view column,
                             std::int64_t rowid, std::size_t offset,
                             std::size_t length) override;

  // The scope later statements run in.
  const AccessScope& scope() const { return scope_; }

  // Runs one statement of the host's own (PRAGMA, VACUUM INTO, queries of
  // the host's tables) without the authorizer and the read-only check, as
  // Execute otherwise does. Must not be a transaction statement.
  Status RunAsHost(std::string_view sql, std::span<const Value> params = {},
                   const RowCallback& on_row = nullptr);

  // Starts a transaction with begin_sql ("BEGIN" or "BEGIN IMMEDIATE").
  // Until Commit or Rollback, a statement finds out when SQLite has rolled
  // the transaction back on its own (after an ON CONFLICT ROLLBACK, a full
  // disk), and then fails rather than run outside it.
  Status Begin(const char* begin_sql);
  // Commits; on failure the transaction is rolled back and the failure
  // returned. Fails (kFailedPrecondition) when SQLite had already rolled the
  // transaction back.
  Status Commit();
  // Rolls back what is still open; ok when nothing was.
  Status Rollback();
  // Calls on_commit with the write-ahead log's length in pages after every
  // commit. When it returns false and the log holds 1000 pages or more, the
  // connection checkpoints as SQLite's automatic checkpoint would (which
  // this replaces). on_commit must be cheap.
  void OnLogCommitted(std::function<bool(int pages)> on_commit);

  // Gives the page cache's memory back when it holds more than a few
  // megabytes (after a large write), outside a transaction.
  void TrimCache();

  // Whether the transaction Begin started is still open (SQLite has not
  // rolled it back on its own).
  bool transaction_alive() const;

  // A savepoint inside the open transaction, and its two ends: Release
  // keeps what was done since, RollbackToSavepoint undoes it (and ends the
  // savepoint). One level; the write connection's group commit uses it.
  Status Savepoint();
  Status ReleaseSavepoint();
  Status RollbackToSavepoint();

  // From now until StopCapture, records the rows changed in tables that
  // observer watches (through SQLite's pre-update hook).
  void StartCapture(const WriteObserver* observer);
  // Ends capturing and returns what was captured, with column names.
  std::vector<RowChange> StopCapture();

  // Counts the rows changed in the given tables (through SQLite's update
  // hook) from now on, and notes every table a row changed in; null stops
  // counting. The set must outlive the counting.
  void CountChangesIn(const std::set<std::string, std::less<>>* tables);
  // Rows changed in the counted tables since CountChangesIn, rows the hook
  // saw change in any table, the tables they were in, and the rows changed
  // in all tables since the connection opened (sqlite3_total_changes64).
  std::int64_t counted_changes() const { return counted_changes_; }
  std::int64_t seen_changes() const { return seen_changes_; }
  const std::vector<std::string>& changed_tables() const {
    return changed_tables_;
  }
  std::int64_t total_changes() const;

  // The number of statements in the cache, for tests.
  std::size_t num_cached_statements() const { return statements_.size(); }

 private:
  class BulkStatement;
  // A statement ready to bind; finalized after use unless it is cached.
  struct Prepared {
    sqlite3_stmt* statement = nullptr;
    bool cached = false;
  };

  explicit SqliteConnection(sqlite3* db, bool read_only);
  // The hook's signature is SQLite's (sqlite3_int64 is long long).
  static void OnPreUpdate(void* self, sqlite3* db, int op, const char* database,
                          const char* table,
                          long long old_rowid,   // NOLINT(runtime/int)
                          long long new_rowid);  // NOLINT(runtime/int)
  static void OnUpdate(void* self, int op, const char* database,
                       const char* table,
                       long long rowid);  // NOLINT(runtime/int)
  static int OnWalCommit(void* self, sqlite3* db, const char* database,
                         int pages);
  static int Authorize(void* self, int action, const char* arg1,
                       const char* arg2, const char* arg3, const char* arg4);
  Status Failure(int code, std::string_view sql);
  Status CheckTransaction(std::string_view sql) const;
  Result<Prepared> Prepare(std::string_view sql);
  Status Run(std::string_view sql, std::span<const Value> params,
             const RowCallback& on_row);
  // Prepares and binds as Run does and calls on_step with the statement at
  // each row (null: the rows are dropped) until it returns false.
  Status RunSteps(std::string_view sql, std::span<const Value> params,
                  const std::function<bool(sqlite3_stmt*)>& on_step);
  Status RunTransactionStatement(const char* sql);
  void FinalizeIdleStatements();

  sqlite3* db_;
  bool read_only_;
  // Keyed by who runs it and the SQL: authorization happens at prepare, so
  // a statement prepared for the core or the host must never serve a plugin.
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
  AccessScope scope_;
  AuthorizerState authorizer_;
  // The statement running is the host's own: the authorizer allows all.
  bool as_host_ = false;
  // MapPages has mapped the file.
  bool mapped_ = false;
  // Begin has started a transaction that Commit or Rollback has not ended.
  bool in_transaction_ = false;
  // ReadPart's open blob handle and its table and column, moved from row
  // to row within a transaction (opening one prepares a statement); closed
  // when the transaction ends.
  sqlite3_blob* part_blob_ = nullptr;
  std::string part_table_;
  std::string part_column_;
  void ClosePartBlob();
  // While capturing: whose tables, and the rows changed so far.
  const WriteObserver* capture_for_ = nullptr;
  std::vector<RowChange> captured_;
  const std::set<std::string, std::less<>>* counted_tables_ = nullptr;
  std::int64_t counted_changes_ = 0;
  std::int64_t seen_changes_ = 0;
  std::vector<std::string> changed_tables_;
  // Each table's column names, as StopCapture needs them, while the
  // schema is at columns_schema_version_.
  std::unordered_map<std::string, std::vector<std::string>> table_columns_;
  std::int64_t columns_schema_version_ = -1;
  std::function<bool(int pages)> on_log_committed_;
};

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_SQLITE_CONNECTION_H_
