#include "plugins/groene-stad/energy_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace smartercities::groene_stad {
namespace {

using ::testing::HasSubstr;

const std::set<std::string> kCities = {"GM0307", "GM0344"};

TEST(EnergyCsvTest, ReadsEveryRowWithEmptyFiguresAsUnknown) {
  EnergyCsv csv = ParseEnergyCsv(
      "city,area,year,electricity_kwh,gas_m3\r\n"
      "GM0307,3811,2013,40100000,9300000\r\n"
      "\r\n"
      "GM0344,3511,2014,,2.5e3\r\n",
      kCities);
  ASSERT_FALSE(csv.problem) << csv.problem->message;
  ASSERT_EQ(csv.rows.size(), 2u);
  EXPECT_EQ(csv.rows[0].city, "GM0307");
  EXPECT_EQ(csv.rows[0].area, "3811");
  EXPECT_EQ(csv.rows[0].year, 2013);
  EXPECT_EQ(csv.rows[0].electricity_kwh, 40100000.0);
  EXPECT_FALSE(csv.rows[1].electricity_kwh);
  EXPECT_EQ(csv.rows[1].gas_m3, 2500.0);
}

TEST(EnergyCsvTest, NamesTheLineAndFieldOfTheFirstProblem) {
  EnergyCsv csv = ParseEnergyCsv(
      "city,area,year,electricity_kwh,gas_m3\n"
      "GM0344,3511,2013,1000,2000\n"
      "GM0344,3512,2013,veel,2000\n"
      "GM9999,3513,2013,1000,2000\n",
      kCities);
  ASSERT_TRUE(csv.problem);
  EXPECT_EQ(csv.problem->line, 3u);
  EXPECT_THAT(csv.problem->message, HasSubstr("field electricity_kwh"));
  EXPECT_THAT(csv.problem->message, HasSubstr("\"veel\""));
  EXPECT_TRUE(csv.rows.empty());
}

TEST(EnergyCsvTest, RefusesAFileWithoutTheHeader) {
  EnergyCsv csv = ParseEnergyCsv("GM0344,3511,2013,1000,2000\n", kCities);
  ASSERT_TRUE(csv.problem);
  EXPECT_EQ(csv.problem->line, 1u);
  EXPECT_THAT(csv.problem->message, HasSubstr("the header must be"));
  EXPECT_TRUE(ParseEnergyCsv("", kCities).problem);
}

TEST(EnergyCsvTest, RefusesTheSameYearWrittenTwoWays) {
  // The import replaces a stored row for the same city, area and year, so
  // "+2013" after "2013" silently replaced the row before it.
  for (const char* year : {"+2013", "02013", " 2013"}) {
    EnergyCsv csv =
        ParseEnergyCsv(std::string("city,area,year,electricity_kwh,gas_m3\n"
                                   "GM0307,3811,2013,1,1\n"
                                   "GM0307,3811,") +
                           year + ",2,2\n",
                       kCities);
    ASSERT_TRUE(csv.problem) << year;
    EXPECT_EQ(csv.problem->line, 3u);
    EXPECT_THAT(csv.problem->message,
                HasSubstr("the same city, area and year stand on line 2"));
  }
}

}  // namespace
}  // namespace smartercities::groene_stad
