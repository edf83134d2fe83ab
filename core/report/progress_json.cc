#include "core/report/progress_json.h"

namespace smartercities::report {
namespace {

using nlohmann::json;

json FigureJson(const std::optional<domain::Figure>& figure) {
  if (!figure) return nullptr;
  return {{"period", figure->period}, {"value", figure->value}};
}

template <typename T>
json Optional(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

std::string NameOf(const CityNames& names, const std::string& code) {
  auto found = names.find(code);
  return found == names.end() ? code : found->second;
}

}  // namespace

json MethodJson(const domain::ProgressThresholds& thresholds) {
  return {
      {"source",
       "Open SDG's progress status: the compound growth observed since the "
       "base compared with the growth required to reach the target by the "
       "deadline, at the resolution of months"},
      {"documentation", "docs/progress.md"},
      {"thresholds",
       {{"substantial", thresholds.substantial},
        {"moderate", thresholds.moderate},
        {"limited", thresholds.limited}}},
      {"bands",
       {{"target-achieved", "the latest figure meets the target"},
        {"substantial-progress", "ratio >= substantial"},
        {"moderate-progress", "moderate <= ratio < substantial"},
        {"limited-progress", "limited <= ratio < moderate"},
        {"deterioration", "ratio < limited"},
        {"not-enough-data",
         "no figure, figures of one month only, or a deadline not after the "
         "base"}}},
      {"growth",
       {{"compound", "(value / base) ^ (1 / months) - 1, per month"},
        {"linear",
         "(value - base) / months, when the base or the target is zero or "
         "below"}}},
      {"ratio", "observed growth / required growth"},
      {"base",
       "the indicator's declared baseline, dated 2013-03 (the covenant took "
       "effect on 7 March 2013), else the series' first figure"},
      {"milestones",
       {{"done", "the latest figure is 1"},
        {"on-time", "not done and the deadline has not passed"},
        {"late", "not done and the deadline has passed"}}},
      {"levels",
       {{"5", "target achieved, done"},
        {"4", "substantial progress, on time"},
        {"3", "moderate progress"},
        {"2", "limited progress"},
        {"1", "deterioration, late"}}},
      {"rollUp",
       "the median of the rated levels of the parts (the lower of the two "
       "middle ones when their number is even); not enough data when none "
       "is rated. An indicator for the network from its cities, an "
       "agreement from its indicators, a theme from its agreements, a city "
       "or the network from its themes"},
      {"notRated",
       "not enough data; and a series whose deadline fell before the "
       "covenant took effect and whose target is not met (article 4d)"}};
}

json SeriesJson(const domain::SeriesProgress& series) {
  json base = FigureJson(series.base);
  if (series.base) base["source"] = series.base_source;
  json inputs = {{"at", series.at},
                 {"method", std::string(domain::ToString(series.method))},
                 {"base", base},
                 {"current", FigureJson(series.current)},
                 {"target", series.target},
                 {"deadline", series.deadline},
                 {"direction", series.direction},
                 {"monthsObserved", Optional(series.months_observed)},
                 {"monthsRequired", Optional(series.months_required)},
                 {"observedGrowth", Optional(series.observed_growth)},
                 {"requiredGrowth", Optional(series.required_growth)},
                 {"ratio", Optional(series.ratio)},
                 {"thresholds",
                  {{"substantial", series.thresholds.substantial},
                   {"moderate", series.thresholds.moderate},
                   {"limited", series.thresholds.limited}}}};
  if (series.done_since) inputs["doneSince"] = *series.done_since;
  return {{"status", std::string(domain::ToString(series.status))},
          {"level", series.level},
          {"rated", series.rated},
          {"rule", series.rule},
          {"deadlinePassed", series.deadline_passed},
          {"deadlineBeforeCovenant", series.deadline_before_covenant},
          {"inputs", inputs}};
}

json AssessmentJson(const domain::Assessment& assessment,
                    const domain::RollUp* rollup) {
  json out = {{"status", std::string(domain::ToString(assessment.status))},
              {"level", assessment.level},
              {"rated", assessment.rated},
              {"rule", assessment.rule}};
  if (rollup != nullptr) {
    out["rollUp"] = {{"levels", rollup->levels},
                     {"notRated", rollup->num_unrated}};
  }
  return out;
}

json IndicatorProgressJson(const domain::IndicatorProgress& progress,
                           const CityNames& names) {
  const domain::Indicator& indicator = progress.indicator;
  json out = {
      {"indicator", indicator.id},
      {"theme", progress.theme_id},
      {"kind", indicator.kind},
      {"scope", std::string(domain::ToString(indicator.scope))},
      {"unit", indicator.unit},
      {"target", indicator.target},
      {"deadline", indicator.deadline},
      {"direction", indicator.direction},
      {"deadlineBeforeCovenant", domain::IsBeforeCovenant(indicator.deadline)}};
  json network = AssessmentJson(progress.network,
                                progress.rollup ? &*progress.rollup : nullptr);
  if (progress.series) network = SeriesJson(*progress.series);
  out["network"] = network;
  json cities = json::array();
  for (const auto& [code, series] : progress.cities) {
    json item = SeriesJson(series);
    item["city"] = code;
    item["cityName"] = NameOf(names, code);
    cities.push_back(std::move(item));
  }
  out["cities"] = cities;
  return out;
}

json ThemeProgressJson(const domain::ThemeProgress& progress,
                       const domain::ProgressOverview& overview) {
  json agreements = json::array();
  for (const domain::AgreementProgress& agreement : progress.agreements) {
    json indicators = json::array();
    for (const std::string& id : agreement.indicators) {
      const domain::IndicatorProgress* indicator = overview.Indicator(id);
      if (indicator == nullptr) continue;
      json item =
          AssessmentJson(indicator->network,
                         indicator->rollup ? &*indicator->rollup : nullptr);
      if (indicator->series) item = SeriesJson(*indicator->series);
      item["indicator"] = id;
      item["scope"] = std::string(domain::ToString(indicator->indicator.scope));
      item["kind"] = indicator->indicator.kind;
      item["url"] =
          "/api/v1/indicators/" + id + "/progress?at=" + overview.at();
      indicators.push_back(std::move(item));
    }
    json item = AssessmentJson(agreement.assessment,
                               agreement.rollup ? &*agreement.rollup : nullptr);
    item["agreement"] = progress.theme_id + "/" + agreement.letter;
    item["letter"] = agreement.letter;
    item["kind"] = std::string(domain::ToString(agreement.kind));
    item["indicators"] = indicators;
    agreements.push_back(std::move(item));
  }
  json out = AssessmentJson(progress.assessment, &progress.rollup);
  out["theme"] = progress.theme_id;
  out["agreements"] = agreements;
  return out;
}

json CityProgressJson(const domain::CityProgress& progress,
                      const domain::ProgressOverview& overview,
                      const CityNames& names) {
  json themes = json::array();
  for (const domain::CityThemeProgress& theme : progress.themes) {
    json agreements = json::array();
    for (const domain::CityAgreementProgress& agreement : theme.agreements) {
      json indicators = json::array();
      for (const auto& [id, series] : agreement.series) {
        json item = SeriesJson(*series);
        item["indicator"] = id;
        indicators.push_back(std::move(item));
      }
      json item =
          AssessmentJson(agreement.assessment,
                         agreement.rollup ? &*agreement.rollup : nullptr);
      item["agreement"] = theme.theme_id + "/" + agreement.letter;
      item["letter"] = agreement.letter;
      item["kind"] = std::string(domain::ToString(agreement.kind));
      item["indicators"] = indicators;
      agreements.push_back(std::move(item));
    }
    json item = AssessmentJson(theme.assessment, &theme.rollup);
    item["theme"] = theme.theme_id;
    item["agreements"] = agreements;
    themes.push_back(std::move(item));
  }
  json out = AssessmentJson(progress.assessment, &progress.rollup);
  out["city"] = progress.cbs_code;
  out["cityName"] = NameOf(names, progress.cbs_code);
  out["at"] = overview.at();
  out["themes"] = themes;
  out["method"] = MethodJson();
  return out;
}

json ComparisonJson(const domain::Comparison& comparison,
                    const domain::Indicator& indicator,
                    const CityNames& names) {
  json items = json::array();
  for (const domain::ComparisonEntry& entry : comparison.entries) {
    items.push_back({{"city", entry.cbs_code},
                     {"cityName", NameOf(names, entry.cbs_code)},
                     {"value", entry.figure.value},
                     {"period", entry.figure.period},
                     {"rank", entry.rank}});
  }
  json without = json::array();
  for (const std::string& code : comparison.without_figure) {
    without.push_back({{"city", code}, {"cityName", NameOf(names, code)}});
  }
  return {{"indicator", comparison.indicator_id},
          {"period", comparison.period},
          {"direction", indicator.direction},
          {"unit", indicator.unit},
          {"median", Optional(comparison.median)},
          {"ranking",
           indicator.direction == "decrease"
               ? "from the lowest value to the highest; equal values share "
                 "a rank"
               : "from the highest value to the lowest; equal values share "
                 "a rank"},
          {"items", items},
          {"total", items.size()},
          {"withoutFigure", without}};
}

}  // namespace smartercities::report
