// progress.h — how far a series of figures is from its target: the method
// Open SDG publishes for its progress status, at the resolution of months,
// and the one rule by which statuses roll up (indicator from its cities,
// agreement from its indicators, theme from its agreements).
//
// A quantity series (one city's figures of an indicator, or the network's)
// compares the growth observed from its base to its latest figure with the
// growth its target requires from the base to the deadline, both per month
// and compound, and classifies their ratio:
//
//   target achieved        the latest figure meets the target
//   substantial progress   ratio >= 0.95
//   moderate progress      0.5 <= ratio < 0.95
//   limited progress       0 <= ratio < 0.5
//   deterioration          ratio < 0 (the series moves away from its target)
//   not enough data        no figure, one month of figures, or no time left
//                          between the base and the deadline to measure from
//
// A milestone is done (its latest figure is 1), on time (not done, the
// deadline not passed) or late. docs/progress.md states the method with
// worked examples; every result carries the inputs that produced it, so
// that a reader can recompute it by hand.
//
// Pure functions over values; thread-safe.
#ifndef SMARTERCITIES_CORE_DOMAIN_PROGRESS_H_
#define SMARTERCITIES_CORE_DOMAIN_PROGRESS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/model.h"

namespace smartercities::domain {

enum class ProgressStatus {
  kTargetAchieved,
  kSubstantialProgress,
  kModerateProgress,
  kLimitedProgress,
  kDeterioration,
  kNotEnoughData,
  kDone,
  kOnTime,
  kLate,
  // An agreement without an indicator: nothing to compute.
  kNoIndicator,
};

// "target-achieved", "substantial-progress", ..., "no-indicator".
std::string_view ToString(ProgressStatus status);

// The bands of the ratio of observed to required growth.
struct ProgressThresholds {
  double substantial = 0.95;  // at least this: substantial progress
  double moderate = 0.5;      // at least this: moderate progress
  double limited = 0.0;       // at least this: limited progress; below it,
                              // deterioration
};

// One figure of a series.
struct Figure {
  std::string period;  // YYYY-MM
  double value = 0;
};

// How the growth of a series is measured.
enum class GrowthMethod {
  // (value / base) ^ (1 / months) - 1: the compound growth per month, when
  // the base and the target are above zero.
  kCompound,
  // (value - base) / months: the change per month, when the base or the
  // target is zero or below (compound growth from or to zero is not
  // defined).
  kLinear,
  kMilestone,
  kNone,
};
std::string_view ToString(GrowthMethod method);

// A series' status with everything that produced it.
struct SeriesProgress {
  ProgressStatus status = ProgressStatus::kNotEnoughData;
  // On the roll-up scale: 5 target achieved or done, 4 substantial progress
  // or on time, 3 moderate, 2 limited, 1 deterioration or late; 0 when the
  // series is not rated.
  int level = 0;
  // Whether the series counts in roll-ups: not when there is not enough
  // data, nor when its deadline fell before the covenant took effect and
  // its target is not met (article 4d: such open actions are made concrete
  // by their party, not judged as failures).
  bool rated = false;
  // The rule that fired, in words, with the numbers.
  std::string rule;
  GrowthMethod method = GrowthMethod::kNone;

  std::string at;  // the month computed for; later figures are left out
  std::optional<Figure> base;
  // "baseline": the indicator's declared baseline, dated at the covenant's
  // first month (2013-03); "first-figure": the series' first figure.
  std::string base_source;
  std::optional<Figure> current;  // the latest figure up to at
  double target = 0;
  std::string deadline;                // YYYY-MM
  std::string direction;               // increase or decrease
  std::optional<int> months_observed;  // base to current
  std::optional<int> months_required;  // base to deadline
  std::optional<double> observed_growth;
  std::optional<double> required_growth;
  std::optional<double> ratio;
  ProgressThresholds thresholds;
  bool deadline_passed = false;           // at is after the deadline
  bool deadline_before_covenant = false;  // the deadline is before 2013-03
  // A milestone: the month its figures turned to 1 (and stayed).
  std::optional<std::string> done_since;
};

// The status of figures (sorted by period, one per month; later ones than
// at are ignored) of indicator at month at.
SeriesProgress ComputeSeriesProgress(const Indicator& indicator,
                                     const std::vector<Figure>& figures,
                                     std::string_view at,
                                     const ProgressThresholds& thresholds = {});

// What a roll-up reads of each part it is made of.
struct Rating {
  int level = 0;  // 1..5; 0 when not rated
  bool rated = false;
};

// A status made of others (an indicator's from its cities, an agreement's
// from its indicators, a theme's from its agreements, a city's from its
// themes), by one rule: the median of the rated levels, the lower of the
// two middle ones when their number is even; not enough data when none is
// rated.
struct RollUp {
  ProgressStatus status = ProgressStatus::kNotEnoughData;
  int level = 0;
  bool rated = false;
  std::vector<int> levels;  // the rated levels, sorted from low to high
  int num_unrated = 0;
  std::string rule;  // the rule with its numbers
};

RollUp RollUpOf(const std::vector<Rating>& parts);

// The status a roll-up level names: 5 target achieved ... 1 deterioration.
ProgressStatus StatusOfLevel(int level);

// Months since year 0 of "YYYY-MM" (2014-06: 2014 * 12 + 5).
int MonthIndex(std::string_view period);
// The month n months after period ("2013-03" + 3 = "2013-06").
std::string AddMonths(std::string_view period, int months);

// The first month the covenant was in effect (it took effect on 7 March
// 2013, article 12): 2013-03.
inline constexpr std::string_view kCovenantFirstMonth = "2013-03";

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_PROGRESS_H_
