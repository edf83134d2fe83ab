// The bulk downloads and the DCAT-AP catalogue through the real server with
// the real theme modules: each dataset holds what the API shows, the figures
// CSV imported again gives the same figures, a download is one snapshot
// while figures are written, ETag/304 work, the ZIP reads back with
// Python's zipfile, and the catalogues carry what DCAT-AP makes mandatory
// with URLs that resolve.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "core/app/platform.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;

std::string Admin(const app::Config& config) {
  std::ifstream in(config.AdminTokenFile());
  std::string token;
  std::getline(in, token);
  return token;
}

// The records of an RFC 4180 text (no field here spans lines but quoted
// ones may hold commas and quotes).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\r') {
      continue;
    } else if (c == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
    } else {
      field += c;
    }
  }
  return rows;
}

std::string RunCommand(const std::string& command, int* exit_code) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    out.append(buffer, n);
  }
  int status = ::pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

class ExportsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    database_ = new testing::TestDatabase();
    if (!database_->unavailable().empty()) return;  // SetUp says why
    app::Config config;
    config.port = 0;
    config.data_dir = dir_->path() / "data";
    config.database_url = database_->url();
    config.plugin_dir = testing::ThemePluginDir();
    config.web_root = "";
    config.catalog_contact_email = "opendata@stedenlink.example";
    auto platform = app::Platform::Start(config);
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value().release();
    token_ = Admin(config);
    SeedFigures();
  }
  static void TearDownTestSuite() {
    if (platform_ != nullptr) platform_->Stop();
    delete platform_;
    platform_ = nullptr;
    delete database_;
    delete dir_;
  }
  void SetUp() override {
    SMARTERCITIES_SKIP_WITHOUT_DATABASE(*database_);
    ASSERT_NE(platform_, nullptr) << "the suite's platform did not start";
  }

  static HttpResponse Get(const std::string& target,
                          std::map<std::string, std::string> headers = {}) {
    return Fetch(platform_->port(), "GET", target, headers);
  }
  static json GetJson(const std::string& target) {
    HttpResponse response = Get(target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
    return json::parse(response.body, nullptr, false);
  }
  static HttpResponse Post(const std::string& target, const std::string& body,
                           const std::string& type = "application/json") {
    return Fetch(
        platform_->port(), "POST", target,
        {{"Authorization", "Bearer " + token_}, {"Content-Type", type}}, body);
  }
  // The path of a URL the catalogue gives, which names this server.
  static std::string PathOf(const std::string& url) {
    std::string base = "http://127.0.0.1:" + std::to_string(platform_->port());
    EXPECT_EQ(url.rfind(base, 0), 0u) << url;
    return url.substr(base.size());
  }

  // Figures of two city indicators and one network indicator, with sources
  // that need quoting.
  static void SeedFigures() {
    json indicators = GetJson("/api/v1/exports/indicators.json")["items"];
    json items = json::array();
    int num_city = 0;
    bool network = false;
    for (const json& indicator : indicators) {
      if (indicator["kind"] != "quantity") continue;
      bool is_city =
          indicator["scope"] == "city" && indicator["cities"].is_null();
      if (is_city && num_city < 2) {
        ++num_city;
        city_indicators_.push_back(indicator["id"]);
        for (const char* city : {"GM0363", "GM0794", "GM0855"}) {
          for (const char* period : {"2014-01", "2014-02", "2015-06"}) {
            items.push_back({{"indicator", indicator["id"]},
                             {"city", city},
                             {"period", period},
                             {"value", 12.5 + items.size()},
                             {"source", "CBS, \"Statline\" tabel 7"}});
          }
        }
      } else if (indicator["scope"] == "network" && !network) {
        network = true;
        items.push_back({{"indicator", indicator["id"]},
                         {"period", "2014-03"},
                         {"value", 0.1},
                         {"source", nullptr}});
      }
    }
    ASSERT_EQ(num_city, 2);
    ASSERT_TRUE(network);
    HttpResponse stored =
        Post("/api/v1/measurements", json{{"items", items}}.dump());
    ASSERT_EQ(stored.status, 200) << stored.body;
  }

  static testing::TempDir* dir_;
  static testing::TestDatabase* database_;
  static app::Platform* platform_;
  static std::string token_;
  static std::vector<std::string> city_indicators_;
};

testing::TempDir* ExportsTest::dir_ = nullptr;
testing::TestDatabase* ExportsTest::database_ = nullptr;
app::Platform* ExportsTest::platform_ = nullptr;
std::string ExportsTest::token_;
std::vector<std::string> ExportsTest::city_indicators_;

TEST_F(ExportsTest, EachDatasetHoldsWhatTheApiShows) {
  // Cities: the same records as GET /api/v1/cities.
  json cities = GetJson("/api/v1/cities?pageSize=500");
  json exported = GetJson("/api/v1/exports/cities.json");
  ASSERT_EQ(exported["total"], cities["total"]);
  for (std::size_t i = 0; i < cities["items"].size(); ++i) {
    const json& city = cities["items"][i];
    for (const char* key :
         {"cbsCode", "name", "network", "memberSince", "url"}) {
      EXPECT_EQ(exported["items"][i][key], city[key]) << key;
    }
  }

  // Themes, agreements, indicators and participants of every theme.
  json themes = GetJson("/api/v1/themes?pageSize=500");
  json exported_themes = GetJson("/api/v1/exports/themes.json");
  ASSERT_EQ(exported_themes["total"], themes["total"]);
  std::map<std::string, json> agreements;
  json agreement_rows = GetJson("/api/v1/exports/agreements.json");
  for (const json& a : agreement_rows["items"]) {
    agreements[a["id"].get<std::string>()] = a;
  }
  std::map<std::string, json> indicators;
  json indicator_rows = GetJson("/api/v1/exports/indicators.json");
  for (const json& i : indicator_rows["items"]) {
    indicators[i["id"].get<std::string>()] = i;
  }
  std::set<std::string> participants;
  json participant_rows = GetJson("/api/v1/exports/participants.json");
  for (const json& p : participant_rows["items"]) {
    participants.insert(p["theme"].get<std::string>() + " " +
                        p["id"].get<std::string>() + " " +
                        p["role"].get<std::string>());
  }
  std::size_t num_agreements = 0;
  std::size_t num_indicators = 0;
  std::size_t num_participants = 0;
  for (const json& theme : themes["items"]) {
    std::string id = theme["id"];
    json listed = GetJson("/api/v1/themes/" + id + "/agreements?pageSize=500");
    for (const json& a : listed["items"]) {
      ++num_agreements;
      std::string agreement = a["id"];
      ASSERT_TRUE(agreements.contains(agreement)) << agreement;
      const json& row = agreements[agreement];
      EXPECT_EQ(row["text"], a["text"]) << a["id"];
      EXPECT_EQ(row["kind"], a["kind"]) << a["id"];
      EXPECT_EQ(row["url"], a["url"]) << a["id"];
    }
    json measured =
        GetJson("/api/v1/themes/" + id + "/indicators?pageSize=500");
    for (const json& i : measured["items"]) {
      ++num_indicators;
      std::string indicator = i["id"];
      ASSERT_TRUE(indicators.contains(indicator)) << indicator;
      const json& row = indicators[indicator];
      EXPECT_EQ(row["target"], i["target"]) << i["id"];
      EXPECT_EQ(row["unit"], i["unit"]) << i["id"];
      EXPECT_EQ(row["deadline"], i["deadline"]) << i["id"];
      EXPECT_EQ(row["baseline"], i["baseline"]) << i["id"];
    }
    json taking_part =
        GetJson("/api/v1/themes/" + id + "/participants?pageSize=500");
    for (const json& p : taking_part["items"]) {
      ++num_participants;
      EXPECT_TRUE(participants.contains(id + " " + p["id"].get<std::string>() +
                                        " " + p["role"].get<std::string>()))
          << id << " " << p["id"];
    }
  }
  EXPECT_GT(num_agreements, 50u);
  EXPECT_EQ(agreements.size(), num_agreements);
  EXPECT_EQ(indicators.size(), num_indicators);
  EXPECT_EQ(participants.size(), num_participants);

  // Figures: the same as GET /api/v1/measurements, and nothing private.
  json figures = GetJson("/api/v1/measurements?pageSize=500");
  json exported_figures = GetJson("/api/v1/exports/figures.json");
  ASSERT_EQ(exported_figures["total"], figures["total"]);
  ASSERT_EQ(exported_figures["total"], 19);
  for (std::size_t i = 0; i < figures["items"].size(); ++i) {
    for (const char* key : {"indicator", "city", "period", "value", "source"}) {
      EXPECT_EQ(exported_figures["items"][i][key], figures["items"][i][key])
          << i << " " << key;
    }
  }
  HttpResponse csv = Get("/api/v1/exports/figures.csv");
  EXPECT_THAT(csv.body, ::testing::Not(HasSubstr("token:")));
  EXPECT_THAT(csv.body, ::testing::Not(HasSubstr("recorded")));

  // Each version of an agreement's text, as its versions route shows it.
  json versions = GetJson("/api/v1/exports/agreement-versions.json");
  json first = GetJson(agreements.begin()->second["url"].get<std::string>() +
                       "/versions");
  std::size_t matched = 0;
  for (const json& v : versions["items"]) {
    if (v["agreement"] != agreements.begin()->first) continue;
    EXPECT_EQ(v["text"], first["items"][matched]["text"]);
    ++matched;
  }
  EXPECT_EQ(matched, first["items"].size());
}

TEST_F(ExportsTest, TheFiguresCsvImportedAgainGivesTheSameFigures) {
  HttpResponse exported = Get("/api/v1/exports/figures.csv");
  ASSERT_EQ(exported.status, 200);
  EXPECT_EQ(exported.Header("Content-Type"),
            "text/csv; charset=utf-8; header=present");
  EXPECT_THAT(exported.body,
              ::testing::StartsWith("indicator,city,period,value,source\r\n"));
  // The quotes in the source are doubled inside a quoted field.
  EXPECT_THAT(exported.body, HasSubstr("\"CBS, \"\"Statline\"\" tabel 7\""));

  // Into the same platform: every figure is already there.
  HttpResponse same =
      Post("/api/v1/measurements/import", exported.body, "text/csv");
  ASSERT_EQ(same.status, 200) << same.body;
  json report = json::parse(same.body);
  EXPECT_EQ(report["rows"], 19);
  EXPECT_EQ(report["unchanged"], 19);
  EXPECT_EQ(report["inserted"], 0);
  EXPECT_EQ(report["corrected"], 0);

  // Into a new platform: its export is the same file, byte for byte.
  testing::TempDir other_dir;
  testing::TestDatabase other_database;
  app::Config config;
  config.port = 0;
  config.data_dir = other_dir.path() / "data";
  config.database_url = other_database.url();
  config.plugin_dir = testing::ThemePluginDir();
  config.web_root = "";
  auto other = app::Platform::Start(config);
  ASSERT_TRUE(other.ok()) << other.status().message();
  HttpResponse imported =
      Fetch((*other)->port(), "POST", "/api/v1/measurements/import",
            {{"Authorization", "Bearer " + Admin(config)},
             {"Content-Type", "text/csv"}},
            exported.body);
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(json::parse(imported.body)["inserted"], 19);
  HttpResponse again =
      Fetch((*other)->port(), "GET", "/api/v1/exports/figures.csv");
  EXPECT_EQ(again.body, exported.body);
}

TEST_F(ExportsTest, AnswersNotModifiedUntilTheDataChanges) {
  HttpResponse first = Get("/api/v1/exports/figures.csv");
  ASSERT_EQ(first.status, 200);
  std::string etag = first.Header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_FALSE(first.Header("Last-Modified").empty());
  EXPECT_THAT(first.Header("Link"), HasSubstr("figures-metadata.json"));
  HttpResponse cached =
      Get("/api/v1/exports/figures.csv", {{"If-None-Match", etag}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  EXPECT_EQ(cached.Header("ETag"), etag);
  // Another file has another validator.
  EXPECT_EQ(
      Get("/api/v1/exports/figures.json", {{"If-None-Match", etag}}).status,
      200);

  json figure = {{"indicator", city_indicators_[0]},
                 {"city", "GM0599"},
                 {"period", "2016-01"},
                 {"value", 3}};
  ASSERT_EQ(
      Post("/api/v1/measurements", json{{"items", {figure}}}.dump()).status,
      200);
  HttpResponse changed =
      Get("/api/v1/exports/figures.csv", {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.Header("ETag"), etag);
  EXPECT_THAT(changed.body, HasSubstr("GM0599,2016-01,3"));
  // The cities did not change: their file is still the same.
  HttpResponse cities = Get("/api/v1/exports/cities.csv");
  EXPECT_EQ(Get("/api/v1/exports/cities.csv",
                {{"If-None-Match", cities.Header("ETag")}})
                .status,
            304);
}

TEST_F(ExportsTest, ADownloadIsOneSnapshotWhileFiguresAreWritten) {
  // Many figures of one indicator, all with the same value; a writer then
  // sets them all to a new value in one write after another. Every
  // download must show them with one value only.
  std::string indicator = city_indicators_[1];
  json cities = GetJson("/api/v1/cities?pageSize=500")["items"];
  auto all_with = [&](int value) {
    json items = json::array();
    for (const json& city : cities) {
      for (int year = 2013; year <= 2020; ++year) {
        for (int month = 1; month <= 12; ++month) {
          char period[8];
          std::snprintf(period, sizeof(period), "%04d-%02d", year, month);
          items.push_back({{"indicator", indicator},
                           {"city", city["cbsCode"]},
                           {"period", period},
                           {"value", value}});
        }
      }
    }
    return json{{"items", items}}.dump();
  };
  // Within 0..100: the indicator may count in percent.
  ASSERT_EQ(Post("/api/v1/measurements", all_with(50)).status, 200);
  std::atomic<bool> written = false;
  std::thread writer([&] {
    for (int value = 51; value < 63; ++value) {
      HttpResponse stored = Post("/api/v1/measurements", all_with(value));
      EXPECT_EQ(stored.status, 200) << stored.body;
    }
    written = true;
  });
  // Downloads while the writer writes, and one after.
  std::set<std::string> seen_values;
  bool last = false;
  while (!last) {
    last = written;
    HttpResponse download = Get("/api/v1/exports/figures.csv");
    ASSERT_EQ(download.status, 200);
    std::set<std::string> values;
    std::size_t rows = 0;
    for (const auto& row : ParseCsv(download.body)) {
      if (row.size() < 4 || row[0] != indicator) continue;
      values.insert(row[3]);
      ++rows;
    }
    // The seeded figures of 2014 and 2015 are among the same months.
    EXPECT_EQ(rows, cities.size() * 96);
    EXPECT_EQ(values.size(), 1u) << "a download mixed two writes";
    seen_values.insert(values.begin(), values.end());
  }
  writer.join();
  // The downloads saw the first value and the last one at least.
  EXPECT_TRUE(seen_values.contains("62"));
  EXPECT_GE(seen_values.size(), 2u);
}

TEST_F(ExportsTest, TheZipHoldsEveryDatasetItsMetadataAndAReadme) {
  HttpResponse zip = Get("/api/v1/exports/all.zip");
  ASSERT_EQ(zip.status, 200);
  EXPECT_EQ(zip.Header("Content-Type"), "application/zip");
  std::filesystem::path file = dir_->path() / "all.zip";
  {
    std::ofstream out(file, std::ios::binary);
    out << zip.body;
  }
  int code = -1;
  std::string tested =
      RunCommand("python3 -m zipfile -t '" + file.string() + "' 2>&1", &code);
  EXPECT_EQ(code, 0) << tested;
  // zipfile -t exits with 0 even for a bad CRC; it says so instead.
  EXPECT_THAT(tested, HasSubstr("Done testing"));
  EXPECT_THAT(tested, ::testing::Not(HasSubstr("corrupted")));
  std::string listed = RunCommand(
      "python3 -c \"import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
      "print('\\n'.join(z.namelist()))\" '" +
          file.string() + "'",
      &code);
  ASSERT_EQ(code, 0) << listed;
  for (const char* dataset :
       {"themes", "agreements", "agreement-versions", "indicators", "figures",
        "cities", "participants"}) {
    EXPECT_THAT(listed, HasSubstr(std::string(dataset) + ".csv\n"));
    EXPECT_THAT(listed, HasSubstr(std::string(dataset) + "-metadata.json\n"));
  }
  EXPECT_THAT(listed, HasSubstr("README.txt"));
  // The archive's figures are the figures file's.
  std::string figures = RunCommand(
      "python3 -c \"import sys, zipfile; "
      "sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("
      "'figures.csv'))\" '" +
          file.string() + "'",
      &code);
  ASSERT_EQ(code, 0);
  EXPECT_EQ(figures, Get("/api/v1/exports/figures.csv").body);
  std::string readme = RunCommand(
      "python3 -c \"import sys, zipfile; "
      "sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("
      "'README.txt'))\" '" +
          file.string() + "'",
      &code);
  EXPECT_THAT(readme, HasSubstr("Licence: http://creativecommons.org/"
                                "publicdomain/zero/1.0/"));
  EXPECT_THAT(readme, HasSubstr("How to cite"));
}

TEST_F(ExportsTest, CsvwMetadataDescribesEveryColumnOfTheCsv) {
  for (const char* dataset :
       {"themes", "agreements", "agreement-versions", "indicators", "figures",
        "cities", "participants"}) {
    std::string base = std::string("/api/v1/exports/") + dataset;
    HttpResponse metadata = Get(base + "-metadata.json");
    ASSERT_EQ(metadata.status, 200) << dataset;
    EXPECT_EQ(metadata.Header("Content-Type"), "application/csvm+json");
    json doc = json::parse(metadata.body);
    EXPECT_EQ(doc["@context"][0], "http://www.w3.org/ns/csvw");
    EXPECT_EQ(PathOf(doc["url"]), base + ".csv");
    std::vector<std::vector<std::string>> csv =
        ParseCsv(Get(base + ".csv").body);
    ASSERT_FALSE(csv.empty());
    const json& columns = doc["tableSchema"]["columns"];
    ASSERT_EQ(columns.size(), csv[0].size()) << dataset;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      EXPECT_EQ(columns[i]["name"], csv[0][i]) << dataset;
      EXPECT_FALSE(columns[i]["dc:description"].get<std::string>().empty());
      EXPECT_TRUE(columns[i]["titles"].is_string());
      EXPECT_TRUE(columns[i]["datatype"].is_string());
      EXPECT_TRUE(columns[i]["required"].is_boolean());
    }
    EXPECT_FALSE(doc["tableSchema"]["primaryKey"].is_null()) << dataset;
  }
}

TEST_F(ExportsTest, AnUnknownFileIsNotFoundNamingTheKnownOnes) {
  for (const char* name :
       {"accounts.csv", "figures.txt", "audit.json", "all.tar"}) {
    HttpResponse missing = Get(std::string("/api/v1/exports/") + name);
    EXPECT_EQ(missing.status, 404) << name;
    EXPECT_EQ(missing.Header("Content-Type"), "application/problem+json");
    EXPECT_THAT(missing.body, HasSubstr("figures.csv"));
    EXPECT_THAT(missing.body, HasSubstr("all.zip"));
  }
  EXPECT_EQ(Get("/api/v1/exports/figures.csv", {{"Accept", "application/pdf"}})
                .status,
            406);
  // The core's seven and the two registers the in-tree themes export.
  json list = GetJson("/api/v1/exports");
  EXPECT_EQ(list["total"], 9);
}

// What DCAT-AP 2.1/3 lists as mandatory for a catalogue, its datasets and
// their distributions, and what this platform promises beyond that.
void ExpectMandatoryDcat(const json& catalog, bool with_contact) {
  EXPECT_EQ(catalog["@type"], "dcat:Catalog");
  EXPECT_EQ(catalog["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
  EXPECT_EQ(catalog["@context"]["dct"], "http://purl.org/dc/terms/");
  EXPECT_TRUE(catalog["@id"].get<std::string>().starts_with("http://"));
  EXPECT_FALSE(catalog["dct:title"]["@value"].get<std::string>().empty());
  EXPECT_FALSE(catalog["dct:description"]["@value"].get<std::string>().empty());
  EXPECT_EQ(catalog["dct:publisher"]["@type"], "foaf:Agent");
  EXPECT_FALSE(
      catalog["dct:publisher"]["foaf:name"].get<std::string>().empty());
  ASSERT_TRUE(catalog["dcat:dataset"].is_array());
  ASSERT_FALSE(catalog["dcat:dataset"].empty());
  for (const json& dataset : catalog["dcat:dataset"]) {
    EXPECT_EQ(dataset["@type"], "dcat:Dataset");
    EXPECT_TRUE(dataset["@id"].get<std::string>().starts_with("http://"))
        << dataset["@id"];
    EXPECT_FALSE(dataset["dct:title"]["@value"].get<std::string>().empty());
    EXPECT_FALSE(
        dataset["dct:description"]["@value"].get<std::string>().empty());
    EXPECT_EQ(dataset["dct:publisher"]["@type"], "foaf:Agent");
    if (with_contact) {
      EXPECT_EQ(dataset["dcat:contactPoint"]["@type"], "vcard:Kind");
      EXPECT_EQ(dataset["dcat:contactPoint"]["vcard:hasEmail"]["@id"],
                "mailto:opendata@stedenlink.example");
      EXPECT_TRUE(dataset["dct:accrualPeriodicity"]["@id"]
                      .get<std::string>()
                      .starts_with("http://publications.europa.eu/resource/"
                                   "authority/frequency/"));
    }
    ASSERT_FALSE(dataset["dcat:distribution"].empty());
    for (const json& distribution : dataset["dcat:distribution"]) {
      EXPECT_EQ(distribution["@type"], "dcat:Distribution");
      EXPECT_TRUE(distribution["dcat:accessURL"]["@id"].is_string());
      EXPECT_TRUE(
          distribution["dct:format"]["@id"].get<std::string>().starts_with(
              "http://publications.europa.eu/resource/"
              "authority/file-type/"))
          << distribution.dump();
    }
  }
}

TEST_F(ExportsTest, TheCatalogueIsDcatApWithResolvableDownloads) {
  HttpResponse response = Get("/api/v1/catalog.jsonld");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.Header("Content-Type"), "application/ld+json");
  json catalog = json::parse(response.body);
  ExpectMandatoryDcat(catalog, true);
  EXPECT_EQ(catalog["dct:license"]["@id"],
            "http://creativecommons.org/publicdomain/zero/1.0/");
  // The core's seven and the registers Bedrijvige Stad and Kennisdeling
  // export.
  EXPECT_EQ(catalog["dcat:dataset"].size(), 9u);
  std::set<std::string> formats;
  for (const json& dataset : catalog["dcat:dataset"]) {
    for (const json& distribution : dataset["dcat:distribution"]) {
      formats.insert(distribution["dct:format"]["@id"]);
      std::string path = PathOf(distribution["dcat:downloadURL"]["@id"]);
      if (path.ends_with(".zip")) continue;
      EXPECT_EQ(Get(path).status, 200) << path;
      EXPECT_THAT(distribution["dcat:mediaType"]["@id"].get<std::string>(),
                  ::testing::StartsWith(
                      "http://www.iana.org/assignments/media-types/"));
    }
  }
  EXPECT_EQ(formats,
            (std::set<std::string>{
                "http://publications.europa.eu/resource/authority/file-type/"
                "CSV",
                "http://publications.europa.eu/resource/authority/file-type/"
                "JSON",
                "http://publications.europa.eu/resource/authority/file-type/"
                "ZIP"}));

  // Onze Stad's catalogue of the cities' datasets is a part, and is
  // DCAT-AP itself now: description, publisher, EU file types, URLs.
  ASSERT_EQ(catalog["dct:hasPart"].size(), 1u);
  std::string part = PathOf(catalog["dct:hasPart"][0]["@id"]);
  EXPECT_EQ(part, "/api/v1/themes/onze-stad/catalog-dcat");
  json dataset = {{"city", "GM0855"},
                  {"title", "Afvalkalender"},
                  {"publisher", "Gemeente Tilburg"},
                  {"licence", "CC0-1.0"},
                  {"format", "csv"},
                  {"url", "https://data.tilburg.nl/afval"},
                  {"top20", true}};
  ASSERT_EQ(Post("/api/v1/themes/onze-stad/datasets", dataset.dump()).status,
            201);
  json cities_catalog = GetJson(part);
  ExpectMandatoryDcat(cities_catalog, false);
  bool found = false;
  for (const json& node : cities_catalog["dcat:dataset"]) {
    if (node["dct:title"]["@value"] != "Afvalkalender") continue;
    found = true;
    EXPECT_EQ(node["dcat:distribution"][0]["dct:format"]["@id"],
              "http://publications.europa.eu/resource/authority/file-type/"
              "CSV");
    // Its name is its record's URL.
    EXPECT_EQ(GetJson(PathOf(node["@id"]))["title"], "Afvalkalender");
  }
  EXPECT_TRUE(found);
}

// Read as RDF (rdflib, from Debian), the catalogue and Onze Stad's carry
// DCAT-AP's mandatory properties with EU vocabulary IRIs, and the Turtle
// form holds exactly the JSON-LD form's triples.
TEST_F(ExportsTest, TheCatalogueReadAsRdfIsDcatApAndTheSameInTurtle) {
  HttpResponse jsonld = Get("/api/v1/catalog.jsonld");
  HttpResponse turtle = Get("/api/v1/catalog.ttl");
  ASSERT_EQ(jsonld.status, 200);
  ASSERT_EQ(turtle.status, 200);
  EXPECT_EQ(turtle.Header("Content-Type"), "text/turtle; charset=utf-8");
  EXPECT_THAT(turtle.body, ::testing::HasSubstr(
                               "@prefix dcat: <http://www.w3.org/ns/dcat#> ."));
  HttpResponse cities = Get("/api/v1/themes/onze-stad/catalog-dcat");
  ASSERT_EQ(cities.status, 200);
  std::filesystem::path dir = dir_->path();
  auto write = [&](const char* name, const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
    return "'" + (dir / name).string() + "'";
  };
  std::string check =
      "/usr/bin/python3 '" +
      (testing::SourceDir() / "tests/api/dcat_rdf_check.py").string() + "' ";
  int code = -1;
  std::string out =
      RunCommand(check + write("catalog.jsonld", jsonld.body) + " " +
                     write("catalog.ttl", turtle.body) + " 2>&1",
                 &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, ::testing::StartsWith("ok "));
  out =
      RunCommand(check + write("cities.jsonld", cities.body) + " 2>&1", &code);
  EXPECT_EQ(code, 0) << out;

  // The check itself: a catalogue without its description or publisher,
  // a format as a plain string, a Turtle form with a triple less.
  json broken = json::parse(jsonld.body);
  broken.erase("dct:description");
  broken.erase("dct:publisher");
  broken["dcat:dataset"][0]["dcat:distribution"][0]["dct:format"] = "CSV";
  std::string shorter = turtle.body;
  std::size_t title = shorter.find("dct:title");
  ASSERT_NE(title, std::string::npos);
  shorter.replace(title, 9, "dct:alternative");
  out = RunCommand(check + write("broken.jsonld", broken.dump()) + " " +
                       write("shorter.ttl", shorter) + " 2>&1",
                   &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("no dct:description"));
  EXPECT_THAT(out, ::testing::HasSubstr("no dct:publisher"));
  EXPECT_THAT(out, ::testing::HasSubstr("not of the EU file-type vocabulary"));
  EXPECT_THAT(out, ::testing::HasSubstr("only in the Turtle"));
}

}  // namespace
}  // namespace smartercities
