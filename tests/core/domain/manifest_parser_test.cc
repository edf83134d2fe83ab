#include "core/domain/manifest_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace smartercities::domain {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json Valid() {
  return json::parse(R"({
    "id": "groene-stad", "version": "1.0.0",
    "name": {"nl": "De Groene Stad", "en": "The Green City"},
    "introduction": {"nl": "Inleiding"},
    "challenges": [{"nl": "Energie besparen"}],
    "leaders": [{"name": "Amersfoort", "cbsCode": "GM0307"}],
    "agreements": [
      {"letter": "a", "kind": "result", "goal": "Ter bevordering", "text": "Tekst a.",
       "dates": [{"date": "2013-12", "text": "eind 2013"}],
       "numbers": [{"value": 100, "unit": "homes", "text": "100 woningen"}],
       "indicators": ["groene-stad-homes"]},
      {"letter": "b", "kind": "effort", "goal": "", "text": "Tekst b."}],
    "indicators": [{"id": "groene-stad-homes", "name": {"nl": "Woningen"},
      "unit": "homes", "kind": "quantity", "target": 100, "deadline": "2014-12",
      "direction": "increase", "scope": "network", "agreements": ["a"]}],
    "routes": [{"method": "GET", "path": "/pilots/{id}", "summary": "s", "permission": "public"}],
    "panels": [{"id": "p", "title": {"nl": "P"}, "endpoint": "/pilots/{id}", "view": "table"}],
    "storage": {"migrations": [{"version": 1, "description": "d", "sql": "CREATE TABLE groene_stad_x (a);"}]}
  })");
}

std::string ProblemsOf(const json& manifest) {
  std::vector<std::string> problems;
  auto result = ParseManifest(manifest.dump(), "theme.json", &problems);
  EXPECT_FALSE(result.ok());
  std::string all;
  for (const auto& problem : problems) all += problem + "\n";
  return all;
}

TEST(ManifestParserTest, ReadsAValidManifest) {
  auto result = ParseManifest(Valid().dump(), "theme.json");
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->id, "groene-stad");
  EXPECT_EQ(result->TablePrefix(), "groene_stad_");
  ASSERT_EQ(result->agreements.size(), 2u);
  EXPECT_EQ(result->agreements[1].kind, AgreementKind::kEffort);
  EXPECT_EQ(result->agreements[0].dates[0].date, "2013-12");
  EXPECT_EQ(result->indicators[0].target, 100);
  EXPECT_EQ(result->indicators[0].scope, IndicatorScope::kNetwork);
  EXPECT_FALSE(result->indicators[0].baseline.has_value());
  EXPECT_EQ(result->leaders[0].cbs_code, "GM0307");
  EXPECT_EQ(result->migrations[0].version, 1);
}

TEST(ManifestParserTest, VersionsCompareByTheirNumbers) {
  EXPECT_LT(CompareVersions("1.2.3", "1.10.0"), 0);
  EXPECT_GT(CompareVersions("2.0.0", "1.99.99"), 0);
  EXPECT_EQ(CompareVersions("1.2.3", "1.2.3"), 0);
  EXPECT_LT(CompareVersions("1.2", "1.2.1"), 0);
  // A part that is not a number counts as 0; the parts after it still count.
  EXPECT_LT(CompareVersions("1.x.1", "1.0.2"), 0);
}

TEST(ManifestParserTest, StorageEnginesSayWhereAPluginsOwnTablesMayLive) {
  // Tables of its own and no declaration: written for SQLite.
  auto undeclared = ParseManifest(Valid().dump(), "theme.json");
  ASSERT_TRUE(undeclared.ok()) << undeclared.status().message();
  EXPECT_TRUE(undeclared->SupportsEngine("sqlite"));
  EXPECT_FALSE(undeclared->SupportsEngine("postgresql"));

  json both = Valid();
  both["storage"]["engines"] = {"sqlite", "postgresql"};
  auto declared = ParseManifest(both.dump(), "theme.json");
  ASSERT_TRUE(declared.ok()) << declared.status().message();
  EXPECT_TRUE(declared->SupportsEngine("sqlite"));
  EXPECT_TRUE(declared->SupportsEngine("postgresql"));

  // No tables of its own (registers and public views only): both.
  json tableless = Valid();
  tableless.erase("storage");
  auto none = ParseManifest(tableless.dump(), "theme.json");
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_TRUE(none->SupportsEngine("postgresql"));

  json unknown = Valid();
  unknown["storage"]["engines"] = {"sqlite", "mysql"};
  EXPECT_THAT(ProblemsOf(unknown), HasSubstr("storage.engines[1]"));
  json empty = Valid();
  empty["storage"]["engines"] = json::array();
  EXPECT_THAT(ProblemsOf(empty), HasSubstr("storage.engines"));
}

TEST(ManifestParserTest, ADateIsADeadlineUnlessItSaysOtherwise) {
  json manifest = Valid();
  manifest["agreements"][0]["dates"].push_back(
      {{"date", "2012"}, {"text", "vanaf 2012"}, {"kind", "start"}});
  auto result = ParseManifest(manifest.dump(), "theme.json");
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->agreements[0].dates[0].kind, "deadline");
  EXPECT_EQ(result->agreements[0].dates[1].kind, "start");

  manifest["agreements"][0]["dates"][1]["kind"] = "begin";
  EXPECT_THAT(ProblemsOf(manifest),
              HasSubstr("agreements[0].dates[1].kind: must be \"deadline\", "
                        "\"start\" or \"context\", got \"begin\""));
}

TEST(ManifestParserTest, ReadsAPreambleApartFromTheNotes) {
  json manifest = Valid();
  manifest["agreements"][1]["preamble"] = "Om dit te bereiken spreken zij af:";
  manifest["agreements"][1]["notes"] = {"Een voetnoot."};
  auto result = ParseManifest(manifest.dump(), "theme.json");
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->agreements[1].preamble,
            "Om dit te bereiken spreken zij af:");
  EXPECT_EQ(result->agreements[1].notes,
            std::vector<std::string>{"Een voetnoot."});
  EXPECT_TRUE(result->agreements[0].preamble.empty());
}

TEST(ManifestParserTest, IndicatorCitiesNeedScopeCityAndCbsCodes) {
  json manifest = Valid();
  manifest["indicators"][0]["scope"] = "city";
  manifest["indicators"][0]["cities"] = {"GM0307", "GM0344"};
  auto result = ParseManifest(manifest.dump(), "theme.json");
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->indicators[0].cities,
            (std::vector<std::string>{"GM0307", "GM0344"}));
  EXPECT_EQ(result->indicators[0].scope, IndicatorScope::kCity);

  manifest["indicators"][0]["cities"] = {"GM0307", "Utrecht", "GM0307"};
  manifest["indicators"][0]["scope"] = "network";
  std::string problems = ProblemsOf(manifest);
  EXPECT_THAT(problems, HasSubstr("indicators[0].cities[1]: must be GM"));
  EXPECT_THAT(problems,
              HasSubstr("indicators[0].cities[2]: \"GM0307\" is named twice"));
  EXPECT_THAT(problems, HasSubstr("indicators[0].cities: names cities, so "
                                  "scope must be \"city\", got \"network\""));
}

TEST(ManifestParserTest, NamesTheSourceAndFieldOfEachProblem) {
  json manifest = Valid();
  manifest["agreements"][1]["kind"] = "resul";
  auto result = ParseManifest(manifest.dump(), "plugins/x/theme.json");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("plugins/x/theme.json"));
  EXPECT_THAT(result.status().message(),
              HasSubstr("agreements[1].kind: must be \"result\" or "
                        "\"effort\", got \"resul\""));
}

TEST(ManifestParserTest, ReportsEveryProblemAtOnce) {
  json manifest = Valid();
  manifest.erase("version");
  manifest["id"] = "Groene Stad";
  manifest["agreements"][0]["letter"] = "b";
  manifest["indicators"][0]["deadline"] = "2014";
  manifest["leaders"][0]["cbsCode"] = "0307";
  std::string problems = ProblemsOf(manifest);
  EXPECT_THAT(problems, HasSubstr("version: is required"));
  EXPECT_THAT(problems, HasSubstr("id: must be kebab-case"));
  EXPECT_THAT(problems, HasSubstr("agreements[1].letter: \"b\" is used twice"));
  EXPECT_THAT(problems, HasSubstr("indicators[0].deadline: must be YYYY-MM"));
  EXPECT_THAT(problems, HasSubstr("leaders[0].cbsCode: must be GM followed"));
}

TEST(ManifestParserTest, RefusesBrokenLinksBetweenAgreementsAndIndicators) {
  json manifest = Valid();
  manifest["agreements"][0]["indicators"] = {"groene-stad-nothing"};
  manifest["indicators"][0]["agreements"] = {"z"};
  std::string problems = ProblemsOf(manifest);
  EXPECT_THAT(problems,
              HasSubstr("agreements[0].indicators: "
                        "\"groene-stad-nothing\" is not an indicator"));
  EXPECT_THAT(problems,
              HasSubstr("indicators[0].agreements: \"z\" is not an agreement"));
}

TEST(ManifestParserTest, RefusesRoutesThatCouldLeaveThePrefix) {
  for (const char* path : {"/../modules", "pilots", "/pilots/", "/Pilots",
                           "/a//b", "/{bad-name}"}) {
    json manifest = Valid();
    manifest.erase("panels");
    manifest["routes"][0]["path"] = path;
    EXPECT_THAT(ProblemsOf(manifest), HasSubstr("routes[0].path")) << path;
  }
}

TEST(ManifestParserTest, RefusesIdsWhoseTablePrefixCoversThePlatformsTables) {
  for (const char* id : {"api", "audit", "agreement", "operator", "public",
                         "sqlite", "schema"}) {
    json manifest = Valid();
    manifest["id"] = id;
    EXPECT_THAT(ProblemsOf(manifest), HasSubstr("id: its table prefix")) << id;
  }
  json fine = Valid();
  fine["id"] = "users-of-data";
  std::vector<std::string> problems;
  auto parsed = ParseManifest(fine.dump(), "theme.json", &problems);
  EXPECT_FALSE(parsed.ok()) << "the id must also match the indicators";
  for (const auto& problem : problems)
    EXPECT_THAT(problem, ::testing::Not(HasSubstr("table prefix")));
}

TEST(ManifestParserTest, ThemesWhosePrefixesNestOverlap) {
  ThemeManifest green;
  green.id = "groene-stad";
  ThemeManifest greener;
  greener.id = "groene-stad-x";
  ThemeManifest other;
  other.id = "groene-steden";
  EXPECT_TRUE(green.TablesOverlap(greener));
  EXPECT_TRUE(greener.TablesOverlap(green));
  EXPECT_FALSE(green.TablesOverlap(other));
}

TEST(ManifestParserTest, RefusesUnknownFieldsAndWrongTypes) {
  json manifest = Valid();
  manifest["agreements"][0]["colour"] = "green";
  manifest["indicators"][0]["target"] = "honderd";
  std::string problems = ProblemsOf(manifest);
  EXPECT_THAT(problems, HasSubstr("agreements[0].colour: unknown field"));
  EXPECT_THAT(problems,
              HasSubstr("indicators[0].target: must be a number, got string"));
}

TEST(ManifestParserTest, ReadsARegistersExportAndSearch) {
  json manifest = Valid();
  manifest["registers"] = json::parse(R"([
    {"path": "/data-centres", "title": "data centres", "write": "admin",
     "table": "groene_stad_datacentres", "export": true,
     "description": "Data centres.", "search": ["name", "operator"]},
    {"path": "/smart-grids", "title": "pilots", "write": "admin"}])");
  auto parsed = ParseManifest(manifest.dump(), "theme.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->registers.size(), 2u);
  const RegisterDeclaration& exported = parsed->registers[0];
  EXPECT_EQ(exported.table, "groene_stad_datacentres");
  EXPECT_TRUE(exported.exported);
  EXPECT_EQ(exported.description, "Data centres.");
  EXPECT_EQ(exported.search_fields,
            (std::vector<std::string>{"name", "operator"}));
  EXPECT_FALSE(parsed->registers[1].exported);
  EXPECT_TRUE(parsed->registers[1].search_fields.empty());
}

TEST(ManifestParserTest, RefusesAnExportOrSearchTheCoreCannotRead) {
  json manifest = Valid();
  manifest["registers"] = json::parse(R"([
    {"path": "/a", "title": "a", "write": "admin", "export": true},
    {"path": "/b", "title": "b", "write": "admin",
     "table": "bedrijvige_stad_parks", "search": ["name"]},
    {"path": "/c", "title": "c", "write": "admin",
     "table": "groene_stad_c", "search": ["Name", "name", "name"]},
    {"path": "/d", "title": "d", "write": "admin",
     "table": "groene_stad_d", "export": "yes", "search": []},
    {"path": "/e/{city}", "title": "e", "write": "admin",
     "table": "groene_stad_e", "export": true}])");
  std::string problems = ProblemsOf(manifest);
  EXPECT_THAT(problems,
              HasSubstr("registers[0].table: is required when the register "
                        "has \"export\" or \"search\""));
  EXPECT_THAT(problems, HasSubstr("registers[1].table: must start with "
                                  "\"groene_stad_\", got "
                                  "\"bedrijvige_stad_parks\""));
  EXPECT_THAT(problems, HasSubstr("registers[2].search[0]: must be a field's "
                                  "key (lowerCamelCase)"));
  EXPECT_THAT(problems, HasSubstr("registers[2].search"));
  EXPECT_THAT(problems, HasSubstr("registers[3].export: must be"));
  EXPECT_THAT(problems, HasSubstr("registers[3].search"));
  EXPECT_THAT(problems, HasSubstr("registers[4].path: a register with "
                                  "\"export\" or \"search\" needs a path "
                                  "without {parameters}"));
}

TEST(ManifestParserTest, RefusesMigrationGapsAndPanelsOnUndeclaredRoutes) {
  json manifest = Valid();
  manifest["storage"]["migrations"][0]["version"] = 2;
  manifest["panels"][0]["endpoint"] = "/nowhere";
  std::string problems = ProblemsOf(manifest);
  EXPECT_THAT(problems, HasSubstr("storage.migrations[0].version: must be 1"));
  EXPECT_THAT(problems, HasSubstr("panels[0].endpoint: \"/nowhere\" is not"));
}

TEST(ManifestParserTest, ExplainsInvalidJson) {
  auto result = ParseManifest("{\"id\": ", "theme.json");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("theme.json"));
  EXPECT_THAT(result.status().message(), HasSubstr("not valid JSON"));
}

TEST(ManifestParserTest, RefusesOverlongTextWithoutExhaustingTheStack) {
  // Matching 100000 characters against the version or route path pattern
  // overflowed the stack.
  json manifest = Valid();
  manifest["version"] = "1.0.0-" + std::string(100000, 'a');
  std::string long_path;
  while (long_path.size() < 100000) long_path += "/a";
  manifest["routes"][0]["path"] = long_path;
  std::string problems = ProblemsOf(manifest);
  EXPECT_THAT(problems, HasSubstr("version: must be a semantic version"));
  EXPECT_THAT(problems, HasSubstr("routes[0].path: must start with '/'"));
}

TEST(ManifestParserTest, RefusesANumberTooLargeForADouble) {
  std::vector<std::string> problems;
  auto result = ParseManifest(R"({"id": "x", "version": 1e999})", "theme.json",
                              &problems);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("not valid JSON"));
  EXPECT_THAT(result.status().message(), HasSubstr("1e999"));
  EXPECT_EQ(problems.size(), 1u);
}

}  // namespace
}  // namespace smartercities::domain
