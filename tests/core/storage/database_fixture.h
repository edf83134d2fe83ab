// database_fixture.h — a fresh SQLite database file per test, with helpers
// to run one statement and read one value.
#ifndef SMARTERCITIES_TESTS_CORE_STORAGE_DATABASE_FIXTURE_H_
#define SMARTERCITIES_TESTS_CORE_STORAGE_DATABASE_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/storage/sqlite_database.h"
#include "tests/support/test_support.h"

namespace smartercities::storage {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  // (Re)opens the test's database file.
  void Open() {
    database_.reset();
    auto database = SqliteDatabase::Open({path()});
    ASSERT_TRUE(database.ok()) << database.status().message();
    database_ = std::move(database).value();
  }

  std::string path() const { return (dir_.path() / "test.db").string(); }

  // The first column of the first row as text ("NULL" for NULL), read on
  // this thread's read connection; "" when there is no row.
  std::string One(const std::string& sql, std::vector<Value> params = {}) {
    std::string value;
    Status status = database_->Read([&](Connection& db) {
      return db.Execute(sql, params, [&](const Row& row) {
        value = row.OptionalText(row.names()[0]).value_or("NULL");
        return false;
      });
    });
    EXPECT_TRUE(status.ok()) << status.message();
    return value;
  }

  // As One, on the write connection.
  std::string OneOnWriter(const std::string& sql) {
    std::string value;
    Status status = database_->Write([&](Connection& db) {
      return db.Execute(sql, {}, [&](const Row& row) {
        value = row.OptionalText(row.names()[0]).value_or("NULL");
        return false;
      });
    });
    EXPECT_TRUE(status.ok()) << status.message();
    return value;
  }

  // Runs one statement in a write transaction of its own.
  Status Exec(const std::string& sql, std::vector<Value> params = {}) {
    return database_->Write(
        [&](Connection& db) { return db.Execute(sql, params); });
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteDatabase> database_;
};

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_TESTS_CORE_STORAGE_DATABASE_FIXTURE_H_
