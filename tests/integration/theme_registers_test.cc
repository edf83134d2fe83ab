// Each theme's own register through the real server: a valid write is read
// back, each kind of invalid input is refused naming the field with nothing
// stored, and a write without the administrator's token is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/app/platform.h"
#include "tests/support/served_platform.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;

// One register: where it lives, a valid record, and invalid variants with
// the field their refusal must name.
struct RegisterCase {
  std::string theme;
  std::string path;
  json valid;
  std::vector<std::pair<json, std::string>> invalid;
};

std::vector<RegisterCase> Cases() {
  return {
      {"bedrijvige-stad",
       "/business-parks",
       {{"city", "GM0794"},
        {"name", "Hoogeind"},
        {"hasFibre", true},
        {"fibreSince", "2013-03-01"},
        {"hectares", 75.5}},
       {{{{"city", "GM9999"}, {"name", "x"}, {"hasFibre", true}}, "city"},
        {{{"city", "GM0794"}, {"name", "x"}, {"hasFibre", "yes"}}, "hasFibre"},
        {{{"city", "GM0794"},
          {"name", "x"},
          {"hasFibre", true},
          {"fibreSince", "2013-02-30"}},
         "fibreSince"},
        {{{"city", "GM0794"},
          {"name", "x"},
          {"hasFibre", true},
          {"hectares", -1}},
         "hectares"},
        {{{"city", "GM0794"}, {"hasFibre", true}}, "name"},
        {{{"city", "GM0794"},
          {"name", "x"},
          {"hasFibre", true},
          {"owner", "me"}},
         "owner"}}},
      {"zorgende-stad",
       "/telemonitoring-pilots",
       {{"city", "GM0153"},
        {"condition", "heart-failure"},
        {"partners", "MST, Menzis"},
        {"patients", 120},
        {"startedOn", "2013-01-15"}},
       {{{{"city", "GM0153"},
          {"condition", "flu"},
          {"startedOn", "2013-01-15"}},
         "condition"},
        {{{"city", "GM0153"},
          {"condition", "diabetes"},
          {"patients", 1.5},
          {"startedOn", "2013-01-15"}},
         "patients"}}},
      {"lerende-stad",
       "/schools",
       {{"city", "GM0150"},
        {"name", "De Vonk"},
        {"type", "primary"},
        {"eduroam", true}},
       {{{{"city", "GM0150"},
          {"name", "x"},
          {"type", "college"},
          {"eduroam", true}},
         "type"}}},
      {"groene-stad",
       "/smart-grid-pilots",
       {{"city", "GM0307"}, {"name", "Vathorst"}, {"homes", 180}},
       {{{{"city", "GM0307"}, {"name", "x"}, {"homes", -5}}, "homes"}}},
      {"onze-stad",
       "/datasets",
       {{"city", "GM0855"},
        {"title", "Parkeren"},
        {"publisher", "Tilburg"},
        {"licence", "CC0-1.0"},
        {"format", "JSON"},
        {"url", "https://data.tilburg.nl/parkeren"},
        {"top20", true}},
       {{{{"city", "GM0855"},
          {"title", "x"},
          {"publisher", "p"},
          {"licence", "CC0-1.0"},
          {"format", "CSV"},
          {"url", "ftp://x"},
          {"top20", false}},
         "url"}}},
      {"veilige-stad",
       "/cyber-readiness",
       {{"city", "GM0518"},
        {"planStatus", "adopted"},
        {"planDate", "2013-05-01"},
        {"calamityPlanStatus", "in-progress"},
        {"availability", "assured"},
        {"integrity", "partly"},
        {"confidentiality", "not-assessed"}},
       {{{{"city", "GM0518"},
          {"planStatus", "done"},
          {"calamityPlanStatus", "none"},
          {"availability", "assured"},
          {"integrity", "partly"},
          {"confidentiality", "partly"}},
         "planStatus"}}},
      {"kennisdeling",
       "/events",
       {{"kind", "theme-table"},
        {"theme", "groene-stad"},
        {"heldOn", "2013-06-20"},
        {"place", "Amersfoort"}},
       {{{{"kind", "party"}, {"heldOn", "2013-06-20"}, {"place", "x"}}, "kind"},
        {{{"kind", "dsa-event"}, {"heldOn", "20-06-2013"}, {"place", "x"}},
         "heldOn"}}},
      {"open-networks",
       "/decentral-meetings",
       {{"heldOn", "2012-10-04"},
        {"place", "Zwolle"},
        {"city", "GM0193"},
        {"attendees", 45}},
       {{{{"heldOn", "2012-10-04"}}, "place"}}},
  };
}

class ThemeRegistersTest : public testing::ServedPlatformTest {
 protected:
  static HttpResponse Send(const std::string& method, const std::string& target,
                           const std::string& body, bool as_admin = true,
                           const std::string& type = "application/json") {
    std::map<std::string, std::string> headers = {{"Content-Type", type}};
    if (as_admin) headers["Authorization"] = "Bearer " + token_;
    return Fetch(platform_->port(), method, target, headers, body);
  }
  static json Get(const std::string& target) {
    HttpResponse response = Fetch(platform_->port(), "GET", target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
    return json::parse(response.body, nullptr, false);
  }
};

TEST_F(ThemeRegistersTest, EachRegisterStoresValidRecordsAndRefusesBadOnes) {
  for (const RegisterCase& c : Cases()) {
    std::string base = "/api/v1/themes/" + c.theme + c.path;
    std::string where = c.theme + c.path;
    EXPECT_EQ(Send("POST", base, c.valid.dump(), /*as_admin=*/false).status,
              401)
        << where;
    for (const auto& [body, field] : c.invalid) {
      HttpResponse refused = Send("POST", base, body.dump());
      EXPECT_EQ(refused.status, 400) << where << " " << body.dump();
      EXPECT_THAT(refused.body, HasSubstr(field))
          << where << " " << body.dump();
    }
    EXPECT_EQ(Get(base)["total"], 0) << where << ": a refused write stored";
    HttpResponse created = Send("POST", base, c.valid.dump());
    ASSERT_EQ(created.status, 201) << where << ": " << created.body;
    json record = json::parse(created.body);
    for (const auto& [key, value] : c.valid.items()) {
      EXPECT_EQ(record[key], value) << where << " " << key;
    }
    EXPECT_EQ(record["demo"], false);
    std::string one = base + "/" + std::to_string(record["id"].get<int>());
    EXPECT_EQ(Get(one)["id"], record["id"]) << where;
    EXPECT_EQ(Get(base)["total"], 1) << where;
    EXPECT_EQ(Send("DELETE", one, "", /*as_admin=*/false).status, 401) << where;
    EXPECT_EQ(Send("DELETE", one, "").status, 204) << where;
    EXPECT_EQ(Fetch(platform_->port(), "GET", one).status, 404) << where;
  }
}

TEST_F(ThemeRegistersTest, EduroamShareCountsPerCityAndNetwork) {
  std::string base = "/api/v1/themes/lerende-stad/schools";
  for (bool eduroam : {true, true, false, true}) {
    json school = {{"city", "GM0344"},
                   {"name", "School"},
                   {"type", "secondary"},
                   {"eduroam", eduroam}};
    ASSERT_EQ(Send("POST", base, school.dump()).status, 201);
  }
  json share = Get("/api/v1/themes/lerende-stad/eduroam-share");
  ASSERT_EQ(share["items"].size(), 1u);
  EXPECT_EQ(share["items"][0]["city"], "GM0344");
  EXPECT_EQ(share["items"][0]["sharePercent"], 75.0);
  EXPECT_EQ(share["items"][0]["targetReached"], true);
  EXPECT_EQ(share["targetPercent"], 50.0);
}

TEST_F(ThemeRegistersTest, FibreShareAndMeetingCountsAgainstPromises) {
  for (bool fibre : {true, false}) {
    json park = {{"city", "GM0772"}, {"name", "Park"}, {"hasFibre", fibre}};
    ASSERT_EQ(Send("POST", "/api/v1/themes/bedrijvige-stad/business-parks",
                   park.dump())
                  .status,
              201);
  }
  json fibre = Get("/api/v1/themes/bedrijvige-stad/fibre-share");
  EXPECT_EQ(fibre["network"]["sharePercent"], 50.0);
  for (const char* date : {"2012-05-01", "2013-11-30", "2014-02-01"}) {
    json meeting = {{"heldOn", date}, {"place", "Utrecht"}};
    ASSERT_EQ(Send("POST", "/api/v1/themes/open-networks/decentral-meetings",
                   meeting.dump())
                  .status,
              201);
  }
  json meetings = Get("/api/v1/themes/open-networks/meetings-summary");
  EXPECT_EQ(meetings["heldIn2012And2013"], 2);
  EXPECT_EQ(meetings["target"], 6);
  EXPECT_EQ(meetings["targetReached"], false);
}

TEST_F(ThemeRegistersTest, EnergyImportIsAllOrNothingAndNamesTheBadLine) {
  std::string url = "/api/v1/themes/groene-stad/energy-use/import";
  std::string good =
      "city,area,year,electricity_kwh,gas_m3\n"
      "GM0307,3811,2012,41200000,9800000\n"
      "GM0307,3811,2013,40100000,9300000\n"
      "GM0307,3812,2013,28100000,\n";
  std::string bad =
      "city,area,year,electricity_kwh,gas_m3\n"
      "GM0344,3511,2013,1000,2000\n"
      "GM0344,3512,2013,veel,2000\n";
  HttpResponse refused = Send("POST", url, bad, true, "text/csv");
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(refused.body, HasSubstr("line 3"));
  EXPECT_THAT(refused.body, HasSubstr("electricity_kwh"));
  EXPECT_EQ(Get("/api/v1/themes/groene-stad/energy-use")["total"], 0);
  EXPECT_EQ(Send("POST", url, good, true, "application/json").status, 415);
  EXPECT_EQ(Send("POST", url, good, false, "text/csv").status, 401);
  HttpResponse imported = Send("POST", url, good, true, "text/csv");
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(json::parse(imported.body)["imported"], 3);
  json trends = Get("/api/v1/themes/groene-stad/energy-use/trends?city=GM0307");
  ASSERT_EQ(trends["items"].size(), 2u);
  EXPECT_EQ(trends["items"][0]["year"], 2012);
  EXPECT_EQ(trends["items"][1]["electricityKwh"], 68200000.0);
  std::string duplicate =
      "city,area,year,electricity_kwh,gas_m3\n"
      "GM0307,3811,2014,1,1\n"
      "GM0307,3811,2014,2,2\n";
  HttpResponse twice = Send("POST", url, duplicate, true, "text/csv");
  EXPECT_EQ(twice.status, 400);
  EXPECT_THAT(twice.body, HasSubstr("line 2"));
  EXPECT_EQ(Get("/api/v1/themes/groene-stad/energy-use")["total"], 3);
}

TEST_F(ThemeRegistersTest, TheOpenDataCatalogueIsExportedAsDcat) {
  json dataset = {{"city", "GM0855"},
                  {"title", "Afval"},
                  {"publisher", "Gemeente Tilburg"},
                  {"licence", "CC-BY-4.0"},
                  {"format", "CSV"},
                  {"url", "https://data.tilburg.nl/afval"},
                  {"top20", true}};
  ASSERT_EQ(
      Send("POST", "/api/v1/themes/onze-stad/datasets", dataset.dump()).status,
      201);
  HttpResponse response =
      Fetch(platform_->port(), "GET", "/api/v1/themes/onze-stad/catalog-dcat");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.Header("Content-Type"), "application/ld+json");
  json catalog = json::parse(response.body);
  EXPECT_EQ(catalog["@type"], "dcat:Catalog");
  EXPECT_EQ(catalog["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
  bool found = false;
  for (const auto& node : catalog["dcat:dataset"]) {
    if (node["dct:title"]["@value"] != "Afval") continue;
    found = true;
    EXPECT_EQ(node["@type"], "dcat:Dataset");
    EXPECT_EQ(node["dcat:distribution"][0]["dcat:accessURL"]["@id"],
              "https://data.tilburg.nl/afval");
    EXPECT_EQ(node["dcat:distribution"][0]["dct:license"]["@id"],
              "http://spdx.org/licenses/CC-BY-4.0");
    EXPECT_EQ(node["dct:publisher"]["foaf:name"], "Gemeente Tilburg");
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace smartercities
