// sqlite_database.h — the SQLite implementation of Database: one file in
// WAL mode, one write connection shared by writers in turn, one read
// connection per thread.
//
// Thread-safety: as Database. The read connections are closed with the
// object; it must outlive every thread's use of it.
#ifndef SMARTERCITIES_CORE_STORAGE_SQLITE_DATABASE_H_
#define SMARTERCITIES_CORE_STORAGE_SQLITE_DATABASE_H_

#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "core/storage/database.h"
#include "core/storage/sqlite_connection.h"

namespace smartercities::storage {

class SqliteDatabase : public Database {
 public:
  static Result<std::unique_ptr<SqliteDatabase>> Open(
      const SqliteOptions& options);

  Status Read(const std::function<Status(Connection&)>& fn) override;
  Status Write(const std::function<Status(Connection&)>& fn) override;
  Status Migrate(const AccessScope& scope,
                 std::span<const Migration> migrations) override;
  Result<int> SchemaVersion(std::string_view owner) override;
  Status Backup(const std::string& path) override;
  Result<std::string> IntegrityCheck() override;

 private:
  SqliteDatabase(SqliteOptions options,
                 std::unique_ptr<SqliteConnection> writer);
  Result<SqliteConnection*> Reader();

  SqliteOptions options_;
  std::mutex write_mutex_;
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex readers_mutex_;
  std::map<std::thread::id, std::unique_ptr<SqliteConnection>> readers_;
};

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_SQLITE_DATABASE_H_
