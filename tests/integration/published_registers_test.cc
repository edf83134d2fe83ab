// The theme registers whose manifest entries say "export" or "search",
// through the real server with the real theme modules: Bedrijvige Stad's
// business parks are a dataset of the bulk downloads, the ZIP and the
// catalogue while the module is on and nowhere while it is off, and their
// CSV reads back as the API's records; Onze Stad's catalogue of the cities'
// datasets is found by the knowledge base's search in any inflection,
// filtered by theme and city, until a record changes or is removed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/app/platform.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/served_platform.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;

constexpr const char* kParks = "/api/v1/themes/bedrijvige-stad/business-parks";
constexpr const char* kParksDataset = "bedrijvige-stad-business-parks";
constexpr const char* kDatasets = "/api/v1/themes/onze-stad/datasets";

// The records of an RFC 4180 text, quoted fields with commas, quotes and
// line breaks included.
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

// A JSON value as the CSV writes it.
std::string AsCsv(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    out.append(buffer, n);
  }
  ::pclose(pipe);
  return out;
}

class PublishedRegistersTest : public testing::ServedPlatformTest {
 protected:
  static HttpResponse Get(const std::string& target) {
    return Fetch(platform_->port(), "GET", target);
  }
  static json GetJson(const std::string& target) {
    HttpResponse response = Get(target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
    return json::parse(response.body, nullptr, false);
  }
  static HttpResponse Send(const std::string& method, const std::string& target,
                           const std::string& body) {
    return Fetch(platform_->port(), method, target,
                 {{"Authorization", "Bearer " + token_},
                  {"Content-Type", "application/json"}},
                 body);
  }
  static void SwitchModule(const std::string& id, bool enabled) {
    json body = {{"enabled", enabled}};
    HttpResponse response = Send("PATCH", "/api/v1/modules/" + id, body.dump());
    ASSERT_EQ(response.status, 200) << response.body;
  }
  // The names of the files in a ZIP archive, one a line.
  static std::string ZipListing(const std::string& bytes) {
    std::filesystem::path file = dir_->path() / "all.zip";
    {
      std::ofstream out(file, std::ios::binary);
      out << bytes;
    }
    return RunCommand(
        "python3 -c \"import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
        "print('\\n'.join(z.namelist()))\" '" +
        file.string() + "'");
  }
  static std::string ZipEntry(const std::string& name) {
    return RunCommand(
        "python3 -c \"import sys, zipfile; "
        "sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv["
        "2]))\" '" +
        (dir_->path() / "all.zip").string() + "' '" + name + "'");
  }
  static std::vector<std::string> DatasetIds() {
    std::vector<std::string> ids;
    json listed = GetJson("/api/v1/exports");
    for (const json& item : listed["items"]) {
      ids.push_back(item["id"]);
    }
    return ids;
  }
  static std::vector<std::string> CatalogueIds() {
    std::vector<std::string> ids;
    json catalog = GetJson("/api/v1/catalog.jsonld");
    for (const json& node : catalog["dcat:dataset"]) {
      std::string iri = node["@id"];
      ids.push_back(iri.substr(iri.find('#') + 1));
    }
    return ids;
  }
  // The search's hits of type "record".
  static json Records(const std::string& query) {
    json hits = json::array();
    json found = GetJson("/api/v1/search?pageSize=100&" + query);
    for (const json& hit : found["items"]) {
      if (hit["type"] == "record") hits.push_back(hit);
    }
    return hits;
  }
};

TEST_F(PublishedRegistersTest, AnExportedRegisterIsADatasetWhileItsModuleIsOn) {
  json park = {{"city", "GM0794"},
               {"name", "Hoogeind, \"oost\""},
               {"hasFibre", true},
               {"fibreSince", "2013-03-01"},
               {"hectares", 75.5}};
  ASSERT_EQ(Send("POST", kParks, park.dump()).status, 201);

  json listed = GetJson("/api/v1/exports");
  bool found = false;
  for (const json& item : listed["items"]) {
    if (item["id"] != kParksDataset) continue;
    found = true;
    EXPECT_THAT(item["title"].get<std::string>(),
                HasSubstr("business parks and their fibre status"));
    EXPECT_THAT(
        item["csv"].get<std::string>(),
        HasSubstr("/api/v1/exports/bedrijvige-stad-business-parks.csv"));
  }
  EXPECT_TRUE(found) << listed.dump();

  // The CSV holds the register's records as the API gives them, with no
  // account names.
  json records = GetJson(std::string(kParks) + "?pageSize=500");
  std::string base = std::string("/api/v1/exports/") + kParksDataset;
  HttpResponse csv = Get(base + ".csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_THAT(csv.Header("Content-Type"), HasSubstr("text/csv"));
  EXPECT_THAT(csv.body, ::testing::Not(HasSubstr("updatedBy")));
  auto rows = ParseCsv(csv.body);
  ASSERT_FALSE(rows.empty());
  std::vector<std::string> header = rows[0];
  EXPECT_EQ(header, (std::vector<std::string>{"id", "city", "fibreSince",
                                              "hasFibre", "hectares", "name",
                                              "demo", "updatedAt", "url"}));
  ASSERT_EQ(rows.size() - 1, records["total"].get<std::size_t>());
  for (std::size_t i = 0; i < records["items"].size(); ++i) {
    const json& record = records["items"][i];
    const std::vector<std::string>& row = rows[i + 1];
    ASSERT_EQ(row.size(), header.size());
    for (std::size_t c = 0; c + 1 < header.size(); ++c) {
      const json& value = record[header[c]];
      if (value.is_number() && !row[c].empty()) {
        EXPECT_DOUBLE_EQ(std::stod(row[c]), value.get<double>()) << header[c];
      } else {
        EXPECT_EQ(row[c], AsCsv(value)) << header[c];
      }
    }
    EXPECT_EQ(row.back(), std::string(kParks) + "/" + AsCsv(record["id"]));
  }
  EXPECT_EQ(rows.back()[5], "Hoogeind, \"oost\"");

  // The JSON file gives the same records, typed.
  json exported = GetJson(base + ".json");
  ASSERT_EQ(exported["total"], records["total"]);
  for (std::size_t i = 0; i < records["items"].size(); ++i) {
    for (const char* key : {"id", "city", "name", "hasFibre", "fibreSince",
                            "hectares", "demo", "updatedAt"}) {
      EXPECT_EQ(exported["items"][i][key], records["items"][i][key]) << key;
    }
  }

  // The CSVW metadata describes each column, with the schema's types.
  json metadata = GetJson(base + "-metadata.json");
  const json& columns = metadata["tableSchema"]["columns"];
  ASSERT_EQ(columns.size(), header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    EXPECT_EQ(columns[c]["name"], header[c]);
    EXPECT_FALSE(columns[c]["dc:description"].get<std::string>().empty());
  }
  EXPECT_EQ(columns[2]["datatype"], "date");
  EXPECT_EQ(columns[3]["datatype"], "boolean");
  EXPECT_EQ(columns[4]["datatype"], "double");
  EXPECT_EQ(columns[5]["required"], true);
  EXPECT_EQ(columns[2]["required"], false);

  // In the ZIP, the same file beside its metadata; in the catalogue.
  HttpResponse zip = Get("/api/v1/exports/all.zip");
  ASSERT_EQ(zip.status, 200);
  std::string names = ZipListing(zip.body);
  EXPECT_THAT(names, HasSubstr(std::string(kParksDataset) + ".csv\n"));
  EXPECT_THAT(names, HasSubstr(std::string(kParksDataset) + "-metadata.json"));
  EXPECT_EQ(ZipEntry(std::string(kParksDataset) + ".csv"), csv.body);
  EXPECT_THAT(CatalogueIds(), ::testing::Contains(kParksDataset));

  // A change is a new version of the file.
  std::string etag = csv.Header("ETag");
  json another = park;
  another["name"] = "Businesspark Brainport";
  ASSERT_EQ(Send("POST", kParks, another.dump()).status, 201);
  HttpResponse changed = Get(base + ".csv");
  EXPECT_NE(changed.Header("ETag"), etag);
  EXPECT_THAT(changed.body, HasSubstr("Businesspark Brainport"));

  // Switched off, the register is no open data of the platform anymore.
  SwitchModule("bedrijvige-stad", false);
  EXPECT_THAT(DatasetIds(), ::testing::Not(::testing::Contains(kParksDataset)));
  EXPECT_EQ(Get(base + ".csv").status, 404);
  EXPECT_EQ(Get(base + ".json").status, 404);
  EXPECT_THAT(ZipListing(Get("/api/v1/exports/all.zip").body),
              ::testing::Not(HasSubstr(kParksDataset)));
  EXPECT_THAT(CatalogueIds(),
              ::testing::Not(::testing::Contains(kParksDataset)));
  // Kennisdeling's newsletters stay.
  EXPECT_THAT(DatasetIds(), ::testing::Contains("kennisdeling-newsletters"));

  SwitchModule("bedrijvige-stad", true);
  EXPECT_THAT(DatasetIds(), ::testing::Contains(kParksDataset));
  EXPECT_EQ(Get(base + ".csv").body, changed.body);
}

TEST_F(PublishedRegistersTest, ASearchableRecordIsFoundUntilItIsRemoved) {
  json dataset = {{"city", "GM0794"},
                  {"title", "Standen van de verkeerslichten"},
                  {"description",
                   "Elke minuut de stand van alle verkeerslichten op de "
                   "ringweg, als open data."},
                  {"publisher", "Gemeente Helmond"},
                  {"licence", "CC0-1.0"},
                  {"format", "csv"},
                  {"url", "https://data.helmond.nl/verkeer"},
                  {"top20", false}};
  HttpResponse created = Send("POST", kDatasets, dataset.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = std::to_string(json::parse(created.body)["id"].get<int>());
  std::string record_url = std::string(kDatasets) + "/" + id;

  // Found by another inflection of a word of its title and text.
  json hits = Records("q=verkeerslicht");
  ASSERT_EQ(hits.size(), 1u) << hits.dump();
  EXPECT_EQ(hits[0]["title"], "Standen van de verkeerslichten");
  EXPECT_EQ(hits[0]["id"], "datasets/" + id);
  EXPECT_EQ(hits[0]["link"], record_url);
  EXPECT_EQ(hits[0]["theme"], "onze-stad");
  EXPECT_EQ(hits[0]["city"], "GM0794");
  EXPECT_THAT(hits[0]["snippet"].get<std::string>(),
              HasSubstr("verkeerslichten op de ringweg"));
  EXPECT_EQ(GetJson(hits[0]["link"].get<std::string>())["title"],
            "Standen van de verkeerslichten");
  EXPECT_EQ(Records("q=ringwegen").size(), 1u);

  // ?type= narrows the hits to one type; a type there is not is refused.
  json only_records =
      GetJson("/api/v1/search?pageSize=100&type=record&q=verkeerslicht");
  ASSERT_EQ(only_records["items"].size(), 1u) << only_records.dump();
  EXPECT_EQ(only_records["items"][0]["type"], "record");
  EXPECT_EQ(only_records["total"], 1);
  json no_records =
      GetJson("/api/v1/search?pageSize=100&type=document&q=verkeerslicht");
  EXPECT_EQ(no_records["total"], 0) << no_records.dump();
  HttpResponse bad_type = Get("/api/v1/search?type=records&q=verkeerslicht");
  EXPECT_EQ(bad_type.status, 400);
  EXPECT_THAT(bad_type.body, HasSubstr("type: must be one of"));

  // The site's search page lists it among the themes' records, linked to
  // its city's page, with the passage that matched.
  HttpResponse page = Get("/zoeken?q=verkeerslicht");
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("data-results=\"resultaten-registers\""));
  EXPECT_THAT(page.body, HasSubstr(">Standen van de verkeerslichten</a>"));
  EXPECT_THAT(page.body, HasSubstr("href=\"&#x2F;steden&#x2F;GM0794\""));
  EXPECT_THAT(page.body, HasSubstr("<mark class=\"utrecht-mark\">"));
  HttpResponse english = Get("/en/zoeken?q=verkeerslicht");
  ASSERT_EQ(english.status, 200);
  EXPECT_THAT(english.body, HasSubstr("Theme records"));

  // The theme and city filters.
  EXPECT_EQ(Records("q=verkeerslicht&theme=onze-stad").size(), 1u);
  EXPECT_EQ(Records("q=verkeerslicht&theme=bedrijvige-stad").size(), 0u);
  EXPECT_EQ(Records("q=verkeerslicht&city=GM0794").size(), 1u);
  EXPECT_EQ(Records("q=verkeerslicht&city=GM0363").size(), 0u);

  // Not while Onze Stad is switched off.
  SwitchModule("onze-stad", false);
  EXPECT_EQ(Records("q=verkeerslicht").size(), 0u);
  SwitchModule("onze-stad", true);
  EXPECT_EQ(Records("q=verkeerslicht").size(), 1u);

  // A change is found as it is now.
  dataset["title"] = "Fietsenstallingen";
  dataset["description"] = "Vrije plaatsen in de fietsenstallingen.";
  ASSERT_EQ(Send("PUT", record_url, dataset.dump()).status, 200);
  EXPECT_EQ(Records("q=verkeerslicht").size(), 0u);
  EXPECT_EQ(Records("q=fietsenstalling").size(), 1u);

  // Removed, it is found no more.
  ASSERT_EQ(Send("DELETE", record_url, "").status, 204);
  EXPECT_EQ(Records("q=fietsenstalling").size(), 0u);
}

}  // namespace
}  // namespace smartercities
