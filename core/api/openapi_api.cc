// GET /api/v1/openapi.json — the OpenAPI 3.0 document of what this server
// serves right now, built from the router's routes, so plugin routes appear
// while their module is enabled and vanish when it is switched off.
#include <map>
#include <regex>
#include <set>

#include "core/api/api_context.h"
#include "core/api/json_response.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

constexpr std::string_view kBase = "/api/v1";

// Core collection routes take the paging parameters.
const std::set<std::string>& CollectionRoutes() {
  static const std::set<std::string> kRoutes = {
      "/api/v1/themes",
      "/api/v1/themes/{theme}/agreements",
      "/api/v1/themes/{theme}/indicators",
      "/api/v1/cities",
      "/api/v1/modules",
      "/api/v1/indicators/{indicator}/measurements"};
  return kRoutes;
}

// What the document says of each core operation. A plugin operation says
// what its manifest declaration and the plugin's description say
// (http::RouteDoc); without them, that it takes and answers a JSON object.
struct OperationDoc {
  OperationDoc(std::string response, std::string request = "", int status = 200)
      : response_schema(std::move(response)),
        request_schema(std::move(request)),
        success_status(status) {}
  std::string response_schema;
  std::string request_schema;
  int success_status;
};

const std::map<std::string, OperationDoc>& CoreOperations() {
  static const std::map<std::string, OperationDoc> kOperations = {
      {"GET /api/v1/themes", {"ThemeCollection"}},
      {"GET /api/v1/themes/{theme}", {"Theme"}},
      {"GET /api/v1/themes/{theme}/agreements", {"AgreementCollection"}},
      {"GET /api/v1/themes/{theme}/agreements/{letter}", {"Agreement"}},
      {"GET /api/v1/themes/{theme}/indicators", {"IndicatorCollection"}},
      {"GET /api/v1/indicators/{indicator}", {"Indicator"}},
      {"GET /api/v1/indicators/{indicator}/measurements",
       {"MeasurementCollection"}},
      {"POST /api/v1/indicators/{indicator}/measurements",
       {"Measurement", "MeasurementInput", 201}},
      {"GET /api/v1/cities", {"CityCollection"}},
      {"GET /api/v1/cities/{city}", {"City"}},
      {"GET /api/v1/modules", {"ModuleCollection"}},
      {"PATCH /api/v1/modules/{id}", {"Module", "ModulePatch"}},
      {"POST /api/v1/modules/rescan", {"ModuleCollection", "RescanRequest"}},
      {"GET /api/v1/openapi.json", {"OpenApiDocument"}}};
  return kOperations;
}

json ProblemResponse(const std::string& description) {
  return {{"description", description},
          {"content",
           {{"application/problem+json",
             {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

std::string OperationId(const std::string& method, const std::string& path) {
  std::string id;
  std::string lower = method;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  id = lower;
  bool upper_next = true;
  for (char c : path) {
    if (c == '/' || c == '-' || c == '.' || c == '{' || c == '}') {
      upper_next = true;
      continue;
    }
    id += upper_next ? static_cast<char>(std::toupper(c)) : c;
    upper_next = false;
  }
  return id;
}

json Schema(const std::string& type) { return {{"type", type}}; }

json Localized() {
  return {{"type", "object"},
          {"required", {"nl"}},
          {"properties", {{"nl", Schema("string")}, {"en", Schema("string")}}}};
}

json BeforeCovenant() {
  return {{"type", "boolean"},
          {"description",
           "Whether the month lies before March 2013: the covenant took effect "
           "on 7 March 2013, so a deadline so marked was due before it"}};
}

json NamedDate() {
  return {{"type", "object"},
          {"required", {"date", "kind", "beforeCovenant"}},
          {"properties",
           {{"date",
             {{"type", "string"},
              {"pattern", "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}}},
            {"text", Schema("string")},
            {"kind",
             {{"type", "string"},
              {"enum", {"deadline", "start", "context"}},
              {"description",
               "deadline: by when the promise is due; start: from when it "
               "holds; context: when something the text refers to "
               "happened"}}},
            {"beforeCovenant", BeforeCovenant()}}}};
}

json CollectionOf(const std::string& item) {
  return {{"type", "object"},
          {"required", {"items", "total"}},
          {"properties",
           {{"items",
             {{"type", "array"},
              {"items", {{"$ref", "#/components/schemas/" + item}}}}},
            {"total", Schema("integer")},
            {"page", Schema("integer")},
            {"pageSize", Schema("integer")}}}};
}

json Components(const std::string& session_cookie) {
  json schemas;
  schemas["Problem"] = {{"type", "object"},
                        {"required", {"status", "title"}},
                        {"properties",
                         {{"type", Schema("string")},
                          {"title", Schema("string")},
                          {"status", Schema("integer")},
                          {"detail", Schema("string")},
                          {"errorId", Schema("string")}}}};
  schemas["Theme"] = {
      {"type", "object"},
      {"required", {"id", "name", "leaders"}},
      {"properties",
       {{"id", Schema("string")},
        {"name", Localized()},
        {"introduction", Localized()},
        {"challenges", {{"type", "array"}, {"items", Localized()}}},
        {"leaders", {{"type", "array"}, {"items", Schema("object")}}},
        {"numAgreements", Schema("integer")},
        {"numIndicators", Schema("integer")},
        {"panels", {{"type", "array"}, {"items", Schema("object")}}}}}};
  schemas["Agreement"] = {
      {"type", "object"},
      {"required", {"id", "theme", "letter", "kind", "goal", "text"}},
      {"properties",
       {{"id", Schema("string")},
        {"theme", Schema("string")},
        {"letter", Schema("string")},
        {"kind", {{"type", "string"}, {"enum", {"result", "effort"}}}},
        {"goal", Schema("string")},
        {"topic", {{"type", "string"}, {"nullable", true}}},
        {"preamble",
         {{"type", "string"},
          {"nullable", true},
          {"description",
           "The paragraph between the sub-heading and the agreement that "
           "introduces it and the agreements after it"}}},
        {"text", Schema("string")},
        {"notes",
         {{"type", "array"},
          {"items", Schema("string")},
          {"description", "The footnotes the agreement refers to"}}},
        {"parties", {{"type", "array"}, {"items", Schema("string")}}},
        {"dates", {{"type", "array"}, {"items", NamedDate()}}},
        {"numbers", {{"type", "array"}, {"items", Schema("object")}}},
        {"indicators", {{"type", "array"}, {"items", Schema("string")}}},
        {"history", {{"type", "array"}, {"items", Schema("object")}}}}}};
  schemas["Indicator"] = {
      {"type", "object"},
      {"required", {"id", "theme", "name", "unit", "target", "deadline"}},
      {"properties",
       {{"id", Schema("string")},
        {"theme", Schema("string")},
        {"name", Localized()},
        {"unit", Schema("string")},
        {"kind", {{"type", "string"}, {"enum", {"quantity", "milestone"}}}},
        {"baseline", {{"type", "number"}, {"nullable", true}}},
        {"target", Schema("number")},
        {"deadline", {{"type", "string"}, {"pattern", "^[0-9]{4}-[0-9]{2}$"}}},
        {"beforeCovenant", BeforeCovenant()},
        {"direction", {{"type", "string"}, {"enum", {"increase", "decrease"}}}},
        {"scope", {{"type", "string"}, {"enum", {"city", "network"}}}},
        {"cities",
         {{"type", "array"},
          {"items", {{"type", "string"}, {"pattern", "^GM[0-9]{4}$"}}},
          {"description",
           "With scope city: the only cities measured; empty for every "
           "city"}}},
        {"agreements", {{"type", "array"}, {"items", Schema("string")}}}}}};
  schemas["City"] = {
      {"type", "object"},
      {"required", {"cbsCode", "name", "network"}},
      {"properties",
       {{"cbsCode", {{"type", "string"}, {"pattern", "^GM[0-9]{4}$"}}},
        {"name", Schema("string")},
        {"network", {{"type", "string"}, {"enum", {"G4", "G32"}}}},
        {"memberSince",
         {{"type", "string"}, {"format", "date"}, {"nullable", true}}}}}};
  schemas["Module"] = {
      {"type", "object"},
      {"required", {"id", "state", "enabled"}},
      {"properties",
       {{"id", Schema("string")},
        {"version", {{"type", "string"}, {"nullable", true}}},
        {"state", Schema("string")},
        {"enabled", Schema("boolean")},
        {"reason", {{"type", "string"}, {"nullable", true}}},
        {"routes", {{"type", "array"}, {"items", Schema("string")}}},
        {"running",
         {{"type", "integer"},
          {"description", "Requests of the module running or waiting now"}}},
        {"share",
         {{"type", "integer"},
          {"description",
           "How many may run or wait at once; more are answered 503"}}},
        {"breaker",
         {{"type", "object"},
          {"description",
           "The module's circuit breaker: open while it answers 503 for a "
           "module that keeps failing, half-open while it tries again"},
          {"required", {"state", "recentFailures", "timesOpened"}},
          {"properties",
           {{"state",
             {{"type", "string"}, {"enum", {"closed", "open", "half-open"}}}},
            {"recentFailures", Schema("integer")},
            {"timesOpened", Schema("integer")},
            {"openIntervalMs", Schema("integer")},
            {"reopensInMs", {{"type", "integer"}, {"nullable", true}}},
            {"lastFailure", {{"type", "string"}, {"nullable", true}}}}}}}}}};
  schemas["RescanRequest"] = {{"type", "object"},
                              {"description", "An empty object or no body"}};
  schemas["ModulePatch"] = {{"type", "object"},
                            {"required", {"enabled"}},
                            {"additionalProperties", false},
                            {"properties", {{"enabled", Schema("boolean")}}}};
  schemas["Measurement"] = {
      {"type", "object"},
      {"required", {"indicator", "period", "value"}},
      {"properties",
       {{"indicator", Schema("string")},
        {"city", {{"type", "string"}, {"nullable", true}}},
        {"period", {{"type", "string"}, {"pattern", "^[0-9]{4}-[0-9]{2}$"}}},
        {"value", Schema("number")},
        {"source", {{"type", "string"}, {"nullable", true}}},
        {"demo", Schema("boolean")}}}};
  schemas["MeasurementInput"] = {
      {"type", "object"},
      {"required", {"period", "value"}},
      {"additionalProperties", false},
      {"properties",
       {{"city", {{"type", "string"}, {"pattern", "^GM[0-9]{4}$"}}},
        {"period", {{"type", "string"}, {"pattern", "^[0-9]{4}-[0-9]{2}$"}}},
        {"value", Schema("number")},
        {"source", Schema("string")}}}};
  schemas["MeasurementCollection"] = CollectionOf("Measurement");
  schemas["ThemeCollection"] = CollectionOf("Theme");
  schemas["AgreementCollection"] = CollectionOf("Agreement");
  schemas["IndicatorCollection"] = CollectionOf("Indicator");
  schemas["CityCollection"] = CollectionOf("City");
  schemas["ModuleCollection"] = CollectionOf("Module");
  schemas["OpenApiDocument"] = Schema("object");
  schemas["PluginResponse"] = Schema("object");
  schemas["PluginRequest"] = Schema("object");
  return {{"schemas", schemas},
          {"headers",
           {{"API-Version",
             {{"description", "The API's full semantic version"},
              {"schema", {{"type", "string"}, {"example", kApiVersion}}}}}}},
          {"securitySchemes",
           {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}},
            {"sessionCookie",
             {{"type", "apiKey"},
              {"in", "cookie"},
              {"name", session_cookie},
              {"description",
               "The session of POST /api/v1/sessions; changes also need the "
               "X-CSRF-Token header and this site's Origin"}}}}}};
}

json Operation(const http::Route& route) {
  std::string relative = route.pattern.substr(kBase.size());
  json operation = {
      {"operationId", OperationId(route.method, relative)},
      {"summary", route.options.summary},
      {"tags", {route.options.tag.empty() ? "core" : route.options.tag}}};
  json parameters = json::array();
  static const std::regex kParam(R"(\{([A-Za-z][A-Za-z0-9]*)\})");
  for (std::sregex_iterator
           it(route.pattern.begin(), route.pattern.end(), kParam),
       end;
       it != end; ++it) {
    parameters.push_back({{"name", (*it)[1].str()},
                          {"in", "path"},
                          {"required", true},
                          {"schema", Schema("string")}});
  }
  bool is_collection = route.owner == "core" &&
                       CollectionRoutes().contains(route.pattern) &&
                       route.method == "GET";
  for (const auto& [name, description] : route.options.doc.query) {
    json parameter = {{"name", name},
                      {"in", "query"},
                      {"required", false},
                      {"schema", Schema("string")}};
    if (!description.empty()) parameter["description"] = description;
    parameters.push_back(std::move(parameter));
  }
  if (is_collection) {
    parameters.push_back(
        {{"name", "page"},
         {"in", "query"},
         {"required", false},
         {"schema", {{"type", "integer"}, {"minimum", 1}, {"default", 1}}}});
    parameters.push_back({{"name", "pageSize"},
                          {"in", "query"},
                          {"required", false},
                          {"schema",
                           {{"type", "integer"},
                            {"minimum", 1},
                            {"maximum", 500},
                            {"default", 100}}}});
  }
  bool has_body = route.method == "POST" || route.method == "PUT" ||
                  route.method == "PATCH";
  OperationDoc doc{"PluginResponse", "PluginRequest", 200};
  if (route.owner == "core") {
    auto it = CoreOperations().find(route.method + " " + route.pattern);
    if (it != CoreOperations().end()) doc = it->second;
  }
  const http::RouteDoc& described = route.options.doc;
  if (described.success_status != 0) {
    doc.success_status = described.success_status;
  }
  // A schema the route describes inline, or the named one.
  auto schema_of = [](const std::string& inline_schema,
                      const std::string& name) {
    json parsed = inline_schema.empty()
                      ? json()
                      : json::parse(inline_schema, nullptr, false);
    if (parsed.is_object()) return parsed;
    return json{{"$ref", "#/components/schemas/" + name}};
  };
  if (!parameters.empty()) operation["parameters"] = parameters;
  if (has_body) {
    std::string media_type = route.options.body_type.empty()
                                 ? std::string("application/json")
                                 : route.options.body_type;
    json body_schema =
        media_type == "application/json"
            ? schema_of(described.request_schema, doc.request_schema)
            : json{{"type", "string"}};
    operation["requestBody"] = {
        {"required", true},
        {"content", {{media_type, {{"schema", body_schema}}}}}};
  }
  json responses;
  json success = {
      {"description", doc.success_status == 201   ? "Created"
                      : doc.success_status == 204 ? "No Content"
                                                  : "OK"},
      {"headers",
       {{"API-Version", {{"$ref", "#/components/headers/API-Version"}}}}}};
  if (doc.success_status != 204) {
    success["content"] = {{"application/json",
                           {{"schema", schema_of(described.response_schema,
                                                 doc.response_schema)}}}};
  }
  responses[std::to_string(doc.success_status)] = success;
  if (!parameters.empty() || has_body) {
    responses["400"] =
        ProblemResponse("The request's parameters or body are invalid");
  }
  if (route.options.permission != "public") {
    responses["401"] =
        ProblemResponse("No valid bearer token or login session was sent");
    responses["403"] = ProblemResponse(
        "The caller's role or scope (" + route.options.permission +
        " is needed) does not allow this, or the CSRF token or Origin is "
        "missing or wrong");
    operation["security"] = json::array(
        {{{"bearerAuth", json::array()}}, {{"sessionCookie", json::array()}}});
  }
  if (route.pattern.find('{') != std::string::npos) {
    responses["404"] = ProblemResponse("No such object");
  }
  if (has_body) {
    responses["413"] =
        ProblemResponse("The body is larger than this endpoint accepts");
    responses["415"] = ProblemResponse("The body is not " +
                                       (route.options.body_type.empty()
                                            ? std::string("application/json")
                                            : route.options.body_type));
  }
  if (route.options.lane == http::Lane::kModule) {
    responses["503"] = ProblemResponse(
        "The theme module is busy (its share of the handler threads is "
        "full) or paused by its circuit breaker; try again after "
        "Retry-After");
    responses["504"] =
        ProblemResponse("The theme module did not answer within its deadline");
  }
  for (const auto& [status, description] : described.responses) {
    responses[status] = status < "400" ? json{{"description", description}}
                                       : ProblemResponse(description);
  }
  responses["500"] = ProblemResponse("The server failed; quote the errorId");
  operation["responses"] = responses;
  return operation;
}

}  // namespace

Status RegisterOpenApiRoute(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.permission = "public";
  options.cacheable = true;
  options.tag = "meta";
  options.body_limit_bytes = 0;
  options.summary = "This OpenAPI document";
  return context.router->Add(
      {"GET", "/api/v1/openapi.json", "core",
       [ctx](http::Request&) {
         json paths = json::object();
         for (const auto& route : ctx->router->Routes()) {
           if (route->pattern.rfind(kBase, 0) != 0) continue;
           std::string relative = route->pattern.substr(kBase.size());
           std::string method = route->method;
           for (char& c : method) c = static_cast<char>(std::tolower(c));
           paths[relative][method] = Operation(*route);
         }
         json document = {
             {"openapi", "3.0.3"},
             {"info",
              {{"title", "Smarter Cities platform API"},
               {"description",
                "The Digitale Steden Agenda of the Convenant Smarter Cities "
                "(2013): themes, agreements, indicators and the theme "
                "modules' own endpoints."},
               {"version", kApiVersion},
               {"contact",
                {{"name", "Smarter Cities platform"},
                 {"email", "platform@stedenlink.nl"},
                 {"url", "https://www.stedenlink.nl"}}}}},
             {"servers", {{{"url", "/api/v1"}}}},
             {"paths", paths},
             {"components", Components(ctx->session_cookie)}};
         return Json(200, document);
       },
       options});
}

Status RegisterCoreRoutes(ApiContext& context) {
  for (auto add :
       {&RegisterHealthRoutes, &RegisterThemeRoutes, &RegisterCityRoutes,
        &RegisterModuleRoutes, &RegisterMeasurementRoutes,
        &RegisterSessionRoutes, &RegisterUserRoutes, &RegisterTokenRoutes,
        &RegisterAuditRoutes, &RegisterOpenApiRoute}) {
    Status status = add(context);
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace smartercities::api
