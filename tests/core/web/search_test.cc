#include "core/web/search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace smartercities::web {
namespace {

using ::testing::ElementsAre;

TEST(SearchTest, WordsAreLowerCaseWithoutAccents) {
  EXPECT_THAT(SearchWords("Één Zoëtermeer-afspraak, 60%!"),
              ElementsAre("een", "zoetermeer", "afspraak", "60"));
}

TEST(SearchTest, EveryQueryWordMustStartAWord) {
  auto text = SearchWords("Betrokken steden ontvangen facturen elektronisch");
  EXPECT_GT(SearchScore(SearchWords("factu"), text), 0);
  EXPECT_GT(SearchScore(SearchWords("Facturen steden"), text), 0);
  EXPECT_EQ(SearchScore(SearchWords("facturen glasvezel"), text), 0);
  EXPECT_EQ(SearchScore(SearchWords("turen"), text), 0);
  EXPECT_EQ(SearchScore({}, text), 0);
}

TEST(SearchTest, WholeWordsAndMoreMatchesScoreHigher) {
  auto once = SearchWords("glasvezelnetwerk");
  auto whole = SearchWords("glasvezel");
  auto twice = SearchWords("glasvezel en glasvezel");
  auto query = SearchWords("glasvezel");
  EXPECT_LT(SearchScore(query, once), SearchScore(query, whole));
  EXPECT_LT(SearchScore(query, whole), SearchScore(query, twice));
}

}  // namespace
}  // namespace smartercities::web
