#include "core/domain/city_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace smartercities::domain {
namespace {

using ::testing::HasSubstr;

constexpr const char* kHeader = "cbs_code,name,network,member_since,note\n";

TEST(CityListTest, TheSeedListHoldsTheFortyOneCities) {
  auto cities = ParseCities(SeedCitiesCsv(), "data/cities.csv");
  ASSERT_TRUE(cities.ok()) << cities.status().message();
  EXPECT_EQ(cities->size(), 41u);
  int g4 = 0;
  for (const City& city : *cities) g4 += city.network == "G4";
  EXPECT_EQ(g4, 4);
  EXPECT_EQ(cities->front().cbs_code, "GM0363");
}

TEST(CityListTest, ReadsQuotedFields) {
  auto cities = ParseCities(
      std::string(kHeader) +
          "GM0518,Den Haag,G4,,\"official name \"\"'s-Gravenhage\"\", seat\"\n",
      "t.csv");
  ASSERT_TRUE(cities.ok()) << cities.status().message();
  EXPECT_EQ(cities->front().note, "official name \"'s-Gravenhage\", seat");
}

TEST(CityListTest, NamesTheLineAndFieldOfABadRow) {
  auto bad_network = ParseCities(
      std::string(kHeader) + "GM0363,Amsterdam,G4,,\nGM0599,Rotterdam,G5,,\n",
      "cities.csv");
  ASSERT_FALSE(bad_network.ok());
  EXPECT_THAT(
      bad_network.status().message(),
      HasSubstr("cities.csv:3: network: must be G4 or G32, got \"G5\""));
  auto bad_code =
      ParseCities(std::string(kHeader) + "0363,Amsterdam,G4,,\n", "cities.csv");
  EXPECT_THAT(bad_code.status().message(), HasSubstr("cities.csv:2: cbs_code"));
  auto short_row =
      ParseCities(std::string(kHeader) + "GM0363,Amsterdam\n", "c");
  EXPECT_THAT(short_row.status().message(),
              HasSubstr("expected 5 fields, found 2"));
  auto twice =
      ParseCities(std::string(kHeader) + "GM0363,A,G4,,\nGM0363,B,G4,,\n", "c");
  EXPECT_THAT(twice.status().message(), HasSubstr("appears twice"));
}

}  // namespace
}  // namespace smartercities::domain
