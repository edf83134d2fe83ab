// The progress method on the worked examples of docs/progress.md, whose
// results were computed by hand, and on its edges.
#include "core/domain/progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace smartercities::domain {
namespace {

using ::testing::HasSubstr;

Indicator Quantity(double target, std::string deadline,
                   std::string direction = "increase") {
  Indicator indicator;
  indicator.id = "e-invoices";
  indicator.unit = "percent";
  indicator.kind = "quantity";
  indicator.target = target;
  indicator.deadline = std::move(deadline);
  indicator.direction = std::move(direction);
  indicator.scope = IndicatorScope::kCity;
  return indicator;
}

Indicator Milestone(std::string deadline) {
  Indicator indicator = Quantity(1, std::move(deadline));
  indicator.unit = "milestone";
  indicator.kind = "milestone";
  return indicator;
}

TEST(ProgressTest, WorkedExampleOneModerateProgress) {
  SeriesProgress progress = ComputeSeriesProgress(
      Quantity(60, "2014-09"), {{"2013-03", 20}, {"2014-03", 38}}, "2014-06");
  EXPECT_EQ(progress.status, ProgressStatus::kModerateProgress);
  EXPECT_EQ(progress.level, 3);
  EXPECT_TRUE(progress.rated);
  EXPECT_EQ(progress.method, GrowthMethod::kCompound);
  EXPECT_EQ(progress.base_source, "first-figure");
  EXPECT_EQ(progress.base->period, "2013-03");
  EXPECT_EQ(progress.current->period, "2014-03");
  EXPECT_EQ(progress.months_observed, 12);
  EXPECT_EQ(progress.months_required, 18);
  EXPECT_NEAR(*progress.observed_growth, 0.054944, 1e-6);
  EXPECT_NEAR(*progress.required_growth, 0.062935, 1e-6);
  EXPECT_NEAR(*progress.ratio, 0.8730, 1e-4);
  EXPECT_FALSE(progress.deadline_passed);
  EXPECT_THAT(progress.rule, HasSubstr("ratio 0.873 is at least 0.5 and "
                                       "below 0.95"));
}

TEST(ProgressTest, TheBandsOfTheRatio) {
  Indicator indicator = Quantity(60, "2014-09");
  auto status = [&](double latest) {
    return ComputeSeriesProgress(
        indicator, {{"2013-03", 20}, {"2014-03", latest}}, "2014-06");
  };
  SeriesProgress substantial = status(45);
  EXPECT_EQ(substantial.status, ProgressStatus::kSubstantialProgress);
  EXPECT_NEAR(*substantial.ratio, 1.1109, 1e-4);
  SeriesProgress limited = status(24);
  EXPECT_EQ(limited.status, ProgressStatus::kLimitedProgress);
  EXPECT_NEAR(*limited.ratio, 0.2433, 1e-4);
  EXPECT_EQ(status(20).status, ProgressStatus::kLimitedProgress);  // ratio 0
  SeriesProgress worse = status(15);
  EXPECT_EQ(worse.status, ProgressStatus::kDeterioration);
  EXPECT_LT(*worse.ratio, 0);
  EXPECT_EQ(worse.level, 1);
  EXPECT_EQ(status(60).status, ProgressStatus::kTargetAchieved);
}

TEST(ProgressTest, ABaseOfZeroMeasuresTheChangePerMonth) {
  SeriesProgress progress = ComputeSeriesProgress(
      Quantity(60, "2014-09"), {{"2013-03", 0}, {"2014-03", 30}}, "2014-06");
  EXPECT_EQ(progress.method, GrowthMethod::kLinear);
  EXPECT_NEAR(*progress.observed_growth, 2.5, 1e-12);
  EXPECT_NEAR(*progress.required_growth, 60.0 / 18, 1e-12);
  EXPECT_NEAR(*progress.ratio, 0.75, 1e-12);
  EXPECT_EQ(progress.status, ProgressStatus::kModerateProgress);
  EXPECT_THAT(progress.rule, HasSubstr("linear"));
}

TEST(ProgressTest, ATargetAlreadyReachedIsAchievedEvenFromOneFigure) {
  SeriesProgress progress = ComputeSeriesProgress(Quantity(60, "2014-09"),
                                                  {{"2013-06", 65}}, "2013-12");
  EXPECT_EQ(progress.status, ProgressStatus::kTargetAchieved);
  EXPECT_EQ(progress.level, 5);
  EXPECT_FALSE(progress.base);
}

TEST(ProgressTest, OneFigureOrNoneIsNotEnoughData) {
  SeriesProgress one = ComputeSeriesProgress(Quantity(60, "2014-09"),
                                             {{"2013-06", 30}}, "2013-12");
  EXPECT_EQ(one.status, ProgressStatus::kNotEnoughData);
  EXPECT_FALSE(one.rated);
  EXPECT_EQ(one.level, 0);
  EXPECT_THAT(one.rule, HasSubstr("two different months"));
  SeriesProgress none =
      ComputeSeriesProgress(Quantity(60, "2014-09"), {}, "2013-12");
  EXPECT_EQ(none.status, ProgressStatus::kNotEnoughData);
  // Figures after the month asked for do not count.
  SeriesProgress early = ComputeSeriesProgress(
      Quantity(60, "2014-09"), {{"2013-06", 30}, {"2014-06", 70}}, "2014-05");
  EXPECT_EQ(early.status, ProgressStatus::kNotEnoughData);
  EXPECT_EQ(early.current->period, "2013-06");
}

TEST(ProgressTest, ADeadlineInThePastCountsTheMonthsSinceTheBase) {
  SeriesProgress progress = ComputeSeriesProgress(
      Quantity(60, "2013-12"), {{"2013-03", 20}, {"2014-06", 50}}, "2014-06");
  EXPECT_TRUE(progress.deadline_passed);
  EXPECT_EQ(progress.months_observed, 15);
  EXPECT_EQ(progress.months_required, 9);
  EXPECT_NEAR(*progress.observed_growth, 0.062990, 1e-6);
  EXPECT_NEAR(*progress.required_growth, 0.129831, 1e-6);
  EXPECT_NEAR(*progress.ratio, 0.4852, 1e-4);
  EXPECT_EQ(progress.status, ProgressStatus::kLimitedProgress);
  EXPECT_TRUE(progress.rated);
}

TEST(ProgressTest, ADecreasingIndicatorProgressesDownward) {
  Indicator indicator = Quantity(10, "2014-12", "decrease");
  SeriesProgress down = ComputeSeriesProgress(
      indicator, {{"2013-03", 40}, {"2014-03", 25}}, "2014-03");
  EXPECT_NEAR(*down.observed_growth, -0.038410, 1e-6);
  EXPECT_NEAR(*down.required_growth, -0.063882, 1e-6);
  EXPECT_NEAR(*down.ratio, 0.6013, 1e-4);
  EXPECT_EQ(down.status, ProgressStatus::kModerateProgress);
  SeriesProgress up = ComputeSeriesProgress(
      indicator, {{"2013-03", 40}, {"2014-03", 45}}, "2014-03");
  EXPECT_EQ(up.status, ProgressStatus::kDeterioration);
  SeriesProgress reached = ComputeSeriesProgress(
      indicator, {{"2013-03", 40}, {"2014-03", 9}}, "2014-03");
  EXPECT_EQ(reached.status, ProgressStatus::kTargetAchieved);
}

TEST(ProgressTest, ADeclaredBaselineIsDatedAtTheCovenantsFirstMonth) {
  Indicator indicator = Quantity(60, "2014-09");
  indicator.baseline = 10;
  SeriesProgress progress =
      ComputeSeriesProgress(indicator, {{"2014-03", 25}}, "2014-06");
  EXPECT_EQ(progress.base_source, "baseline");
  EXPECT_EQ(progress.base->period, "2013-03");
  EXPECT_NEAR(*progress.observed_growth, 0.079348, 1e-6);
  EXPECT_NEAR(*progress.required_growth, 0.104665, 1e-6);
  EXPECT_NEAR(*progress.ratio, 0.7581, 1e-4);
  EXPECT_EQ(progress.status, ProgressStatus::kModerateProgress);
  // A base that met the target, and a latest figure that does not.
  indicator.baseline = 70;
  SeriesProgress fallen =
      ComputeSeriesProgress(indicator, {{"2014-03", 50}}, "2014-06");
  EXPECT_EQ(fallen.status, ProgressStatus::kDeterioration);
  EXPECT_THAT(fallen.rule, HasSubstr("met the target"));
}

TEST(ProgressTest, MilestonesAreDoneOnTimeOrLate) {
  Indicator indicator = Milestone("2014-12");
  EXPECT_EQ(
      ComputeSeriesProgress(indicator, {{"2013-06", 0}}, "2013-12").status,
      ProgressStatus::kOnTime);
  SeriesProgress late =
      ComputeSeriesProgress(indicator, {{"2013-06", 0}}, "2015-03");
  EXPECT_EQ(late.status, ProgressStatus::kLate);
  EXPECT_EQ(late.level, 1);
  EXPECT_TRUE(late.rated);
  SeriesProgress done = ComputeSeriesProgress(
      indicator, {{"2013-06", 0}, {"2014-03", 1}, {"2014-06", 1}}, "2014-12");
  EXPECT_EQ(done.status, ProgressStatus::kDone);
  EXPECT_EQ(done.done_since, "2014-03");
  EXPECT_EQ(done.level, 5);
  EXPECT_EQ(ComputeSeriesProgress(indicator, {}, "2014-12").status,
            ProgressStatus::kNotEnoughData);
}

TEST(ProgressTest, ADeadlineBeforeTheCovenantIsNotAFailure) {
  Indicator milestone = Milestone("2012-12");
  SeriesProgress open =
      ComputeSeriesProgress(milestone, {{"2013-06", 0}}, "2013-12");
  EXPECT_EQ(open.status, ProgressStatus::kLate);
  EXPECT_TRUE(open.deadline_before_covenant);
  EXPECT_FALSE(open.rated);
  EXPECT_EQ(open.level, 0);
  EXPECT_THAT(open.rule, HasSubstr("before the covenant took effect"));
  SeriesProgress done = ComputeSeriesProgress(
      milestone, {{"2013-06", 0}, {"2013-09", 1}}, "2013-12");
  EXPECT_EQ(done.status, ProgressStatus::kDone);
  EXPECT_TRUE(done.rated);
  EXPECT_THAT(done.rule, HasSubstr("after the deadline 2012-12"));
  // A quantity due in 2012 whose first figure came later has no time left
  // to measure from.
  SeriesProgress quantity = ComputeSeriesProgress(
      Quantity(60, "2012-12"), {{"2013-03", 20}, {"2013-12", 30}}, "2013-12");
  EXPECT_EQ(quantity.status, ProgressStatus::kNotEnoughData);
  EXPECT_TRUE(quantity.deadline_before_covenant);
  EXPECT_FALSE(quantity.rated);
}

TEST(ProgressTest, RollUpsTakeTheLowerMedianOfTheRatedLevels) {
  RollUp four =
      RollUpOf({{4, true}, {3, true}, {1, true}, {5, true}, {0, false}});
  EXPECT_EQ(four.levels, (std::vector<int>{1, 3, 4, 5}));
  EXPECT_EQ(four.level, 3);
  EXPECT_EQ(four.status, ProgressStatus::kModerateProgress);
  EXPECT_EQ(four.num_unrated, 1);
  EXPECT_THAT(four.rule, HasSubstr("1, 3, 4, 5: 3 (moderate-progress)"));
  EXPECT_EQ(RollUpOf({{2, true}, {5, true}, {4, true}}).level, 4);
  RollUp none = RollUpOf({{0, false}});
  EXPECT_EQ(none.status, ProgressStatus::kNotEnoughData);
  EXPECT_FALSE(none.rated);
}

TEST(ProgressTest, MonthsCount) {
  EXPECT_EQ(MonthIndex("2014-09") - MonthIndex("2013-03"), 18);
  EXPECT_EQ(AddMonths("2013-11", 3), "2014-02");
}

}  // namespace
}  // namespace smartercities::domain
