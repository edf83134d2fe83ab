#include "core/storage/sqlite_connection.h"

#include <sqlite3.h>

namespace smartercities::storage {
namespace {

std::string Excerpt(std::string_view sql) {
  std::string out;
  for (char c : sql) {
    if (out.size() >= 60) {
      out += "...";
      break;
    }
    out += (c == '\n' || c == '\t') ? ' ' : c;
  }
  return out;
}

// Resets a statement when a call is done with it, however it ends.
class StatementReset {
 public:
  explicit StatementReset(sqlite3_stmt* statement) : statement_(statement) {}
  ~StatementReset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  sqlite3_stmt* statement_;
};

}  // namespace

SqliteConnection::SqliteConnection(sqlite3* db) : db_(db) {
  sqlite3_set_authorizer(db_, &SqliteConnection::Authorize, this);
}

SqliteConnection::~SqliteConnection() {
  for (auto& [key, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, bool read_only, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY
                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message =
        db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Unavailable("cannot open database '" + path +
                               "': " + message);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db));
  Status status = connection->Run("PRAGMA foreign_keys = ON");
  if (!status.ok()) return status.WithContext("opening '" + path + "'");
  return connection;
}

int SqliteConnection::Authorize(void* self, int action, const char* arg1,
                                const char* arg2, const char* arg3,
                                const char* arg4) {
  auto* connection = static_cast<SqliteConnection*>(self);
  return AuthorizePluginAction(connection->scope_, action, arg1, arg2, arg3,
                               arg4, connection->authorizer_)
             ? SQLITE_OK
             : SQLITE_DENY;
}

void SqliteConnection::SetScope(AccessScope scope) {
  scope_ = std::move(scope);
}

Status SqliteConnection::Failure(int code, std::string_view sql) {
  std::string where = "'" + Excerpt(sql) + "': ";
  if ((code & 0xff) == SQLITE_AUTH) {
    return Status::PermissionDenied(
        "plugin '" + scope_.owner + "' may not " + authorizer_.denied +
        " (only tables starting with '" + scope_.table_prefix +
        "' and views starting with 'public_')");
  }
  std::string message = where + sqlite3_errmsg(db_);
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status::AlreadyExists(message);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      return Status::InvalidArgument(message);
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(message);
    case SQLITE_READONLY:
      return Status::FailedPrecondition(message +
                                        " (a read connection cannot write)");
    case SQLITE_ERROR:
      return Status::InvalidArgument(message);
    default:
      return Status::Internal(message);
  }
}

Result<sqlite3_stmt*> SqliteConnection::Prepare(std::string_view sql) {
  std::string key = scope_.table_prefix + '\x1f' + std::string(sql);
  auto it = statements_.find(key);
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &statement, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(statement);
    return Failure(rc, sql);
  }
  if (statement == nullptr) {
    return Status::InvalidArgument("'" + Excerpt(sql) + "': no statement");
  }
  std::string_view rest(
      tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    sqlite3_finalize(statement);
    return Status::InvalidArgument("'" + Excerpt(sql) +
                                   "': one statement at a time, please");
  }
  statements_.emplace(std::move(key), statement);
  return statement;
}

Status SqliteConnection::Execute(std::string_view sql,
                                 std::span<const Value> params,
                                 const RowCallback& on_row) {
  authorizer_ = {};
  auto prepared = Prepare(sql);
  if (!prepared.ok()) return prepared.status();
  sqlite3_stmt* statement = *prepared;
  StatementReset reset(statement);
  int expected = sqlite3_bind_parameter_count(statement);
  if (expected != static_cast<int>(params.size())) {
    return Status::InvalidArgument(
        "'" + Excerpt(sql) + "': expects " + std::to_string(expected) +
        " parameters, got " + std::to_string(params.size()));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i + 1);
    const Value& value = params[i];
    int rc = SQLITE_OK;
    if (const auto* integer = std::get_if<std::int64_t>(&value)) {
      rc = sqlite3_bind_int64(statement, index, *integer);
    } else if (const auto* real = std::get_if<double>(&value)) {
      rc = sqlite3_bind_double(statement, index, *real);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      rc = sqlite3_bind_text(statement, index, text->data(),
                             static_cast<int>(text->size()), SQLITE_TRANSIENT);
    } else {
      rc = sqlite3_bind_null(statement, index);
    }
    if (rc != SQLITE_OK) return Failure(rc, sql);
  }
  std::shared_ptr<std::vector<std::string>> names;
  while (true) {
    int rc = sqlite3_step(statement);
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return Failure(rc, sql);
    if (!on_row) continue;
    int columns = sqlite3_column_count(statement);
    if (!names) {
      names = std::make_shared<std::vector<std::string>>();
      for (int i = 0; i < columns; ++i) {
        names->emplace_back(sqlite3_column_name(statement, i));
      }
    }
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(columns));
    for (int i = 0; i < columns; ++i) {
      switch (sqlite3_column_type(statement, i)) {
        case SQLITE_INTEGER:
          values.emplace_back(
              static_cast<std::int64_t>(sqlite3_column_int64(statement, i)));
          break;
        case SQLITE_FLOAT:
          values.emplace_back(sqlite3_column_double(statement, i));
          break;
        case SQLITE_NULL:
          values.emplace_back(nullptr);
          break;
        default: {
          const auto* text = sqlite3_column_text(statement, i);
          int size = sqlite3_column_bytes(statement, i);
          values.emplace_back(std::string(reinterpret_cast<const char*>(text),
                                          static_cast<std::size_t>(size)));
        }
      }
    }
    if (!on_row(Row(names, std::move(values)))) return Status::Ok();
  }
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
  authorizer_ = {};
  std::string script(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
  if (message != nullptr) sqlite3_free(message);
  if (rc != SQLITE_OK) return Failure(sqlite3_extended_errcode(db_), sql);
  return Status::Ok();
}

Status SqliteConnection::Run(const char* sql) {
  authorizer_ = {};
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Failure(sqlite3_extended_errcode(db_), sql);
  return Status::Ok();
}

std::int64_t SqliteConnection::Changes() const {
  return sqlite3_changes64(db_);
}

std::int64_t SqliteConnection::LastInsertId() const {
  return sqlite3_last_insert_rowid(db_);
}

}  // namespace smartercities::storage
