// The audit trail, for administrators: GET /api/v1/audit-events (filtered
// by object, actor and time) and GET /api/v1/audit-events/verification.
#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/auth/audit.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

json ValueOrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  json parsed = json::parse(text, nullptr, false);
  return parsed.is_discarded() ? json(text) : parsed;
}

bool IsTimestamp(std::string_view text) {
  // 2026-11-28 or 2026-11-28T19:30:00Z
  if (text.size() != 10 && text.size() != 20) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool digit = c >= '0' && c <= '9';
    if (i == 4 || i == 7) {
      if (c != '-') return false;
    } else if (i == 10) {
      if (c != 'T') return false;
    } else if (i == 13 || i == 16) {
      if (c != ':') return false;
    } else if (i == 19) {
      if (c != 'Z') return false;
    } else if (!digit) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status RegisterAuditRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.tag = "audit";
  options.permission = "admin";
  options.body_limit_bytes = 0;
  options.summary =
      "The audit trail, newest first; filter with object (e.g. "
      "measurements/12, or measurements/ for a whole table), actor, from "
      "and to (UTC)";
  json when = {{"type", "string"},
               {"pattern",
                "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?$"}};
  options.query = {
      QueryParameter("object",
                     "Only this object (measurements/12), or a whole table "
                     "(measurements/)"),
      QueryParameter("actor", "Only what this account or token did"),
      QueryParameter("from",
                     "Only from this date (2026-11-28) or UTC time "
                     "(2026-11-28T19:30:00Z) on",
                     when),
      QueryParameter("to", "Only up to this date or UTC time", when)};
  Status status = context.router->Add(PagedRoute(
      "/api/v1/audit-events", options,
      [ctx](http::Request& request, const Page& page) {
        auth::AuditFilter filter;
        filter.page = static_cast<std::int64_t>(page.page);
        filter.page_size = static_cast<std::int64_t>(page.page_size);
        if (auto object = request.Query("object"))
          filter.object = std::string(*object);
        if (auto actor = request.Query("actor"))
          filter.actor = std::string(*actor);
        for (auto [name, target] :
             {std::pair{"from", &filter.from}, std::pair{"to", &filter.to}}) {
          auto value = request.Query(name);
          if (!value) continue;
          if (!IsTimestamp(*value)) {
            return ProblemFor(Status::InvalidArgument(
                std::string("query parameter '") + name +
                "' must be a date (2026-11-28) or a UTC time "
                "(2026-11-28T19:30:00Z), got '" +
                std::string(value->substr(0, 40)) + "'"));
          }
          *target = std::string(*value);
        }
        auto trail = auth::ReadAuditTrail(ctx->database, filter);
        if (!trail.ok()) return ProblemFor(trail.status());
        json items = json::array();
        for (const auto& entry : trail->items) {
          items.push_back({{"seq", entry.seq},
                           {"at", entry.at},
                           {"actor", entry.actor},
                           {"role", entry.role},
                           {"action", entry.action},
                           {"object", entry.object},
                           {"oldValue", ValueOrNull(entry.old_value)},
                           {"newValue", ValueOrNull(entry.new_value)},
                           {"requestId", entry.request_id},
                           {"hash", entry.hash}});
        }
        return Json(200, {{"items", items},
                          {"total", trail->total},
                          {"page", filter.page},
                          {"pageSize", filter.page_size}});
      }));
  if (!status.ok()) return status;

  options.query.clear();
  options.summary =
      "Check the audit trail's hash chain from the first row to the last";
  return context.router->Add(
      {"GET", "/api/v1/audit-events/verification", "core",
       [ctx](http::Request&) {
         auto result = auth::VerifyAuditTrail(ctx->database);
         if (!result.ok()) return ProblemFor(result.status());
         return Json(
             200,
             {{"rows", result->rows},
              {"intact", !result->broken_at.has_value()},
              {"brokenAt",
               result->broken_at ? json(*result->broken_at) : json(nullptr)},
              {"problem", result->problem.empty() ? json(nullptr)
                                                  : json(result->problem)}});
       },
       options});
}

}  // namespace smartercities::api
