// route_checks.h — what the server checks of a request against its route's
// declaration (router.h) before the handler runs, for every /api/ route, a
// theme module's included: the query parameters the route takes and the
// media types it answers in. Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_HTTP_ROUTE_CHECKS_H_
#define SMARTERCITIES_CORE_HTTP_ROUTE_CHECKS_H_

#include <optional>
#include <string>
#include <vector>

#include "core/http/message.h"
#include "core/http/router.h"

namespace smartercities::http {

// The names of the query parameters options declares, paging's included,
// in the order declared.
std::vector<std::string> QueryNames(const RouteOptions& options);

// The media types the route answers in, the default first.
std::vector<std::string> ResponseTypes(const RouteOptions& options);

// The answer to send instead of running route's handler: 400 for a query
// parameter the route does not declare (naming it and those it takes), 406
// for an Accept header that allows none of the route's media types (naming
// them). nullopt when the request may go on, and always for a route outside
// /api/ (the web site's pages).
std::optional<Response> RouteContractProblem(const Route& route,
                                             const Request& request);

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_ROUTE_CHECKS_H_
