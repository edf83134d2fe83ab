// The demo sample as an operator loads and removes it with the executable:
// clearly marked, never mixed up with real figures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/app/platform.h"
#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class DemoDataTest : public ::testing::Test {
 protected:
  app::Config Config() const {
    app::Config config;
    config.port = 0;
    config.data_dir = dir_.path() / "data";
    config.plugin_dir = testing::ThemePluginDir();
    config.web_root = "";
    return config;
  }

  std::string Run(const std::string& verb, int& exit_code) const {
    testing::CommandResult result = testing::RunCommand(
        {"demo", verb, "--data-dir", (dir_.path() / "data").string(),
         "--plugin-dir", testing::ThemePluginDir().string()});
    exit_code = result.exit_code;
    return result.output;
  }

  json Get(std::uint16_t port, const std::string& target) const {
    auto response = testing::Fetch(port, "GET", target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
    return json::parse(response.body, nullptr, false);
  }

  testing::TempDir dir_;
};

TEST_F(DemoDataTest, LoadsAMarkedSampleAndRemovesOnlyIt) {
  const std::string figures =
      "/api/v1/indicators/regelluwe-stad-e-invoices/measurements?city=GM0363";
  {
    auto platform = app::Platform::Start(Config());
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    std::ifstream in(Config().AdminTokenFile());
    std::string token;
    std::getline(in, token);
    auto stored = testing::Fetch(
        (*platform)->port(), "POST",
        "/api/v1/indicators/regelluwe-stad-e-invoices/measurements",
        {{"Authorization", "Bearer " + token},
         {"Content-Type", "application/json"}},
        R"({"city": "GM0363", "period": "2014-06", "value": 55, "source": "jaarrekening"})");
    ASSERT_EQ(stored.status, 201) << stored.body;
  }

  int code = 0;
  std::string loaded = Run("load", code);
  ASSERT_EQ(code, 0) << loaded;
  EXPECT_THAT(loaded, HasSubstr("loaded the demo sample"));

  auto platform = app::Platform::Start(Config());
  ASSERT_TRUE(platform.ok()) << platform.status().message();
  std::uint16_t port = (*platform)->port();
  json series = Get(port, figures);
  bool real_kept = false;
  int demo_figures = 0;
  for (const auto& figure : series["items"]) {
    if (figure["period"] == "2014-06") {
      real_kept = figure["value"] == 55 && figure["demo"] == false;
    } else {
      demo_figures += figure["demo"] == true;
    }
  }
  EXPECT_TRUE(real_kept) << series.dump();
  EXPECT_GT(demo_figures, 0);
  json status = Get(port, "/api/v1/themes/regelluwe-stad/city-status/GM0637");
  EXPECT_EQ(status["demo"], true);
  EXPECT_GT(Get(port, "/api/v1/themes/lerende-stad/schools")["total"], 0);
  EXPECT_EQ(
      Get(port, "/api/v1/themes/lerende-stad/schools")["items"][0]["demo"],
      true);

  std::string removed = Run("remove", code);
  ASSERT_EQ(code, 0) << removed;
  // The server notices another process's writes within 100 ms (and only
  // then drops what it cached); give it a little longer than that.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  do {
    series = Get(port, figures);
    if (series["total"] == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(series["total"], 1) << series.dump();
  EXPECT_EQ(series["items"][0]["value"], 55);
  EXPECT_EQ(Get(port, "/api/v1/themes/lerende-stad/schools")["total"], 0);
  EXPECT_TRUE(Get(port, "/api/v1/themes/regelluwe-stad/city-status/GM0637")
                  ["eherkenningImplemented"]
                      .is_null());
}

}  // namespace
}  // namespace smartercities
