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
      "GM0344,\"3511\",2014,,2.5e3\r\n",
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
  EXPECT_EQ(csv.problem->column, "electricity_kwh");
  EXPECT_THAT(csv.problem->message, HasSubstr("\"veel\""));
  EXPECT_THAT(Describe(*csv.problem),
              HasSubstr("line 3, column electricity_kwh: must be a decimal"));
  EXPECT_TRUE(csv.rows.empty());
}

TEST(EnergyCsvTest, RefusesAFileWithoutTheHeader) {
  EnergyCsv csv = ParseEnergyCsv("GM0344,3511,2013,1000,2000\n", kCities);
  ASSERT_TRUE(csv.problem);
  EXPECT_EQ(csv.problem->line, 1u);
  EXPECT_THAT(csv.problem->message, HasSubstr("the header must be"));
  EXPECT_TRUE(ParseEnergyCsv("", kCities).problem);
}

TEST(EnergyCsvTest, RefusesTheSameYearWrittenTwice) {
  EnergyCsv csv = ParseEnergyCsv(
      "city,area,year,electricity_kwh,gas_m3\n"
      "GM0307,3811,2013,1,1\n"
      "GM0307,\"3811\",2013,2,2\n",
      kCities);
  ASSERT_TRUE(csv.problem);
  EXPECT_EQ(csv.problem->line, 3u);
  EXPECT_THAT(csv.problem->message,
              HasSubstr("the same city, area and year stand on line 2"));
}

TEST(EnergyCsvTest, AYearIsFourDecimalDigitsAndAFigureADecimalNumber) {
  // "+2013" and "02013" were once read as 2013, "0x10" as 16.
  for (const char* year : {"+2013", "02013", " 2013", "13", "2e3"}) {
    EnergyCsv csv = ParseEnergyCsv(
        std::string("city,area,year,electricity_kwh,gas_m3\nGM0307,3811,") +
            year + ",2,2\n",
        kCities);
    ASSERT_TRUE(csv.problem) << year;
    EXPECT_EQ(csv.problem->column, "year") << year;
  }
  for (const char* amount : {"0x10", "inf", "nan", "-1", "1,5", " 1", "+1"}) {
    EnergyCsv csv = ParseEnergyCsv(
        std::string("city,area,year,electricity_kwh,gas_m3\nGM0307,3811,2013,"
                    "\"") +
            amount + "\",1\n",
        kCities);
    ASSERT_TRUE(csv.problem) << amount;
    EXPECT_EQ(csv.problem->column, "electricity_kwh") << amount;
  }
}

TEST(EnergyCsvTest, RefusesTextThatIsNotUtf8OrHoldsControlCharacters) {
  EnergyCsv bytes = ParseEnergyCsv(
      "city,area,year,electricity_kwh,gas_m3\nGM0344,\xff\xfe,2013,1,1\n",
      kCities);
  ASSERT_TRUE(bytes.problem);
  EXPECT_EQ(Describe(*bytes.problem),
            "line 2, column area: is not UTF-8 text (byte 0xFF at character "
            "1); send text encoded as UTF-8");
  EnergyCsv nul = ParseEnergyCsv(
      std::string("city,area,year,electricity_kwh,gas_m3\nGM0344,35") + '\0' +
          "11,2013,1,1\n",
      kCities);
  ASSERT_TRUE(nul.problem);
  EXPECT_EQ(nul.problem->column, "area");
  EXPECT_THAT(nul.problem->message, HasSubstr("U+0000"));
  // A line break inside a quoted area is CSV, but not an area.
  EnergyCsv lines = ParseEnergyCsv(
      "city,area,year,electricity_kwh,gas_m3\nGM0344,\"35\n11\",2013,1,1\n",
      kCities);
  ASSERT_TRUE(lines.problem);
  EXPECT_EQ(lines.problem->column, "area");
  // 40 characters of area, each of two bytes, is within the limit.
  std::string area;
  for (int i = 0; i < 40; ++i) area += "\xC3\xA9";
  EnergyCsv accents = ParseEnergyCsv(
      "city,area,year,electricity_kwh,gas_m3\nGM0344," + area + ",2013,1,1\n",
      kCities);
  EXPECT_FALSE(accents.problem) << Describe(*accents.problem);
}

TEST(EnergyCsvTest, AnUnclosedQuoteIsRefusedNotTakenLiterally) {
  EnergyCsv csv = ParseEnergyCsv(
      "city,area,year,electricity_kwh,gas_m3\nGM0344,\"1011,2013,1,1\n",
      kCities);
  ASSERT_TRUE(csv.problem);
  EXPECT_EQ(csv.problem->line, 2u);
  EXPECT_EQ(csv.problem->column, "area");
  EXPECT_THAT(csv.problem->message, HasSubstr("never closed"));
  EXPECT_TRUE(csv.rows.empty());
}

}  // namespace
}  // namespace smartercities::groene_stad
