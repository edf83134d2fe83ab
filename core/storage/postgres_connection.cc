#include "core/storage/postgres_connection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <set>
#include <utility>

#include "core/storage/migration_rules.h"
#include "core/storage/postgres_sql.h"

namespace smartercities::storage {
namespace {

constexpr std::size_t kMaxCachedStatements = 512;

// PostgreSQL's type oids (catalog/pg_type_d.h, which Debian's libpq-dev
// does not ship).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

// What a statement after a failed one in the same transaction hears:
// PostgreSQL ends the transaction at a failure (SQLite goes on).
Status NotRunAfterAFailure(std::string_view sql) {
  return Status::FailedPrecondition(
      Excerpt(sql) +
      ": not run, because PostgreSQL ended the transaction after an "
      "earlier failure");
}

// libpq's messages end in a newline.
std::string Trimmed(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// Frees a PGresult when the scope ends.
struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

bool Succeeded(const PGresult* result) {
  ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

// Words that begin a statement only the host may run: transactions,
// sessions, roles and everything else that is not rows and tables.
bool IsTransactionWord(std::string_view word) {
  static const std::set<std::string, std::less<>> kWords = {
      "begin", "start",     "commit",  "end",    "rollback",
      "abort", "savepoint", "release", "prepare"};
  return kWords.contains(word);
}

// What a plugin's statement may begin with, and the second word a CREATE,
// DROP or ALTER must have.
bool PluginMayBegin(const std::vector<std::string>& words) {
  if (words.empty()) return false;
  static const std::set<std::string, std::less<>> kRows = {
      "select", "insert", "update", "delete", "with", "values"};
  const std::string& first = words[0];
  if (kRows.contains(first)) return true;
  std::string_view second =
      words.size() > 1 ? std::string_view(words[1]) : std::string_view();
  if (first == "create") {
    return second == "table" || second == "index" || second == "unique" ||
           second == "view";
  }
  if (first == "drop") {
    return second == "table" || second == "index" || second == "view";
  }
  return first == "alter" && second == "table";
}

// Words a plugin's statement may not hold anywhere: PostgreSQL's own
// functions and catalogues (among them set_config, which could take the
// session's rights back, and the advisory locks every write takes), large
// objects and links to other databases.
std::string ForbiddenWord(const std::vector<std::string>& words) {
  for (const std::string& word : words) {
    if (word.starts_with("pg_") || word.starts_with("lo_") ||
        word.starts_with("dblink") || word == "set_config" ||
        word == "information_schema" || word == "current_setting") {
      return word;
    }
  }
  return "";
}

// A view of column of row in result, as its type asks; bytea is unescaped
// into scratch, which must outlive the view.
ValueView ColumnView(const PGresult* result, int row, int column,
                     std::string* scratch) {
  if (PQgetisnull(result, row, column) != 0) return nullptr;
  const char* text = PQgetvalue(result, row, column);
  auto size = static_cast<std::size_t>(PQgetlength(result, row, column));
  switch (PQftype(result, column)) {
    case kInt8Oid:
    case kInt4Oid:
    case kInt2Oid:
    case kOidOid: {
      std::int64_t value = 0;
      std::from_chars(text, text + size, value);
      return value;
    }
    case kBoolOid:
      return std::int64_t{text[0] == 't' ? 1 : 0};
    case kNumericOid: {
      // A sum of integers is numeric; it stays an integer, as on SQLite.
      std::int64_t value = 0;
      auto [end, ec] = std::from_chars(text, text + size, value);
      if (ec == std::errc() && end == text + size) return value;
      return std::strtod(text, nullptr);
    }
    case kFloat4Oid:
    case kFloat8Oid:
      return std::strtod(text, nullptr);
    case kByteaOid: {
      std::size_t length = 0;
      unsigned char* bytes = PQunescapeBytea(
          reinterpret_cast<const unsigned char*>(text), &length);
      if (bytes == nullptr) return std::string_view();
      scratch->assign(reinterpret_cast<const char*>(bytes), length);
      PQfreemem(bytes);
      return std::string_view(*scratch);
    }
    default:
      return std::string_view(text, size);
  }
}

Value ToValue(const ValueView& view) {
  return std::visit(
      [](auto value) -> Value {
        if constexpr (std::is_same_v<decltype(value), std::string_view>) {
          return std::string(value);
        } else {
          return value;
        }
      },
      view);
}

ValueView ToView(const Value& value) {
  return std::visit([](const auto& v) -> ValueView { return v; }, value);
}

// The kind a parameter is sent as: integers and reals with their type, so
// that ?1 + 1 adds; text and NULL as unknown, so that PostgreSQL takes the
// type the statement needs ('5' compared with a BIGINT column is 5).
Oid TypeOf(const ValueView& value) {
  if (std::holds_alternative<std::int64_t>(value)) return kInt8Oid;
  if (std::holds_alternative<double>(value)) return kFloat8Oid;
  return 0;
}

// The real number's text that reads back as the same double.
std::string RealText(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : "NaN";
}

// The relation a 'relation "x" does not exist' message names, or "".
std::string MissingRelation(std::string_view message) {
  std::size_t open = message.find('"');
  if (open == std::string_view::npos) return "";
  std::size_t close = message.find('"', open + 1);
  if (close == std::string_view::npos) return "";
  return std::string(message.substr(open + 1, close - open - 1));
}

// SQLite's words for a unique key's violation, "UNIQUE constraint failed:
// t.a, t.b", from PostgreSQL's table and its detail "Key (a, b)=(...) already
// exists.", so that callers read one form on both engines (the SDK's
// registers name the fields from it). "" when the detail has no plain
// column list (a key on an expression).
std::string UniqueViolation(const PGresult* result) {
  const char* table = PQresultErrorField(result, PG_DIAG_TABLE_NAME);
  const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
  if (table == nullptr || detail == nullptr) return "";
  std::string_view text = detail;
  constexpr std::string_view kKey = "Key (";
  if (!text.starts_with(kKey)) return "";
  text.remove_prefix(kKey.size());
  std::size_t end = text.find(")=(");
  if (end == std::string_view::npos) return "";
  std::string_view columns = text.substr(0, end);
  if (columns.find_first_of("()'") != std::string_view::npos) return "";
  std::string out = "UNIQUE constraint failed: ";
  while (true) {
    std::size_t comma = columns.find(", ");
    out += table;
    out += '.';
    out += columns.substr(0, comma);
    if (comma == std::string_view::npos) break;
    out += ", ";
    columns.remove_prefix(comma + 2);
  }
  return out;
}

}  // namespace

std::string PluginSchema(const AccessScope& scope) {
  std::string schema = scope.table_prefix;
  while (!schema.empty() && schema.back() == '_') schema.pop_back();
  return schema;
}

std::string PluginRole(const AccessScope& scope) {
  return "smartercities_plugin_" + PluginSchema(scope);
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// One statement prepared once and run per row of a bulk write.
class PostgresConnection::PreparedStatement final : public Statement {
 public:
  PreparedStatement(PostgresConnection* connection, std::string sql)
      : connection_(connection), sql_(std::move(sql)) {}

  Result<std::int64_t> Run(std::span<const ValueView> params) override {
    Status status = connection_->Run(sql_, params, nullptr);
    if (!status.ok()) return status;
    return connection_->changes_;
  }

 private:
  PostgresConnection* connection_;
  std::string sql_;
};

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::Connect(
    const std::string& url) {
  PGconn* connection = PQconnectdb(url.c_str());
  if (connection == nullptr) {
    return Status::Unavailable("cannot connect to PostgreSQL: out of memory");
  }
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string where;
    if (const char* host = PQhost(connection); host != nullptr && *host) {
      where = std::string(" at ") + host;
      if (const char* port = PQport(connection); port != nullptr && *port) {
        where += std::string(":") + port;
      }
    }
    if (const char* db = PQdb(connection); db != nullptr && *db) {
      where += std::string(", database '") + db + "'";
    }
    std::string reason = Trimmed(PQerrorMessage(connection));
    PQfinish(connection);
    return Status::Unavailable("cannot connect to PostgreSQL" + where + ": " +
                               reason);
  }
  // Notices (an IF NOT EXISTS that found the object) are not errors.
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);
  std::unique_ptr<PostgresConnection> result(
      new PostgresConnection(connection));
  Status status = result->Command(
      "SET client_encoding = 'UTF8'; SET search_path = public; "
      "SET TIME ZONE 'UTC'");
  if (!status.ok()) return status.WithContext("setting up the connection");
  return result;
}

PostgresConnection::PostgresConnection(pg_conn* connection)
    : connection_(connection) {}

PostgresConnection::~PostgresConnection() { PQfinish(connection_); }

Status PostgresConnection::Raw(std::string_view sql) {
  ResultPtr result(PQexec(connection_, std::string(sql).c_str()));
  if (!Succeeded(result.get())) {
    if (in_transaction_) aborted_ = true;
    return Failure(sql, result.get());
  }
  return Status::Ok();
}

Status PostgresConnection::Command(std::string_view sql) {
  if (Status scoped = ApplyScope(); !scoped.ok()) return scoped;
  return Raw(sql);
}

void PostgresConnection::SetHostSearchPath(const std::string& path) {
  if (path == host_search_path_) return;
  host_search_path_ = path;
  if (scope_.table_prefix.empty()) scope_applied_ = false;
}

bool PostgresConnection::TakeCreatedTables() {
  return std::exchange(created_tables_, false);
}

Status PostgresConnection::Begin(bool read_only, std::string_view then) {
  if (in_transaction_) {
    return Status::FailedPrecondition("a transaction is already open");
  }
  SetScope({});
  if (Status reset = ApplyScope(); !reset.ok()) return reset;
  std::string sql =
      read_only ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
  if (!then.empty()) {
    sql += "; ";
    sql += then;
  }
  Status status = Raw(sql);
  if (!status.ok()) {
    // The BEGIN ran when what followed it failed: end what it began.
    if (PQtransactionStatus(connection_) != PQTRANS_IDLE) {
      ResultPtr ended(PQexec(connection_, "ROLLBACK"));
    }
    return status;
  }
  in_transaction_ = true;
  aborted_ = false;
  return Status::Ok();
}

Status PostgresConnection::Commit() {
  if (!in_transaction_) {
    return Status::FailedPrecondition("there is no transaction to commit");
  }
  if (aborted_) {
    Rollback();
    return Status::FailedPrecondition(
        "the transaction was not committed: PostgreSQL ended it after a "
        "statement in it failed");
  }
  Status status = Raw("COMMIT");
  in_transaction_ = false;
  aborted_ = false;
  SetScope({});
  if (Status reset = ApplyScope(); status.ok() && !reset.ok()) return reset;
  return status;
}

void PostgresConnection::Rollback() {
  if (in_transaction_) {
    (void)Raw("ROLLBACK");
    in_transaction_ = false;
    aborted_ = false;
  }
  SetScope({});
  (void)ApplyScope();
}

void PostgresConnection::SetScope(AccessScope scope) {
  if (scope.table_prefix == scope_.table_prefix) {
    scope_ = std::move(scope);
    return;
  }
  scope_ = std::move(scope);
  scope_applied_ = false;
}

Status PostgresConnection::ApplyScope() {
  if (scope_applied_) return Status::Ok();
  if (aborted_) return Status::Ok();  // applied after the rollback
  std::string sql =
      scope_.table_prefix.empty()
          ? "RESET ROLE; SET search_path = " + host_search_path_
          : "SET ROLE " + QuoteIdentifier(PluginRole(scope_)) +
                "; SET search_path = " + QuoteIdentifier(PluginSchema(scope_)) +
                ", public";
  ResultPtr result(PQexec(connection_, sql.c_str()));
  if (!Succeeded(result.get())) {
    std::string reason =
        Trimmed(PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY));
    if (in_transaction_) aborted_ = true;
    const std::string& owner =
        scope_.owner.empty() ? scope_.table_prefix : scope_.owner;
    return Status::PermissionDenied(
        scope_.table_prefix.empty()
            ? "cannot give the connection back to the host: " + reason
            : "cannot run statements as plugin '" + owner +
                  "': its role is missing (" + reason +
                  "); the host makes it when it migrates the plugin");
  }
  scope_applied_ = true;
  return Status::Ok();
}

Status PostgresConnection::CheckStatement(std::string_view sql) {
  std::vector<std::string> words = StatementWords(sql);
  if (words.size() > 1 && words[0] == "create" &&
      (words[1] == "table" || words[1] == "unlogged")) {
    created_tables_ = true;
  }
  if (!words.empty() && IsTransactionWord(words[0])) {
    return Status::FailedPrecondition(
        Excerpt(sql) +
        ": transactions are begun and ended by the host (Database::Write), "
        "not by a statement");
  }
  if (scope_.table_prefix.empty()) return Status::Ok();
  const std::string& owner =
      scope_.owner.empty() ? scope_.table_prefix : scope_.owner;
  std::string denied;
  if (!PluginMayBegin(words)) {
    denied = "run '" + (words.empty() ? std::string() : words[0]) +
             (words.size() > 1 ? " " + words[1] : std::string()) +
             "' statements";
  } else if (std::string word = ForbiddenWord(words); !word.empty()) {
    denied = "use '" + word + "'";
  }
  if (denied.empty()) return Status::Ok();
  return Status::PermissionDenied(
      "plugin '" + owner + "' may not " + denied +
      " (only rows and tables in its own schema '" + PluginSchema(scope_) +
      "' and views starting with 'public_'), in " + Excerpt(sql));
}

Status PostgresConnection::Failure(std::string_view sql,
                                   const void* raw) const {
  const auto* result = static_cast<const PGresult*>(raw);
  std::string where = Excerpt(sql);
  const char* state_field = result == nullptr
                                ? nullptr
                                : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string state = state_field == nullptr ? "" : state_field;
  const char* primary =
      result == nullptr ? nullptr
                        : PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  std::string reason =
      Trimmed(primary != nullptr ? primary : PQerrorMessage(connection_));
  std::string message = where + ": " + reason;
  // 08P01 is a bind message that does not fit its statement (a wrong number
  // of parameters): the program's fault, and the connection is fine.
  if (PQstatus(connection_) != CONNECTION_OK ||
      (state.starts_with("08") && state != "08P01")) {
    return Status::Unavailable(message +
                               " (the connection to PostgreSQL "
                               "is lost)");
  }
  if (!scope_.table_prefix.empty()) {
    const std::string& owner =
        scope_.owner.empty() ? scope_.table_prefix : scope_.owner;
    std::string missing = state == "42P01" ? MissingRelation(reason) : "";
    if (state == "42501" ||
        (!missing.empty() && !missing.starts_with(scope_.table_prefix))) {
      return Status::PermissionDenied(
          "plugin '" + owner + "' may not use what it asked for: " + reason +
          " (only tables in its own schema '" + PluginSchema(scope_) +
          "' and views starting with 'public_'), in " + where);
    }
  }
  if (state == "25006") {
    return Status::FailedPrecondition(
        where +
        ": a read connection cannot change the database; use "
        "Database::Write");
  }
  if (state == "25P02") {
    return Status::FailedPrecondition(
        where +
        ": not run, because PostgreSQL ended the transaction after "
        "an earlier failure");
  }
  if (state == "23505") {
    std::string unique = UniqueViolation(result);
    return Status::AlreadyExists(unique.empty() ? message
                                                : where + ": " + unique);
  }
  if (state == "23503" || state == "23514" || state == "23502" ||
      state.starts_with("22")) {
    return Status::InvalidArgument(message);
  }
  if (state.starts_with("23")) return Status::FailedPrecondition(message);
  if (state == "40001" || state == "40P01" || state == "55P03" ||
      state == "57014" || state.starts_with("53")) {
    return Status::Unavailable(message);
  }
  if (state == "42501") return Status::PermissionDenied(message);
  // Anything else, SQL the engine refuses (class 42) included, is the
  // program's fault, not the caller's input.
  return Status::Internal(message);
}

Result<std::string> PostgresConnection::Prepare(
    std::string_view sql, const std::vector<unsigned>& types) {
  std::string key;
  key.reserve(scope_.table_prefix.size() + types.size() * 4 + sql.size() + 2);
  key += scope_.table_prefix;
  key += '\x1f';
  for (unsigned type : types) {
    key += std::to_string(type);
    key += ',';
  }
  key += '\x1f';
  key += sql;
  if (auto it = statements_.find(key); it != statements_.end()) {
    return it->second;
  }
  if (Status allowed = CheckStatement(sql); !allowed.ok()) {
    return allowed;
  }
  std::vector<std::string_view> parts = SplitStatements(sql);
  if (parts.empty()) {
    return Status::Internal(Excerpt(sql) + ": there is no statement to run");
  }
  if (parts.size() > 1) {
    return Status::Internal(
        Excerpt(sql) +
        ": holds more than one statement; run one at a time, or a script "
        "with ExecuteScript");
  }
  if (statements_.size() >= kMaxCachedStatements) {
    (void)Raw("DEALLOCATE ALL");
    statements_.clear();
  }
  std::string name = "s" + std::to_string(++next_statement_);
  std::string translated = ToPostgresSql(sql);
  std::vector<Oid> oids(types.begin(), types.end());
  ResultPtr result(PQprepare(connection_, name.c_str(), translated.c_str(),
                             static_cast<int>(oids.size()),
                             oids.empty() ? nullptr : oids.data()));
  if (!Succeeded(result.get())) {
    if (in_transaction_) aborted_ = true;
    return Failure(sql, result.get());
  }
  statements_.emplace(std::move(key), name);
  return name;
}

Status PostgresConnection::Run(std::string_view sql,
                               std::span<const ValueView> params,
                               const RowViewCallback& on_row) {
  if (aborted_) {
    return NotRunAfterAFailure(sql);
  }
  if (Status scoped = ApplyScope(); !scoped.ok()) return scoped;
  std::vector<unsigned> types;
  types.reserve(params.size());
  for (const ValueView& param : params) types.push_back(TypeOf(param));
  auto name = Prepare(sql, types);
  if (!name.ok()) return name.status();
  return RunPrepared(sql, *name, params, on_row);
}

Status PostgresConnection::RunPrepared(std::string_view sql,
                                       const std::string& name,
                                       std::span<const ValueView> params,
                                       const RowViewCallback& on_row) {
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<int> lengths(params.size(), 0);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const ValueView& param = params[i];
    if (const auto* integer = std::get_if<std::int64_t>(&param)) {
      texts[i] = std::to_string(*integer);
    } else if (const auto* real = std::get_if<double>(&param)) {
      texts[i] = RealText(*real);
    } else if (const auto* text = std::get_if<std::string_view>(&param)) {
      texts[i] = std::string(*text);
    } else {
      continue;  // NULL
    }
    values[i] = texts[i].c_str();
    lengths[i] = static_cast<int>(texts[i].size());
  }
  ResultPtr result(PQexecPrepared(connection_, name.c_str(),
                                  static_cast<int>(params.size()),
                                  values.data(), lengths.data(), nullptr, 0));
  if (!Succeeded(result.get())) {
    if (in_transaction_) aborted_ = true;
    return Failure(sql, result.get());
  }
  std::string_view command = PQcmdStatus(result.get());
  if (command.starts_with("INSERT") || command.starts_with("UPDATE") ||
      command.starts_with("DELETE") || command.starts_with("MERGE")) {
    changes_ = std::atoll(PQcmdTuples(result.get()));
  }
  if (!on_row) return Status::Ok();
  int rows = PQntuples(result.get());
  int columns = PQnfields(result.get());
  column_names_.clear();
  for (int column = 0; column < columns; ++column) {
    const char* column_name = PQfname(result.get(), column);
    column_names_.emplace_back(column_name == nullptr ? "" : column_name);
  }
  std::vector<ValueView> views(static_cast<std::size_t>(columns));
  std::vector<std::string> scratch(static_cast<std::size_t>(columns));
  for (int row = 0; row < rows; ++row) {
    for (int column = 0; column < columns; ++column) {
      auto at = static_cast<std::size_t>(column);
      views[at] = ColumnView(result.get(), row, column, &scratch[at]);
    }
    if (!on_row(views)) break;
  }
  return Status::Ok();
}

Status PostgresConnection::Execute(std::string_view sql,
                                   std::span<const Value> params,
                                   const RowCallback& on_row) {
  std::vector<ValueView> views;
  views.reserve(params.size());
  for (const Value& param : params) views.push_back(ToView(param));
  if (!on_row) return Run(sql, views, nullptr);
  // The names are shared by the rows of this call; taken at its first row,
  // before on_row may run other statements.
  std::shared_ptr<std::vector<std::string>> names;
  return Run(sql, views, [&](std::span<const ValueView> row) {
    if (!names) {
      names = std::make_shared<std::vector<std::string>>(column_names_);
    }
    std::vector<Value> values;
    values.reserve(row.size());
    for (const ValueView& view : row) values.push_back(ToValue(view));
    return on_row(Row(names, std::move(values)));
  });
}

Status PostgresConnection::ExecuteViews(std::string_view sql,
                                        std::span<const Value> params,
                                        const RowViewCallback& on_row) {
  std::vector<ValueView> views;
  views.reserve(params.size());
  for (const Value& param : params) views.push_back(ToView(param));
  return Run(sql, views, on_row);
}

Result<std::vector<Row>> PostgresConnection::Query(
    std::string_view sql, std::span<const Value> params) {
  std::vector<Row> rows;
  Status status = Execute(sql, params, [&](const Row& row) {
    rows.push_back(row);
    return true;
  });
  if (!status.ok()) return status;
  return rows;
}

Status PostgresConnection::ExecuteScript(std::string_view sql) {
  if (aborted_) {
    return NotRunAfterAFailure(sql);
  }
  if (Status scoped = ApplyScope(); !scoped.ok()) return scoped;
  // Each statement is checked, and run on its own, so that a failure names
  // the statement that failed.
  for (std::string_view statement : SplitStatements(sql)) {
    if (Status allowed = CheckStatement(statement); !allowed.ok()) {
      return allowed;
    }
    std::string translated = ToPostgresSql(statement);
    ResultPtr result(PQexec(connection_, translated.c_str()));
    if (!Succeeded(result.get())) {
      if (in_transaction_) aborted_ = true;
      return Failure(statement, result.get());
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<Statement>> PostgresConnection::PrepareStatement(
    std::string_view sql) {
  if (Status allowed = CheckStatement(sql); !allowed.ok()) {
    return allowed;
  }
  return std::unique_ptr<Statement>(
      new PreparedStatement(this, std::string(sql)));
}

std::int64_t PostgresConnection::LastInsertId() const {
  // lastval() fails when nothing was drawn yet, and a failure ends the
  // transaction: inside one, it is asked under a savepoint.
  if (in_transaction_ && !aborted_) {
    ResultPtr saved(PQexec(connection_, "SAVEPOINT last_insert_id"));
    if (!Succeeded(saved.get())) return 0;
  }
  ResultPtr result(PQexec(connection_, "SELECT lastval()"));
  std::int64_t id = 0;
  bool ok = Succeeded(result.get()) && PQntuples(result.get()) == 1;
  if (ok) id = std::atoll(PQgetvalue(result.get(), 0, 0));
  if (in_transaction_ && !aborted_) {
    ResultPtr back(
        PQexec(connection_, ok ? "RELEASE SAVEPOINT last_insert_id"
                               : "ROLLBACK TO SAVEPOINT last_insert_id"));
  }
  return id;
}

Result<Connection::ValuePart> PostgresConnection::ReadPart(
    std::string_view table, std::string_view column, std::int64_t rowid,
    std::size_t offset, std::size_t length) {
  std::string where = std::string(table) + "." + std::string(column) +
                      " of row " + std::to_string(rowid);
  if (!scope_.table_prefix.empty()) {
    return Status::PermissionDenied("plugin '" + scope_.owner +
                                    "' may not read parts of " + where);
  }
  std::string sql = "SELECT octet_length(" + QuoteIdentifier(column) +
                    ") AS whole, " + "substring(convert_to(" +
                    QuoteIdentifier(column) +
                    ", 'UTF8') FROM ?2::int FOR ?3::int) AS part, pg_typeof(" +
                    QuoteIdentifier(column) + ")::text AS type FROM " +
                    QuoteIdentifier(table) + " WHERE id = ?1";
  std::optional<ValuePart> part;
  bool text = true;
  std::vector<Value> params{rowid, static_cast<std::int64_t>(offset + 1),
                            static_cast<std::int64_t>(length)};
  Status status = Execute(sql, params, [&](const Row& row) {
    if (row.IsNull("whole")) return false;
    std::string type = row.Text("type");
    text = type == "text" || type == "character varying";
    part = ValuePart{row.Text("part"),
                     static_cast<std::size_t>(row.Integer("whole"))};
    return false;
  });
  if (!status.ok()) return status.WithContext("reading " + where);
  if (!part || !text) {
    return Status::NotFound("no text to read in " + where);
  }
  return *part;
}

std::vector<PostgresConnection::Notification>
PostgresConnection::TakeNotifications() {
  std::vector<Notification> out;
  PQconsumeInput(connection_);
  while (PGnotify* notify = PQnotifies(connection_)) {
    out.push_back({notify->relname == nullptr ? "" : notify->relname,
                   notify->extra == nullptr ? "" : notify->extra,
                   notify->be_pid});
    PQfreemem(notify);
  }
  return out;
}

int PostgresConnection::backend_pid() const {
  return PQbackendPID(connection_);
}

int PostgresConnection::socket() const { return PQsocket(connection_); }

bool PostgresConnection::ConsumeInput() {
  return PQconsumeInput(connection_) == 1 &&
         PQstatus(connection_) == CONNECTION_OK;
}

}  // namespace smartercities::storage
