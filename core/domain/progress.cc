#include "core/domain/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace smartercities::domain {
namespace {

// A number as a rule's text shows it: at most four significant digits.
std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.4g", value);
  return buffer;
}

bool Meets(const Indicator& indicator, double value) {
  return indicator.direction == "decrease" ? value <= indicator.target
                                           : value >= indicator.target;
}

double Growth(GrowthMethod method, double value, double base, int months) {
  if (method == GrowthMethod::kCompound) {
    return std::pow(value / base, 1.0 / months) - 1.0;
  }
  return (value - base) / months;
}

std::string GrowthText(GrowthMethod method, double growth) {
  if (method == GrowthMethod::kCompound) {
    return Number(growth * 100) + "% per month";
  }
  return Number(growth) + " per month";
}

SeriesProgress Milestone(const Indicator& indicator,
                         const std::vector<Figure>& figures,
                         SeriesProgress out) {
  out.method = GrowthMethod::kMilestone;
  if (!out.current) {
    out.status = ProgressStatus::kNotEnoughData;
    out.rule = "no figure up to " + out.at +
               ": nobody has reported whether the milestone is done";
    return out;
  }
  if (out.current->value >= 1) {
    // The first month of the run of 1s that ends with the latest figure.
    std::string since = out.current->period;
    for (auto it = figures.rbegin(); it != figures.rend(); ++it) {
      if (it->period > out.at) continue;
      if (it->value < 1) break;
      since = it->period;
    }
    out.done_since = since;
    out.status = ProgressStatus::kDone;
    out.level = 5;
    out.rule =
        "done since " + since +
        (since <= indicator.deadline ? ", by the deadline " + out.deadline
                                     : ", after the deadline " + out.deadline);
    return out;
  }
  if (!out.deadline_passed) {
    out.status = ProgressStatus::kOnTime;
    out.level = 4;
    out.rule = "not done as of " + out.current->period + "; the deadline " +
               out.deadline + " has not passed at " + out.at;
    return out;
  }
  out.status = ProgressStatus::kLate;
  out.level = 1;
  out.rule = "not done as of " + out.current->period + "; the deadline " +
             out.deadline + " passed before " + out.at;
  return out;
}

}  // namespace

std::string_view ToString(ProgressStatus status) {
  switch (status) {
    case ProgressStatus::kTargetAchieved:
      return "target-achieved";
    case ProgressStatus::kSubstantialProgress:
      return "substantial-progress";
    case ProgressStatus::kModerateProgress:
      return "moderate-progress";
    case ProgressStatus::kLimitedProgress:
      return "limited-progress";
    case ProgressStatus::kDeterioration:
      return "deterioration";
    case ProgressStatus::kNotEnoughData:
      return "not-enough-data";
    case ProgressStatus::kDone:
      return "done";
    case ProgressStatus::kOnTime:
      return "on-time";
    case ProgressStatus::kLate:
      return "late";
    case ProgressStatus::kNoIndicator:
      return "no-indicator";
  }
  return "not-enough-data";
}

std::string_view ToString(GrowthMethod method) {
  switch (method) {
    case GrowthMethod::kCompound:
      return "compound";
    case GrowthMethod::kLinear:
      return "linear";
    case GrowthMethod::kMilestone:
      return "milestone";
    case GrowthMethod::kNone:
      return "none";
  }
  return "none";
}

int MonthIndex(std::string_view period) {
  if (period.size() < 7) return 0;
  int year = 0;
  for (std::size_t i = 0; i < 4; ++i) year = year * 10 + (period[i] - '0');
  int month = (period[5] - '0') * 10 + (period[6] - '0');
  return year * 12 + month - 1;
}

std::string AddMonths(std::string_view period, int months) {
  int index = MonthIndex(period) + months;
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d", index / 12,
                index % 12 + 1);
  return buffer;
}

ProgressStatus StatusOfLevel(int level) {
  switch (level) {
    case 5:
      return ProgressStatus::kTargetAchieved;
    case 4:
      return ProgressStatus::kSubstantialProgress;
    case 3:
      return ProgressStatus::kModerateProgress;
    case 2:
      return ProgressStatus::kLimitedProgress;
    case 1:
      return ProgressStatus::kDeterioration;
    default:
      return ProgressStatus::kNotEnoughData;
  }
}

SeriesProgress ComputeSeriesProgress(const Indicator& indicator,
                                     const std::vector<Figure>& figures,
                                     std::string_view at,
                                     const ProgressThresholds& thresholds) {
  SeriesProgress out;
  out.at = std::string(at);
  out.target = indicator.target;
  out.deadline = indicator.deadline;
  out.direction = indicator.direction;
  out.thresholds = thresholds;
  out.deadline_passed = out.at > indicator.deadline;
  out.deadline_before_covenant = IsBeforeCovenant(indicator.deadline);
  for (const Figure& figure : figures) {
    if (figure.period > out.at) break;
    if (!out.current || figure.period >= out.current->period) {
      out.current = figure;
    }
  }
  auto finish = [&](SeriesProgress result) {
    bool met = result.status == ProgressStatus::kTargetAchieved ||
               result.status == ProgressStatus::kDone;
    result.rated = result.level > 0 && !(result.deadline_before_covenant &&
                                         result.deadline_passed && !met);
    if (!result.rated) result.level = 0;
    if (result.deadline_before_covenant && result.deadline_passed && !met) {
      result.rule += "; the deadline " + result.deadline +
                     " fell before the covenant took effect (7 March 2013), "
                     "so the series is not rated (article 4d)";
    }
    return result;
  };

  if (indicator.kind == "milestone") {
    return finish(Milestone(indicator, figures, std::move(out)));
  }

  // 1. Without a figure there is nothing to compare.
  if (!out.current) {
    out.rule = "no figure up to " + out.at;
    return finish(std::move(out));
  }
  // 2. The latest figure meets the target.
  if (Meets(indicator, out.current->value)) {
    out.status = ProgressStatus::kTargetAchieved;
    out.level = 5;
    out.rule = "the latest figure " + Number(out.current->value) + " (" +
               out.current->period + ") " +
               (indicator.direction == "decrease" ? "is at or below"
                                                  : "is at or above") +
               " the target " + Number(indicator.target);
    return finish(std::move(out));
  }
  // 3. The base: the declared baseline at the covenant's first month, or
  // the first figure.
  if (indicator.baseline) {
    out.base = Figure{std::string(kCovenantFirstMonth), *indicator.baseline};
    out.base_source = "baseline";
  } else {
    out.base = figures.front();
    out.base_source = "first-figure";
  }
  int months_observed =
      MonthIndex(out.current->period) - MonthIndex(out.base->period);
  int months_required =
      MonthIndex(indicator.deadline) - MonthIndex(out.base->period);
  out.months_observed = months_observed;
  out.months_required = months_required;
  if (months_observed <= 0) {
    out.rule = "the only figure up to " + out.at + " is of " +
               out.current->period +
               ": growth needs figures of two different months";
    return finish(std::move(out));
  }
  // 4. A base that met the target: the series fell away from it.
  if (Meets(indicator, out.base->value)) {
    out.status = ProgressStatus::kDeterioration;
    out.level = 1;
    out.rule = "the base " + Number(out.base->value) + " (" + out.base->period +
               ") met the target " + Number(indicator.target) +
               " and the latest figure " + Number(out.current->value) + " (" +
               out.current->period + ") no longer does";
    return finish(std::move(out));
  }
  // 5. No time between the base and the deadline: no growth can be required.
  if (months_required <= 0) {
    out.rule = "the deadline " + indicator.deadline +
               " is not after the base month " + out.base->period +
               ": no growth toward the target can be required from there";
    return finish(std::move(out));
  }
  // 6. Observed against required growth.
  out.method = out.base->value > 0 && indicator.target > 0
                   ? GrowthMethod::kCompound
                   : GrowthMethod::kLinear;
  double observed =
      Growth(out.method, out.current->value, out.base->value, months_observed);
  double required =
      Growth(out.method, indicator.target, out.base->value, months_required);
  double ratio = observed / required;
  out.observed_growth = observed;
  out.required_growth = required;
  out.ratio = ratio;
  std::string band;
  if (ratio >= thresholds.substantial) {
    out.status = ProgressStatus::kSubstantialProgress;
    out.level = 4;
    band = "at least " + Number(thresholds.substantial);
  } else if (ratio >= thresholds.moderate) {
    out.status = ProgressStatus::kModerateProgress;
    out.level = 3;
    band = "at least " + Number(thresholds.moderate) + " and below " +
           Number(thresholds.substantial);
  } else if (ratio >= thresholds.limited) {
    out.status = ProgressStatus::kLimitedProgress;
    out.level = 2;
    band = "at least " + Number(thresholds.limited) + " and below " +
           Number(thresholds.moderate);
  } else {
    out.status = ProgressStatus::kDeterioration;
    out.level = 1;
    band = "below " + Number(thresholds.limited);
  }
  out.rule = std::string(out.method == GrowthMethod::kCompound
                             ? "compound growth"
                             : "linear change (the base or the target is "
                               "zero)") +
             ": observed " + GrowthText(out.method, observed) + " over " +
             std::to_string(months_observed) + " months, required " +
             GrowthText(out.method, required) + " over " +
             std::to_string(months_required) + " months; ratio " +
             Number(ratio) + " is " + band;
  return finish(std::move(out));
}

RollUp RollUpOf(const std::vector<Rating>& parts) {
  RollUp out;
  for (const Rating& part : parts) {
    if (part.rated && part.level > 0) {
      out.levels.push_back(part.level);
    } else {
      ++out.num_unrated;
    }
  }
  std::sort(out.levels.begin(), out.levels.end());
  std::string unrated =
      out.num_unrated == 0
          ? std::string()
          : " (" + std::to_string(out.num_unrated) + " not rated, left out)";
  if (out.levels.empty()) {
    out.rule = "no part is rated" + unrated;
    return out;
  }
  std::size_t middle = (out.levels.size() - 1) / 2;
  out.level = out.levels[middle];
  out.status = StatusOfLevel(out.level);
  out.rated = true;
  std::string listed;
  for (int level : out.levels) {
    if (!listed.empty()) listed += ", ";
    listed += std::to_string(level);
  }
  out.rule = "the median of the rated levels " + listed + ": " +
             std::to_string(out.level) + " (" +
             std::string(ToString(out.status)) + ")" + unrated;
  return out;
}

}  // namespace smartercities::domain
