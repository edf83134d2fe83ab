// The rolling agenda on the site (docs/agenda.md): a theme's projects
// (art. 5a, 5d), the meetings with the yearly rhythm of art. 6, and EZ's
// contribution to Stedenlink's costs (art. 7b):
//   GET  /themas/{theme}/projecten                        the active agenda
//                                                          and the archive
//   GET  /themas/{theme}/projecten/{projectId}            one project
//   GET  /themas/{theme}/projecten/nieuw                  the form to add one
//   GET  /themas/{theme}/projecten/{projectId}/wijzigen   the form to change
//   POST /themas/{theme}/projecten                        add (API POST)
//   POST /themas/{theme}/projecten/{projectId}            change (API PATCH)
//   GET  /overleggen                                      the meetings per
//                                                          year, the rhythm
//   GET  /overleggen/nieuw, POST /overleggen              record a meeting
//   GET  /financiering                                    totals, the share,
//                                                          the entries
//   GET  /financiering/invoer, POST /financiering         record an entry
// and the same under /en. The lists are public and cacheable; the forms are
// personal pages whose POST calls the agenda's API route in-process as the
// logged-in user (Site::CallApi), so the API decides who may write and a
// problem that names a field stands next to that field.
#include <algorithm>
#include <charconv>
#include <set>

#include "core/domain/parties.h"
#include "core/web/form.h"
#include "core/web/view_helpers.h"

namespace smartercities::web {
namespace {

using nlohmann::json;

// An API GET's JSON, or nullopt with the problem's detail in failure.
std::optional<json> GetJson(Site& site, const http::Request& request,
                            const std::string& target, std::string& failure) {
  http::Response answer = site.CallApi(request, "GET", target);
  json body = json::parse(answer.body, nullptr, false);
  if (answer.status != 200 || body.is_discarded()) {
    failure = ProblemDetail(answer);
    return std::nullopt;
  }
  return body;
}

// A city (CBS code) or a party of the covenant (id) by name.
std::string NameOf(const std::map<std::string, CityRow>& cities,
                   const std::string& id) {
  if (const domain::Party* party = domain::FindParty(id)) {
    return std::string(party->short_name);
  }
  auto found = cities.find(id);
  return found == cities.end() ? id : found->second.name;
}

json NameLink(const std::map<std::string, CityRow>& cities,
              const std::string& id, Language language) {
  // Always a url, empty for a party, so that a template's {{#url}} never
  // finds an outer object's.
  return {{"name", NameOf(cities, id)},
          {"url", cities.contains(id) ? CityUrl(id, language) : ""}};
}

std::string Text(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) ||
      !object[key].is_string()) {
    return "";
  }
  return object[key].get<std::string>();
}

std::vector<std::string> StringsOf(const json& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// "1.234.567,89 euro" for Dutch, "EUR 1,234,567.89" for English.
std::string Euro(std::int64_t cents, Language language) {
  bool negative = cents < 0;
  std::uint64_t magnitude = negative ? static_cast<std::uint64_t>(-cents)
                                     : static_cast<std::uint64_t>(cents);
  std::string whole = std::to_string(magnitude / 100);
  std::string grouped;
  char separator = language == Language::kDutch ? '.' : ',';
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += separator;
    grouped += whole[i];
  }
  std::string fraction = std::to_string(magnitude % 100);
  if (fraction.size() < 2) fraction.insert(0, "0");
  std::string out = "€ ";
  if (negative) out += "-";
  out += grouped;
  out += language == Language::kDutch ? ',' : '.';
  out += fraction;
  return out;
}

// An amount in euros as typed ("1.234,56" in Dutch, "1,234.56" in English;
// "€" and spaces ignored) in cents, or nullopt.
std::optional<std::int64_t> ParseEuro(std::string_view text,
                                      Language language) {
  std::string digits;
  char decimal = language == Language::kDutch ? ',' : '.';
  char grouping = language == Language::kDutch ? '.' : ',';
  std::size_t i = 0;
  if (text.starts_with("€")) i = std::string_view("€").size();
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == grouping) continue;
    digits += c == decimal ? '.' : c;
  }
  if (digits.empty()) return std::nullopt;
  std::size_t point = digits.find('.');
  std::string whole = digits.substr(0, point);
  std::string fraction =
      point == std::string::npos ? "" : digits.substr(point + 1);
  auto all_digits = [](const std::string& part) {
    return std::all_of(part.begin(), part.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || whole.size() > 12 || !all_digits(whole) ||
      fraction.size() > 2 || !all_digits(fraction) ||
      (point != std::string::npos && fraction.empty())) {
    return std::nullopt;
  }
  while (fraction.size() < 2) fraction += '0';
  return std::stoll(whole) * 100 + std::stoll(fraction);
}

// The lines of a text field, trimmed, without empty ones.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
      line.pop_back();
    }
    std::size_t first = line.find_first_not_of(' ');
    if (first != std::string::npos) out.push_back(line.substr(first));
    start = end + 1;
  }
  return out;
}

// Codes separated by commas or spaces ("GM0794, GM0772").
std::vector<std::string> Codes(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text + ",") {
    if (c == ',' || c == ' ' || c == ';' || c == '\n' || c == '\r') {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  return out;
}

std::string Join(const std::vector<std::string>& items,
                 const std::string& separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// Every value of a form field that may repeat (checkboxes).
std::vector<std::string> FormValues(const http::Pairs& form,
                                    std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [key, value] : form) {
    if (key == name && !value.empty()) out.push_back(value);
  }
  return out;
}

// What a form sent and what the API said of it, for showing it again.
struct FormState {
  std::map<std::string, std::string> values;
  std::map<std::string, std::vector<std::string>> choices;
  std::map<std::string, std::string> errors;
  std::string problem;
  bool submitted = false;
};

// The API's 400 names fields in its own terms ("partners.cities[0]: must
// be a CBS code"); fields maps those (without the index) to the form's
// field names. What names no field of the form is shown above it.
void TakeProblem(const http::Response& answer,
                 const std::map<std::string, std::string>& fields,
                 FormState& state) {
  PlacedProblems placed = PlaceProblems(
      answer, [&](const std::string& name) -> std::optional<std::string> {
        std::string field = name.substr(0, name.find('['));
        auto found = fields.find(field);
        if (found == fields.end() && field.find('.') != std::string::npos) {
          found = fields.find(field.substr(0, field.find('.')));
        }
        if (found == fields.end()) return std::nullopt;
        return found->second;
      });
  state.errors.insert(placed.errors.begin(), placed.errors.end());
  if (!placed.above.empty()) state.problem = placed.above;
}

// A text field of a form: {key, label, value, error}.
json Field(const std::string& key, const json& label, const std::string& value,
           const FormState& state) {
  json field = {{"key", key}, {"label", label}, {"value", value}};
  if (auto error = state.errors.find(key); error != state.errors.end()) {
    field["error"] = error->second;
  }
  return field;
}

json ErrorsJson(const FormState& state) {
  json errors = json::array();
  for (const auto& [field, message] : state.errors) {
    errors.push_back({{"field", field}, {"message", message}});
  }
  return errors;
}

// ---- projects ----

std::string ProjectsBase(const std::string& theme, Language language) {
  return Localize("/themas/" + theme + "/projecten", language);
}

std::string ProjectUrl(const std::string& theme, std::int64_t id,
                       Language language) {
  return ProjectsBase(theme, language) + "/" + std::to_string(id);
}

// Why the caller may not write the theme's projects (art. 1e: the leading
// cities lead the allocation and execution of the theme's projects; the
// theme's editors keep its records), or "" when they may. The API checks
// the same; this only decides whether the page offers the form.
std::string ProjectWriteRefusal(const http::Request& request,
                                const domain::ThemeManifest& theme,
                                const json& t) {
  std::string_view role = request.CallerRole();
  std::string_view scope = request.CallerScope();
  if (role == "admin" || (role == "theme-editor" && scope == theme.id)) {
    return "";
  }
  std::string leaders;
  for (const auto& leader : theme.leaders) {
    if (leader.cbs_code.empty()) continue;
    if (role == "city-editor" && scope == leader.cbs_code) return "";
    if (!leaders.empty()) leaders += ", ";
    leaders += leader.name;
  }
  std::string reason = t["projects"]["whoWrites"].get<std::string>();
  if (!leaders.empty()) reason += " (" + leaders + ")";
  return reason;
}

json ProjectView(const json& project, const std::map<std::int64_t, json>& all,
                 const domain::ThemeManifest& theme,
                 const std::map<std::string, CityRow>& cities,
                 Language language, const json& t) {
  std::int64_t id = project.value("id", std::int64_t{0});
  std::string status = Text(project, "status");
  json view = {{"id", id},
               {"title", Text(project, "title")},
               {"aim", Text(project, "aim")},
               {"url", ProjectUrl(theme.id, id, language)},
               {"editUrl", ProjectUrl(theme.id, id, language) + "/wijzigen"},
               {"apiUrl", "/api/v1/themes/" + theme.id + "/projects/" +
                              std::to_string(id)},
               {"lead", NameLink(cities, Text(project, "lead"), language)},
               {"status", status},
               {"statusLabel", t["projects"]["statuses"].value(status, status)},
               {"results", Text(project, "results")}};
  for (const char* date : {"proposedOn", "startedOn", "endedOn"}) {
    std::string value = Text(project, date);
    view[date] = value.empty() ? "" : FormatDate(value, t);
  }
  json partners = json::array();
  const json empty = json::object();
  const json& partner_lists =
      project.contains("partners") && project["partners"].is_object()
          ? project["partners"]
          : empty;
  for (const char* list : {"cities", "parties"}) {
    for (const auto& code :
         StringsOf(partner_lists.value(list, json::array()))) {
      partners.push_back(NameLink(cities, code, language));
    }
  }
  for (const auto& name :
       StringsOf(partner_lists.value("organisations", json::array()))) {
    partners.push_back({{"name", name}, {"url", ""}});
  }
  view["partners"] = partners;
  view["hasPartners"] = !partners.empty();
  json agreements = json::array();
  for (const auto& agreement :
       StringsOf(project.value("agreements", json::array()))) {
    std::size_t slash = agreement.find('/');
    std::string letter =
        slash == std::string::npos ? agreement : agreement.substr(slash + 1);
    agreements.push_back({{"label", agreement},
                          {"url", AgreementUrl(theme.id, letter, language)}});
  }
  view["agreements"] = agreements;
  view["hasAgreements"] = !agreements.empty();
  json securing = json::array();
  if (project.contains("securing") && project["securing"].is_object()) {
    for (const char* key : {"standards", "scalability", "exchangeability"}) {
      std::string text = Text(project["securing"], key);
      if (!text.empty()) {
        securing.push_back({{"label", t["projects"][key]}, {"text", text}});
      }
    }
  }
  view["securing"] = securing;
  view["hasSecuring"] = !securing.empty();
  auto link_to = [&](std::int64_t other) {
    auto found = all.find(other);
    return json{{"title", found == all.end() ? "#" + std::to_string(other)
                                             : Text(found->second, "title")},
                {"url", ProjectUrl(theme.id, other, language)}};
  };
  if (project.contains("replaces") && project["replaces"].is_number()) {
    view["replaces"] = link_to(project["replaces"].get<std::int64_t>());
  }
  json replaced_by = json::array();
  if (project.contains("replacedBy") && project["replacedBy"].is_array()) {
    for (const auto& other : project["replacedBy"]) {
      if (other.is_number())
        replaced_by.push_back(link_to(other.get<std::int64_t>()));
    }
  }
  view["replacedBy"] = replaced_by;
  view["hasReplacedBy"] = !replaced_by.empty();
  if (project.contains("concretises") && project["concretises"].is_object()) {
    const json& action = project["concretises"];
    // "theme/a" as "Afspraak a", linked to the agreement's page.
    std::string agreement = Text(action, "agreement");
    std::string letter = agreement.substr(agreement.find('/') + 1);
    view["concretises"] = {
        {"agreement",
         t["agreement"]["heading"].get<std::string>() + " " + letter},
        {"agreementUrl", AgreementUrl(theme.id, letter, language)},
        {"party", NameOf(cities, Text(action, "party"))},
        {"action", Text(action, "action")}};
  }
  json sources = json::array();
  if (project.contains("fundingSources") &&
      project["fundingSources"].is_array()) {
    for (const auto& source : project["fundingSources"]) {
      std::string kind = Text(source, "kind");
      std::string source_status = Text(source, "status");
      json item = {{"kind", t["projects"]["sourceKinds"].value(kind, kind)},
                   {"name", Text(source, "name")},
                   {"status", source_status.empty()
                                  ? std::string()
                                  : t["projects"]["sourceStatuses"].value(
                                        source_status, source_status)},
                   {"document", Text(source, "documentReference")}};
      if (source.contains("amountCents") &&
          source["amountCents"].is_number_integer()) {
        item["amount"] =
            Euro(source["amountCents"].get<std::int64_t>(), language);
      }
      if (source.contains("ezSupport") && source["ezSupport"].is_boolean()) {
        item["ezSupport"] = source["ezSupport"].get<bool>()
                                ? t["registers"]["yes"]
                                : t["registers"]["no"];
      }
      sources.push_back(std::move(item));
    }
  }
  view["fundingSources"] = sources;
  view["hasFundingSources"] = !sources.empty();
  return view;
}

// Every project of the theme by id (oldest first), or the failure.
std::optional<std::vector<json>> AllProjects(Site& site,
                                             const http::Request& request,
                                             const std::string& theme,
                                             std::string& failure) {
  auto body = GetJson(
      site, request,
      "/api/v1/themes/" + theme + "/projects?status=all&pageSize=500", failure);
  if (!body || !body->contains("items")) return std::nullopt;
  std::vector<json> out;
  for (const auto& item : (*body)["items"]) out.push_back(item);
  return out;
}

json ThemeLink(const domain::ThemeManifest& theme, Language language) {
  return {{"name", Localized(theme.name, language)},
          {"url", ThemeUrl(theme.id, language)}};
}

http::Response ProjectsPage(Site& site, http::Request& request,
                            Language language) {
  const json& t = site.pages().Translations(language);
  auto theme = EnabledTheme(site, request.Param("theme"));
  if (!theme) {
    return site.ErrorPage(request, language, 404,
                          t["error"]["noTheme"].get<std::string>());
  }
  auto cities = Cities(site);
  std::string failure;
  auto projects = AllProjects(site, request, theme->id, failure);
  if (!cities.ok() || !projects) {
    return site.ErrorPage(request, language, 500,
                          cities.ok() ? failure : cities.status().message());
  }
  std::map<std::int64_t, json> by_id;
  for (const auto& project : *projects) {
    by_id[project.value("id", std::int64_t{0})] = project;
  }
  json active = json::array();
  json archive = json::array();
  // The open actions at signing taken up by a project (4d), whatever its
  // status: the record of which were made concrete, by whom.
  json actions = json::array();
  for (const auto& project : *projects) {
    json view = ProjectView(project, by_id, *theme, *cities, language, t);
    if (view.contains("concretises")) {
      actions.push_back({{"action", view["concretises"]},
                         {"project",
                          {{"title", view["title"]},
                           {"url", view["url"]},
                           {"statusLabel", view["statusLabel"]}}}});
    }
    std::string status = Text(project, "status");
    (status == "completed" || status == "stopped" ? archive : active)
        .push_back(std::move(view));
  }
  json model = site.BaseModel(
      request, language,
      t["projects"]["heading"].get<std::string>() + " — " +
          Localized(theme->name, language)["text"].get<std::string>(),
      false);
  model["theme"] = ThemeLink(*theme, language);
  model["active"] = active;
  model["hasActive"] = !active.empty();
  model["archive"] = archive;
  model["hasArchive"] = !archive.empty();
  model["openActions"] = actions;
  model["hasOpenActions"] = !actions.empty();
  model["newUrl"] = ProjectsBase(theme->id, language) + "/nieuw";
  model["apiUrl"] = "/api/v1/themes/" + theme->id + "/projects";
  return site.Page("projects", language, std::move(model));
}

http::Response ProjectPage(Site& site, http::Request& request,
                           Language language) {
  const json& t = site.pages().Translations(language);
  auto theme = EnabledTheme(site, request.Param("theme"));
  auto id = PathId(request, "projectId");
  if (!theme || !id) {
    return site.ErrorPage(request, language, 404,
                          t["projects"]["noProject"].get<std::string>());
  }
  auto cities = Cities(site);
  std::string failure;
  auto projects = AllProjects(site, request, theme->id, failure);
  if (!cities.ok() || !projects) {
    return site.ErrorPage(request, language, 500,
                          cities.ok() ? failure : cities.status().message());
  }
  std::map<std::int64_t, json> by_id;
  for (const auto& project : *projects) {
    by_id[project.value("id", std::int64_t{0})] = project;
  }
  auto found = by_id.find(*id);
  if (found == by_id.end()) {
    return site.ErrorPage(request, language, 404,
                          t["projects"]["noProject"].get<std::string>());
  }
  json view = ProjectView(found->second, by_id, *theme, *cities, language, t);
  json model = site.BaseModel(request, language,
                              view["title"].get<std::string>(), false);
  model["theme"] = ThemeLink(*theme, language);
  model["projectsUrl"] = ProjectsBase(theme->id, language);
  model["project"] = view;
  return site.Page("project", language, std::move(model));
}

// The API's field names (without an index) and the form's.
const std::map<std::string, std::string>& ProjectFieldNames() {
  static const std::map<std::string, std::string> kNames = {
      {"title", "title"},
      {"aim", "aim"},
      {"lead", "lead"},
      {"status", "status"},
      {"proposedOn", "proposedOn"},
      {"startedOn", "startedOn"},
      {"endedOn", "endedOn"},
      {"results", "results"},
      {"replaces", "replaces"},
      {"agreements", "agreements"},
      {"partners.cities", "partnerCities"},
      {"partners.parties", "partnerParties"},
      {"partners.organisations", "organisations"},
      {"partners", "partnerCities"},
      {"securing.standards", "standards"},
      {"securing.scalability", "scalability"},
      {"securing.exchangeability", "exchangeability"},
      {"securing", "standards"},
      {"concretises.agreement", "concretisesAgreement"},
      {"concretises.party", "concretisesParty"},
      {"concretises.action", "concretisesAction"},
      {"concretises", "concretisesAgreement"}};
  return kNames;
}

// ---- a project's own funding sources (7a, 7e) in the form ----
//
// One fieldset per source, its inputs named "source-<row>-<field>"; the
// form says how many rows it has ("sourceRows"). A row left empty is not a
// source. The form shows the stored sources and one empty row for a new
// one.

constexpr int kMaxSourceRows = 20;
constexpr const char* kSourceFields[] = {"kind",   "name",      "amount",
                                         "status", "ezSupport", "document"};

std::string SourceKey(int row, std::string_view field) {
  std::string key = "source-";
  key += std::to_string(row);
  key += '-';
  key += field;
  return key;
}

int SourceRows(const FormState& state) {
  auto found = state.values.find("sourceRows");
  int rows = 0;
  if (found != state.values.end()) {
    const std::string& text = found->second;
    std::from_chars(text.data(), text.data() + text.size(), rows);
  }
  return std::clamp(rows, 0, kMaxSourceRows);
}

// The stored sources as the form's values.
void SourcesToForm(const json& sources, Language language, FormState& state) {
  int rows = 0;
  for (const auto& source : sources) {
    if (rows >= kMaxSourceRows || !source.is_object()) break;
    state.values[SourceKey(rows, "kind")] = Text(source, "kind");
    state.values[SourceKey(rows, "name")] = Text(source, "name");
    state.values[SourceKey(rows, "status")] = Text(source, "status");
    state.values[SourceKey(rows, "document")] =
        Text(source, "documentReference");
    if (source.contains("amountCents") &&
        source["amountCents"].is_number_integer()) {
      state.values[SourceKey(rows, "amount")] =
          Euro(source["amountCents"].get<std::int64_t>(), language);
    }
    if (source.value("ezSupport", false)) {
      state.values[SourceKey(rows, "ezSupport")] = "true";
    }
    ++rows;
  }
  state.values["sourceRows"] = std::to_string(rows);
}

// The form's rows as the API's fundingSources; row_of[i] is the form row
// of the API's source i. False (with the error set) when an amount is not
// one.
bool SourcesFromForm(const http::Pairs& form, Language language, const json& t,
                     FormState& state, json& sources,
                     std::vector<int>& row_of) {
  state.values["sourceRows"] = FormField(form, "sourceRows").value_or("0");
  int rows = SourceRows(state);
  sources = json::array();
  bool ok = true;
  for (int row = 0; row < rows; ++row) {
    auto value = [&](const char* field) -> std::string& {
      return state.values[SourceKey(row, field)];
    };
    for (const char* field : kSourceFields) {
      value(field) = FormField(form, SourceKey(row, field)).value_or("");
    }
    if (value("kind").empty() && value("name").empty() &&
        value("amount").empty() && value("document").empty()) {
      continue;
    }
    json source = {{"kind", value("kind")}, {"name", value("name")}};
    // EZ's support is a fact of EU requests only (7e).
    if (value("ezSupport") == "true") source["ezSupport"] = true;
    if (!value("amount").empty()) {
      auto cents = ParseEuro(value("amount"), language);
      if (!cents) {
        state.errors[SourceKey(row, "amount")] =
            t["funding"]["amountInvalid"].get<std::string>();
        ok = false;
      } else {
        source["amountCents"] = *cents;
      }
    }
    if (!value("status").empty()) source["status"] = value("status");
    if (!value("document").empty()) {
      source["documentReference"] = value("document");
    }
    sources.push_back(std::move(source));
    row_of.push_back(row);
  }
  return ok;
}

// The API names a source's field as "fundingSources[2].name": the error is
// put next to that row's field. False when a problem is about something
// else.
bool TakeSourceProblem(const http::Response& answer,
                       const std::vector<int>& row_of, FormState& state) {
  std::vector<FieldProblem> problems = FieldProblems(answer);
  constexpr std::string_view kPrefix = "fundingSources[";
  for (const FieldProblem& problem : problems) {
    const std::string& name = problem.name;
    if (!name.starts_with(kPrefix)) return false;
    std::size_t index = 0;
    const char* begin = name.data() + kPrefix.size();
    auto [end, error] =
        std::from_chars(begin, name.data() + name.size(), index);
    if (error != std::errc() || index >= row_of.size()) return false;
  }
  for (const FieldProblem& problem : problems) {
    const std::string& name = problem.name;
    std::size_t index = 0;
    const char* begin = name.data() + kPrefix.size();
    auto [end, error] =
        std::from_chars(begin, name.data() + name.size(), index);
    std::string field(
        end, static_cast<std::size_t>(name.data() + name.size() - end));
    if (field.starts_with("].")) field = field.substr(2);
    if (field == "amountCents") field = "amount";
    if (field == "documentReference") field = "document";
    if (std::find(std::begin(kSourceFields), std::end(kSourceFields), field) ==
        std::end(kSourceFields)) {
      field = "kind";
    }
    state.errors.emplace(SourceKey(row_of[index], field), problem.reason);
  }
  return !problems.empty();
}

json SourcesModel(const FormState& state, const json& t) {
  auto value = [&](int row, const char* field) {
    auto found = state.values.find(SourceKey(row, field));
    return found == state.values.end() ? std::string() : found->second;
  };
  int rows = SourceRows(state);
  // One empty row to add a source, unless the form comes back with errors
  // (then it shows what was sent).
  if (!state.submitted && rows < kMaxSourceRows) ++rows;
  json out = json::array();
  for (int row = 0; row < rows; ++row) {
    json kinds = json::array();
    for (const char* kind : {"eu", "national", "regional", "municipal",
                             "private", "own", "other"}) {
      kinds.push_back({{"code", kind},
                       {"name", t["projects"]["sourceKinds"][kind]},
                       {"selected", value(row, "kind") == kind}});
    }
    json statuses = json::array();
    for (const char* option : {"requested", "granted", "refused"}) {
      statuses.push_back({{"code", option},
                          {"name", t["projects"]["sourceStatuses"][option]},
                          {"selected", value(row, "status") == option}});
    }
    json item = {{"row", row}, {"number", row + 1}};
    for (const char* field : {"kind", "name", "amount", "status", "document"}) {
      std::string label_key = "source";
      label_key += static_cast<char>(field[0] - 'a' + 'A');
      label_key += field + 1;
      item[field] = Field(SourceKey(row, field), t["projects"][label_key],
                          value(row, field), state);
    }
    item["kind"]["options"] = kinds;
    item["status"]["options"] = statuses;
    item["ezSupport"] =
        Field(SourceKey(row, "ezSupport"), t["projects"]["sourceEzSupport"],
              value(row, "ezSupport"), state);
    item["ezSupport"]["checked"] = value(row, "ezSupport") == "true";
    out.push_back(std::move(item));
  }
  return out;
}

http::Response ProjectForm(Site& site, const http::Request& request,
                           Language language,
                           const domain::ThemeManifest& theme,
                           std::optional<std::int64_t> editing, FormState state,
                           int status) {
  const json& t = site.pages().Translations(language);
  auto cities = Cities(site);
  std::string failure;
  auto projects = AllProjects(site, request, theme.id, failure);
  if (!cities.ok() || !projects) {
    return site.ErrorPage(request, language, 500,
                          cities.ok() ? failure : cities.status().message());
  }
  const json* stored = nullptr;
  for (const auto& project : *projects) {
    if (editing && project.value("id", std::int64_t{0}) == *editing) {
      stored = &project;
    }
  }
  if (editing && stored == nullptr) {
    return site.ErrorPage(request, language, 404,
                          t["projects"]["noProject"].get<std::string>());
  }
  // The values shown: what was sent, else what is stored.
  if (!state.submitted && stored != nullptr) {
    for (const char* key : {"title", "aim", "lead", "status", "proposedOn",
                            "startedOn", "endedOn", "results"}) {
      state.values[key] = Text(*stored, key);
    }
    const json empty = json::object();
    const json& partners =
        stored->contains("partners") && (*stored)["partners"].is_object()
            ? (*stored)["partners"]
            : empty;
    state.values["partnerCities"] =
        Join(StringsOf(partners.value("cities", json::array())), ", ");
    state.values["organisations"] =
        Join(StringsOf(partners.value("organisations", json::array())), "\n");
    state.choices["partnerParties"] =
        StringsOf(partners.value("parties", json::array()));
    state.choices["agreements"] =
        StringsOf(stored->value("agreements", json::array()));
    if (stored->contains("securing") && (*stored)["securing"].is_object()) {
      for (const char* key : {"standards", "scalability", "exchangeability"}) {
        state.values[key] = Text((*stored)["securing"], key);
      }
    }
    if (stored->contains("replaces") && (*stored)["replaces"].is_number()) {
      state.values["replaces"] =
          std::to_string((*stored)["replaces"].get<std::int64_t>());
    }
    if (stored->contains("concretises") &&
        (*stored)["concretises"].is_object()) {
      const json& action = (*stored)["concretises"];
      state.values["concretisesAgreement"] = Text(action, "agreement");
      state.values["concretisesParty"] = Text(action, "party");
      state.values["concretisesAction"] = Text(action, "action");
    }
    SourcesToForm(stored->value("fundingSources", json::array()), language,
                  state);
  }
  auto value = [&](const std::string& key) {
    auto found = state.values.find(key);
    return found == state.values.end() ? std::string() : found->second;
  };
  auto chosen = [&](const std::string& key, const std::string& option) {
    auto found = state.choices.find(key);
    return found != state.choices.end() &&
           std::find(found->second.begin(), found->second.end(), option) !=
               found->second.end();
  };
  json model = site.BaseModel(
      request, language,
      (editing ? t["projects"]["change"] : t["projects"]["add"])
              .get<std::string>() +
          " — " + Localized(theme.name, language)["text"].get<std::string>(),
      true);
  model["theme"] = ThemeLink(theme, language);
  model["editing"] = editing.has_value();
  model["projectsUrl"] = ProjectsBase(theme.id, language);
  std::string refusal = ProjectWriteRefusal(request, theme, t);
  model["canWrite"] = refusal.empty();
  model["refusal"] = refusal;
  model["action"] = editing ? ProjectUrl(theme.id, *editing, language)
                            : ProjectsBase(theme.id, language);
  if (stored != nullptr) {
    model["projectTitle"] = Text(*stored, "title");
    model["projectUrl"] = ProjectUrl(theme.id, *editing, language);
  }
  json texts = json::array();
  for (const char* key : {"title", "aim"}) {
    texts.push_back(Field(key, t["projects"][key], value(key), state));
  }
  model["texts"] = texts;
  // The lead: a city of the covenant or one of its parties.
  json leads = json::array();
  for (const domain::Party& party : domain::CovenantParties()) {
    std::string id(party.id);
    leads.push_back({{"code", id},
                     {"name", std::string(party.short_name)},
                     {"selected", value("lead") == id}});
  }
  std::vector<std::pair<std::string, std::string>> city_options;
  for (const auto& [code, city] : *cities) {
    city_options.emplace_back(city.name, code);
  }
  std::sort(city_options.begin(), city_options.end());
  for (const auto& [name, code] : city_options) {
    leads.push_back(
        {{"code", code}, {"name", name}, {"selected", value("lead") == code}});
  }
  model["lead"] = Field("lead", t["projects"]["lead"], value("lead"), state);
  model["lead"]["options"] = leads;
  json statuses = json::array();
  for (const char* option : {"proposed", "running", "completed", "stopped"}) {
    statuses.push_back({{"code", option},
                        {"name", t["projects"]["statuses"][option]},
                        {"selected", value("status") == option}});
  }
  model["status"] =
      Field("status", t["projects"]["status"], value("status"), state);
  model["status"]["options"] = statuses;
  json dates = json::array();
  for (const char* key : {"proposedOn", "startedOn", "endedOn"}) {
    dates.push_back(Field(key, t["projects"][key], value(key), state));
  }
  model["dates"] = dates;
  json agreements = json::array();
  for (const auto& agreement : theme.agreements) {
    std::string id = theme.id + "/" + agreement.letter;
    agreements.push_back(
        {{"code", id},
         {"index", agreements.size()},
         {"name", t["agreement"]["heading"].get<std::string>() + " " +
                      agreement.letter +
                      (agreement.topic.empty() ? "" : ": " + agreement.topic)},
         {"checked", chosen("agreements", id)}});
  }
  model["agreements"] =
      Field("agreements", t["projects"]["agreementsLabel"], "", state);
  model["agreements"]["options"] = agreements;
  json parties = json::array();
  for (const domain::Party& party : domain::CovenantParties()) {
    std::string id(party.id);
    parties.push_back({{"code", id},
                       {"name", std::string(party.short_name)},
                       {"checked", chosen("partnerParties", id)}});
  }
  model["partnerParties"] =
      Field("partnerParties", t["projects"]["partnerParties"], "", state);
  model["partnerParties"]["options"] = parties;
  model["partnerCities"] =
      Field("partnerCities", t["projects"]["partnerCities"],
            value("partnerCities"), state);
  json long_texts = json::array();
  for (const char* key : {"organisations", "results", "standards",
                          "scalability", "exchangeability"}) {
    long_texts.push_back(Field(key, t["projects"][key], value(key), state));
  }
  model["longTexts"] = long_texts;
  // The project this one replaces (5d): a completed or stopped one.
  json replaceable = json::array();
  for (const auto& project : *projects) {
    std::string project_status = Text(project, "status");
    std::string id = std::to_string(project.value("id", std::int64_t{0}));
    if ((project_status != "completed" && project_status != "stopped") ||
        (editing && id == std::to_string(*editing))) {
      continue;
    }
    replaceable.push_back({{"code", id},
                           {"name", Text(project, "title")},
                           {"selected", value("replaces") == id}});
  }
  model["replaces"] =
      Field("replaces", t["projects"]["replaces"], value("replaces"), state);
  model["replaces"]["options"] = replaceable;
  // The open action at signing this project concretises (4d).
  json letters = json::array();
  for (const auto& agreement : theme.agreements) {
    std::string id = theme.id + "/" + agreement.letter;
    letters.push_back({{"code", id},
                       {"name", t["agreement"]["heading"].get<std::string>() +
                                    " " + agreement.letter},
                       {"selected", value("concretisesAgreement") == id}});
  }
  model["concretisesAgreement"] =
      Field("concretisesAgreement", t["projects"]["concretisesAgreement"],
            value("concretisesAgreement"), state);
  model["concretisesAgreement"]["options"] = letters;
  model["concretisesParty"] =
      Field("concretisesParty", t["projects"]["concretisesParty"],
            value("concretisesParty"), state);
  model["concretisesAction"] =
      Field("concretisesAction", t["projects"]["concretisesAction"],
            value("concretisesAction"), state);
  json sources = SourcesModel(state, t);
  model["sourceRows"] = sources.size();
  model["sources"] = std::move(sources);
  model["errors"] = ErrorsJson(state);
  model["hasErrors"] = !state.errors.empty();
  model["problem"] = state.problem;
  return NoStore(site.Page("project_form", language, std::move(model), status));
}

http::Response SaveProject(Site& site, http::Request& request,
                           Language language,
                           std::optional<std::int64_t> editing) {
  const json& t = site.pages().Translations(language);
  auto theme = EnabledTheme(site, request.Param("theme"));
  if (!theme) {
    return site.ErrorPage(request, language, 404,
                          t["error"]["noTheme"].get<std::string>());
  }
  auto form = ParseForm(request.body).value_or(http::Pairs());
  FormState state;
  state.submitted = true;
  json body = json::object();
  for (const char* key :
       {"title", "aim", "lead", "status", "proposedOn", "startedOn", "endedOn",
        "results", "partnerCities", "organisations", "standards", "scalability",
        "exchangeability", "replaces", "concretisesAgreement",
        "concretisesParty", "concretisesAction"}) {
    state.values[key] = FormField(form, key).value_or("");
  }
  state.choices["agreements"] = FormValues(form, "agreements");
  state.choices["partnerParties"] = FormValues(form, "partnerParties");
  // Title and aim always go along, so that an empty one is named; the rest
  // only when given (a change leaves what is not given as it is).
  body["title"] = state.values["title"];
  body["aim"] = state.values["aim"];
  for (const char* key :
       {"lead", "status", "proposedOn", "startedOn", "endedOn", "results"}) {
    if (!state.values[key].empty()) body[key] = state.values[key];
  }
  if (!editing && !body.contains("lead")) body["lead"] = "";
  body["partners"] = {{"cities", Codes(state.values["partnerCities"])},
                      {"parties", state.choices["partnerParties"]},
                      {"organisations", Lines(state.values["organisations"])}};
  body["agreements"] = state.choices["agreements"];
  json securing = json::object();
  for (const char* key : {"standards", "scalability", "exchangeability"}) {
    securing[key] =
        state.values[key].empty() ? json(nullptr) : json(state.values[key]);
  }
  body["securing"] = securing;
  if (!state.values["replaces"].empty()) {
    std::int64_t replaces = 0;
    const std::string& text = state.values["replaces"];
    auto [end, error] =
        std::from_chars(text.data(), text.data() + text.size(), replaces);
    if (error != std::errc() || end != text.data() + text.size()) {
      state.errors["replaces"] =
          t["projects"]["replacesInvalid"].get<std::string>();
      return ProjectForm(site, request, language, *theme, editing, state, 422);
    }
    body["replaces"] = replaces;
  }
  // The open action (4d): left out when none of its fields is filled in.
  if (state.values["concretisesAgreement"].empty() &&
      state.values["concretisesParty"].empty() &&
      state.values["concretisesAction"].empty()) {
    body["concretises"] = nullptr;
  } else {
    body["concretises"] = {{"agreement", state.values["concretisesAgreement"]},
                           {"party", state.values["concretisesParty"]},
                           {"action", state.values["concretisesAction"]}};
  }
  std::vector<int> row_of;
  json sources;
  if (!SourcesFromForm(form, language, t, state, sources, row_of)) {
    return ProjectForm(site, request, language, *theme, editing, state, 422);
  }
  body["fundingSources"] = std::move(sources);
  std::string api = "/api/v1/themes/" + theme->id + "/projects";
  http::Response answer =
      editing ? site.CallApi(request, "PATCH",
                             api + "/" + std::to_string(*editing), body)
              : site.CallApi(request, "POST", api, body);
  if (answer.status == 200 || answer.status == 201) {
    json saved = json::parse(answer.body, nullptr, false);
    std::int64_t id =
        saved.is_object() ? saved.value("id", std::int64_t{0}) : 0;
    return Redirect(ProjectUrl(theme->id, id, language));
  }
  if (!TakeSourceProblem(answer, row_of, state)) {
    TakeProblem(answer, ProjectFieldNames(), state);
  }
  return ProjectForm(site, request, language, *theme, editing, state,
                     answer.status == 400 ? 422 : answer.status);
}

// ---- meetings ----

std::string KindLabel(const std::string& kind, const json& t) {
  return t["meetings"]["kinds"].value(kind, kind);
}

json MeetingView(const json& meeting,
                 const std::map<std::string, CityRow>& cities,
                 const std::vector<domain::ThemeManifest>& themes,
                 Language language, const json& t) {
  std::string theme_id = Text(meeting, "theme");
  json view = {
      {"id", meeting.value("id", std::int64_t{0})},
      {"date", FormatDate(Text(meeting, "date"), t)},
      {"kind", Text(meeting, "kind")},
      {"kindLabel", KindLabel(Text(meeting, "kind"), t)},
      {"reportPeriod", Text(meeting, "reportPeriod")},
      {"evaluation", meeting.value("evaluation", false)},
      {"minutesRestricted", meeting.value("minutesRestricted", false)},
      {"editUrl",
       Localize("/overleggen/" +
                    std::to_string(meeting.value("id", std::int64_t{0})) +
                    "/wijzigen",
                language)}};
  for (const auto& theme : themes) {
    if (theme.id == theme_id) view["theme"] = ThemeLink(theme, language);
  }
  if (!theme_id.empty() && !view.contains("theme")) {
    view["theme"] = {{"name", {{"text", theme_id}, {"lang", "nl"}}}};
  }
  json attendees = json::array();
  if (meeting.contains("attendees") && meeting["attendees"].is_object()) {
    for (const char* list : {"parties", "cities"}) {
      for (const auto& code :
           StringsOf(meeting["attendees"].value(list, json::array()))) {
        attendees.push_back(NameLink(cities, code, language));
      }
    }
  }
  view["attendees"] = attendees;
  view["hasAttendees"] = !attendees.empty();
  json decisions = json::array();
  for (const auto& decision :
       StringsOf(meeting.value("decisions", json::array()))) {
    decisions.push_back(decision);
  }
  view["decisions"] = decisions;
  view["hasDecisions"] = !decisions.empty();
  return view;
}

http::Response MeetingsPage(Site& site, http::Request& request,
                            Language language) {
  const json& t = site.pages().Translations(language);
  auto cities = Cities(site);
  auto themes = EnabledThemes(site);
  if (!cities.ok() || !themes.ok()) {
    return site.ErrorPage(
        request, language, 500,
        cities.ok() ? themes.status().message() : cities.status().message());
  }
  std::string failure;
  auto meetings =
      GetJson(site, request, "/api/v1/meetings?pageSize=500", failure);
  if (!meetings || !meetings->contains("items")) {
    return site.ErrorPage(request, language, 500, failure);
  }
  // The covenant's term (2013, 2014, art. 12) always, and any other year
  // with a meeting (the evaluation of 6c falls in 2015).
  std::map<int, json> by_year = {{2013, json::array()}, {2014, json::array()}};
  for (const auto& meeting : (*meetings)["items"]) {
    std::string date = Text(meeting, "date");
    int year = 0;
    if (date.size() >= 4) year = std::stoi(date.substr(0, 4));
    by_year[year].push_back(
        MeetingView(meeting, *cities, *themes, language, t));
  }
  json years = json::array();
  json evaluation = nullptr;
  for (auto& [year, items] : by_year) {
    json item = {{"year", year},
                 {"id", "jaar-" + std::to_string(year)},
                 {"meetings", items},
                 {"hasMeetings", !items.empty()}};
    if (year == 2013 || year == 2014) {
      auto rhythm = GetJson(
          site, request, "/api/v1/meetings/rhythm?year=" + std::to_string(year),
          failure);
      if (!rhythm) return site.ErrorPage(request, language, 500, failure);
      const json& official = rhythm->value("official", json::object());
      const json& administrative =
          rhythm->value("administrative", json::object());
      item["rhythm"] = {
          {"kept", rhythm->value("kept", false)},
          {"yearComplete", rhythm->value("yearComplete", true)},
          {"official", official.value("count", 0)},
          {"officialRequired", official.value("required", 4)},
          {"officialKept", official.value("kept", false)},
          {"administrative", administrative.value("count", 0)},
          {"basedOnReport", administrative.value("basedOnReport", 0)},
          {"administrativeRequired", administrative.value("required", 2)},
          {"administrativeKept", administrative.value("kept", false)},
          {"withoutReport", administrative.value("count", 0) -
                                administrative.value("basedOnReport", 0)}};
      if (evaluation.is_null() && rhythm->contains("evaluation")) {
        const json& found = (*rhythm)["evaluation"];
        std::string evaluation_status = Text(found, "status");
        evaluation = {
            {"deadline", FormatDate(Text(found, "deadline"), t)},
            {"status", evaluation_status},
            {"statusLabel", t["meetings"]["evaluationStatus"].value(
                                evaluation_status, evaluation_status)},
            {"isDone", evaluation_status == "done"}};
      }
    }
    years.push_back(std::move(item));
  }
  json model = site.BaseModel(request, language,
                              t["meetings"]["title"].get<std::string>(), false);
  model["years"] = years;
  model["evaluation"] = evaluation;
  model["newUrl"] = Localize("/overleggen/nieuw", language);
  return site.Page("meetings", language, std::move(model));
}

const std::map<std::string, std::string>& MeetingFieldNames() {
  static const std::map<std::string, std::string> kNames = {
      {"kind", "kind"},
      {"date", "date"},
      {"theme", "theme"},
      {"minutes", "minutes"},
      {"decisions", "decisions"},
      {"reportPeriod", "reportPeriod"},
      {"evaluation", "evaluation"},
      {"attendees", "cities"},
      {"attendees.cities", "cities"},
      {"attendees.parties", "parties"}};
  return kNames;
}

// The form to record a meeting, or to change the one editing names (its
// stored facts, minutes included, as the starting values).
http::Response MeetingForm(Site& site, const http::Request& request,
                           Language language,
                           std::optional<std::int64_t> editing, FormState state,
                           int status) {
  const json& t = site.pages().Translations(language);
  auto themes = EnabledThemes(site);
  if (!themes.ok()) {
    return site.ErrorPage(request, language, 500, themes.status().message());
  }
  std::string meeting_url;
  if (editing) {
    meeting_url = Localize("/overleggen/" + std::to_string(*editing), language);
    std::string failure;
    auto stored = GetJson(
        site, request, "/api/v1/meetings/" + std::to_string(*editing), failure);
    if (!stored) {
      return site.ErrorPage(request, language, 404,
                            t["meetings"]["noMeeting"].get<std::string>());
    }
    if (!state.submitted) {
      for (const char* key :
           {"kind", "date", "theme", "reportPeriod", "minutes"}) {
        state.values[key] = Text(*stored, key);
      }
      state.values["evaluation"] =
          stored->value("evaluation", false) ? "true" : "";
      state.values["decisions"] =
          Join(StringsOf(stored->value("decisions", json::array())), "\n");
      const json& attendees = stored->value("attendees", json::object());
      state.values["cities"] =
          Join(StringsOf(attendees.value("cities", json::array())), ", ");
      state.choices["parties"] =
          StringsOf(attendees.value("parties", json::array()));
    }
  }
  auto value = [&](const std::string& key) {
    auto found = state.values.find(key);
    return found == state.values.end() ? std::string() : found->second;
  };
  json model = site.BaseModel(
      request, language,
      t["meetings"][editing ? "change" : "add"].get<std::string>(), true);
  model["heading"] = t["meetings"][editing ? "change" : "add"];
  model["action"] = editing ? meeting_url : Localize("/overleggen", language);
  model["meetingsUrl"] = Localize("/overleggen", language);
  json kinds = json::array();
  for (const char* kind : {"official", "administrative", "theme-table"}) {
    kinds.push_back({{"code", kind},
                     {"name", KindLabel(kind, t)},
                     {"selected", value("kind") == kind}});
  }
  model["kind"] = Field("kind", t["meetings"]["kind"], value("kind"), state);
  model["kind"]["options"] = kinds;
  model["date"] = Field("date", t["meetings"]["date"], value("date"), state);
  json theme_options = json::array();
  for (const auto& theme : *themes) {
    theme_options.push_back({{"code", theme.id},
                             {"name", Localized(theme.name, language)["text"]},
                             {"selected", value("theme") == theme.id}});
  }
  model["theme"] =
      Field("theme", t["meetings"]["theme"], value("theme"), state);
  model["theme"]["options"] = theme_options;
  json parties = json::array();
  auto chosen = state.choices["parties"];
  for (const domain::Party& party : domain::CovenantParties()) {
    std::string id(party.id);
    parties.push_back({{"code", id},
                       {"name", std::string(party.short_name)},
                       {"checked", std::find(chosen.begin(), chosen.end(),
                                             id) != chosen.end()}});
  }
  model["parties"] = Field("parties", t["meetings"]["parties"], "", state);
  model["parties"]["options"] = parties;
  model["cities"] =
      Field("cities", t["meetings"]["cities"], value("cities"), state);
  model["reportPeriod"] = Field("reportPeriod", t["meetings"]["reportPeriod"],
                                value("reportPeriod"), state);
  model["evaluation"] = Field("evaluation", t["meetings"]["evaluation"],
                              value("evaluation"), state);
  model["evaluation"]["checked"] = value("evaluation") == "true";
  model["decisions"] = Field("decisions", t["meetings"]["decisionsLabel"],
                             value("decisions"), state);
  model["minutes"] =
      Field("minutes", t["meetings"]["minutes"], value("minutes"), state);
  model["errors"] = ErrorsJson(state);
  model["hasErrors"] = !state.errors.empty();
  model["problem"] = state.problem;
  return NoStore(site.Page("meeting_form", language, std::move(model), status));
}

http::Response SaveMeeting(Site& site, http::Request& request,
                           Language language,
                           std::optional<std::int64_t> editing) {
  auto form = ParseForm(request.body).value_or(http::Pairs());
  FormState state;
  state.submitted = true;
  for (const char* key : {"kind", "date", "theme", "cities", "reportPeriod",
                          "evaluation", "decisions", "minutes"}) {
    state.values[key] = FormField(form, key).value_or("");
  }
  state.choices["parties"] = FormValues(form, "parties");
  // Every field goes along, an empty one as null: a change sets the meeting
  // to what the form shows.
  auto text_or_null = [&](const char* key) {
    const std::string& value = state.values[key];
    return value.empty() ? json(nullptr) : json(value);
  };
  json body = {{"kind", state.values["kind"]},
               {"date", state.values["date"]},
               {"theme", text_or_null("theme")},
               {"attendees",
                {{"parties", state.choices["parties"]},
                 {"cities", Codes(state.values["cities"])}}},
               {"reportPeriod", text_or_null("reportPeriod")},
               {"evaluation", state.values["evaluation"] == "true"},
               {"decisions", Lines(state.values["decisions"])},
               {"minutes", text_or_null("minutes")}};
  http::Response answer =
      editing
          ? site.CallApi(request, "PATCH",
                         "/api/v1/meetings/" + std::to_string(*editing), body)
          : site.CallApi(request, "POST", "/api/v1/meetings", body);
  if (answer.status == 200 || answer.status == 201) {
    return Redirect(Localize("/overleggen", language) + "#jaar-" +
                    state.values["date"].substr(0, 4));
  }
  TakeProblem(answer, MeetingFieldNames(), state);
  return MeetingForm(site, request, language, editing, state,
                     answer.status == 400 ? 422 : answer.status);
}

// ---- funding ----

// One kind of entry as the API lists it: {"items": [...], "total": N}.
json EntriesView(const json& list, Language language, const json& t) {
  json out = json::array();
  if (!list.is_object() || !list.contains("items") ||
      !list["items"].is_array()) {
    return out;
  }
  for (const auto& entry : list["items"]) {
    out.push_back(
        {{"date", FormatDate(Text(entry, "date"), t)},
         {"amount",
          Euro(entry.value("amountCents", std::int64_t{0}), language)},
         {"description", Text(entry, "description")},
         {"document", Text(entry, "documentReference")},
         {"justification", Text(entry, "justification")},
         {"aboveCoFinancing", entry.value("aboveCoFinancing", false)}});
  }
  return out;
}

http::Response FundingPage(Site& site, http::Request& request,
                           Language language) {
  const json& t = site.pages().Translations(language);
  std::string failure;
  auto funding = GetJson(site, request, "/api/v1/funding", failure);
  if (!funding) return site.ErrorPage(request, language, 500, failure);
  json model = site.BaseModel(request, language,
                              t["funding"]["title"].get<std::string>(), false);
  auto cents = [&](const char* key) {
    return Euro(funding->value(key, std::int64_t{0}), language);
  };
  json totals = {
      {"limit", cents("limitCents")},
      {"costs", cents("costsCents")},
      {"applications", cents("applicationsCents")},
      {"contributions", cents("contributionsCents")},
      {"remaining", cents("remainingCents")},
      {"withinCoFinancing", funding->value("withinCoFinancing", true)}};
  if (funding->contains("shareBasisPoints") &&
      (*funding)["shareBasisPoints"].is_number_integer()) {
    std::int64_t points = (*funding)["shareBasisPoints"].get<std::int64_t>();
    totals["share"] =
        FormatNumber(static_cast<double>(points) / 100.0, language) + "%";
  }
  model["totals"] = totals;
  struct Kind {
    const char* key;
    const char* id;
  };
  json kinds = json::array();
  for (const Kind& kind :
       {Kind{"costs", "kosten"}, Kind{"applications", "aanvragen"},
        Kind{"contributions", "bijdragen"}}) {
    json entries =
        EntriesView(funding->value(kind.key, json::object()), language, t);
    kinds.push_back(
        {{"id", kind.id},
         {"key", kind.key},
         {"heading", t["funding"]["kinds"][kind.key]},
         {"isContributions", std::string(kind.key) == "contributions"},
         {"entries", entries},
         {"hasEntries", !entries.empty()}});
  }
  model["kinds"] = kinds;
  model["newUrl"] = Localize("/financiering/invoer", language);
  return site.Page("funding", language, std::move(model));
}

http::Response FundingForm(Site& site, const http::Request& request,
                           Language language, FormState state, int status) {
  const json& t = site.pages().Translations(language);
  auto value = [&](const std::string& key) {
    auto found = state.values.find(key);
    return found == state.values.end() ? std::string() : found->second;
  };
  json model = site.BaseModel(request, language,
                              t["funding"]["add"].get<std::string>(), true);
  model["action"] = Localize("/financiering", language);
  model["fundingUrl"] = Localize("/financiering", language);
  json kinds = json::array();
  for (const char* kind : {"cost", "application", "contribution"}) {
    kinds.push_back({{"code", kind},
                     {"name", t["funding"]["kindNames"][kind]},
                     {"selected", value("kind") == kind}});
  }
  model["kind"] = Field("kind", t["funding"]["kind"], value("kind"), state);
  model["kind"]["options"] = kinds;
  json texts = json::array();
  for (const char* key :
       {"date", "amount", "description", "documentReference"}) {
    texts.push_back(Field(key, t["funding"][key], value(key), state));
  }
  texts[1]["hint"] = t["funding"]["amountHint"];
  model["texts"] = texts;
  model["justification"] = Field("justification", t["funding"]["justification"],
                                 value("justification"), state);
  model["errors"] = ErrorsJson(state);
  model["hasErrors"] = !state.errors.empty();
  model["problem"] = state.problem;
  return NoStore(site.Page("funding_form", language, std::move(model), status));
}

http::Response SaveFunding(Site& site, http::Request& request,
                           Language language) {
  const json& t = site.pages().Translations(language);
  auto form = ParseForm(request.body).value_or(http::Pairs());
  FormState state;
  state.submitted = true;
  for (const char* key : {"kind", "date", "amount", "description",
                          "documentReference", "justification"}) {
    state.values[key] = FormField(form, key).value_or("");
  }
  const std::string& kind = state.values["kind"];
  std::string path = kind == "cost"           ? "/api/v1/funding/costs"
                     : kind == "application"  ? "/api/v1/funding/applications"
                     : kind == "contribution" ? "/api/v1/funding/contributions"
                                              : "";
  if (path.empty()) {
    state.errors["kind"] = t["funding"]["kindMissing"].get<std::string>();
  }
  auto cents = ParseEuro(state.values["amount"], language);
  if (!cents)
    state.errors["amount"] = t["funding"]["amountInvalid"].get<std::string>();
  if (!state.errors.empty()) {
    return FundingForm(site, request, language, state, 422);
  }
  json body = {{"date", state.values["date"]},
               {"amountCents", *cents},
               {"description", state.values["description"]},
               {"documentReference", state.values["documentReference"]}};
  if (!state.values["justification"].empty()) {
    body["justification"] = state.values["justification"];
  }
  http::Response answer = site.CallApi(request, "POST", path, body);
  if (answer.status == 201) {
    return Redirect(Localize("/financiering", language));
  }
  TakeProblem(answer,
              {{"date", "date"},
               {"amountCents", "amount"},
               {"description", "description"},
               {"documentReference", "documentReference"},
               {"justification", "justification"}},
              state);
  return FundingForm(site, request, language, state,
                     answer.status == 400 ? 422 : answer.status);
}

http::Response NoMeeting(Site& site, const http::Request& request,
                         Language language) {
  return site.ErrorPage(request, language, 404,
                        site.pages()
                            .Translations(language)["meetings"]["noMeeting"]
                            .get<std::string>());
}

http::RouteOptions PersonalPage(std::string permission, std::string summary) {
  http::RouteOptions options;
  options.permission = std::move(permission);
  options.summary = std::move(summary);
  return options;
}

http::RouteOptions FormRoute(std::string permission, std::string summary) {
  http::RouteOptions options;
  options.permission = std::move(permission);
  options.summary = std::move(summary);
  options.body_type = std::string(kFormType);
  options.body_limit_bytes = 65536;
  return options;
}

}  // namespace

Status RegisterAgendaPages(Site& site) {
  Site* s = &site;
  auto no_theme = [s](http::Request& r, Language l) {
    return s->ErrorPage(
        r, l, 404,
        s->pages().Translations(l)["error"]["noTheme"].get<std::string>());
  };
  Status status = site.AddPage(
      "/themas/{theme}/projecten",
      PublicPageOptions("A theme's rolling agenda of projects and its archive"),
      [s](http::Request& r, Language l) { return ProjectsPage(*s, r, l); });
  if (!status.ok()) return status;
  status = site.AddPage(
      "/themas/{theme}/projecten/{projectId}", PublicPageOptions("A project"),
      [s](http::Request& r, Language l) { return ProjectPage(*s, r, l); });
  if (!status.ok()) return status;
  // Any account reaches the forms; the page says who may write (art. 1e)
  // and the API decides.
  status = site.AddPage(
      "/themas/{theme}/projecten/nieuw",
      PersonalPage("authenticated", "The form to add a project"),
      [s, no_theme](http::Request& r, Language l) {
        auto theme = EnabledTheme(*s, r.Param("theme"));
        if (!theme) return no_theme(r, l);
        return ProjectForm(*s, r, l, *theme, std::nullopt, FormState(), 200);
      });
  if (!status.ok()) return status;
  status = site.AddPage(
      "/themas/{theme}/projecten/{projectId}/wijzigen",
      PersonalPage("authenticated", "The form to change a project"),
      [s, no_theme](http::Request& r, Language l) {
        auto theme = EnabledTheme(*s, r.Param("theme"));
        if (!theme) return no_theme(r, l);
        auto id = PathId(r, "projectId");
        if (!id) {
          return s->ErrorPage(r, l, 404,
                              s->pages()
                                  .Translations(l)["projects"]["noProject"]
                                  .get<std::string>());
        }
        return ProjectForm(*s, r, l, *theme, id, FormState(), 200);
      });
  if (!status.ok()) return status;
  status = site.AddPage(
      "/overleggen",
      DatedPublicPageOptions("The meetings per year with the rhythm of art. 6"),
      [s](http::Request& r, Language l) { return MeetingsPage(*s, r, l); });
  if (!status.ok()) return status;
  status = site.AddPage(
      "/overleggen/nieuw",
      PersonalPage("admin", "The form to record a meeting (administrators)"),
      [s](http::Request& r, Language l) {
        return MeetingForm(*s, r, l, std::nullopt, FormState(), 200);
      });
  if (!status.ok()) return status;
  status = site.AddPage(
      "/overleggen/{meetingId}/wijzigen",
      PersonalPage("admin",
                   "The form to change a meeting: its minutes, decisions and "
                   "facts (administrators)"),
      [s](http::Request& r, Language l) {
        auto id = PathId(r, "meetingId");
        if (!id) return NoMeeting(*s, r, l);
        return MeetingForm(*s, r, l, id, FormState(), 200);
      });
  if (!status.ok()) return status;
  status = site.AddPage(
      "/financiering",
      PublicPageOptions("EZ's contribution to Stedenlink's costs (art. 7b)"),
      [s](http::Request& r, Language l) { return FundingPage(*s, r, l); });
  if (!status.ok()) return status;
  status = site.AddPage(
      "/financiering/invoer",
      PersonalPage("admin",
                   "The form to record a cost, application or contribution "
                   "(administrators)"),
      [s](http::Request& r, Language l) {
        return FundingForm(*s, r, l, FormState(), 200);
      });
  if (!status.ok()) return status;

  for (Language language : {Language::kDutch, Language::kEnglish}) {
    status = site.AddRoute(
        "POST", Localize("/themas/{theme}/projecten", language),
        FormRoute("authenticated", "Add a project to a theme's agenda"),
        [s, language](http::Request& r) {
          return SaveProject(*s, r, language, std::nullopt);
        });
    if (!status.ok()) return status;
    status = site.AddRoute(
        "POST", Localize("/themas/{theme}/projecten/{projectId}", language),
        FormRoute("authenticated", "Change a project"),
        [s, language](http::Request& r) {
          auto id = PathId(r, "projectId");
          if (!id) {
            return s->ErrorPage(
                r, language, 404,
                s->pages()
                    .Translations(language)["projects"]["noProject"]
                    .get<std::string>());
          }
          return SaveProject(*s, r, language, id);
        });
    if (!status.ok()) return status;
    status =
        site.AddRoute("POST", Localize("/overleggen", language),
                      FormRoute("admin", "Record a meeting (administrators)"),
                      [s, language](http::Request& r) {
                        return SaveMeeting(*s, r, language, std::nullopt);
                      });
    if (!status.ok()) return status;
    status =
        site.AddRoute("POST", Localize("/overleggen/{meetingId}", language),
                      FormRoute("admin", "Change a meeting (administrators)"),
                      [s, language](http::Request& r) {
                        auto id = PathId(r, "meetingId");
                        if (!id) return NoMeeting(*s, r, language);
                        return SaveMeeting(*s, r, language, id);
                      });
    if (!status.ok()) return status;
    status =
        site.AddRoute("POST", Localize("/financiering", language),
                      FormRoute("admin",
                                "Record a cost, application or contribution "
                                "(administrators)"),
                      [s, language](http::Request& r) {
                        return SaveFunding(*s, r, language);
                      });
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace smartercities::web
