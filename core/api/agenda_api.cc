// The rolling agenda of the covenant's general articles:
//   GET   /api/v1/themes/{theme}/projects[?status=proposed,running|all]
//   POST  /api/v1/themes/{theme}/projects
//   GET   /api/v1/themes/{theme}/projects/{projectId}
//   PATCH /api/v1/themes/{theme}/projects/{projectId}
//   GET   /api/v1/meetings[?year=&kind=&theme=]
//   POST  /api/v1/meetings
//   GET   /api/v1/meetings/{meetingId}
//   PATCH /api/v1/meetings/{meetingId}
//   GET   /api/v1/meetings/rhythm?year=2013
//   GET   /api/v1/funding
//   POST  /api/v1/funding/costs | applications | contributions
// Projects are written by the theme's editors, the editors of its leading
// cities ("Trekkende Steden ... leidend voor het toedelen en/of uitvoeren
// van projecten binnen dat thema", art. 1e) and administrators; meetings and
// funding by administrators (Stedenlink organises the meetings and accounts
// for EZ's contribution). Everything is public to read except the minutes of
// meetings, which need a login (docs/agenda.md says why).
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/auth/principal.h"
#include "core/domain/covenant_term.h"
#include "core/domain/funding.h"
#include "core/domain/meetings.h"
#include "core/domain/projects.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

// Ok if the caller may write the theme's projects, otherwise
// PermissionDenied saying who may. Article 1e: the leading cities lead the
// allocation and execution of the theme's projects; the theme's editors
// keep its records.
Status MayWriteProjects(const http::Request& request,
                        const domain::ThemeManifest& theme) {
  std::string_view role = request.CallerRole();
  std::string_view scope = request.CallerScope();
  if (role == auth::kAdmin) return Status::Ok();
  if (role == auth::kThemeEditor && scope == theme.id) return Status::Ok();
  std::string leaders;
  for (const domain::Leader& leader : theme.leaders) {
    if (leader.cbs_code.empty()) continue;
    if (role == auth::kCityEditor && scope == leader.cbs_code) {
      return Status::Ok();
    }
    if (!leaders.empty()) leaders += ", ";
    leaders += leader.cbs_code;
  }
  std::string reason = "the projects of theme ";
  reason += theme.id;
  reason += " are written by its theme editors, the editors of its leading ";
  reason += "cities (";
  reason += leaders;
  reason += ") and administrators; your account is ";
  reason += role;
  reason += " for ";
  reason += scope;
  return Status::PermissionDenied(std::move(reason));
}

// The 403 for refused, written to the security log first.
http::Response Forbidden(const http::Request& request, const Status& refused) {
  LogSecurityEvent("refused " + request.method + " " + request.path + " to " +
                   request.CallerName("the public") +
                   " with 403: " + refused.message() + " (request id " +
                   request.request_id + ")");
  return ProblemFor(refused);
}

// ?status= as a list of statuses: "proposed,running" by default (the
// active agenda), "all" for every status.
Result<std::vector<std::string>> Statuses(const http::Request& request) {
  auto text = request.Query("status");
  if (!text) {
    return std::vector<std::string>{std::string(domain::kProjectProposed),
                                    std::string(domain::kProjectRunning)};
  }
  if (*text == "all") {
    return std::vector<std::string>{"proposed", "running", "completed",
                                    "stopped"};
  }
  std::vector<std::string> statuses;
  std::string_view rest = *text;
  while (true) {
    std::size_t comma = rest.find(',');
    std::string_view one = rest.substr(0, comma);
    if (!domain::IsProjectStatus(one)) {
      return Status::InvalidArgument(
          "query parameter status: '" + std::string(one).substr(0, 40) +
          "' is not a status; give proposed, running, completed or "
          "stopped, several separated by commas, or all");
    }
    statuses.emplace_back(one);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return statuses;
}

// ?year= as a year of the covenant's term, or InvalidArgument. required:
// absent is an error; otherwise absent is 0.
Result<int> YearParameter(const http::Request& request, bool required) {
  auto text = request.Query("year");
  if (!text) {
    if (!required) return 0;
    return Status::InvalidArgument(
        "query parameter year: give a calendar year of the covenant's term "
        "(2013 or 2014)");
  }
  int year = 0;
  auto [end, error] =
      std::from_chars(text->data(), text->data() + text->size(), year);
  if (error != std::errc() || end != text->data() + text->size() ||
      year < 1900 || year > 2099) {
    return Status::InvalidArgument(
        "query parameter year: must be a year as 2013, got '" +
        std::string(*text).substr(0, 20) + "'");
  }
  if (required && (year < 2013 || year > 2014)) {
    return Status::InvalidArgument(
        "query parameter year: the covenant ran from 2013-03-07 until "
        "2014-12-31 (art. 12), so its rhythm of meetings is for 2013 or "
        "2014, not " +
        std::to_string(year));
  }
  return year;
}

// The body as a JSON object whose keys are all in keys, or
// InvalidArgument naming the first unknown key.
Result<json> Body(const http::Request& request,
                  const std::vector<const char*>& keys) {
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status::InvalidArgument("the body must be a JSON object");
  }
  std::string names;
  for (const char* key : keys) {
    if (!names.empty()) names += ", ";
    names += key;
  }
  for (const auto& item : body.items()) {
    bool known = false;
    for (const char* key : keys) known = known || item.key() == key;
    if (!known) {
      return Status::InvalidArgument(
          item.key().substr(0, 60) +
          ": this field cannot be set here; the fields are " + names);
    }
  }
  return body;
}

// Schemas for the OpenAPI document.
json TextSchema() { return {{"type", "string"}}; }
json NullableText() { return {{"type", "string"}, {"nullable", true}}; }
json DateSchema() {
  return {{"type", "string"}, {"format", "date"}, {"nullable", true}};
}
json TextList() { return {{"type", "array"}, {"items", TextSchema()}}; }
json Cents() {
  return {
      {"type", "integer"}, {"format", "int64"}, {"description", "euro cents"}};
}

json ProjectSchema(bool input) {
  json properties = {
      {"title", TextSchema()},
      {"aim", TextSchema()},
      {"lead",
       {{"type", "string"},
        {"description",
         "A city's CBS code or a party id (ez, g32, g4, "
         "stedenlink)"}}},
      {"partners",
       {{"type", "object"},
        {"properties",
         {{"cities", TextList()},
          {"parties", TextList()},
          {"organisations", TextList()}}}}},
      {"agreements", TextList()},
      {"status",
       {{"type", "string"},
        {"enum", {"proposed", "running", "completed", "stopped"}}}},
      {"proposedOn", DateSchema()},
      {"startedOn", DateSchema()},
      {"endedOn", DateSchema()},
      {"results", NullableText()},
      {"securing",
       {{"type", "object"},
        {"description", "How the results are secured for reuse (art. 5a)"},
        {"properties",
         {{"standards", NullableText()},
          {"scalability", NullableText()},
          {"exchangeability", NullableText()}}}}},
      {"replaces",
       {{"type", "integer"},
        {"nullable", true},
        {"description",
         "The completed or stopped project this one replaces "
         "(art. 5d)"}}},
      {"concretises",
       {{"type", "object"},
        {"nullable", true},
        {"description",
         "The open action at signing this project concretises "
         "(art. 4d)"},
        {"properties",
         {{"agreement", TextSchema()},
          {"party", TextSchema()},
          {"action", TextSchema()}}}}},
      {"fundingSources",
       {{"type", "array"},
        {"description", "The project's own funding (art. 7a, 7e)"},
        {"items",
         {{"type", "object"},
          {"required", {"kind", "name"}},
          {"properties",
           {{"kind",
             {{"type", "string"},
              {"enum",
               {"eu", "national", "regional", "municipal", "private", "own",
                "other"}}}},
            {"name", TextSchema()},
            {"amountCents", Cents()},
            {"status",
             {{"type", "string"},
              {"enum", {"requested", "granted", "refused"}}}},
            {"ezSupport", {{"type", "boolean"}}},
            {"documentReference", TextSchema()}}}}}}}};
  json schema = {{"type", "object"},
                 {"additionalProperties", false},
                 {"properties", properties}};
  if (input) return schema;
  schema.erase("additionalProperties");
  schema["properties"]["id"] = {{"type", "integer"}};
  schema["properties"]["theme"] = TextSchema();
  schema["properties"]["leadKind"] = {{"type", "string"},
                                      {"enum", {"city", "party"}}};
  schema["properties"]["replacedBy"] = {{"type", "array"},
                                        {"items", {{"type", "integer"}}}};
  schema["properties"]["updatedAt"] = {{"type", "string"},
                                       {"format", "date-time"}};
  schema["properties"]["updatedBy"] = TextSchema();
  return schema;
}

json MeetingSchema(bool input) {
  json properties = {
      {"kind",
       {{"type", "string"},
        {"enum", {"official", "administrative", "theme-table"}}}},
      {"date", {{"type", "string"}, {"format", "date"}}},
      {"theme", NullableText()},
      {"attendees",
       {{"type", "object"},
        {"properties", {{"parties", TextList()}, {"cities", TextList()}}}}},
      {"minutes", NullableText()},
      {"decisions", TextList()},
      {"reportPeriod",
       {{"type", "string"},
        {"nullable", true},
        {"pattern", "^[0-9]{4}-H[12]$"},
        {"description",
         "The progress report an administrative meeting was "
         "based on (art. 6b)"}}},
      {"evaluation",
       {{"type", "boolean"},
        {"description", "The joint evaluation of art. 6c"}}}};
  json schema = {{"type", "object"}, {"properties", properties}};
  if (input) {
    schema["additionalProperties"] = false;
    return schema;
  }
  schema["properties"]["id"] = {{"type", "integer"}};
  schema["properties"]["minutesRestricted"] = {
      {"type", "boolean"},
      {"description", "Minutes exist but need a login to read"}};
  schema["properties"]["updatedAt"] = {{"type", "string"},
                                       {"format", "date-time"}};
  schema["properties"]["updatedBy"] = TextSchema();
  return schema;
}

json CollectionOf(const json& item) {
  return {{"type", "object"},
          {"required", {"items", "total"}},
          {"properties",
           {{"items", {{"type", "array"}, {"items", item}}},
            {"total", {{"type", "integer"}}},
            {"page", {{"type", "integer"}}},
            {"pageSize", {{"type", "integer"}}}}}};
}

json FundingEntrySchema(bool input) {
  json schema = {
      {"type", "object"},
      {"required", {"date", "amountCents", "description", "documentReference"}},
      {"properties",
       {{"date", {{"type", "string"}, {"format", "date"}}},
        {"amountCents", Cents()},
        {"description", TextSchema()},
        {"documentReference", TextSchema()},
        {"justification", NullableText()}}}};
  if (input) {
    schema["additionalProperties"] = false;
    return schema;
  }
  schema["properties"]["id"] = {{"type", "integer"}};
  schema["properties"]["kind"] = {
      {"type", "string"}, {"enum", {"cost", "application", "contribution"}}};
  schema["properties"]["aboveCoFinancing"] = {{"type", "boolean"}};
  schema["properties"]["recordedAt"] = {{"type", "string"},
                                        {"format", "date-time"}};
  schema["properties"]["recordedBy"] = TextSchema();
  return schema;
}

http::RouteOptions Options(const char* permission, const char* summary,
                           std::size_t body_limit_bytes) {
  http::RouteOptions options;
  options.tag = "agenda";
  options.permission = permission;
  options.summary = summary;
  options.body_limit_bytes = body_limit_bytes;
  return options;
}

constexpr std::size_t kBodyLimitBytes = 256 * 1024;

Status AddProjectRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options = Options(
      "public",
      "The theme's rolling agenda of projects (art. 5d): the active ones "
      "(proposed and running) unless ?status= asks for others",
      0);
  options.doc.response_schema = CollectionOf(ProjectSchema(false)).dump();
  options.query = {QueryParameter(
      "status",
      "Statuses, separated by commas (proposed,running by default; "
      "completed,stopped is the archive), or all",
      {{"type", "string"},
       {"pattern",
        "^(all|(proposed|running|completed|stopped)"
        "(,(proposed|running|completed|stopped))*)$"}})};
  Status status = context.router->Add(
      PagedRoute("/api/v1/themes/{theme}/projects", options,
                 [ctx](http::Request& request, const Page& page) {
                   auto theme = LoadTheme(*ctx, request.Param("theme"));
                   if (!theme.ok()) return ProblemFor(theme.status());
                   auto statuses = Statuses(request);
                   if (!statuses.ok()) return ProblemFor(statuses.status());
                   domain::Projects projects(ctx->database);
                   auto items = projects.List(theme->id, *statuses);
                   if (!items.ok()) return ProblemFor(items.status());
                   return Collection(*items, page);
                 }));
  if (!status.ok()) return status;

  options = Options("authenticated",
                    "Add a project to the theme's agenda (its theme editors, "
                    "the editors of its leading cities, administrators)",
                    kBodyLimitBytes);
  options.doc.success_status = 201;
  options.doc.request_schema = ProjectSchema(true).dump();
  options.doc.response_schema = ProjectSchema(false).dump();
  status = context.router->Add(
      {"POST", "/api/v1/themes/{theme}/projects", "core",
       [ctx](http::Request& request) {
         auto theme = LoadTheme(*ctx, request.Param("theme"));
         if (!theme.ok()) return ProblemFor(theme.status());
         const auto& manifest = *theme;
         if (Status may = MayWriteProjects(request, manifest); !may.ok()) {
           return Forbidden(request, may);
         }
         auto body = Body(request, domain::ProjectFields());
         if (!body.ok()) return ProblemFor(body.status());
         domain::Projects projects(ctx->database);
         auto made =
             projects.Create(manifest, *body, request.CallerName("unknown"),
                             domain::TodayUtc());
         if (!made.ok()) return ProblemFor(made.status());
         http::Response response = Json(201, *made);
         response.SetHeader(
             "Location", "/api/v1/themes/" + manifest.id + "/projects/" +
                             std::to_string((*made)["id"].get<std::int64_t>()));
         return response;
       },
       options});
  if (!status.ok()) return status;

  options = Options("public", "One project of the theme's agenda", 0);
  options.doc.response_schema = ProjectSchema(false).dump();
  status = context.router->Add(
      {"GET", "/api/v1/themes/{theme}/projects/{projectId}", "core",
       [ctx](http::Request& request) {
         auto theme = LoadTheme(*ctx, request.Param("theme"));
         if (!theme.ok()) return ProblemFor(theme.status());
         auto id = IdParam(request, "projectId", "project");
         if (!id.ok()) return ProblemFor(id.status());
         domain::Projects projects(ctx->database);
         auto found = projects.Get(theme->id, *id);
         if (!found.ok()) return ProblemFor(found.status());
         return Json(200, *found);
       },
       options});
  if (!status.ok()) return status;

  options = Options("authenticated",
                    "Change a project: its fields, or its status (proposed "
                    "to running or stopped, running to completed or stopped; "
                    "completed and stopped are final)",
                    kBodyLimitBytes);
  options.doc.request_schema = ProjectSchema(true).dump();
  options.doc.response_schema = ProjectSchema(false).dump();
  options.doc.responses = {
      {"409",
       "The status change is not allowed (a completed or stopped "
       "project stays so; a project runs before it completes)"}};
  return context.router->Add(
      {"PATCH", "/api/v1/themes/{theme}/projects/{projectId}", "core",
       [ctx](http::Request& request) {
         auto theme = LoadTheme(*ctx, request.Param("theme"));
         if (!theme.ok()) return ProblemFor(theme.status());
         const auto& manifest = *theme;
         if (Status may = MayWriteProjects(request, manifest); !may.ok()) {
           return Forbidden(request, may);
         }
         auto id = IdParam(request, "projectId", "project");
         if (!id.ok()) return ProblemFor(id.status());
         auto body = Body(request, domain::ProjectFields());
         if (!body.ok()) return ProblemFor(body.status());
         domain::Projects projects(ctx->database);
         auto changed =
             projects.Update(manifest, *id, *body,
                             request.CallerName("unknown"), domain::TodayUtc());
         if (!changed.ok()) return ProblemFor(changed.status());
         return Json(200, *changed);
       },
       options});
}

Status AddMeetingRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options =
      Options("public",
              "The meetings of art. 6, by date (minutes only for a logged-in "
              "caller)",
              0);
  options.doc.response_schema = CollectionOf(MeetingSchema(false)).dump();
  options.query = {
      QueryParameter(
          "year", "Only this calendar year",
          {{"type", "integer"}, {"minimum", 1900}, {"maximum", 2099}}),
      QueryParameter("kind",
                     "Only this kind: official, administrative or theme-table",
                     {{"type", "string"},
                      {"enum", {"official", "administrative", "theme-table"}}}),
      QueryParameter("theme", "Only this theme's meetings")};
  Status status = context.router->Add(PagedRoute(
      "/api/v1/meetings", options,
      [ctx](http::Request& request, const Page& page) {
        auto year = YearParameter(request, false);
        if (!year.ok()) return ProblemFor(year.status());
        std::string kind(request.Query("kind").value_or(""));
        if (!kind.empty() && kind != "official" && kind != "administrative" &&
            kind != "theme-table") {
          return ProblemFor(Status::InvalidArgument(
              "query parameter kind: must be official, administrative or "
              "theme-table"));
        }
        domain::Meetings meetings(ctx->database);
        auto items = meetings.List(
            *year, kind, std::string(request.Query("theme").value_or("")),
            request.principal.has_value());
        if (!items.ok()) return ProblemFor(items.status());
        return Collection(*items, page);
      }));
  if (!status.ok()) return status;

  options = Options("admin", "Record a meeting (administrators: Stedenlink)",
                    kBodyLimitBytes);
  options.doc.success_status = 201;
  options.doc.request_schema = MeetingSchema(true).dump();
  options.doc.response_schema = MeetingSchema(false).dump();
  status = context.router->Add(
      {"POST", "/api/v1/meetings", "core",
       [ctx](http::Request& request) {
         auto body = Body(request, domain::MeetingFields());
         if (!body.ok()) return ProblemFor(body.status());
         domain::Meetings meetings(ctx->database);
         auto made = meetings.Save(0, *body, request.CallerName("unknown"));
         if (!made.ok()) return ProblemFor(made.status());
         http::Response response = Json(201, *made);
         response.SetHeader(
             "Location", "/api/v1/meetings/" +
                             std::to_string((*made)["id"].get<std::int64_t>()));
         return response;
       },
       options});
  if (!status.ok()) return status;

  options = Options("public",
                    "Whether the rhythm of art. 6 was kept in a year: four "
                    "official meetings (6a), two administrative ones on a "
                    "progress report (6b); and the evaluation's deadline (6c)",
                    0);
  options.query = {QueryParameter(
      "year", "The calendar year: 2013 or 2014",
      {{"type", "integer"}, {"minimum", 1900}, {"maximum", 2099}}, true)};
  options.doc.response_schema =
      json{{"type", "object"},
           {"required", {"year", "kept", "shortfalls", "evaluation"}},
           {"properties",
            {{"year", {{"type", "integer"}}},
             {"kept", {{"type", "boolean"}}},
             {"yearComplete", {{"type", "boolean"}}},
             {"official",
              {{"type", "object"},
               {"description", "Official meetings held (art. 6a)"},
               {"required", {"count", "required", "kept"}},
               {"properties",
                {{"count", {{"type", "integer"}}},
                 {"required", {{"type", "integer"}}},
                 {"kept", {{"type", "boolean"}}}}}}},
             {"administrative",
              {{"type", "object"},
               {"description",
                "Administrative meetings held, and how many of them on the "
                "basis of a progress report (art. 6b)"},
               {"required", {"count", "basedOnReport", "required", "kept"}},
               {"properties",
                {{"count", {{"type", "integer"}}},
                 {"basedOnReport", {{"type", "integer"}}},
                 {"required", {{"type", "integer"}}},
                 {"kept", {{"type", "boolean"}}}}}}},
             {"shortfalls", TextList()},
             {"evaluation",
              {{"type", "object"},
               {"required",
                {"deadline", "covenantEnds", "status", "meeting", "meetingDate",
                 "rule"}},
               {"properties",
                {{"deadline", {{"type", "string"}, {"format", "date"}}},
                 {"covenantEnds", {{"type", "string"}, {"format", "date"}}},
                 {"status",
                  {{"type", "string"}, {"enum", {"due", "done", "late"}}}},
                 {"meeting", {{"type", "integer"}, {"nullable", true}}},
                 {"meetingDate",
                  {{"type", "string"}, {"format", "date"}, {"nullable", true}}},
                 {"rule", {{"type", "string"}}}}}}}}}}
          .dump();
  status = context.router->Add({"GET", "/api/v1/meetings/rhythm", "core",
                                [ctx](http::Request& request) {
                                  auto year = YearParameter(request, true);
                                  if (!year.ok())
                                    return ProblemFor(year.status());
                                  domain::Meetings meetings(ctx->database);
                                  auto facts = meetings.Facts();
                                  if (!facts.ok())
                                    return ProblemFor(facts.status());
                                  std::string today = domain::TodayUtc();
                                  json out =
                                      domain::Rhythm(*year, *facts, today);
                                  out["evaluation"] =
                                      domain::Evaluation(*facts, today);
                                  return Json(200, out);
                                },
                                options});
  if (!status.ok()) return status;

  options = Options("public",
                    "One meeting (minutes only for a logged-in "
                    "caller)",
                    0);
  options.doc.response_schema = MeetingSchema(false).dump();
  status = context.router->Add(
      {"GET", "/api/v1/meetings/{meetingId}", "core",
       [ctx](http::Request& request) {
         auto id = IdParam(request, "meetingId", "meeting");
         if (!id.ok()) return ProblemFor(id.status());
         domain::Meetings meetings(ctx->database);
         auto found = meetings.Get(*id, request.principal.has_value());
         if (!found.ok()) return ProblemFor(found.status());
         return Json(200, *found);
       },
       options});
  if (!status.ok()) return status;

  options = Options("admin",
                    "Change a meeting: add its minutes and decisions, correct "
                    "its facts (administrators)",
                    kBodyLimitBytes);
  options.doc.request_schema = MeetingSchema(true).dump();
  options.doc.response_schema = MeetingSchema(false).dump();
  return context.router->Add(
      {"PATCH", "/api/v1/meetings/{meetingId}", "core",
       [ctx](http::Request& request) {
         auto id = IdParam(request, "meetingId", "meeting");
         if (!id.ok()) return ProblemFor(id.status());
         auto body = Body(request, domain::MeetingFields());
         if (!body.ok()) return ProblemFor(body.status());
         domain::Meetings meetings(ctx->database);
         auto changed =
             meetings.Save(*id, *body, request.CallerName("unknown"));
         if (!changed.ok()) return ProblemFor(changed.status());
         return Json(200, *changed);
       },
       options});
}

Status AddFundingRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options =
      Options("public",
              "EZ's contribution to Stedenlink's costs (art. 7b): costs, "
              "applications and contributions with their totals, the remaining "
              "amount under EUR 1,000,000 and EZ's share of the costs",
              0);
  json list_of_entries = {
      {"type", "object"},
      {"properties",
       {{"items", {{"type", "array"}, {"items", FundingEntrySchema(false)}}},
        {"total", {{"type", "integer"}}}}}};
  options.doc.response_schema = json{
      {"type", "object"},
      {"properties",
       {{"limitCents", Cents()},
        {"costsCents", Cents()},
        {"applicationsCents", Cents()},
        {"contributionsCents", Cents()},
        {"remainingCents", Cents()},
        {"shareBasisPoints",
         {{"type", "integer"},
          {"nullable", true},
          {"description",
           "EZ's contributions per 10,000 of the "
           "recorded costs (5000 is 50%)"}}},
        {"withinCoFinancing", {{"type", "boolean"}}},
        {"costs", list_of_entries},
        {"applications", list_of_entries},
        {"contributions",
         list_of_entries}}}}.dump();
  Status status = context.router->Add({"GET", "/api/v1/funding", "core",
                                       [ctx](http::Request&) {
                                         domain::Funding funding(ctx->database);
                                         auto summary = funding.Summary();
                                         if (!summary.ok())
                                           return ProblemFor(summary.status());
                                         return Json(200, *summary);
                                       },
                                       options});
  if (!status.ok()) return status;

  struct Kind {
    const char* path;
    const char* kind;
    const char* summary;
  };
  for (const Kind& kind :
       {Kind{"/api/v1/funding/costs", "cost",
             "Record a cost Stedenlink made for the covenant (administrators)"},
        Kind{"/api/v1/funding/applications", "application",
             "Record Stedenlink's application with project plan and budget "
             "(administrators)"},
        Kind{"/api/v1/funding/contributions", "contribution",
             "Record a contribution of EZ (administrators); refused past "
             "EUR 1,000,000, or above 50% of the costs without a "
             "justification"}}) {
    options = Options("admin", kind.summary, 16 * 1024);
    options.doc.success_status = 201;
    options.doc.request_schema = FundingEntrySchema(true).dump();
    options.doc.response_schema = FundingEntrySchema(false).dump();
    if (std::string_view(kind.kind) == "contribution") {
      options.doc.responses = {
          {"422",
           "The contribution breaks art. 7b: it would pass EUR "
           "1,000,000 in total (the detail gives the remaining "
           "amount), or bring EZ's share above 50% of the costs "
           "without a justification"}};
    }
    std::string entry_kind = kind.kind;
    status = context.router->Add(
        {"POST", kind.path, "core",
         [ctx, entry_kind](http::Request& request) {
           auto body = Body(request, {"date", "amountCents", "description",
                                      "documentReference", "justification"});
           if (!body.ok()) return ProblemFor(body.status());
           domain::Funding funding(ctx->database);
           auto recorded =
               funding.Record(entry_kind, *body, request.CallerName("unknown"));
           if (!recorded.ok()) return ProblemFor(recorded.status());
           if (auto* refused = std::get_if<domain::RuleRefusal>(&*recorded)) {
             return ProblemFor(422, refused->detail);
           }
           return Json(201, std::get<json>(*recorded));
         },
         options});
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace

Status RegisterAgendaRoutes(ApiContext& context) {
  Status status = AddProjectRoutes(context);
  if (!status.ok()) return status;
  status = AddMeetingRoutes(context);
  if (!status.ok()) return status;
  return AddFundingRoutes(context);
}

}  // namespace smartercities::api
