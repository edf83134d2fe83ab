#include "core/web/form.h"

#include <gtest/gtest.h>

namespace smartercities::web {
namespace {

TEST(FormTest, DecodesPlusAndPercent) {
  auto fields =
      ParseForm("city=GM0794&source=CBS+Statline%2C+2014&value=55%2C5");
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(FormField(*fields, "source"), "CBS Statline, 2014");
  EXPECT_EQ(FormField(*fields, "value"), "55,5");
  EXPECT_EQ(FormField(*fields, "missing"), std::nullopt);
}

TEST(FormTest, RefusesAMalformedEscape) {
  EXPECT_FALSE(ParseForm("city=%G1").has_value());
}

TEST(FormTest, KnowsItsMediaType) {
  EXPECT_TRUE(IsFormType("application/x-www-form-urlencoded"));
  EXPECT_TRUE(IsFormType("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
  EXPECT_FALSE(IsFormType("application/json"));
  EXPECT_FALSE(IsFormType("multipart/form-data"));
}

}  // namespace
}  // namespace smartercities::web
