#include "core/domain/json_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/domain/manifest_parser.h"
#include "tests/support/test_support.h"

namespace smartercities::domain {

void PrintTo(const SchemaBreach& breach, std::ostream* out) {
  *out << "{\"" << breach.path << "\", \"" << breach.reason << "\"}";
}

namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;

json Load(const std::filesystem::path& file) {
  std::ifstream in(file);
  return json::parse(in);
}

TEST(ManifestSchemaTest, EveryShippedManifestConforms) {
  std::filesystem::path source = testing::SourceDir();
  std::vector<std::filesystem::path> files = {source /
                                              "sdk/template/theme.json"};
  for (const auto& entry :
       std::filesystem::directory_iterator(source / "plugins")) {
    if (std::filesystem::exists(entry.path() / "theme.json")) {
      files.push_back(entry.path() / "theme.json");
    }
  }
  ASSERT_EQ(files.size(), 10u);
  for (const auto& file : files) {
    EXPECT_THAT(CheckAgainstSchema(ManifestSchema(), Load(file)),
                ::testing::IsEmpty())
        << file;
  }
}

TEST(ManifestSchemaTest, NamesEachKindOfBreachWithItsPath) {
  json manifest = Load(testing::SourceDir() / "sdk/template/theme.json");
  manifest["agreements"][0]["kind"] = "promise";
  manifest["agreements"][0].erase("text");
  manifest["indicators"][0]["target"] = "one";
  manifest["indicators"][0]["deadline"] = "2015";
  manifest["routes"][0]["bodyLimitBytes"] = -1;
  manifest["leaders"][0]["mayor"] = "x";
  auto problems = CheckAgainstSchema(ManifestSchema(), manifest);
  EXPECT_THAT(problems,
              Contains(HasSubstr("agreements[0].kind: must be \"result\" or "
                                 "\"effort\", got \"promise\"")));
  EXPECT_THAT(problems, Contains("agreements[0].text: is required"));
  EXPECT_THAT(problems,
              Contains("indicators[0].target: must be a number, got string"));
  // The schema's own words for a pattern, with the value.
  EXPECT_THAT(problems, Contains("indicators[0].deadline: must be YYYY-MM, "
                                 "got \"2015\""));
  EXPECT_THAT(problems,
              Contains("routes[0].bodyLimitBytes: must be at least 0"));
  EXPECT_THAT(
      problems,
      Contains("leaders[0].mayor: unknown field (see docs/manifest.md)"));
}

TEST(ManifestSchemaTest, TheHostReportsWhatOnlyTheSchemaCatches) {
  json manifest = Load(testing::SourceDir() / "sdk/template/theme.json");
  manifest["leaders"][0]["name"] = "";
  std::vector<std::string> problems;
  auto parsed = ParseManifest(manifest.dump(), "theme.json", &problems);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(problems, Contains("leaders[0].name: must not be empty"));
}

TEST(ManifestSchemaTest, RefusesAStringTooLongToMatchAgainstAPattern) {
  // Matching 100000 characters against the version pattern overflowed the
  // stack.
  json manifest = Load(testing::SourceDir() / "sdk/template/theme.json");
  manifest["version"] = "1.0.0-" + std::string(100000, 'a');
  auto problems = CheckAgainstSchema(ManifestSchema(), manifest);
  // Refused in the schema's words, without running the pattern.
  EXPECT_THAT(problems, Contains(HasSubstr("version: must be a semantic "
                                           "version")));
  manifest["version"] = "1.0.0-" + std::string(1000, 'a');
  EXPECT_THAT(CheckAgainstSchema(ManifestSchema(), manifest),
              ::testing::IsEmpty());
}

// A request schema as the OpenAPI document has it: OpenAPI 3.0's nullable,
// formats and a component named by $ref.
json MeetingInput() {
  return json::parse(R"({
    "type": "object",
    "required": ["kind", "date"],
    "additionalProperties": false,
    "properties": {
      "kind": {"type": "string", "enum": ["official", "theme-table"]},
      "date": {"type": "string", "format": "date"},
      "minutes": {"type": "string", "nullable": true},
      "decisions": {"type": "array", "items": {"type": "string"}},
      "count": {"type": "integer", "minimum": 0},
      "at": {"type": "string", "format": "date-time"},
      "contact": {"$ref": "#/components/schemas/Contact"},
      "id": {"type": "integer", "readOnly": true}
    }
  })");
}

const json* Components(std::string_view ref) {
  static const json kContact = json::parse(R"({
    "type": "object", "required": ["email"],
    "properties": {"email": {"type": "string", "format": "email"},
                   "site": {"type": "string", "format": "uri",
                            "nullable": true}}})");
  return ref == "#/components/schemas/Contact" ? &kContact : nullptr;
}

SchemaCheckOptions RequestOptions() {
  SchemaCheckOptions options;
  options.resolver = &Components;
  options.refuse_read_only = true;
  return options;
}

TEST(FindSchemaBreachesTest, AValidRequestHasNone) {
  json body = {
      {"kind", "official"},
      {"date", "2013-04-01"},
      {"minutes", nullptr},
      {"decisions", {"a", "b"}},
      {"count", 3},
      {"at", "2013-04-01T09:30:00+02:00"},
      {"contact", {{"email", "griffie@helmond.nl"}, {"site", nullptr}}}};
  EXPECT_THAT(FindSchemaBreaches(MeetingInput(), body, RequestOptions()),
              ::testing::IsEmpty());
}

TEST(FindSchemaBreachesTest, ReportsEveryBreachWithItsPath) {
  json body = {{"kind", "dinner"},
               {"minutes", 12},
               {"decisions", {"a", 2}},
               {"count", 2.5},
               {"at", "2013-04-01 09:30"},
               {"contact", {{"email", "nobody"}, {"site", "not a uri"}}},
               {"venue", "Helmond"}};
  auto breaches = FindSchemaBreaches(MeetingInput(), body, RequestOptions());
  EXPECT_THAT(
      breaches,
      ::testing::UnorderedElementsAre(
          SchemaBreach{"date", "is required"},
          SchemaBreach{"kind",
                       "must be \"official\" or \"theme-table\", got "
                       "\"dinner\""},
          SchemaBreach{"minutes", "must be a string or null, got integer"},
          SchemaBreach{"decisions[1]", "must be a string, got integer"},
          SchemaBreach{"count", "must be a whole number, got 2.5"},
          ::testing::Field(&SchemaBreach::path, "at"),
          ::testing::Field(&SchemaBreach::path, "contact.email"),
          ::testing::Field(&SchemaBreach::path, "contact.site"),
          ::testing::Field(&SchemaBreach::path, "venue")));
  for (const SchemaBreach& breach : breaches) {
    if (breach.path == "venue") {
      EXPECT_THAT(breach.reason, HasSubstr("is not a field this takes"));
      EXPECT_THAT(breach.reason, HasSubstr("it takes at, contact, count, date, "
                                           "decisions, kind and minutes)"));
    }
    if (breach.path == "at") {
      EXPECT_THAT(breach.reason, HasSubstr("with its time zone"));
    }
  }
}

TEST(FindSchemaBreachesTest, ChecksDatesOnTheCalendar) {
  json schema = {{"type", "string"}, {"format", "date"}};
  for (const char* good : {"2013-04-01", "2012-02-29", "2000-02-29"}) {
    EXPECT_THAT(FindSchemaBreaches(schema, good), ::testing::IsEmpty()) << good;
  }
  for (const char* bad :
       {"2013-02-29", "1900-02-29", "2013-13-01", "2013-04-31", "2013-4-1",
        "01-04-2013", "2013-04-01T00:00:00Z"}) {
    auto breaches = FindSchemaBreaches(schema, bad);
    ASSERT_EQ(breaches.size(), 1u) << bad;
    EXPECT_THAT(breaches[0].reason, HasSubstr("must be a date as 2013-04-01"))
        << bad;
    EXPECT_THAT(breaches[0].reason, HasSubstr(bad));
  }
  json date_time = {{"type", "string"}, {"format", "date-time"}};
  EXPECT_THAT(FindSchemaBreaches(date_time, "2013-04-01T09:30:00.250Z"),
              ::testing::IsEmpty());
  EXPECT_EQ(FindSchemaBreaches(date_time, "2013-04-01T09:30:00").size(), 1u);
  EXPECT_EQ(FindSchemaBreaches(date_time, "2013-04-01T24:00:00Z").size(), 1u);
}

TEST(FindSchemaBreachesTest, NullableAndTypeListsAcceptNull) {
  json open_api = {{"type", "integer"}, {"nullable", true}};
  json json_schema = {{"type", {"integer", "null"}}};
  for (const json& schema : {open_api, json_schema}) {
    EXPECT_THAT(FindSchemaBreaches(schema, nullptr), ::testing::IsEmpty());
    EXPECT_THAT(FindSchemaBreaches(schema, 4), ::testing::IsEmpty());
    EXPECT_EQ(FindSchemaBreaches(schema, "4").size(), 1u);
  }
  // Without nullable, null is a breach like any other type.
  EXPECT_THAT(
      FindSchemaBreaches({{"type", "integer"}}, nullptr),
      ::testing::ElementsAre(SchemaBreach{"", "must be an integer, got null"}));
}

TEST(FindSchemaBreachesTest, ReadOnlyIsRefusedInARequestOnly) {
  json body = {{"kind", "official"}, {"date", "2013-04-01"}, {"id", 7}};
  EXPECT_THAT(FindSchemaBreaches(MeetingInput(), body, RequestOptions()),
              ::testing::ElementsAre(SchemaBreach{
                  "id", "is set by the server and cannot be sent"}));
  SchemaCheckOptions answer;
  answer.resolver = &Components;
  EXPECT_THAT(FindSchemaBreaches(MeetingInput(), body, answer),
              ::testing::IsEmpty());
}

TEST(FindSchemaBreachesTest, ARefThatResolvesToNothingIsReported) {
  json schema = {{"$ref", "#/components/schemas/Missing"}};
  auto breaches = FindSchemaBreaches(schema, json::object(), RequestOptions());
  ASSERT_EQ(breaches.size(), 1u);
  EXPECT_THAT(breaches[0].reason, HasSubstr("#/components/schemas/Missing"));
  // A schema that refers to itself in a loop ends.
  json loop = {{"$defs", {{"a", {{"$ref", "#/$defs/a"}}}}},
               {"$ref", "#/$defs/a"}};
  EXPECT_EQ(FindSchemaBreaches(loop, 1).size(), 1u);
}

TEST(FindSchemaBreachesTest, CompositionsReportTheClosestForm) {
  json schema = json::parse(R"({"anyOf": [
      {"type": "object", "required": ["city"],
       "properties": {"city": {"type": "string"}}},
      {"type": "string", "format": "date"}]})");
  EXPECT_THAT(FindSchemaBreaches(schema, "2013-04-01"), ::testing::IsEmpty());
  EXPECT_THAT(FindSchemaBreaches(schema, json{{"city", "GM0794"}}),
              ::testing::IsEmpty());
  EXPECT_THAT(FindSchemaBreaches(schema, json{{"city", 5}}),
              ::testing::ElementsAre(
                  SchemaBreach{"city", "must be a string, got integer"}));
  json all = json::parse(R"({"allOf": [
      {"type": "object", "required": ["a"]},
      {"type": "object", "required": ["b"]}]})");
  EXPECT_EQ(FindSchemaBreaches(all, json::object()).size(), 2u);
  json one =
      json::parse(R"({"oneOf": [{"type": "integer"}, {"type": "number"}]})");
  EXPECT_THAT(FindSchemaBreaches(one, 2.5), ::testing::IsEmpty());
  EXPECT_EQ(FindSchemaBreaches(one, 2).size(), 1u);
}

TEST(FindSchemaBreachesTest, LengthsAreCountedInCharacters) {
  json schema = {{"type", "string"}, {"maxLength", 3}};
  EXPECT_THAT(FindSchemaBreaches(schema, "\u00e9\u00e9\u00e9"),
              ::testing::IsEmpty());
  EXPECT_THAT(FindSchemaBreaches(schema, "\u00e9\u00e9\u00e9\u00e9"),
              ::testing::ElementsAre(
                  SchemaBreach{"", "must be at most 3 characters, got 4"}));
}

}  // namespace
}  // namespace smartercities::domain
