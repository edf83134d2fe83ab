// The theme modules, for administrators:
//   GET   /api/v1/modules         every module with its state and reason
//   PATCH /api/v1/modules/{id}    {"enabled": true|false} switches it now
#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/api/request_body.h"

namespace smartercities::api {
namespace {

nlohmann::json ModuleJson(const plugins::ModuleInfo& info) {
  nlohmann::json out = {{"id", info.id},
                        {"state", std::string(plugins::ToString(info.state))},
                        {"enabled", info.enabled},
                        {"file", info.file},
                        {"routes", info.routes},
                        {"url", "/api/v1/modules/" + info.id}};
  out["version"] = info.version.empty() ? nlohmann::json(nullptr)
                                        : nlohmann::json(info.version);
  out["abi"] =
      info.abi.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.abi);
  out["name"] =
      info.name.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.name);
  out["reason"] = info.reason.empty() ? nlohmann::json(nullptr)
                                      : nlohmann::json(info.reason);
  // Why it failed, for programs: "file", "abi", "manifest", "init", ...
  out["failure"] = info.failure == plugins::LoadFailure::kNone
                       ? nlohmann::json(nullptr)
                       : nlohmann::json(plugins::ToString(info.failure));
  // What the circuit breaker and the module's share say now: an open
  // breaker is for an administrator to look into (the module keeps failing).
  nlohmann::json breaker = {
      {"state", plugins::CircuitBreaker::StateName(info.breaker.state)},
      {"recentFailures", info.breaker.recent_failures},
      {"timesOpened", info.breaker.times_opened},
      {"openIntervalMs", info.breaker.open_interval.count()}};
  breaker["reopensInMs"] =
      info.breaker.state == plugins::CircuitBreaker::State::kOpen
          ? nlohmann::json(info.breaker.reopens_in.count())
          : nlohmann::json(nullptr);
  breaker["lastFailure"] = info.breaker.last_failure.empty()
                               ? nlohmann::json(nullptr)
                               : nlohmann::json(info.breaker.last_failure);
  out["breaker"] = std::move(breaker);
  out["running"] = info.running;
  out["share"] = info.share;
  return out;
}

}  // namespace

Status RegisterModuleRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.tag = "modules";
  options.permission = "admin";
  options.body_limit_bytes = 0;
  options.summary = "Every theme module with its lifecycle state";
  Status status = context.router->Add(PagedRoute(
      "/api/v1/modules", options, [ctx](http::Request&, const Page& page) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& info : ctx->modules.Modules()) {
          items.push_back(ModuleJson(info));
        }
        return Collection(items, page);
      }));
  if (!status.ok()) return status;

  options.summary =
      "Load theme plugins added to the plugin directory since the last scan";
  options.body_limit_bytes = 1024;
  options.doc.request_schema = ComponentSchemaRef("RescanRequest");
  status = context.router->Add(
      {"POST", "/api/v1/modules/rescan", "core",
       [ctx](http::Request&) {
         auto added = ctx->modules.Rescan();
         if (!added.ok()) return ProblemFor(added.status());
         nlohmann::json items = nlohmann::json::array();
         for (const auto& info : *added) items.push_back(ModuleJson(info));
         return Json(200, {{"items", items}, {"total", items.size()}});
       },
       options});
  if (!status.ok()) return status;

  options.summary = "Switch a theme module on or off";
  options.body_limit_bytes = 1024;
  options.doc.request_schema = ComponentSchemaRef("ModulePatch");
  return context.router->Add(
      {"PATCH", "/api/v1/modules/{id}", "core",
       [ctx](http::Request& request) {
         auto content_type = request.Header("content-type");
         if (!content_type ||
             (content_type->rfind("application/json", 0) != 0 &&
              content_type->rfind("application/merge-patch+json", 0) != 0)) {
           return ProblemFor(
               415,
               "send the body as application/json, e.g. {\"enabled\": false}");
         }
         nlohmann::json body =
             nlohmann::json::parse(request.body, nullptr, false);
         if (body.is_discarded() || !body.is_object()) {
           return ProblemFor(Status::InvalidArgument(
               "the body must be a JSON object such as {\"enabled\": false}"));
         }
         for (const auto& [key, value] : body.items()) {
           if (key != "enabled") {
             return ProblemFor(Status::InvalidArgument(
                 "field '" + key + "' cannot be changed; only 'enabled' can"));
           }
         }
         if (!body.contains("enabled") || !body["enabled"].is_boolean()) {
           return ProblemFor(Status::InvalidArgument(
               "field 'enabled' must be true or false"));
         }
         std::string actor = request.CallerName("unknown");
         auto info = ctx->modules.SetEnabled(
             request.Param("id"), body["enabled"].get<bool>(), actor);
         if (!info.ok()) return ProblemFor(info.status());
         LogSecurityEvent("module '" + info->id + "' switched " +
                          (body["enabled"].get<bool>() ? "on" : "off") +
                          " by " + actor + " (request id " +
                          request.request_id + ")");
         return Json(200, ModuleJson(*info));
       },
       options});
}

}  // namespace smartercities::api
