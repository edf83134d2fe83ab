#include "core/domain/json_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "core/domain/manifest_parser.h"
#include "tests/support/test_support.h"

namespace smartercities::domain {
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

}  // namespace
}  // namespace smartercities::domain
