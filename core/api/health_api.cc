// Operations endpoints: GET /healthz (the process answers), GET /readyz (the
// database answers and no module is stuck), GET /metrics (Prometheus).
#include "core/api/api_context.h"
#include "core/api/json_response.h"

namespace smartercities::api {

Status RegisterHealthRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.permission = "public";
  options.tag = "operations";
  options.body_limit_bytes = 0;

  options.summary = "Liveness: the process is up";
  // Answered on the I/O thread, whatever else is busy.
  options.lane = http::Lane::kInline;
  static const http::Response kAlive = Json(200, {{"status", "ok"}});
  Status status =
      context.router->Add({"GET", "/healthz", "core",
                           [](http::Request&) { return kAlive; }, options});
  if (!status.ok()) return status;
  options.lane = http::Lane::kCore;

  options.summary =
      "Readiness: the database answers and the modules are loaded";
  status = context.router->Add(
      {"GET", "/readyz", "core",
       [ctx](http::Request&) {
         auto check = ctx->database.Read([](storage::Connection& db) {
           return db.Execute("SELECT 1", {});
         });
         nlohmann::json modules = nlohmann::json::object();
         for (const auto& info : ctx->modules.Modules()) {
           modules[info.id] = std::string(plugins::ToString(info.state));
         }
         if (!check.ok()) {
           return Json(503, {{"status", "unavailable"},
                             {"database", check.message()},
                             {"modules", modules}});
         }
         return Json(
             200,
             {{"status", "ready"}, {"database", "ok"}, {"modules", modules}});
       },
       options});
  if (!status.ok()) return status;

  options.summary = "Metrics in the Prometheus text format";
  return context.router->Add({"GET", "/metrics", "core",
                              [ctx](http::Request&) {
                                http::Response response;
                                response.SetHeader("Content-Type",
                                                   "text/plain; version=0.0.4");
                                response.body = ctx->metrics->Render();
                                return response;
                              },
                              options});
}

}  // namespace smartercities::api
