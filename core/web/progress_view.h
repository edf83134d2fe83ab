// progress_view.h — progress as the site's pages show it: a status badge
// and, behind "how was this computed?", the inputs that produced it (from
// the same computation as GET /api/v1/…/progress). Stateless and
// thread-safe.
#ifndef SMARTERCITIES_CORE_WEB_PROGRESS_VIEW_H_
#define SMARTERCITIES_CORE_WEB_PROGRESS_VIEW_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/domain/progress_overview.h"
#include "core/web/site.h"

namespace smartercities::web {

// The progress of themes now (the current month), for every city.
Result<domain::ProgressOverview> CurrentProgress(
    Site& site, std::vector<domain::ThemeManifest> themes);

// {"label", "class", "rule", "inputs": [{"label", "value"}], "apiUrl"}, for
// the partial _progress.mustache. unit: the indicator's, for its numbers.
nlohmann::json SeriesView(const domain::SeriesProgress& series,
                          const std::string& unit, Language language,
                          const nlohmann::json& t, const std::string& api_url);
nlohmann::json AssessmentView(const domain::Assessment& assessment,
                              const domain::RollUp* rollup, Language language,
                              const nlohmann::json& t,
                              const std::string& api_url);

// An indicator's status for the network: its series, or its cities'
// roll-up.
nlohmann::json IndicatorStatusView(const domain::IndicatorProgress& progress,
                                   Language language, const nlohmann::json& t);

}  // namespace smartercities::web

#endif  // SMARTERCITIES_CORE_WEB_PROGRESS_VIEW_H_
