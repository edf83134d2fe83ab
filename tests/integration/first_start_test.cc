// The smartercities executable started as an operator starts it: no logged
// value can forge a log line, in text or JSON.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

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
