#include "core/web/progress_view.h"

#include <cstdio>

#include "core/base/time_format.h"
#include "core/web/view_helpers.h"

namespace smartercities::web {
namespace {

using nlohmann::json;

// A decimal with up to `digits` decimals in the page's language.
std::string Decimal(double value, int digits, Language language) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);
  std::string text = buffer;
  if (language == Language::kDutch) {
    for (char& c : text) {
      if (c == '.') c = ',';
    }
  }
  return text;
}

json Badge(const json& t, domain::ProgressStatus status, bool not_rated_early) {
  std::string key = not_rated_early ? "before-covenant"
                                    : std::string(domain::ToString(status));
  return {{"label", t["progress"]["status"][key]},
          {"class", "sc-status--" + key}};
}

std::string Replace(std::string text, const std::string& what,
                    const std::string& with) {
  std::size_t at = text.find(what);
  if (at != std::string::npos) text.replace(at, what.size(), with);
  return text;
}

}  // namespace

Result<domain::ProgressOverview> CurrentProgress(
    Site& site, std::vector<domain::ThemeManifest> themes) {
  auto cities = Cities(site);
  if (!cities.ok()) return cities.status();
  std::vector<std::string> codes;
  for (const auto& [code, city] : *cities) codes.push_back(code);
  return domain::ProgressOverview::Compute(site.database(), std::move(themes),
                                           std::move(codes), CurrentMonthUtc());
}

json SeriesView(const domain::SeriesProgress& series, const std::string& unit,
                Language language, const json& t, const std::string& api_url) {
  const json& p = t["progress"];
  bool met = series.status == domain::ProgressStatus::kTargetAchieved ||
             series.status == domain::ProgressStatus::kDone;
  json view =
      Badge(t, series.status,
            series.deadline_before_covenant && series.deadline_passed && !met);
  view["rule"] = series.rule;
  view["apiUrl"] = api_url;
  json inputs = json::array();
  auto add = [&](const char* key, std::string value) {
    inputs.push_back({{"label", p[key]}, {"value", std::move(value)}});
  };
  add("at", FormatDate(series.at, t));
  std::string method_key =
      series.method == domain::GrowthMethod::kCompound    ? "methodCompound"
      : series.method == domain::GrowthMethod::kLinear    ? "methodLinear"
      : series.method == domain::GrowthMethod::kMilestone ? "methodMilestone"
                                                          : "methodNone";
  add("method", p[method_key]);
  if (series.base) {
    add("base",
        FormatValue(series.base->value, unit, language, t) + " (" +
            FormatDate(series.base->period, t) + "; " +
            p[series.base_source == "baseline" ? "baseBaseline" : "baseFirst"]
                .get<std::string>() +
            ")");
  }
  if (series.current) {
    add("current", FormatValue(series.current->value, unit, language, t) +
                       " (" + FormatDate(series.current->period, t) + ")");
  }
  if (series.done_since) add("doneSince", FormatDate(*series.done_since, t));
  add("target", FormatValue(series.target, unit, language, t));
  add("deadline", FormatDate(series.deadline, t));
  add("direction",
      t["indicator"][series.direction == "decrease" ? "decrease" : "increase"]);
  if (series.months_observed) {
    add("monthsObserved", std::to_string(*series.months_observed));
  }
  if (series.months_required) {
    add("monthsRequired", std::to_string(*series.months_required));
  }
  auto growth = [&](double value) {
    return series.method == domain::GrowthMethod::kCompound
               ? Decimal(value * 100, 3, language) + "%"
               : Decimal(value, 3, language);
  };
  if (series.observed_growth) {
    add("observedGrowth", growth(*series.observed_growth));
  }
  if (series.required_growth) {
    add("requiredGrowth", growth(*series.required_growth));
  }
  if (series.ratio) add("ratio", Decimal(*series.ratio, 3, language));
  if (series.method == domain::GrowthMethod::kCompound ||
      series.method == domain::GrowthMethod::kLinear) {
    std::string text = p["thresholdsText"];
    text = Replace(text, "{substantial}",
                   Decimal(series.thresholds.substantial, 2, language));
    text = Replace(text, "{moderate}",
                   Decimal(series.thresholds.moderate, 2, language));
    text = Replace(text, "{limited}",
                   Decimal(series.thresholds.limited, 2, language));
    add("thresholds", text);
  }
  view["inputs"] = inputs;
  return view;
}

json AssessmentView(const domain::Assessment& assessment,
                    const domain::RollUp* rollup, Language language,
                    const json& t, const std::string& api_url) {
  (void)language;
  json view = Badge(t, assessment.status, false);
  view["rule"] = assessment.rule;
  view["apiUrl"] = api_url;
  json inputs = json::array();
  if (rollup != nullptr) {
    std::string levels;
    for (int level : rollup->levels) {
      if (!levels.empty()) levels += ", ";
      levels += std::to_string(level);
    }
    inputs.push_back({{"label", t["progress"]["levels"]},
                      {"value", levels.empty() ? "—" : levels}});
  }
  view["inputs"] = inputs;
  return view;
}

json IndicatorStatusView(const domain::IndicatorProgress& progress,
                         Language language, const json& t) {
  std::string api_url =
      "/api/v1/indicators/" + progress.indicator.id + "/progress";
  if (progress.series) {
    return SeriesView(*progress.series, progress.indicator.unit, language, t,
                      api_url);
  }
  return AssessmentView(progress.network,
                        progress.rollup ? &*progress.rollup : nullptr, language,
                        t, api_url);
}

}  // namespace smartercities::web
