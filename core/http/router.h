// router.h — maps a method and a path to a handler.
//
// Patterns are absolute paths whose segments are literal or {name} (one whole
// segment, bound as a path parameter). A literal segment wins over a
// parameter at the same position, so /themes/count and /themes/{theme} can
// coexist. Routes carry an owner ("core" or a plugin id) so that a module's
// routes can be removed together.
//
// Thread-safety: all methods may be called from any thread; Find may run
// concurrently with Add and RemoveOwner. A Route found stays valid (it is
// shared) even if it is removed meanwhile.
#ifndef SMARTERCITIES_CORE_HTTP_ROUTER_H_
#define SMARTERCITIES_CORE_HTTP_ROUTER_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/http/message.h"

namespace smartercities::http {

// Runs on a worker thread, never on an I/O thread. May block (database).
using Handler = std::function<Response(Request&)>;

struct RouteOptions {
  // Largest request body accepted; more gets 413 before the handler runs.
  std::size_t body_limit_bytes = 64 * 1024;
  // After this the client gets 504; the handler's late result is dropped.
  std::chrono::milliseconds deadline{10000};
  // What the route needs; checked by the platform's authorization point
  // before the handler runs: "public", "authenticated", "city-editor",
  // "theme-editor" or "admin". A route without one is refused to everyone.
  std::string permission;
  // The media type a request body must have ("application/json" or
  // "text/csv"); anything else gets 415.
  std::string body_type = "application/json";
  // For the OpenAPI document.
  std::string summary;
  std::string tag;
};

struct Route {
  std::string method;
  std::string pattern;
  std::string owner;
  Handler handler;
  RouteOptions options;
};

struct RouteMatch {
  std::shared_ptr<const Route> route;  // null when nothing matched
  Pairs path_params;
  // When the path matched but not the method: the methods that would
  // (for 405 and Allow). Empty when the path matched nothing.
  std::vector<std::string> allowed_methods;
};

class Router {
 public:
  // Adds a route. InvalidArgument for a pattern that is not absolute, has an
  // empty or malformed segment or a trailing slash; AlreadyExists when the
  // same method and an equivalent pattern (same literals, parameters in the
  // same places) is registered, naming the owner that has it.
  Status Add(Route route);

  // Removes every route of owner; returns how many were removed.
  std::size_t RemoveOwner(std::string_view owner);

  // Finds the route for method and path. HEAD matches a GET route.
  RouteMatch Find(std::string_view method, std::string_view path) const;

  // A snapshot of all routes, sorted by pattern then method.
  std::vector<std::shared_ptr<const Route>> Routes() const;

 private:
  mutable std::shared_mutex mutex_;
  std::vector<std::shared_ptr<const Route>> routes_;
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_ROUTER_H_
