// The smartercities executable started as an operator starts it: a start
// that cannot finish creates nothing, the data directory and its files are
// the platform user's alone, what the first start creates is in the audit
// trail, and no logged value can forge a log line, in text or JSON.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;
using testing::RunCommand;

constexpr const char* kAdminPassword = "beheer-Kanaal-tulp-93";

unsigned Mode(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

class FirstStartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(plugin_dir());
    testing::CopyPlugin(testing::ThemePluginDir(), "bedrijvige_stad",
                        plugin_dir());
  }

  fs::path plugin_dir() const { return dir_.path() / "plugins"; }
  fs::path data_dir() const { return dir_.path() / "data"; }

  std::vector<std::string> Flags(std::vector<std::string> more = {}) const {
    std::vector<std::string> flags = {"--data-dir", data_dir().string(),
                                      "--plugin-dir", plugin_dir().string()};
    flags.insert(flags.end(), more.begin(), more.end());
    return flags;
  }

  std::string AdminToken() const {
    std::string token;
    std::ifstream in(data_dir() / "admin-token");
    std::getline(in, token);
    return token;
  }

  testing::TempDir dir_;
};

TEST_F(FirstStartTest, AStartWithAMissingTlsFileCreatesNothing) {
  std::vector<std::string> args = {"serve", "--port", "0"};
  for (const auto& flag :
       Flags({"--tls-cert", (dir_.path() / "missing.pem").string(), "--tls-key",
              (dir_.path() / "missing-key.pem").string()})) {
    args.push_back(flag);
  }
  auto [code, output] = RunCommand(args);
  EXPECT_EQ(code, 2) << output;
  EXPECT_THAT(output, HasSubstr("missing.pem"));
  EXPECT_FALSE(fs::exists(data_dir())) << output;
}

TEST_F(FirstStartTest, ABadAdministratorPasswordIsRefusedBeforeAnythingExists) {
  std::vector<std::string> args = {"serve", "--port", "0"};
  for (const auto& flag : Flags()) args.push_back(flag);
  auto [code, output] =
      RunCommand(args, {{"SMARTERCITIES_ADMIN_PASSWORD", "admin123"}});
  EXPECT_EQ(code, 2) << output;
  EXPECT_THAT(output, HasSubstr("SMARTERCITIES_ADMIN_PASSWORD"));
  EXPECT_FALSE(fs::exists(data_dir() / "smartercities.db")) << output;
  EXPECT_FALSE(fs::exists(data_dir() / "admin-token")) << output;
}

TEST_F(FirstStartTest, OtherSettingsThatCannotWorkStopTheStartFirst) {
  std::string unreadable = (dir_.path() / "no-token-file").string();
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--metrics-token-file", unreadable},
        std::vector<std::string>{"--public-origin", "dsa.example.nl/pad"},
        std::vector<std::string>{"--monitoring-address", "127.0.0.1"}}) {
    std::vector<std::string> args = {"serve", "--port", "0"};
    for (const auto& flag : Flags(extra)) args.push_back(flag);
    auto [code, output] = RunCommand(args);
    EXPECT_EQ(code, 2) << extra.front() << ": " << output;
    EXPECT_THAT(output, HasSubstr(extra.front().substr(2))) << output;
    EXPECT_FALSE(fs::exists(data_dir())) << extra.front() << ": " << output;
  }
}

TEST_F(FirstStartTest, TheDataDirectoryAndItsFilesAreThePlatformsAlone) {
  {
    testing::ServerProcess server(
        Flags(), {{"SMARTERCITIES_ADMIN_PASSWORD", kAdminPassword}});
    ASSERT_NE(server.port(), 0) << server.Output();
    // A write, so that the journal files exist.
    HttpResponse made = Fetch(
        server.port(), "POST", "/api/v1/themes/bedrijvige-stad/business-parks",
        {{"Authorization", "Bearer " + AdminToken()},
         {"Content-Type", "application/json"}},
        R"({"city":"GM0794","name":"Park","hasFibre":true})");
    ASSERT_EQ(made.status, 201) << made.body;
    EXPECT_EQ(Mode(data_dir()), 0700u);
    for (const char* name : {"smartercities.db", "smartercities.db-wal",
                             "smartercities.db-shm", "admin-token"}) {
      EXPECT_EQ(Mode(data_dir() / name), 0600u) << name;
    }
    EXPECT_EQ(server.Stop(SIGTERM), 0);
  }
  // Files an older version left readable are made the owner's alone.
  fs::permissions(data_dir() / "smartercities.db",
                  fs::perms::owner_read | fs::perms::owner_write |
                      fs::perms::group_read | fs::perms::others_read);
  auto [code, output] =
      RunCommand({"users", "list", "--data-dir", data_dir().string(),
                  "--plugin-dir", plugin_dir().string()});
  EXPECT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("readable by its owner only"));
  EXPECT_EQ(Mode(data_dir() / "smartercities.db"), 0600u);

  // A directory others can write is refused, and left as it is.
  fs::permissions(data_dir(), fs::perms::others_write, fs::perm_options::add);
  std::vector<std::string> serve = {"serve", "--port", "0"};
  for (const auto& flag : Flags()) serve.push_back(flag);
  auto [refused_code, refused] = RunCommand(serve);
  EXPECT_EQ(refused_code, 1) << refused;
  EXPECT_THAT(refused, HasSubstr("can be written by every user"));
  EXPECT_THAT(refused, HasSubstr("chmod 700"));
}

TEST_F(FirstStartTest, TheFirstAdministratorAndTokenAreInTheAuditTrail) {
  testing::ServerProcess server(
      Flags(), {{"SMARTERCITIES_ADMIN_PASSWORD", kAdminPassword}});
  ASSERT_NE(server.port(), 0) << server.Output();
  HttpResponse trail =
      Fetch(server.port(), "GET", "/api/v1/audit-events?actor=system",
            {{"Authorization", "Bearer " + AdminToken()}});
  ASSERT_EQ(trail.status, 200) << trail.body;
  std::set<std::string> objects;
  json events = json::parse(trail.body);
  for (const auto& event : events["items"]) {
    std::string object = event["object"];
    objects.insert(object.substr(0, object.find('/')));
    EXPECT_EQ(event["action"], "insert");
    EXPECT_EQ(event["newValue"].dump().find("$argon2"), std::string::npos);
  }
  EXPECT_TRUE(objects.contains("users")) << trail.body;
  EXPECT_TRUE(objects.contains("api_tokens")) << trail.body;
}

// Every line the server printed after its banner, each a log line.
std::vector<std::string> LogLines(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output.substr(output.find("Press Ctrl-C")));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

TEST_F(FirstStartTest, NoLoggedValueCanForgeALogLineInTextOrJson) {
  const std::string forged =
      "evil\n2026-11-30T10:00:00.000Z info security login of admin "
      "succeeded";
  for (const char* format : {"text", "json"}) {
    testing::TempDir data;
    testing::ServerProcess server(
        {"--data-dir", (data.path() / "data").string(), "--plugin-dir",
         plugin_dir().string(), "--log-format", format},
        {{"SMARTERCITIES_ADMIN_PASSWORD", kAdminPassword}});
    ASSERT_NE(server.port(), 0) << server.Output();
    HttpResponse login =
        Fetch(server.port(), "POST", "/api/v1/sessions",
              {{"Content-Type", "application/json"}},
              json{{"username", forged}, {"password", "x\"\\y"}}.dump());
    EXPECT_EQ(login.status, 401);
    // A refused request whose path holds a decoded line break.
    Fetch(server.port(), "GET", "/api/v1/audit-events%0Aforged");
    EXPECT_EQ(server.Stop(SIGTERM), 0);
    std::string output = server.Output();
    std::vector<std::string> lines = LogLines(output);
    ASSERT_FALSE(lines.empty()) << output;
    bool seen = false;
    for (const std::string& line : lines) {
      EXPECT_FALSE(line.starts_with("2026-11-30T10:00:00.000Z"))
          << format << ": a forged line: " << line;
      if (std::string(format) == "json") {
        json parsed = json::parse(line, nullptr, false);
        ASSERT_TRUE(parsed.is_object()) << "not JSON: " << line;
        std::string message = parsed["message"];
        if (message.find("login failed for") != std::string::npos) {
          seen = true;
          EXPECT_THAT(message, HasSubstr("evil\\n2026-11-30T10"));
          EXPECT_EQ(parsed["logger"], "security");
        }
      } else if (line.find("login failed for") != std::string::npos) {
        seen = true;
        EXPECT_THAT(line, HasSubstr("'evil\\n2026-11-30T10"));
      }
    }
    EXPECT_TRUE(seen) << format << ":\n" << output;
  }
}

}  // namespace
}  // namespace smartercities
