// The SQLite storage on real files: opening, transactions, readers on
// several threads, statements, errors, migrations and backups.
#include "core/storage/sqlite_database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <latch>
#include <limits>
#include <thread>

#include "tests/core/storage/database_fixture.h"

namespace smartercities::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using SqliteDatabaseTest = DatabaseTest;

TEST_F(SqliteDatabaseTest, OpensInWalModeWithNormalSyncAndForeignKeys) {
  EXPECT_EQ(OneOnWriter("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(OneOnWriter("PRAGMA synchronous"), "1");
  EXPECT_EQ(OneOnWriter("PRAGMA foreign_keys"), "1");
  EXPECT_EQ(OneOnWriter("PRAGMA busy_timeout"), "5000");
  EXPECT_EQ(One("PRAGMA foreign_keys"), "1");
  EXPECT_EQ(One("SELECT group_concat(name) FROM pragma_table_info("
                "'schema_migrations')"),
            "owner,version,description,applied_at");
}

TEST_F(SqliteDatabaseTest, OpeningFailuresNameThePathAndTheReason) {
  std::string missing_dir = (dir_.path() / "no" / "such" / "x.db").string();
  auto missing = OpenSqlite({missing_dir});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr(missing_dir));
  EXPECT_THAT(missing.status().message(), HasSubstr("unable to open"));

  std::string garbage = (dir_.path() / "garbage.db").string();
  std::ofstream(garbage) << std::string(4096, 'x');
  auto not_a_database = OpenSqlite({garbage});
  ASSERT_FALSE(not_a_database.ok());
  EXPECT_THAT(not_a_database.status().message(), HasSubstr(garbage));
  EXPECT_THAT(not_a_database.status().message(),
              HasSubstr("file is not a database"));

  EXPECT_EQ(OpenSqlite({""}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteDatabaseTest, AWriteCommitsAndAFailedWriteLeavesNothingBehind) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(Exec("INSERT INTO t VALUES (1)").ok());
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "1");

  Status status = database_->Write([](Connection& db) {
    Status first = db.Execute("INSERT INTO t VALUES (2)", {});
    if (!first.ok()) return first;
    return db.Execute("INSERT INTO t VALUES (1)", {});
  });
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists);
  status = database_->Write([](Connection& db) {
    EXPECT_TRUE(db.Execute("INSERT INTO t VALUES (3)", {}).ok());
    return Status::InvalidArgument("the caller changed its mind");
  });
  EXPECT_EQ(status.message(), "the caller changed its mind");
  EXPECT_EQ(One("SELECT group_concat(a) FROM t"), "1");
}

TEST_F(SqliteDatabaseTest, AThrowingWriteRollsBackAndRethrows) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a INTEGER)").ok());
  EXPECT_THROW(database_->Write([](Connection& db) -> Status {
    EXPECT_TRUE(db.Execute("INSERT INTO t VALUES (2)", {}).ok());
    throw std::runtime_error("thrown inside the transaction");
  }),
               std::runtime_error);
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "0");
  EXPECT_TRUE(Exec("INSERT INTO t VALUES (3)").ok());
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "1");
}

TEST_F(SqliteDatabaseTest, WriteTransactionsDoNotNest) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a INTEGER)").ok());
  Status inner;
  Status outer = database_->Write([&](Connection& db) {
    inner = database_->Write([](Connection&) { return Status::Ok(); });
    return db.Execute("INSERT INTO t VALUES (1)", {});
  });
  EXPECT_TRUE(outer.ok()) << outer.message();
  EXPECT_EQ(inner.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(inner.message(), HasSubstr("do not nest"));
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "1");
}

TEST_F(SqliteDatabaseTest, ANestedWriteIsCaughtAcrossAnotherDatabase) {
  auto other = OpenSqlite({(dir_.path() / "other.db").string()});
  ASSERT_TRUE(other.ok());
  Status innermost;
  Status outer = database_->Write([&](Connection&) {
    return (*other)->Write([&](Connection&) {
      innermost = database_->Write([](Connection&) { return Status::Ok(); });
      return Status::Ok();
    });
  });
  EXPECT_TRUE(outer.ok()) << outer.message();
  EXPECT_EQ(innermost.code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqliteDatabaseTest, TheHostAloneBeginsAndEndsTransactions) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a INTEGER)").ok());
  Status status = database_->Write([](Connection& db) {
    EXPECT_TRUE(db.Execute("INSERT INTO t VALUES (1)", {}).ok());
    Status committed = db.Execute("COMMIT", {});
    EXPECT_EQ(committed.code(), StatusCode::kPermissionDenied);
    EXPECT_THAT(committed.message(), HasSubstr("begin or end a transaction"));
    EXPECT_FALSE(db.ExecuteScript("ROLLBACK; INSERT INTO t VALUES (2);").ok());
    return Status::InvalidArgument("undo");
  });
  EXPECT_EQ(status.message(), "undo");
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "0");
  Status in_read = database_->Read(
      [](Connection& db) { return db.Execute("BEGIN IMMEDIATE", {}); });
  EXPECT_EQ(in_read.code(), StatusCode::kPermissionDenied);
}

TEST_F(SqliteDatabaseTest, NothingRunsAfterSqliteRolledTheTransactionBack) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a INTEGER PRIMARY KEY)").ok());
  Status after;
  Status status = database_->Write([&](Connection& db) {
    EXPECT_TRUE(db.Execute("INSERT INTO t VALUES (1)", {}).ok());
    EXPECT_FALSE(db.Execute("INSERT OR ROLLBACK INTO t VALUES (1)", {}).ok());
    after = db.Execute("INSERT INTO t VALUES (2)", {});
    return Status::Ok();
  });
  EXPECT_EQ(after.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(after.message(), HasSubstr("rolled the transaction back"));
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("nothing was committed"));
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "0");
}

TEST_F(SqliteDatabaseTest, ReadConnectionsRefuseChanges) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a)").ok());
  for (const char* sql : {"INSERT INTO t VALUES (1)", "DELETE FROM t",
                          "CREATE TEMP TABLE scratch (a)"}) {
    Status status =
        database_->Read([&](Connection& db) { return db.Execute(sql, {}); });
    EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << sql;
    EXPECT_THAT(status.message(), HasSubstr("a read connection cannot change"));
  }
  Status script = database_->Read([](Connection& db) {
    return db.ExecuteScript("INSERT INTO t VALUES (1);");
  });
  EXPECT_EQ(script.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "0");
}

TEST_F(SqliteDatabaseTest, AReadSeesOneSnapshotWhileAWriterCommits) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a INTEGER)").ok());
  ASSERT_TRUE(Exec("INSERT INTO t VALUES (1)").ok());
  auto count = [](Connection& db) {
    auto rows = db.Query("SELECT COUNT(*) AS n FROM t", {});
    return rows.ok() ? rows->front().Integer("n") : -1;
  };
  std::int64_t before = 0;
  std::int64_t after = 0;
  std::int64_t nested = 0;
  Status status = database_->Read([&](Connection& db) {
    before = count(db);
    std::thread writer(
        [&] { EXPECT_TRUE(Exec("INSERT INTO t VALUES (2)").ok()); });
    writer.join();
    after = count(db);
    return database_->Read([&](Connection& inner) {
      nested = count(inner);
      return Status::Ok();
    });
  });
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(before, 1);
  EXPECT_EQ(after, 1);
  EXPECT_EQ(nested, 1);
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "2");
}

TEST_F(SqliteDatabaseTest, ReadersOnSeveralThreadsReadWhileOneWrites) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a INTEGER)").ok());
  constexpr int kRows = 100;
  std::atomic<int> problems{0};
  std::atomic<bool> writing{true};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      std::int64_t last = 0;
      do {
        Status status = database_->Read([&](Connection& db) {
          auto first = db.Query("SELECT COUNT(*) AS n FROM t", {});
          auto second = db.Query("SELECT MAX(a) + 1 AS n FROM t", {});
          if (!first.ok()) return first.status();
          if (!second.ok()) return second.status();
          std::int64_t count = first->front().Integer("n");
          // One snapshot: the rows are 0..count-1 in both statements, and
          // a later snapshot never has fewer.
          if (count > 0 && second->front().Integer("n") != count) ++problems;
          if (count < last) ++problems;
          last = count;
          return Status::Ok();
        });
        if (!status.ok()) ++problems;
      } while (writing);
    });
  }
  for (int i = 0; i < kRows; ++i) {
    ASSERT_TRUE(Exec("INSERT INTO t VALUES (?1)", {std::int64_t{i}}).ok());
  }
  writing = false;
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(problems, 0);
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), std::to_string(kRows));
}

TEST_F(SqliteDatabaseTest, AThreadsReadConnectionClosesWhenTheThreadExits) {
  EXPECT_EQ(database_->num_read_connections(), 0u);
  std::thread([&] {
    EXPECT_EQ(One("SELECT 1"), "1");
    EXPECT_EQ(One("SELECT 2"), "2");
    EXPECT_EQ(database_->num_read_connections(), 1u);
  }).join();
  EXPECT_EQ(database_->num_read_connections(), 0u);
  EXPECT_EQ(One("SELECT 1"), "1");
  EXPECT_EQ(database_->num_read_connections(), 1u);
}

TEST_F(SqliteDatabaseTest, ClosingTheDatabaseClosesTheReadersOfLiveThreads) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a)").ok());
  std::latch has_read(1);
  std::latch closed(1);
  std::thread reader([&] {
    EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "0");
    has_read.count_down();
    closed.wait();
  });
  has_read.wait();
  database_.reset();
  // The last connection to close checkpoints and removes the WAL file.
  EXPECT_FALSE(std::filesystem::exists(path() + "-wal"));
  closed.count_down();
  reader.join();
  Open();
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "0");
}

TEST_F(SqliteDatabaseTest, ValuesRoundTripWithTheirTypes) {
  ASSERT_TRUE(Exec("CREATE TABLE t (i, r, s, b, n)").ok());
  std::string with_nul("a\0b", 3);
  ASSERT_TRUE(
      Exec("INSERT INTO t VALUES (?1, ?2, ?3, X'00FF', ?4)",
           {std::numeric_limits<std::int64_t>::max(), -0.5, with_nul, nullptr})
          .ok());
  std::vector<Row> rows;
  Status status = database_->Read([&](Connection& db) {
    auto result = db.Query("SELECT * FROM t UNION ALL SELECT * FROM t", {});
    if (!result.ok()) return result.status();
    rows = std::move(result).value();
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::get<std::int64_t>(rows[0].Get("i")),
            std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(std::get<double>(rows[0].Get("r")), -0.5);
  EXPECT_EQ(std::get<std::string>(rows[0].Get("s")), with_nul);
  EXPECT_EQ(std::get<std::string>(rows[0].Get("b")), std::string("\0\xff", 2));
  EXPECT_TRUE(rows[0].IsNull("n"));
  EXPECT_EQ(&rows[0].names(), &rows[1].names());
}

TEST_F(SqliteDatabaseTest, ChangesAndLastInsertIdDescribeTheLastWrite) {
  ASSERT_TRUE(Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, a)").ok());
  Status status = database_->Write([](Connection& db) {
    EXPECT_TRUE(db.Execute("INSERT INTO t (a) VALUES (1), (2), (3)", {}).ok());
    EXPECT_EQ(db.Changes(), 3);
    EXPECT_EQ(db.LastInsertId(), 3);
    EXPECT_TRUE(db.Execute("UPDATE t SET a = 0 WHERE id > 1", {}).ok());
    EXPECT_EQ(db.Changes(), 2);
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.message();
}

TEST_F(SqliteDatabaseTest, FailuresNameTheStatementAndMapToCodes) {
  ASSERT_TRUE(database_
                  ->Write([](Connection& db) {
                    return db.ExecuteScript(R"sql(
                      CREATE TABLE parent (id INTEGER PRIMARY KEY);
                      INSERT INTO parent VALUES (1);
                      CREATE TABLE child (
                        parent INTEGER REFERENCES parent (id),
                        name TEXT NOT NULL,
                        size INTEGER CHECK (size > 0),
                        code TEXT UNIQUE);
                      INSERT INTO child VALUES (1, 'a', 1, 'x');
                    )sql");
                  })
                  .ok());
  const std::string insert = "INSERT INTO child VALUES (?1, ?2, ?3, ?4)";
  auto attempt = [&](Value parent, Value name, Value size, Value code) {
    return Exec(insert, {parent, name, size, code});
  };
  Status unique = attempt(std::int64_t{1}, "b", std::int64_t{1}, "x");
  EXPECT_EQ(unique.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(unique.message(),
            "'INSERT INTO child VALUES (?1, ?2, ?3, ?4)': UNIQUE constraint "
            "failed: child.code");
  EXPECT_EQ(Exec("INSERT INTO parent VALUES (1)").code(),
            StatusCode::kAlreadyExists);
  Status foreign = attempt(std::int64_t{2}, "b", std::int64_t{1}, "y");
  EXPECT_EQ(foreign.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(foreign.message(), HasSubstr("FOREIGN KEY constraint failed"));
  EXPECT_EQ(attempt(std::int64_t{1}, nullptr, std::int64_t{1}, "y").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(attempt(std::int64_t{1}, "b", std::int64_t{0}, "y").code(),
            StatusCode::kInvalidArgument);

  Status long_sql =
      Exec("SELECT parent, name, size, code FROM child WHERE missing = 1");
  EXPECT_EQ(long_sql.code(), StatusCode::kInternal);
  EXPECT_EQ(long_sql.message(),
            "'SELECT parent, name, size, code FROM chi...': no such "
            "column: missing");
  EXPECT_THAT(Exec("SELEKT 1").message(), HasSubstr("syntax error"));
  EXPECT_THAT(Exec(insert).message(), HasSubstr("expects 4 parameters, got 0"));
  EXPECT_THAT(Exec("SELECT 1; SELECT 2").message(),
              HasSubstr("more than one statement"));
  EXPECT_TRUE(Exec("SELECT 1; -- a comment").ok());
}

TEST_F(SqliteDatabaseTest, AScriptNamesTheStatementThatFailed) {
  Status status = database_->Write([](Connection& db) {
    return db.ExecuteScript(
        "CREATE TABLE a (x);\n  INSERT INTO nowhere VALUES (1);\nSELECT 1;");
  });
  EXPECT_EQ(status.message(),
            "'INSERT INTO nowhere VALUES (1);': no such table: nowhere");
}

SqliteConnection& Sqlite(Connection& connection) {
  return dynamic_cast<SqliteConnection&>(connection);
}

TEST_F(SqliteDatabaseTest, StatementsAreCachedAndFollowSchemaChanges) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a)").ok());
  ASSERT_TRUE(Exec("INSERT INTO t VALUES (1)").ok());
  Status status = database_->Write([](Connection& db) {
    auto first = db.Query("SELECT * FROM t", {});
    std::size_t cached = Sqlite(db).num_cached_statements();
    auto again = db.Query("SELECT * FROM t", {});
    EXPECT_EQ(Sqlite(db).num_cached_statements(), cached);
    EXPECT_TRUE(again.ok());
    EXPECT_TRUE(
        db.Execute("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'", {}).ok());
    auto changed = db.Query("SELECT * FROM t", {});
    if (!changed.ok()) return changed.status();
    EXPECT_EQ(changed->front().names().size(), 2u);
    EXPECT_EQ(changed->front().Text("b"), "x");
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.message();
}

TEST_F(SqliteDatabaseTest, AStatementMayRunAgainInsideItsOwnRows) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a)").ok());
  ASSERT_TRUE(Exec("INSERT INTO t VALUES (1), (2)").ok());
  std::vector<std::string> seen;
  Status status = database_->Read([&](Connection& db) {
    return db.Execute("SELECT a FROM t ORDER BY a", {}, [&](const Row& row) {
      auto inner = db.Query("SELECT a FROM t ORDER BY a", {});
      seen.push_back(row.Text("a") + "/" +
                     std::to_string(inner.ok() ? inner->size() : 0));
      return true;
    });
  });
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(seen, (std::vector<std::string>{"1/2", "2/2"}));
}

TEST_F(SqliteDatabaseTest, TheStatementCacheStaysBounded) {
  Status status = database_->Read([](Connection& db) {
    for (int i = 0; i < 300; ++i) {
      Status selected = db.Execute("SELECT " + std::to_string(i), {});
      if (!selected.ok()) return selected;
    }
    EXPECT_LE(Sqlite(db).num_cached_statements(),
              SqliteConnection::kMaxCachedStatements);
    return db.Execute("SELECT 299", {});
  });
  EXPECT_TRUE(status.ok()) << status.message();
}

std::vector<Migration> Migrations() {
  return {{1, "table", "CREATE TABLE m (a INTEGER);"},
          {2, "row", "INSERT INTO m VALUES (1);"}};
}

TEST_F(SqliteDatabaseTest, MigrationsApplyInOrderOnceAndAreRecorded) {
  ASSERT_TRUE(database_->Migrate({"core", ""}, Migrations()).ok());
  ASSERT_TRUE(database_->Migrate({"core", ""}, Migrations()).ok());
  Open();
  ASSERT_TRUE(database_->Migrate({"", ""}, Migrations()).ok());
  EXPECT_EQ(One("SELECT COUNT(*) FROM m"), "1");
  EXPECT_EQ(*database_->SchemaVersion("core"), 2);
  EXPECT_EQ(*database_->SchemaVersion("someone-else"), 0);
  EXPECT_EQ(One("SELECT group_concat(description) FROM schema_migrations "
                "WHERE owner = 'core'"),
            "table,row");
  EXPECT_THAT(One("SELECT applied_at FROM schema_migrations"),
              ::testing::MatchesRegex("20[0-9-]+T[0-9:]+Z"));
}

TEST_F(SqliteDatabaseTest, EachOwnerHasItsOwnVersions) {
  ASSERT_TRUE(database_->Migrate({"core", ""}, Migrations()).ok());
  std::vector<Migration> plugin = {
      {1, "parks", "CREATE TABLE groene_stad_parks (name TEXT);"}};
  ASSERT_TRUE(database_->Migrate({"groene-stad", "groene_stad_"}, plugin).ok());
  EXPECT_EQ(*database_->SchemaVersion("core"), 2);
  EXPECT_EQ(*database_->SchemaVersion("groene-stad"), 1);
}

TEST_F(SqliteDatabaseTest, AFailingMigrationLeavesNoTraceAndNamesItself) {
  auto migrations = Migrations();
  migrations.push_back(
      {3, "broken", "CREATE TABLE n (a); INSERT INTO nowhere VALUES (1);"});
  migrations.push_back({4, "later", "CREATE TABLE later (a);"});
  Status status = database_->Migrate({"core", ""}, migrations);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith("core migration 3 (broken): "));
  EXPECT_THAT(status.message(), HasSubstr("no such table: nowhere"));
  EXPECT_EQ(*database_->SchemaVersion("core"), 2);
  EXPECT_EQ(One("SELECT COUNT(*) FROM m"), "1");
  EXPECT_EQ(One("SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('n', "
                "'later')"),
            "0");
  EXPECT_EQ(One("SELECT COUNT(*) FROM schema_migrations WHERE version > 2"),
            "0");
}

TEST_F(SqliteDatabaseTest, AMigrationMayNotEndItsTransaction) {
  std::vector<Migration> migrations = {
      {1, "sneaky", "CREATE TABLE s (a); COMMIT; CREATE TABLE s2 (a);"}};
  Status status = database_->Migrate({"core", ""}, migrations);
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(*database_->SchemaVersion("core"), 0);
  EXPECT_EQ(One("SELECT COUNT(*) FROM sqlite_schema WHERE name = 's'"), "0");
}

TEST_F(SqliteDatabaseTest, MigrationsRefuseGapsRepeatsAndNewerDatabases) {
  std::vector<Migration> gap = {{1, "a", "SELECT 1;"}, {3, "c", "SELECT 1;"}};
  Status status = database_->Migrate({"groene-stad", "groene_stad_"}, gap);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("groene-stad migration 3 leaves a gap"));
  std::vector<Migration> repeat = {{1, "a", "SELECT 1;"},
                                   {1, "a", "SELECT 1;"}};
  EXPECT_THAT(database_->Migrate({"core", ""}, repeat).message(),
              HasSubstr("core migration 1 comes twice"));
  EXPECT_EQ(*database_->SchemaVersion("core"), 0);

  ASSERT_TRUE(database_->Migrate({"core", ""}, Migrations()).ok());
  std::vector<Migration> older = {Migrations()[0]};
  status = database_->Migrate({"core", ""}, older);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "the database has core migration 2 but this build knows 1..1; a "
            "newer build wrote it");
}

TEST_F(SqliteDatabaseTest, APluginPrefixMayNotCoverTablesItDidNotCreate) {
  ASSERT_TRUE(Exec("CREATE TABLE api_tokens (token TEXT)").ok());
  std::vector<Migration> migrations = {
      {1, "keys", "CREATE TABLE api_keys (k TEXT);"}};
  Status status = database_->Migrate({"api", "api_"}, migrations);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("already names 'api_tokens'"));
  EXPECT_EQ(*database_->SchemaVersion("api"), 0);
}

TEST_F(SqliteDatabaseTest, BackupIsAConsistentCheckedCopy) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a)").ok());
  ASSERT_TRUE(Exec("INSERT INTO t VALUES (42)").ok());
  std::string target = (dir_.path() / "backup.db").string();
  ASSERT_TRUE(database_->Backup(target).ok());
  EXPECT_EQ(database_->Backup(target).code(), StatusCode::kAlreadyExists);

  auto copy = OpenSqlite({target});
  ASSERT_TRUE(copy.ok()) << copy.status().message();
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
  EXPECT_EQ(*(*copy)->IntegrityCheck(), "ok");
  EXPECT_EQ(*database_->IntegrityCheck(), "ok");
}

TEST_F(SqliteDatabaseTest, BackupDoesNotWaitForAnOpenWrite) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a)").ok());
  ASSERT_TRUE(Exec("INSERT INTO t VALUES (1)").ok());
  std::latch writing(1);
  std::latch backed_up(1);
  std::thread writer([&] {
    Status status = database_->Write([&](Connection& db) {
      Status inserted = db.Execute("INSERT INTO t VALUES (2)", {});
      writing.count_down();
      backed_up.wait();
      return inserted;
    });
    EXPECT_TRUE(status.ok()) << status.message();
  });
  writing.wait();
  std::string target = (dir_.path() / "during-write.db").string();
  Status status = database_->Backup(target);
  backed_up.count_down();
  writer.join();
  ASSERT_TRUE(status.ok()) << status.message();
  auto copy = OpenSqlite({target});
  ASSERT_TRUE(copy.ok());
  Status read = (*copy)->Read([](Connection& db) {
    auto rows = db.Query("SELECT COUNT(*) AS n FROM t", {});
    EXPECT_TRUE(rows.ok());
    if (rows.ok()) {
      EXPECT_EQ(rows->front().Integer("n"), 1);
    }
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok());
}

TEST_F(SqliteDatabaseTest, AFailedBackupLeavesNoFile) {
  std::string target = (dir_.path() / "missing-dir" / "b.db").string();
  Status status = database_->Backup(target);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr(target));
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST_F(SqliteDatabaseTest, AReadOnlyDatabaseReadsButRefusesWrites) {
  ASSERT_TRUE(Exec("CREATE TABLE t (a)").ok());
  auto reader = OpenSqlite({path(), 5000, /*read_only=*/true});
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_TRUE((*reader)
                  ->Read([](Connection& db) {
                    return db.Execute("SELECT * FROM t", {});
                  })
                  .ok());
  Status write = (*reader)->Write([](Connection& db) {
    return db.Execute("INSERT INTO t VALUES (1)", {});
  });
  EXPECT_EQ(write.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(write.message(), HasSubstr("read-only"));
}

// Short writes checkpoint the write-ahead log as SQLite does, inside the
// commit that fills it; a long log (a large import) is copied into the
// database file by a thread of its own, and its commit does not wait.
TEST_F(SqliteDatabaseTest, ALongLogIsCheckpointedOutsideItsCommit) {
  ASSERT_TRUE(Exec("CREATE TABLE pages (data BLOB)").ok());
  auto file_size = [&] { return std::filesystem::file_size(path()); };
  std::uint64_t checkpoints = database_->num_checkpoints();
  std::uintmax_t before = file_size();
  // About 1,500 pages of 4 KiB, a transaction each.
  for (int i = 0; i < 1500; ++i) {
    ASSERT_TRUE(Exec("INSERT INTO pages VALUES (zeroblob(4000))").ok());
  }
  EXPECT_GE(file_size(), before + 3'000'000);
  EXPECT_EQ(database_->num_checkpoints(), checkpoints);

  // About 12,000 pages in one transaction.
  before = file_size();
  ASSERT_TRUE(Exec("INSERT INTO pages SELECT zeroblob(4000) FROM "
                   "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                   "FROM n WHERE i < 12000) SELECT i FROM n)")
                  .ok());
  for (int i = 0; i < 1000 && database_->num_checkpoints() == checkpoints;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GT(database_->num_checkpoints(), checkpoints);
  for (int i = 0; i < 1000 && file_size() < before + 40'000'000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(file_size(), before + 40'000'000);
  EXPECT_EQ(One("SELECT COUNT(*) FROM pages"), "13500");
}

TEST_F(SqliteDatabaseTest,
       ABulkWriteLeavesForeignKeysToItsCallerInItsOwnTransaction) {
  ASSERT_TRUE(Exec("CREATE TABLE parent (id INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(
      Exec("CREATE TABLE child (parent INTEGER REFERENCES parent (id))").ok());
  const std::string orphan = "INSERT INTO child VALUES (7)";
  // Inside a bulk write SQLite does not check the reference: the caller
  // does (once per distinct value), as the figures' import does.
  EXPECT_TRUE(
      database_
          ->WriteBulk([&](Connection& db) { return db.Execute(orphan, {}); })
          .ok());
  // Every other write is checked again, after a bulk write that committed
  // and after one that failed.
  EXPECT_THAT(Exec(orphan).message(),
              HasSubstr("FOREIGN KEY constraint failed"));
  EXPECT_FALSE(database_
                   ->WriteBulk([&](Connection& db) -> Status {
                     Status inserted = db.Execute(orphan, {});
                     if (!inserted.ok()) return inserted;
                     return Status::InvalidArgument("the caller gives up");
                   })
                   .ok());
  EXPECT_THAT(Exec(orphan).message(),
              HasSubstr("FOREIGN KEY constraint failed"));
  EXPECT_EQ(OneOnWriter("PRAGMA foreign_keys"), "1");
  EXPECT_EQ(One("SELECT COUNT(*) FROM child"), "1");
}

TEST_F(SqliteDatabaseTest, ExecuteViewsSeesEachTypeAndStopsWhenAsked) {
  ASSERT_TRUE(Exec("CREATE TABLE v (id INTEGER, name TEXT, value REAL, "
                   "note TEXT, data BLOB)")
                  .ok());
  ASSERT_TRUE(Exec("INSERT INTO v VALUES (1, 'één, \"twee\"', 55.5, NULL, "
                   "x'00ff'), (2, '', -1.25, 'b', NULL), (3, 'c', 0, 'c', "
                   "NULL)")
                  .ok());
  std::vector<std::string> seen;
  Status status = database_->Read([&](Connection& db) {
    std::vector<Value> params = {std::int64_t{2}};
    return db.ExecuteViews(
        "SELECT id, name, value, note, data FROM v WHERE id <= ?1 ORDER BY id",
        params, [&](std::span<const ValueView> row) {
          EXPECT_EQ(row.size(), 5u);
          std::string text = std::to_string(std::get<std::int64_t>(row[0]));
          text += '|';
          text += std::get<std::string_view>(row[1]);
          text += '|';
          text += std::to_string(std::get<double>(row[2]));
          text += '|';
          if (const auto* note = std::get_if<std::string_view>(&row[3])) {
            text += *note;
          } else {
            text +=
                std::holds_alternative<std::nullptr_t>(row[3]) ? "NULL" : "?";
          }
          text += '|';
          if (const auto* data = std::get_if<std::string_view>(&row[4])) {
            text += std::to_string(data->size());
          }
          seen.push_back(text);
          return true;
        });
  });
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_THAT(seen, ::testing::ElementsAre("1|één, \"twee\"|55.500000|NULL|2",
                                           "2||-1.250000|b|"));

  int rows = 0;
  status = database_->Read([&](Connection& db) {
    return db.ExecuteViews("SELECT id FROM v", {},
                           [&](std::span<const ValueView>) {
                             ++rows;
                             return false;
                           });
  });
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(rows, 1);
}

TEST_F(SqliteDatabaseTest, ExecuteViewsRefusesWhatExecuteRefuses) {
  ASSERT_TRUE(Exec("CREATE TABLE w (id INTEGER)").ok());
  Status status = database_->Read([&](Connection& db) {
    return db.ExecuteViews("INSERT INTO w VALUES (1)", {},
                           [](std::span<const ValueView>) { return true; });
  });
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("read connection"));
  status = database_->Read([&](Connection& db) {
    return db.ExecuteViews("SELECT id FROM missing", {},
                           [](std::span<const ValueView>) { return true; });
  });
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("missing"));
}

TEST_F(SqliteDatabaseTest, ReadPartReadsOnlyTheBytesAskedOfALongValue) {
  ASSERT_TRUE(Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body, n)").ok());
  std::string long_text;
  for (int i = 0; i < 5000; ++i)
    long_text += std::to_string(i % 10) + "abcdefghi";
  Status written = database_->Write([&](Connection& db) {
    return db.Execute(
        "INSERT INTO t VALUES (1, ?1, 5), (2, 'kort', NULL), "
        "(3, NULL, 7)",
        std::vector<Value>{long_text});
  });
  ASSERT_TRUE(written.ok()) << written.message();
  Status read = database_->Read([&](Connection& db) -> Status {
    // Rows one after another, as a page of search hits reads them.
    auto middle = db.ReadPart("t", "body", 1, 30000, 20);
    EXPECT_TRUE(middle.ok()) << middle.status().message();
    EXPECT_EQ(middle->bytes, long_text.substr(30000, 20));
    EXPECT_EQ(middle->whole, long_text.size());
    auto short_one = db.ReadPart("t", "body", 2, 1, 100);
    EXPECT_TRUE(short_one.ok()) << short_one.status().message();
    EXPECT_EQ(short_one->bytes, "ort");
    EXPECT_EQ(short_one->whole, 4u);
    auto past_end = db.ReadPart("t", "body", 1, long_text.size() - 3, 100);
    EXPECT_EQ(past_end->bytes, long_text.substr(long_text.size() - 3));
    EXPECT_EQ(db.ReadPart("t", "body", 1, long_text.size() + 5, 10)->bytes, "");
    // No value to read: a NULL, a number, no such row.
    EXPECT_EQ(db.ReadPart("t", "body", 3, 0, 10).status().code(),
              StatusCode::kNotFound);
    EXPECT_EQ(db.ReadPart("t", "n", 1, 0, 10).status().code(),
              StatusCode::kNotFound);
    auto missing = db.ReadPart("t", "body", 9, 0, 10);
    EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
    EXPECT_THAT(missing.status().message(), HasSubstr("t.body of row 9"));
    // After a failure the next row reads as before.
    EXPECT_EQ(db.ReadPart("t", "body", 1, 0, 10)->bytes,
              long_text.substr(0, 10));
    // A plugin's connection may not: its tables are read with SQL.
    db.SetScope(AccessScope{"onze-stad", "onze_stad_"});
    auto refused = db.ReadPart("t", "body", 1, 0, 10);
    db.SetScope(AccessScope{});
    EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
    EXPECT_THAT(refused.status().message(), HasSubstr("onze-stad"));
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
  // Outside a transaction as well.
  Status written_again = database_->Write([&](Connection& db) -> Status {
    auto part = db.ReadPart("t", "body", 1, 10, 5);
    if (!part.ok()) return part.status();
    EXPECT_EQ(part->bytes, long_text.substr(10, 5));
    return db.Execute("UPDATE t SET body = 'nieuw' WHERE id = 1", {});
  });
  ASSERT_TRUE(written_again.ok()) << written_again.message();
  read = database_->Read([&](Connection& db) -> Status {
    auto part = db.ReadPart("t", "body", 1, 0, 100);
    if (!part.ok()) return part.status();
    EXPECT_EQ(part->bytes, "nieuw");
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.message();
}
}  // namespace
}  // namespace smartercities::storage
