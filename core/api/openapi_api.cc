// GET /api/v1/openapi.json — the OpenAPI 3.0 document of what this server
// serves right now, built from the router's routes, so plugin routes appear
// while their module is enabled and vanish when it is switched off.
#include <map>
#include <regex>
#include <set>
#include <vector>

#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/api/request_body.h"
#include "core/http/route_checks.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

constexpr std::string_view kBase = "/api/v1";

// What the document says of each core operation's answers. Its request
// body is what the route declares (http::RouteDoc::request_schema, which the
// server checks bodies against); a plugin operation says what its manifest
// declaration and the plugin's description say; without them, that it takes
// and answers a JSON object.
struct OperationDoc {
  OperationDoc(std::string response, int status = 200)
      : response_schema(std::move(response)), success_status(status) {}
  std::string response_schema;
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
       {"Measurement", 201}},
      {"POST /api/v1/indicators/{indicator}/measurements/import",
       {"ImportReport"}},
      {"GET /api/v1/cities/{city}/measurements", {"MeasurementCollection"}},
      {"POST /api/v1/cities/{city}/measurements/import", {"ImportReport"}},
      {"GET /api/v1/measurements", {"MeasurementCollection"}},
      {"POST /api/v1/measurements", {"ImportReport"}},
      {"POST /api/v1/measurements/import", {"ImportReport"}},
      {"GET /api/v1/measurements/corrections", {"CorrectionCollection"}},
      {"GET /api/v1/indicators/{indicator}/progress", {"IndicatorProgress"}},
      {"GET /api/v1/indicators/{indicator}/comparison", {"Comparison"}},
      {"GET /api/v1/themes/{theme}/progress", {"ThemeProgress"}},
      {"GET /api/v1/cities/{city}/progress", {"CityProgress"}},
      {"GET /api/v1/reports", {"ReportPeriodCollection"}},
      {"GET /api/v1/reports/{period}", {"ProgressReport"}},
      {"GET /api/v1/cities", {"CityCollection"}},
      {"GET /api/v1/cities/{city}", {"City"}},
      {"GET /api/v1/modules", {"ModuleCollection"}},
      {"PATCH /api/v1/modules/{id}", {"Module"}},
      {"POST /api/v1/modules/rescan", {"ModuleCollection"}},
      {"GET /api/v1/openapi.json", {"OpenApiDocument"}},
      {"GET /api/v1/parties", {"PartyCollection"}},
      {"GET /api/v1/themes/{theme}/participants", {"ParticipantCollection"}},
      {"GET /api/v1/themes/{theme}/join-requests", {"JoinRequestCollection"}},
      {"POST /api/v1/themes/{theme}/join-requests", {"JoinRequest", 201}},
      {"GET /api/v1/themes/{theme}/join-requests/{requestId}", {"JoinRequest"}},
      {"POST /api/v1/themes/{theme}/join-requests/{requestId}/consultation",
       {"JoinRequest"}},
      {"POST /api/v1/themes/{theme}/join-requests/{requestId}/responses",
       {"JoinRequest", 201}},
      {"POST /api/v1/themes/{theme}/join-requests/{requestId}/decision",
       {"JoinRequest"}},
      {"GET /api/v1/publications", {"PublicationCollection"}},
      {"GET /api/v1/amendments", {"AmendmentCollection"}},
      {"POST /api/v1/amendments", {"Amendment", 201}},
      {"GET /api/v1/amendments/{amendmentId}", {"Amendment"}},
      {"POST /api/v1/amendments/{amendmentId}/responses", {"Amendment", 201}},
      {"POST /api/v1/amendments/{amendmentId}/consent", {"Amendment"}},
      {"POST /api/v1/amendments/{amendmentId}/report", {"Amendment"}},
      {"POST /api/v1/amendments/{amendmentId}/effect", {"Amendment"}},
      {"POST /api/v1/amendments/{amendmentId}/withdrawal", {"Amendment"}},
      {"GET /api/v1/themes/{theme}/agreements/{letter}/versions",
       {"AgreementVersions"}},
      {"GET /api/v1/users", {"UserCollection"}},
      {"POST /api/v1/users", {"UserCreated", 201}},
      {"GET /api/v1/users/{userId}", {"User"}},
      {"PATCH /api/v1/users/{userId}", {"User"}},
      {"POST /api/v1/users/{userId}/password-reset",
       {"GeneratedPassword", 201}},
      {"GET /api/v1/tokens", {"TokenCollection"}},
      {"POST /api/v1/tokens", {"TokenCreated", 201}},
      {"DELETE /api/v1/tokens/{tokenId}", {"", 204}},
      {"POST /api/v1/sessions", {"Session", 201}},
      {"DELETE /api/v1/sessions/current", {"", 204}},
      {"GET /api/v1/me", {"Me"}},
      {"PUT /api/v1/me/password", {"", 204}},
      {"GET /api/v1/audit-events", {"AuditEventCollection"}},
      {"GET /api/v1/audit-events/verification", {"AuditVerification"}},
      {"GET /api/v1/documents/{documentId}/file", {""}},
      {"GET /api/v1/exports", {"ExportCollection"}},
      // The JSON form is a dataset's items or a CSV file's CSVW metadata.
      {"GET /api/v1/exports/{file}", {"ExportFile"}},
      {"GET /api/v1/catalog.jsonld", {""}},
      {"GET /api/v1/catalog.ttl", {""}},
      // Atom only: no JSON form.
      {"GET /api/v1/publications.atom", {""}}};
  return kOperations;
}

// A JSON document of a W3C vocabulary: CSVW metadata or a JSON-LD
// DCAT-AP catalogue; its members are the vocabulary's.
json LinkedDataSchema(const std::string& type) {
  bool csvw = type == "application/csvm+json";
  json out = {{"type", "object"}, {"additionalProperties", true}};
  out["required"] = csvw ? json::array({"@context", "url", "tableSchema"})
                         : json::array({"@context", "@type"});
  out["description"] = csvw ? "W3C CSVW metadata of a CSV file"
                            : "A DCAT-AP catalogue as JSON-LD";
  return out;
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

json Leader() {
  return {{"type", "object"},
          {"required", {"name", "cbsCode"}},
          {"properties",
           {{"name", Schema("string")},
            {"cbsCode",
             {{"type", "string"},
              {"nullable", true},
              {"description",
               "The leading city's CBS code; null for a "
               "party that is not a city"}}}}}};
}

json Panel() {
  return {{"type", "object"},
          {"required", {"id", "title", "endpoint", "view"}},
          {"properties",
           {{"id", Schema("string")},
            {"title", Localized()},
            {"endpoint",
             {{"type", "string"},
              {"description", "The theme module's route that feeds it"}}},
            {"view", Schema("string")}}}};
}

json AgreementNumber() {
  return {
      {"type", "object"},
      {"required", {"value", "unit", "text"}},
      {"properties",
       {{"value", Schema("number")},
        {"unit", Schema("string")},
        {"text",
         {{"type", "string"},
          {"description", "The number as the agreement's text says it"}}}}}};
}

json AgreementVersion() {
  return {{"type", "object"},
          {"required", {"version", "text", "source", "recordedAt"}},
          {"properties",
           {{"version", {{"type", "integer"}, {"minimum", 1}}},
            {"text", Schema("string")},
            {"source",
             {{"type", "string"},
              {"description",
               "Where the text came from: the manifest or an amendment"}}},
            {"recordedAt", {{"type", "string"}, {"format", "date-time"}}}}}};
}

// A link to another resource of this API, relative to the server.
json Url() {
  return {{"type", "string"},
          {"pattern", "^/api/v1/"},
          {"description", "The resource's address in this API"}};
}

json NullableString() { return {{"type", "string"}, {"nullable", true}}; }

json DateTime(bool nullable = false) {
  json out = {{"type", "string"}, {"format", "date-time"}};
  if (nullable) out["nullable"] = true;
  return out;
}

json Role() {
  return {{"type", "string"},
          {"enum", {"admin", "theme-editor", "city-editor"}}};
}

json LoginNotice() {
  return {{"type", "object"},
          {"description",
           "Failed logins to the account since its last login, shown to its "
           "owner once"},
          {"required", {"failedLogins", "message"}},
          {"properties",
           {{"failedLogins", Schema("integer")},
            {"firstFailedAt", DateTime(true)},
            {"lastFailedAt", DateTime(true)},
            {"lastFailedFrom", Schema("string")},
            {"blockedAt", DateTime(true)},
            {"refusedWhileBlocked", Schema("integer")},
            {"message", Schema("string")}}}};
}

// The account and token schemas: what account_json.h writes.
void AddAccountSchemas(json& schemas) {
  json user = {{"type", "object"},
               {"required",
                {"id", "username", "displayName", "role", "scope", "disabled",
                 "createdAt"}},
               {"properties",
                {{"id", Schema("integer")},
                 {"username", Schema("string")},
                 {"displayName", Schema("string")},
                 {"role", Role()},
                 {"scope",
                  {{"type", "string"},
                   {"nullable", true},
                   {"description",
                    "The theme (theme-editor) or city (city-editor) the "
                    "account may change; null for an administrator"}}},
                 {"disabled", Schema("boolean")},
                 {"createdAt", DateTime()},
                 {"passwordChangedAt", DateTime(true)}}}};
  schemas["User"] = user;
  schemas["UserCollection"] = CollectionOf("User");
  schemas["UserInput"] = {
      {"type", "object"},
      {"required", {"username", "role"}},
      {"additionalProperties", false},
      {"properties",
       {{"username", Schema("string")},
        {"displayName", Schema("string")},
        {"role", Role()},
        {"scope", Schema("string")},
        {"password",
         {{"type", "string"},
          {"description", "Left out: one is generated and answered once"}}}}}};
  schemas["UserCreated"] = {
      {"type", "object"},
      {"required", {"user"}},
      {"properties",
       {{"user", {{"$ref", "#/components/schemas/User"}}},
        {"password",
         {{"type", "string"},
          {"description",
           "The generated password, only when none was given; "
           "shown this once"}}}}}};
  schemas["UserPatch"] = {{"type", "object"},
                          {"additionalProperties", false},
                          {"properties",
                           {{"displayName", Schema("string")},
                            {"role", Role()},
                            {"scope", Schema("string")},
                            {"disabled", Schema("boolean")}}}};
  schemas["EmptyInput"] = {{"type", "object"},
                           {"additionalProperties", false},
                           {"description", "An empty object or no body"}};
  schemas["GeneratedPassword"] = {
      {"type", "object"},
      {"required", {"password"}},
      {"properties",
       {{"password",
         {{"type", "string"}, {"description", "Shown this once"}}}}}};
  json token = {
      {"type", "object"},
      {"required",
       {"id", "name", "role", "scope", "createdAt", "createdBy", "revokedAt"}},
      {"properties",
       {{"id", Schema("integer")},
        {"name", Schema("string")},
        {"role", Role()},
        {"scope", NullableString()},
        {"createdAt", DateTime()},
        {"createdBy", Schema("string")},
        {"revokedAt", DateTime(true)}}}};
  schemas["Token"] = token;
  schemas["TokenCollection"] = CollectionOf("Token");
  json created = token;
  created["required"].push_back("token");
  created["properties"]["token"] = {
      {"type", "string"},
      {"description", "The bearer token itself, shown this once"}};
  schemas["TokenCreated"] = created;
  schemas["TokenInput"] = {{"type", "object"},
                           {"required", {"name", "role"}},
                           {"additionalProperties", false},
                           {"properties",
                            {{"name", Schema("string")},
                             {"role", Role()},
                             {"scope", Schema("string")}}}};
  schemas["SessionInput"] = {
      {"type", "object"},
      {"required", {"username", "password"}},
      {"additionalProperties", false},
      {"properties",
       {{"username", Schema("string")}, {"password", Schema("string")}}}};
  schemas["Session"] = {
      {"type", "object"},
      {"required", {"user", "csrfToken", "expiresAt", "idleTimeoutSeconds"}},
      {"properties",
       {{"user", {{"$ref", "#/components/schemas/User"}}},
        {"csrfToken",
         {{"type", "string"},
          {"description",
           "Send it as X-CSRF-Token with every change in this session"}}},
        {"expiresAt", DateTime()},
        {"idleTimeoutSeconds", Schema("integer")},
        {"loginNotice", LoginNotice()}}}};
  schemas["Me"] = {{"type", "object"},
                   {"required", {"name", "role", "scope", "session"}},
                   {"properties",
                    {{"name",
                      {{"type", "string"},
                       {"description",
                        "The account's or token's name as the audit trail "
                        "shows it"}}},
                     {"role", Role()},
                     {"scope", NullableString()},
                     {"session",
                      {{"type", "boolean"},
                       {"description",
                        "Whether the caller uses a login session (not a "
                        "token); then user and csrfToken are given"}}},
                     {"user", {{"$ref", "#/components/schemas/User"}}},
                     {"csrfToken", Schema("string")},
                     {"loginNotice", LoginNotice()}}}};
  schemas["PasswordChange"] = {
      {"type", "object"},
      {"required", {"currentPassword", "newPassword"}},
      {"additionalProperties", false},
      {"properties",
       {{"currentPassword", Schema("string")},
        {"newPassword", Schema("string")},
        {"endOtherSessions", {{"type", "boolean"}, {"default", true}}}}}};
  json row = {{"type", "object"},
              {"nullable", true},
              {"additionalProperties", true},
              {"description",
               "The row's columns as stored (secrets redacted); null for "
               "an insert (oldValue) or a delete (newValue)"}};
  schemas["AuditEvent"] = {
      {"type", "object"},
      {"required",
       {"seq", "at", "actor", "role", "action", "object", "oldValue",
        "newValue", "requestId", "hash"}},
      {"properties",
       {{"seq", Schema("integer")},
        {"at", DateTime()},
        {"actor", Schema("string")},
        {"role", Schema("string")},
        {"action", Schema("string")},
        {"object", Schema("string")},
        {"oldValue", row},
        {"newValue", row},
        {"requestId", Schema("string")},
        {"hash",
         {{"type", "string"},
          {"description", "SHA-256 over the row and the previous hash"}}}}}};
  schemas["AuditEventCollection"] = CollectionOf("AuditEvent");
  schemas["AuditVerification"] = {
      {"type", "object"},
      {"required", {"rows", "intact", "brokenAt", "problem"}},
      {"properties",
       {{"rows", Schema("integer")},
        {"intact", Schema("boolean")},
        {"brokenAt",
         {{"type", "integer"},
          {"nullable", true},
          {"description", "The seq of the first row that breaks the chain"}}},
        {"problem", NullableString()}}}};
}

json Components(const std::string& session_cookie) {
  json schemas;
  schemas["Problem"] = {
      {"type", "object"},
      {"required", {"status", "title", "detail"}},
      {"properties",
       {{"type", Schema("string")},
        {"title", Schema("string")},
        {"status", Schema("integer")},
        {"detail", Schema("string")},
        {"errorId", Schema("string")},
        {"invalidParams",
         {{"type", "array"},
          {"description",
           "Every problem of a request body that breaks the "
           "operation's request schema (name: the field's path, "
           "as partners.cities[1]), or of a bulk write or an "
           "import: its line and column (a CSV file) or item "
           "and field (a list), what the field held and why it "
           "was refused"},
          {"items",
           {{"type", "object"},
            {"required", {"name", "reason"}},
            {"properties",
             {{"name", Schema("string")},
              {"reason", Schema("string")},
              {"line", Schema("integer")},
              {"column", {{"type", "string"}, {"nullable", true}}},
              {"columnNumber", {{"type", "integer"}, {"nullable", true}}},
              {"item", Schema("integer")},
              {"field", {{"type", "string"}, {"nullable", true}}},
              {"value", Schema("string")}}}}}}},
        {"numProblems", Schema("integer")},
        {"rows",
         {{"type", "integer"},
          {"description", "A refused import: the rows it read"}}},
        {"dryRun",
         {{"type", "boolean"},
          {"description", "A refused import: whether it was a dry run"}}}}}};
  schemas["Theme"] = {
      {"type", "object"},
      {"required", {"id", "name", "leaders"}},
      {"properties",
       {{"id", Schema("string")},
        {"name", Localized()},
        {"introduction", Localized()},
        {"challenges", {{"type", "array"}, {"items", Localized()}}},
        {"leaders", {{"type", "array"}, {"items", Leader()}}},
        {"version",
         {{"type", "string"},
          {"description", "The theme module's version (semver)"}}},
        {"url", Url()},
        {"agreementsUrl", Url()},
        {"indicatorsUrl", Url()},
        {"numResultAgreements", Schema("integer")},
        {"numEffortAgreements", Schema("integer")},
        {"numAgreements", Schema("integer")},
        {"numIndicators", Schema("integer")},
        {"panels", {{"type", "array"}, {"items", Panel()}}}}}};
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
        {"numbers", {{"type", "array"}, {"items", AgreementNumber()}}},
        {"indicators", {{"type", "array"}, {"items", Schema("string")}}},
        {"url", Url()},
        {"history",
         {{"type", "array"},
          {"items", AgreementVersion()},
          {"description", "In GET of one agreement only: its versions"}}}}}};
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
        {"agreements", {{"type", "array"}, {"items", Schema("string")}}},
        {"description",
         {{"type", "object"},
          {"nullable", true},
          {"required", {"nl"}},
          {"properties",
           {{"nl", Schema("string")}, {"en", Schema("string")}}}}},
        {"url", Url()}}}};
  schemas["City"] = {
      {"type", "object"},
      {"required", {"cbsCode", "name", "network"}},
      {"properties",
       {{"cbsCode", {{"type", "string"}, {"pattern", "^GM[0-9]{4}$"}}},
        {"name", Schema("string")},
        {"network", {{"type", "string"}, {"enum", {"G4", "G32"}}}},
        {"memberSince",
         {{"type", "string"}, {"format", "date"}, {"nullable", true}}},
        {"url", Url()},
        {"themes",
         {{"type", "array"},
          {"description",
           "In GET /cities/{city} only: the themes the city leads or is "
           "involved in, each since a date"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"theme", Schema("string")},
              {"role", {{"type", "string"}, {"enum", {"leading", "involved"}}}},
              {"since", {{"type", "string"}, {"format", "date"}}},
              {"source", Schema("string")},
              {"url", Schema("string")}}}}}}}}}};
  schemas["Module"] = {
      {"type", "object"},
      {"required", {"id", "state", "enabled"}},
      {"properties",
       {{"id", Schema("string")},
        {"version", {{"type", "string"}, {"nullable", true}}},
        {"name", {{"type", "string"}, {"nullable", true}}},
        {"file",
         {{"type", "string"}, {"description", "The plugin file's name"}}},
        {"abi",
         {{"type", "string"},
          {"nullable", true},
          {"description", "The plugin boundary's version the plugin speaks"}}},
        {"failure",
         {{"type", "string"},
          {"nullable", true},
          {"description",
           "Why it failed to load, for programs (file, marker, abi, "
           "manifest, init, ...); null when it did not"}}},
        {"url", Url()},
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
                              {"additionalProperties", false},
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
        {"recordedAt", {{"type", "string"}, {"format", "date-time"}}},
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
  schemas["FiguresCsv"] = {
      {"type", "string"},
      {"description",
       "CSV (RFC 4180, UTF-8) with a header naming the columns indicator, "
       "city, period, value and source in any order (indicator may be left "
       "out on an indicator's import, city on a city's); fields separated by "
       "commas or semicolons; a value may have a decimal comma"}};
  schemas["ImportReport"] = {
      {"type", "object"},
      {"required",
       {"stored", "dryRun", "rows", "inserted", "corrected", "unchanged"}},
      {"properties",
       {{"stored", Schema("boolean")},
        {"dryRun", Schema("boolean")},
        {"rows", Schema("integer")},
        {"inserted",
         {{"type", "integer"}, {"description", "Figures that were new"}}},
        {"corrected",
         {{"type", "integer"},
          {"description",
           "Figures that replaced another value or source (kept as a "
           "correction)"}}},
        {"unchanged",
         {{"type", "integer"},
          {"description", "Figures equal to the stored ones"}}},
        {"importId", {{"type", "integer"}, {"nullable", true}}},
        {"delimiter", {{"type", "string"}, {"enum", {",", ";"}}}},
        {"decimalCommas",
         {{"type", "integer"},
          {"description", "Values written with a decimal comma"}}},
        {"firstDecimalCommaLine", {{"type", "integer"}, {"nullable", true}}},
        {"fileHash",
         {{"type", "string"},
          {"description",
           "BLAKE2b-256 of the file, as b2sum -l 256 prints"}}}}}};
  schemas["MeasurementBulkInput"] = {
      {"type", "object"},
      {"required", {"items"}},
      {"additionalProperties", false},
      {"properties",
       {{"items",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"required", {"indicator", "period", "value"}},
            {"additionalProperties", false},
            {"properties",
             {{"indicator", Schema("string")},
              {"city",
               {{"type", "string"},
                {"nullable", true},
                {"pattern", "^GM[0-9]{4}$"}}},
              {"period", MonthSchema()},
              {"value", Schema("number")},
              {"source", {{"type", "string"}, {"nullable", true}}}}}}}}}}}};
  schemas["Correction"] = {
      {"type", "object"},
      {"required",
       {"indicator", "period", "oldValue", "newValue", "changedAt",
        "changedBy"}},
      {"properties",
       {{"indicator", Schema("string")},
        {"city", {{"type", "string"}, {"nullable", true}}},
        {"period", MonthSchema()},
        {"oldValue", Schema("number")},
        {"newValue", Schema("number")},
        {"oldSource", {{"type", "string"}, {"nullable", true}}},
        {"newSource", {{"type", "string"}, {"nullable", true}}},
        {"oldRecordedAt", {{"type", "string"}, {"format", "date-time"}}},
        {"oldRecordedBy", Schema("string")},
        {"changedAt", {{"type", "string"}, {"format", "date-time"}}},
        {"changedBy", Schema("string")},
        {"importId", {{"type", "integer"}, {"nullable", true}}}}}};
  schemas["CorrectionCollection"] = CollectionOf("Correction");
  json status_enum = {
      {"type", "string"},
      {"enum",
       {"target-achieved", "substantial-progress", "moderate-progress",
        "limited-progress", "deterioration", "not-enough-data", "done",
        "on-time", "late", "no-indicator"}}};
  json figure = {
      {"type", "object"},
      {"nullable", true},
      {"properties",
       {{"period", MonthSchema()},
        {"value", Schema("number")},
        {"source",
         {{"type", "string"}, {"enum", {"baseline", "first-figure"}}}}}}};
  json nullable_number = {{"type", "number"}, {"nullable", true}};
  json nullable_integer = {{"type", "integer"}, {"nullable", true}};
  schemas["ProgressAssessment"] = {
      {"type", "object"},
      {"description",
       "A status with the rule that produced it; a roll-up also lists the "
       "rated levels it took the median of"},
      {"required", {"status", "level", "rated", "rule"}},
      {"properties",
       {{"status", status_enum},
        {"level",
         {{"type", "integer"},
          {"minimum", 0},
          {"maximum", 5},
          {"description",
           "5 target achieved or done, 4 substantial progress or on time, 3 "
           "moderate, 2 limited, 1 deterioration or late, 0 not rated"}}},
        {"rated", Schema("boolean")},
        {"rule", Schema("string")},
        {"rollUp",
         {{"type", "object"},
          {"properties",
           {{"levels", {{"type", "array"}, {"items", Schema("integer")}}},
            {"notRated", Schema("integer")}}}}}}}};
  schemas["SeriesProgress"] = {
      {"type", "object"},
      {"description",
       "One series' status (a city's, or the network's) with every input, "
       "so that it can be recomputed by hand"},
      {"required", {"status", "level", "rated", "rule", "inputs"}},
      {"properties",
       {{"status", status_enum},
        {"level", Schema("integer")},
        {"rated", Schema("boolean")},
        {"rule", Schema("string")},
        {"deadlinePassed", Schema("boolean")},
        {"deadlineBeforeCovenant", Schema("boolean")},
        {"city", {{"type", "string"}, {"pattern", "^GM[0-9]{4}$"}}},
        {"cityName", Schema("string")},
        {"inputs",
         {{"type", "object"},
          {"properties",
           {{"at", MonthSchema()},
            {"method",
             {{"type", "string"},
              {"enum", {"compound", "linear", "milestone", "none"}}}},
            {"base", figure},
            {"current", figure},
            {"target", Schema("number")},
            {"deadline", MonthSchema()},
            {"direction",
             {{"type", "string"}, {"enum", {"increase", "decrease"}}}},
            {"monthsObserved", nullable_integer},
            {"monthsRequired", nullable_integer},
            {"observedGrowth", nullable_number},
            {"requiredGrowth", nullable_number},
            {"ratio", nullable_number},
            {"doneSince", MonthSchema()},
            {"thresholds",
             {{"type", "object"},
              {"properties",
               {{"substantial", Schema("number")},
                {"moderate", Schema("number")},
                {"limited", Schema("number")}}}}}}}}}}}};
  json progress_ref = {
      {"anyOf",
       {{{"$ref", "#/components/schemas/SeriesProgress"}},
        {{"$ref", "#/components/schemas/ProgressAssessment"}}}}};
  json text_map = {{"type", "object"},
                   {"additionalProperties", Schema("string")}};
  schemas["ProgressMethod"] = {
      {"type", "object"},
      {"description",
       "The method and its thresholds, stated in every answer (each text "
       "in words; docs/progress.md states it in full)"},
      {"required", {"thresholds", "bands", "documentation"}},
      {"properties",
       {{"source", Schema("string")},
        {"documentation", Schema("string")},
        {"thresholds",
         {{"type", "object"},
          {"required", {"substantial", "moderate", "limited"}},
          {"properties",
           {{"substantial", Schema("number")},
            {"moderate", Schema("number")},
            {"limited", Schema("number")}}}}},
        {"bands", text_map},
        {"growth", text_map},
        {"ratio", Schema("string")},
        {"base", Schema("string")},
        {"milestones", text_map},
        {"levels", text_map},
        {"rollUp", Schema("string")},
        {"notRated", Schema("string")}}}};
  schemas["IndicatorProgress"] = {
      {"type", "object"},
      {"required", {"indicator", "at", "network", "cities"}},
      {"properties",
       {{"indicator", Schema("string")},
        {"theme", Schema("string")},
        {"unit", Schema("string")},
        {"kind", {{"type", "string"}, {"enum", {"quantity", "milestone"}}}},
        {"at", MonthSchema()},
        {"scope", {{"type", "string"}, {"enum", {"city", "network"}}}},
        {"target", Schema("number")},
        {"deadline", MonthSchema()},
        {"direction", Schema("string")},
        {"deadlineBeforeCovenant", Schema("boolean")},
        {"network", progress_ref},
        {"cities",
         {{"type", "array"},
          {"items", {{"$ref", "#/components/schemas/SeriesProgress"}}}}},
        {"method", {{"$ref", "#/components/schemas/ProgressMethod"}}}}}};
  json agreement = {
      {"allOf",
       {{{"$ref", "#/components/schemas/ProgressAssessment"}},
        {{"type", "object"},
         {"properties",
          {{"agreement", Schema("string")},
           {"letter", Schema("string")},
           {"kind", {{"type", "string"}, {"enum", {"result", "effort"}}}},
           {"indicators",
            {{"type", "array"},
             {"items",
              {{"allOf",
                {progress_ref,
                 {{"type", "object"},
                  {"required", {"indicator"}},
                  {"properties",
                   {{"indicator", Schema("string")},
                    {"kind",
                     {{"type", "string"}, {"enum", {"quantity", "milestone"}}}},
                    {"scope",
                     {{"type", "string"}, {"enum", {"city", "network"}}}},
                    {"url", Url()}}}}}}}}}}}}}}}};
  schemas["ThemeProgress"] = {
      {"allOf",
       {{{"$ref", "#/components/schemas/ProgressAssessment"}},
        {{"type", "object"},
         {"properties",
          {{"theme", Schema("string")},
           {"at", MonthSchema()},
           {"agreements", {{"type", "array"}, {"items", agreement}}},
           {"method", {{"$ref", "#/components/schemas/ProgressMethod"}}}}}}}}};
  schemas["CityProgress"] = {
      {"allOf",
       {{{"$ref", "#/components/schemas/ProgressAssessment"}},
        {{"type", "object"},
         {"properties",
          {{"city", Schema("string")},
           {"cityName", Schema("string")},
           {"at", MonthSchema()},
           {"themes",
            {{"type", "array"},
             {"items",
              {{"allOf",
                {{{"$ref", "#/components/schemas/ProgressAssessment"}},
                 {{"type", "object"},
                  {"properties",
                   {{"theme", Schema("string")},
                    {"agreements",
                     {{"type", "array"}, {"items", agreement}}}}}}}}}}}},
           {"method", {{"$ref", "#/components/schemas/ProgressMethod"}}}}}}}}};
  schemas["ReportPeriod"] = {
      {"type", "object"},
      {"required", {"period", "from", "to", "url"}},
      {"properties",
       {{"period", {{"type", "string"}, {"pattern", "^[0-9]{4}-H[12]$"}}},
        {"from", MonthSchema()},
        {"to", MonthSchema()},
        {"complete",
         {{"type", "boolean"},
          {"description", "Whether the half year has ended"}}},
        {"url", Schema("string")}}}};
  schemas["ReportPeriodCollection"] = CollectionOf("ReportPeriod");
  // The progress report's parts (core/report/progress_report.cc).
  json status_counts = {{"type", "object"},
                        {"additionalProperties", Schema("integer")}};
  json city_ref = {{"type", "string"}, {"pattern", "^GM[0-9]{4}$"}};
  json city_level = {{"type", "object"},
                     {"required", {"city", "cityName", "status", "level"}},
                     {"properties",
                      {{"city", city_ref},
                       {"cityName", Schema("string")},
                       {"status", status_enum},
                       {"level", Schema("integer")}}}};
  json ahead_behind = {
      {"type", "object"},
      {"description", "The cities ahead (level 4 and 5) and behind (1 and 2)"},
      {"required", {"ahead", "behind"}},
      {"properties",
       {{"ahead", {{"type", "array"}, {"items", city_level}}},
        {"behind", {{"type", "array"}, {"items", city_level}}}}}};
  json city_name = {
      {"type", "object"},
      {"required", {"city", "cityName"}},
      {"properties", {{"city", city_ref}, {"cityName", Schema("string")}}}};
  // A report's indicator: what the progress endpoint says of it, with its
  // name and the cities' statuses in short.
  json report_indicator = schemas["IndicatorProgress"];
  report_indicator["required"] = {"indicator", "name", "network", "cities"};
  json& indicator_properties = report_indicator["properties"];
  for (const char* dropped : {"theme", "at", "method"}) {
    indicator_properties.erase(dropped);
  }
  indicator_properties["name"] = Schema("string");
  indicator_properties["cityStatuses"] = status_counts;
  indicator_properties["cities"] = {
      {"type", "array"},
      {"items",
       {{"type", "object"},
        {"required", {"city", "status", "level", "rated"}},
        {"properties",
         {{"city", city_ref},
          {"cityName", Schema("string")},
          {"status", status_enum},
          {"level", Schema("integer")},
          {"rated", Schema("boolean")},
          {"current", figure}}}}}};
  indicator_properties["chart"] = {
      {"type", "boolean"},
      {"description", "Whether the report draws the indicator's chart"}};
  json report_agreement = {
      {"allOf",
       {{{"$ref", "#/components/schemas/ProgressAssessment"}},
        {{"type", "object"},
         {"required", {"agreement", "letter", "kind", "indicators"}},
         {"properties",
          {{"agreement", Schema("string")},
           {"letter", Schema("string")},
           {"kind", {{"type", "string"}, {"enum", {"result", "effort"}}}},
           {"topic", Schema("string")},
           {"goal", Schema("string")},
           {"text", Schema("string")},
           {"indicators",
            {{"type", "array"}, {"items", report_indicator}}}}}}}}};
  json report_theme = {
      {"allOf",
       {{{"$ref", "#/components/schemas/ProgressAssessment"}},
        {{"type", "object"},
         {"required", {"theme", "name", "agreements"}},
         {"properties",
          {{"theme", Schema("string")},
           {"name", Schema("string")},
           {"leaders", {{"type", "array"}, {"items", Schema("string")}}},
           {"agreements", {{"type", "array"}, {"items", report_agreement}}},
           {"cities", ahead_behind}}}}}}};
  json decision = {
      {"type", "object"},
      {"description",
       "A milestone for decision: late, or with a deadline before the "
       "covenant; network says whether the network's own series is, and "
       "cities lists the cities whose series are"},
      {"required", {"indicator", "theme", "agreement", "deadline"}},
      {"properties",
       {{"indicator", Schema("string")},
        {"name", Schema("string")},
        {"theme", Schema("string")},
        {"agreement", Schema("string")},
        {"deadline", MonthSchema()},
        {"network", Schema("boolean")},
        {"cities", {{"type", "array"}, {"items", city_name}}}}}};
  json deteriorating = {
      {"type", "object"},
      {"description",
       "A series that deteriorates; city is null for the network's own"},
      {"required", {"indicator", "theme", "city", "rule"}},
      {"properties",
       {{"indicator", Schema("string")},
        {"name", Schema("string")},
        {"theme", Schema("string")},
        {"city", {{"type", "string"}, {"nullable", true}}},
        {"cityName", Schema("string")},
        {"rule", Schema("string")}}}};
  json section = {
      {"type", "object"},
      {"description", "A procedure's section: paragraphs and a table"},
      {"required", {"id", "title", "paragraphs", "columns", "rows"}},
      {"properties",
       {{"id", Schema("string")},
        {"title", Schema("string")},
        {"paragraphs", {{"type", "array"}, {"items", Schema("string")}}},
        {"columns", {{"type", "array"}, {"items", Schema("string")}}},
        {"rows",
         {{"type", "array"},
          {"items", {{"type", "array"}, {"items", Schema("string")}}}}}}}};
  schemas["ProgressReport"] = {
      {"type", "object"},
      {"description",
       "The progress report of a half year: per theme every agreement with "
       "its indicators (the same statuses and inputs as the progress "
       "endpoints at the half year's last month), the cities ahead and "
       "behind, the points for decision, the procedures' sections"},
      {"required", {"period", "from", "to", "themes", "decisions"}},
      {"properties",
       {{"period", {{"type", "string"}, {"pattern", "^[0-9]{4}-H[12]$"}}},
        {"from", MonthSchema()},
        {"to", MonthSchema()},
        {"at", MonthSchema()},
        {"language", {{"type", "string"}, {"enum", {"nl", "en"}}}},
        {"covenantEffectiveDate", {{"type", "string"}, {"format", "date"}}},
        {"network", {{"$ref", "#/components/schemas/ProgressAssessment"}}},
        {"counts",
         {{"type", "object"},
          {"description",
           "How many agreements and indicators have each status"},
          {"properties",
           {{"agreements", status_counts}, {"indicators", status_counts}}}}},
        {"cities", ahead_behind},
        {"themes", {{"type", "array"}, {"items", report_theme}}},
        {"decisions",
         {{"type", "object"},
          {"required", {"lateMilestones", "deteriorating", "beforeCovenant"}},
          {"properties",
           {{"lateMilestones", {{"type", "array"}, {"items", decision}}},
            {"deteriorating", {{"type", "array"}, {"items", deteriorating}}},
            {"beforeCovenant", {{"type", "array"}, {"items", decision}}}}}}},
        {"sections", {{"type", "array"}, {"items", section}}},
        {"method", {{"$ref", "#/components/schemas/ProgressMethod"}}}}}};
  schemas["Comparison"] = {
      {"type", "object"},
      {"required", {"indicator", "period", "items", "total"}},
      {"properties",
       {{"indicator", Schema("string")},
        {"period", MonthSchema()},
        {"direction", Schema("string")},
        {"unit", Schema("string")},
        {"median", nullable_number},
        {"ranking", Schema("string")},
        {"items",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"city", Schema("string")},
              {"cityName", Schema("string")},
              {"value", Schema("number")},
              {"period", MonthSchema()},
              {"rank", Schema("integer")}}}}}}},
        {"total", Schema("integer")},
        {"withoutFigure",
         {{"type", "array"},
          {"description", "The participating cities without a figure then"},
          {"items",
           {{"type", "object"},
            {"required", {"city", "cityName"}},
            {"properties",
             {{"city", {{"type", "string"}, {"pattern", "^GM[0-9]{4}$"}}},
              {"cityName", Schema("string")}}}}}}}}}};
  schemas["ThemeCollection"] = CollectionOf("Theme");
  schemas["AgreementCollection"] = CollectionOf("Agreement");
  schemas["IndicatorCollection"] = CollectionOf("Indicator");
  schemas["CityCollection"] = CollectionOf("City");
  schemas["ModuleCollection"] = CollectionOf("Module");
  schemas["Party"] = {
      {"type", "object"},
      {"required", {"id", "shortName", "name"}},
      {"properties",
       {{"id",
         {{"type", "string"}, {"enum", {"ez", "g32", "g4", "stedenlink"}}}},
        {"shortName", Schema("string")},
        {"name", Localized()}}}};
  schemas["PartyCollection"] = CollectionOf("Party");
  schemas["Participant"] = {
      {"type", "object"},
      {"required", {"theme", "kind", "id", "name", "role", "since", "source"}},
      {"properties",
       {{"theme", Schema("string")},
        {"kind", {{"type", "string"}, {"enum", {"city", "party"}}}},
        {"id",
         {{"type", "string"},
          {"description", "A city's CBS code or a party's id"}}},
        {"name", Schema("string")},
        {"role", {{"type", "string"}, {"enum", {"leading", "involved"}}}},
        {"since", {{"type", "string"}, {"format", "date"}}},
        {"source",
         {{"type", "string"},
          {"enum", {"manifest", "covenant", "join-request"}},
          {"description",
           "manifest: a leader the theme's manifest names; covenant: named "
           "in the covenant's theme paragraph; join-request: an accepted "
           "join request (art. 8)"}}},
        {"joinRequest", {{"type", "string"}, {"nullable", true}}}}}};
  schemas["ParticipantCollection"] = CollectionOf("Participant");
  json state = {
      {"type", "string"},
      {"enum", {"requested", "in-consultation", "accepted", "refused"}}};
  schemas["JoinRequest"] = {
      {"type", "object"},
      {"required", {"id", "theme", "city", "motivation", "state", "url"}},
      {"properties",
       {{"id", Schema("integer")},
        {"theme", Schema("string")},
        {"themeName", Schema("string")},
        {"city", {{"type", "string"}, {"pattern", "^GM[0-9]{4}$"}}},
        {"cityName", Schema("string")},
        {"motivation", Schema("string")},
        {"state", state},
        {"requestedAt", {{"type", "string"}, {"format", "date-time"}}},
        {"consultation",
         {{"type", "object"},
          {"nullable", true},
          {"properties",
           {{"at", {{"type", "string"}, {"format", "date-time"}}},
            {"by",
             {{"type", "string"},
              {"description",
               "The leading city's CBS code, or stedenlink for an "
               "administrator"}}},
            {"note", Schema("string")}}}}},
        {"responses",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"city", Schema("string")},
              {"cityName", Schema("string")},
              {"position", {{"type", "string"}, {"enum", {"agree", "object"}}}},
              {"comment", Schema("string")},
              {"respondedAt",
               {{"type", "string"}, {"format", "date-time"}}}}}}}}},
        {"awaiting",
         {{"type", "array"},
          {"items", Schema("string")},
          {"description",
           "In consultation: the involved cities that have not responded"}}},
        {"decision",
         {{"type", "object"},
          {"nullable", true},
          {"properties",
           {{"outcome",
             {{"type", "string"}, {"enum", {"accepted", "refused"}}}},
            {"at", {{"type", "string"}, {"format", "date-time"}}},
            {"by", Schema("string")},
            {"reason", Schema("string")}}}}},
        {"joinedOn",
         {{"type", "string"}, {"format", "date"}, {"nullable", true}}},
        {"url", Schema("string")}}}};
  schemas["JoinRequestCollection"] = CollectionOf("JoinRequest");
  schemas["JoinRequestInput"] = {
      {"type", "object"},
      {"required", {"city", "motivation"}},
      {"properties",
       {{"city", {{"type", "string"}, {"pattern", "^GM[0-9]{4}$"}}},
        {"motivation", {{"type", "string"}, {"maxLength", 4000}}}}}};
  schemas["JoinConsultationInput"] = {
      {"type", "object"},
      {"properties", {{"note", {{"type", "string"}, {"maxLength", 4000}}}}}};
  schemas["JoinResponseInput"] = {
      {"type", "object"},
      {"required", {"position"}},
      {"properties",
       {{"position", {{"type", "string"}, {"enum", {"agree", "object"}}}},
        {"comment", {{"type", "string"}, {"maxLength", 4000}}}}}};
  schemas["JoinDecisionInput"] = {
      {"type", "object"},
      {"required", {"outcome", "reason"}},
      {"properties",
       {{"outcome", {{"type", "string"}, {"enum", {"accepted", "refused"}}}},
        {"reason", {{"type", "string"}, {"maxLength", 4000}}}}}};
  schemas["Publication"] = {
      {"type", "object"},
      {"required", {"id", "kind", "title", "updated", "url"}},
      {"properties",
       {{"id",
         {{"type", "string"},
          {"description", "A tag: URI that names the publication for good"}}},
        {"kind", Schema("string")},
        {"theme", {{"type", "string"}, {"nullable", true}}},
        {"title", Localized()},
        {"summary", Localized()},
        {"published", {{"type", "string"}, {"format", "date-time"}}},
        {"updated", {{"type", "string"}, {"format", "date-time"}}},
        {"url", Schema("string")}}}};
  schemas["PublicationCollection"] = CollectionOf("Publication");
  json diff = {{"type", "array"},
               {"description",
                "The words of the new text against the old, in order: runs of "
                "words kept (same), removed (del) or added (ins)"},
               {"items",
                {{"type", "object"},
                 {"required", {"text"}},
                 {"properties",
                  {{"text", Schema("string")},
                   {"same", Schema("boolean")},
                   {"del", Schema("boolean")},
                   {"ins", Schema("boolean")}}}}}};
  json when = {{"type", "string"}, {"format", "date-time"}};
  json nullable_when = {
      {"type", "string"}, {"format", "date-time"}, {"nullable", true}};
  schemas["Amendment"] = {
      {"type", "object"},
      {"required",
       {"id", "target", "proposer", "text", "reason", "baseText", "diff",
        "state", "url"}},
      {"properties",
       {{"id", Schema("integer")},
        {"target",
         {{"type", "string"},
          {"enum", {"agreement", "article"}},
          {"description",
           "agreement: an agreement of a theme paragraph (art. 9c); "
           "article: an article of the general part (art. 9b)"}}},
        {"theme", {{"type", "string"}, {"nullable", true}}},
        {"themeName", {{"type", "string"}, {"nullable", true}}},
        {"agreement",
         {{"type", "string"},
          {"nullable", true},
          {"description", "The agreement's letter"}}},
        {"agreementUrl", {{"type", "string"}, {"nullable", true}}},
        {"article",
         {{"type", "string"}, {"nullable", true}, {"example", "6b"}}},
        {"proposer",
         {{"type", "string"},
          {"description", "A city's CBS code or a party's id (art. 9a)"}}},
        {"proposerName", Schema("string")},
        {"text", Schema("string")},
        {"reason", Schema("string")},
        {"baseText",
         {{"type", "string"},
          {"description", "The text the amendment starts from"}}},
        {"baseVersion",
         {{"type", "integer"},
          {"nullable", true},
          {"description", "The agreement's version baseText is"}}},
        {"diff", diff},
        {"state",
         {{"type", "string"},
          {"enum",
           {"proposed", "agreed", "reported", "in-effect", "rejected",
            "withdrawn"}}}},
        {"proposedAt", when},
        {"responses",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"party", Schema("string")},
              {"partyName", Schema("string")},
              {"position", {{"type", "string"}, {"enum", {"agree", "object"}}}},
              {"comment", Schema("string")},
              {"respondedAt", when}}}}}}},
        {"awaiting",
         {{"type", "array"},
          {"items", Schema("string")},
          {"description",
           "While proposed: the parties whose word is still needed"}}},
        {"consent",
         {{"type", "object"},
          {"nullable", true},
          {"properties",
           {{"meeting", Schema("integer")},
            {"meetingDate", {{"type", "string"}, {"format", "date"}}},
            {"at", when}}}}},
        {"agreedAt", nullable_when},
        {"report",
         {{"type", "object"},
          {"nullable", true},
          {"properties",
           {{"at", when},
            {"by",
             {{"type", "string"},
              {"description", "The leading city's CBS code or party id"}}},
            {"note", Schema("string")}}}}},
        {"effect",
         {{"type", "object"},
          {"nullable", true},
          {"properties",
           {{"at", when},
            {"version", {{"type", "integer"}, {"nullable", true}}}}}}},
        {"closed",
         {{"type", "object"},
          {"nullable", true},
          {"description", "When it was rejected or withdrawn, and why"},
          {"properties", {{"at", when}, {"reason", Schema("string")}}}}},
        {"url", Schema("string")}}}};
  schemas["AmendmentCollection"] = CollectionOf("Amendment");
  schemas["AmendmentInput"] = {
      {"type", "object"},
      {"required", {"proposer", "text", "reason"}},
      {"description",
       "Either theme and agreement, or article with currentText"},
      {"properties",
       {{"theme", Schema("string")},
        {"agreement", Schema("string")},
        {"article",
         {{"type", "string"}, {"pattern", "^(1[0-3]|[1-9])[a-z]?$"}}},
        {"currentText", {{"type", "string"}, {"maxLength", 20000}}},
        {"proposer", Schema("string")},
        {"text", {{"type", "string"}, {"maxLength", 20000}}},
        {"reason", {{"type", "string"}, {"maxLength", 4000}}}}}};
  schemas["AmendmentResponseInput"] = {
      {"type", "object"},
      {"required", {"position"}},
      {"properties",
       {{"party",
         {{"type", "string"},
          {"pattern", "^(ez|g32|g4|stedenlink|GM[0-9]{4})$"},
          {"description",
           "The party an administrator responds for (ez, g32, g4, "
           "stedenlink), or the city's CBS code a city editor responds "
           "for (their own, also when left out)"}}},
        {"position", {{"type", "string"}, {"enum", {"agree", "object"}}}},
        {"comment", {{"type", "string"}, {"maxLength", 4000}}}}}};
  schemas["AmendmentConsentInput"] = {
      {"type", "object"},
      {"required", {"meeting"}},
      {"properties", {{"meeting", Schema("integer")}}}};
  schemas["AmendmentReportInput"] = {
      {"type", "object"},
      {"properties", {{"note", {{"type", "string"}, {"maxLength", 4000}}}}}};
  schemas["AmendmentEffectInput"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"description", "An empty object or no body"}};
  schemas["AmendmentWithdrawalInput"] = {
      {"type", "object"},
      {"properties", {{"reason", {{"type", "string"}, {"maxLength", 4000}}}}}};
  schemas["AgreementVersions"] = {
      {"type", "object"},
      {"required", {"items", "total", "diff"}},
      {"properties",
       {{"items",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"version", Schema("integer")},
              {"text", Schema("string")},
              {"source",
               {{"type", "string"}, {"enum", {"manifest", "amendment"}}}},
              {"recordedAt", when}}}}}}},
        {"total", Schema("integer")},
        {"diff",
         {{"type", "object"},
          {"nullable", true},
          {"properties",
           {{"from", Schema("integer")},
            {"to", Schema("integer")},
            {"runs", diff}}}}}}}};
  schemas["ExportCollection"] = {
      {"type", "object"},
      {"required", {"items", "total", "all", "catalog"}},
      {"properties",
       {{"items",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"required", {"id", "title", "csv", "json", "metadata"}},
            {"properties",
             {{"id", Schema("string")},
              {"title", Schema("string")},
              {"description", Schema("string")},
              {"csv", {{"type", "string"}, {"format", "uri"}}},
              {"json", {{"type", "string"}, {"format", "uri"}}},
              {"metadata", {{"type", "string"}, {"format", "uri"}}}}}}}}},
        {"total", Schema("integer")},
        {"all", {{"type", "string"}, {"format", "uri"}}},
        {"catalog", {{"type", "string"}, {"format", "uri"}}}}}};
  schemas["ExportFile"] = {
      {"type", "object"},
      {"description",
       "{dataset}.json: {\"items\": [...], \"total\": N}, each item with "
       "the columns its CSVW metadata describes; {dataset}-metadata.json "
       "(application/csvm+json): the W3C CSVW metadata of the CSV"},
      {"properties",
       {{"items", {{"type", "array"}, {"items", Schema("object")}}},
        {"total", Schema("integer")}}}};
  AddAccountSchemas(schemas);
  json anything = {{"type", "object"}, {"additionalProperties", true}};
  schemas["OpenApiDocument"] = {
      {"type", "object"},
      {"required", {"openapi", "info", "paths"}},
      {"properties",
       {{"openapi", Schema("string")},
        {"info", anything},
        {"servers", {{"type", "array"}, {"items", anything}}},
        {"paths", anything},
        {"components", anything}}}};
  schemas["PluginResponse"] = {
      {"description",
       "A theme module's answer whose manifest gives no schema: any JSON"}};
  schemas["PluginRequest"] = {
      {"description",
       "A theme module's body whose manifest gives no schema: any JSON"}};
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

// A plugin describes its bodies in JSON Schema, where a value that may be
// null has a list of types (["string", "null"]); an OpenAPI 3.0 schema has
// one type and "nullable".
json ToOpenApi30(json schema) {
  if (!schema.is_object()) return schema;
  auto type = schema.find("type");
  if (type != schema.end() && type->is_array()) {
    json types = json::array();
    bool nullable = false;
    for (const json& each : *type) {
      if (each == "null") {
        nullable = true;
      } else {
        types.push_back(each);
      }
    }
    if (types.size() == 1) {
      schema["type"] = types[0];
    } else {
      schema.erase("type");
    }
    if (nullable) schema["nullable"] = true;
  }
  for (const char* key : {"items", "additionalProperties", "not"}) {
    auto nested = schema.find(key);
    if (nested != schema.end() && nested->is_object()) {
      *nested = ToOpenApi30(std::move(*nested));
    }
  }
  auto properties = schema.find("properties");
  if (properties != schema.end() && properties->is_object()) {
    for (json& property : *properties)
      property = ToOpenApi30(std::move(property));
  }
  for (const char* key : {"allOf", "anyOf", "oneOf"}) {
    auto nested = schema.find(key);
    if (nested != schema.end() && nested->is_array()) {
      for (json& each : *nested) each = ToOpenApi30(std::move(each));
    }
  }
  return schema;
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
  for (const http::QueryParam& query : route.options.query) {
    json schema = json::parse(query.schema, nullptr, false);
    json parameter = {
        {"name", query.name},
        {"in", "query"},
        {"required", query.required},
        {"schema", schema.is_object() ? schema : Schema("string")}};
    if (!query.description.empty()) {
      parameter["description"] = query.description;
    }
    parameters.push_back(std::move(parameter));
  }
  if (route.options.paged) {
    parameters.push_back({{"name", "page"},
                          {"in", "query"},
                          {"required", false},
                          {"description", "The page, from 1"},
                          {"schema",
                           {{"type", "integer"},
                            {"minimum", 1},
                            {"maximum", 1000000},
                            {"default", 1}}}});
    parameters.push_back({{"name", "pageSize"},
                          {"in", "query"},
                          {"required", false},
                          {"description", "Items per page"},
                          {"schema",
                           {{"type", "integer"},
                            {"minimum", 1},
                            {"maximum", 500},
                            {"default", route.options.default_page_size}}}});
  }
  bool has_body = route.method == "POST" || route.method == "PUT" ||
                  route.method == "PATCH";
  OperationDoc doc{"PluginResponse"};
  std::string key = route.method + " " + route.pattern;
  if (route.owner == "core") {
    auto it = CoreOperations().find(key);
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
    if (parsed.is_object()) return ToOpenApi30(std::move(parsed));
    return json{{"$ref", "#/components/schemas/" + name}};
  };
  if (!parameters.empty()) operation["parameters"] = parameters;
  if (has_body) {
    std::string media_type = route.options.body_type.empty()
                                 ? std::string("application/json")
                                 : route.options.body_type;
    // The schema the route declares, the one the server checks a JSON body
    // against; without one, a JSON body is any object and a body of another
    // type (a CSV file) a string.
    json body_schema =
        media_type == "application/json"
            ? schema_of(described.request_schema, "PluginRequest")
        : !described.request_schema.empty()
            ? ToOpenApi30(json::parse(described.request_schema, nullptr, false))
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
  // An operation without a JSON schema answers only in its other types.
  bool answers_json = !doc.response_schema.empty();
  if (doc.success_status != 204) {
    json content = json::object();
    if (answers_json) {
      // A theme module's JSON may be of a JSON vocabulary (JSON-LD).
      std::string json_type = "application/json";
      if (route.owner != "core") {
        for (const std::string& type : route.options.response_types) {
          if (type == "application/json" || type.ends_with("+json")) {
            json_type = type;
            break;
          }
        }
      }
      content[json_type] = {{"schema", schema_of(described.response_schema,
                                                 doc.response_schema)}};
    }
    // The other media types the route answers in, as it declares them (the
    // same declaration the server's 406 reads).
    for (const std::string& type : http::ResponseTypes(route.options)) {
      if (answers_json ? content.contains(type) : type == http::kJsonType) {
        continue;
      }
      if (type == "application/csvm+json" || type == "application/ld+json") {
        content[type] = {{"schema", LinkedDataSchema(type)}};
        continue;
      }
      content[type] = {
          {"schema", type == "application/pdf" || type == "application/zip" ||
                             type == "*/*"
                         ? json{{"type", "string"}, {"format", "binary"}}
                         : json{{"type", "string"}}}};
    }
    success["content"] = content;
  }
  responses[std::to_string(doc.success_status)] = success;
  // The server checks these of every operation before it runs.
  std::string offered;
  for (const std::string& type : http::ResponseTypes(route.options)) {
    if (!offered.empty()) offered += ", ";
    offered += type;
  }
  std::string not_acceptable =
      "The Accept header allows none of the media types this operation "
      "answers in: ";
  not_acceptable += offered;
  responses["406"] = ProblemResponse(not_acceptable);
  responses["400"] = ProblemResponse(
      !parameters.empty() || has_body
          ? "The request's parameters or body are invalid, or it names a "
            "query parameter this operation does not take"
          : "The request names a query parameter this operation does not "
            "take");
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
  if (route.owner == "core" && route.method == "POST" &&
      route.pattern.find("/join-requests") != std::string::npos) {
    responses["409"] = ProblemResponse(
        "The step does not fit the request's state (named in the detail), "
        "was taken already, or the city takes part already or has an open "
        "request");
  }
  if (route.owner == "core" && route.method == "POST" &&
      route.pattern.starts_with("/api/v1/amendments")) {
    responses["409"] = ProblemResponse(
        "The step does not fit the amendment's state or target (named in "
        "the detail), or was taken already");
  }
  if (has_body) {
    responses["413"] =
        ProblemResponse("The body is larger than this endpoint accepts");
    responses["415"] = ProblemResponse("The body is not " +
                                       (route.options.body_type.empty()
                                            ? std::string("application/json")
                                            : route.options.body_type));
  }
  if (route.options.lane == http::Lane::kCore ||
      route.options.lane == http::Lane::kPasswords ||
      route.options.lane == http::Lane::kSearch) {
    responses["503"] = ProblemResponse(
        "The server is busy: this kind of work's queue is full; try again "
        "after Retry-After");
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
    if (status >= "400") {
      responses[status] = ProblemResponse(description);
      continue;
    }
    responses[status] = {{"description", description}};
    // Every answer carries API-Version, a 304 too.
    if (status >= "200") {
      responses[status]["headers"] = {
          {"API-Version", {{"$ref", "#/components/headers/API-Version"}}}};
    }
  }
  responses["500"] = ProblemResponse("The server failed; quote the errorId");
  operation["responses"] = responses;
  return operation;
}

}  // namespace

const json& ComponentSchemas() {
  // The schemas do not depend on the session cookie's name.
  static const json kSchemas = Components("sc_session")["schemas"];
  return kSchemas;
}

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
         // The catch-all schemas of theme modules that describe no body
         // are listed only while a route refers to them.
         json components = Components(ctx->session_cookie);
         std::string described = paths.dump();
         for (const char* name : {"PluginRequest", "PluginResponse"}) {
           std::string ref = "#/components/schemas/";
           ref += name;
           if (described.find(ref) == std::string::npos) {
             components["schemas"].erase(name);
           }
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
             {"components", components}};
         return Json(200, document);
       },
       options});
}

}  // namespace smartercities::api
