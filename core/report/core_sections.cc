#include "core/report/core_sections.h"

#include "core/report/agenda_sections.h"
#include "core/report/procedure_sections.h"

namespace smartercities::report {

void AddCoreSections(ReportSections& sections) {
  AddAgendaSections(sections);
  AddProcedureSections(sections);
}

}  // namespace smartercities::report
