#include "core/api/request_body.h"

#include <vector>

#include "core/api/json_response.h"
#include "core/domain/json_schema.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

constexpr std::string_view kComponentPrefix = "#/components/schemas/";

const json* ResolveComponent(std::string_view ref) {
  if (!ref.starts_with(kComponentPrefix)) return nullptr;
  const json& schemas = ComponentSchemas();
  auto found = schemas.find(std::string(ref.substr(kComponentPrefix.size())));
  return found == schemas.end() ? nullptr : &*found;
}

}  // namespace

std::string ComponentSchemaRef(std::string_view name) {
  return json{{"$ref", std::string(kComponentPrefix) + std::string(name)}}
      .dump();
}

std::optional<http::Response> RequestBodyProblem(const http::Route& route,
                                                 const json& body) {
  if (!route.pattern.starts_with("/api/")) return std::nullopt;
  const std::string& body_type = route.options.body_type;
  if (!body_type.empty() && body_type != "application/json") {
    return std::nullopt;
  }
  const std::string& declared = route.options.doc.request_schema;
  if (declared.empty()) return std::nullopt;
  json schema = json::parse(declared, nullptr, false);
  if (!schema.is_object()) return std::nullopt;

  domain::SchemaCheckOptions options;
  options.resolver = &ResolveComponent;
  options.refuse_read_only = true;
  std::vector<domain::SchemaBreach> breaches =
      domain::FindSchemaBreaches(schema, body, options);
  if (breaches.empty()) return std::nullopt;

  json invalid = json::array();
  for (std::size_t i = 0; i < breaches.size() && i < kMaxInvalidParams; ++i) {
    invalid.push_back(
        {{"name", breaches[i].path.empty() ? "(body)" : breaches[i].path},
         {"reason", breaches[i].reason}});
  }
  // The detail names the breaches too, for a reader who sees only it.
  constexpr std::size_t kNamedInDetail = 10;
  std::string detail = "the body has " + std::to_string(breaches.size()) +
                       (breaches.size() == 1 ? " problem" : " problems") +
                       "; nothing was stored. ";
  for (std::size_t i = 0; i < breaches.size() && i < kNamedInDetail; ++i) {
    if (i > 0) detail += "; ";
    detail += invalid[i]["name"].get<std::string>() + ": " + breaches[i].reason;
  }
  if (breaches.size() > kNamedInDetail) {
    detail +=
        "; and " + std::to_string(breaches.size() - kNamedInDetail) + " more";
  }
  detail += breaches.size() > kMaxInvalidParams
                ? " (invalidParams lists the first " +
                      std::to_string(kMaxInvalidParams) + ")"
                : std::string(" (invalidParams lists each)");
  json problem = {{"type", "about:blank"},
                  {"title", "Bad Request"},
                  {"status", 400},
                  {"detail", detail},
                  {"invalidParams", invalid}};
  http::Response response = Json(400, problem);
  response.SetHeader("Content-Type", "application/problem+json");
  return response;
}

}  // namespace smartercities::api
