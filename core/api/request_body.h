// request_body.h — the check of a JSON request body against its route's
// declared request schema (http::RouteDoc::request_schema), run for every
// /api/ route, a theme module's included, after the caller is known and the
// body parsed and before the handler runs. The OpenAPI document shows the
// same declaration, and a "$ref" in it resolves against the same component
// schemas the document lists, so the check and the document cannot drift.
// Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_API_REQUEST_BODY_H_
#define SMARTERCITIES_CORE_API_REQUEST_BODY_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/http/message.h"
#include "core/http/router.h"

namespace smartercities::api {

// Most breaches a 400 lists; the detail says when there were more.
inline constexpr std::size_t kMaxInvalidParams = 100;

// A request schema that is one of the document's component schemas, as a
// route declares it: {"$ref":"#/components/schemas/<name>"}, JSON text.
std::string ComponentSchemaRef(std::string_view name);

// The OpenAPI document's component schemas, by name (openapi_api.cc).
const nlohmann::json& ComponentSchemas();

// The 400 application/problem+json to send instead of running route's
// handler when body breaks the route's request schema: its invalidParams
// lists every breach (at most kMaxInvalidParams) as {"name": "<field
// path>", "reason": "..."}, and its detail says how many there were and
// that nothing was stored. nullopt when body conforms, the route declares
// no request schema, or it is outside /api/.
std::optional<http::Response> RequestBodyProblem(const http::Route& route,
                                                 const nlohmann::json& body);

}  // namespace smartercities::api

#endif  // SMARTERCITIES_CORE_API_REQUEST_BODY_H_
