// report_view.h — the progress report as its readers see it: the report's
// model with every text translated and every number and date written for
// the report's language, and each chart's geometry. The HTML template and
// the PDF are drawn from this one view. Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_REPORT_REPORT_VIEW_H_
#define SMARTERCITIES_CORE_REPORT_REPORT_VIEW_H_

#include <nlohmann/json.hpp>
#include <string>

#include "core/report/progress_report.h"
#include "core/web/page_renderer.h"

namespace smartercities::report {

// A status's words and its badge class ("sc-status--late"); a status whose
// deadline fell before the covenant took effect, unmet, is shown as such.
nlohmann::json StatusView(const nlohmann::json& t, const std::string& status,
                          bool before_covenant);

// The view of the whole report (see web/templates/report.mustache).
nlohmann::json ReportView(const ProgressReport& report,
                          const web::PageRenderer& pages,
                          web::Language language);

}  // namespace smartercities::report

#endif  // SMARTERCITIES_CORE_REPORT_REPORT_VIEW_H_
