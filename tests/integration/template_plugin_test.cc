// A theme built out of tree from sdk/template against the installed SDK (by
// the sdk_package_builds_the_template test) joins a running platform: added
// to the plugin directory, found by a rescan, switched on, and served.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/app/platform.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;

TEST(TemplatePluginTest, AnOutOfTreeThemeJoinsARunningPlatform) {
  testing::TempDir dir;
  app::Config config;
  config.port = 0;
  config.data_dir = dir.path() / "data";
  config.plugin_dir = dir.path() / "plugins";
  config.web_root = "";
  std::filesystem::create_directories(config.plugin_dir);
  testing::CopyPlugin(testing::ThemePluginDir(), "regelluwe_stad",
                      config.plugin_dir);
  auto platform = app::Platform::Start(config);
  ASSERT_TRUE(platform.ok()) << platform.status().message();
  std::uint16_t port = (*platform)->port();
  std::ifstream in(config.AdminTokenFile());
  std::string token;
  std::getline(in, token);
  std::map<std::string, std::string> admin = {
      {"Authorization", "Bearer " + token},
      {"Content-Type", "application/json"}};

  testing::CopyPlugin(testing::BinaryDir() / "sdk-package-test" / "build",
                      "my_theme", config.plugin_dir);
  auto rescan =
      testing::Fetch(port, "POST", "/api/v1/modules/rescan", admin, "{}");
  ASSERT_EQ(rescan.status, 200) << rescan.body;
  json added = json::parse(rescan.body);
  ASSERT_EQ(added["total"], 1) << rescan.body;
  EXPECT_EQ(added["items"][0]["id"], "mijn-thema");
  EXPECT_EQ(added["items"][0]["state"], "disabled");
  EXPECT_EQ(testing::Fetch(port, "GET", "/api/v1/themes/mijn-thema").status,
            404);

  auto on = testing::Fetch(port, "PATCH", "/api/v1/modules/mijn-thema", admin,
                           R"({"enabled": true})");
  ASSERT_EQ(on.status, 200) << on.body;
  auto greeting =
      testing::Fetch(port, "GET", "/api/v1/themes/mijn-thema/greeting");
  ASSERT_EQ(greeting.status, 200) << greeting.body;
  EXPECT_EQ(json::parse(greeting.body)["cities"], 41);
  json agreements = json::parse(
      testing::Fetch(port, "GET", "/api/v1/themes/mijn-thema/agreements").body);
  EXPECT_EQ(agreements["total"], 1);
  json indicator = json::parse(
      testing::Fetch(port, "GET", "/api/v1/indicators/mijn-thema-first-result")
          .body);
  EXPECT_EQ(indicator["deadline"], "2015-12");
  json themes = json::parse(testing::Fetch(port, "GET", "/api/v1/themes").body);
  EXPECT_EQ(themes["total"], 2);
}

}  // namespace
}  // namespace smartercities
