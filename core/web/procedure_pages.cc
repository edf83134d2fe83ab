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

#include "core/domain/amendments.h"
#include "core/domain/join_requests.h"
#include "core/domain/meetings.h"
#include "core/domain/participation.h"
#include "core/domain/parties.h"
#include "core/web/form.h"
#include "core/web/view_helpers.h"

namespace smartercities::web {
namespace {

using nlohmann::json;

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

// The API's answer to a form as the form's state: a 400 that names one of
// fields ("reason: must not be empty") has its reason put next to that
// field; anything else is shown above the form.
void TakeProblem(const http::Response& answer,
                 const std::vector<std::string>& fields, FormState& state) {
  PlacedProblems placed = PlaceProblems(
      answer, [&](const std::string& name) -> std::optional<std::string> {
        if (std::find(fields.begin(), fields.end(), name) == fields.end()) {
          return std::nullopt;
        }
        return name;
      });
  state.errors.insert(placed.errors.begin(), placed.errors.end());
  if (!placed.above.empty()) state.problem = placed.above;
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
  auto id = PathId(request, "requestId");
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

// ---- amendments (art. 5b, 9) ----
//
// 9a: "Elke partij kan de andere partij (partijen) voorstellen het
// convenant of een van de themaparagrafen te wijzigen."
//   GET  /wijzigingen                    the amendments, ?thema= narrows to
//                                        a theme or "algemeen" (cacheable)
//   GET  /wijzigingen/nieuw              the form to propose one
//   POST /wijzigingen                    propose
//   GET  /wijzigingen/{amendmentId}      one amendment: target, reason, word
//                                        diff, responses, consent, report,
//                                        effect, and the caller's step now
//   POST /wijzigingen/{amendmentId}/reactie           respond (9b, 9c)
//   POST /wijzigingen/{amendmentId}/instemming        consent (9b)
//   POST /wijzigingen/{amendmentId}/bericht           report (9d)
//   POST /wijzigingen/{amendmentId}/inwerkingtreding  take effect (9d)
//   POST /wijzigingen/{amendmentId}/intrekking        withdraw
// Each posts to /api/v1/amendments in-process as the caller, so
// domain::Amendments decides who may take a step, as for the API.

bool IsParty(const std::string& id) { return domain::FindParty(id) != nullptr; }

// A party's or city's name: a city by its name, a party by its short name.
std::string AmendmentPartyName(const std::map<std::string, CityRow>& cities,
                               const std::string& id) {
  if (const domain::Party* party = domain::FindParty(id)) {
    return std::string(party->short_name);
  }
  return PartyName(cities, id);
}

std::string AmendmentUrl(std::int64_t id, Language language) {
  std::string path = "/wijzigingen/";
  path += std::to_string(id);
  return Localize(path, language);
}

std::string AmendmentStateLabel(const std::string& state, const json& t) {
  const json& labels = t["amend"]["states"];
  return labels.contains(state) ? labels[state].get<std::string>() : state;
}

bool IsOpen(const std::string& state) {
  return state == "proposed" || state == "agreed" || state == "reported";
}

// What an amendment changes, as a line of text and a link.
json TargetJson(Site& site, const domain::Amendment& amendment,
                Language language, const json& t) {
  if (amendment.target != "agreement") {
    std::string label = t["amend"]["articleLabel"].get<std::string>();
    label += " ";
    label += amendment.article;
    return {{"label", label}, {"url", nullptr}, {"isArticle", true}};
  }
  std::string theme_name = amendment.theme_name;
  if (auto theme = EnabledTheme(site, amendment.theme_id)) {
    theme_name = Localized(theme->name, language)["text"].get<std::string>();
  }
  std::string label = theme_name;
  label += ", ";
  label += t["agreement"]["heading"].get<std::string>();
  label += " ";
  label += amendment.letter;
  return {{"label", label},
          {"url", AgreementUrl(amendment.theme_id, amendment.letter, language)},
          {"isArticle", false}};
}

json AmendmentSummary(Site& site, const domain::Amendment& amendment,
                      const std::map<std::string, CityRow>& cities,
                      Language language, const json& t) {
  return {{"id", amendment.id},
          {"url", AmendmentUrl(amendment.id, language)},
          {"target", TargetJson(site, amendment, language, t)},
          {"proposer", AmendmentPartyName(cities, amendment.proposer)},
          {"state", amendment.state},
          {"stateLabel", AmendmentStateLabel(amendment.state, t)},
          {"proposedOn", FormatDate(amendment.proposed_at.substr(0, 10), t)},
          {"reason", amendment.reason}};
}

// ---- the list ----

http::Response AmendmentsPage(Site& site, const http::Request& request,
                              Language language) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(request, language,
                              t["amend"]["title"].get<std::string>(), false);
  std::string filter(request.Query("thema").value_or(""));
  std::string theme_filter = filter == "algemeen" ? "general" : filter;
  auto themes = EnabledThemes(site);
  if (!themes.ok()) {
    return site.ErrorPage(request, language, 500, themes.status().message());
  }
  json options = json::array();
  options.push_back({{"value", ""},
                     {"label", t["amend"]["filterAll"]},
                     {"selected", filter.empty()}});
  options.push_back({{"value", "algemeen"},
                     {"label", t["amend"]["filterGeneral"]},
                     {"selected", filter == "algemeen"}});
  bool known = filter.empty() || filter == "algemeen";
  for (const auto& theme : *themes) {
    options.push_back({{"value", theme.id},
                       {"label", Localized(theme.name, language)["text"]},
                       {"selected", theme.id == filter}});
    if (theme.id == filter) known = true;
  }
  model["filterOptions"] = options;
  model["action"] = Localize("/wijzigingen", language);
  model["newUrl"] = Localize("/wijzigingen/nieuw", language);
  json items = json::array();
  if (!known) {
    model["problem"] = t["amend"]["unknownFilter"];
  } else {
    auto list = domain::Amendments(site.database()).List(theme_filter, "");
    if (!list.ok()) {
      return site.ErrorPage(request, language, 500, list.status().message());
    }
    auto cities = Cities(site);
    if (!cities.ok()) {
      return site.ErrorPage(request, language, 500, cities.status().message());
    }
    for (const domain::Amendment& amendment : *list) {
      items.push_back(AmendmentSummary(site, amendment, *cities, language, t));
    }
  }
  model["items"] = items;
  model["hasItems"] = !items.empty();
  model["total"] = items.size();
  return site.Page("amendments", language, std::move(model));
}

// ---- proposing ----

http::Response ProposePage(Site& site, const http::Request& request,
                           Language language, FormState state, int status) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(
      request, language, t["amend"]["proposeTitle"].get<std::string>(), true);
  std::string role(request.CallerRole());
  std::string scope(request.CallerScope());
  auto cities = Cities(site);
  if (!cities.ok()) {
    return site.ErrorPage(request, language, 500, cities.status().message());
  }
  auto themes = EnabledThemes(site);
  if (!themes.ok()) {
    return site.ErrorPage(request, language, 500, themes.status().message());
  }
  // 9a: any party proposes; a city through its city editors, the four
  // parties through an administrator.
  bool can_propose = role == "city-editor" || role == "admin";
  model["canPropose"] = can_propose;
  model["isAdmin"] = role == "admin";
  model["action"] = Localize("/wijzigingen", language);
  // Opened from an agreement's page: that agreement, with its current text
  // as the starting point.
  if (state.values.empty()) {
    std::string theme_id(request.Query("thema").value_or(""));
    std::string letter(request.Query("afspraak").value_or(""));
    state.values["target"] = "agreement";
    state.values["agreement"] = theme_id + "/" + letter;
    for (const auto& theme : *themes) {
      if (theme.id != theme_id) continue;
      for (const auto& agreement : theme.agreements) {
        if (agreement.letter == letter) state.values["text"] = agreement.text;
      }
    }
    if (role == "city-editor") state.values["proposer"] = scope;
  }
  auto value = [&](const std::string& key) {
    auto found = state.values.find(key);
    return found == state.values.end() ? std::string() : found->second;
  };
  json agreements = json::array();
  for (const auto& theme : *themes) {
    json theme_name = Localized(theme.name, language);
    json letters = json::array();
    for (const auto& agreement : theme.agreements) {
      std::string key = theme.id + "/" + agreement.letter;
      std::string label = t["agreement"]["heading"].get<std::string>();
      label += " ";
      label += agreement.letter;
      label += ": ";
      // The start of the text, not cut inside a UTF-8 character.
      std::size_t cut = std::min<std::size_t>(agreement.text.size(), 70);
      while (cut < agreement.text.size() && cut > 0 &&
             (static_cast<unsigned char>(agreement.text[cut]) & 0xC0) == 0x80) {
        --cut;
      }
      label += agreement.text.substr(0, cut);
      if (cut < agreement.text.size()) label += "…";
      letters.push_back({{"value", key},
                         {"label", label},
                         {"selected", key == value("agreement")}});
    }
    agreements.push_back({{"theme", theme_name}, {"options", letters}});
  }
  model["agreementGroups"] = agreements;
  json proposers = json::array();
  if (role == "admin") {
    for (const domain::Party& party : domain::CovenantParties()) {
      std::string id(party.id);
      proposers.push_back(
          {{"value", id},
           {"label", std::string(language == Language::kDutch ? party.name_nl
                                                              : party.name_en)},
           {"selected", id == value("proposer")}});
    }
  }
  model["proposers"] = proposers;
  model["city"] = {{"code", scope}, {"name", PartyName(*cities, scope)}};
  model["values"] = {{"article", value("article")},
                     {"currentText", value("currentText")},
                     {"text", value("text")},
                     {"reason", value("reason")},
                     {"isArticle", value("target") == "article"},
                     {"isAgreement", value("target") != "article"}};
  json field_errors = json::object();
  for (const char* field :
       {"proposer", "agreement", "article", "currentText", "text", "reason"}) {
    field_errors[field] = nullptr;
  }
  for (const auto& [field, message] : state.errors) {
    field_errors[field] = message;
  }
  model["fieldErrors"] = field_errors;
  model["errors"] = ErrorsJson(state);
  model["hasErrors"] = !state.errors.empty();
  model["problem"] = state.problem;
  return NoStore(
      site.Page("amendment_form", language, std::move(model), status));
}

http::Response Propose(Site& site, http::Request& request, Language language) {
  auto form = ParseForm(request.body).value_or(http::Pairs());
  FormState state;
  for (const char* field : {"target", "agreement", "article", "currentText",
                            "proposer", "text", "reason"}) {
    state.values[field] = FormField(form, field).value_or("");
  }
  json body = {{"proposer", state.values["proposer"]},
               {"text", state.values["text"]},
               {"reason", state.values["reason"]}};
  if (state.values["target"] == "article") {
    body["article"] = state.values["article"];
    body["currentText"] = state.values["currentText"];
  } else {
    const std::string& chosen = state.values["agreement"];
    std::size_t slash = chosen.find('/');
    body["theme"] = chosen.substr(0, slash);
    body["agreement"] =
        slash == std::string::npos ? "" : chosen.substr(slash + 1);
  }
  http::Response answer =
      site.CallApi(request, "POST", "/api/v1/amendments", body);
  if (answer.status == 201) {
    json made = json::parse(answer.body, nullptr, false);
    std::int64_t id = made.is_object() ? made.value("id", std::int64_t{0}) : 0;
    return Redirect(AmendmentUrl(id, language) + "?stap=voorgesteld");
  }
  // The API names "theme" for the agreement's theme: that is the
  // agreement field on the form.
  TakeProblem(answer,
              {"theme", "agreement", "article", "currentText", "proposer",
               "text", "reason"},
              state);
  // With no agreement chosen the API names "article" (neither target
  // named): on this form that is the agreement's field as well.
  for (const char* field : {"theme", "article"}) {
    auto moved = state.errors.find(field);
    if (moved == state.errors.end()) continue;
    if (std::string(field) == "article" &&
        state.values["target"] == "article") {
      continue;
    }
    state.errors["agreement"] = moved->second;
    state.errors.erase(moved);
  }
  return ProposePage(site, request, language, state,
                     answer.status == 400 ? 422 : answer.status);
}

// ---- one amendment ----

http::Response AmendmentPage(Site& site, const http::Request& request,
                             Language language, std::int64_t id,
                             const FormState& state, int status) {
  const json& t = site.pages().Translations(language);
  auto found = domain::Amendments(site.database()).Get(id);
  if (!found.ok()) {
    return site.ErrorPage(request, language, 404,
                          t["amend"]["noAmendment"].get<std::string>());
  }
  const domain::Amendment& amendment = *found;
  auto cities = Cities(site);
  if (!cities.ok()) {
    return site.ErrorPage(request, language, 500, cities.status().message());
  }
  std::string heading = t["amend"]["heading"].get<std::string>();
  heading += " ";
  heading += std::to_string(amendment.id);
  json model = site.BaseModel(request, language, heading, true);
  model["heading"] = heading;
  model["listUrl"] = Localize("/wijzigingen", language);
  model["amendment"] = AmendmentSummary(site, amendment, *cities, language, t);
  model["amendment"]["text"] = amendment.text;
  model["amendment"]["baseText"] = amendment.base_text;
  model["amendment"]["baseVersion"] =
      amendment.base_version > 0 ? json(amendment.base_version) : json(nullptr);
  json diff = WordDiff(amendment.base_text, amendment.text);
  model["amendment"]["diff"] = diff;
  model["amendment"]["hasDiff"] = !diff.empty();
  std::string api_url = "/api/v1/amendments/";
  api_url += std::to_string(id);
  model["amendment"]["apiUrl"] = api_url;
  json responses = json::array();
  for (const domain::AmendmentResponse& response : amendment.responses) {
    responses.push_back(
        {{"party", AmendmentPartyName(*cities, response.party)},
         {"position", response.position == "object" ? t["amend"]["object"]
                                                    : t["amend"]["agree"]},
         {"isObject", response.position == "object"},
         {"comment", response.comment},
         {"on", FormatDate(response.responded_at.substr(0, 10), t)}});
  }
  model["responses"] = responses;
  model["hasResponses"] = !responses.empty();
  json awaiting = json::array();
  for (const std::string& party : amendment.awaiting) {
    awaiting.push_back(AmendmentPartyName(*cities, party));
  }
  model["awaiting"] = awaiting;
  model["hasAwaiting"] = !awaiting.empty();
  model["isArticle"] = amendment.target == "article";
  if (amendment.consent_meeting_id > 0) {
    model["consent"] = {
        {"meetingDate", FormatDate(amendment.consent_meeting_date, t)},
        {"on", FormatDate(amendment.consented_at.substr(0, 10), t)}};
  }
  if (!amendment.reported_at.empty()) {
    model["report"] = {
        {"by", AmendmentPartyName(*cities, amendment.reported_for)},
        {"on", FormatDate(amendment.reported_at.substr(0, 10), t)},
        {"note", amendment.report_note}};
  }
  if (!amendment.effective_at.empty()) {
    model["effect"] = {
        {"on", FormatDate(amendment.effective_at.substr(0, 10), t)},
        {"version", amendment.effective_version > 0
                        ? json(amendment.effective_version)
                        : json(nullptr)}};
  }
  if (!amendment.closed_at.empty()) {
    model["closed"] = {{"on", FormatDate(amendment.closed_at.substr(0, 10), t)},
                       {"reason", amendment.closing_reason}};
  }
  const std::string& current = amendment.state;
  bool for_agreement = amendment.target == "agreement";
  std::string next_key =
      current == "proposed"   ? (for_agreement ? "nextRespond" : "nextConsent")
      : current == "agreed"   ? (for_agreement ? "nextReport" : "nextEffect")
      : current == "reported" ? "nextEffect"
                              : "nextNone";
  model["next"] = t["amend"][next_key];

  // The step the caller may take now, as domain::Amendments allows it.
  std::string role(request.CallerRole());
  std::string scope(request.CallerScope());
  bool admin = role == "admin";
  bool city = role == "city-editor";
  json respond_parties = json::array();
  if (current == "proposed") {
    for (const std::string& party : amendment.awaiting) {
      bool mine = (city && party == scope) || (admin && IsParty(party));
      if (mine) {
        respond_parties.push_back(
            {{"value", party}, {"label", AmendmentPartyName(*cities, party)}});
      }
    }
  }
  bool can_respond = !respond_parties.empty();
  bool ez_agreed = std::any_of(
      amendment.responses.begin(), amendment.responses.end(),
      [](const domain::AmendmentResponse& response) {
        return response.party == "ez" && response.position == "agree";
      });
  bool can_consent =
      admin && !for_agreement && current == "proposed" && ez_agreed;
  bool can_report = false;
  if (for_agreement && current == "agreed") {
    auto participants =
        domain::Participation(site.database()).OfTheme(amendment.theme_id);
    if (!participants.ok()) {
      return site.ErrorPage(request, language, 500,
                            participants.status().message());
    }
    for (const auto& participant : *participants) {
      if (participant.role != "leading") continue;
      if (city && participant.kind == "city" && participant.id == scope) {
        can_report = true;
      }
      if (admin && participant.kind == "party") can_report = true;
    }
  }
  bool can_effect = admin && ((for_agreement && current == "reported") ||
                              (!for_agreement && current == "agreed"));
  bool proposer = (city && amendment.proposer == scope) ||
                  (admin && IsParty(amendment.proposer));
  bool can_withdraw = proposer && IsOpen(current);
  model["canRespond"] = can_respond;
  model["respondParties"] = respond_parties;
  model["chooseParty"] = admin && can_respond;
  model["canConsent"] = can_consent;
  model["canReport"] = can_report;
  model["canEffect"] = can_effect;
  model["canWithdraw"] = can_withdraw;
  model["noStep"] = request.principal.has_value() && IsOpen(current) &&
                    !can_respond && !can_consent && !can_report &&
                    !can_effect && !can_withdraw;
  if (can_consent) {
    auto facts = domain::Meetings(site.database()).Facts();
    if (!facts.ok()) {
      return site.ErrorPage(request, language, 500, facts.status().message());
    }
    json meetings = json::array();
    for (const domain::MeetingFacts& meeting : *facts) {
      if (meeting.kind != "administrative") continue;
      meetings.push_back(
          {{"value", meeting.id}, {"label", FormatDate(meeting.date, t)}});
    }
    model["meetings"] = meetings;
    model["hasMeetings"] = !meetings.empty();
    model["meetingsUrl"] = Localize("/overleggen", language);
  }
  std::string page = AmendmentUrl(id, language);
  model["loginBack"] = Localize("/inloggen", language) + "?terug=" + page;
  model["respondAction"] = page + "/reactie";
  model["consentAction"] = page + "/instemming";
  model["reportAction"] = page + "/bericht";
  model["effectAction"] = page + "/inwerkingtreding";
  model["withdrawAction"] = page + "/intrekking";
  auto value = [&](const std::string& key) {
    auto found_value = state.values.find(key);
    return found_value == state.values.end() ? std::string()
                                             : found_value->second;
  };
  model["values"] = {{"comment", value("comment")},
                     {"note", value("note")},
                     {"reason", value("reason")},
                     {"agree", value("position") == "agree"},
                     {"object", value("position") == "object"}};
  json field_errors = json::object();
  for (const char* field :
       {"party", "position", "comment", "meeting", "note", "reason"}) {
    field_errors[field] = nullptr;
  }
  for (const auto& [field, message] : state.errors) {
    field_errors[field] = message;
  }
  model["fieldErrors"] = field_errors;
  model["errors"] = ErrorsJson(state);
  model["hasErrors"] = !state.errors.empty();
  model["problem"] = state.problem;
  std::string step(request.Query("stap").value_or(""));
  if (state.problem.empty() && state.errors.empty() && !step.empty() &&
      t["amend"]["done"].contains(step)) {
    model["notice"] = t["amend"]["done"][step];
  }
  return NoStore(site.Page("amendment", language, std::move(model), status));
}

// One step of the amendment procedure: the form's fields as the API's body
// ("meeting" as the whole number the API takes).
http::Response AmendmentStep(Site& site, http::Request& request,
                             Language language, const std::string& api_action,
                             const std::vector<std::string>& fields,
                             const std::string& done) {
  const json& t = site.pages().Translations(language);
  auto id = PathId(request, "amendmentId");
  if (!id) {
    return site.ErrorPage(request, language, 404,
                          t["amend"]["noAmendment"].get<std::string>());
  }
  auto form = ParseForm(request.body).value_or(http::Pairs());
  FormState state;
  json body = fields.empty() ? json(nullptr) : json::object();
  for (const std::string& field : fields) {
    std::string value = FormField(form, field).value_or("");
    state.values[field] = value;
    std::int64_t number = 0;
    auto [end, error] =
        std::from_chars(value.data(), value.data() + value.size(), number);
    // A field left empty is left out: the API names one it needs, and an
    // empty choice (party, position) is none of its values.
    if (value.empty()) continue;
    if (field == "meeting" && error == std::errc() &&
        end == value.data() + value.size()) {
      body[field] = number;
    } else {
      body[field] = value;
    }
  }
  std::string target = "/api/v1/amendments/";
  target += std::to_string(*id);
  target += "/";
  target += api_action;
  http::Response answer = site.CallApi(request, "POST", target, body);
  if (answer.status == 200 || answer.status == 201) {
    return Redirect(AmendmentUrl(*id, language) + "?stap=" + done);
  }
  TakeProblem(answer, fields, state);
  return AmendmentPage(site, request, language, *id, state,
                       answer.status == 400 ? 422 : answer.status);
}

Status RegisterAmendmentPages(Site& site) {
  Site* s = &site;
  http::RouteOptions list;
  list.permission = "public";
  list.cacheable = true;
  list.summary =
      "The amendments of the covenant's agreements and articles (art. 9), "
      "?thema= narrows to a theme or algemeen";
  Status status = site.AddPage(
      "/wijzigingen", list,
      [s](http::Request& r, Language l) { return AmendmentsPage(*s, r, l); });
  if (!status.ok()) return status;
  http::RouteOptions personal;
  personal.permission = "authenticated";
  personal.summary =
      "The form to propose an amendment of an agreement or an article (art. "
      "9a)";
  status = site.AddPage("/wijzigingen/nieuw", personal,
                        [s](http::Request& r, Language l) {
                          return ProposePage(*s, r, l, FormState(), 200);
                        });
  if (!status.ok()) return status;
  // Public, but not cached: a logged-in caller sees the step they may take.
  http::RouteOptions one;
  one.permission = "public";
  one.summary =
      "An amendment with its word diff, responses, consent, report and "
      "effect (art. 9)";
  status = site.AddPage(
      "/wijzigingen/{amendmentId}", one, [s](http::Request& r, Language l) {
        auto id = PathId(r, "amendmentId");
        if (!id) {
          return s->ErrorPage(r, l, 404,
                              s->pages()
                                  .Translations(l)["amend"]["noAmendment"]
                                  .get<std::string>());
        }
        return AmendmentPage(*s, r, l, *id, FormState(), 200);
      });
  if (!status.ok()) return status;

  http::RouteOptions form;
  form.permission = "authenticated";
  form.body_type = std::string(kFormType);
  form.body_limit_bytes = 131072;
  struct StepRoute {
    const char* path;
    const char* api_action;
    std::vector<std::string> fields;
    const char* done;
    const char* summary;
  };
  const std::vector<StepRoute> steps = {
      {"/reactie",
       "responses",
       {"party", "position", "comment"},
       "gereageerd",
       "An involved party agrees to or objects to an amendment (art. 9b, "
       "9c)"},
      {"/instemming",
       "consent",
       {"meeting"},
       "ingestemd",
       "An administrator records the administrative meeting's consent to an "
       "amendment of the general part (art. 9b)"},
      {"/bericht",
       "report",
       {"note"},
       "bericht",
       "The leading city reports an amendment's agreement to Stedenlink (art. "
       "9d)"},
      {"/inwerkingtreding",
       "effect",
       {},
       "in-werking",
       "Stedenlink applies an amendment (art. 9d)"},
      {"/intrekking",
       "withdrawal",
       {"reason"},
       "ingetrokken",
       "The proposer withdraws an amendment"},
  };
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    form.summary = "Propose an amendment (art. 9a)";
    status = site.AddRoute(
        "POST", Localize("/wijzigingen", language), form,
        [s, language](http::Request& r) { return Propose(*s, r, language); });
    if (!status.ok()) return status;
    for (const StepRoute& step : steps) {
      form.summary = step.summary;
      std::string action = step.api_action;
      std::vector<std::string> fields = step.fields;
      std::string done = step.done;
      status = site.AddRoute(
          "POST",
          Localize(std::string("/wijzigingen/{amendmentId}") + step.path,
                   language),
          form, [s, language, action, fields, done](http::Request& r) {
            return AmendmentStep(*s, r, language, action, fields, done);
          });
      if (!status.ok()) return status;
    }
  }
  return Status::Ok();
}

// ---- publications ----

http::Response PublicationsPage(Site& site, http::Request& request,
                                Language language) {
  const json& t = site.pages().Translations(language);
  json model = site.BaseModel(
      request, language, t["publications"]["title"].get<std::string>(), false);
  model["atomFeed"] = "/api/v1/publications.atom";
  model["amendmentsUrl"] = Localize("/wijzigingen", language);
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
    // An amendment that took effect links to its page (art. 9e).
    const std::string amendments_prefix = "/api/v1/amendments/";
    if (url.starts_with(amendments_prefix)) {
      std::string path = "/wijzigingen/";
      path += url.substr(amendments_prefix.size());
      page_url = Localize(path, language);
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
        auto id = PathId(r, "requestId");
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

  status = RegisterAmendmentPages(site);
  if (!status.ok()) return status;

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
