// agenda_sections.h — the rolling agenda's sections of the half-yearly
// progress report (article 6b: the administrative meetings are held "op
// basis van een door Stedenlink op te stellen voortgangsrapportage"): the
// projects on the agenda during the half year (art. 5d) and the meetings
// held in it (art. 6).
//
// Thread-safe: the sources read the database they are given and keep no
// state.
#ifndef SMARTERCITIES_CORE_REPORT_AGENDA_SECTIONS_H_
#define SMARTERCITIES_CORE_REPORT_AGENDA_SECTIONS_H_

#include "core/report/progress_report.h"

namespace smartercities::report {

// Adds the projects section and the meetings section to sections. A
// section is left out of a half year without projects or meetings.
void AddAgendaSections(ReportSections& sections);

}  // namespace smartercities::report

#endif  // SMARTERCITIES_CORE_REPORT_AGENDA_SECTIONS_H_
