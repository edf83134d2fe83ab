// Row's accessors and conversions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

#include "core/storage/database.h"

namespace smartercities::storage {
namespace {

Row MakeRow(std::vector<Value> values) {
  auto names = std::make_shared<std::vector<std::string>>();
  for (std::size_t i = 0; i < values.size(); ++i) {
    names->push_back("c" + std::to_string(i));
  }
  return Row(names, std::move(values));
}

TEST(RowTest, GetNamesTheMissingColumn) {
  Row row = MakeRow({std::int64_t{1}});
  EXPECT_EQ(std::get<std::int64_t>(row.Get("c0")), 1);
  try {
    (void)row.Get("title");
    FAIL() << "no exception";
  } catch (const std::out_of_range& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("'title'"));
    EXPECT_THAT(error.what(), ::testing::HasSubstr("c0"));
  }
  EXPECT_THROW((void)row.Text("title"), std::out_of_range);
}

TEST(RowTest, TextConvertsNumbersAndNullIsEmpty) {
  Row row = MakeRow(
      {std::int64_t{-42}, 2.5, 2.0, 0.1, nullptr, std::string("tekst")});
  EXPECT_EQ(row.Text("c0"), "-42");
  EXPECT_EQ(row.Text("c1"), "2.5");
  EXPECT_EQ(row.Text("c2"), "2.0");
  EXPECT_EQ(row.Text("c3"), "0.1");
  EXPECT_EQ(row.Text("c4"), "");
  EXPECT_EQ(row.OptionalText("c4"), std::nullopt);
  EXPECT_EQ(row.OptionalText("c5"), "tekst");
  EXPECT_TRUE(row.IsNull("c4"));
  EXPECT_FALSE(row.IsNull("c5"));
}

TEST(RowTest, IntegerConvertsAsSqliteCastDoes) {
  Row row = MakeRow({2.9, -2.9, 1e30, std::string("12abc"), std::string("abc"),
                     std::string(" 7 "), nullptr,
                     std::string("99999999999999999999")});
  EXPECT_EQ(row.Integer("c0"), 2);
  EXPECT_EQ(row.Integer("c1"), -2);
  EXPECT_EQ(row.Integer("c2"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(row.Integer("c3"), 12);
  EXPECT_EQ(row.Integer("c4"), 0);
  EXPECT_EQ(row.Integer("c5"), 7);
  EXPECT_EQ(row.Integer("c6"), 0);
  EXPECT_EQ(row.Integer("c7"), std::numeric_limits<std::int64_t>::max());
}

TEST(RowTest, OptionalRealIsEmptyOnlyForNullAndNonNumbers) {
  Row row = MakeRow(
      {std::int64_t{3}, 1.25, std::string("2.5"), std::string("n/a"), nullptr});
  EXPECT_EQ(row.OptionalReal("c0"), 3.0);
  EXPECT_EQ(row.OptionalReal("c1"), 1.25);
  EXPECT_EQ(row.OptionalReal("c2"), 2.5);
  EXPECT_EQ(row.OptionalReal("c3"), std::nullopt);
  EXPECT_EQ(row.OptionalReal("c4"), std::nullopt);
}

}  // namespace
}  // namespace smartercities::storage
