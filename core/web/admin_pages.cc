// The administrators' pages:
//   GET  /beheer                      what there is to manage
//   GET  /beheer/modules              every module: state, version, reason
//   POST /beheer/modules/{id}         switch a module on or off
//   POST /beheer/modules/rescan       load plugins added since the last scan
//   GET  /beheer/gebruikers           the accounts, and a form to add one
//   POST /beheer/gebruikers           add an account (its password shown once)
//   POST /beheer/gebruikers/{userId}/status      disable or enable
//   POST /beheer/gebruikers/{userId}/wachtwoord  a new password, shown once
//   GET  /beheer/tokens               the API tokens, and a form for one
//   POST /beheer/tokens               create a token (shown once)
//   POST /beheer/tokens/{tokenId}/intrekken      revoke a token
//   GET  /beheer/audit                the audit trail, filtered
//   GET  /beheer/audit/verificatie    check the trail's hash chain
// and the same under /en. Each route needs the "admin" permission, which
// the authorization point checks before the handler runs.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/auth/audit.h"
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
  std::string actor = request.CallerName("unknown");
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

std::int64_t IdParam(const http::Request& request, std::string_view name) {
  std::string_view text = request.Param(name);
  std::int64_t id = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size()) return 0;
  return id;
}

// "scope: a city editor needs ..." as field "scope" and its message.
std::pair<std::string, std::string> FieldOf(const std::string& message) {
  std::size_t colon = message.find(": ");
  if (colon == std::string::npos || colon > 20) return {"", message};
  return {message.substr(0, colon), message.substr(colon + 2)};
}

json RoleOptions(const json& t, const std::string& selected) {
  json roles = json::array();
  for (const char* role : {"city-editor", "theme-editor", "admin"}) {
    roles.push_back({{"value", role},
                     {"label", t["roles"][role]},
                     {"selected", selected == role}});
  }
  return roles;
}

struct Shown {
  std::string notice;            // what happened
  std::string secret;            // a password or token to show once
  std::string problem;           // what went wrong, not tied to a field
  json fields = json::object();  // values and errors of the form
};

http::Response UsersPage(Site& site, const http::Request& request,
                         Language language, const Shown& shown, int status) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(
      request, language, t["admin"]["usersTitle"].get<std::string>(), true);
  auto users = site.accounts().List();
  if (!users.ok()) {
    return site.ErrorPage(request, language, 500, users.status().message());
  }
  json items = json::array();
  for (const auto& user : *users) {
    items.push_back(
        {{"id", user.id},
         {"username", user.username},
         {"displayName", user.display_name},
         {"role", t["roles"].contains(user.role) ? t["roles"][user.role]
                                                 : json(user.role)},
         {"scope", user.scope},
         {"disabled", user.disabled},
         {"created", user.created_at.substr(0, 10)},
         {"statusAction",
          Localize("/beheer/gebruikers/" + std::to_string(user.id) + "/status",
                   language)},
         {"resetAction", Localize("/beheer/gebruikers/" +
                                      std::to_string(user.id) + "/wachtwoord",
                                  language)}});
  }
  model["users"] = items;
  model["action"] = Localize("/beheer/gebruikers", language);
  model["notice"] = shown.notice;
  model["secret"] = shown.secret;
  model["problem"] = shown.problem;
  model["fields"] = shown.fields;
  model["roles"] = RoleOptions(t, shown.fields.contains("role")
                                      ? shown.fields["role"].value("value", "")
                                      : "city-editor");
  json errors = json::array();
  for (const auto& [field, value] : shown.fields.items()) {
    if (value.contains("error")) {
      errors.push_back({{"field", field}, {"message", value["error"]}});
    }
  }
  model["errors"] = errors;
  model["hasErrors"] = !errors.empty();
  return NoStore(site.Page("admin_users", language, std::move(model), status));
}

http::Response AddUser(Site& site, http::Request& request, Language language) {
  const json& t = site.pages().Translations(language);
  auto fields = ParseForm(request.body).value_or(http::Pairs());
  auth::NewUser user;
  user.username = FormField(fields, "username").value_or("");
  user.display_name = FormField(fields, "displayName").value_or("");
  user.role = FormField(fields, "role").value_or("");
  user.scope = FormField(fields, "scope").value_or("");
  if (user.role == "admin") user.scope.clear();
  Shown shown;
  for (const auto& [name, value] :
       {std::pair{"username", user.username},
        std::pair{"displayName", user.display_name},
        std::pair{"role", user.role}, std::pair{"scope", user.scope}}) {
    shown.fields[name]["value"] = value;
  }
  if (user.username.empty()) {
    shown.fields["username"]["error"] = t["admin"]["usernameRequired"];
    return UsersPage(site, request, language, shown, 400);
  }
  auto added = site.accounts().Add(user);
  if (!added.ok()) {
    auto [field, message] = FieldOf(added.status().message());
    if (field != "username" && field != "displayName" && field != "role" &&
        field != "scope") {
      shown.problem = added.status().message();
    } else {
      shown.fields[field]["error"] = message;
    }
    return UsersPage(site, request, language, shown, 400);
  }
  Shown done;
  done.notice =
      t["admin"]["userAdded"].get<std::string>() + ": " + added->first.username;
  done.secret = added->second;
  return UsersPage(site, request, language, done, 201);
}

http::Response SetUserStatus(Site& site, http::Request& request,
                             Language language) {
  const json& t = site.pages().Translations(language);
  auto fields = ParseForm(request.body).value_or(http::Pairs());
  std::string disabled = FormField(fields, "disabled").value_or("");
  Shown shown;
  if (disabled != "true" && disabled != "false") {
    shown.problem = t["admin"]["badSwitch"];
    return UsersPage(site, request, language, shown, 400);
  }
  auto user = site.accounts().SetDisabled(IdParam(request, "userId"),
                                          disabled == "true");
  if (!user.ok()) {
    shown.problem = user.status().message();
    return UsersPage(site, request, language, shown,
                     user.status().code() == StatusCode::kNotFound ? 404 : 409);
  }
  shown.notice = (disabled == "true" ? t["admin"]["userDisabled"]
                                     : t["admin"]["userEnabled"])
                     .get<std::string>() +
                 ": " + user->username;
  return UsersPage(site, request, language, shown, 200);
}

http::Response ResetUserPassword(Site& site, http::Request& request,
                                 Language language) {
  const json& t = site.pages().Translations(language);
  Shown shown;
  std::int64_t id = IdParam(request, "userId");
  auto user = site.accounts().Find(id);
  auto password = user.ok() ? site.accounts().ResetPassword(id)
                            : Result<std::string>(user.status());
  if (!password.ok()) {
    shown.problem = password.status().message();
    return UsersPage(
        site, request, language, shown,
        password.status().code() == StatusCode::kNotFound ? 404 : 409);
  }
  shown.notice =
      t["admin"]["passwordReset"].get<std::string>() + ": " + user->username;
  shown.secret = *password;
  return UsersPage(site, request, language, shown, 200);
}

http::Response TokensPage(Site& site, const http::Request& request,
                          Language language, const Shown& shown, int status) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(
      request, language, t["admin"]["tokensTitle"].get<std::string>(), true);
  auto tokens = site.tokens().List();
  if (!tokens.ok()) {
    return site.ErrorPage(request, language, 500, tokens.status().message());
  }
  json items = json::array();
  for (const auto& token : *tokens) {
    items.push_back(
        {{"id", token.id},
         {"name", token.name},
         {"role", t["roles"].contains(token.role) ? t["roles"][token.role]
                                                  : json(token.role)},
         {"scope", token.scope},
         {"created", token.created_at.substr(0, 10)},
         {"createdBy", token.created_by},
         {"revoked", token.revoked_at.substr(0, 10)},
         {"revokeAction",
          Localize("/beheer/tokens/" + std::to_string(token.id) + "/intrekken",
                   language)}});
  }
  model["tokens"] = items;
  model["action"] = Localize("/beheer/tokens", language);
  model["notice"] = shown.notice;
  model["secret"] = shown.secret;
  model["problem"] = shown.problem;
  model["fields"] = shown.fields;
  model["roles"] = RoleOptions(t, shown.fields.contains("role")
                                      ? shown.fields["role"].value("value", "")
                                      : "city-editor");
  json errors = json::array();
  for (const auto& [field, value] : shown.fields.items()) {
    if (value.contains("error")) {
      errors.push_back({{"field", field}, {"message", value["error"]}});
    }
  }
  model["errors"] = errors;
  model["hasErrors"] = !errors.empty();
  return NoStore(site.Page("admin_tokens", language, std::move(model), status));
}

http::Response CreateToken(Site& site, http::Request& request,
                           Language language) {
  const json& t = site.pages().Translations(language);
  auto fields = ParseForm(request.body).value_or(http::Pairs());
  std::string name = FormField(fields, "name").value_or("");
  std::string role = FormField(fields, "role").value_or("");
  std::string scope = FormField(fields, "scope").value_or("");
  if (role == "admin") scope.clear();
  Shown shown;
  shown.fields["name"]["value"] = name;
  shown.fields["role"]["value"] = role;
  shown.fields["scope"]["value"] = scope;
  if (name.empty()) {
    shown.fields["name"]["error"] = t["admin"]["tokenNameRequired"];
    return TokensPage(site, request, language, shown, 400);
  }
  auto created = site.tokens().Create(name, role, scope, request.CallerName());
  if (!created.ok()) {
    auto [field, message] = FieldOf(created.status().message());
    if (field != "name" && field != "role" && field != "scope") {
      shown.problem = created.status().message();
    } else {
      shown.fields[field]["error"] = message;
    }
    return TokensPage(site, request, language, shown, 400);
  }
  Shown done;
  done.notice = t["admin"]["tokenCreated"].get<std::string>() + ": " +
                created->first.name;
  done.secret = created->second;
  return TokensPage(site, request, language, done, 201);
}

http::Response RevokeToken(Site& site, http::Request& request,
                           Language language) {
  const json& t = site.pages().Translations(language);
  Shown shown;
  auto revoked = site.tokens().Revoke(IdParam(request, "tokenId"));
  if (!revoked.ok()) {
    shown.problem = revoked.status().message();
    return TokensPage(
        site, request, language, shown,
        revoked.status().code() == StatusCode::kNotFound ? 404 : 409);
  }
  shown.notice =
      t["admin"]["tokenRevoked"].get<std::string>() + ": " + revoked->name;
  return TokensPage(site, request, language, shown, 200);
}

bool IsDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

http::Response AuditPage(Site& site, http::Request& request, Language language,
                         bool verify) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(
      request, language, t["admin"]["auditTitle"].get<std::string>(), true);
  auth::AuditFilter filter;
  filter.page_size = 50;
  json fields = json::object();
  json errors = json::array();
  for (const auto& [param, target] :
       {std::pair{"actor", &filter.actor}, std::pair{"object", &filter.object},
        std::pair{"van", &filter.from}, std::pair{"tot", &filter.to}}) {
    std::string value(request.Query(param).value_or(""));
    fields[param]["value"] = value;
    if (value.empty()) continue;
    if ((std::string_view(param) == "van" ||
         std::string_view(param) == "tot") &&
        !IsDate(value)) {
      fields[param]["error"] = t["admin"]["dateFormat"];
      errors.push_back(
          {{"field", param}, {"message", t["admin"]["dateFormat"]}});
      continue;
    }
    *target = value;
  }
  std::string page_text(request.Query("pagina").value_or("1"));
  std::int64_t page = 1;
  std::from_chars(page_text.data(), page_text.data() + page_text.size(), page);
  filter.page = std::max<std::int64_t>(1, page);
  int status = 200;
  if (errors.empty()) {
    auto trail = auth::ReadAuditTrail(site.database(), filter);
    if (!trail.ok()) {
      return site.ErrorPage(request, language, 500, trail.status().message());
    }
    json rows = json::array();
    for (const auto& entry : trail->items) {
      rows.push_back({{"seq", entry.seq},
                      {"at", entry.at},
                      {"actor", entry.actor},
                      {"role", entry.role},
                      {"action", entry.action},
                      {"object", entry.object},
                      {"oldValue", entry.old_value},
                      {"newValue", entry.new_value},
                      {"requestId", entry.request_id}});
    }
    model["rows"] = rows;
    model["total"] = trail->total;
    model["hasRows"] = !rows.empty();
    // Links to the next and previous pages keep the filter.
    std::string base = Localize("/beheer/audit", language) + "?";
    for (const char* param : {"actor", "object", "van", "tot"}) {
      std::string value = fields[param]["value"];
      if (value.empty()) continue;
      std::string encoded;
      for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/' ||
            c == ':') {
          encoded += static_cast<char>(c);
        } else {
          static const char* kHex = "0123456789ABCDEF";
          encoded += '%';
          encoded += kHex[c >> 4];
          encoded += kHex[c & 15];
        }
      }
      base += std::string(param) + "=" + encoded + "&";
    }
    if (filter.page > 1)
      model["previousUrl"] = base + "pagina=" + std::to_string(filter.page - 1);
    if (filter.page * filter.page_size < trail->total)
      model["nextUrl"] = base + "pagina=" + std::to_string(filter.page + 1);
    model["page"] = filter.page;
  } else {
    status = 400;
  }
  if (verify) {
    auto result = auth::VerifyAuditTrail(site.database());
    if (!result.ok()) {
      return site.ErrorPage(request, language, 500, result.status().message());
    }
    model["verification"] = {
        {"rows", result->rows},
        {"intact", !result->broken_at.has_value()},
        {"brokenAt", result->broken_at ? *result->broken_at : 0},
        {"problem", result->problem}};
  }
  model["fields"] = fields;
  model["errors"] = errors;
  model["hasErrors"] = !errors.empty();
  model["action"] = Localize("/beheer/audit", language);
  model["verifyUrl"] = Localize("/beheer/audit/verificatie", language);
  return NoStore(site.Page("admin_audit", language, std::move(model), status));
}

http::Response AdminHome(Site& site, const http::Request& request,
                         Language language) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(request, language,
                              t["admin"]["title"].get<std::string>(), true);
  model["modulesUrl"] = Localize("/beheer/modules", language);
  model["usersUrl"] = Localize("/beheer/gebruikers", language);
  model["tokensUrl"] = Localize("/beheer/tokens", language);
  model["auditUrl"] = Localize("/beheer/audit", language);
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
  status = site.AddPage("/beheer/gebruikers", AdminOptions("The accounts"),
                        [s](http::Request& r, Language l) {
                          return UsersPage(*s, r, l, Shown(), 200);
                        });
  if (!status.ok()) return status;
  status = site.AddPage("/beheer/tokens", AdminOptions("The API tokens"),
                        [s](http::Request& r, Language l) {
                          return TokensPage(*s, r, l, Shown(), 200);
                        });
  if (!status.ok()) return status;
  status = site.AddPage(
      "/beheer/audit", AdminOptions("The audit trail"),
      [s](http::Request& r, Language l) { return AuditPage(*s, r, l, false); });
  if (!status.ok()) return status;
  status = site.AddPage(
      "/beheer/audit/verificatie",
      AdminOptions("Check the audit trail's hash chain"),
      [s](http::Request& r, Language l) { return AuditPage(*s, r, l, true); });
  if (!status.ok()) return status;
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    struct Form {
      const char* path;
      const char* summary;
      http::Response (*handler)(Site&, http::Request&, Language);
    };
    for (const Form& form :
         {Form{"/beheer/gebruikers", "Add an account", &AddUser},
          Form{"/beheer/gebruikers/{userId}/status",
               "Disable or enable an account", &SetUserStatus},
          Form{"/beheer/gebruikers/{userId}/wachtwoord",
               "Give an account a new password", &ResetUserPassword},
          Form{"/beheer/tokens", "Create an API token", &CreateToken},
          Form{"/beheer/tokens/{tokenId}/intrekken", "Revoke an API token",
               &RevokeToken}}) {
      auto* handler = form.handler;
      status = site.AddRoute("POST", Localize(form.path, language),
                             AdminOptions(form.summary, true),
                             [s, language, handler](http::Request& r) {
                               return handler(*s, r, language);
                             });
      if (!status.ok()) return status;
    }
  }
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
