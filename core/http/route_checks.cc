#include "core/http/route_checks.h"

#include <algorithm>

#include "core/http/content_negotiation.h"

namespace smartercities::http {
namespace {

// A name from the request as it can be quoted in a detail: at most 40
// bytes, with control characters shown as '?'.
std::string Quotable(std::string_view name) {
  std::string out(name.substr(0, 40));
  for (char& c : out) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = '?';
  }
  if (name.size() > 40) out += "...";
  return out;
}

}  // namespace

std::vector<std::string> QueryNames(const RouteOptions& options) {
  std::vector<std::string> names;
  for (const QueryParam& param : options.query) names.push_back(param.name);
  if (options.paged) {
    names.emplace_back("page");
    names.emplace_back("pageSize");
  }
  return names;
}

std::vector<std::string> ResponseTypes(const RouteOptions& options) {
  if (options.response_types.empty()) return {kJsonType};
  return options.response_types;
}

std::optional<Response> RouteContractProblem(const Route& route,
                                             const Request& request) {
  if (!route.pattern.starts_with("/api/")) return std::nullopt;
  std::vector<std::string> names = QueryNames(route.options);
  for (const auto& [name, value] : request.query) {
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::string detail = "query parameter '";
    detail += Quotable(name);
    detail += "' is not one this endpoint takes; ";
    if (names.empty()) {
      detail += "it takes no query parameters";
    } else {
      detail += "it takes ";
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) detail += ", ";
        detail += names[i];
      }
    }
    return Response::Problem(400, "Bad Request", detail);
  }
  std::vector<std::string> types = ResponseTypes(route.options);
  if (!Negotiate(request.Header("accept").value_or(""), types)) {
    return NotAcceptable(types);
  }
  return std::nullopt;
}

}  // namespace smartercities::http
