// A data directory that an earlier release wrote, served by this one: the
// operator runs `scripts/run` again after `git pull` and finds everything
// they had. The fixture is release 0.1.0 (commit 46de89e) as it left its
// data directory after a first start, two figures (one of an indicator this
// release retired), a register record, a city editor and a module switched
// off; tests/fixtures/upgrade/README.md says how it was made.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/domain/core_schema.h"
#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;

const char* const kFixture = "data-0.1.0-46de89e";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Runs sql against the database file at path; the error text, or empty.
std::string Execute(const fs::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string error;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    error = sqlite3_errmsg(db);
  } else {
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) !=
        SQLITE_OK) {
      error = message != nullptr ? message : "failed";
      sqlite3_free(message);
    }
  }
  sqlite3_close(db);
  return error;
}

// The single value `sql` selects from the database file at path.
std::string SelectOne(const fs::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string value;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(statement, 0);
      if (text != nullptr) value = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return value;
}

class UpgradeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::path fixtures = testing::SourceDir() / "tests/fixtures/upgrade";
    // As the earlier release left it: readable by others, too.
    fs::create_directories(data_dir());
    fs::permissions(data_dir(), fs::perms(0755));
    ASSERT_EQ(Execute(database(),
                      ReadFile(fixtures / (std::string(kFixture) + ".sql"))),
              "");
    fs::permissions(database(), fs::perms(0644));
    token_ = ReadFile(fixtures / (std::string(kFixture) + ".admin-token"));
    while (!token_.empty() && token_.back() == '\n') token_.pop_back();
    std::ofstream(data_dir() / "admin-token") << token_ << "\n";
    fs::permissions(data_dir() / "admin-token", fs::perms(0600));
  }

  fs::path data_dir() const { return dir_.path() / "var"; }
  fs::path database() const { return data_dir() / "smartercities.db"; }
  std::vector<std::string> Flags() const {
    return {"--data-dir", data_dir().string(), "--plugin-dir",
            testing::ThemePluginDir().string()};
  }

  HttpResponse AsAdmin(std::uint16_t port, const std::string& target) const {
    return Fetch(port, "GET", target, {{"Authorization", "Bearer " + token_}});
  }

  testing::TempDir dir_;
  std::string token_;
};

TEST_F(UpgradeTest, AnEarlierReleasesDataIsServedWithNothingLost) {
  ASSERT_EQ(SelectOne(database(),
                      "SELECT MAX(version) FROM schema_migrations WHERE "
                      "owner = 'core'"),
            "4");
  {
    testing::ServerProcess server(Flags());
    std::uint16_t port = server.port();
    ASSERT_NE(port, 0) << server.Output();

    // The modules come up as the administrator left them.
    json ready = json::parse(AsAdmin(port, "/readyz").body, nullptr, false);
    ASSERT_TRUE(ready.is_object()) << server.Output();
    EXPECT_EQ(ready["status"], "ready");
    EXPECT_EQ(ready["modules"]["regelluwe-stad"], "enabled") << ready.dump();
    EXPECT_EQ(ready["modules"]["groene-stad"], "enabled") << ready.dump();
    EXPECT_EQ(ready["modules"]["veilige-stad"], "disabled") << ready.dump();

    // The figure reported under the earlier release.
    HttpResponse figures = Fetch(port, "GET",
                                 "/api/v1/indicators/regelluwe-stad-e-invoices/"
                                 "measurements?city=GM0363");
    ASSERT_EQ(figures.status, 200) << figures.body;
    json items = json::parse(figures.body)["items"];
    ASSERT_EQ(items.size(), 1u) << figures.body;
    EXPECT_EQ(items[0]["period"], "2014-06");
    EXPECT_EQ(items[0]["value"], 55.0);
    EXPECT_EQ(items[0]["source"], "jaarrekening");

    // The register record, from the plugin's own table.
    HttpResponse centres =
        Fetch(port, "GET", "/api/v1/themes/groene-stad/data-centres");
    ASSERT_EQ(centres.status, 200) << centres.body;
    EXPECT_THAT(centres.body, HasSubstr("Rekencentrum Utrecht"));

    // The city editor logs in with the password they had.
    HttpResponse login = Fetch(
        port, "POST", "/api/v1/sessions",
        {{"Content-Type", "application/json"}},
        json{{"username", "utrecht"}, {"password", "fiets-Domtoren-gracht-44"}}
            .dump());
    EXPECT_EQ(login.status, 201) << login.body;

    // The catalogue is this release's: an indicator added since is there.
    EXPECT_EQ(
        Fetch(port, "GET", "/api/v1/indicators/kennisdeling-dsa-event-2014")
            .status,
        200);
    EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Output();
  }

  // Migrated to this release's schema, and the figure of the indicator this
  // release retired is kept, not dropped with it.
  EXPECT_EQ(SelectOne(database(),
                      "SELECT MAX(version) FROM schema_migrations WHERE "
                      "owner = 'core'"),
            std::to_string(domain::CoreMigrations().back().version));
  EXPECT_EQ(SelectOne(database(),
                      "SELECT COUNT(*) FROM measurements WHERE indicator_id = "
                      "'kennisdeling-dsa-events'"),
            "1");
  EXPECT_NE(SelectOne(database(),
                      "SELECT retired_at FROM indicators WHERE id = "
                      "'kennisdeling-dsa-events'"),
            "");
  // The database the earlier release left readable by others holds
  // password hashes: it is the platform user's alone now.
  EXPECT_EQ(fs::status(database()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  // The earlier trail and everything the upgrade wrote form one chain.
  testing::CommandResult verified =
      testing::RunCommand({"audit", "verify", "--data-dir", data_dir().string(),
                           "--plugin-dir", testing::ThemePluginDir().string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_THAT(verified.output, HasSubstr("intact"));
}

}  // namespace
}  // namespace smartercities
