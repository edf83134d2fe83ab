// The public pages, each cacheable (the same for every caller, a function
// of the URL and the stored data):
//   /                                    dashboard: the themes, deadlines,
//                                        the latest figures
//   /themas/{theme}                      a theme
//   /themas/{theme}/afspraken/{letter}   an agreement
//   /indicatoren/{indicator}             an indicator: chart, table
//   /indicatoren/{indicator}/cijfers.csv its figures as CSV
//   /steden, /steden/{city}              the cities, a city
//   /zoeken?q=                           search
// and the same under /en in English.
#include <algorithm>
#include <cctype>
#include <set>

#include "core/base/time_format.h"
#include "core/domain/amendments.h"
#include "core/domain/documents.h"
#include "core/domain/join_requests.h"
#include "core/domain/measurements.h"
#include "core/domain/participation.h"
#include "core/web/progress_view.h"
#include "core/web/registers.h"
#include "core/web/search.h"
#include "core/web/view_helpers.h"

namespace smartercities::web {
namespace {

using nlohmann::json;

std::string KindLabel(domain::AgreementKind kind, const json& t) {
  return kind == domain::AgreementKind::kResult
             ? t["agreement"]["kindResult"].get<std::string>()
             : t["agreement"]["kindEffort"].get<std::string>();
}

json LeadersJson(const domain::ThemeManifest& theme, Language language) {
  json leaders = json::array();
  for (const auto& leader : theme.leaders) {
    json item = {{"name", leader.name}};
    if (!leader.cbs_code.empty())
      item["url"] = CityUrl(leader.cbs_code, language);
    leaders.push_back(item);
  }
  return leaders;
}

json ThemeCard(const domain::ThemeManifest& theme, Language language,
               const json& t) {
  std::size_t results = 0;
  for (const auto& a : theme.agreements) {
    if (a.kind == domain::AgreementKind::kResult) ++results;
  }
  json card = {
      {"id", theme.id},
      {"name", Localized(theme.name, language)},
      {"url", ThemeUrl(theme.id, language)},
      {"leaders", LeadersJson(theme, language)},
      {"numResult", results},
      {"numEffort", theme.agreements.size() - results},
      {"numIndicators", theme.indicators.size()},
  };
  (void)t;
  return card;
}

json IndicatorSummary(const std::string& theme_id, const domain::Indicator& i,
                      Language language, const json& t) {
  return {{"id", i.id},
          {"name", Localized(i.name, language)},
          {"url", IndicatorUrl(i.id, language)},
          {"theme", theme_id},
          {"target", FormatValue(i.target, i.unit, language, t)},
          {"deadline", FormatDate(i.deadline, t)}};
}

std::optional<domain::ThemeManifest> FindTheme(
    const std::vector<domain::ThemeManifest>& themes, std::string_view id) {
  for (const auto& theme : themes) {
    if (theme.id == id) return theme;
  }
  return std::nullopt;
}

http::Response Failure(Site& site, const http::Request& request,
                       Language language, const Status& status) {
  return site.ErrorPage(request, language, 500, status.message());
}

// ---- dashboard ----

json Deadlines(const std::vector<domain::ThemeManifest>& themes,
               Language language, const json& t) {
  struct Due {
    std::string date;
    json item;
  };
  std::vector<Due> all;
  for (const auto& theme : themes) {
    for (const auto& agreement : theme.agreements) {
      for (const auto& date : agreement.dates) {
        if (date.kind != "deadline") continue;
        all.push_back(
            {date.date,
             {{"date", FormatDate(date.date, t)},
              {"theme", Localized(theme.name, language)},
              {"label", theme.id + "/" + agreement.letter},
              {"topic",
               agreement.topic.empty() ? agreement.goal : agreement.topic},
              {"url", AgreementUrl(theme.id, agreement.letter, language)}}});
      }
    }
  }
  // "2014" stands for its last month.
  auto key = [](const std::string& date) {
    return date.size() == 4 ? date + "-12" : date.substr(0, 7);
  };
  std::stable_sort(all.begin(), all.end(), [&](const Due& a, const Due& b) {
    return key(a.date) < key(b.date);
  });
  std::string now = CurrentMonthUtc();
  json upcoming = json::array();
  for (const auto& due : all) {
    if (key(due.date) >= now && upcoming.size() < 8)
      upcoming.push_back(due.item);
  }
  json latest = json::array();
  if (upcoming.empty()) {
    for (std::size_t i = all.size() > 8 ? all.size() - 8 : 0; i < all.size();
         ++i) {
      latest.push_back(all[i].item);
    }
    std::reverse(latest.begin(), latest.end());
  }
  return {{"upcoming", upcoming},
          {"hasUpcoming", !upcoming.empty()},
          {"past", latest}};
}

http::Response Dashboard(Site& site, http::Request& request,
                         Language language) {
  const json& t = site.pages().Translations(language);
  auto themes = EnabledThemes(site);
  if (!themes.ok()) return Failure(site, request, language, themes.status());
  auto cities = Cities(site);
  if (!cities.ok()) return Failure(site, request, language, cities.status());
  json model = site.BaseModel(
      request, language, t["dashboard"]["title"].get<std::string>(), false);
  auto progress = CurrentProgress(site, *themes);
  if (!progress.ok()) {
    return Failure(site, request, language, progress.status());
  }
  model["networkProgress"] =
      AssessmentView(progress->network(), &progress->network_rollup(), language,
                     t, "/api/v1/themes");
  json cards = json::array();
  std::map<std::string,
           std::pair<const domain::ThemeManifest*, const domain::Indicator*>>
      indicators;
  for (const auto& theme : *themes) {
    json card = ThemeCard(theme, language, t);
    if (const domain::ThemeProgress* found = progress->Theme(theme.id)) {
      card["progress"] =
          AssessmentView(found->assessment, &found->rollup, language, t,
                         "/api/v1/themes/" + theme.id + "/progress");
    }
    cards.push_back(std::move(card));
    for (const auto& indicator : theme.indicators) {
      indicators[indicator.id] = {&theme, &indicator};
    }
  }
  model["themes"] = cards;
  model["numThemes"] = themes->size();
  model["deadlines"] = Deadlines(*themes, language, t);

  json latest = json::array();
  std::set<std::string> shown;
  Status read = site.database().Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT indicator_id, city, period, value, is_demo, recorded_at "
        "FROM measurements ORDER BY recorded_at DESC, id DESC LIMIT 2000",
        {}, [&](const storage::Row& row) {
          // The newest figure of each indicator, so that one busy
          // indicator does not fill the list.
          auto found = indicators.find(row.Text("indicator_id"));
          if (found == indicators.end() || !shown.insert(found->first).second) {
            return true;
          }
          const domain::Indicator& indicator = *found->second.second;
          std::string city = row.Text("city");
          auto city_row = cities->find(city);
          json item = {{"indicator", Localized(indicator.name, language)},
                       {"url", IndicatorUrl(indicator.id, language)},
                       {"period", FormatDate(row.Text("period"), t)},
                       {"value", FormatValue(*row.OptionalReal("value"),
                                             indicator.unit, language, t)},
                       {"demo", row.Integer("is_demo") != 0},
                       {"recorded",
                        FormatDate(row.Text("recorded_at").substr(0, 10), t)}};
          item["city"] = city_row == cities->end()
                             ? t["indicator"]["network"].get<std::string>()
                             : city_row->second.name;
          latest.push_back(item);
          return latest.size() < 8;
        });
  });
  if (!read.ok()) return Failure(site, request, language, read);
  model["latest"] = latest;
  return site.Page("dashboard", language, std::move(model));
}

// A panel's data in the shape its template shows (docs/manifest.md,
// "Panels"): a collection as columns and rows (each cell with its JSON
// value for the chart), an object of key figures as label and value.
std::string PanelCell(const json& value, const json& t) {
  if (value.is_null()) return "–";
  if (value.is_boolean()) {
    return value.get<bool>() ? t["registers"]["yes"].get<std::string>()
                             : t["registers"]["no"].get<std::string>();
  }
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string PanelLabel(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += ' ';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

json PanelModel(const json& data, const std::string& view, const json& t) {
  if (data.is_discarded() || data.is_null()) return {{"failed", true}};
  const json* items = nullptr;
  if (data.is_array()) items = &data;
  if (data.is_object() && data.contains("items") && data["items"].is_array())
    items = &data["items"];
  if (view == "figures" || items == nullptr) {
    json figures = json::array();
    if (items != nullptr) {
      for (const auto& item : *items) {
        if (item.is_object() && item.contains("label")) {
          figures.push_back(
              {{"label", PanelCell(item["label"], t)},
               {"value", PanelCell(item.value("value", json()), t)}});
        }
      }
    } else if (data.is_object()) {
      for (const auto& [key, value] : data.items()) {
        if (value.is_object() || value.is_array()) continue;
        figures.push_back(
            {{"label", PanelLabel(key)}, {"value", PanelCell(value, t)}});
      }
    }
    return {
        {"isFigures", true}, {"figures", figures}, {"empty", figures.empty()}};
  }
  std::vector<std::string> keys;
  for (const auto& item : *items) {
    if (!item.is_object()) continue;
    for (const auto& [key, value] : item.items()) {
      if (key == "id" || key == "demo" || key == "url") continue;
      if (std::find(keys.begin(), keys.end(), key) == keys.end())
        keys.push_back(key);
    }
  }
  json columns = json::array();
  for (const auto& key : keys) {
    columns.push_back({{"key", key}, {"label", PanelLabel(key)}});
  }
  json rows = json::array();
  for (const auto& item : *items) {
    if (!item.is_object()) continue;
    json cells = json::array();
    for (const auto& key : keys) {
      const json& value = item.contains(key) ? item[key] : json();
      cells.push_back({{"text", PanelCell(value, t)},
                       {"raw", value.dump(-1, ' ', false,
                                          json::error_handler_t::replace)}});
    }
    rows.push_back({{"cells", cells}});
  }
  return {{"isTable", true},
          {"isChart", view == "chart"},
          {"columns", columns},
          {"rows", rows},
          {"empty", rows.empty()}};
}

// ---- theme ----

http::Response ThemePage(Site& site, http::Request& request,
                         Language language) {
  const json& t = site.pages().Translations(language);
  auto themes = EnabledThemes(site);
  if (!themes.ok()) return Failure(site, request, language, themes.status());
  auto theme = FindTheme(*themes, request.Param("theme"));
  if (!theme) {
    return site.ErrorPage(request, language, 404,
                          t["error"]["noTheme"].get<std::string>());
  }
  json model = site.BaseModel(request, language,
                              Localized(theme->name, language)["text"], false);
  model["theme"] = ThemeCard(*theme, language, t);
  model["introduction"] = Localized(theme->introduction, language);
  auto progress = CurrentProgress(site, {*theme});
  if (!progress.ok()) {
    return Failure(site, request, language, progress.status());
  }
  const domain::ThemeProgress* theme_progress = progress->Theme(theme->id);
  std::string theme_api = "/api/v1/themes/" + theme->id + "/progress";
  if (theme_progress != nullptr) {
    model["progress"] =
        AssessmentView(theme_progress->assessment, &theme_progress->rollup,
                       language, t, theme_api);
  }
  auto indicator_progress = [&](const domain::Indicator& indicator) {
    const domain::IndicatorProgress* found = progress->Indicator(indicator.id);
    return found == nullptr ? json(nullptr)
                            : IndicatorStatusView(*found, language, t);
  };
  auto agreement_progress = [&](const std::string& letter) {
    if (theme_progress == nullptr) return json(nullptr);
    for (const auto& agreement : theme_progress->agreements) {
      if (agreement.letter != letter) continue;
      return AssessmentView(agreement.assessment,
                            agreement.rollup ? &*agreement.rollup : nullptr,
                            language, t, theme_api);
    }
    return json(nullptr);
  };
  json challenges = json::array();
  for (const auto& challenge : theme->challenges) {
    challenges.push_back(Localized(challenge, language));
  }
  model["challenges"] = challenges;
  model["hasChallenges"] = !challenges.empty();

  // Agreements under their goal headings, in the covenant's order.
  json groups = json::array();
  for (const auto& agreement : theme->agreements) {
    if (groups.empty() || groups.back()["goal"] != agreement.goal) {
      groups.push_back({{"goal", agreement.goal},
                        {"hasGoal", !agreement.goal.empty()},
                        {"agreements", json::array()}});
    }
    json indicators = json::array();
    for (const auto& id : agreement.indicators) {
      for (const auto& indicator : theme->indicators) {
        if (indicator.id == id) {
          indicators.push_back(
              IndicatorSummary(theme->id, indicator, language, t));
        }
      }
    }
    groups.back()["agreements"].push_back(
        {{"progress", agreement_progress(agreement.letter)},
         {"letter", agreement.letter},
         {"kind", KindLabel(agreement.kind, t)},
         {"isResult", agreement.kind == domain::AgreementKind::kResult},
         {"topic", agreement.topic},
         {"text", agreement.text},
         {"url", AgreementUrl(theme->id, agreement.letter, language)},
         {"hasIndicators", !indicators.empty()},
         {"indicators", indicators}});
  }
  model["groups"] = groups;
  json indicators = json::array();
  for (const auto& indicator : theme->indicators) {
    json summary = IndicatorSummary(theme->id, indicator, language, t);
    summary["progress"] = indicator_progress(indicator);
    indicators.push_back(std::move(summary));
  }
  model["indicators"] = indicators;
  model["hasIndicators"] = !indicators.empty();

  // Cities involved: those the indicators name, and those with figures.
  auto cities = Cities(site);
  if (!cities.ok()) return Failure(site, request, language, cities.status());
  std::set<std::string> involved;
  for (const auto& indicator : theme->indicators) {
    involved.insert(indicator.cities.begin(), indicator.cities.end());
  }
  Status read = site.database().Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT DISTINCT m.city AS city FROM measurements m JOIN indicators i "
        "ON i.id = m.indicator_id WHERE i.theme_id = ?1 AND m.city IS NOT "
        "NULL",
        std::vector<storage::Value>{theme->id}, [&](const storage::Row& row) {
          involved.insert(row.Text("city"));
          return true;
        });
  });
  if (!read.ok()) return Failure(site, request, language, read);
  for (const auto& leader : theme->leaders) involved.erase(leader.cbs_code);
  json involved_json = json::array();
  for (const auto& code : involved) {
    auto city = cities->find(code);
    if (city == cities->end()) continue;
    involved_json.push_back(
        {{"name", city->second.name}, {"url", CityUrl(code, language)}});
  }
  std::sort(involved_json.begin(), involved_json.end(),
            [](const json& a, const json& b) { return a["name"] < b["name"]; });
  model["involved"] = involved_json;
  model["hasInvolved"] = !involved_json.empty();

  // Who takes part by the covenant and the join procedure (art. 1e-1g, 8),
  // each since a date.
  auto participants = domain::Participation(site.database()).OfTheme(theme->id);
  if (!participants.ok()) {
    return Failure(site, request, language, participants.status());
  }
  json participants_json = json::array();
  for (const domain::Participant& participant : *participants) {
    json item = {
        {"name", participant.name},
        {"role", participant.role == "leading" ? t["theme"]["roleLeading"]
                                               : t["theme"]["roleInvolved"]},
        {"since", FormatDate(participant.since, t)}};
    if (participant.kind == "city") {
      item["url"] = CityUrl(participant.id, language);
    }
    participants_json.push_back(std::move(item));
  }
  model["participants"] = participants_json;
  model["hasParticipants"] = !participants_json.empty();

  // The theme's join requests with their state (art. 8), and where a city
  // asks to join. The page is the same for everyone (it is cached), so the
  // form itself is on a page of its own that knows who is logged in.
  auto requests = domain::JoinRequests(site.database()).List(theme->id);
  if (!requests.ok()) {
    return Failure(site, request, language, requests.status());
  }
  json joins = json::array();
  for (const domain::JoinRequest& join : *requests) {
    std::string state_key = join.state == "in-consultation"
                                ? "stateConsultation"
                            : join.state == "accepted" ? "stateAccepted"
                            : join.state == "refused"  ? "stateRefused"
                                                       : "stateRequested";
    joins.push_back(
        {{"cityName", join.city_name},
         {"state", join.state},
         {"stateLabel", t["join"][state_key]},
         {"requestedOn", FormatDate(join.requested_at.substr(0, 10), t)},
         {"url", Localize("/themas/" + theme->id + "/toetredingen/" +
                              std::to_string(join.id),
                          language)}});
  }
  model["joins"] = joins;
  model["hasJoins"] = !joins.empty();
  model["askUrl"] =
      Localize("/themas/" + theme->id + "/toetredingen/nieuw", language);
  model["projectsUrl"] =
      Localize("/themas/" + theme->id + "/projecten", language);
  model["documentsUrl"] =
      Localize("/themas/" + theme->id + "/documenten", language);

  // The theme's own panels, rendered here from the module's data route, so
  // that they read without JavaScript too (which draws the charts).
  json panels = json::array();
  for (const auto& panel : theme->panels) {
    std::string endpoint = theme->RoutePrefix() + panel.endpoint;
    json item = {{"id", panel.id},
                 {"title", Localized(panel.title, language)},
                 {"view", panel.view},
                 {"endpoint", endpoint}};
    http::Response answer = site.CallApi(request, "GET", endpoint);
    json data = answer.status == 200 ? json::parse(answer.body, nullptr, false)
                                     : json(nullptr);
    item.update(PanelModel(data, panel.view, t));
    panels.push_back(std::move(item));
  }
  model["panels"] = panels;
  model["hasPanels"] = !panels.empty();
  model["apiUrl"] = theme->RoutePrefix();
  return site.Page("theme", language, std::move(model));
}

// ---- agreement ----

http::Response AgreementPage(Site& site, http::Request& request,
                             Language language) {
  const json& t = site.pages().Translations(language);
  auto themes = EnabledThemes(site);
  if (!themes.ok()) return Failure(site, request, language, themes.status());
  auto theme = FindTheme(*themes, request.Param("theme"));
  if (!theme) {
    return site.ErrorPage(request, language, 404,
                          t["error"]["noTheme"].get<std::string>());
  }
  std::string_view letter = request.Param("letter");
  auto found = std::find_if(
      theme->agreements.begin(), theme->agreements.end(),
      [&](const domain::Agreement& a) { return a.letter == letter; });
  if (found == theme->agreements.end()) {
    return site.ErrorPage(request, language, 404,
                          t["error"]["noAgreement"].get<std::string>());
  }
  const domain::Agreement& agreement = *found;
  std::string heading =
      t["agreement"]["heading"].get<std::string>() + " " + agreement.letter;
  json model = site.BaseModel(
      request, language,
      heading + " — " +
          Localized(theme->name, language)["text"].get<std::string>(),
      false);
  model["heading"] = heading;
  model["theme"] = ThemeCard(*theme, language, t);
  json dates = json::array();
  for (const auto& date : agreement.dates) {
    std::string kind_key = date.kind == "start"     ? "dateStart"
                           : date.kind == "context" ? "dateContext"
                                                    : "dateDeadline";
    dates.push_back(
        {{"date", FormatDate(date.date, t)},
         {"text", date.text},
         {"kind", t["agreement"][kind_key]},
         {"beforeCovenant",
          date.kind == "deadline" && domain::IsBeforeCovenant(date.date)}});
  }
  json numbers = json::array();
  for (const auto& number : agreement.numbers) {
    numbers.push_back(
        {{"value", FormatValue(number.value, number.unit, language, t)},
         {"text", number.text}});
  }
  auto progress = CurrentProgress(site, {*theme});
  if (!progress.ok()) {
    return Failure(site, request, language, progress.status());
  }
  json indicators = json::array();
  for (const auto& id : agreement.indicators) {
    for (const auto& indicator : theme->indicators) {
      if (indicator.id != id) continue;
      json summary = IndicatorSummary(theme->id, indicator, language, t);
      if (const auto* status = progress->Indicator(id)) {
        summary["progress"] = IndicatorStatusView(*status, language, t);
      }
      indicators.push_back(std::move(summary));
    }
  }
  json agreement_progress = nullptr;
  if (const domain::ThemeProgress* theme_progress =
          progress->Theme(theme->id)) {
    for (const auto& item : theme_progress->agreements) {
      if (item.letter != agreement.letter) continue;
      agreement_progress = AssessmentView(
          item.assessment, item.rollup ? &*item.rollup : nullptr, language, t,
          "/api/v1/themes/" + theme->id + "/progress");
    }
  }
  auto history =
      site.catalog().AgreementHistory(theme->id + "/" + agreement.letter);
  if (!history.ok()) return Failure(site, request, language, history.status());
  json versions = json::array();
  for (std::size_t v = 0; v < history->size(); ++v) {
    const auto& version = (*history)[v];
    json diff =
        v == 0 ? json::array() : WordDiff((*history)[v - 1].text, version.text);
    versions.push_back(
        {{"version", version.version},
         {"text", version.text},
         {"source", version.source == "amendment"
                        ? t["agreement"]["sourceAmendment"]
                        : t["agreement"]["sourceManifest"]},
         {"recorded", FormatDate(version.recorded_at.substr(0, 10), t)},
         {"diff", diff},
         {"hasDiff", !diff.empty()}});
  }
  // Newest first.
  std::reverse(versions.begin(), versions.end());
  // The amendments of this agreement still open (art. 9), each linking to
  // its page, and the way to propose one (9a).
  auto amendments = domain::Amendments(site.database()).List(theme->id, "");
  if (!amendments.ok()) {
    return Failure(site, request, language, amendments.status());
  }
  json open_amendments = json::array();
  for (const domain::Amendment& amendment : *amendments) {
    if (amendment.target != "agreement" ||
        amendment.letter != agreement.letter ||
        (amendment.state != "proposed" && amendment.state != "agreed" &&
         amendment.state != "reported")) {
      continue;
    }
    std::string path = "/wijzigingen/";
    path += std::to_string(amendment.id);
    open_amendments.push_back(
        {{"id", amendment.id},
         {"url", Localize(path, language)},
         {"state", amendment.state},
         {"stateLabel", t["amend"]["states"][amendment.state]},
         {"reason", amendment.reason}});
  }
  std::string propose_path = "/wijzigingen/nieuw?thema=";
  propose_path += theme->id;
  propose_path += "&afspraak=";
  propose_path += agreement.letter;
  json parties = json::array();
  for (const auto& party : agreement.parties) parties.push_back(party);
  model["agreement"] = {
      {"letter", agreement.letter},
      {"id", theme->id + "/" + agreement.letter},
      {"kind", KindLabel(agreement.kind, t)},
      {"isResult", agreement.kind == domain::AgreementKind::kResult},
      {"goal", agreement.goal},
      {"topic", agreement.topic},
      {"preamble", agreement.preamble},
      {"text", agreement.text},
      {"notes", agreement.notes},
      {"hasNotes", !agreement.notes.empty()},
      {"parties", parties},
      {"hasParties", !parties.empty()},
      {"dates", dates},
      {"hasDates", !dates.empty()},
      {"numbers", numbers},
      {"hasNumbers", !numbers.empty()},
      {"indicators", indicators},
      {"hasIndicators", !indicators.empty()},
      {"versions", versions},
      {"hasVersions", !versions.empty()},
      {"openAmendments", open_amendments},
      {"hasOpenAmendments", !open_amendments.empty()},
      {"proposeUrl", Localize(propose_path, language)},
      {"progress", agreement_progress},
      {"apiUrl", theme->RoutePrefix() + "/agreements/" + agreement.letter}};
  if (found != theme->agreements.begin()) {
    auto previous = std::prev(found);
    model["previous"] = {
        {"letter", previous->letter},
        {"url", AgreementUrl(theme->id, previous->letter, language)}};
  }
  if (std::next(found) != theme->agreements.end()) {
    auto next = std::next(found);
    model["next"] = {{"letter", next->letter},
                     {"url", AgreementUrl(theme->id, next->letter, language)}};
  }
  return site.Page("agreement", language, std::move(model));
}

// ---- indicator ----

struct IndicatorData {
  domain::ThemeManifest theme;
  domain::Indicator indicator;
  std::vector<domain::Measurement> figures;
};

std::variant<IndicatorData, http::Response> LoadIndicatorData(
    Site& site, const http::Request& request, Language language) {
  const json& t = site.pages().Translations(language);
  auto record = site.catalog().GetIndicator(request.Param("indicator"));
  if (!record.ok()) return Failure(site, request, language, record.status());
  if (!record->has_value() || !site.modules().IsEnabled((*record)->theme_id)) {
    return site.ErrorPage(request, language, 404,
                          t["error"]["noIndicator"].get<std::string>());
  }
  auto theme = site.catalog().GetTheme((*record)->theme_id);
  if (!theme.ok()) return Failure(site, request, language, theme.status());
  if (!theme->has_value()) {
    return site.ErrorPage(request, language, 404,
                          t["error"]["noIndicator"].get<std::string>());
  }
  domain::Measurements measurements(site.database());
  auto figures = measurements.List((*record)->indicator.id, std::nullopt);
  if (!figures.ok()) return Failure(site, request, language, figures.status());
  return IndicatorData{std::move(**theme), std::move((*record)->indicator),
                       std::move(*figures)};
}

http::Response IndicatorPage(Site& site, http::Request& request,
                             Language language) {
  const json& t = site.pages().Translations(language);
  auto loaded = LoadIndicatorData(site, request, language);
  if (auto* response = std::get_if<http::Response>(&loaded)) return *response;
  const IndicatorData& data = std::get<IndicatorData>(loaded);
  const domain::Indicator& indicator = data.indicator;
  auto cities = Cities(site);
  if (!cities.ok()) return Failure(site, request, language, cities.status());

  std::set<std::string> period_set;
  std::map<std::string, std::map<std::string, const domain::Measurement*>>
      by_city;
  bool any_demo = false;
  for (const auto& figure : data.figures) {
    period_set.insert(figure.period);
    by_city[figure.city][figure.period] = &figure;
    any_demo = any_demo || figure.is_demo;
  }
  auto progress = CurrentProgress(site, {data.theme});
  if (!progress.ok()) {
    return Failure(site, request, language, progress.status());
  }
  const domain::IndicatorProgress* indicator_progress =
      progress->Indicator(indicator.id);
  std::string progress_api = "/api/v1/indicators/" + indicator.id + "/progress";
  std::vector<std::string> periods(period_set.begin(), period_set.end());
  json columns = json::array();
  for (const auto& period : periods) {
    columns.push_back({{"period", period}, {"label", FormatDate(period, t)}});
  }
  json rows = json::array();
  int reached = 0;
  for (const auto& [code, values] : by_city) {
    json cells = json::array();
    for (const auto& period : periods) {
      auto found = values.find(period);
      if (found == values.end()) {
        cells.push_back({{"empty", true}, {"raw", ""}});
      } else {
        cells.push_back({{"empty", false},
                         {"raw", found->second->value},
                         {"text", FormatValue(found->second->value,
                                              indicator.unit, language, t)},
                         {"demo", found->second->is_demo}});
      }
    }
    const domain::Measurement* latest = values.rbegin()->second;
    bool done = TargetReached(indicator, latest->value);
    if (done) ++reached;
    json row = {
        {"cells", cells},
        {"code", code},
        {"latest", FormatValue(latest->value, indicator.unit, language, t)},
        {"reached", done},
        {"status",
         done ? t["indicator"]["reached"] : t["indicator"]["notReached"]}};
    if (indicator_progress != nullptr) {
      if (code.empty() && indicator_progress->series) {
        row["progress"] = SeriesView(*indicator_progress->series,
                                     indicator.unit, language, t, progress_api);
      } else if (auto series = indicator_progress->cities.find(code);
                 series != indicator_progress->cities.end()) {
        row["progress"] = SeriesView(series->second, indicator.unit, language,
                                     t, progress_api);
      }
    }
    auto city = cities->find(code);
    if (code.empty()) {
      row["name"] = t["indicator"]["network"];
    } else {
      row["name"] = city == cities->end() ? code : city->second.name;
      row["url"] = CityUrl(code, language);
    }
    rows.push_back(row);
  }
  std::string name = Localized(indicator.name, language)["text"];
  json model = site.BaseModel(request, language, name, false);
  json agreements = json::array();
  for (const auto& letter : indicator.agreements) {
    agreements.push_back(
        {{"label", data.theme.id + "/" + letter},
         {"url", AgreementUrl(data.theme.id, letter, language)}});
  }
  model["indicator"] = {
      {"id", indicator.id},
      {"name", Localized(indicator.name, language)},
      {"description", indicator.description.nl.empty()
                          ? json(nullptr)
                          : Localized(indicator.description, language)},
      {"unit", indicator.unit},
      {"target", FormatValue(indicator.target, indicator.unit, language, t)},
      {"targetRaw", indicator.target},
      {"deadline", FormatDate(indicator.deadline, t)},
      {"deadlineRaw", indicator.deadline},
      {"beforeCovenant", domain::IsBeforeCovenant(indicator.deadline)},
      {"baseline",
       indicator.baseline
           ? json(FormatValue(*indicator.baseline, indicator.unit, language, t))
           : json(nullptr)},
      {"direction", indicator.direction == "decrease"
                        ? t["indicator"]["decrease"]
                        : t["indicator"]["increase"]},
      {"scope", indicator.scope == domain::IndicatorScope::kNetwork
                    ? t["indicator"]["scopeNetwork"]
                    : t["indicator"]["scopeCity"]},
      {"isMilestone", indicator.kind == "milestone"},
      {"agreements", agreements},
      {"csvUrl", "/indicatoren/" + indicator.id + "/cijfers.csv"},
      {"apiUrl", "/api/v1/indicators/" + indicator.id + "/measurements"}};
  model["theme"] = ThemeCard(data.theme, language, t);
  if (indicator_progress != nullptr) {
    model["progress"] = IndicatorStatusView(*indicator_progress, language, t);
    model["progressLabel"] =
        indicator.scope == domain::IndicatorScope::kCity
            ? t["progress"]["network"].get<std::string>() + " (" +
                  t["indicator"]["scopeCity"].get<std::string>() + ")"
            : t["progress"]["network"].get<std::string>();
    if (indicator.scope == domain::IndicatorScope::kCity) {
      std::optional<std::string> period;
      if (auto asked = request.Query("periode");
          asked &&
          std::find(periods.begin(), periods.end(), *asked) != periods.end()) {
        period = std::string(*asked);
      }
      domain::Comparison comparison = progress->Compare(indicator.id, period);
      json options = json::array();
      for (auto it = periods.rbegin(); it != periods.rend(); ++it) {
        options.push_back({{"value", *it},
                           {"label", FormatDate(*it, t)},
                           {"selected", *it == comparison.period}});
      }
      json compared = json::array();
      for (const auto& entry : comparison.entries) {
        auto city = cities->find(entry.cbs_code);
        compared.push_back({{"rank", entry.rank},
                            {"name", city == cities->end() ? entry.cbs_code
                                                           : city->second.name},
                            {"url", CityUrl(entry.cbs_code, language)},
                            {"value", FormatValue(entry.figure.value,
                                                  indicator.unit, language, t)},
                            {"period", FormatDate(entry.figure.period, t)}});
      }
      json without = json::array();
      for (const auto& code : comparison.without_figure) {
        auto city = cities->find(code);
        without.push_back(city == cities->end() ? code : city->second.name);
      }
      if (!compared.empty()) {
        model["comparison"] = {
            {"action", IndicatorUrl(indicator.id, language)},
            {"options", options},
            {"periodLabel", FormatDate(comparison.period, t)},
            {"hasMedian", comparison.median.has_value()},
            {"median",
             comparison.median
                 ? FormatValue(*comparison.median, indicator.unit, language, t)
                 : ""},
            {"rows", compared},
            {"without", without},
            {"hasWithout", !without.empty()}};
      }
    }
  }
  model["columns"] = columns;
  model["rows"] = rows;
  model["hasFigures"] = !rows.empty();
  model["anyDemo"] = any_demo;
  model["numReached"] = reached;
  model["numRows"] = rows.size();
  return site.Page("indicator", language, std::move(model));
}

// RFC 4180: a field with a comma, quote or line break is quoted.
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

http::Response IndicatorCsv(Site& site, http::Request& request) {
  auto loaded = LoadIndicatorData(site, request, Language::kDutch);
  if (auto* response = std::get_if<http::Response>(&loaded)) return *response;
  const IndicatorData& data = std::get<IndicatorData>(loaded);
  auto cities = Cities(site);
  if (!cities.ok())
    return Failure(site, request, Language::kDutch, cities.status());
  std::string csv =
      "indicator,cbs_code,city,period,value,unit,target,deadline,source,demo"
      "\r\n";
  for (const auto& figure : data.figures) {
    auto city = cities->find(figure.city);
    char value[64];
    std::snprintf(value, sizeof(value), "%.10g", figure.value);
    char target[64];
    std::snprintf(target, sizeof(target), "%.10g", data.indicator.target);
    csv += CsvField(data.indicator.id) + "," + CsvField(figure.city) + "," +
           CsvField(city == cities->end() ? "" : city->second.name) + "," +
           figure.period + "," + value + "," + CsvField(data.indicator.unit) +
           "," + target + "," + data.indicator.deadline + "," +
           CsvField(figure.source) + "," + (figure.is_demo ? "1" : "0") +
           "\r\n";
  }
  http::Response response;
  response.SetHeader("Content-Type", "text/csv; charset=utf-8; header=present");
  response.SetHeader(
      "Content-Disposition",
      "attachment; filename=\"" + data.indicator.id + "-cijfers.csv\"");
  response.body = std::move(csv);
  return response;
}

// ---- cities ----

http::Response CitiesPage(Site& site, http::Request& request,
                          Language language) {
  const json& t = site.pages().Translations(language);
  auto cities = Cities(site);
  if (!cities.ok()) return Failure(site, request, language, cities.status());
  json model = site.BaseModel(request, language,
                              t["cities"]["title"].get<std::string>(), false);
  json list = json::array();
  for (const auto& [code, city] : *cities) {
    list.push_back({{"name", city.name},
                    {"code", code},
                    {"network", city.network},
                    {"url", CityUrl(code, language)}});
  }
  std::sort(list.begin(), list.end(),
            [](const json& a, const json& b) { return a["name"] < b["name"]; });
  model["cities"] = list;
  return site.Page("cities", language, std::move(model));
}

http::Response CityPage(Site& site, http::Request& request, Language language) {
  const json& t = site.pages().Translations(language);
  auto cities = Cities(site);
  if (!cities.ok()) return Failure(site, request, language, cities.status());
  std::string code(request.Param("city"));
  auto city = cities->find(code);
  if (city == cities->end()) {
    return site.ErrorPage(request, language, 404,
                          t["error"]["noCity"].get<std::string>());
  }
  auto themes = EnabledThemes(site);
  if (!themes.ok()) return Failure(site, request, language, themes.status());
  json model = site.BaseModel(request, language, city->second.name, false);
  model["city"] = {
      {"name", city->second.name},
      {"code", code},
      {"network", city->second.network},
      {"memberSince", city->second.member_since.empty()
                          ? json(nullptr)
                          : json(FormatDate(city->second.member_since, t))},
      {"apiUrl", "/api/v1/cities/" + code}};
  auto progress = CurrentProgress(site, *themes);
  if (!progress.ok()) {
    return Failure(site, request, language, progress.status());
  }
  domain::CityProgress city_progress = progress->ForCity(code);
  model["progress"] =
      AssessmentView(city_progress.assessment, &city_progress.rollup, language,
                     t, "/api/v1/cities/" + code + "/progress");
  json leads = json::array();
  json figure_groups = json::array();
  domain::Measurements measurements(site.database());
  // The themes the city is involved in (art. 1f), since when.
  auto taking_part = domain::Participation(site.database()).OfCity(code);
  if (!taking_part.ok()) {
    return Failure(site, request, language, taking_part.status());
  }
  json involved_in = json::array();
  for (const domain::Participant& participant : *taking_part) {
    if (participant.role != "involved") continue;
    for (const auto& theme : *themes) {
      if (theme.id != participant.theme_id) continue;
      json card = ThemeCard(theme, language, t);
      card["since"] = FormatDate(participant.since, t);
      involved_in.push_back(std::move(card));
    }
  }
  model["involvedIn"] = involved_in;
  model["hasInvolvedIn"] = !involved_in.empty();
  for (const auto& theme : *themes) {
    for (const auto& leader : theme.leaders) {
      if (leader.cbs_code == code)
        leads.push_back(ThemeCard(theme, language, t));
    }
    json rows = json::array();
    for (const auto& indicator : theme.indicators) {
      if (indicator.scope != domain::IndicatorScope::kCity) continue;
      auto figures = measurements.List(indicator.id, code);
      if (!figures.ok())
        return Failure(site, request, language, figures.status());
      if (figures->empty()) continue;
      const domain::Measurement& latest = figures->back();
      bool done = TargetReached(indicator, latest.value);
      json series_view = nullptr;
      if (const auto* found = progress->Indicator(indicator.id)) {
        if (auto series = found->cities.find(code);
            series != found->cities.end()) {
          series_view = SeriesView(series->second, indicator.unit, language, t,
                                   "/api/v1/cities/" + code + "/progress");
        }
      }
      rows.push_back(
          {{"indicator", Localized(indicator.name, language)},
           {"url", IndicatorUrl(indicator.id, language)},
           {"period", FormatDate(latest.period, t)},
           {"value", FormatValue(latest.value, indicator.unit, language, t)},
           {"target",
            FormatValue(indicator.target, indicator.unit, language, t)},
           {"deadline", FormatDate(indicator.deadline, t)},
           {"reached", done},
           {"status",
            done ? t["indicator"]["reached"] : t["indicator"]["notReached"]},
           {"progress", series_view},
           {"demo", latest.is_demo}});
    }
    if (!rows.empty()) {
      figure_groups.push_back(
          {{"theme", ThemeCard(theme, language, t)}, {"rows", rows}});
    }
  }
  model["leads"] = leads;
  model["hasLeads"] = !leads.empty();

  // The city's records in the modules' registers that have a city field.
  json record_groups = json::array();
  for (const Register& reg : Registers(site)) {
    http::Response answer = site.CallApi(
        request, "GET", reg.api_path + "?pageSize=500&city=" + code);
    if (answer.status != 200) continue;
    json body = json::parse(answer.body, nullptr, false);
    if (!body.is_object() || !body.contains("items")) continue;
    json records = json::array();
    std::vector<std::string> keys;
    for (const auto& item : body["items"]) {
      if (!item.is_object() || item.value("city", "") != code) continue;
      for (const auto& [key, value] : item.items()) {
        if (key == "id" || key == "demo" || key == "updatedAt" ||
            key == "city" || key == "cityName") {
          continue;
        }
        if (std::find(keys.begin(), keys.end(), key) == keys.end())
          keys.push_back(key);
      }
      records.push_back(item);
    }
    if (records.empty()) continue;
    json columns = json::array();
    for (const auto& key : keys) columns.push_back(key);
    json rows = json::array();
    for (const auto& item : records) {
      json cells = json::array();
      for (const auto& key : keys) {
        const json& value = item.contains(key) ? item[key] : json();
        cells.push_back(value.is_null()     ? "–"
                        : value.is_string() ? value.get<std::string>()
                        : value.is_boolean()
                            ? (value.get<bool>()
                                   ? t["registers"]["yes"].get<std::string>()
                                   : t["registers"]["no"].get<std::string>())
                            : value.dump());
      }
      rows.push_back({{"cells", cells}, {"demo", item.value("demo", false)}});
    }
    record_groups.push_back({{"name", reg.name},
                             {"theme", Localized(reg.theme_name, language)},
                             {"themeUrl", ThemeUrl(reg.theme, language)},
                             {"columns", columns},
                             {"rows", rows}});
  }
  model["recordGroups"] = record_groups;
  model["hasRecords"] = !record_groups.empty();
  model["figureGroups"] = figure_groups;
  model["hasFigures"] = !figure_groups.empty();
  return site.Page("city", language, std::move(model));
}

// ---- search ----

struct Hit {
  int score;
  json item;
};

json TopHits(std::vector<Hit> hits, std::size_t limit) {
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.score > b.score;
  });
  json out = json::array();
  for (std::size_t i = 0; i < hits.size() && i < limit; ++i) {
    out.push_back(std::move(hits[i].item));
  }
  return out;
}

std::vector<std::string> WordsOf(
    std::initializer_list<std::string_view> texts) {
  std::vector<std::string> words;
  for (std::string_view text : texts) {
    auto more = SearchWords(text);
    words.insert(words.end(), more.begin(), more.end());
  }
  return words;
}

// The first sentence-sized piece of text, for a result's summary.
std::string Excerpt(const std::string& text) {
  if (text.size() <= 220) return text;
  std::size_t cut = text.rfind(' ', 220);
  return text.substr(0, cut == std::string::npos ? 220 : cut) + " …";
}

// Text for a URL's query string: everything but unreserved characters
// percent-encoded.
std::string QueryEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

// The search form's filters of the documents: theme, kind and year, each
// with what the request chose.
json SearchFilters(Site& site, const http::Request& request,
                   Language language) {
  const json& t = site.pages().Translations(language);
  std::string theme(request.Query("theme").value_or(""));
  std::string kind(request.Query("kind").value_or(""));
  json themes = json::array();
  if (auto enabled = EnabledThemes(site); enabled.ok()) {
    for (const auto& item : *enabled) {
      themes.push_back({{"code", item.id},
                        {"name", Localized(item.name, language)["text"]},
                        {"selected", item.id == theme}});
    }
  }
  json kinds = json::array();
  for (const char* code : domain::DocumentKinds()) {
    kinds.push_back({{"code", code},
                     {"name", t["documents"]["kinds"][code]},
                     {"selected", kind == code}});
  }
  return {{"themes", themes},
          {"kinds", kinds},
          {"year", std::string(request.Query("year").value_or(""))}};
}

http::Response SearchPage(Site& site, http::Request& request,
                          Language language) {
  const json& t = site.pages().Translations(language);
  std::string query(request.Query("q").value_or(""));
  if (query.size() > 200) query.resize(200);
  std::vector<std::string> words = SearchWords(query);
  json model = site.BaseModel(request, language,
                              t["search"]["title"].get<std::string>(), false);
  model["query"] = query;
  model["action"] = Localize("/zoeken", language);
  model["filters"] = SearchFilters(site, request, language);
  model["searched"] = !words.empty();
  if (words.empty()) return site.Page("search", language, std::move(model));

  auto themes = EnabledThemes(site);
  if (!themes.ok()) return Failure(site, request, language, themes.status());
  auto cities = Cities(site);
  if (!cities.ok()) return Failure(site, request, language, cities.status());
  std::vector<Hit> theme_hits, agreement_hits, indicator_hits, city_hits;
  for (const auto& theme : *themes) {
    std::vector<std::string_view> texts = {theme.id, theme.name.nl,
                                           theme.name.en, theme.introduction.nl,
                                           theme.introduction.en};
    for (const auto& challenge : theme.challenges) {
      texts.push_back(challenge.nl);
      texts.push_back(challenge.en);
    }
    for (const auto& leader : theme.leaders) texts.push_back(leader.name);
    std::vector<std::string> theme_words;
    for (std::string_view text : texts) {
      auto more = SearchWords(text);
      theme_words.insert(theme_words.end(), more.begin(), more.end());
    }
    if (int score = SearchScore(words, theme_words)) {
      json summary = Localized(theme.introduction, language);
      summary["text"] = Excerpt(summary["text"]);
      theme_hits.push_back({score,
                            {{"title", Localized(theme.name, language)},
                             {"url", ThemeUrl(theme.id, language)},
                             {"summary", summary}}});
    }
    for (const auto& agreement : theme.agreements) {
      std::vector<std::string> agreement_words =
          WordsOf({agreement.goal, agreement.topic, agreement.preamble,
                   agreement.text, theme.id + " " + agreement.letter});
      for (const auto& note : agreement.notes) {
        auto more = SearchWords(note);
        agreement_words.insert(agreement_words.end(), more.begin(), more.end());
      }
      for (const auto& party : agreement.parties) {
        auto more = SearchWords(party);
        agreement_words.insert(agreement_words.end(), more.begin(), more.end());
      }
      if (int score = SearchScore(words, agreement_words)) {
        agreement_hits.push_back(
            {score,
             {{"title",
               {{"text", t["agreement"]["heading"].get<std::string>() + " " +
                             theme.id + "/" + agreement.letter},
                {"lang", language == Language::kDutch ? "nl" : "en"}}},
              {"url", AgreementUrl(theme.id, agreement.letter, language)},
              {"theme", Localized(theme.name, language)},
              {"summary",
               {{"text", Excerpt(agreement.text)}, {"lang", "nl"}}}}});
      }
    }
    for (const auto& indicator : theme.indicators) {
      if (int score = SearchScore(
              words,
              WordsOf({indicator.id, indicator.name.nl, indicator.name.en,
                       indicator.description.nl, indicator.description.en}))) {
        json summary = indicator.description.nl.empty()
                           ? json({{"text", ""}, {"lang", "nl"}})
                           : Localized(indicator.description, language);
        summary["text"] = Excerpt(summary["text"]);
        indicator_hits.push_back(
            {score,
             {{"title", Localized(indicator.name, language)},
              {"url", IndicatorUrl(indicator.id, language)},
              {"theme", Localized(theme.name, language)},
              {"summary", summary}}});
      }
    }
  }
  for (const auto& [code, city] : *cities) {
    if (int score = SearchScore(words, WordsOf({city.name, code}))) {
      city_hits.push_back(
          {score,
           {{"title", {{"text", city.name}, {"lang", "nl"}}},
            {"url", CityUrl(code, language)},
            {"summary",
             {{"text", code + " · " + city.network}, {"lang", "nl"}}}}});
    }
  }
  std::size_t total = theme_hits.size() + agreement_hits.size() +
                      indicator_hits.size() + city_hits.size();
  json groups = json::array();
  auto add_group = [&](const char* key, std::vector<Hit> hits) {
    if (hits.empty()) return;
    std::size_t count = hits.size();
    groups.push_back({{"id", std::string("resultaten-") + key},
                      {"heading", t["search"]["groups"][key]},
                      {"count", count},
                      {"results", TopHits(std::move(hits), 25)}});
  };
  add_group("themes", std::move(theme_hits));
  add_group("agreements", std::move(agreement_hits));
  add_group("indicators", std::move(indicator_hits));
  add_group("cities", std::move(city_hits));
  // The knowledge base's documents and the theme modules' register records,
  // from the full-text search with Dutch stems (GET /api/v1/search), with
  // the passage that matched; the filters narrow both.
  auto full_text = [&](const char* type) {
    std::string target = "/api/v1/search?pageSize=25&type=";
    target += type;
    target += "&q=" + QueryEncode(query);
    for (const char* filter : {"theme", "kind", "year"}) {
      auto value = request.Query(filter);
      if (value && !value->empty()) {
        target += '&';
        target += filter;
        target += '=';
        target += QueryEncode(*value);
      }
    }
    http::Response answer = site.CallApi(request, "GET", target);
    json found = json::parse(answer.body, nullptr, false);
    if (answer.status != 200 || !found.is_object()) return json::array();
    return found["items"];
  };
  json results = json::array();
  for (const json& item : full_text("document")) {
    results.push_back(
        {{"title", {{"text", item["title"]}, {"lang", "nl"}}},
         {"url", item["link"].get<std::string>() + "/file"},
         {"kind", item["kind"].is_string()
                      ? t["documents"]["kinds"][item["kind"].get<std::string>()]
                      : json("")},
         {"snippet", {{"parts", item["snippetParts"]}}}});
  }
  if (!results.empty()) {
    total += results.size();
    groups.push_back({{"id", "resultaten-documenten"},
                      {"heading", t["search"]["groups"]["documents"]},
                      {"count", results.size()},
                      {"note", t["search"]["documentsNote"]},
                      {"results", results}});
  }
  // A record is shown where the site lists it: on its city's page, or on
  // its theme's page when it has no city.
  json records = json::array();
  for (const json& item : full_text("record")) {
    std::string theme_id = item.value("theme", "");
    json theme_name = json(nullptr);
    for (const auto& theme : *themes) {
      if (theme.id == theme_id) theme_name = Localized(theme.name, language);
    }
    json entry = {
        {"title", {{"text", item["title"]}, {"lang", "nl"}}},
        {"url", item["city"].is_string()
                    ? CityUrl(item["city"].get<std::string>(), language)
                    : ThemeUrl(theme_id, language)},
        {"theme", theme_name}};
    if (!item["snippetParts"].empty()) {
      entry["snippet"] = {{"parts", item["snippetParts"]}};
    }
    records.push_back(std::move(entry));
  }
  if (!records.empty()) {
    total += records.size();
    groups.push_back({{"id", "resultaten-registers"},
                      {"heading", t["search"]["groups"]["records"]},
                      {"count", records.size()},
                      {"results", records}});
  }
  model["groups"] = groups;
  model["total"] = total;
  model["found"] = total > 0;
  return site.Page("search", language, std::move(model));
}

}  // namespace

Status RegisterPublicPages(Site& site) {
  Site* s = &site;
  Status status =
      site.AddPage("/",
                   DatedPublicPageOptions(
                       "The dashboard: the themes, deadlines, latest figures"),
                   [s](http::Request& request, Language language) {
                     return Dashboard(*s, request, language);
                   });
  if (!status.ok()) return status;
  status = site.AddPage("/themas/{theme}", PublicPageOptions("A theme"),
                        [s](http::Request& request, Language language) {
                          return ThemePage(*s, request, language);
                        });
  if (!status.ok()) return status;
  status = site.AddPage("/themas/{theme}/afspraken/{letter}",
                        PublicPageOptions("An agreement"),
                        [s](http::Request& request, Language language) {
                          return AgreementPage(*s, request, language);
                        });
  if (!status.ok()) return status;
  status = site.AddPage("/indicatoren/{indicator}",
                        PublicPageOptions("An indicator with its figures"),
                        [s](http::Request& request, Language language) {
                          return IndicatorPage(*s, request, language);
                        });
  if (!status.ok()) return status;
  http::RouteOptions csv = PublicPageOptions("An indicator's figures as CSV");
  csv.body_limit_bytes = 0;
  status = site.AddRoute(
      "GET", "/indicatoren/{indicator}/cijfers.csv", csv,
      [s](http::Request& request) { return IndicatorCsv(*s, request); });
  if (!status.ok()) return status;
  status = site.AddPage("/steden", PublicPageOptions("The cities"),
                        [s](http::Request& request, Language language) {
                          return CitiesPage(*s, request, language);
                        });
  if (!status.ok()) return status;
  http::RouteOptions search_options = PublicPageOptions("Search the site");
  search_options.lane = http::Lane::kSearch;
  status = site.AddPage("/zoeken", search_options,
                        [s](http::Request& request, Language language) {
                          return SearchPage(*s, request, language);
                        });
  if (!status.ok()) return status;
  return site.AddPage("/steden/{city}", PublicPageOptions("A city"),
                      [s](http::Request& request, Language language) {
                        return CityPage(*s, request, language);
                      });
}

}  // namespace smartercities::web
