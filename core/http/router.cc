#include "core/http/router.h"

#include <algorithm>
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

// How well a pattern matches: for each segment, 1 for a literal, 0 for a
// parameter; compared lexicographically, so the first literal wins.
std::optional<std::vector<int>> Match(std::string_view pattern,
                                      std::string_view path, Pairs* params) {
  auto pattern_segments = Split(pattern);
  auto path_segments = Split(path);
  if (pattern_segments.size() != path_segments.size()) return std::nullopt;
  std::vector<int> score;
  Pairs bound;
  for (std::size_t i = 0; i < pattern_segments.size(); ++i) {
    std::string_view want = pattern_segments[i];
    std::string_view have = path_segments[i];
    if (IsParam(want)) {
      if (have.empty()) return std::nullopt;
      bound.emplace_back(std::string(want.substr(1, want.size() - 2)),
                         std::string(have));
      score.push_back(0);
    } else if (want == have) {
      score.push_back(1);
    } else {
      return std::nullopt;
    }
  }
  if (params != nullptr) *params = std::move(bound);
  return score;
}

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
  for (const auto& existing : routes_) {
    if (existing->method == route.method && Shape(existing->pattern) == shape) {
      return Status::AlreadyExists(route.method + " " + pattern +
                                   " is already served by '" + existing->owner +
                                   "' as " + existing->pattern);
    }
  }
  routes_.push_back(std::make_shared<const Route>(std::move(route)));
  return Status::Ok();
}

std::size_t Router::RemoveOwner(std::string_view owner) {
  std::unique_lock lock(mutex_);
  auto removed = std::erase_if(
      routes_, [&](const auto& route) { return route->owner == owner; });
  return removed;
}

RouteMatch Router::Find(std::string_view method, std::string_view path) const {
  RouteMatch result;
  std::vector<int> best_score;
  std::shared_lock lock(mutex_);
  for (const auto& route : routes_) {
    Pairs params;
    auto score = Match(route->pattern, path, &params);
    if (!score) continue;
    bool is_exact = route->method == method;
    bool is_head_of_get = method == "HEAD" && route->method == "GET";
    if (!is_exact && !is_head_of_get) {
      if (std::find(result.allowed_methods.begin(),
                    result.allowed_methods.end(),
                    route->method) == result.allowed_methods.end()) {
        result.allowed_methods.push_back(route->method);
      }
      continue;
    }
    // Between equally specific patterns, a HEAD route beats the GET one.
    score->push_back(is_exact ? 1 : 0);
    if (!result.route || *score > best_score) {
      result.route = route;
      result.path_params = std::move(params);
      best_score = std::move(*score);
    }
  }
  if (result.route) result.allowed_methods.clear();
  std::sort(result.allowed_methods.begin(), result.allowed_methods.end());
  return result;
}

std::vector<std::shared_ptr<const Route>> Router::Routes() const {
  std::vector<std::shared_ptr<const Route>> routes;
  {
    std::shared_lock lock(mutex_);
    routes = routes_;
  }
  std::sort(routes.begin(), routes.end(), [](const auto& a, const auto& b) {
    return a->pattern != b->pattern ? a->pattern < b->pattern
                                    : a->method < b->method;
  });
  return routes;
}

}  // namespace smartercities::http
