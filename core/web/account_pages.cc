// Logging in and out, the account page with the password change, and the
// editors' figure entry:
//   GET/POST /inloggen                 the login form (POST on the password
//                                      lane)
//   POST     /uitloggen                ends the session
//   GET      /account                  who you are, what you may enter
//   POST     /account/wachtwoord       change your password
//   GET/POST /invoer/{indicator}       enter a figure (city editors for
//                                      their city, theme editors for their
//                                      theme, administrators)
// and the same under /en. Nothing here is cached; every POST passes the
// authorization point like the API's (permission, city, CSRF token).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>

#include "core/base/time_format.h"
#include "core/domain/measurements.h"
#include "core/web/form.h"
#include "core/web/registers.h"
#include "core/web/view_helpers.h"

namespace smartercities::web {
namespace {

using nlohmann::json;

http::RouteOptions Options(std::string permission, std::string summary,
                           http::Lane lane = http::Lane::kCore) {
  http::RouteOptions options;
  options.permission = std::move(permission);
  options.summary = std::move(summary);
  options.lane = lane;
  return options;
}

http::RouteOptions FormOptions(std::string permission, std::string summary,
                               http::Lane lane = http::Lane::kCore) {
  http::RouteOptions options =
      Options(std::move(permission), std::move(summary), lane);
  options.body_type = std::string(kFormType);
  options.body_limit_bytes = 8192;
  return options;
}

std::int64_t SessionId(const http::Request& request) {
  return request.principal ? request.principal->session_id : 0;
}

std::string Cookie(const Site& site, const std::string& value,
                   std::chrono::seconds max_age) {
  return site.options().session_cookie + "=" + value +
         "; Path=/; Max-Age=" + std::to_string(max_age.count()) +
         "; HttpOnly; SameSite=Strict" + (site.options().tls ? "; Secure" : "");
}

// A path on this site to go back to after logging in; "" for anything else.
std::string SafeReturn(const std::string& target) {
  if (target.empty() || target.front() != '/' || target.starts_with("//") ||
      target.find('\\') != std::string::npos ||
      target.find_first_of("\r\n") != std::string::npos) {
    return "";
  }
  return target;
}

// A form's errors: beside each field and listed at the top, each entry a
// link to its field.
class FormErrors {
 public:
  void Add(const std::string& field, const std::string& message) {
    if (by_field_.contains(field)) return;
    by_field_[field] = message;
    list_.push_back({{"field", field}, {"message", message}});
  }
  bool empty() const { return list_.empty(); }
  // Puts the errors into the model: "errors" (the list) and
  // fields.<name>.error.
  void Into(json& model) const {
    model["errors"] = list_;
    model["hasErrors"] = !list_.empty();
    for (const auto& [field, message] : by_field_) {
      model["fields"][field]["error"] = message;
    }
  }

 private:
  std::map<std::string, std::string> by_field_;
  json list_ = json::array();
};

std::variant<http::Pairs, http::Response> Fields(Site& site,
                                                 const http::Request& request,
                                                 Language language) {
  auto fields = ParseForm(request.body);
  if (!fields) {
    return site.ErrorPage(request, language, 400,
                          "the form's data has a malformed percent escape");
  }
  return std::move(*fields);
}

std::string Field(const http::Pairs& fields, std::string_view name) {
  return FormField(fields, name).value_or("");
}

// ---- login ----

http::Response LoginForm(Site& site, const http::Request& request,
                         Language language, const std::string& username,
                         const std::string& back, const FormErrors& errors,
                         const std::string& message, int status) {
  json extra = {{"back", back}, {"message", message}};
  extra["fields"]["username"]["value"] = username;
  errors.Into(extra);
  return site.LoginForm(request, language, extra, status);
}

http::Response LoginPage(Site& site, http::Request& request,
                         Language language) {
  std::string back =
      SafeReturn(std::string(request.Query("terug").value_or("")));
  if (request.principal) {
    return Redirect(back.empty() ? Localize("/account", language) : back);
  }
  return LoginForm(site, request, language, "", back, FormErrors(), "", 200);
}

http::Response Login(Site& site, http::Request& request, Language language) {
  const json& t = site.pages().Translations(language);
  auto parsed = Fields(site, request, language);
  if (auto* response = std::get_if<http::Response>(&parsed)) return *response;
  const http::Pairs& fields = std::get<http::Pairs>(parsed);
  std::string username = Field(fields, "username");
  std::string password = Field(fields, "password");
  std::string back = SafeReturn(Field(fields, "terug"));
  FormErrors errors;
  if (username.empty()) errors.Add("username", t["login"]["usernameRequired"]);
  if (password.empty()) errors.Add("password", t["login"]["passwordRequired"]);
  if (!errors.empty()) {
    return LoginForm(site, request, language, username, back, errors, "", 400);
  }
  std::chrono::seconds retry_after{0};
  auto login = site.accounts().Login(username, password, &retry_after);
  if (!login.ok()) {
    std::string message = t["login"]["failed"];
    int status = 401;
    if (login.status().code() == StatusCode::kResourceExhausted) {
      message = t["login"]["throttled"].get<std::string>() + " (" +
                std::to_string(retry_after.count()) + " s)";
      status = 429;
    } else if (login.status().code() == StatusCode::kUnavailable) {
      message = t["login"]["busy"];
      status = 503;
    }
    http::Response response = LoginForm(site, request, language, username, back,
                                        FormErrors(), message, status);
    if (status == 429 || status == 503) {
      response.SetHeader(
          "Retry-After",
          status == 429 ? std::to_string(retry_after.count()) : "2");
    }
    return response;
  }
  http::Response response =
      Redirect(back.empty() ? Localize("/account", language) : back);
  response.headers.emplace_back(
      "Set-Cookie",
      Cookie(site, login->session_token, site.accounts().limits().absolute));
  return response;
}

http::Response Logout(Site& site, http::Request& request, Language language) {
  std::int64_t session = SessionId(request);
  if (session != 0) {
    Status ended = site.accounts().Logout(session);
    if (!ended.ok()) {
      return site.ErrorPage(request, language, 500, ended.message());
    }
  }
  http::Response response = Redirect(Localize("/", language));
  response.headers.emplace_back("Set-Cookie",
                                Cookie(site, "", std::chrono::seconds(0)));
  return response;
}

// ---- account ----

// The indicators principal may enter figures for: a city editor's city's
// (per-city indicators that concern the city), a theme editor's theme's,
// everything for administrators.
Result<json> EntryLinks(Site& site, const std::string& role,
                        const std::string& scope, Language language) {
  auto themes = EnabledThemes(site);
  if (!themes.ok()) return themes.status();
  json groups = json::array();
  for (const auto& theme : *themes) {
    if (role == "theme-editor" && theme.id != scope) continue;
    json items = json::array();
    for (const auto& indicator : theme.indicators) {
      if (role == "city-editor") {
        if (indicator.scope != domain::IndicatorScope::kCity) continue;
        if (!indicator.cities.empty() &&
            std::find(indicator.cities.begin(), indicator.cities.end(),
                      scope) == indicator.cities.end()) {
          continue;
        }
      }
      items.push_back({{"name", Localized(indicator.name, language)},
                       {"url", Localize("/invoer/" + indicator.id, language)},
                       {"pageUrl", IndicatorUrl(indicator.id, language)}});
    }
    if (!items.empty()) {
      groups.push_back(
          {{"theme", Localized(theme.name, language)}, {"indicators", items}});
    }
  }
  return groups;
}

http::Response AccountPage(Site& site, const http::Request& request,
                           Language language, const FormErrors& errors,
                           const std::string& notice, int status) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(request, language,
                              t["account"]["title"].get<std::string>(), true);
  std::string role(request.CallerRole());
  std::string scope(request.CallerScope());
  model["roleLabel"] =
      t["roles"].contains(role) ? t["roles"][role] : json(role);
  model["scope"] = scope;
  model["isAdmin"] = role == "admin";
  model["isSession"] = SessionId(request) != 0;
  model["adminUrl"] = Localize("/beheer", language);
  model["passwordAction"] = Localize("/account/wachtwoord", language);
  model["uploadUrl"] = Localize("/invoer/cijfers", language);
  model["notice"] = notice;
  if (role == "city-editor") {
    auto cities = Cities(site);
    if (cities.ok() && cities->contains(scope)) {
      model["scopeLabel"] = cities->at(scope).name;
      model["scopeUrl"] = CityUrl(scope, language);
    }
  } else if (role == "theme-editor") {
    model["scopeLabel"] = scope;
    model["scopeUrl"] = ThemeUrl(scope, language);
  }
  auto links = EntryLinks(site, role, scope, language);
  if (!links.ok())
    return site.ErrorPage(request, language, 500, links.status().message());
  model["entryGroups"] = *links;
  model["hasEntry"] = !links->empty();
  // The registers this account keeps: a city editor's city's records in
  // every register with a city, a theme editor's theme's registers.
  json registers = json::array();
  for (const Register& reg : Registers(site)) {
    if (role == "theme-editor" && reg.theme != scope) continue;
    if (role == "city-editor" && reg.permission != "city-editor") continue;
    registers.push_back(
        {{"name", reg.name},
         {"theme", Localized(reg.theme_name, language)},
         {"url",
          Localize("/invoer/themas/" + reg.theme + "/" + reg.name, language)}});
  }
  model["registers"] = registers;
  model["hasRegisters"] = !registers.empty();
  errors.Into(model);
  return NoStore(site.Page("account", language, std::move(model), status));
}

http::Response ChangePassword(Site& site, http::Request& request,
                              Language language) {
  const json& t = site.pages().Translations(language);
  auto parsed = Fields(site, request, language);
  if (auto* response = std::get_if<http::Response>(&parsed)) return *response;
  const http::Pairs& fields = std::get<http::Pairs>(parsed);
  std::string name = request.CallerName();
  FormErrors errors;
  if (!name.starts_with("user:") || SessionId(request) == 0) {
    return site.ErrorPage(request, language, 400,
                          t["account"]["tokenNoPassword"]);
  }
  auto user = site.accounts().FindByName(name.substr(5));
  if (!user.ok()) {
    return site.ErrorPage(request, language, 500, user.status().message());
  }
  std::string current = Field(fields, "current");
  std::string fresh = Field(fields, "new");
  std::string repeat = Field(fields, "repeat");
  if (current.empty()) errors.Add("current", t["account"]["currentRequired"]);
  if (fresh.empty()) errors.Add("new", t["account"]["newRequired"]);
  if (!fresh.empty() && fresh != repeat)
    errors.Add("repeat", t["account"]["repeatDiffers"]);
  if (errors.empty()) {
    auto matches = site.accounts().CheckPassword(user->id, current);
    if (!matches.ok()) {
      return site.ErrorPage(request, language, 500, matches.status().message());
    }
    if (!*matches) errors.Add("current", t["account"]["currentWrong"]);
  }
  if (errors.empty()) {
    Status changed =
        site.accounts().SetPassword(user->id, fresh, true, SessionId(request));
    if (!changed.ok()) {
      // The rules' message names what is wrong with the password.
      errors.Add("new", changed.message());
    }
  }
  if (!errors.empty())
    return AccountPage(site, request, language, errors, "", 400);
  return AccountPage(site, request, language, FormErrors(),
                     t["account"]["passwordChanged"], 200);
}

// ---- figure entry ----

struct Entry {
  std::string city;
  std::string period;
  std::string value;
  std::string source;
};

http::Response EntryForm(Site& site, const http::Request& request,
                         Language language, const Entry& entry,
                         const FormErrors& errors, int status) {
  const json& t = site.pages().Translations(language);
  std::string id(request.Param("indicator"));
  auto record = site.catalog().GetIndicator(id);
  if (!record.ok()) {
    return site.ErrorPage(request, language, 500, record.status().message());
  }
  if (!record->has_value() || !site.modules().IsEnabled((*record)->theme_id)) {
    return site.ErrorPage(request, language, 404, t["error"]["noIndicator"]);
  }
  const domain::Indicator& indicator = (*record)->indicator;
  auto cities = Cities(site);
  if (!cities.ok()) {
    return site.ErrorPage(request, language, 500, cities.status().message());
  }
  std::string role(request.CallerRole());
  std::string scope(request.CallerScope());
  json model = site.BaseModel(
      request, language,
      t["entry"]["title"].get<std::string>() + ": " +
          Localized(indicator.name, language)["text"].get<std::string>(),
      true);
  model["indicator"] = {
      {"name", Localized(indicator.name, language)},
      {"url", IndicatorUrl(indicator.id, language)},
      {"target", FormatValue(indicator.target, indicator.unit, language, t)},
      {"deadline", FormatDate(indicator.deadline, t)},
      {"unit", indicator.unit},
      {"isMilestone", indicator.kind == "milestone"},
      {"isNetwork", indicator.scope == domain::IndicatorScope::kNetwork}};
  model["action"] = Localize("/invoer/" + indicator.id, language);
  json options = json::array();
  if (indicator.scope == domain::IndicatorScope::kCity) {
    for (const auto& [code, city] : *cities) {
      if (role == "city-editor" && code != scope) continue;
      if (!indicator.cities.empty() &&
          std::find(indicator.cities.begin(), indicator.cities.end(), code) ==
              indicator.cities.end()) {
        continue;
      }
      options.push_back({{"code", code},
                         {"name", city.name},
                         {"selected", code == entry.city}});
    }
    std::sort(options.begin(), options.end(), [](const json& a, const json& b) {
      return a["name"] < b["name"];
    });
  }
  model["cities"] = options;
  model["singleCity"] = options.size() == 1;
  if (options.size() == 1) model["onlyCity"] = options[0];
  model["fields"]["period"]["value"] = entry.period;
  model["fields"]["value"]["value"] = entry.value;
  model["fields"]["source"]["value"] = entry.source;
  errors.Into(model);
  return NoStore(site.Page("entry", language, std::move(model), status));
}

// "55,5" or "55.5" as a number.
std::optional<double> ParseNumber(std::string text) {
  while (!text.empty() && text.back() == ' ') text.pop_back();
  while (!text.empty() && text.front() == ' ') text.erase(0, 1);
  std::replace(text.begin(), text.end(), ',', '.');
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

http::Response EnterFigure(Site& site, http::Request& request,
                           Language language) {
  const json& t = site.pages().Translations(language);
  auto parsed = Fields(site, request, language);
  if (auto* response = std::get_if<http::Response>(&parsed)) return *response;
  const http::Pairs& fields = std::get<http::Pairs>(parsed);
  Entry entry{Field(fields, "city"), Field(fields, "period"),
              Field(fields, "value"), Field(fields, "source")};
  auto record = site.catalog().GetIndicator(request.Param("indicator"));
  if (!record.ok()) {
    return site.ErrorPage(request, language, 500, record.status().message());
  }
  if (!record->has_value() || !site.modules().IsEnabled((*record)->theme_id)) {
    return site.ErrorPage(request, language, 404, t["error"]["noIndicator"]);
  }
  const domain::Indicator& indicator = (*record)->indicator;
  FormErrors errors;
  const json& messages = t["entry"]["errors"];
  static const std::regex kMonth(R"([0-9]{4}-(0[1-9]|1[0-2]))");
  if (indicator.scope == domain::IndicatorScope::kCity && entry.city.empty())
    errors.Add("city", messages["cityRequired"]);
  if (entry.period.empty()) {
    errors.Add("period", messages["periodRequired"]);
  } else if (!std::regex_match(entry.period, kMonth)) {
    errors.Add("period", messages["periodFormat"]);
  } else if (entry.period > CurrentMonthUtc()) {
    errors.Add("period", messages["periodFuture"]);
  }
  std::optional<double> value = ParseNumber(entry.value);
  if (entry.value.empty()) {
    errors.Add("value", messages["valueRequired"]);
  } else if (!value) {
    errors.Add("value", messages["valueNumber"]);
  } else if (indicator.kind == "milestone" && *value != 0 && *value != 1) {
    errors.Add("value", messages["valueMilestone"]);
  } else if (indicator.unit == "percent" && (*value < 0 || *value > 100)) {
    errors.Add("value", messages["valuePercent"]);
  } else if (*value < 0) {
    errors.Add("value", messages["valueNegative"]);
  }
  if (errors.empty()) {
    domain::Measurement measurement;
    measurement.city =
        indicator.scope == domain::IndicatorScope::kCity ? entry.city : "";
    measurement.period = entry.period;
    measurement.value = *value;
    measurement.source = entry.source;
    measurement.recorded_by = request.CallerName();
    domain::Measurements measurements(site.database());
    auto stored =
        measurements.Record(indicator, measurement, CurrentMonthUtc());
    if (!stored.ok()) {
      // The domain's message starts with the field it is about.
      const std::string& message = stored.status().message();
      std::size_t colon = message.find(": ");
      std::string field =
          colon == std::string::npos ? "" : message.substr(0, colon);
      if (field != "city" && field != "period" && field != "value" &&
          field != "source") {
        return site.ErrorPage(request, language, 500, message);
      }
      errors.Add(field, message.substr(colon + 2));
    } else {
      std::string anchor =
          measurement.city.empty() ? "" : "#stad-" + measurement.city;
      return Redirect(IndicatorUrl(indicator.id, language) + anchor);
    }
  }
  return EntryForm(site, request, language, entry, errors, 422);
}

}  // namespace

Status RegisterAccountPages(Site& site) {
  Site* s = &site;
  http::RouteOptions login = Options("public", "The login form");
  Status status = site.AddPage(
      "/inloggen", login,
      [s](http::Request& r, Language l) { return LoginPage(*s, r, l); });
  if (!status.ok()) return status;
  status = site.AddPage("/account", Options("authenticated", "Your account"),
                        [s](http::Request& r, Language l) {
                          return AccountPage(*s, r, l, FormErrors(), "", 200);
                        });
  if (!status.ok()) return status;
  // Anyone logged in may see the form; sending it needs the city-editor
  // permission for the city it names.
  status = site.AddPage("/invoer/{indicator}",
                        Options("authenticated", "The form to enter a figure"),
                        [s](http::Request& r, Language l) {
                          Entry entry;
                          entry.city =
                              std::string(r.Query("stad").value_or(""));
                          if (r.CallerRole() == "city-editor")
                            entry.city = r.CallerScope();
                          return EntryForm(*s, r, l, entry, FormErrors(), 200);
                        });
  if (!status.ok()) return status;
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    status = site.AddRoute(
        "POST", Localize("/inloggen", language),
        FormOptions("public", "Log in from the login form",
                    http::Lane::kPasswords),
        [s, language](http::Request& r) { return Login(*s, r, language); });
    if (!status.ok()) return status;
    status = site.AddRoute(
        "POST", Localize("/uitloggen", language),
        FormOptions("authenticated", "Log out"),
        [s, language](http::Request& r) { return Logout(*s, r, language); });
    if (!status.ok()) return status;
    status = site.AddRoute("POST", Localize("/account/wachtwoord", language),
                           FormOptions("authenticated", "Change your password",
                                       http::Lane::kPasswords),
                           [s, language](http::Request& r) {
                             return ChangePassword(*s, r, language);
                           });
    if (!status.ok()) return status;
    status = site.AddRoute("POST", Localize("/invoer/{indicator}", language),
                           FormOptions("city-editor", "Enter a figure"),
                           [s, language](http::Request& r) {
                             return EnterFigure(*s, r, language);
                           });
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace smartercities::web
