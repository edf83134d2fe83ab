// Operations endpoints: GET /healthz (the process answers), GET /readyz (the
// database answers, no module is stuck, and the plugin files are the
// versions the database records), GET /metrics (Prometheus).
//
// /healthz and the readiness itself are for everyone; /metrics and the
// modules in /readyz, which tell an attacker what runs and how busy it is,
// only for administrators, for callers with the configured metrics token,
// for everyone when so configured, and on the monitoring listener.
#include <map>
#include <string>
#include <vector>

#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/auth/passwords.h"

namespace smartercities::api {
namespace {

using ShowsDetail = std::function<bool(const http::Request&)>;

// What makes this node's plugins differ from the other nodes': a module
// refused because the database records a newer version, or a loaded module
// whose version is not the one recorded (another node synced a newer one),
// or whose file is another build of that version.
std::vector<std::string> VersionProblems(
    const std::map<std::string, domain::RecordedTheme>& recorded,
    const std::vector<plugins::ModuleInfo>& infos) {
  std::vector<std::string> problems;
  for (const plugins::ModuleInfo& info : infos) {
    if (info.failure == plugins::LoadFailure::kVersion) {
      problems.push_back(info.reason);
      continue;
    }
    bool loaded = info.state == plugins::ModuleState::kEnabled ||
                  info.state == plugins::ModuleState::kDisabled ||
                  info.state == plugins::ModuleState::kInitialized;
    if (!loaded) continue;
    auto found = recorded.find(info.id);
    if (found == recorded.end()) continue;
    const domain::RecordedTheme& theme = found->second;
    if (theme.version != info.version) {
      problems.push_back("theme '" + info.id + "' is " + info.version +
                         " on this node and " + theme.version +
                         " in the database; install the same plugin files "
                         "on every node and restart this one");
    } else if (!theme.file_digest.empty() && !info.file_digest.empty() &&
               theme.file_digest != info.file_digest) {
      problems.push_back(
          "theme '" + info.id + "' " + info.version +
          " is another build on this node (" + info.file + ", SHA-256 " +
          info.file_digest.substr(0, 12) +
          "...) than the one the database records (SHA-256 " +
          theme.file_digest.substr(0, 12) +
          "...); install the same plugin files on every node and restart "
          "this one");
    }
  }
  return problems;
}

Status AddOperationsRoutes(ApiContext& context, http::Router& router,
                           const ShowsDetail& shows_detail) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.permission = "public";
  options.tag = "operations";
  options.body_limit_bytes = 0;

  options.summary = "Liveness: the process is up";
  // Answered on the I/O thread, whatever else is busy.
  options.lane = http::Lane::kInline;
  static const http::Response kAlive = Json(200, {{"status", "ok"}});
  Status status = router.Add({"GET", "/healthz", "core",
                              [](http::Request&) { return kAlive; }, options});
  if (!status.ok()) return status;
  options.lane = http::Lane::kCore;

  options.summary =
      "Readiness: the database answers and the modules are loaded (the "
      "modules for administrators and monitoring)";
  status = router.Add(
      {"GET", "/readyz", "core",
       [ctx, shows_detail](http::Request& request) {
         // Reading the recorded versions is also the check that the
         // database answers.
         auto recorded = ctx->catalog.RecordedThemes();
         Status check = recorded.status();
         // Plugin files that differ from the versions the database records
         // (several nodes on one database must run the same files).
         std::vector<std::string> differ;
         std::vector<plugins::ModuleInfo> infos = ctx->modules.Modules();
         if (check.ok()) differ = VersionProblems(*recorded, infos);
         bool ready = check.ok() && differ.empty();
         nlohmann::json out = {{"status", ready ? "ready" : "unavailable"},
                               {"database", check.ok() ? "ok" : "unavailable"}};
         if (check.ok()) out["plugins"] = differ.empty() ? "ok" : "differ";
         if (shows_detail(request)) {
           nlohmann::json modules = nlohmann::json::object();
           for (const auto& info : infos) {
             modules[info.id] = std::string(plugins::ToString(info.state));
           }
           out["modules"] = modules;
           if (!differ.empty()) out["pluginProblems"] = differ;
           if (!check.ok()) out["database"] = check.message();
         }
         return Json(ready ? 200 : 503, out);
       },
       options});
  if (!status.ok()) return status;

  options.summary =
      "Metrics in the Prometheus text format (for administrators and "
      "monitoring)";
  return router.Add(
      {"GET", "/metrics", "core",
       [ctx, shows_detail](http::Request& request) {
         if (!shows_detail(request)) {
           http::Response refused = ProblemFor(Status::Unauthenticated(
               "the metrics are for administrators and monitoring: send "
               "'Authorization: Bearer <token>' with an administrator's token "
               "or the one in the file of --metrics-token-file, or scrape "
               "the --monitoring-address listener"));
           refused.SetHeader("WWW-Authenticate", "Bearer");
           return refused;
         }
         http::Response response;
         response.SetHeader("Content-Type", "text/plain; version=0.0.4");
         response.body = ctx->metrics->Render();
         return response;
       },
       options});
}

}  // namespace

bool MayMonitor(const ApiContext& context, const http::Request& request) {
  if (context.metrics_public) return true;
  if (request.CallerRole() == auth::kAdmin) {
    return true;
  }
  if (context.metrics_token.empty()) return false;
  auto token = auth::BearerToken(request.Header("authorization").value_or(""));
  return token && auth::SecretsEqual(*token, context.metrics_token);
}

Status RegisterHealthRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  return AddOperationsRoutes(context, *context.router,
                             [ctx](const http::Request& request) {
                               return MayMonitor(*ctx, request);
                             });
}

Status RegisterMonitoringRoutes(ApiContext& context, http::Router& router) {
  return AddOperationsRoutes(context, router,
                             [](const http::Request&) { return true; });
}

}  // namespace smartercities::api
