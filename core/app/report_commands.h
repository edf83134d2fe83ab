// report_commands.h — `smartercities report 2013-H2 [--format html|pdf|json]
// [--output FILE]`: the progress report of a half year (article 6b), as the
// API gives it, written to a file or to standard output, from the data
// directory's figures (a server may run on it meanwhile).
//
// Thread-safety: a free function; reads only.
#ifndef SMARTERCITIES_CORE_APP_REPORT_COMMANDS_H_
#define SMARTERCITIES_CORE_APP_REPORT_COMMANDS_H_

#include <ostream>
#include <string>

#include "core/app/config.h"
#include "core/base/status.h"

namespace smartercities::app {

// format: "html", "pdf", "json", or "" for the one output's name ends in
// (else html). output: a file to write ("" or "-": out). notes: what was
// written, when output is a file. kInvalidArgument for a period that is not
// a half year.
Status WriteReport(const Config& config, const std::string& period,
                   std::string format, const std::string& output,
                   std::ostream& out, std::ostream& notes);

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_REPORT_COMMANDS_H_
