// The database's generation: what the response cache keys public answers on.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/core/storage/database_fixture.h"

namespace smartercities::storage {
namespace {

class GenerationTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    ASSERT_TRUE(database_
                    ->Write([](Connection& db) {
                      Status status = db.ExecuteScript(
                          "CREATE TABLE figures (value INTEGER);"
                          "CREATE TABLE sessions (id INTEGER);"
                          "CREATE TABLE ordered (k TEXT PRIMARY KEY, v "
                          "INTEGER) WITHOUT ROWID;");
                      return status;
                    })
                    .ok());
    database_->SetPrivateTables({"sessions"});
  }

  std::uint64_t WriteAndSee(const std::string& sql) {
    std::uint64_t before = database_->Generation();
    EXPECT_TRUE(
        database_->Write([&](Connection& db) { return db.ExecuteScript(sql); })
            .ok())
        << sql;
    return database_->Generation() - before;
  }
};

TEST_F(GenerationTest, GrowsWithEveryWriteToPublicData) {
  EXPECT_EQ(WriteAndSee("INSERT INTO figures VALUES (1)"), 1u);
  EXPECT_EQ(WriteAndSee("UPDATE figures SET value = 2"), 1u);
  EXPECT_EQ(WriteAndSee("DELETE FROM figures"), 1u);
}

TEST_F(GenerationTest, StaysWhenOnlyPrivateTablesChange) {
  EXPECT_EQ(WriteAndSee("INSERT INTO sessions VALUES (1)"), 0u);
  EXPECT_EQ(WriteAndSee("UPDATE sessions SET id = 2"), 0u);
  // Nothing changed at all.
  EXPECT_EQ(WriteAndSee("SELECT 1"), 0u);
}

TEST_F(GenerationTest, GrowsWhenAPrivateAndAPublicTableChangeTogether) {
  EXPECT_EQ(WriteAndSee("INSERT INTO sessions VALUES (1);"
                        "INSERT INTO figures VALUES (1)"),
            1u);
}

TEST_F(GenerationTest, CountsTablesTheUpdateHookDoesNotSee) {
  // SQLite's update hook skips WITHOUT ROWID tables; such a change must
  // still count.
  EXPECT_EQ(WriteAndSee("INSERT INTO ordered VALUES ('a', 1)"), 1u);
}

TEST_F(GenerationTest, NoticesAnotherProcessWriting) {
  std::uint64_t before = database_->Generation();
  database_->PollExternalChanges();
  EXPECT_EQ(database_->Generation(), before);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "INSERT INTO sessions VALUES (9)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);
  database_->PollExternalChanges();
  // Which tables another process changed cannot be known: it always counts.
  EXPECT_EQ(database_->Generation(), before + 1);
}

TEST_F(GenerationTest, ATableGenerationGrowsOnlyWithItsOwnRows) {
  std::uint64_t figures = database_->TableGeneration("figures");
  std::uint64_t sessions = database_->TableGeneration("sessions");
  EXPECT_EQ(WriteAndSee("INSERT INTO figures VALUES (1)"), 1u);
  EXPECT_EQ(database_->TableGeneration("figures"), figures + 1);
  EXPECT_EQ(database_->TableGeneration("sessions"), sessions);
  // A private table has a generation of its own too.
  WriteAndSee("INSERT INTO sessions VALUES (1)");
  EXPECT_EQ(database_->TableGeneration("sessions"), sessions + 1);
  EXPECT_EQ(database_->TableGeneration("figures"), figures + 1);
  // A failed write changed nothing and counts nothing.
  EXPECT_FALSE(database_
                   ->Write([](Connection& db) {
                     Status status =
                         db.ExecuteScript("INSERT INTO figures VALUES (2)");
                     if (!status.ok()) return status;
                     return Status::InvalidArgument("changed my mind");
                   })
                   .ok());
  EXPECT_EQ(database_->TableGeneration("figures"), figures + 1);
}

TEST_F(GenerationTest, EveryTableGrowsWhenAChangeCannotBeTraced) {
  std::uint64_t figures = database_->TableGeneration("figures");
  // The update hook does not see WITHOUT ROWID tables.
  WriteAndSee("INSERT INTO ordered VALUES ('a', 1)");
  EXPECT_GT(database_->TableGeneration("figures"), figures);
  // Nor which tables another process changed.
  figures = database_->TableGeneration("figures");
  database_->PollExternalChanges();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "INSERT INTO sessions VALUES (9)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);
  database_->PollExternalChanges();
  EXPECT_GT(database_->TableGeneration("figures"), figures);
}

}  // namespace
}  // namespace smartercities::storage
