// The nine theme plugins as the platform ships them: loaded through the real
// loader from the build's plugin directory, checked against the covenant.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/app/platform.h"
#include "tests/support/served_platform.h"
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

class ThemesTest : public testing::ServedPlatformTest {
 protected:
  json Get(const std::string& target) {
    auto response = testing::Fetch(platform_->port(), "GET", target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
    return json::parse(response.body, nullptr, false);
  }
};

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

json ExpectedAgreements(const std::string& theme) {
  std::ifstream in(testing::SourceDir() / "tests/plugins" / theme /
                   "expected_agreements.json");
  return json::parse(in);
}

// The strings of a JSON array, sorted: lists whose order the covenant does
// not fix compare as sets.
std::vector<std::string> Sorted(const json& array) {
  std::vector<std::string> out;
  for (const auto& item : array) out.push_back(item.get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(ThemesTest, AgreementsEqualTheCovenantParagraphs) {
  for (const std::string& id : ThemeIds()) {
    json expected = ExpectedAgreements(id);
    json actual = Get("/api/v1/themes/" + id + "/agreements?pageSize=100");
    ASSERT_EQ(actual["total"], expected.size()) << id;
    ASSERT_EQ(actual["items"].size(), expected.size()) << id;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const json& item = actual["items"][i];
      const json& want = expected[i];
      std::string where = id + "/" + want["letter"].get<std::string>();
      EXPECT_EQ(item["letter"], want["letter"]) << id;
      EXPECT_EQ(item["kind"], want["kind"]) << where;
      EXPECT_EQ(item["goal"], want["goal"]) << where;
      EXPECT_GT(item["text"].get<std::string>().size(), 20u) << where;
      EXPECT_EQ(Sorted(item["indicators"]), Sorted(want["indicators"]))
          << where;
      EXPECT_EQ(Sorted(item["parties"]), Sorted(want["parties"])) << where;
      json dates = json::array();
      for (const auto& date : item["dates"]) {
        dates.push_back({{"date", date["date"]}, {"kind", date["kind"]}});
      }
      EXPECT_EQ(dates, want["dates"]) << where;
    }
  }
}

TEST_F(ThemesTest, EveryIndicatorMeasuresTheAgreementsThatNameIt) {
  for (const std::string& id : ThemeIds()) {
    std::map<std::string, std::vector<std::string>> expected;  // by indicator
    for (const auto& agreement : ExpectedAgreements(id)) {
      for (const auto& indicator : agreement["indicators"]) {
        expected[indicator].push_back(id + "/" +
                                      agreement["letter"].get<std::string>());
      }
    }
    json indicators = Get("/api/v1/themes/" + id + "/indicators?pageSize=100");
    ASSERT_EQ(indicators["total"], expected.size()) << id;
    for (const auto& indicator : indicators["items"]) {
      std::string indicator_id = indicator["id"];
      ASSERT_TRUE(expected.contains(indicator_id)) << indicator_id;
      EXPECT_EQ(indicator["agreements"], json(expected[indicator_id]))
          << indicator_id;
      json one = Get("/api/v1/indicators/" + indicator_id);
      EXPECT_EQ(one["agreements"], indicator["agreements"]) << indicator_id;
    }
  }
}

TEST_F(ThemesTest, DeadlinesBeforeTheCovenantTookEffectAreMarked) {
  // The covenant was signed on 6 March 2013 and took effect the next day; a
  // date whose month lies before March 2013 is marked. Counted by hand from
  // the covenant's paragraphs.
  struct Count {
    int indicators;
    int agreement_dates;
  };
  std::map<std::string, Count> expected = {
      {"bedrijvige-stad", {2, 3}}, {"groene-stad", {8, 8}},
      {"kennisdeling", {2, 2}},    {"lerende-stad", {1, 1}},
      {"onze-stad", {2, 2}},       {"open-networks", {0, 0}},
      {"regelluwe-stad", {3, 3}},  {"veilige-stad", {2, 3}},
      {"zorgende-stad", {1, 2}}};
  for (const auto& [id, count] : expected) {
    int indicators = 0;
    json listed = Get("/api/v1/themes/" + id + "/indicators?pageSize=100");
    for (const auto& indicator : listed["items"]) {
      if (indicator["beforeCovenant"].get<bool>()) ++indicators;
    }
    int dates = 0;
    json agreements = Get("/api/v1/themes/" + id + "/agreements?pageSize=100");
    for (const auto& agreement : agreements["items"]) {
      for (const auto& date : agreement["dates"]) {
        if (date["beforeCovenant"].get<bool>()) ++dates;
      }
    }
    EXPECT_EQ(indicators, count.indicators) << id;
    EXPECT_EQ(dates, count.agreement_dates) << id;
  }

  // A meeting in the second quarter of 2012 was due before the covenant; a
  // workshop in its first quarter of 2013 and a guide "begin 2013" were not.
  EXPECT_EQ(Get("/api/v1/indicators/groene-stad-green-deal-meeting")
                ["beforeCovenant"],
            true);
  EXPECT_EQ(Get("/api/v1/indicators/kennisdeling-knowledge-platform")
                ["beforeCovenant"],
            true);
  EXPECT_EQ(Get("/api/v1/indicators/bedrijvige-stad-smart-working-workshop")
                ["beforeCovenant"],
            false);
  EXPECT_EQ(
      Get("/api/v1/indicators/regelluwe-stad-eherkenning-guide")["deadline"],
      "2013-03");
  EXPECT_EQ(Get("/api/v1/indicators/regelluwe-stad-eherkenning-guide")
                ["beforeCovenant"],
            false);
  // "vanaf 2012" is a start, also before the covenant; "eind 2011" is the
  // context of Zorgende Stad a.
  json ondernemingsdossier =
      Get("/api/v1/themes/bedrijvige-stad/agreements/c")["dates"][0];
  EXPECT_EQ(ondernemingsdossier["kind"], "start");
  EXPECT_EQ(ondernemingsdossier["text"], "vanaf 2012");
  EXPECT_EQ(ondernemingsdossier["beforeCovenant"], true);
  json strategy = Get("/api/v1/themes/zorgende-stad/agreements/a")["dates"][0];
  EXPECT_EQ(strategy["date"], "2011-12");
  EXPECT_EQ(strategy["kind"], "context");
  EXPECT_EQ(strategy["beforeCovenant"], true);
  json portal = Get("/api/v1/themes/groene-stad/agreements/c")["dates"][0];
  EXPECT_EQ(portal["date"], "2012-12");
  EXPECT_EQ(portal["text"], "Eind 2012");
}

TEST_F(ThemesTest, NotesHoldFootnotesOnly) {
  // The covenant's four footnotes, all in Regelluwe Stad.
  std::map<std::string, std::size_t> footnotes = {{"regelluwe-stad/a", 1},
                                                  {"regelluwe-stad/e", 1},
                                                  {"regelluwe-stad/f", 1},
                                                  {"regelluwe-stad/i", 1}};
  std::size_t num_agreements = 0;
  for (const std::string& id : ThemeIds()) {
    json agreements = Get("/api/v1/themes/" + id + "/agreements?pageSize=100");
    for (const auto& agreement : agreements["items"]) {
      ++num_agreements;
      std::string agreement_id = agreement["id"];
      std::size_t expected =
          footnotes.contains(agreement_id) ? footnotes[agreement_id] : 0;
      EXPECT_EQ(agreement["notes"].size(), expected) << agreement_id;
      if (agreement_id != "regelluwe-stad/p") {
        EXPECT_TRUE(agreement["preamble"].is_null()) << agreement_id;
      }
    }
  }
  EXPECT_EQ(num_agreements, 93u);
  // The paragraph under "Lokale toezichtslasten" introduces p to t.
  json p = Get("/api/v1/themes/regelluwe-stad/agreements/p");
  EXPECT_EQ(p["topic"], "Lokale toezichtslasten");
  ASSERT_TRUE(p["preamble"].is_string());
  EXPECT_TRUE(p["preamble"].get<std::string>().starts_with(
      "De administratieve lasten van toezicht zijn voor bedrijven groot"));
  EXPECT_TRUE(p["preamble"].get<std::string>().ends_with(
      "maken de steden en EZ de volgende afspraken:"));
}

TEST_F(ThemesTest, IndicatorTextsAreInTheirLanguage) {
  // Words that give a text away as English in a Dutch field, or as Dutch in
  // an English one.
  const std::vector<std::string> english = {" the ",  " and ",      " has ",
                                            " have ", " agreement", " of the "};
  const std::vector<std::string> dutch = {
      " de ", " het ", " een ", " zijn ", " wordt ", " heeft ", " hebben "};
  for (const std::string& id : ThemeIds()) {
    json indicators = Get("/api/v1/themes/" + id + "/indicators?pageSize=100");
    ASSERT_GT(indicators["items"].size(), 0u) << id;
    for (const auto& indicator : indicators["items"]) {
      std::string indicator_id = indicator["id"];
      for (const char* field : {"name", "description"}) {
        ASSERT_TRUE(indicator[field].is_object()) << indicator_id;
        ASSERT_TRUE(indicator[field].contains("en")) << indicator_id;
        std::string nl = " " + indicator[field]["nl"].get<std::string>() + " ";
        std::string en = " " + indicator[field]["en"].get<std::string>() + " ";
        for (const auto& word : english) {
          EXPECT_EQ(nl.find(word), std::string::npos)
              << indicator_id << " " << field << ".nl has '" << word << "'";
        }
        for (const auto& word : dutch) {
          EXPECT_EQ(en.find(word), std::string::npos)
              << indicator_id << " " << field << ".en has '" << word << "'";
        }
      }
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
           {"veilige-stad-implementation-project-cities", 2, "2013-12",
            "network"},
           {"kennisdeling-theme-tables", 9, "2014-12", "network"},
           {"kennisdeling-dsa-event-2013", 1, "2013-12", "network"},
           {"kennisdeling-dsa-event-2014", 1, "2014-12", "network"},
           {"bedrijvige-stad-ondernemingsdossier", 1, "2014-12", "city"},
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

TEST_F(ThemesTest, EachSmartGridPilotCityIsMeasuredAgainstAHundredHomes) {
  // "in Amersfoort en Utrecht ... pilotprojecten van middelgrote schaal
  // (minimaal 100 woningen)": a figure per pilot city, not a sum.
  json homes = Get("/api/v1/indicators/groene-stad-smart-grid-pilot-homes");
  EXPECT_EQ(homes["scope"], "city");
  EXPECT_EQ(homes["cities"], json({"GM0307", "GM0344"}));
  EXPECT_EQ(homes["target"], 100);
  EXPECT_EQ(homes["unit"], "homes");
  // Other indicators concern every city.
  EXPECT_EQ(Get("/api/v1/indicators/regelluwe-stad-e-invoices")["cities"],
            json::array());
}

TEST_F(ThemesTest, AGreenCityWithoutEffortAgreements) {
  json effort = Get("/api/v1/themes/groene-stad/agreements?kind=effort");
  EXPECT_EQ(effort["total"], 0);
  json result = Get("/api/v1/themes/groene-stad/agreements?kind=result");
  EXPECT_EQ(result["total"], 9);
}

}  // namespace
}  // namespace smartercities
