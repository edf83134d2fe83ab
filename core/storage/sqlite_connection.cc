#include "core/storage/sqlite_connection.h"

// The pre-update hook (SqliteConnection::StartCapture) is declared only with
// this; Debian's libsqlite3 is built with it.
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>

#include <algorithm>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/storage/dutch_tokenizer.h"
#include "core/storage/migration_rules.h"
#include "core/storage/search_functions.h"

namespace smartercities::storage {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// The first statement of a script, up to and with its semicolon; all of it
// when no semicolon ends a complete statement.
std::string_view FirstStatement(std::string_view script) {
  for (std::size_t end = script.find(';'); end != std::string_view::npos;
       end = script.find(';', end + 1)) {
    std::string candidate(script.substr(0, end + 1));
    if (sqlite3_complete(candidate.c_str()) != 0)
      return script.substr(0, end + 1);
  }
  return script;
}

// True when text holds nothing but spaces, semicolons and comments.
bool IsEmptyOfStatements(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (IsSpace(text[pos]) || text[pos] == ';') {
      ++pos;
    } else if (text.substr(pos, 2) == "--") {
      pos = std::min(text.find('\n', pos), text.size());
    } else if (text.substr(pos, 2) == "/*") {
      std::size_t end = text.find("*/", pos + 2);
      if (end == std::string_view::npos) return true;
      pos = end + 2;
    } else {
      return false;
    }
  }
  return true;
}

// Runs a function when the scope ends, however it ends.
template <typename Function>
class OnExit {
 public:
  explicit OnExit(Function function) : function_(std::move(function)) {}
  ~OnExit() { function_(); }
  OnExit(const OnExit&) = delete;
  OnExit& operator=(const OnExit&) = delete;

 private:
  Function function_;
};

// A column of the current row without a copy: text and blobs point into
// SQLite's buffer until the next step.
ValueView ColumnView(sqlite3_stmt* statement, int column) {
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER:
      return static_cast<std::int64_t>(sqlite3_column_int64(statement, column));
    case SQLITE_FLOAT:
      return sqlite3_column_double(statement, column);
    case SQLITE_NULL:
      return nullptr;
    case SQLITE_BLOB: {
      const void* bytes = sqlite3_column_blob(statement, column);
      auto size =
          static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
      if (bytes == nullptr) return std::string_view();
      return std::string_view(static_cast<const char*>(bytes), size);
    }
    default: {
      // Text before its length, as SQLite asks: the length is of the UTF-8
      // form that sqlite3_column_text made.
      const unsigned char* text = sqlite3_column_text(statement, column);
      auto size =
          static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
      if (text == nullptr) return std::string_view();
      return std::string_view(reinterpret_cast<const char*>(text), size);
    }
  }
}

// A column of the current row, copied.
Value ColumnValue(sqlite3_stmt* statement, int column) {
  return std::visit(
      [](auto view) -> Value {
        if constexpr (std::is_same_v<decltype(view), std::string_view>) {
          return std::string(view);
        } else {
          return view;
        }
      },
      ColumnView(statement, column));
}

Value ToValue(sqlite3_value* value) {
  if (value == nullptr) return nullptr;
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      return static_cast<std::int64_t>(sqlite3_value_int64(value));
    case SQLITE_FLOAT:
      return sqlite3_value_double(value);
    case SQLITE_NULL:
      return nullptr;
    default: {
      const void* bytes = sqlite3_value_blob(value);
      auto size = static_cast<std::size_t>(sqlite3_value_bytes(value));
      if (bytes == nullptr) return std::string();
      return std::string(static_cast<const char*>(bytes), size);
    }
  }
}

int Bind(sqlite3_stmt* statement, int index, const Value& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    return sqlite3_bind_int64(statement, index, *integer);
  }
  if (const auto* real = std::get_if<double>(&value)) {
    return sqlite3_bind_double(statement, index, *real);
  }
  if (const auto* text = std::get_if<std::string>(&value)) {
    // The parameters outlive the statement's use; the bindings are cleared
    // before Execute returns.
    return sqlite3_bind_text64(statement, index, text->data(), text->size(),
                               SQLITE_STATIC, SQLITE_UTF8);
  }
  return sqlite3_bind_null(statement, index);
}

}  // namespace

SqliteConnection::SqliteConnection(sqlite3* db, bool read_only)
    : db_(db), read_only_(read_only) {
  sqlite3_set_authorizer(db_, &SqliteConnection::Authorize, this);
}

SqliteConnection::~SqliteConnection() {
  ClosePartBlob();
  for (auto& [key, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, bool read_only, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
              (read_only ? SQLITE_OPEN_READONLY
                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message =
        db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Unavailable("cannot open the database '" + path +
                               "': " + message);
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // Defensive mode keeps even the core from corrupting the file through
  // writable_schema and similar switches.
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  // Every connection that may read or write the knowledge base's index
  // needs its tokenizer; registering it costs a few microseconds.
  Status tokenizer = RegisterDutchTokenizer(db);
  if (tokenizer.ok()) tokenizer = RegisterSearchFunctions(db);
  if (!tokenizer.ok()) {
    sqlite3_close_v2(db);
    return tokenizer.WithContext("opening '" + path + "'");
  }
  std::unique_ptr<SqliteConnection> connection(
      new SqliteConnection(db, read_only));
  Status status = connection->RunAsHost("PRAGMA foreign_keys = ON");
  if (!status.ok()) return status.WithContext("opening '" + path + "'");
  return connection;
}

int SqliteConnection::Authorize(void* self, int action, const char* arg1,
                                const char* arg2, const char* arg3,
                                const char* arg4) {
  auto& connection = *static_cast<SqliteConnection*>(self);
  if (connection.as_host_) return SQLITE_OK;
  if (!AuthorizePluginAction(connection.scope_, action, arg1, arg2, arg3, arg4,
                             connection.authorizer_)) {
    return SQLITE_DENY;
  }
  if (action == SQLITE_TRANSACTION) {
    connection.authorizer_.denied =
        "begin or end a transaction (Database::Read and Write do)";
    return SQLITE_DENY;
  }
  return SQLITE_OK;
}

Status SqliteConnection::MapPages() {
  if (mapped_) return Status::Ok();
  // The file's first 2 GB (SQLite's limit), read without pread(2)'s copy
  // of every page.
  Status mapped = RunAsHost("PRAGMA mmap_size = 2147418112");
  mapped_ = mapped.ok();
  return mapped;
}

Result<Connection::ValuePart> SqliteConnection::ReadPart(
    std::string_view table, std::string_view column, std::int64_t rowid,
    std::size_t offset, std::size_t length) {
  // Named only in a failure: a page of hits reads several parts.
  auto where = [&] {
    return std::string(table) + "." + std::string(column) + " of row " +
           std::to_string(rowid);
  };
  if (!scope_.table_prefix.empty()) {
    return Status::PermissionDenied(
        "reading part of " + where() + " is for the core's tables; " +
        scope_.owner + " reads its values with SQL");
  }
  // Incremental blob I/O: copies only the bytes asked for, where a column
  // read assembles the whole value from its overflow pages. Within a
  // transaction the handle of the last read moves to the next row.
  int rc = SQLITE_ABORT;
  if (part_blob_ != nullptr && in_transaction_ && table == part_table_ &&
      column == part_column_) {
    rc = sqlite3_blob_reopen(part_blob_, rowid);
  }
  if (rc != SQLITE_OK) {
    // Not open, another column, or the handle could not move (no such
    // row, or one written since): opened afresh for the reason.
    ClosePartBlob();
    part_table_ = table;
    part_column_ = column;
    rc = sqlite3_blob_open(db_, "main", part_table_.c_str(),
                           part_column_.c_str(), rowid, 0, &part_blob_);
  }
  if (rc != SQLITE_OK) {
    std::string reason = sqlite3_errmsg(db_);
    ClosePartBlob();
    if ((rc & 0xff) == SQLITE_ERROR) {
      return Status::NotFound("no text to read in " + where() + ": " + reason);
    }
    return Status::Internal("reading " + where() + ": " + reason);
  }
  sqlite3_blob* blob = part_blob_;
  ValuePart part;
  part.whole = static_cast<std::size_t>(sqlite3_blob_bytes(blob));
  if (offset < part.whole) {
    part.bytes.resize(std::min(length, part.whole - offset));
    rc = sqlite3_blob_read(blob, part.bytes.data(),
                           static_cast<int>(part.bytes.size()),
                           static_cast<int>(offset));
  }
  if (rc != SQLITE_OK) {
    std::string reason = sqlite3_errmsg(db_);
    ClosePartBlob();
    return Status::Internal("reading " + where() + ": " + reason);
  }
  if (!in_transaction_) ClosePartBlob();
  return part;
}

void SqliteConnection::ClosePartBlob() {
  if (part_blob_ != nullptr) sqlite3_blob_close(part_blob_);
  part_blob_ = nullptr;
}

void SqliteConnection::SetScope(AccessScope scope) {
  scope_ = std::move(scope);
}

Status SqliteConnection::Failure(int code, std::string_view sql) {
  std::string where = Excerpt(sql);
  // SQLite reports some refusals as plain errors (a function, a read inside
  // a table-valued function); a refusal in this statement explains them.
  if ((code & 0xff) == SQLITE_AUTH || !authorizer_.denied.empty()) {
    std::string denied = authorizer_.denied.empty()
                             ? std::string("do this: ") + sqlite3_errmsg(db_)
                             : authorizer_.denied;
    if (scope_.table_prefix.empty()) {
      return Status::PermissionDenied(where + ": may not " + denied);
    }
    const std::string& owner =
        scope_.owner.empty() ? scope_.table_prefix : scope_.owner;
    return Status::PermissionDenied(
        "plugin '" + owner + "' may not " + denied +
        " (only tables starting with '" + scope_.table_prefix +
        "' and views starting with 'public_'), in " + where);
  }
  std::string message = where + ": " + sqlite3_errmsg(db_);
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status::AlreadyExists(message);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_DATATYPE:
      return Status::InvalidArgument(message);
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return Status::FailedPrecondition(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_INTERRUPT:
      return Status::Unavailable(message);
    case SQLITE_READONLY:
      return Status::FailedPrecondition(message);
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
      return Status::InvalidArgument(message);
    default:
      // Anything else, SQL the engine refuses (SQLITE_ERROR: a missing
      // table, a typo) included, is the program's fault, not the caller's
      // input.
      return Status::Internal(message);
  }
}

Status SqliteConnection::CheckTransaction(std::string_view sql) const {
  if (in_transaction_ && sqlite3_get_autocommit(db_) != 0) {
    return Status::FailedPrecondition(
        Excerpt(sql) +
        ": not run, because SQLite rolled the transaction back after an "
        "earlier failure");
  }
  return Status::Ok();
}

void SqliteConnection::FinalizeIdleStatements() {
  for (auto it = statements_.begin(); it != statements_.end();) {
    if (sqlite3_stmt_busy(it->second) != 0) {
      ++it;
    } else {
      sqlite3_finalize(it->second);
      it = statements_.erase(it);
    }
  }
}

Result<SqliteConnection::Prepared> SqliteConnection::Prepare(
    std::string_view sql) {
  std::string key;
  key.reserve(scope_.table_prefix.size() + sql.size() + 2);
  key += as_host_ ? 'h' : 's';
  key += scope_.table_prefix;
  key += '\x1f';
  key += sql;
  auto it = statements_.find(key);
  // A statement still stepping belongs to a caller further up (on_row runs
  // the same SQL again); that one gets a statement of its own.
  if (it != statements_.end() && sqlite3_stmt_busy(it->second) == 0) {
    return Prepared{it->second, true};
  }
  bool cache = it == statements_.end();
  if (cache && statements_.size() >= kMaxCachedStatements) {
    FinalizeIdleStatements();
  }
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              cache ? SQLITE_PREPARE_PERSISTENT : 0u,
                              &statement, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(statement);
    return Failure(rc, sql);
  }
  if (statement == nullptr) {
    return Status::Internal(Excerpt(sql) + ": there is no statement to run");
  }
  std::string_view rest(
      tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (!IsEmptyOfStatements(rest)) {
    sqlite3_finalize(statement);
    return Status::Internal(
        Excerpt(sql) +
        ": holds more than one statement; run one at a time, or a script "
        "with ExecuteScript");
  }
  if (read_only_ && !as_host_ && sqlite3_stmt_readonly(statement) == 0) {
    sqlite3_finalize(statement);
    return Status::FailedPrecondition(
        Excerpt(sql) +
        ": a read connection cannot change the database; use "
        "Database::Write");
  }
  if (cache) statements_.emplace(std::move(key), statement);
  return Prepared{statement, cache};
}

Status SqliteConnection::Run(std::string_view sql,
                             std::span<const Value> params,
                             const RowCallback& on_row) {
  if (!on_row) return RunSteps(sql, params, nullptr);
  std::shared_ptr<std::vector<std::string>> names;
  return RunSteps(sql, params, [&](sqlite3_stmt* statement) {
    int num_columns = sqlite3_column_count(statement);
    if (!names) {
      names = std::make_shared<std::vector<std::string>>();
      names->reserve(static_cast<std::size_t>(num_columns));
      for (int i = 0; i < num_columns; ++i) {
        const char* name = sqlite3_column_name(statement, i);
        names->emplace_back(name == nullptr ? "" : name);
      }
    }
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(num_columns));
    for (int i = 0; i < num_columns; ++i) {
      values.push_back(ColumnValue(statement, i));
    }
    return on_row(Row(names, std::move(values)));
  });
}

Status SqliteConnection::ExecuteViews(std::string_view sql,
                                      std::span<const Value> params,
                                      const RowViewCallback& on_row) {
  bool outer = std::exchange(as_host_, false);
  OnExit restore([&] { as_host_ = outer; });
  if (!on_row) return RunSteps(sql, params, nullptr);
  // Reused from row to row: the views point into SQLite's buffers, which
  // stay valid until the next step.
  std::vector<ValueView> values;
  return RunSteps(sql, params, [&](sqlite3_stmt* statement) {
    auto num_columns =
        static_cast<std::size_t>(sqlite3_column_count(statement));
    values.resize(num_columns);
    for (std::size_t i = 0; i < num_columns; ++i) {
      values[i] = ColumnView(statement, static_cast<int>(i));
    }
    return on_row(values);
  });
}

Status SqliteConnection::RunSteps(
    std::string_view sql, std::span<const Value> params,
    const std::function<bool(sqlite3_stmt*)>& on_step) {
  Status open = CheckTransaction(sql);
  if (!open.ok()) return open;
  // on_row of an outer statement may run this one; the outer statement gets
  // its authorizer state back afterwards.
  AuthorizerState outer = std::exchange(authorizer_, AuthorizerState{});
  OnExit restore_state([&] { authorizer_ = std::move(outer); });
  authorizer_.sql = sql;

  auto prepared = Prepare(sql);
  if (!prepared.ok()) return prepared.status();
  sqlite3_stmt* statement = prepared->statement;
  bool cached = prepared->cached;
  OnExit done([statement, cached] {
    if (cached) {
      sqlite3_reset(statement);
      sqlite3_clear_bindings(statement);
    } else {
      sqlite3_finalize(statement);
    }
  });

  int expected = sqlite3_bind_parameter_count(statement);
  if (expected != static_cast<int>(params.size())) {
    return Status::Internal(Excerpt(sql) + ": expects " +
                            std::to_string(expected) + " parameters, got " +
                            std::to_string(params.size()));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    int rc = Bind(statement, static_cast<int>(i + 1), params[i]);
    if (rc != SQLITE_OK) return Failure(rc, sql);
  }

  while (true) {
    int rc = sqlite3_step(statement);
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return Failure(rc, sql);
    if (on_step && !on_step(statement)) return Status::Ok();
  }
}

// A statement of its own (never from the cache, so that nothing else resets
// it between runs), finalized with the object.
class SqliteConnection::BulkStatement : public Statement {
 public:
  BulkStatement(SqliteConnection& connection, sqlite3_stmt* statement,
                std::string sql)
      : connection_(connection), statement_(statement), sql_(std::move(sql)) {}
  ~BulkStatement() override { sqlite3_finalize(statement_); }
  BulkStatement(const BulkStatement&) = delete;
  BulkStatement& operator=(const BulkStatement&) = delete;

  Result<std::int64_t> Run(std::span<const ValueView> params) override {
    Status open = connection_.CheckTransaction(sql_);
    if (!open.ok()) return open;
    OnExit reset([this] { sqlite3_reset(statement_); });
    if (sqlite3_bind_parameter_count(statement_) !=
        static_cast<int>(params.size())) {
      return Status::Internal(
          Excerpt(sql_) + ": expects " +
          std::to_string(sqlite3_bind_parameter_count(statement_)) +
          " parameters, got " + std::to_string(params.size()));
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      const ValueView& value = params[i];
      if (const auto* integer = std::get_if<std::int64_t>(&value)) {
        rc = sqlite3_bind_int64(statement_, index, *integer);
      } else if (const auto* real = std::get_if<double>(&value)) {
        rc = sqlite3_bind_double(statement_, index, *real);
      } else if (const auto* text = std::get_if<std::string_view>(&value)) {
        rc = sqlite3_bind_text64(statement_, index, text->data(), text->size(),
                                 SQLITE_STATIC, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(statement_, index);
      }
      if (rc != SQLITE_OK) return connection_.Failure(rc, sql_);
    }
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW) rc = sqlite3_step(statement_);
    if (rc != SQLITE_DONE) return connection_.Failure(rc, sql_);
    return static_cast<std::int64_t>(sqlite3_changes64(connection_.db_));
  }

 private:
  SqliteConnection& connection_;
  sqlite3_stmt* statement_;
  std::string sql_;
};

Result<std::unique_ptr<Statement>> SqliteConnection::PrepareStatement(
    std::string_view sql) {
  bool outer_host = std::exchange(as_host_, false);
  OnExit restore_host([&] { as_host_ = outer_host; });
  AuthorizerState outer = std::exchange(authorizer_, AuthorizerState{});
  OnExit restore_state([&] { authorizer_ = std::move(outer); });
  authorizer_.sql = sql;
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &statement, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(statement);
    return Failure(rc, sql);
  }
  if (statement == nullptr) {
    return Status::Internal(Excerpt(sql) + ": there is no statement to run");
  }
  std::string_view rest(
      tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (!IsEmptyOfStatements(rest) ||
      (read_only_ && sqlite3_stmt_readonly(statement) == 0)) {
    sqlite3_finalize(statement);
    return Status::Internal(
        Excerpt(sql) + (read_only_
                            ? ": a read connection cannot change the database"
                            : ": holds more than one statement"));
  }
  return std::unique_ptr<Statement>(
      new BulkStatement(*this, statement, std::string(sql)));
}

Status SqliteConnection::Execute(std::string_view sql,
                                 std::span<const Value> params,
                                 const RowCallback& on_row) {
  bool outer = std::exchange(as_host_, false);
  OnExit restore([&] { as_host_ = outer; });
  return Run(sql, params, on_row);
}

Status SqliteConnection::RunAsHost(std::string_view sql,
                                   std::span<const Value> params,
                                   const RowCallback& on_row) {
  bool outer = std::exchange(as_host_, true);
  OnExit restore([&] { as_host_ = outer; });
  return Run(sql, params, on_row);
}

void SqliteConnection::CountChangesIn(
    const std::set<std::string, std::less<>>* tables) {
  counted_tables_ = tables;
  counted_changes_ = 0;
  seen_changes_ = 0;
  changed_tables_.clear();
  sqlite3_update_hook(db_, tables ? &SqliteConnection::OnUpdate : nullptr,
                      tables ? this : nullptr);
}

std::int64_t SqliteConnection::total_changes() const {
  return sqlite3_total_changes64(db_);
}

void SqliteConnection::OnUpdate(void* self, int, const char*, const char* table,
                                long long) {  // NOLINT(runtime/int)
  auto& connection = *static_cast<SqliteConnection*>(self);
  std::string_view name(table);
  if (connection.counted_tables_ != nullptr &&
      connection.counted_tables_->contains(name)) {
    ++connection.counted_changes_;
  }
  ++connection.seen_changes_;
  // A write touches a handful of tables: a short list beats a set.
  if (std::find(connection.changed_tables_.begin(),
                connection.changed_tables_.end(),
                name) == connection.changed_tables_.end()) {
    connection.changed_tables_.emplace_back(name);
  }
}

void SqliteConnection::StartCapture(const WriteObserver* observer) {
  capture_for_ = observer;
  captured_.clear();
  sqlite3_preupdate_hook(db_, &SqliteConnection::OnPreUpdate, this);
}

std::vector<RowChange> SqliteConnection::StopCapture() {
  sqlite3_preupdate_hook(db_, nullptr, nullptr);
  capture_for_ = nullptr;
  std::vector<RowChange> changes = std::move(captured_);
  captured_.clear();
  if (changes.empty()) return changes;
  // Column names are read once per table and schema: a migration in this
  // very write changes the schema version, and the names are read again.
  std::int64_t schema_version = -1;
  Status looked = RunAsHost("PRAGMA schema_version", {}, [&](const Row& row) {
    schema_version = row.Integer("schema_version");
    return false;
  });
  if (!looked.ok() || schema_version != columns_schema_version_) {
    table_columns_.clear();
    columns_schema_version_ = looked.ok() ? schema_version : -1;
  }
  for (RowChange& change : changes) {
    auto found = table_columns_.find(change.table);
    if (found != table_columns_.end()) {
      change.columns = found->second;
    } else {
      std::vector<std::string> names;
      Status status =
          RunAsHost("SELECT name FROM pragma_table_info(?1) ORDER BY cid",
                    std::vector<Value>{change.table}, [&](const Row& row) {
                      names.push_back(row.Text("name"));
                      return true;
                    });
      // What could not be read is not kept: the columns fall back to their
      // positions below, this time only.
      if (status.ok()) {
        table_columns_.emplace(change.table, names);
        change.columns = std::move(names);
      }
    }
    // A column the table no longer names (altered in the same write) is
    // called by its position.
    std::size_t width = std::max(change.before.size(), change.after.size());
    for (std::size_t i = change.columns.size(); i < width; ++i) {
      change.columns.push_back("column" + std::to_string(i + 1));
    }
  }
  return changes;
}

void SqliteConnection::OnPreUpdate(void* self, sqlite3* db, int op,
                                   const char* database, const char* table,
                                   long long old_rowid,    // NOLINT
                                   long long new_rowid) {  // NOLINT
  auto& connection = *static_cast<SqliteConnection*>(self);
  if (connection.capture_for_ == nullptr || table == nullptr ||
      database == nullptr || std::string_view(database) != "main" ||
      std::string_view(table).starts_with("sqlite_") ||
      !connection.capture_for_->Watches(table)) {
    return;
  }
  RowChange change;
  change.table = table;
  int count = sqlite3_preupdate_count(db);
  if (op == SQLITE_INSERT) {
    change.kind = RowChange::Kind::kInsert;
    change.rowid = new_rowid;
  } else if (op == SQLITE_DELETE) {
    change.kind = RowChange::Kind::kDelete;
    change.rowid = old_rowid;
  } else {
    change.kind = RowChange::Kind::kUpdate;
    change.rowid = new_rowid;
  }
  for (int i = 0; i < count; ++i) {
    sqlite3_value* value = nullptr;
    if (op != SQLITE_INSERT) {
      if (sqlite3_preupdate_old(db, i, &value) != SQLITE_OK) value = nullptr;
      change.before.push_back(ToValue(value));
    }
    if (op != SQLITE_DELETE) {
      value = nullptr;
      if (sqlite3_preupdate_new(db, i, &value) != SQLITE_OK) value = nullptr;
      change.after.push_back(ToValue(value));
    }
  }
  connection.captured_.push_back(std::move(change));
}

Result<std::vector<Row>> SqliteConnection::Query(
    std::string_view sql, std::span<const Value> params) {
  std::vector<Row> rows;
  Status status = Execute(sql, params, [&](const Row& row) {
    rows.push_back(row);
    return true;
  });
  if (!status.ok()) return status;
  return rows;
}

Status SqliteConnection::ExecuteScript(std::string_view sql) {
  bool outer_host = std::exchange(as_host_, false);
  OnExit restore_host([&] { as_host_ = outer_host; });
  AuthorizerState outer = std::exchange(authorizer_, AuthorizerState{});
  OnExit restore_state([&] { authorizer_ = std::move(outer); });

  std::string_view rest = sql;
  while (!IsEmptyOfStatements(rest)) {
    Status open = CheckTransaction(rest);
    if (!open.ok()) return open;
    authorizer_ = AuthorizerState{};
    authorizer_.sql = rest;
    sqlite3_stmt* statement = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, rest.data(), static_cast<int>(rest.size()),
                                0, &statement, &tail);
    OnExit finalize([&] { sqlite3_finalize(statement); });
    if (rc != SQLITE_OK) return Failure(rc, FirstStatement(rest));
    auto length = static_cast<std::size_t>(tail - rest.data());
    if (statement == nullptr) return Status::Ok();
    if (read_only_ && sqlite3_stmt_readonly(statement) == 0) {
      return Status::FailedPrecondition(
          Excerpt(rest) +
          ": a read connection cannot change the database; use "
          "Database::Write");
    }
    do {
      rc = sqlite3_step(statement);
    } while (rc == SQLITE_ROW);
    if (rc != SQLITE_DONE) return Failure(rc, rest.substr(0, length));
    rest.remove_prefix(length);
  }
  return Status::Ok();
}

Status SqliteConnection::RunTransactionStatement(const char* sql) {
  bool outer = std::exchange(as_host_, true);
  OnExit restore([&] { as_host_ = outer; });
  return Run(sql, {}, nullptr);
}

Status SqliteConnection::Begin(const char* begin_sql) {
  if (in_transaction_) {
    return Status::FailedPrecondition("a transaction is already open");
  }
  Status begun = RunTransactionStatement(begin_sql);
  if (begun.ok()) in_transaction_ = true;
  return begun;
}

Status SqliteConnection::Commit() {
  ClosePartBlob();
  if (!in_transaction_) {
    return Status::FailedPrecondition("there is no transaction to commit");
  }
  if (sqlite3_get_autocommit(db_) != 0) {
    in_transaction_ = false;
    return Status::FailedPrecondition(
        "SQLite rolled the transaction back after a failure; nothing was "
        "committed");
  }
  Status committed = RunTransactionStatement("COMMIT");
  if (!committed.ok()) {
    Status rolled_back = Rollback();
    if (!rolled_back.ok()) {
      return Status(committed.code(),
                    committed.message() +
                        "; rolling back failed too: " + rolled_back.message());
    }
  }
  in_transaction_ = false;
  return committed;
}

Status SqliteConnection::Rollback() {
  ClosePartBlob();
  in_transaction_ = false;
  if (sqlite3_get_autocommit(db_) != 0) return Status::Ok();
  return RunTransactionStatement("ROLLBACK");
}

void SqliteConnection::OnLogCommitted(
    std::function<bool(int pages)> on_commit) {
  on_log_committed_ = std::move(on_commit);
  sqlite3_wal_hook(db_,
                   on_log_committed_ ? &SqliteConnection::OnWalCommit : nullptr,
                   on_log_committed_ ? this : nullptr);
}

int SqliteConnection::OnWalCommit(void* self, sqlite3* db, const char* database,
                                  int pages) {
  auto& connection = *static_cast<SqliteConnection*>(self);
  if (!connection.on_log_committed_(pages) && pages >= 1000) {
    // What SQLite's automatic checkpoint does; a failure (a reader holding
    // the log) is tried again after the next commit.
    sqlite3_wal_checkpoint(db, database);
  }
  return SQLITE_OK;
}

void SqliteConnection::TrimCache() {
  constexpr int kKeepBytes = 8 << 20;
  int used = 0;
  int highwater = 0;
  if (in_transaction_ ||
      sqlite3_db_status(db_, SQLITE_DBSTATUS_CACHE_USED, &used, &highwater,
                        0) != SQLITE_OK ||
      used <= kKeepBytes) {
    return;
  }
  sqlite3_db_release_memory(db_);
}

bool SqliteConnection::transaction_alive() const {
  return in_transaction_ && sqlite3_get_autocommit(db_) == 0;
}

Status SqliteConnection::Savepoint() {
  return RunTransactionStatement("SAVEPOINT sc_part");
}

Status SqliteConnection::ReleaseSavepoint() {
  return RunTransactionStatement("RELEASE sc_part");
}

Status SqliteConnection::RollbackToSavepoint() {
  Status undone = RunTransactionStatement("ROLLBACK TO sc_part");
  if (!undone.ok()) return undone;
  return RunTransactionStatement("RELEASE sc_part");
}

std::int64_t SqliteConnection::Changes() const {
  return sqlite3_changes64(db_);
}

std::int64_t SqliteConnection::LastInsertId() const {
  return sqlite3_last_insert_rowid(db_);
}

}  // namespace smartercities::storage
