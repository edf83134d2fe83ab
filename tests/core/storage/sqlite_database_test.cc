// The SQLite storage on real files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "core/storage/database.h"
#include "tests/support/test_support.h"

namespace smartercities::storage {
namespace {

using ::testing::HasSubstr;

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    database_.reset();
    auto database = OpenSqlite({(dir_.path() / "test.db").string()});
    ASSERT_TRUE(database.ok()) << database.status().message();
    database_ = std::move(database).value();
  }
  std::string One(const std::string& sql) {
    std::string value;
    Status status = database_->Read([&](Connection& db) {
      return db.Execute(sql, {}, [&](const Row& row) {
        value = row.OptionalText(row.names()[0]).value_or("NULL");
        return false;
      });
    });
    EXPECT_TRUE(status.ok()) << status.message();
    return value;
  }
  Status Exec(const std::string& sql, std::vector<Value> params = {}) {
    return database_->Write(
        [&](Connection& db) { return db.Execute(sql, params); });
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> database_;
};

TEST_F(SqliteDatabaseTest, OpensInWalModeWithNormalSyncAndForeignKeys) {
  EXPECT_EQ(One("PRAGMA journal_mode"), "wal");
  Status status = database_->Write([](Connection& db) {
    auto rows = db.Query("PRAGMA synchronous", {});
    if (!rows.ok()) return rows.status();
    EXPECT_EQ(rows->front().Integer("synchronous"), 1);
    auto keys = db.Query("PRAGMA foreign_keys", {});
    EXPECT_EQ(keys->front().Integer("foreign_keys"), 1);
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.message();
}

TEST_F(SqliteDatabaseTest, AFailedWriteLeavesNothingBehind) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a INTEGER PRIMARY KEY)").ok());
  Status status = database_->Write([](Connection& db) {
    Status first = db.Execute("INSERT INTO t VALUES (1)", {});
    if (!first.ok()) return first;
    return db.Execute("INSERT INTO t VALUES (1)", {});
  });
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "0");
  EXPECT_THROW(database_->Write([](Connection& db) -> Status {
    (void)db.Execute("INSERT INTO t VALUES (2)", {});
    throw std::runtime_error("thrown inside the transaction");
  }),
               std::runtime_error);
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "0");
}

TEST_F(SqliteDatabaseTest, WriteTransactionsDoNotNest) {
  Status status = database_->Write([&](Connection&) {
    return database_->Write([](Connection&) { return Status::Ok(); });
  });
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("do not nest"));
}

TEST_F(SqliteDatabaseTest, ReadConnectionsRefuseWrites) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a)").ok());
  Status status = database_->Read([](Connection& db) {
    return db.Execute("INSERT INTO t VALUES (1)", {});
  });
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("read connection"));
}

TEST_F(SqliteDatabaseTest, ReadersOnSeveralThreadsSeeCommittedWrites) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a INTEGER)").ok());
  std::atomic<bool> failed{false};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      for (int j = 0; j < 50; ++j) {
        Status status = database_->Read([](Connection& db) {
          return db.Execute("SELECT COUNT(*) FROM t", {});
        });
        if (!status.ok()) failed = true;
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(Exec("INSERT INTO t VALUES (?1)", {std::int64_t{i}}).ok());
  }
  for (auto& reader : readers) reader.join();
  EXPECT_FALSE(failed);
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "50");
}

TEST_F(SqliteDatabaseTest, ConstraintsMapToClearCodes) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a INTEGER NOT NULL CHECK (a > 0))").ok());
  EXPECT_EQ(Exec("INSERT INTO t VALUES (0)").code(),
            StatusCode::kInvalidArgument);
  Status wrong_count = Exec("INSERT INTO t VALUES (?1)");
  EXPECT_THAT(wrong_count.message(), HasSubstr("expects 1 parameters, got 0"));
  Status two = Exec("SELECT 1; SELECT 2");
  EXPECT_THAT(two.message(), HasSubstr("one statement at a time"));
}

std::vector<Migration> Migrations() {
  return {{1, "table", "CREATE TABLE m (a INTEGER);"},
          {2, "row", "INSERT INTO m VALUES (1);"}};
}

TEST_F(SqliteDatabaseTest, MigrationsApplyInOrderOnce) {
  ASSERT_TRUE(database_->Migrate({"core", ""}, Migrations()).ok());
  ASSERT_TRUE(database_->Migrate({"core", ""}, Migrations()).ok());
  Open();
  ASSERT_TRUE(database_->Migrate({"core", ""}, Migrations()).ok());
  EXPECT_EQ(One("SELECT COUNT(*) FROM m"), "1");
  EXPECT_EQ(*database_->SchemaVersion("core"), 2);
}

TEST_F(SqliteDatabaseTest, AFailingMigrationLeavesNoTraceAndNamesItself) {
  auto migrations = Migrations();
  migrations.push_back(
      {3, "broken", "CREATE TABLE n (a); INSERT INTO nowhere VALUES (1);"});
  Status status = database_->Migrate({"core", ""}, migrations);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("core migration 3 (broken)"));
  EXPECT_THAT(status.message(), HasSubstr("no such table: nowhere"));
  EXPECT_EQ(*database_->SchemaVersion("core"), 2);
  EXPECT_EQ(One("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'n'"), "0");
}

TEST_F(SqliteDatabaseTest, MigrationsRefuseGapsAndNewerDatabases) {
  std::vector<Migration> gap = {{1, "a", "SELECT 1;"}, {3, "c", "SELECT 1;"}};
  EXPECT_THAT(database_->Migrate({"core", ""}, gap).message(),
              HasSubstr("out of order"));
  ASSERT_TRUE(database_->Migrate({"core", ""}, Migrations()).ok());
  std::vector<Migration> older = {Migrations()[0]};
  Status status = database_->Migrate({"core", ""}, older);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("a newer build wrote it"));
}

class PluginScopeTest : public SqliteDatabaseTest {
 protected:
  void SetUp() override {
    SqliteDatabaseTest::SetUp();
    ASSERT_TRUE(Exec("CREATE TABLE users (name TEXT)").ok());
    ASSERT_TRUE(Exec("INSERT INTO users VALUES ('secret')").ok());
    ASSERT_TRUE(Exec("CREATE TABLE cities (code TEXT)").ok());
    ASSERT_TRUE(Exec("INSERT INTO cities VALUES ('GM0794')").ok());
    ASSERT_TRUE(
        Exec("CREATE VIEW public_cities AS SELECT code FROM cities").ok());
    ASSERT_TRUE(Exec("CREATE TABLE other_plugin_items (a)").ok());
  }
  Status AsPlugin(const std::string& sql) {
    return database_->Write([&](Connection& db) {
      db.SetScope(kScope);
      return db.Execute(sql, {});
    });
  }
  const AccessScope kScope{"groene-stad", "groene_stad_"};
};

TEST_F(PluginScopeTest, APluginUsesItsOwnTablesAndPublicViews) {
  EXPECT_TRUE(
      AsPlugin("CREATE TABLE groene_stad_parks (name TEXT, code TEXT)").ok());
  EXPECT_TRUE(
      AsPlugin(
          "CREATE INDEX groene_stad_parks_code ON groene_stad_parks (code)")
          .ok());
  EXPECT_TRUE(AsPlugin("INSERT INTO groene_stad_parks SELECT 'park', code FROM "
                       "public_cities")
                  .ok());
  EXPECT_TRUE(
      AsPlugin("ALTER TABLE groene_stad_parks ADD COLUMN area REAL").ok());
  EXPECT_TRUE(AsPlugin("UPDATE groene_stad_parks SET area = 1").ok());
  EXPECT_TRUE(AsPlugin("DELETE FROM groene_stad_parks WHERE area > 5").ok());
  EXPECT_TRUE(AsPlugin("DROP INDEX groene_stad_parks_code").ok());
  EXPECT_EQ(One("SELECT code FROM groene_stad_parks"), "GM0794");
}

TEST_F(PluginScopeTest, APluginIsRefusedEverythingElseWithTheNameGiven) {
  struct Case {
    const char* sql;
    const char* names;
  };
  for (const Case& c : std::vector<Case>{
           {"SELECT * FROM users", "read table 'users'"},
           {"SELECT * FROM other_plugin_items",
            "read table 'other_plugin_items'"},
           {"INSERT INTO cities VALUES ('x')", "write table 'cities'"},
           {"CREATE TABLE parks (a)", "create or drop 'parks'"},
           {"DROP TABLE users", "create or drop 'users'"},
           {"PRAGMA writable_schema = 1", "PRAGMA"},
           {"ATTACH DATABASE ':memory:' AS x", "attach"},
           {"SELECT * FROM sqlite_schema", "read table 'sqlite_master'"},
           {"CREATE VIEW groene_stad_v AS SELECT * FROM users", ""},
       }) {
    Status status = AsPlugin(c.sql);
    if (std::string(c.names).empty()) continue;
    EXPECT_EQ(status.code(), StatusCode::kPermissionDenied) << c.sql;
    EXPECT_THAT(status.message(), HasSubstr(c.names)) << c.sql;
    EXPECT_THAT(status.message(), HasSubstr("plugin 'groene-stad'")) << c.sql;
  }
  // A plugin's own view cannot reach through to a core table.
  Status through_view = AsPlugin("SELECT * FROM groene_stad_v");
  EXPECT_EQ(through_view.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(One("SELECT COUNT(*) FROM users"), "1");
}

TEST_F(PluginScopeTest, TheCoreStatementCacheNeverServesAPlugin) {
  EXPECT_EQ(One("SELECT name FROM users"), "secret");
  Status status = database_->Read([&](Connection& db) {
    db.SetScope(kScope);
    return db.Execute("SELECT name FROM users", {});
  });
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
}

TEST_F(PluginScopeTest, PluginMigrationsAreScopedToo) {
  std::vector<Migration> sneaky = {{1, "sneaky", "DELETE FROM users;"}};
  Status status = database_->Migrate(kScope, sneaky);
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("groene-stad migration 1"));
  EXPECT_EQ(One("SELECT COUNT(*) FROM users"), "1");
}

TEST_F(SqliteDatabaseTest, BackupIsAConsistentCheckedCopy) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a)").ok());
  ASSERT_TRUE(Exec("INSERT INTO t VALUES (42)").ok());
  std::string target = (dir_.path() / "backup.db").string();
  ASSERT_TRUE(database_->Backup(target).ok());
  EXPECT_EQ(database_->Backup(target).code(), StatusCode::kAlreadyExists);
  auto copy = OpenSqlite({target});
  ASSERT_TRUE(copy.ok());
  std::string value;
  ASSERT_TRUE((*copy)
                  ->Read([&](Connection& db) {
                    return db.Execute("SELECT a FROM t", {},
                                      [&](const Row& row) {
                                        value = row.Text("a");
                                        return false;
                                      });
                  })
                  .ok());
  EXPECT_EQ(value, "42");
  EXPECT_EQ(*database_->IntegrityCheck(), "ok");
}

}  // namespace
}  // namespace smartercities::storage
