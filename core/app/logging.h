// logging.h — the platform's log lines: one per event, in text or as JSON
// lines, with every logged value escaped.
//
// A log line is one line whatever the values in it hold: a control
// character (a line feed in a user name, in a path, in a plugin's message)
// is written as \n, \u0000 and so on, a byte that is not UTF-8 as \xff and a
// backslash as \\, so that nobody can write a line that looks like the
// platform's own. With the JSON format each line is a JSON object whatever
// the message holds.
//
// Thread-safety: ConfigureLogging once at start, before other threads log;
// the formatter it installs is used by spdlog under its own locks.
#ifndef SMARTERCITIES_CORE_APP_LOGGING_H_
#define SMARTERCITIES_CORE_APP_LOGGING_H_

#include <spdlog/formatter.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/app/config.h"

namespace smartercities::app {

// The formatter of log lines: format "text" gives
//   2026-11-29T10:15:00.123Z warn login failed for 'evil\n2026-...' ...
// and "json"
//   {"time":"2026-11-29T10:15:00.123Z","level":"warn","logger":"security",
//    "message":"login failed for 'evil\\n2026-...' ..."}
std::unique_ptr<spdlog::formatter> MakeLogFormatter(std::string_view format);

// What a value looks like in a log line: control characters, bytes that
// are not UTF-8 and backslashes escaped (see above).
std::string EscapeForLog(std::string_view text);

// Sets up the default logger on standard output with config's format and
// level.
void ConfigureLogging(const Config& config);

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_LOGGING_H_
