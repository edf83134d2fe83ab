// core_sections.h — every section the core adds to the half-yearly progress
// report through report::ReportSections: the rolling agenda's projects and
// meetings (agenda_sections.h) and the procedures' joins and amendments
// (procedure_sections.h). The server and the `report` command both call
// this, so the report is the same wherever it is made.
//
// Thread-safety: call while sections is being filled, before it is read.
#ifndef SMARTERCITIES_CORE_REPORT_CORE_SECTIONS_H_
#define SMARTERCITIES_CORE_REPORT_CORE_SECTIONS_H_

#include "core/report/progress_report.h"

namespace smartercities::report {

void AddCoreSections(ReportSections& sections);

}  // namespace smartercities::report

#endif  // SMARTERCITIES_CORE_REPORT_CORE_SECTIONS_H_
