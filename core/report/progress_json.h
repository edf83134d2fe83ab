// progress_json.h — progress as the API and the report's JSON show it: every
// status with the inputs that produced it (base and current figure, target,
// deadline, observed and required growth, the thresholds, the rule that
// fired), so that a reader can recompute it. Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_REPORT_PROGRESS_JSON_H_
#define SMARTERCITIES_CORE_REPORT_PROGRESS_JSON_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/domain/progress.h"
#include "core/domain/progress_overview.h"

namespace smartercities::report {

// CBS code -> the city's name.
using CityNames = std::map<std::string, std::string>;

// The method in short, as every progress answer states it: the bands, the
// growth formulas, the levels and the roll-up rule.
nlohmann::json MethodJson(const domain::ProgressThresholds& thresholds = {});

nlohmann::json SeriesJson(const domain::SeriesProgress& series);
// status, level, rated, rule, and for a roll-up its levels.
nlohmann::json AssessmentJson(const domain::Assessment& assessment,
                              const domain::RollUp* rollup = nullptr);

// An indicator for the network and per city.
nlohmann::json IndicatorProgressJson(const domain::IndicatorProgress& progress,
                                     const CityNames& names);
// A theme with its agreements (each with its indicators' network status).
nlohmann::json ThemeProgressJson(const domain::ThemeProgress& progress,
                                 const domain::ProgressOverview& overview);
// A city with its themes, agreements and series.
nlohmann::json CityProgressJson(const domain::CityProgress& progress,
                                const domain::ProgressOverview& overview,
                                const CityNames& names);
nlohmann::json ComparisonJson(const domain::Comparison& comparison,
                              const domain::Indicator& indicator,
                              const CityNames& names);

}  // namespace smartercities::report

#endif  // SMARTERCITIES_CORE_REPORT_PROGRESS_JSON_H_
