// json_response.h — helpers the core's endpoints share: JSON responses,
// collection envelopes with paging, and problems for failed Status values.
// Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_API_JSON_RESPONSE_H_
#define SMARTERCITIES_CORE_API_JSON_RESPONSE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/base/status.h"
#include "core/http/message.h"
#include "core/http/router.h"

namespace smartercities::api {

struct Page {
  std::size_t page = 1;  // 1-based
  std::size_t page_size = 100;
};

// Reads ?page= (1..1000000, default 1) and ?pageSize= (1..500, default
// default_page_size); a bad value is a 400 problem that names the parameter
// and the range it must lie in.
std::variant<Page, http::Response> ParsePage(
    const http::Request& request, std::size_t default_page_size = 100);

// The handler of a paged collection route, given the page asked for.
using PagedHandler = std::function<http::Response(http::Request&, const Page&)>;

// The core's GET route of a paged collection at pattern: options with
// paged set (so the OpenAPI document lists page and pageSize and the server
// lets them through), and a handler that answers ParsePage's 400 for a bad
// page or pageSize and otherwise runs handler.
http::Route PagedRoute(std::string pattern, http::RouteOptions options,
                       PagedHandler handler);

// A query parameter's declaration; schema is its JSON Schema.
http::QueryParam QueryParameter(std::string name, std::string description,
                                const nlohmann::json& schema = {{"type",
                                                                 "string"}},
                                bool required = false);

// The JSON Schema of a month parameter (YYYY-MM).
nlohmann::json MonthSchema();

// {"items": [...the page...], "total": N, "page": p, "pageSize": s}.
http::Response Collection(const nlohmann::json& all_items, const Page& page);

http::Response Json(int status, const nlohmann::json& body);

// The body as a JSON object whose keys are all in allowed; otherwise a 400
// problem naming the first unknown key (fields a caller may not set are
// refused, not ignored).
std::variant<nlohmann::json, http::Response> ReadObject(
    const http::Request& request, std::initializer_list<const char*> allowed);

// body[key] as a string: nullopt when absent, a 400 when not a string.
std::variant<std::optional<std::string>, http::Response> OptionalString(
    const nlohmann::json& body, const char* key);

// The path parameter `name` as an id (a whole number from 1), or a 404 that
// says there is no `what` by that name ("there is no amendment 'x'; an id
// is a whole number").
std::variant<std::int64_t, http::Response> IdParam(const http::Request& request,
                                                   std::string_view name,
                                                   std::string_view what);

// The string fields `names` of a procedure step's JSON body, "" for each one
// absent (and for an empty body); a 400 for an unknown key or a value that
// is not a string. The domain says which of them a step needs.
std::variant<std::map<std::string, std::string>, http::Response> StringFields(
    const http::Request& request, std::initializer_list<const char*> names);

// Writes a security event (failed login, refused access, module switch) to
// the "security" log. Never pass a password or token.
void LogSecurityEvent(const std::string& message);

// The problem response for a failed Status (404 for NotFound, ...).
http::Response ProblemFor(const Status& status);

}  // namespace smartercities::api

#endif  // SMARTERCITIES_CORE_API_JSON_RESPONSE_H_
