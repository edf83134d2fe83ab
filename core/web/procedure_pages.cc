// The join procedure of article 8 and the publications of articles 8, 9e
// and 13 on the site:
//   GET  /themas/{theme}/toetredingen/nieuw        the form to ask to join
//                                                  (a city editor of a city
//                                                  that does not take part)
//   POST /themas/{theme}/toetredingen              ask
//   GET  /themas/{theme}/toetredingen/{requestId}  a request: the motivation,
//                                                  the consultation, the
//                                                  responses, the decision,
//                                                  and the step the caller
//                                                  may take now
//   POST /themas/{theme}/toetredingen/{requestId}/voorleggen  consult
//   POST /themas/{theme}/toetredingen/{requestId}/reactie     respond
//   POST /themas/{theme}/toetredingen/{requestId}/besluit     decide
//   GET  /publicaties                              what the procedures
//                                                  published (cacheable)
// and the same under /en. Each form posts to the join procedure's API route
// in-process as the logged-in user (Site::CallApi), so the domain decides
// exactly as for the API and a refusal shows the API's reason; a problem
// that names a field stands next to that field.
//
// Article 8: "Steden kunnen gedurende de looptijd van het convenant in
// overleg met de betreffende Trekkende Stad bij thema's toetreden als
// Betrokken Stad. De Trekkende Stad legt dit verzoek voor aan de overige
// Betrokken Steden. Deze toetreding zal openbaar worden gemaakt op de
// website van Stedenlink."
#include <algorithm>
#include <charconv>

#include "core/domain/join_requests.h"
#include "core/domain/participation.h"
#include "core/web/form.h"
#include "core/web/view_helpers.h"

namespace smartercities::web {
namespace {

using nlohmann::json;

http::Response NoStore(http::Response response) {
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

http::Response Redirect(const std::string& location) {
  http::Response response;
  response.status = 303;
  response.SetHeader("Location", location);
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

std::string ProblemDetail(const http::Response& answer) {
  json problem = json::parse(answer.body, nullptr, false);
  if (problem.is_object() && problem.contains("detail") &&
      problem["detail"].is_string()) {
    return problem["detail"].get<std::string>();
  }
  return answer.body.substr(0, 300);
}

std::optional<std::int64_t> RequestIdOf(const http::Request& request) {
  std::string_view text = request.Param("requestId");
  std::int64_t id = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 1) {
    return std::nullopt;
  }
  return id;
}

std::optional<domain::ThemeManifest> EnabledTheme(Site& site,
                                                  std::string_view id) {
  auto themes = EnabledThemes(site);
  if (!themes.ok()) return std::nullopt;
  for (auto& theme : *themes) {
    if (theme.id == id) return std::move(theme);
  }
  return std::nullopt;
}

std::string JoinBase(const std::string& theme, Language language) {
  return Localize("/themas/" + theme + "/toetredingen", language);
}

// What a form sent back and what the API said of it, for showing the form
// again.
struct FormState {
  std::map<std::string, std::string> values;
  std::map<std::string, std::string> errors;
  std::string problem;
};

// The API's answer to a form as the form's state: a 400 whose detail starts
// with one of fields ("reason: must not be empty") is put next to that
// field, anything else above the form.
void TakeProblem(const http::Response& answer,
                 const std::vector<std::string>& fields, FormState& state) {
  std::string detail = ProblemDetail(answer);
  std::size_t colon = detail.find(": ");
  std::string field = colon == std::string::npos ? "" : detail.substr(0, colon);
  if (answer.status == 400 &&
      std::find(fields.begin(), fields.end(), field) != fields.end()) {
    state.errors[field] = detail.substr(colon + 2);
  } else {
    state.problem = detail;
  }
}

json ErrorsJson(const FormState& state) {
  json errors = json::array();
  for (const auto& [field, message] : state.errors) {
    errors.push_back({{"field", field}, {"message", message}});
  }
  return errors;
}

std::string StateLabel(const std::string& state, const json& t) {
  if (state == "in-consultation")
    return t["join"]["stateConsultation"].get<std::string>();
  if (state == "accepted") return t["join"]["stateAccepted"].get<std::string>();
  if (state == "refused") return t["join"]["stateRefused"].get<std::string>();
  return t["join"]["stateRequested"].get<std::string>();
}

// A city's name by CBS code, or "Stedenlink" for the secretariat.
std::string PartyName(const std::map<std::string, CityRow>& cities,
                      const std::string& id) {
  if (id == "stedenlink") return "Stedenlink";
  auto found = cities.find(id);
  return found == cities.end() ? id : found->second.name;
}

// ---- asking ----

http::Response AskPage(Site& site, const http::Request& request,
                       Language language, const domain::ThemeManifest& theme,
                       const FormState& state, int status) {
  const json& t = site.pages().Translations(language);
  json theme_name = Localized(theme.name, language);
  json model = site.BaseModel(request, language,
                              t["join"]["askTitle"].get<std::string>() + ": " +
                                  theme_name["text"].get<std::string>(),
                              true);
  model["theme"] = {{"name", theme_name},
                    {"url", ThemeUrl(theme.id, language)}};
  std::string role(request.CallerRole());
  std::string scope(request.CallerScope());
  // Only a city editor asks, for their own city (art. 8: "Steden kunnen
  // ... toetreden"); a city that takes part already or has an open request
  // cannot ask again.
  std::string reason;
  if (role != "city-editor") {
    reason = t["join"]["askOnlyCities"].get<std::string>();
  } else {
    auto participants =
        domain::Participation(site.database()).OfTheme(theme.id);
    if (!participants.ok()) {
      return site.ErrorPage(request, language, 500,
                            participants.status().message());
    }
    for (const auto& participant : *participants) {
      if (participant.kind == "city" && participant.id == scope) {
        reason = t["join"]["askTakesPart"].get<std::string>();
      }
    }
    auto requests = domain::JoinRequests(site.database()).List(theme.id);
    if (!requests.ok()) {
      return site.ErrorPage(request, language, 500,
                            requests.status().message());
    }
    for (const auto& open : *requests) {
      if (open.city == scope &&
          (open.state == "requested" || open.state == "in-consultation")) {
        reason = t["join"]["askOpen"].get<std::string>();
        model["openUrl"] =
            JoinBase(theme.id, language) + "/" + std::to_string(open.id);
      }
    }
  }
  auto cities = Cities(site);
  std::string city_name = scope;
  if (cities.ok()) city_name = PartyName(*cities, scope);
  model["canAsk"] = reason.empty();
  model["reason"] = reason;
  model["city"] = {{"code", scope}, {"name", city_name}};
  model["action"] = JoinBase(theme.id, language);
  auto value = state.values.find("motivation");
  model["motivation"] = value == state.values.end() ? "" : value->second;
  if (auto error = state.errors.find("motivation");
      error != state.errors.end()) {
    model["motivationError"] = error->second;
  }
  model["errors"] = ErrorsJson(state);
  model["hasErrors"] = !state.errors.empty();
  model["problem"] = state.problem;
  return NoStore(site.Page("join_ask", language, std::move(model), status));
}

http::Response Ask(Site& site, http::Request& request, Language language) {
  auto theme = EnabledTheme(site, request.Param("theme"));
  const json& t = site.pages().Translations(language);
  if (!theme) {
    return site.ErrorPage(request, language, 404,
                          t["error"]["noTheme"].get<std::string>());
  }
  auto form = ParseForm(request.body).value_or(http::Pairs());
  FormState state;
  state.values["motivation"] = FormField(form, "motivation").value_or("");
  std::string city = FormField(form, "city").value_or("");
  http::Response answer = site.CallApi(
      request, "POST", "/api/v1/themes/" + theme->id + "/join-requests",
      json{{"city", city}, {"motivation", state.values["motivation"]}});
  if (answer.status == 201) {
    json made = json::parse(answer.body, nullptr, false);
    std::int64_t id = made.is_object() ? made.value("id", std::int64_t{0}) : 0;
    return Redirect(JoinBase(theme->id, language) + "/" + std::to_string(id) +
                    "?stap=gevraagd");
  }
  TakeProblem(answer, {"motivation"}, state);
  return AskPage(site, request, language, *theme, state,
                 answer.status == 400 ? 422 : answer.status);
}

// ---- one request ----

http::Response RequestPage(Site& site, const http::Request& request,
                           Language language,
                           const domain::ThemeManifest& theme, std::int64_t id,
                           const FormState& state, int status) {
  const json& t = site.pages().Translations(language);
  auto found = domain::JoinRequests(site.database()).Get(theme.id, id);
  if (!found.ok()) {
    return site.ErrorPage(request, language, 404,
                          t["join"]["noRequest"].get<std::string>());
  }
  const domain::JoinRequest& join = *found;
  auto cities = Cities(site);
  if (!cities.ok()) {
    return site.ErrorPage(request, language, 500, cities.status().message());
  }
  auto participants = domain::Participation(site.database()).OfTheme(theme.id);
  if (!participants.ok()) {
    return site.ErrorPage(request, language, 500,
                          participants.status().message());
  }
  json theme_name = Localized(theme.name, language);
  std::string title = t["join"]["requestTitle"].get<std::string>() + " " +
                      join.city_name + " — " +
                      theme_name["text"].get<std::string>();
  json model = site.BaseModel(request, language, title, true);
  model["heading"] =
      t["join"]["requestTitle"].get<std::string>() + " " + join.city_name;
  model["theme"] = {{"name", theme_name},
                    {"url", ThemeUrl(theme.id, language)}};
  model["request"] = {
      {"id", join.id},
      {"cityName", join.city_name},
      {"cityUrl", CityUrl(join.city, language)},
      {"motivation", join.motivation},
      {"state", join.state},
      {"stateLabel", StateLabel(join.state, t)},
      {"requestedOn", FormatDate(join.requested_at.substr(0, 10), t)},
      {"apiUrl", "/api/v1/themes/" + theme.id + "/join-requests/" +
                     std::to_string(join.id)}};
  if (!join.consulted_at.empty()) {
    model["consultation"] = {
        {"on", FormatDate(join.consulted_at.substr(0, 10), t)},
        {"by", PartyName(*cities, join.consulted_for)},
        {"note", join.consultation_note}};
  }
  json responses = json::array();
  for (const domain::JoinResponse& response : join.responses) {
    responses.push_back(
        {{"cityName", response.city_name},
         {"cityUrl", CityUrl(response.city, language)},
         {"position", response.position == "object" ? t["join"]["object"]
                                                    : t["join"]["agree"]},
         {"isObject", response.position == "object"},
         {"comment", response.comment},
         {"on", FormatDate(response.responded_at.substr(0, 10), t)}});
  }
  model["responses"] = responses;
  model["hasResponses"] = !responses.empty();
  json awaiting = json::array();
  for (const std::string& code : join.awaiting) {
    awaiting.push_back(
        {{"name", PartyName(*cities, code)}, {"url", CityUrl(code, language)}});
  }
  model["awaiting"] = awaiting;
  model["hasAwaiting"] = !awaiting.empty();
  if (!join.decided_at.empty()) {
    model["decision"] = {
        {"outcome", StateLabel(join.state, t)},
        {"isAccepted", join.state == "accepted"},
        {"on", FormatDate(join.decided_at.substr(0, 10), t)},
        {"by", PartyName(*cities, join.decided_for)},
        {"reason", join.decision_reason},
        {"joinedOn",
         join.joined_on.empty() ? "" : FormatDate(join.joined_on, t)}};
  }
  // Whose step it is, for everyone to read.
  model["next"] = join.state == "requested" ? t["join"]["nextConsult"]
                  : join.state == "in-consultation"
                      ? t["join"]["nextRespondDecide"]
                      : t["join"]["nextNone"];

  // The steps the caller may take now: the leading city (or an
  // administrator for Stedenlink) puts the request to the involved cities
  // and decides; the other cities that take part respond, each once.
  std::string role(request.CallerRole());
  std::string scope(request.CallerScope());
  bool leading = role == "admin";
  bool taking_part = false;
  for (const auto& participant : *participants) {
    if (participant.kind != "city" || role != "city-editor" ||
        participant.id != scope) {
      continue;
    }
    if (participant.role == "leading") leading = true;
    if (participant.id != join.city) taking_part = true;
  }
  bool awaited = std::find(join.awaiting.begin(), join.awaiting.end(), scope) !=
                 join.awaiting.end();
  bool can_consult = leading && join.state == "requested";
  bool can_respond = taking_part && awaited && join.state == "in-consultation";
  bool can_decide = leading && join.state == "in-consultation";
  model["canConsult"] = can_consult;
  model["canRespond"] = can_respond;
  model["canDecide"] = can_decide;
  model["noStep"] =
      request.principal.has_value() && !can_consult && !can_respond &&
      !can_decide &&
      (join.state == "requested" || join.state == "in-consultation");
  model["loginBack"] = Localize("/inloggen", language) +
                       "?terug=" + JoinBase(theme.id, language) + "/" +
                       std::to_string(join.id);
  std::string base =
      JoinBase(theme.id, language) + "/" + std::to_string(join.id);
  model["consultAction"] = base + "/voorleggen";
  model["respondAction"] = base + "/reactie";
  model["decideAction"] = base + "/besluit";
  auto value = [&](const std::string& key) {
    auto found_value = state.values.find(key);
    return found_value == state.values.end() ? std::string()
                                             : found_value->second;
  };
  auto error = [&](const std::string& key) {
    auto found_error = state.errors.find(key);
    return found_error == state.errors.end() ? json(nullptr)
                                             : json(found_error->second);
  };
  model["values"] = {{"note", value("note")},
                     {"comment", value("comment")},
                     {"reason", value("reason")},
                     {"agree", value("position") == "agree"},
                     {"object", value("position") == "object"},
                     {"accepted", value("outcome") == "accepted"},
                     {"refused", value("outcome") == "refused"}};
  model["fieldErrors"] = {{"note", error("note")},
                          {"comment", error("comment")},
                          {"position", error("position")},
                          {"outcome", error("outcome")},
                          {"reason", error("reason")}};
  model["errors"] = ErrorsJson(state);
  model["hasErrors"] = !state.errors.empty();
  model["problem"] = state.problem;
  std::string step(request.Query("stap").value_or(""));
  if (state.problem.empty() && state.errors.empty() && !step.empty()) {
    if (t["join"]["done"].contains(step))
      model["notice"] = t["join"]["done"][step];
  }
  return NoStore(site.Page("join_request", language, std::move(model), status));
}

// One step of the procedure: the form's fields sent as the API's body.
http::Response Step(Site& site, http::Request& request, Language language,
                    const std::string& api_action,
                    const std::vector<std::string>& fields,
                    const std::string& done) {
  const json& t = site.pages().Translations(language);
  auto theme = EnabledTheme(site, request.Param("theme"));
  auto id = RequestIdOf(request);
  if (!theme || !id) {
    return site.ErrorPage(request, language, 404,
                          t["join"]["noRequest"].get<std::string>());
  }
  auto form = ParseForm(request.body).value_or(http::Pairs());
  FormState state;
  json body = json::object();
  for (const std::string& field : fields) {
    std::string value = FormField(form, field).value_or("");
    state.values[field] = value;
    body[field] = value;
  }
  http::Response answer =
      site.CallApi(request, "POST",
                   "/api/v1/themes/" + theme->id + "/join-requests/" +
                       std::to_string(*id) + "/" + api_action,
                   body);
  if (answer.status == 200 || answer.status == 201) {
    return Redirect(JoinBase(theme->id, language) + "/" + std::to_string(*id) +
                    "?stap=" + done);
  }
  TakeProblem(answer, fields, state);
  return RequestPage(site, request, language, *theme, *id, state,
                     answer.status == 400 ? 422 : answer.status);
}

// ---- publications ----

http::Response PublicationsPage(Site& site, http::Request& request,
                                Language language) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(
      request, language, t["publications"]["title"].get<std::string>(), false);
  model["atomFeed"] = "/api/v1/publications.atom";
  http::Response answer =
      site.CallApi(request, "GET", "/api/v1/publications?pageSize=500");
  json body = json::parse(answer.body, nullptr, false);
  if (answer.status != 200 || !body.is_object() || !body.contains("items")) {
    return site.ErrorPage(request, language, 500, ProblemDetail(answer));
  }
  const char* code = language == Language::kDutch ? "nl" : "en";
  json items = json::array();
  for (const auto& entry : body["items"]) {
    std::string url = entry.value("url", "");
    // A join links to its page on the site; the rest to the API's object.
    std::string page_url = url;
    const std::string themes_prefix = "/api/v1/themes/";
    std::size_t marker = url.find("/join-requests/");
    if (url.starts_with(themes_prefix) && marker != std::string::npos) {
      page_url = JoinBase(url.substr(themes_prefix.size(),
                                     marker - themes_prefix.size()),
                          language) +
                 "/" + url.substr(marker + 15);
    }
    std::string published = entry.value("published", "");
    items.push_back(
        {{"id", entry.value("id", "")},
         {"kind", entry.value("kind", "")},
         {"title", entry.value("title", json::object()).value(code, "")},
         {"summary", entry.value("summary", json::object()).value(code, "")},
         {"published", FormatDate(published.substr(0, 10), t)},
         {"datetime", published},
         {"url", page_url},
         {"apiUrl", url}});
  }
  model["items"] = items;
  model["hasItems"] = !items.empty();
  model["total"] = items.size();
  return site.Page("publications", language, std::move(model));
}

}  // namespace

Status RegisterProcedurePages(Site& site) {
  Site* s = &site;
  auto no_theme = [s](http::Request& r, Language l) {
    return s->ErrorPage(
        r, l, 404,
        s->pages().Translations(l)["error"]["noTheme"].get<std::string>());
  };
  http::RouteOptions personal;
  personal.permission = "authenticated";
  personal.summary = "The form to ask that a city join a theme (art. 8)";
  Status status =
      site.AddPage("/themas/{theme}/toetredingen/nieuw", personal,
                   [s, no_theme](http::Request& r, Language l) {
                     auto theme = EnabledTheme(*s, r.Param("theme"));
                     if (!theme) return no_theme(r, l);
                     return AskPage(*s, r, l, *theme, FormState(), 200);
                   });
  if (!status.ok()) return status;
  // Public, but not cached: a logged-in caller sees the step they may take.
  http::RouteOptions request_page;
  request_page.permission = "public";
  request_page.summary =
      "A join request with its consultation, responses and decision (art. 8)";
  status = site.AddPage(
      "/themas/{theme}/toetredingen/{requestId}", request_page,
      [s](http::Request& r, Language l) {
        auto theme = EnabledTheme(*s, r.Param("theme"));
        auto id = RequestIdOf(r);
        if (!theme || !id) {
          return s->ErrorPage(r, l, 404,
                              s->pages()
                                  .Translations(l)["join"]["noRequest"]
                                  .get<std::string>());
        }
        return RequestPage(*s, r, l, *theme, *id, FormState(), 200);
      });
  if (!status.ok()) return status;

  http::RouteOptions form;
  form.permission = "authenticated";
  form.body_type = std::string(kFormType);
  form.body_limit_bytes = 32768;
  struct StepRoute {
    const char* path;
    const char* api_action;
    std::vector<std::string> fields;
    const char* done;
    const char* summary;
  };
  const std::vector<StepRoute> steps = {
      {"/voorleggen",
       "consultation",
       {"note"},
       "voorgelegd",
       "The leading city puts a join request to the involved cities"},
      {"/reactie",
       "responses",
       {"position", "comment"},
       "gereageerd",
       "An involved city responds to a join request"},
      {"/besluit",
       "decision",
       {"outcome", "reason"},
       "besloten",
       "The leading city decides on a join request"},
  };
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    form.summary = "Ask that a city join a theme (art. 8)";
    status = site.AddRoute(
        "POST", Localize("/themas/{theme}/toetredingen", language), form,
        [s, language](http::Request& r) { return Ask(*s, r, language); });
    if (!status.ok()) return status;
    for (const StepRoute& step : steps) {
      form.summary = step.summary;
      std::string action = step.api_action;
      std::vector<std::string> fields = step.fields;
      std::string done = step.done;
      status = site.AddRoute(
          "POST",
          Localize(std::string("/themas/{theme}/toetredingen/{requestId}") +
                       step.path,
                   language),
          form, [s, language, action, fields, done](http::Request& r) {
            return Step(*s, r, language, action, fields, done);
          });
      if (!status.ok()) return status;
    }
  }

  http::RouteOptions publications;
  publications.permission = "public";
  publications.cacheable = true;
  publications.summary =
      "What the covenant's procedures published (art. 8, 9e, 13)";
  return site.AddPage(
      "/publicaties", publications,
      [s](http::Request& r, Language l) { return PublicationsPage(*s, r, l); });
}

}  // namespace smartercities::web
