// procedure_sections.h — the covenant procedures' sections of the
// half-yearly progress report (article 6b: the administrative meetings are
// held "op basis van een door Stedenlink op te stellen
// voortgangsrapportage"): the requests to join a theme (art. 8) and the
// amendments of the agreements and articles (art. 9) that were made or
// decided in the half year, each with where it stood at the half year's end.
//
// Thread-safe: the sources read the database they are given and keep no
// state.
#ifndef SMARTERCITIES_CORE_REPORT_PROCEDURE_SECTIONS_H_
#define SMARTERCITIES_CORE_REPORT_PROCEDURE_SECTIONS_H_

#include "core/report/progress_report.h"

namespace smartercities::report {

// Adds the joins section and the amendments section to sections. A section
// is left out of a half year in which its procedure did nothing.
void AddProcedureSections(ReportSections& sections);

}  // namespace smartercities::report

#endif  // SMARTERCITIES_CORE_REPORT_PROCEDURE_SECTIONS_H_
