// figure_commands.h — `smartercities import measurements FILE [--dry-run]`:
// figures from a CSV file into the database, checked in full first and
// stored all or nothing (domain/measurement_import.h), as the operator
// ("cli" in the audit trail). A running server on the same data directory
// notices the new figures within 100 ms.
//
// On a terminal the import shows a progress bar on standard error; otherwise
// it writes a plain line at every tenth of the way, so that a log stays
// readable.
//
// Thread-safety: one call at a time per data directory.
#ifndef SMARTERCITIES_CORE_APP_FIGURE_COMMANDS_H_
#define SMARTERCITIES_CORE_APP_FIGURE_COMMANDS_H_

#include <filesystem>
#include <ostream>

#include "core/app/config.h"
#include "core/base/status.h"

namespace smartercities::app {

// Imports file; the summary (or every problem, each with its line and
// column) goes to out, the progress to progress. kInvalidArgument when the
// file has problems (nothing is stored), kNotFound when it cannot be read.
// progress_is_terminal: draw a bar rather than write lines.
Status ImportMeasurements(const Config& config,
                          const std::filesystem::path& file, bool dry_run,
                          std::ostream& out, std::ostream& progress,
                          bool progress_is_terminal);

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_FIGURE_COMMANDS_H_
