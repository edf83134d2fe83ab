// The administrators' pages:
//   GET  /beheer                      what there is to manage
//   GET  /beheer/modules              every module: state, version, reason
//   POST /beheer/modules/{id}         switch a module on or off
//   POST /beheer/modules/rescan       load plugins added since the last scan
// and the same under /en. Each route needs the "admin" permission, which
// the authorization point checks before the handler runs.
#include "core/web/form.h"
#include "core/web/view_helpers.h"

namespace smartercities::web {
namespace {

using nlohmann::json;

http::RouteOptions AdminOptions(std::string summary, bool form = false) {
  http::RouteOptions options;
  options.permission = "admin";
  options.summary = std::move(summary);
  if (form) {
    options.body_type = std::string(kFormType);
    options.body_limit_bytes = 4096;
  }
  return options;
}

http::Response NoStore(http::Response response) {
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

http::Response ModulesPage(Site& site, const http::Request& request,
                           Language language, const std::string& notice,
                           const std::string& problem, int status) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(
      request, language, t["admin"]["modulesTitle"].get<std::string>(), true);
  json modules = json::array();
  for (const auto& info : site.modules().Modules()) {
    std::string state(plugins::ToString(info.state));
    json item = {
        {"id", info.id},
        {"name", info.name.empty() ? info.id : info.name},
        {"version", info.version},
        {"state", t["admin"]["states"].contains(state)
                      ? t["admin"]["states"][state]
                      : json(state)},
        {"stateCode", state},
        {"enabled", info.enabled},
        {"failed", info.state == plugins::ModuleState::kFailed},
        {"reason", info.reason},
        {"file", info.file},
        {"breaker", plugins::CircuitBreaker::StateName(info.breaker.state)},
        {"breakerOpen",
         info.breaker.state == plugins::CircuitBreaker::State::kOpen},
        {"action", Localize("/beheer/modules/" + info.id, language)},
        {"themeUrl", ThemeUrl(info.id, language)}};
    modules.push_back(item);
  }
  model["modules"] = modules;
  model["rescanAction"] = Localize("/beheer/modules/rescan", language);
  model["notice"] = notice;
  model["problem"] = problem;
  return NoStore(
      site.Page("admin_modules", language, std::move(model), status));
}

http::Response SwitchModule(Site& site, http::Request& request,
                            Language language) {
  const json& t = site.pages().Translations(language);
  auto fields = ParseForm(request.body);
  std::string wanted = fields ? FormField(*fields, "enabled").value_or("") : "";
  if (wanted != "true" && wanted != "false") {
    return ModulesPage(site, request, language, "",
                       t["admin"]["badSwitch"].get<std::string>(), 400);
  }
  bool enabled = wanted == "true";
  std::string actor(
      request.Header("x-smartercities-principal").value_or("unknown"));
  auto info = site.modules().SetEnabled(request.Param("id"), enabled, actor);
  if (!info.ok()) {
    return ModulesPage(
        site, request, language, "", info.status().message(),
        info.status().code() == StatusCode::kNotFound ? 404 : 409);
  }
  std::string notice =
      (enabled ? t["admin"]["switchedOn"] : t["admin"]["switchedOff"])
          .get<std::string>() +
      ": " + (info->name.empty() ? info->id : info->name);
  return ModulesPage(site, request, language, notice, "", 200);
}

http::Response Rescan(Site& site, http::Request& request, Language language) {
  const json& t = site.pages().Translations(language);
  auto added = site.modules().Rescan();
  if (!added.ok()) {
    return ModulesPage(site, request, language, "", added.status().message(),
                       500);
  }
  std::string notice = t["admin"]["rescanned"].get<std::string>() + ": " +
                       std::to_string(added->size());
  return ModulesPage(site, request, language, notice, "", 200);
}

http::Response AdminHome(Site& site, const http::Request& request,
                         Language language) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(request, language,
                              t["admin"]["title"].get<std::string>(), true);
  model["modulesUrl"] = Localize("/beheer/modules", language);
  return NoStore(site.Page("admin", language, std::move(model)));
}

}  // namespace

Status RegisterAdminPages(Site& site) {
  Site* s = &site;
  Status status = site.AddPage(
      "/beheer", AdminOptions("Administration"),
      [s](http::Request& r, Language l) { return AdminHome(*s, r, l); });
  if (!status.ok()) return status;
  status = site.AddPage("/beheer/modules", AdminOptions("The theme modules"),
                        [s](http::Request& r, Language l) {
                          return ModulesPage(*s, r, l, "", "", 200);
                        });
  if (!status.ok()) return status;
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    status = site.AddRoute(
        "POST", Localize("/beheer/modules/rescan", language),
        AdminOptions("Load plugins added to the plugin directory", true),
        [s, language](http::Request& r) { return Rescan(*s, r, language); });
    if (!status.ok()) return status;
    status =
        site.AddRoute("POST", Localize("/beheer/modules/{id}", language),
                      AdminOptions("Switch a theme module on or off", true),
                      [s, language](http::Request& r) {
                        return SwitchModule(*s, r, language);
                      });
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace smartercities::web
