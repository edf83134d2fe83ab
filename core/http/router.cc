#include "core/http/router.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace smartercities::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// The segments of a path in a fixed array, without allocating; false when
// there are more than fit (no route has that many).
constexpr std::size_t kMaxSegments = 32;
struct PathSegments {
  std::array<std::string_view, kMaxSegments> items;
  std::size_t size = 0;
};
bool SplitInto(std::string_view path, PathSegments& out) {
  out.size = 0;
  std::size_t start = 1;
  while (start <= path.size()) {
    if (out.size == kMaxSegments) return false;
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.items[out.size++] = path.substr(start, end - start);
    start = end + 1;
  }
  return true;
}

}  // namespace

Router::Compiled Router::Compile(std::shared_ptr<const Route> route) {
  Compiled compiled;
  for (std::string_view segment : Split(route->pattern)) {
    compiled.segments.push_back({std::string(segment), IsParam(segment)});
  }
  compiled.route = std::move(route);
  return compiled;
}

namespace {

std::string Shape(std::string_view pattern) {
  std::string shape;
  for (std::string_view segment : Split(pattern)) {
    shape += '/';
    shape += IsParam(segment) ? std::string_view("{}") : segment;
  }
  return shape;
}

}  // namespace

Status Router::Add(Route route) {
  static const std::regex kMethod("[A-Z]+");
  static const std::regex kSegment(
      R"([A-Za-z0-9._~!$&'()*+,;=:@-]+|\{[A-Za-z][A-Za-z0-9_]*\})");
  const std::string& pattern = route.pattern;
  if (!std::regex_match(route.method, kMethod)) {
    return Status::InvalidArgument("route '" + pattern + "' has method '" +
                                   route.method +
                                   "'; use an upper-case method such as GET");
  }
  if (pattern.empty() || pattern.front() != '/') {
    return Status::InvalidArgument("route '" + pattern +
                                   "' must start with '/'");
  }
  if (pattern.size() > 1 && pattern.back() == '/') {
    return Status::InvalidArgument("route '" + pattern +
                                   "' must not end with '/'");
  }
  if (Split(pattern).size() > kMaxSegments) {
    return Status::InvalidArgument("route '" + pattern + "' has more than " +
                                   std::to_string(kMaxSegments) + " segments");
  }
  if (pattern != "/") {
    std::vector<std::string_view> names;
    for (std::string_view segment : Split(pattern)) {
      std::string text(segment);
      if (!std::regex_match(text, kSegment)) {
        return Status::InvalidArgument(
            "route '" + pattern + "' has a malformed segment '" + text +
            "'; a segment is a literal or a whole {name}");
      }
      if (!IsParam(segment)) continue;
      if (std::find(names.begin(), names.end(), segment) != names.end()) {
        return Status::InvalidArgument(
            "route '" + pattern + "' uses the parameter " + text + " twice");
      }
      names.push_back(segment);
    }
  }
  if (!route.handler) {
    return Status::InvalidArgument("route '" + pattern + "' has no handler");
  }
  std::unique_lock lock(mutex_);
  std::string shape = Shape(pattern);
  for (const auto& compiled : routes_) {
    const Route& existing = *compiled.route;
    if (existing.method == route.method && Shape(existing.pattern) == shape) {
      return Status::AlreadyExists(route.method + " " + pattern +
                                   " is already served by '" + existing.owner +
                                   "' as " + existing.pattern);
    }
  }
  routes_.push_back(Compile(std::make_shared<const Route>(std::move(route))));
  return Status::Ok();
}

std::size_t Router::RemoveOwner(std::string_view owner) {
  std::unique_lock lock(mutex_);
  auto removed = std::erase_if(routes_, [&](const Compiled& compiled) {
    return compiled.route->owner == owner;
  });
  return removed;
}

RouteMatch Router::Find(std::string_view method, std::string_view path) const {
  RouteMatch result;
  PathSegments have;
  if (!SplitInto(path, have)) return result;
  // How well a pattern matches: a bit per segment, set for a literal, the
  // first segment highest, so that the first literal wins. Only the
  // patterns that match best take part: /modules/rescan is its own
  // resource even where /modules/{id} would match the path too, so a
  // method that rescan lacks is 405 with rescan's methods, not a call of
  // {id}.
  std::vector<std::pair<std::uint64_t, const Compiled*>> matching;
  std::uint64_t top = 0;
  std::shared_lock lock(mutex_);
  for (const Compiled& compiled : routes_) {
    if (compiled.segments.size() != have.size) continue;
    std::uint64_t score = 0;
    bool matches = true;
    for (std::size_t i = 0; i < have.size && matches; ++i) {
      const Compiled::Segment& want = compiled.segments[i];
      score <<= 1;
      if (want.is_param) {
        matches = !have.items[i].empty();
      } else if (want.text == have.items[i]) {
        score |= 1;
      } else {
        matches = false;
      }
    }
    if (!matches) continue;
    matching.emplace_back(score, &compiled);
    top = std::max(top, score);
  }
  // Among those, the route of the method; a HEAD request is answered by a
  // GET route when there is no HEAD route.
  const Compiled* best = nullptr;
  for (const auto& [score, compiled] : matching) {
    if (score != top) continue;
    const Route& route = *compiled->route;
    if (route.method == method) {
      best = compiled;
    } else if (method == "HEAD" && route.method == "GET") {
      if (best == nullptr) best = compiled;
    } else if (std::find(result.allowed_methods.begin(),
                         result.allowed_methods.end(),
                         route.method) == result.allowed_methods.end()) {
      result.allowed_methods.push_back(route.method);
    }
  }
  if (best != nullptr) {
    result.route = best->route;
    for (std::size_t i = 0; i < have.size; ++i) {
      const Compiled::Segment& want = best->segments[i];
      if (!want.is_param) continue;
      result.path_params.emplace_back(want.text.substr(1, want.text.size() - 2),
                                      std::string(have.items[i]));
    }
    result.allowed_methods.clear();
  }
  // A GET route answers HEAD too, so Allow names it.
  auto& allowed = result.allowed_methods;
  if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end() &&
      std::find(allowed.begin(), allowed.end(), "HEAD") == allowed.end()) {
    allowed.push_back("HEAD");
  }
  std::sort(allowed.begin(), allowed.end());
  return result;
}

std::vector<std::shared_ptr<const Route>> Router::Routes() const {
  std::vector<std::shared_ptr<const Route>> routes;
  {
    std::shared_lock lock(mutex_);
    for (const Compiled& compiled : routes_) routes.push_back(compiled.route);
  }
  std::sort(routes.begin(), routes.end(), [](const auto& a, const auto& b) {
    return a->pattern != b->pattern ? a->pattern < b->pattern
                                    : a->method < b->method;
  });
  return routes;
}

}  // namespace smartercities::http
