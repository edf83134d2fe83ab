// Failed logins through the real server, from several client addresses
// (every 127.x.y.z is this machine's loopback): one client alone cannot
// block an account, many can, the count survives a restart, an
// administrator lifts the block from the command line, and the account's
// owner is told at the next login what happened.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/app/platform.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::FetchFrom;
using ::testing::HasSubstr;
using testing::HttpResponse;

constexpr const char* kAnnaPassword = "fiets-Kanaal-roos-17";

class LoginLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SMARTERCITIES_SKIP_WITHOUT_DATABASE(database_);
    Start();
    std::string token;
    std::ifstream in(data_dir() / "admin-token");
    std::getline(in, token);
    HttpResponse made = testing::Fetch(port(), "POST", "/api/v1/users",
                                       {{"Authorization", "Bearer " + token},
                                        {"Content-Type", "application/json"}},
                                       json{{"username", "anna"},
                                            {"role", "city-editor"},
                                            {"scope", "GM0794"},
                                            {"password", kAnnaPassword}}
                                           .dump());
    ASSERT_EQ(made.status, 201) << made.body;
  }

  std::filesystem::path data_dir() const { return dir_.path() / "data"; }

  void Start() {
    app::Config config;
    config.port = 0;
    config.data_dir = data_dir();
    config.database_url = database_.url();
    config.plugin_dir = testing::ThemePluginDir();
    config.web_root = "";
    auto platform = app::Platform::Start(config);
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value();
  }

  std::uint16_t port() const { return platform_->port(); }

  // args for the command line on this platform's data.
  std::vector<std::string> Command(std::vector<std::string> args) const {
    for (const std::string& arg : std::vector<std::string>{
             "--data-dir", data_dir().string(), "--plugin-dir",
             testing::ThemePluginDir().string()}) {
      args.push_back(arg);
    }
    for (const std::string& arg : database_.ServeArguments()) {
      args.push_back(arg);
    }
    return args;
  }

  HttpResponse LogIn(const std::string& client, const std::string& username,
                     const std::string& password) {
    return FetchFrom(
        client, port(), "POST", "/api/v1/sessions",
        {{"Content-Type", "application/json"}},
        json{{"username", username}, {"password", password}}.dump());
  }

  testing::TempDir dir_;
  testing::TestDatabase database_;
  std::unique_ptr<app::Platform> platform_;
};

TEST_F(LoginLimitsTest, OneClientCannotBlockAnAccountNotEvenTheAdministrator) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(LogIn("127.0.0.2", "anna", "wrong-" + std::to_string(i)).status,
              401)
        << i;
  }
  HttpResponse blocked = LogIn("127.0.0.2", "anna", kAnnaPassword);
  EXPECT_EQ(blocked.status, 429) << blocked.body;
  EXPECT_THAT(blocked.body, HasSubstr("from your address"));
  int retry = std::stoi(blocked.Header("retry-after"));
  EXPECT_GT(retry, 800);
  EXPECT_LE(retry, 900);
  // The client is blocked for every account; the account is not.
  EXPECT_EQ(LogIn("127.0.0.2", "admin", "also-wrong-1234").status, 429);
  EXPECT_EQ(LogIn("127.0.0.3", "anna", kAnnaPassword).status, 201);
}

TEST_F(LoginLimitsTest,
       ManyClientsBlockAnAccountUntilAnAdministratorUnlocksIt) {
  for (int client = 1; client <= 5; ++client) {
    std::string address = "127.0.1." + std::to_string(client);
    for (int i = 0; i < 20; ++i) {
      ASSERT_EQ(LogIn(address, "anna", "wrong-" + std::to_string(i)).status,
                401)
          << address << " " << i;
    }
  }
  HttpResponse blocked = LogIn("127.0.1.6", "anna", kAnnaPassword);
  EXPECT_EQ(blocked.status, 429) << blocked.body;
  EXPECT_THAT(blocked.body, HasSubstr("for this account"));

  // The count is in the database: a restart does not give another 100.
  platform_->Stop();
  platform_.reset();
  Start();
  EXPECT_EQ(LogIn("127.0.1.7", "anna", kAnnaPassword).status, 429);

  auto [code, output] =
      testing::RunCommand(Command({"users", "unlock", "anna"}));
  EXPECT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("100 failed logins"));

  HttpResponse in = LogIn("127.0.1.8", "anna", kAnnaPassword);
  ASSERT_EQ(in.status, 201) << in.body;
  json notice = json::parse(in.body)["loginNotice"];
  EXPECT_EQ(notice["failedLogins"], 100) << in.body;
  EXPECT_EQ(notice["lastFailedFrom"], "127.0.1.5");
  EXPECT_TRUE(notice["blockedAt"].is_string()) << in.body;
  EXPECT_EQ(notice["refusedWhileBlocked"], 2);
  EXPECT_THAT(notice["message"].get<std::string>(), HasSubstr("blocked"));

  // The session shows it while it lasts; the next login has nothing new.
  std::string cookie = in.Header("set-cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  HttpResponse me =
      testing::Fetch(port(), "GET", "/api/v1/me", {{"Cookie", cookie}});
  EXPECT_EQ(json::parse(me.body)["loginNotice"]["failedLogins"], 100)
      << me.body;
  HttpResponse again = LogIn("127.0.1.8", "anna", kAnnaPassword);
  ASSERT_EQ(again.status, 201);
  EXPECT_FALSE(json::parse(again.body).contains("loginNotice")) << again.body;
}

TEST_F(LoginLimitsTest, AnUnknownNameIsCountedAndAnsweredLikeAWrongPassword) {
  HttpResponse unknown = LogIn("127.0.2.1", "nobody", "wrong-password-1");
  HttpResponse wrong = LogIn("127.0.2.1", "anna", "wrong-password-1");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.body, wrong.body);
  auto [code, output] =
      testing::RunCommand(Command({"users", "unlock", "nobody"}));
  EXPECT_NE(code, 0);
  EXPECT_THAT(output, HasSubstr("no account"));
}

}  // namespace
}  // namespace smartercities
