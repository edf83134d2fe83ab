// embedded_files.h — the page templates and translation files of web/,
// built into the executable so that a page never depends on where the
// process was started. Immutable static data; thread-safe.
#ifndef SMARTERCITIES_CORE_WEB_EMBEDDED_FILES_H_
#define SMARTERCITIES_CORE_WEB_EMBEDDED_FILES_H_

#include <span>
#include <string_view>

namespace smartercities::web {

struct EmbeddedFile {
  std::string_view path;  // relative to web/, e.g. "templates/theme.mustache"
  std::string_view text;
};

// Every template and translation file, in name order.
std::span<const EmbeddedFile> EmbeddedFiles();

}  // namespace smartercities::web

#endif  // SMARTERCITIES_CORE_WEB_EMBEDDED_FILES_H_
