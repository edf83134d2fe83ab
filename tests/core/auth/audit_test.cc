#include "core/auth/audit.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "core/auth/accounts.h"
#include "tests/core/auth/auth_fixture.h"

namespace smartercities::auth {
namespace {

using nlohmann::json;

class AuditTest : public testing::AuthDatabaseTest {
 protected:
  Status WriteAs(const std::string& who, const std::string& sql) {
    AuditRecorder recorder({who, kCityEditor, "req-" + who});
    storage::ScopedWriteObserver observe(&recorder);
    return database_->Write(
        [&](storage::Connection& db) { return db.Execute(sql, {}); });
  }

  std::vector<AuditEntry> Trail() {
    auto page = ReadAuditTrail(*database_, {});
    EXPECT_TRUE(page.ok());
    std::vector<AuditEntry> items(page->items.rbegin(), page->items.rend());
    return items;
  }

  // Changes the file behind the database's back, as an attacker with the
  // file would.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int result = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(result, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
};

TEST_F(AuditTest, EachKindOfChangeWritesItsRowWithOldAndNewValues) {
  ASSERT_TRUE(WriteAs("user:helmond",
                      "INSERT INTO measurements (indicator_id, city, period, "
                      "value, recorded_at, recorded_by) SELECT 'x', NULL, "
                      "'2026-01', 1, 'now', 'me' WHERE 0")
                  .ok());
  EXPECT_TRUE(Trail().empty()) << "no row changed, nothing to audit";

  ASSERT_TRUE(WriteAs("user:helmond",
                      "UPDATE cities SET note = 'deelnemer' WHERE cbs_code = "
                      "'GM0794'")
                  .ok());
  ASSERT_TRUE(WriteAs("cli",
                      "INSERT INTO operator_requests (kind, requested_at, "
                      "requested_by) VALUES ('rescan', 'now', 'cli')")
                  .ok());
  ASSERT_TRUE(WriteAs("user:tilburg",
                      "INSERT INTO modules (id, enabled, updated_at, "
                      "updated_by) VALUES ('groene-stad', 1, 'now', 'x')")
                  .ok());
  ASSERT_TRUE(
      WriteAs("user:tilburg", "DELETE FROM modules WHERE id = 'groene-stad'")
          .ok());

  auto trail = Trail();
  ASSERT_EQ(trail.size(), 3u) << "operator requests are not audited";
  EXPECT_EQ(trail[0].action, "update");
  EXPECT_EQ(trail[0].object, "cities/GM0794");
  EXPECT_EQ(trail[0].actor, "user:helmond");
  EXPECT_EQ(trail[0].role, kCityEditor);
  EXPECT_EQ(trail[0].request_id, "req-user:helmond");
  EXPECT_EQ(json::parse(trail[0].old_value)["note"], nullptr);
  EXPECT_EQ(json::parse(trail[0].new_value)["note"], "deelnemer");
  EXPECT_EQ(json::parse(trail[0].new_value)["name"], "Helmond");
  EXPECT_EQ(trail[0].at.size(), 20u);
  EXPECT_EQ(trail[0].at.back(), 'Z');

  EXPECT_EQ(trail[1].action, "insert");
  EXPECT_EQ(trail[1].object, "modules/groene-stad");
  EXPECT_TRUE(trail[1].old_value.empty());
  EXPECT_EQ(trail[2].action, "delete");
  EXPECT_TRUE(trail[2].new_value.empty());
  EXPECT_EQ(json::parse(trail[2].old_value)["enabled"], 1);
}

TEST_F(AuditTest, AChangeThatRollsBackLeavesNoAuditRow) {
  AuditRecorder recorder({"user:helmond", kCityEditor, "r1"});
  storage::ScopedWriteObserver observe(&recorder);
  Status status = database_->Write([](storage::Connection& db) -> Status {
    Status updated = db.Execute(
        "UPDATE cities SET note = 'x' WHERE cbs_code = 'GM0794'", {});
    if (!updated.ok()) return updated;
    return Status::InvalidArgument("the rest of the request failed");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(Trail().empty());
}

TEST_F(AuditTest, PasswordAndTokenHashesNeverReachTheTrail) {
  PasswordHasher hasher;
  Accounts accounts(*database_, hasher);
  AuditRecorder recorder({"cli", "operator", "cli"});
  storage::ScopedWriteObserver observe(&recorder);
  ASSERT_TRUE(
      accounts
          .Add({"helmond", "", kCityEditor, "GM0794", "fiets-Kanaal-tulp-93"})
          .ok());
  auto trail = Trail();
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_EQ(trail[0].object, "users/1");
  EXPECT_EQ(json::parse(trail[0].new_value)["password_hash"], "[redacted]");
  EXPECT_EQ(trail[0].new_value.find("argon2"), std::string::npos);
}

TEST_F(AuditTest, TheDatabaseRefusesToChangeOrDeleteTrailRows) {
  ASSERT_TRUE(WriteAs("user:helmond",
                      "UPDATE cities SET note = 'x' WHERE cbs_code = 'GM0794'")
                  .ok());
  Status update = database_->Write([](storage::Connection& db) {
    return db.Execute("UPDATE audit_log SET actor = 'someone else'", {});
  });
  EXPECT_FALSE(update.ok());
  EXPECT_NE(update.message().find("append-only"), std::string::npos)
      << update.message();
  Status remove = database_->Write([](storage::Connection& db) {
    return db.Execute("DELETE FROM audit_log", {});
  });
  EXPECT_FALSE(remove.ok());
  EXPECT_EQ(Trail().size(), 1u);
}

TEST_F(AuditTest, VerifyFindsARowChangedBehindTheDatabasesBack) {
  for (const char* note : {"a", "b", "c"}) {
    ASSERT_TRUE(
        WriteAs("user:helmond", std::string("UPDATE cities SET note = '") +
                                    note + "' WHERE cbs_code = 'GM0794'")
            .ok());
  }
  auto intact = VerifyAuditTrail(*database_);
  ASSERT_TRUE(intact.ok());
  EXPECT_EQ(intact->rows, 3);
  EXPECT_FALSE(intact->broken_at.has_value()) << intact->problem;

  Tamper(
      "DROP TRIGGER audit_log_append_only_update;"
      "UPDATE audit_log SET actor = 'user:tilburg' WHERE seq = 2;");
  auto broken = VerifyAuditTrail(*database_);
  ASSERT_TRUE(broken.ok());
  ASSERT_TRUE(broken->broken_at.has_value());
  EXPECT_EQ(*broken->broken_at, 2);
  EXPECT_NE(broken->problem.find("row 2"), std::string::npos)
      << broken->problem;
}

TEST_F(AuditTest, VerifyFindsARemovedRow) {
  for (const char* note : {"a", "b", "c"}) {
    ASSERT_TRUE(
        WriteAs("user:helmond", std::string("UPDATE cities SET note = '") +
                                    note + "' WHERE cbs_code = 'GM0794'")
            .ok());
  }
  Tamper(
      "DROP TRIGGER audit_log_append_only_delete;"
      "DELETE FROM audit_log WHERE seq = 2;");
  auto broken = VerifyAuditTrail(*database_);
  ASSERT_TRUE(broken.ok());
  ASSERT_TRUE(broken->broken_at.has_value());
  EXPECT_NE(broken->problem.find("missing"), std::string::npos)
      << broken->problem;
}

TEST_F(AuditTest, TheTrailIsFilteredByObjectActorAndTime) {
  ASSERT_TRUE(WriteAs("user:helmond",
                      "UPDATE cities SET note = 'a' WHERE cbs_code = 'GM0794'")
                  .ok());
  ASSERT_TRUE(WriteAs("user:tilburg",
                      "UPDATE cities SET note = 'b' WHERE cbs_code = 'GM0855'")
                  .ok());
  AuditFilter by_object;
  by_object.object = "cities/GM0855";
  EXPECT_EQ(ReadAuditTrail(*database_, by_object)->total, 1);
  AuditFilter by_table;
  by_table.object = "cities/";
  EXPECT_EQ(ReadAuditTrail(*database_, by_table)->total, 2);
  AuditFilter by_actor;
  by_actor.actor = "user:helmond";
  auto helmond = ReadAuditTrail(*database_, by_actor);
  ASSERT_EQ(helmond->items.size(), 1u);
  EXPECT_EQ(helmond->items[0].object, "cities/GM0794");
  AuditFilter later;
  later.from = "2999-01-01";
  EXPECT_EQ(ReadAuditTrail(*database_, later)->total, 0);
}

}  // namespace
}  // namespace smartercities::auth
