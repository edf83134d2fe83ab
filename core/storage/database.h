// database.h — the storage interface of the core.
//
// Database is what every other subsystem uses; SqliteDatabase
// (sqlite_database.h) is the implementation behind it, so that another engine
// can follow without changing callers. All SQL stays inside core/storage and
// the repositories in core/domain; keep it portable where that costs nothing.
//
// Thread-safety: a Database is shared by all threads. Read() hands the
// calling thread its own read connection; Write() serialises writers (one
// write connection) and wraps the work in one transaction. A Connection is
// never shared between threads and must not be kept beyond the call that
// handed it out.
#ifndef SMARTERCITIES_CORE_STORAGE_DATABASE_H_
#define SMARTERCITIES_CORE_STORAGE_DATABASE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/base/status.h"

namespace smartercities::storage {

// The engine behind the interface: for the few features only one of them
// has so far (the knowledge base's full-text search is SQLite's FTS5), and
// for plugins whose own SQL is written for some engines only.
enum class Engine { kSqlite, kPostgres };

// "sqlite" or "postgresql", as plugins' manifests name them.
std::string_view EngineName(Engine engine);

// A value bound to a statement or read from a column.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

// One result row; column names are shared by all rows of a result.
class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> names,
      std::vector<Value> values)
      : names_(std::move(names)), values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  const std::vector<std::string>& names() const { return *names_; }
  const std::vector<Value>& values() const { return values_; }
  const Value& At(std::size_t i) const { return values_.at(i); }
  // The value of the column called name; std::out_of_range if none.
  const Value& Get(std::string_view name) const;
  bool IsNull(std::string_view name) const;
  // Conversions; NULL gives "" / 0 / 0.0 / nullopt.
  std::string Text(std::string_view name) const;
  std::optional<std::string> OptionalText(std::string_view name) const;
  std::int64_t Integer(std::string_view name) const;
  std::optional<double> OptionalReal(std::string_view name) const;

 private:
  std::shared_ptr<const std::vector<std::string>> names_;
  std::vector<Value> values_;
};

// Called per row; return false to stop reading.
using RowCallback = std::function<bool(const Row&)>;

// A value bound without a copy, for bulk writes: text must stay alive until
// the Run it is passed to returns.
using ValueView =
    std::variant<std::nullptr_t, std::int64_t, double, std::string_view>;

// Called per row with views of its values, valid only during the call;
// return false to stop reading.
using RowViewCallback = std::function<bool(std::span<const ValueView>)>;

// One statement prepared once and run many times, as a bulk import inserts
// its rows: no lookup of the statement and no copy of its parameters per
// run. Made by Connection::PrepareStatement under the connection's scope
// then; must not outlive the Read or Write whose connection made it. Not
// thread-safe.
class Statement {
 public:
  virtual ~Statement() = default;
  // Binds params to ?1..?N and steps the statement to its end (rows it
  // returns are dropped). Returns the rows it changed, or the failure,
  // naming the statement as Execute does.
  virtual Result<std::int64_t> Run(std::span<const ValueView> params) = 0;
};

// Who a statement runs for. The core runs unrestricted; a plugin's
// statements may touch only tables starting with table_prefix and read views
// starting with "public_". Enforced by the engine's authorizer at prepare and
// at every re-prepare, so a refused statement never runs.
struct AccessScope {
  std::string owner;         // "core" or the plugin id, for messages
  std::string table_prefix;  // empty: unrestricted
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Engine engine() const = 0;

  // Prepares (cached by SQL text), binds params to ?1..?N, steps, calls
  // on_row for each row. The message of a failure names the SQL's first
  // words and the engine's reason; a refused access names the table.
  virtual Status Execute(std::string_view sql, std::span<const Value> params,
                         const RowCallback& on_row = nullptr) = 0;

  // As Execute, but on_row sees each row's values as views into the
  // engine's buffers (text as std::string_view, blobs too), valid only until
  // it returns: no copy and no allocation per row, for reading millions of
  // rows (the figures export).
  virtual Status ExecuteViews(std::string_view sql,
                              std::span<const Value> params,
                              const RowViewCallback& on_row) = 0;

  // Convenience: all rows.
  virtual Result<std::vector<Row>> Query(std::string_view sql,
                                         std::span<const Value> params) = 0;

  // Runs a script of several statements without parameters (migrations).
  virtual Status ExecuteScript(std::string_view sql) = 0;

  // Prepares one statement to run many times (bulk writes); fails as
  // Execute would at prepare.
  virtual Result<std::unique_ptr<Statement>> PrepareStatement(
      std::string_view sql) = 0;

  // Rows changed by the last INSERT/UPDATE/DELETE, and the last rowid.
  virtual std::int64_t Changes() const = 0;
  virtual std::int64_t LastInsertId() const = 0;

  // Restricts what later statements may touch until reset with a default
  // (unrestricted) scope.
  virtual void SetScope(AccessScope scope) = 0;

  // Asks that this connection read pages in place rather than copy each
  // (SQLite: it maps the database file), for reads of many long texts
  // spread over the file (the search's hits). Lasts as long as the
  // connection; call it first in a Read, before any statement. Mapped
  // pages count as the process's resident memory, which is why a bulk
  // read (an export) does not ask for it. A no-op where the engine has no
  // such mode.
  virtual Status MapPages() { return Status::Ok(); }

  // Part of one long value: bytes [offset, offset + length) of the text or
  // blob in column of table's row rowid, read without the rest of it, and
  // the value's whole length in bytes. A snippet needs a few hundred bytes
  // of a document's text of tens of kilobytes. Fewer bytes come back when
  // the value ends sooner. NotFound when there is no such row or its value
  // is NULL or not text or a blob. For the core's own tables: refused on a
  // connection whose scope is a plugin's.
  struct ValuePart {
    std::string bytes;
    std::size_t whole = 0;
  };
  virtual Result<ValuePart> ReadPart(std::string_view table,
                                     std::string_view column,
                                     std::int64_t rowid, std::size_t offset,
                                     std::size_t length) = 0;
};

// One row changed inside a Write: the table, the row's key (its rowid), and
// the values before (update, delete) and after (insert, update), column by
// column in the table's order.
struct RowChange {
  enum class Kind { kInsert, kUpdate, kDelete };
  Kind kind = Kind::kInsert;
  std::string table;
  std::int64_t rowid = 0;
  std::vector<std::string> columns;
  std::vector<Value> before;  // empty for an insert
  std::vector<Value> after;   // empty for a delete
};

// Sees every row a Write changed in the tables it watches, inside that
// Write's transaction, just before the commit; a failure it returns rolls
// the whole Write back. The audit trail is one. Install it for the calling
// thread with ScopedWriteObserver; Writes on threads without one are not
// observed.
class WriteObserver {
 public:
  virtual ~WriteObserver() = default;
  // Called for every changed row; false ignores the table's changes.
  virtual bool Watches(std::string_view table) const = 0;
  // Called once per Write with at least one watched change, on the write
  // connection in the core's scope. Its own changes are not observed.
  virtual Status BeforeCommit(Connection& connection,
                              std::span<const RowChange> changes) = 0;
};

// Installs observer for the Writes of the calling thread until it goes out
// of scope (the previous one, if any, comes back).
class ScopedWriteObserver {
 public:
  explicit ScopedWriteObserver(WriteObserver* observer);
  ~ScopedWriteObserver();
  ScopedWriteObserver(const ScopedWriteObserver&) = delete;
  ScopedWriteObserver& operator=(const ScopedWriteObserver&) = delete;

  // The observer of the calling thread, or null.
  static WriteObserver* Current();

 private:
  WriteObserver* previous_;
};

// One numbered migration of one owner. Versions start at 1 and grow by one.
struct Migration {
  Migration() = default;
  Migration(int version_, std::string description_, std::string sql_,
            std::string postgres_sql_ = {})
      : version(version_),
        description(std::move(description_)),
        sql(std::move(sql_)),
        postgres_sql(std::move(postgres_sql_)) {}

  int version = 0;
  std::string description;
  std::string sql;  // one or more statements
  // What PostgreSQL runs instead, where the engines differ by more than
  // spelling (triggers' bodies, full-text search); empty: sql, as
  // postgres_sql.h spells it.
  std::string postgres_sql;
};

class Database {
 public:
  virtual ~Database() = default;

  virtual Engine engine() const = 0;

  // Runs fn on this thread's read connection (a consistent snapshot for the
  // duration of fn). fn's Status is returned.
  virtual Status Read(const std::function<Status(Connection&)>& fn) = 0;

  // Runs fn in one write transaction (BEGIN IMMEDIATE) on the single write
  // connection; commits when fn returns ok, rolls back otherwise, and
  // returns fn's Status (or the commit's failure). Not re-entrant.
  virtual Status Write(const std::function<Status(Connection&)>& fn) = 0;

  // Like Write, for a short write (a few rows, no waiting on anything else)
  // that may share its commit with the short writes of other threads
  // arriving meanwhile (group commit): fn runs on this thread inside a
  // savepoint of a transaction that other threads' fns share; when fn
  // fails, only its savepoint is undone. Returns once the shared
  // transaction committed, with fn's Status or the commit's failure; what
  // it wrote is then visible, as after Write. The default is Write.
  virtual Status WriteGrouped(const std::function<Status(Connection&)>& fn) {
    return Write(fn);
  }

  // Like Write, for a write of many rows whose fn itself checks, inside the
  // transaction, that every row it writes refers to rows that exist (once
  // per distinct value rather than once per row): the engine may leave out
  // its own per-row foreign-key checks for this transaction. A fn that
  // cannot make that check must use Write. The default is Write.
  virtual Status WriteBulk(const std::function<Status(Connection&)>& fn) {
    return Write(fn);
  }

  // Applies owner's migrations that are not applied yet, each in its own
  // transaction together with its record in schema_migrations, in order.
  // Fails (naming owner, version and the reason) on the first that fails;
  // earlier ones stay applied, the failed one leaves no trace. A stored
  // version missing from the list, or a gap, is an error. scope restricts
  // what the migrations may touch.
  virtual Status Migrate(const AccessScope& scope,
                         std::span<const Migration> migrations) = 0;

  // The highest applied version of owner, 0 when none.
  virtual Result<int> SchemaVersion(std::string_view owner) = 0;

  // Writes a consistent copy to path (which must not exist) and checks it
  // with integrity_check.
  virtual Status Backup(const std::string& path) = 0;

  // "ok" or the engine's list of problems.
  virtual Result<std::string> IntegrityCheck() = 0;

  // A number that grows after every write committed through this object,
  // before its Write returns, and, at the next PollExternalChanges, after
  // writes other processes committed (the command line next to a running
  // server). What is cached from reads is keyed on it.
  virtual std::uint64_t Generation() const = 0;

  // Like Generation, for the rows of one table: grows after every write
  // committed through this object that changed a row of table, and after
  // every change Generation counts that could not be traced to its tables
  // (another process's write, a change SQLite's hooks do not report). What
  // is cached from a few tables that change rarely (the catalogue, the API
  // tokens) is keyed on the sum over those tables, so that the figures
  // written all day do not make it stale.
  virtual std::uint64_t TableGeneration(std::string_view table) const = 0;

  // Looks for writes committed by other processes since the last call and
  // counts them in Generation; cheap enough for a timer.
  virtual void PollExternalChanges() = 0;

  // Tables that nothing public is read from (sessions, login counters, the
  // audit trail): a Write that changes rows of these tables only leaves
  // Generation as it is, so that logins and sessions do not make every
  // cached public answer stale. Set before the first Write.
  virtual void SetPrivateTables(std::set<std::string, std::less<>> tables) = 0;
};

struct SqliteOptions {
  std::string path;  // the database file; created when missing
  int busy_timeout_ms = 5000;
  bool read_only = false;
};

// Opens (creating when needed) an SQLite database with WAL, synchronous
// NORMAL, foreign keys on and a busy timeout. Fails naming the path and the
// reason.
Result<std::unique_ptr<Database>> OpenSqlite(const SqliteOptions& options);

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_DATABASE_H_
