// json_response.h — helpers the core's endpoints share: JSON responses,
// collection envelopes with paging, and problems for failed Status values.
// Stateless and thread-safe.
//
// One error style: a helper that reads a request returns Result<T> (or
// Status) whose code says what went wrong (kInvalidArgument for a bad
// parameter or body, kNotFound for a missing object, ...), and a handler
// answers a failure with ProblemFor(result.status()), the one place that
// turns a failed Status into an RFC 9457 problem.
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

#include "core/base/status.h"
#include "core/http/message.h"
#include "core/http/router.h"

namespace smartercities::api {

struct Page {
  std::size_t page = 1;  // 1-based
  std::size_t page_size = 100;
};

// Reads ?page= (1..1000000, default 1) and ?pageSize= (1..500, default
// default_page_size); a bad value is InvalidArgument naming the parameter
// and the range it must lie in.
Result<Page> ParsePage(const http::Request& request,
                       std::size_t default_page_size = 100);

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
// The same answer when the page's items were read alone: total counts all.
http::Response CollectionPage(nlohmann::json page_items, std::int64_t total,
                              const Page& page);

http::Response Json(int status, const nlohmann::json& body);

// The body as a JSON object whose keys are all in allowed; otherwise
// InvalidArgument naming the first unknown key (fields a caller may not set
// are refused, not ignored).
Result<nlohmann::json> ReadObject(const http::Request& request,
                                  std::initializer_list<const char*> allowed);

// body[key] as a string: nullopt when absent or null, InvalidArgument when
// not a string.
Result<std::optional<std::string>> OptionalString(const nlohmann::json& body,
                                                  const char* key);

// The path parameter `name` as an id (a whole number from 1), or NotFound
// saying there is no `what` by that name ("there is no amendment 'x'; an id
// is a whole number").
Result<std::int64_t> IdParam(const http::Request& request,
                             std::string_view name, std::string_view what);

// The string fields `names` of a procedure step's JSON body, "" for each one
// absent (and for an empty body); InvalidArgument for an unknown key or a
// value that is not a string. The domain says which of them a step needs.
Result<std::map<std::string, std::string>> StringFields(
    const http::Request& request, std::initializer_list<const char*> names);

// Writes a security event (failed login, refused access, module switch) to
// the "security" log. Never pass a password or token.
void LogSecurityEvent(const std::string& message);

// The problem response for a failed Status: application/problem+json with
// the status's message as detail and the HTTP status its code stands for
// (400 InvalidArgument, 401 Unauthenticated, 403 PermissionDenied, 404
// NotFound, 409 AlreadyExists and FailedPrecondition, 429
// ResourceExhausted, 503 Unavailable, 500 Internal). Headers a status needs
// beside the problem (WWW-Authenticate, Retry-After) are the caller's.
http::Response ProblemFor(const Status& status);

// The problem response for an HTTP status that no StatusCode stands for
// (406, 413, 415, 422), titled with the status's reason phrase. Anything a
// StatusCode expresses goes through ProblemFor(const Status&).
http::Response ProblemFor(int http_status, std::string_view detail);

}  // namespace smartercities::api

#endif  // SMARTERCITIES_CORE_API_JSON_RESPONSE_H_
