// static_files.h — answers GET and HEAD for files under the web root, with
// anything that could leave it (.., backslashes, NUL, symlinks out) refused
// as 404. Stateless; thread-safe.
#ifndef SMARTERCITIES_CORE_HTTP_STATIC_FILES_H_
#define SMARTERCITIES_CORE_HTTP_STATIC_FILES_H_

#include <string>
#include <string_view>

#include "core/http/message.h"

namespace smartercities::http {

// The file for the decoded path under web_root as a response: 200 with the
// content type of its extension, or a 404 problem.
Response ServeStaticFile(const std::string& web_root, std::string_view path);

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_STATIC_FILES_H_
