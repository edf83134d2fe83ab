// The nine theme plugins as the platform ships them: loaded through the real
// loader from the build's plugin directory, checked against the covenant.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/app/platform.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;

const std::vector<std::string>& ThemeIds() {
  static const std::vector<std::string> kIds = {
      "bedrijvige-stad", "groene-stad",  "kennisdeling",
      "lerende-stad",    "onze-stad",    "open-networks",
      "regelluwe-stad",  "veilige-stad", "zorgende-stad"};
  return kIds;
}

class ThemesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    app::Config config;
    config.port = 0;
    config.data_dir = dir_->path() / "data";
    config.plugin_dir = testing::ThemePluginDir();
    config.web_root = "";
    auto platform = app::Platform::Start(config);
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value().release();
  }
  static void TearDownTestSuite() {
    delete platform_;
    delete dir_;
  }
  json Get(const std::string& target) {
    auto response = testing::Fetch(platform_->port(), "GET", target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
    return json::parse(response.body, nullptr, false);
  }
  static testing::TempDir* dir_;
  static app::Platform* platform_;
};

testing::TempDir* ThemesTest::dir_ = nullptr;
app::Platform* ThemesTest::platform_ = nullptr;

TEST_F(ThemesTest, AllNineModulesLoadAndAreEnabled) {
  auto modules = platform_->modules().Modules();
  ASSERT_EQ(modules.size(), 9u);
  for (const auto& module : modules) {
    EXPECT_EQ(module.state, plugins::ModuleState::kEnabled)
        << module.id << ": " << module.reason;
  }
  json themes = Get("/api/v1/themes");
  EXPECT_EQ(themes["total"], 9);
  std::vector<std::string> ids;
  for (const auto& theme : themes["items"]) ids.push_back(theme["id"]);
  EXPECT_EQ(ids, ThemeIds());
}

TEST_F(ThemesTest, AgreementsEqualTheCovenantParagraphs) {
  for (const std::string& id : ThemeIds()) {
    std::ifstream in(testing::SourceDir() / "tests/plugins" / id /
                     "expected_agreements.json");
    json expected = json::parse(in);
    json actual = Get("/api/v1/themes/" + id + "/agreements");
    ASSERT_EQ(actual["total"], expected.size()) << id;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const json& item = actual["items"][i];
      EXPECT_EQ(item["letter"], expected[i]["letter"]) << id;
      EXPECT_EQ(item["kind"], expected[i]["kind"])
          << id << " " << item["letter"];
      EXPECT_EQ(item["goal"], expected[i]["goal"])
          << id << " " << item["letter"];
      EXPECT_GT(item["text"].get<std::string>().size(), 20u)
          << id << " " << item["letter"];
    }
  }
}

TEST_F(ThemesTest, EveryThemeNamesItsLeadersAndMeasuresItsPromises) {
  std::map<std::string, std::string> leaders = {
      {"bedrijvige-stad", "Eindhoven"}, {"zorgende-stad", "Enschede"},
      {"lerende-stad", "Deventer"},     {"groene-stad", "Amersfoort"},
      {"onze-stad", "Tilburg"},         {"veilige-stad", "Den Haag"},
      {"regelluwe-stad", "Zoetermeer"}, {"kennisdeling", "Stedenlink"},
      {"open-networks", "Stedenlink"}};
  for (const auto& [id, leader] : leaders) {
    json theme = Get("/api/v1/themes/" + id);
    EXPECT_EQ(theme["leaders"][0]["name"], leader) << id;
    EXPECT_GT(theme["numIndicators"], 0) << id;
  }
  EXPECT_EQ(Get("/api/v1/themes/bedrijvige-stad")["leaders"][1]["name"],
            "Helmond");
}

TEST_F(ThemesTest, IndicatorsCarryTheCovenantsNumbers) {
  struct Expectation {
    const char* id;
    double target;
    const char* deadline;
    const char* scope;
  };
  for (const Expectation& e : std::vector<Expectation>{
           {"lerende-stad-schools-on-eduroam", 50, "2015-12", "city"},
           {"lerende-stad-pupils-certified", 75, "2014-12", "city"},
           {"lerende-stad-teachers-certified", 25, "2014-12", "city"},
           {"open-networks-decentral-meetings", 6, "2013-12", "network"},
           {"groene-stad-smart-grid-pilot-homes", 100, "2014-12", "city"},
           {"zorgende-stad-avva-municipalities", 5, "2014-12", "network"},
           {"onze-stad-open-data-workshops", 3, "2014-12", "network"},
           {"onze-stad-top20-datasets", 20, "2014-12", "network"},
           {"regelluwe-stad-e-invoices", 60, "2014-09", "city"},
       }) {
    json indicator = Get(std::string("/api/v1/indicators/") + e.id);
    EXPECT_EQ(indicator["target"], e.target) << e.id;
    EXPECT_EQ(indicator["deadline"], e.deadline) << e.id;
    EXPECT_EQ(indicator["scope"], e.scope) << e.id;
  }
}

TEST_F(ThemesTest, AGreenCityWithoutEffortAgreements) {
  json effort = Get("/api/v1/themes/groene-stad/agreements?kind=effort");
  EXPECT_EQ(effort["total"], 0);
  json result = Get("/api/v1/themes/groene-stad/agreements?kind=result");
  EXPECT_EQ(result["total"], 9);
}

}  // namespace
}  // namespace smartercities
