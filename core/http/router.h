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
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/status.h"
#include "core/http/message.h"

namespace smartercities::http {

// A core handler whose HTML page carries a style element of its own (a
// document that must stand alone when saved, as the progress report) names
// the element's hash in this response header ("sha256-<base64>", several
// separated by spaces); the server adds them to the style-src of the
// Content-Security-Policy and sends the header no further. From a theme
// module's handler it is dropped.
inline constexpr const char* kStyleHashesHeader =
    "X-Smartercities-Style-Hashes";

// Runs where the route's lane says; may block (database) unless the lane is
// kInline.
using Handler = std::function<Response(Request&)>;

// Where a route's handler runs. Each lane has threads and a bound of its
// own, so that one kind of work never waits behind another, and a full lane
// answers 503 with Retry-After at once.
enum class Lane {
  // On the connection's I/O thread, with no thread hop: only for handlers
  // that never block and take microseconds (liveness).
  kInline,
  // The core's workers: database reads and writes.
  kCore,
  // The theme modules' workers, each module within its share (its gate).
  kModule,
  // Full-text searches: reads that only burn CPU, on as many threads as
  // there are cores, so that each runs to its end instead of sharing the
  // cores with many others, and a burst of them leaves the core's workers
  // free.
  kSearch,
  // Password hashing: logins and password changes, at a low CPU priority.
  kPasswords,
};

// Admission and accounting for a group of routes (one theme module's): asked
// before a handler is queued, told how it ended.
//
// Thread-safety: called from I/O and worker threads at once.
class RouteGate {
 public:
  virtual ~RouteGate() = default;
  // nullopt when the handler may run now; otherwise the answer to send
  // instead (503 with Retry-After). Each admitted request gets exactly one
  // Leave.
  virtual std::optional<Response> Enter() = 0;
  // The deadline passed before the handler returned (the client got 504).
  virtual void Expired() = 0;
  // The admitted handler returned with status; late when Expired was called
  // for it first.
  virtual void Leave(int status, bool late) = 0;
};

// What the OpenAPI document says of a route beyond its method, pattern,
// permission, summary and query parameters; empty members leave the
// document's defaults.
struct RouteDoc {
  int success_status = 0;       // 0: 200
  std::string request_schema;   // JSON Schema of the body, JSON text
  std::string response_schema;  // JSON Schema of the successful answer
  std::vector<std::pair<std::string, std::string>> responses;  // status, text
};

// A query parameter a route takes. The OpenAPI document lists it, and the
// server refuses (400) a request to an /api/ route that names a parameter
// its route does not declare, before the handler runs.
struct QueryParam {
  std::string name;  // lowerCamelCase
  std::string description;
  // Its JSON Schema, JSON text.
  std::string schema = R"({"type":"string"})";
  // Documented as required; the handler says what is missing.
  bool required = false;
};

// The media type an /api/ route answers in when it declares none.
inline constexpr const char* kJsonType = "application/json";

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
  // The query parameters the route takes besides paging (in the OpenAPI
  // document and checked before the handler runs).
  std::vector<QueryParam> query;
  // A collection route that pages with ?page= (from 1) and ?pageSize= (1 to
  // 500, default_page_size when absent); api::PagedRoute reads them.
  bool paged = false;
  std::size_t default_page_size = 100;
  // The media types the route answers in, the default first; empty means
  // kJsonType. A request to an /api/ route whose Accept header allows none
  // of them gets 406 before the handler runs.
  std::vector<std::string> response_types;
  // For the OpenAPI document.
  std::string summary;
  std::string tag;
  RouteDoc doc;
  Lane lane = Lane::kCore;
  // A public GET whose answer is the same for every caller and changes only
  // with the stored data: answered from the response cache (ETag, 304,
  // gzip) on the I/O thread until the data changes (response_cache.h).
  bool cacheable = false;
  // For a cacheable route that answers in more than one form (JSON or CSV,
  // chosen by the Accept header): the name of the form a request gets
  // ("json", "csv"), so that each form is kept apart in the cache. The
  // route's answers say "Vary: Accept". Null for a route with one form.
  std::function<std::string(const Request&)> cache_variant;
  // Shared by the routes of one module; null for the core's.
  std::shared_ptr<RouteGate> gate;
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
  // A route with its pattern split once, when it is added.
  struct Compiled {
    struct Segment {
      std::string text;
      bool is_param = false;
    };
    std::shared_ptr<const Route> route;
    std::vector<Segment> segments;
  };
  static Compiled Compile(std::shared_ptr<const Route> route);

  mutable std::shared_mutex mutex_;
  std::vector<Compiled> routes_;
};

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_ROUTER_H_
