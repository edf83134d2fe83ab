// Durability: a server process takes concurrent writes and is killed with
// SIGKILL at random moments, twenty times over. After each kill, every write
// the server acknowledged (201) is in the database with its audit row, and
// an SQLite database passes PRAGMA integrity_check; at the end the audit
// trail's hash chain is intact. On both engines.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <regex>
#include <thread>

#include "tests/support/postgres_test_database.h"
#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;

// Runs sql on the database file and returns the first column of each row.
std::vector<std::string> QuerySqlite(const std::filesystem::path& file,
                                     const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) !=
      SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << file;
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) ==
      SQLITE_OK) {
    while (sqlite3_step(statement) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(statement, 0);
      out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
  } else {
    ADD_FAILURE() << sqlite3_errmsg(db) << " in " << sql;
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return out;
}

class DurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SMARTERCITIES_SKIP_WITHOUT_DATABASE(database_);
    std::filesystem::create_directories(plugin_dir());
    testing::CopyPlugin(testing::ThemePluginDir(), "bedrijvige_stad",
                        plugin_dir());
  }

  std::filesystem::path plugin_dir() const { return dir_.path() / "plugins"; }
  std::filesystem::path data_dir() const { return dir_.path() / "data"; }

  // The platform's arguments: its directories and database.
  std::vector<std::string> Arguments(std::vector<std::string> args) const {
    for (const std::string& arg :
         std::vector<std::string>{"--data-dir", data_dir().string(),
                                  "--plugin-dir", plugin_dir().string()}) {
      args.push_back(arg);
    }
    for (const std::string& arg : database_.ServeArguments()) {
      args.push_back(arg);
    }
    return args;
  }

  // Starts `smartercities serve --port 0`; returns the port it printed.
  std::uint16_t Serve() {
    server_.reset();
    server_.emplace(
        Arguments({"--log-level", "warn"}),
        std::map<std::string, std::string>{
            {"SMARTERCITIES_ADMIN_PASSWORD", "beheer-Kanaal-tulp-93"}});
    EXPECT_NE(server_->port(), 0) << server_->Output();
    return server_->port();
  }

  void Kill() {
    if (server_) server_->Kill();
  }

  // Runs sql on the database and returns the first column of each row.
  std::vector<std::string> Query(const std::string& sql) const {
    if (testing::TestOnPostgres()) return database_.QueryPostgres(sql);
    return QuerySqlite(data_dir() / "smartercities.db", sql);
  }

  testing::TempDir dir_;
  testing::TestDatabase database_;
  std::optional<testing::ServerProcess> server_;
};

TEST_F(DurabilityTest, EveryAcknowledgedWriteSurvivesSigkillWithItsAuditRow) {
  constexpr int kWritesBeforeTheKill = 6;
  std::random_device seed_source;
  unsigned seed = seed_source();
  SCOPED_TRACE("random seed " + std::to_string(seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> run_ms(0, 370);

  // id -> name of every acknowledged write.
  std::map<std::int64_t, std::string> acknowledged;
  std::mutex mutex;
  int total_attempts = 0;

  for (int round = 0; round < 20; ++round) {
    std::uint16_t port = Serve();
    ASSERT_NE(port, 0) << "round " << round;
    std::string token;
    {
      std::ifstream in(data_dir() / "admin-token");
      std::getline(in, token);
    }
    std::atomic<bool> stop{false};
    std::atomic<int> attempts{0};
    std::atomic<int> acknowledged_this_round{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        for (int n = 0; !stop.load(); ++n) {
          std::string name = "r" + std::to_string(round) + "-w" +
                             std::to_string(w) + "-" + std::to_string(n);
          ++attempts;
          try {
            testing::HttpResponse response = testing::Fetch(
                port, "POST", "/api/v1/themes/bedrijvige-stad/business-parks",
                {{"Authorization", "Bearer " + token},
                 {"Content-Type", "application/json"}},
                json{{"city", "GM0794"}, {"name", name}, {"hasFibre", true}}
                    .dump());
            if (response.status != 201) continue;
            json body = json::parse(response.body, nullptr, false);
            if (!body.is_object() || !body.contains("id")) continue;
            std::lock_guard lock(mutex);
            acknowledged[body["id"].get<std::int64_t>()] = name;
            ++acknowledged_this_round;
          } catch (const std::exception&) {
            // The server is gone; what was not acknowledged may be lost.
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          }
        }
      });
    }
    // The kill comes at a random moment once writes are flowing, so that
    // every round has some acknowledged and some in flight however slow the
    // machine or the engine is.
    auto flowing_by =
        std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (acknowledged_this_round.load() < kWritesBeforeTheKill &&
           std::chrono::steady_clock::now() < flowing_by) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(run_ms(random)));
    Kill();
    stop = true;
    for (auto& writer : writers) writer.join();
    total_attempts += attempts.load();
    ASSERT_GE(acknowledged_this_round.load(), kWritesBeforeTheKill)
        << "round " << round << ": writes did not flow within 30 seconds";

    if (!testing::TestOnPostgres()) {
      ASSERT_EQ(Query("PRAGMA integrity_check"), std::vector<std::string>{"ok"})
          << "round " << round;
    }
    std::set<std::string> stored;
    for (const auto& row : Query("SELECT id || ' ' || name FROM "
                                 "bedrijvige_stad_parks")) {
      stored.insert(row);
    }
    std::set<std::string> audited;
    for (const auto& row :
         Query("SELECT object FROM audit_log WHERE action = 'insert' AND "
               "object LIKE 'bedrijvige_stad_parks/%'")) {
      audited.insert(row);
    }
    std::lock_guard lock(mutex);
    for (const auto& [id, name] : acknowledged) {
      ASSERT_TRUE(stored.contains(std::to_string(id) + " " + name))
          << "round " << round << ": acknowledged write " << id << " (" << name
          << ") is lost";
      ASSERT_TRUE(
          audited.contains("bedrijvige_stad_parks/" + std::to_string(id)))
          << "round " << round << ": write " << id << " has no audit row";
    }
  }
  EXPECT_GT(acknowledged.size(), 100u) << total_attempts << " attempts";

  // The chain survived every kill.
  auto [code, output] = testing::RunCommand(Arguments({"audit", "verify"}));
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("intact"), std::string::npos) << output;
}

}  // namespace
}  // namespace smartercities
