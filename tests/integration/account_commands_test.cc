// The operator commands for accounts, tokens and the audit trail, run as an
// operator runs them: the executable on a data directory, next to a running
// server that sees the result at once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>

#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AccountCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(plugin_dir());
    testing::CopyPlugin(testing::ThemePluginDir(), "regelluwe_stad",
                        plugin_dir());
  }

  std::filesystem::path plugin_dir() const { return dir_.path() / "plugins"; }
  std::filesystem::path data_dir() const { return dir_.path() / "data"; }

  // Runs `smartercities <words> --data-dir ... --plugin-dir ...`; words are
  // separated by single spaces.
  std::pair<int, std::string> Run(const std::string& words) {
    std::vector<std::string> args;
    std::istringstream in(words);
    for (std::string word; in >> word;) args.push_back(word);
    args.insert(args.end(), {"--data-dir", data_dir().string(), "--plugin-dir",
                             plugin_dir().string()});
    testing::CommandResult result = testing::RunCommand(args);
    return {result.exit_code, result.output};
  }

  // Starts the server; its start-up text is in started_output_.
  std::uint16_t Serve() {
    server_.reset();
    server_.emplace(std::vector<std::string>{"--data-dir", data_dir().string(),
                                             "--plugin-dir",
                                             plugin_dir().string()});
    started_output_ = server_->Output();
    return server_->port();
  }

  testing::TempDir dir_;
  std::optional<testing::ServerProcess> server_;
  std::string started_output_;
};

TEST_F(AccountCommandsTest,
       TheFirstStartShowsAGeneratedAdministratorPasswordOnce) {
  std::uint16_t port = Serve();
  ASSERT_NE(port, 0) << started_output_;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(
      started_output_, match, std::regex(R"(account 'admin', password (\S+))")))
      << started_output_;
  std::string password = match[1];
  testing::HttpResponse login = testing::Fetch(
      port, "POST", "/api/v1/sessions", {{"Content-Type", "application/json"}},
      nlohmann::json{{"username", "admin"}, {"password", password}}.dump());
  EXPECT_EQ(login.status, 201) << login.body;
  // Nowhere on disk in clear text.
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(data_dir())) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(content.find(password), std::string::npos) << entry.path();
  }
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
  Serve();
  EXPECT_EQ(started_output_.find(password), std::string::npos);
}

TEST_F(AccountCommandsTest, UsersAndTokensAreManagedFromTheCommandLine) {
  auto [code, out] = Run("users add anna city-editor GM0794");
  ASSERT_EQ(code, 0) << out;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(
      out, match, std::regex(R"(password \(shown only now\): (\S+))")))
      << out;
  std::string password = match[1];
  EXPECT_THAT(Run("users list").second, HasSubstr("anna"));
  auto refused = Run("users add bert city-editor GM9999");
  EXPECT_NE(refused.first, 0);
  EXPECT_THAT(refused.second, HasSubstr("GM9999"));

  std::uint16_t port = Serve();
  ASSERT_NE(port, 0);
  auto login = [&] {
    return testing::Fetch(
               port, "POST", "/api/v1/sessions",
               {{"Content-Type", "application/json"}},
               nlohmann::json{{"username", "anna"}, {"password", password}}
                   .dump())
        .status;
  };
  EXPECT_EQ(login(), 201);
  ASSERT_EQ(Run("users disable anna").first, 0);
  EXPECT_EQ(login(), 401);
  ASSERT_EQ(Run("users enable anna").first, 0);
  EXPECT_EQ(login(), 201);

  auto [made, token_out] =
      Run("tokens create helmond-export city-editor GM0794");
  ASSERT_EQ(made, 0) << token_out;
  std::smatch token;
  ASSERT_TRUE(std::regex_search(token_out, token, std::regex(R"((sc_\S+))")));
  std::string bearer = "Bearer " + std::string(token[1]);
  EXPECT_EQ(
      testing::Fetch(port, "GET", "/api/v1/me", {{"Authorization", bearer}})
          .status,
      200);
  std::string listed = Run("tokens list").second;
  EXPECT_THAT(listed, HasSubstr("helmond-export"));
  EXPECT_EQ(listed.find(std::string(token[1])), std::string::npos);
  std::smatch id;
  ASSERT_TRUE(
      std::regex_search(listed, id, std::regex(R"((\d+)\s+helmond-export)")));
  ASSERT_EQ(Run("tokens revoke " + std::string(id[1])).first, 0);
  EXPECT_EQ(
      testing::Fetch(port, "GET", "/api/v1/me", {{"Authorization", bearer}})
          .status,
      401);
}

TEST_F(AccountCommandsTest, AuditVerifyFindsATamperedRow) {
  ASSERT_EQ(Run("users add anna city-editor GM0794").first, 0);
  // The theme is known from its manifest before the first start.
  auto [changed, out] = Run("users set-role anna theme-editor regelluwe-stad");
  ASSERT_EQ(changed, 0) << out;
  ASSERT_EQ(Run("users set-role anna theme-editor no-such-theme").first, 2);
  std::uint16_t port = Serve();
  ASSERT_NE(port, 0);
  ASSERT_EQ(Run("users reset-password anna").first, 0);
  ASSERT_EQ(Run("modules disable regelluwe-stad").first, 0);
  auto [listed, trail] = Run("audit verify");
  EXPECT_EQ(listed, 0) << trail;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((data_dir() / "smartercities.db").c_str(), &db),
              SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(
                  db,
                  "SELECT group_concat(object || ' ' || action, ', ') FROM "
                  "audit_log WHERE actor = 'cli'",
                  -1, &statement, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
    std::string objects(
        reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    sqlite3_finalize(statement);
    sqlite3_close(db);
    // anna was made before the first start, so she is account 1 and the
    // administrator the start created account 2.
    EXPECT_THAT(objects, HasSubstr("users/1 insert"));
    EXPECT_THAT(objects, HasSubstr("users/1 update"));
    EXPECT_THAT(objects, Not(HasSubstr("users/2")));
    EXPECT_THAT(objects, HasSubstr("modules/regelluwe-stad update"));
  }
  auto [ok, verified] = Run("audit verify");
  EXPECT_EQ(ok, 0) << verified;
  EXPECT_THAT(verified, HasSubstr("intact"));

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data_dir() / "smartercities.db").c_str(), &db),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TRIGGER audit_log_append_only_update; UPDATE "
                         "audit_log SET actor = 'someone' WHERE seq = 2;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto [broken, report] = Run("audit verify");
  EXPECT_EQ(broken, 1) << report;
  EXPECT_THAT(report, HasSubstr("row 2"));
}

}  // namespace
}  // namespace smartercities
