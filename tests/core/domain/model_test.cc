#include "core/domain/model.h"

#include <gtest/gtest.h>

#include "core/domain/measurements.h"

namespace smartercities::domain {
namespace {

TEST(ModelTest, TheCovenantTookEffectTheDayAfterItWasSigned) {
  EXPECT_EQ(kCovenantEffectiveDate, "2013-03-07");
}

TEST(ModelTest, ADateBeforeMarch2013IsBeforeTheCovenant) {
  EXPECT_TRUE(IsBeforeCovenant("2011-12"));
  EXPECT_TRUE(IsBeforeCovenant("2012-06"));
  EXPECT_TRUE(IsBeforeCovenant("2013-02"));
  EXPECT_TRUE(IsBeforeCovenant("2013-02-28"));
  // A year stands for its last month: "in 2012" ends in December 2012.
  EXPECT_TRUE(IsBeforeCovenant("2012"));
  EXPECT_FALSE(IsBeforeCovenant("2013"));
  // Months are the resolution: "begin 2013" (2013-03) is not before.
  EXPECT_FALSE(IsBeforeCovenant("2013-03"));
  EXPECT_FALSE(IsBeforeCovenant("2013-03-01"));
  EXPECT_FALSE(IsBeforeCovenant("2014-12"));
  EXPECT_FALSE(IsBeforeCovenant(""));
}

TEST(ModelTest, AnIndicatorsScopeIsTheWordOfTheManifest) {
  EXPECT_EQ(ToString(IndicatorScope::kCity), "city");
  EXPECT_EQ(ToString(IndicatorScope::kNetwork), "network");
  EXPECT_EQ(ParseIndicatorScope("city"), IndicatorScope::kCity);
  EXPECT_EQ(ParseIndicatorScope("network"), IndicatorScope::kNetwork);
  EXPECT_EQ(ParseIndicatorScope("City"), std::nullopt);
  EXPECT_EQ(ParseIndicatorScope("regional"), std::nullopt);
  EXPECT_EQ(ParseIndicatorScope(""), std::nullopt);
}

Indicator PilotHomes() {
  Indicator indicator;
  indicator.id = "groene-stad-smart-grid-pilot-homes";
  indicator.unit = "homes";
  indicator.kind = "quantity";
  indicator.target = 100;
  indicator.deadline = "2014-12";
  indicator.direction = "increase";
  indicator.scope = IndicatorScope::kCity;
  indicator.cities = {"GM0307", "GM0344"};
  return indicator;
}

TEST(ModelTest, AFigureForACityTheIndicatorDoesNotNameIsRefused) {
  Measurement utrecht;
  utrecht.city = "GM0344";
  utrecht.period = "2014-06";
  utrecht.value = 120;
  EXPECT_TRUE(ValidateMeasurement(PilotHomes(), utrecht, "2014-12").ok());

  Measurement den_haag = utrecht;
  den_haag.city = "GM0518";
  Status refused = ValidateMeasurement(PilotHomes(), den_haag, "2014-12");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.message(),
            "city: indicator 'groene-stad-smart-grid-pilot-homes' is measured "
            "only for GM0307, GM0344, not for 'GM0518'");
}

}  // namespace
}  // namespace smartercities::domain
