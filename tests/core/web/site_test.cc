#include "core/web/site.h"

#include <gtest/gtest.h>

namespace smartercities::web {
namespace {

TEST(SiteTest, DutchAtTheRootEnglishUnderEn) {
  EXPECT_EQ(LanguageOf("/"), Language::kDutch);
  EXPECT_EQ(LanguageOf("/themas/groene-stad"), Language::kDutch);
  EXPECT_EQ(LanguageOf("/en"), Language::kEnglish);
  EXPECT_EQ(LanguageOf("/en/themas/groene-stad"), Language::kEnglish);
  // A Dutch path that merely starts with the letters.
  EXPECT_EQ(LanguageOf("/energie"), Language::kDutch);
}

TEST(SiteTest, LocalizeSwitchesBetweenTheSamePageInEachLanguage) {
  EXPECT_EQ(Localize("/", Language::kEnglish), "/en");
  EXPECT_EQ(Localize("/en", Language::kDutch), "/");
  EXPECT_EQ(Localize("/steden/GM0794", Language::kEnglish),
            "/en/steden/GM0794");
  EXPECT_EQ(Localize("/en/steden/GM0794", Language::kDutch), "/steden/GM0794");
  EXPECT_EQ(Localize("/en/steden/GM0794", Language::kEnglish),
            "/en/steden/GM0794");
}

}  // namespace
}  // namespace smartercities::web
