// sqlite_connection.h — one SQLite connection with its cache of prepared
// statements and the access scope its authorizer enforces.
//
// Not thread-safe: a connection belongs to one thread at a time
// (SqliteDatabase hands the write connection to one writer and a read
// connection to each thread). Owns the sqlite3 handle and the statements.
#ifndef SMARTERCITIES_CORE_STORAGE_SQLITE_CONNECTION_H_
#define SMARTERCITIES_CORE_STORAGE_SQLITE_CONNECTION_H_

#include <memory>
#include <string>
#include <unordered_map>

#include "core/storage/authorizer.h"
#include "core/storage/database.h"

struct sqlite3;
struct sqlite3_stmt;

namespace smartercities::storage {

class SqliteConnection : public Connection {
 public:
  // Opens path (read_only: without write access) with foreign keys on and
  // the busy timeout set. Fails naming the path and SQLite's reason.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                        bool read_only,
                                                        int busy_timeout_ms);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Status Execute(std::string_view sql, std::span<const Value> params,
                 const RowCallback& on_row = nullptr) override;
  Result<std::vector<Row>> Query(std::string_view sql,
                                 std::span<const Value> params) override;
  Status ExecuteScript(std::string_view sql) override;
  std::int64_t Changes() const override;
  std::int64_t LastInsertId() const override;
  void SetScope(AccessScope scope) override;

  // Runs a statement without parameters and results (BEGIN, PRAGMA ...).
  Status Run(const char* sql);

  sqlite3* handle() { return db_; }

 private:
  explicit SqliteConnection(sqlite3* db);
  static int Authorize(void* self, int action, const char* arg1,
                       const char* arg2, const char* arg3, const char* arg4);
  Status Failure(int code, std::string_view sql);
  Result<sqlite3_stmt*> Prepare(std::string_view sql);

  sqlite3* db_;
  // Keyed by scope prefix and SQL: authorization happens at prepare, so a
  // statement prepared for the core must never serve a plugin.
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
  AccessScope scope_;
  AuthorizerState authorizer_;
};

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_SQLITE_CONNECTION_H_
