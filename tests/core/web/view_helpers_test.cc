#include "core/web/view_helpers.h"

#include <gtest/gtest.h>

#include "core/domain/covenant_term.h"
#include "core/web/page_renderer.h"

namespace smartercities::web {
namespace {

TEST(ViewHelpersTest, NumbersAsEachLanguageWritesThem) {
  EXPECT_EQ(FormatNumber(1234.5, Language::kDutch), "1.234,5");
  EXPECT_EQ(FormatNumber(1234.5, Language::kEnglish), "1,234.5");
  EXPECT_EQ(FormatNumber(60, Language::kDutch), "60");
  EXPECT_EQ(FormatNumber(-0.125, Language::kDutch), "-0,13");
  EXPECT_EQ(FormatNumber(1000000, Language::kEnglish), "1,000,000");
}

TEST(ViewHelpersTest, ValuesWithTheirUnitAndDatesInWords) {
  auto renderer = PageRenderer::Load();
  ASSERT_TRUE(renderer.ok());
  const auto& nl = renderer->Translations(Language::kDutch);
  const auto& en = renderer->Translations(Language::kEnglish);
  EXPECT_EQ(FormatValue(55.5, "percent", Language::kDutch, nl), "55,5%");
  EXPECT_EQ(FormatValue(1200, "homes", Language::kDutch, nl), "1.200 woningen");
  EXPECT_EQ(FormatValue(12, "count", Language::kEnglish, en), "12");
  EXPECT_EQ(FormatValue(1, "milestone", Language::kDutch, nl), "behaald");
  EXPECT_EQ(FormatValue(0, "milestone", Language::kEnglish, en),
            "not yet achieved");
  EXPECT_EQ(FormatDate("2014-09", nl), "september 2014");
  EXPECT_EQ(FormatDate("2013-12-31", en), "31 December 2013");
  EXPECT_EQ(FormatDate("2014", nl), "2014");
}

TEST(ViewHelpersTest, TargetsInTheIndicatorsDirection) {
  domain::Indicator more;
  more.direction = "increase";
  more.target = 60;
  EXPECT_TRUE(TargetReached(more, 60));
  EXPECT_FALSE(TargetReached(more, 59.9));
  domain::Indicator less = more;
  less.direction = "decrease";
  EXPECT_TRUE(TargetReached(less, 40));
  EXPECT_FALSE(TargetReached(less, 61));
}

TEST(ViewHelpersTest, AWordDiffShowsWhatAnAmendmentRemovedAndAdded) {
  nlohmann::json diff =
      WordDiff("Eind 2013 hebben de Steden eHerkenning geimplementeerd.",
               "Eind 2014 hebben de Steden eHerkenning geimplementeerd.");
  ASSERT_EQ(diff.size(), 4u) << diff.dump();
  EXPECT_EQ(diff[0], (nlohmann::json{{"text", "Eind"}, {"same", true}}));
  EXPECT_EQ(diff[1], (nlohmann::json{{"text", "2013"}, {"del", true}}));
  EXPECT_EQ(diff[2], (nlohmann::json{{"text", "2014"}, {"ins", true}}));
  EXPECT_EQ(diff[3]["text"], "hebben de Steden eHerkenning geimplementeerd.");
  EXPECT_EQ(WordDiff("a b", "a b"),
            (nlohmann::json::array({{{"text", "a b"}, {"same", true}}})));
}

TEST(ViewHelpersTest, APageThatDependsOnTheDateIsCachedPerDay) {
  http::Request request;
  http::RouteOptions dated = DatedPublicPageOptions("The meetings");
  EXPECT_TRUE(dated.cacheable);
  ASSERT_TRUE(dated.cache_variant);
  // Kept apart per calendar day: tomorrow's visitor sees whether the year
  // is over now, not when the data last changed.
  EXPECT_EQ(dated.cache_variant(request), domain::TodayUtc());
  http::RouteOptions plain = PublicPageOptions("A theme");
  EXPECT_TRUE(plain.cacheable);
  EXPECT_FALSE(plain.cache_variant);
}

}  // namespace
}  // namespace smartercities::web
