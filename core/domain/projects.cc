#include "core/domain/projects.h"

#include <algorithm>

#include "core/base/time_format.h"
#include "core/domain/covenant_term.h"
#include "core/domain/parties.h"

namespace smartercities::domain {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTitleChars = 200;
constexpr std::size_t kMaxTextChars = 20000;

const std::vector<std::string_view>& FundingKinds() {
  static const std::vector<std::string_view> kKinds = {
      "eu", "national", "regional", "municipal", "private", "own", "other"};
  return kKinds;
}

Status FieldError(const std::string& field, const std::string& message) {
  return Status::InvalidArgument(field + ": " + message);
}

// A text field: absent or null is allowed unless required.
Status CheckText(const json& object, const std::string& key,
                 const std::string& field, bool required,
                 std::size_t max_chars) {
  if (!object.contains(key) || object[key].is_null()) {
    if (required) return FieldError(field, "is required");
    return Status::Ok();
  }
  if (!object[key].is_string()) return FieldError(field, "must be text");
  const std::string& text = object[key].get_ref<const std::string&>();
  if (required && text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return FieldError(field, "must not be empty");
  }
  if (text.size() > max_chars * 4) {
    return FieldError(
        field, "is longer than " + std::to_string(max_chars) + " characters");
  }
  return Status::Ok();
}

Status CheckTextList(const json& object, const std::string& key,
                     const std::string& field) {
  if (!object.contains(key)) return Status::Ok();
  if (!object[key].is_array()) return FieldError(field, "must be a list");
  for (std::size_t i = 0; i < object[key].size(); ++i) {
    const json& item = object[key][i];
    if (!item.is_string() || item.get<std::string>().empty()) {
      return FieldError(field + "[" + std::to_string(i) + "]",
                        "must be non-empty text");
    }
  }
  return Status::Ok();
}

Result<bool> CityExists(storage::Connection& db, const std::string& code) {
  auto rows = db.Query("SELECT 1 FROM cities WHERE cbs_code = ?1",
                       std::vector<storage::Value>{code});
  if (!rows.ok()) return rows.status();
  return !rows->empty();
}

// A city by CBS code or a party by id; field names where.
Status CheckCityOrParty(storage::Connection& db, const std::string& value,
                        const std::string& field) {
  if (IsCbsCode(value)) {
    auto exists = CityExists(db, value);
    if (!exists.ok()) return exists.status();
    if (!*exists) {
      return FieldError(field, "there is no city with CBS code '" + value +
                                   "'; GET /api/v1/cities lists them");
    }
    return Status::Ok();
  }
  if (FindParty(value) == nullptr) {
    return FieldError(field, "'" + value.substr(0, 40) +
                                 "' is neither a city's CBS code (GM0363) "
                                 "nor a party of the covenant (ez, g32, g4, "
                                 "stedenlink)");
  }
  return Status::Ok();
}

bool IsAgreementOf(const ThemeManifest& theme, const std::string& id) {
  return std::any_of(theme.agreements.begin(), theme.agreements.end(),
                     [&](const Agreement& agreement) {
                       std::string own = theme.id;
                       own += '/';
                       own += agreement.letter;
                       return own == id;
                     });
}

std::optional<std::string> DateOf(const json& project, const char* key) {
  if (!project.contains(key) || project[key].is_null()) return std::nullopt;
  return project[key].get<std::string>();
}

Status CheckDate(const json& project, const char* key) {
  if (!project.contains(key) || project[key].is_null()) return Status::Ok();
  if (!project[key].is_string() ||
      !IsCalendarDate(project[key].get<std::string>())) {
    return FieldError(key, "must be a date as YYYY-MM-DD");
  }
  return Status::Ok();
}

Status CheckFundingSources(const json& project) {
  if (!project.contains("fundingSources")) return Status::Ok();
  const json& sources = project["fundingSources"];
  if (!sources.is_array())
    return FieldError("fundingSources", "must be a list");
  for (std::size_t i = 0; i < sources.size(); ++i) {
    std::string where = "fundingSources[" + std::to_string(i) + "]";
    const json& source = sources[i];
    if (!source.is_object()) return FieldError(where, "must be an object");
    for (const auto& item : source.items()) {
      static const std::vector<std::string> kKeys = {
          "kind",   "name",      "amountCents",
          "status", "ezSupport", "documentReference"};
      if (std::find(kKeys.begin(), kKeys.end(), item.key()) == kKeys.end()) {
        return FieldError(where + "." + item.key().substr(0, 40),
                          "unknown field; the fields are kind, name, "
                          "amountCents, status, ezSupport, documentReference");
      }
    }
    if (!source.contains("kind") || !source["kind"].is_string() ||
        std::find(FundingKinds().begin(), FundingKinds().end(),
                  source["kind"].get<std::string>()) == FundingKinds().end()) {
      return FieldError(where + ".kind",
                        "must be one of eu, national, regional, municipal, "
                        "private, own, other");
    }
    Status text = CheckText(source, "name", where + ".name", true, 300);
    if (!text.ok()) return text;
    text = CheckText(source, "documentReference", where + ".documentReference",
                     false, 300);
    if (!text.ok()) return text;
    if (source.contains("amountCents") && !source["amountCents"].is_null() &&
        (!source["amountCents"].is_number_integer() ||
         source["amountCents"].get<std::int64_t>() < 0)) {
      return FieldError(where + ".amountCents",
                        "must be a whole number of euro cents, 0 or more "
                        "(EUR 12.50 is 1250)");
    }
    if (source.contains("status") && !source["status"].is_null() &&
        (!source["status"].is_string() ||
         (source["status"] != "requested" && source["status"] != "granted" &&
          source["status"] != "refused"))) {
      return FieldError(where + ".status",
                        "must be requested, granted or refused");
    }
    if (source.contains("ezSupport") && !source["ezSupport"].is_null()) {
      if (!source["ezSupport"].is_boolean()) {
        return FieldError(where + ".ezSupport", "must be true or false");
      }
      if (source["kind"] != "eu") {
        return FieldError(where + ".ezSupport",
                          "only for a request to the European Union (kind "
                          "eu): art. 7e has EZ consider and support cities' "
                          "EU requests");
      }
    }
  }
  return Status::Ok();
}

// Checks the whole project (the stored one with the changes laid over it)
// and fills the dates its status needs. id: the project's own id, 0 when new.
Status CheckProject(storage::Connection& db, const ThemeManifest& theme,
                    json& project, std::int64_t id, const std::string& today) {
  Status status = CheckText(project, "title", "title", true, kMaxTitleChars);
  if (!status.ok()) return status;
  status = CheckText(project, "aim", "aim", true, kMaxTextChars);
  if (!status.ok()) return status;
  status = CheckText(project, "lead", "lead", true, 40);
  if (!status.ok()) return status;
  status = CheckCityOrParty(db, project["lead"].get<std::string>(), "lead");
  if (!status.ok()) return status;

  json& partners = project["partners"];
  if (partners.is_null()) partners = json::object();
  if (!partners.is_object()) {
    return FieldError("partners",
                      "must be an object with cities, parties and "
                      "organisations");
  }
  for (const auto& item : partners.items()) {
    if (item.key() != "cities" && item.key() != "parties" &&
        item.key() != "organisations") {
      return FieldError("partners." + item.key().substr(0, 40),
                        "unknown; the partners are cities (CBS codes), "
                        "parties (ez, g32, g4, stedenlink) and organisations "
                        "(companies and knowledge institutions by name)");
    }
  }
  for (const char* key : {"cities", "parties", "organisations"}) {
    if (!partners.contains(key)) partners[key] = json::array();
    status = CheckTextList(partners, key, std::string("partners.") + key);
    if (!status.ok()) return status;
  }
  for (std::size_t i = 0; i < partners["cities"].size(); ++i) {
    std::string code = partners["cities"][i];
    std::string field = "partners.cities[" + std::to_string(i) + "]";
    if (!IsCbsCode(code)) return FieldError(field, "must be a CBS code");
    status = CheckCityOrParty(db, code, field);
    if (!status.ok()) return status;
  }
  for (std::size_t i = 0; i < partners["parties"].size(); ++i) {
    std::string party = partners["parties"][i];
    if (FindParty(party) == nullptr) {
      return FieldError("partners.parties[" + std::to_string(i) + "]",
                        "must be a party of the covenant: ez, g32, g4, "
                        "stedenlink");
    }
  }

  if (!project.contains("agreements")) project["agreements"] = json::array();
  status = CheckTextList(project, "agreements", "agreements");
  if (!status.ok()) return status;
  for (std::size_t i = 0; i < project["agreements"].size(); ++i) {
    std::string agreement = project["agreements"][i];
    if (!IsAgreementOf(theme, agreement)) {
      return FieldError(
          "agreements[" + std::to_string(i) + "]",
          "'" + agreement.substr(0, 60) + "' is not an agreement of theme " +
              theme.id + "; GET /api/v1/themes/" + theme.id +
              "/agreements lists them (ids as " + theme.id + "/a)");
    }
  }

  if (!project["status"].is_string() ||
      !IsProjectStatus(project["status"].get<std::string>())) {
    return FieldError("status",
                      "must be one of proposed, running, completed, stopped");
  }
  std::string state = project["status"];
  for (const char* key : {"proposedOn", "startedOn", "endedOn"}) {
    status = CheckDate(project, key);
    if (!status.ok()) return status;
  }
  if (!DateOf(project, "proposedOn")) project["proposedOn"] = today;
  if (state == kProjectProposed) {
    for (const char* key : {"startedOn", "endedOn"}) {
      if (DateOf(project, key)) {
        return FieldError(key,
                          "a proposed project has not started or ended; "
                          "leave it out until its status changes");
      }
    }
  }
  if (state == kProjectRunning) {
    if (!DateOf(project, "startedOn")) project["startedOn"] = today;
    if (DateOf(project, "endedOn")) {
      return FieldError("endedOn", "a running project has not ended");
    }
  }
  if (state == kProjectCompleted || state == kProjectStopped) {
    if (!DateOf(project, "endedOn")) project["endedOn"] = today;
  }
  if (state == kProjectCompleted && !DateOf(project, "startedOn")) {
    return FieldError("startedOn",
                      "a completed project ran: give the date it started");
  }
  std::string proposed = *DateOf(project, "proposedOn");
  auto started = DateOf(project, "startedOn");
  auto ended = DateOf(project, "endedOn");
  if (started && *started < proposed) {
    return FieldError("startedOn", "is before proposedOn (" + proposed + ")");
  }
  if (ended && *ended < (started ? *started : proposed)) {
    return FieldError("endedOn", std::string("is before ") +
                                     (started ? "startedOn (" + *started
                                              : "proposedOn (" + proposed) +
                                     ")");
  }

  status = CheckText(project, "results", "results", false, kMaxTextChars);
  if (!status.ok()) return status;
  if (state == kProjectCompleted) {
    status = CheckText(project, "results", "results", true, kMaxTextChars);
    if (!status.ok()) {
      return FieldError("results",
                        "a completed project records its results (art. 5a: "
                        "the project lead secures them for reuse); give "
                        "them");
    }
  }

  json& securing = project["securing"];
  if (securing.is_null()) securing = json::object();
  if (!securing.is_object()) {
    return FieldError("securing",
                      "must be an object with standards, scalability and "
                      "exchangeability (art. 5a)");
  }
  for (const auto& item : securing.items()) {
    if (item.key() != "standards" && item.key() != "scalability" &&
        item.key() != "exchangeability") {
      return FieldError("securing." + item.key().substr(0, 40),
                        "unknown; art. 5a names standards, scalability and "
                        "exchangeability");
    }
  }
  for (const char* key : {"standards", "scalability", "exchangeability"}) {
    if (!securing.contains(key)) securing[key] = nullptr;
    status = CheckText(securing, key, std::string("securing.") + key, false,
                       kMaxTextChars);
    if (!status.ok()) return status;
  }

  if (!project.contains("replaces")) project["replaces"] = nullptr;
  if (!project["replaces"].is_null()) {
    if (!project["replaces"].is_number_integer()) {
      return FieldError("replaces", "must be the id of a project (a number)");
    }
    std::int64_t replaced = project["replaces"];
    if (replaced == id) {
      return FieldError("replaces", "a project cannot replace itself");
    }
    auto rows =
        db.Query("SELECT status FROM projects WHERE id = ?1 AND theme_id = ?2",
                 std::vector<storage::Value>{replaced, theme.id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {
      return FieldError("replaces", "there is no project " +
                                        std::to_string(replaced) +
                                        " in theme " + theme.id);
    }
    std::string replaced_status = rows->front().Text("status");
    if (replaced_status != kProjectCompleted &&
        replaced_status != kProjectStopped) {
      return FieldError("replaces",
                        "project " + std::to_string(replaced) + " is " +
                            replaced_status +
                            "; a new project takes the place of a completed "
                            "or stopped one (art. 5d)");
    }
  }

  if (!project.contains("concretises")) project["concretises"] = nullptr;
  json& action = project["concretises"];
  if (!action.is_null()) {
    if (!action.is_object()) {
      return FieldError("concretises",
                        "must be an object with agreement, party and action");
    }
    for (const auto& item : action.items()) {
      if (item.key() != "agreement" && item.key() != "party" &&
          item.key() != "action") {
        return FieldError("concretises." + item.key().substr(0, 40),
                          "unknown; the fields are agreement, party and "
                          "action");
      }
    }
    status = CheckText(action, "agreement", "concretises.agreement", true, 80);
    if (!status.ok()) return status;
    if (!IsAgreementOf(theme, action["agreement"])) {
      return FieldError("concretises.agreement",
                        "must be an agreement of theme " + theme.id + " (as " +
                            theme.id + "/a)");
    }
    status = CheckText(action, "party", "concretises.party", true, 40);
    if (!status.ok()) return status;
    status = CheckCityOrParty(db, action["party"], "concretises.party");
    if (!status.ok()) return status;
    status =
        CheckText(action, "action", "concretises.action", true, kMaxTextChars);
    if (!status.ok()) return status;
  }

  if (!project.contains("fundingSources")) {
    project["fundingSources"] = json::array();
  }
  return CheckFundingSources(project);
}

constexpr const char* kSelect =
    "SELECT p.id, p.theme_id, p.title, p.aim, p.lead, p.partners, "
    "p.agreements, p.status, p.proposed_on, p.started_on, p.ended_on, "
    "p.results, p.securing, p.replaces, p.concretises, p.funding_sources, "
    "p.updated_at, p.updated_by, (SELECT json_group_array(s.id) FROM "
    "(SELECT id FROM projects WHERE replaces = p.id ORDER BY id) s) AS "
    "replaced_by FROM projects p";

json ProjectJson(const storage::Row& row) {
  auto text_or_null = [&](const char* column) {
    auto value = row.OptionalText(column);
    return value ? json(*value) : json(nullptr);
  };
  auto parsed = [&](const char* column) {
    return json::parse(row.Text(column), nullptr, false);
  };
  std::string lead = row.Text("lead");
  json out = {
      {"id", row.Integer("id")},
      {"theme", row.Text("theme_id")},
      {"title", row.Text("title")},
      {"aim", row.Text("aim")},
      {"lead", lead},
      {"leadKind", IsCbsCode(lead) ? "city" : "party"},
      {"partners", parsed("partners")},
      {"agreements", parsed("agreements")},
      {"status", row.Text("status")},
      {"proposedOn", row.Text("proposed_on")},
      {"startedOn", text_or_null("started_on")},
      {"endedOn", text_or_null("ended_on")},
      {"results", text_or_null("results")},
      {"securing", parsed("securing")},
      {"replaces",
       row.IsNull("replaces") ? json(nullptr) : json(row.Integer("replaces"))},
      {"replacedBy", parsed("replaced_by")},
      {"concretises", parsed("concretises")},
      {"fundingSources", parsed("funding_sources")},
      {"updatedAt", row.Text("updated_at")},
      {"updatedBy", row.Text("updated_by")}};
  return out;
}

storage::Value TextOrNull(const json& project, const char* key) {
  if (!project.contains(key) || project[key].is_null()) return nullptr;
  return project[key].get<std::string>();
}

Result<json> Load(storage::Connection& db, std::string_view theme_id,
                  std::int64_t id) {
  std::string sql = kSelect;
  sql += " WHERE p.id = ?1 AND p.theme_id = ?2";
  auto rows =
      db.Query(sql, std::vector<storage::Value>{id, std::string(theme_id)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return Status::NotFound("there is no project " + std::to_string(id) +
                            " in theme " + std::string(theme_id));
  }
  return ProjectJson(rows->front());
}

Result<std::int64_t> Store(storage::Connection& db, const std::string& theme_id,
                           const json& p, std::int64_t id,
                           const std::string& who) {
  std::vector<storage::Value> params = {
      theme_id,
      p["title"].get<std::string>(),
      p["aim"].get<std::string>(),
      p["lead"].get<std::string>(),
      p["partners"].dump(),
      p["agreements"].dump(),
      p["status"].get<std::string>(),
      p["proposedOn"].get<std::string>(),
      TextOrNull(p, "startedOn"),
      TextOrNull(p, "endedOn"),
      TextOrNull(p, "results"),
      p["securing"].dump(),
      p["replaces"].is_null()
          ? storage::Value(nullptr)
          : storage::Value(p["replaces"].get<std::int64_t>()),
      p["concretises"].dump(),
      p["fundingSources"].dump(),
      NowUtc(),
      who};
  if (id == 0) {
    Status status = db.Execute(
        "INSERT INTO projects (theme_id, title, aim, lead, partners, "
        "agreements, status, proposed_on, started_on, ended_on, results, "
        "securing, replaces, concretises, funding_sources, updated_at, "
        "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12, ?13, ?14, ?15, ?16, ?17)",
        params);
    if (!status.ok()) return status;
    return db.LastInsertId();
  }
  params.push_back(id);
  Status status = db.Execute(
      "UPDATE projects SET theme_id = ?1, title = ?2, aim = ?3, lead = ?4, "
      "partners = ?5, agreements = ?6, status = ?7, proposed_on = ?8, "
      "started_on = ?9, ended_on = ?10, results = ?11, securing = ?12, "
      "replaces = ?13, concretises = ?14, funding_sources = ?15, "
      "updated_at = ?16, updated_by = ?17 WHERE id = ?18",
      params);
  if (!status.ok()) return status;
  return id;
}

}  // namespace

const std::vector<const char*>& ProjectFields() {
  static const std::vector<const char*> kFields = {
      "title",    "aim",        "lead",        "partners",      "agreements",
      "status",   "proposedOn", "startedOn",   "endedOn",       "results",
      "securing", "replaces",   "concretises", "fundingSources"};
  return kFields;
}

bool IsProjectStatus(std::string_view status) {
  return status == kProjectProposed || status == kProjectRunning ||
         status == kProjectCompleted || status == kProjectStopped;
}

std::optional<std::string> TransitionRefusal(std::string_view from,
                                             std::string_view to) {
  if (from == to) return std::nullopt;
  std::string change = "status: a ";
  change += from;
  change += " project cannot become ";
  change += to;
  if (from == kProjectCompleted || from == kProjectStopped) {
    return change +
           "; a completed or stopped project stays so (art. 5d: it makes "
           "room for a new project; record one with \"replaces\" naming "
           "this one)";
  }
  if (from == kProjectProposed && to == kProjectCompleted) {
    return change +
           "; a project runs before it completes: set it running "
           "first";
  }
  if (from == kProjectRunning && to == kProjectProposed) {
    return change + "; a running project does not go back to proposed";
  }
  return std::nullopt;
}

Result<json> Projects::List(std::string_view theme_id,
                            const std::vector<std::string>& statuses) {
  json items = json::array();
  Status status = database_.Read([&](storage::Connection& db) {
    std::string sql = kSelect;
    sql += " WHERE p.theme_id = ?1 ORDER BY p.id";
    return db.Execute(sql, std::vector<storage::Value>{std::string(theme_id)},
                      [&](const storage::Row& row) {
                        std::string state = row.Text("status");
                        if (std::find(statuses.begin(), statuses.end(),
                                      state) != statuses.end()) {
                          items.push_back(ProjectJson(row));
                        }
                        return true;
                      });
  });
  if (!status.ok()) return status;
  return items;
}

Result<json> Projects::Get(std::string_view theme_id, std::int64_t id) {
  std::optional<json> found;
  Status status = database_.Read([&](storage::Connection& db) -> Status {
    auto loaded = Load(db, theme_id, id);
    if (!loaded.ok()) return loaded.status();
    found = std::move(loaded).value();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return *found;
}

Result<json> Projects::Create(const ThemeManifest& theme, const json& fields,
                              const std::string& who,
                              const std::string& today) {
  json project = fields;
  if (!project.contains("status")) project["status"] = kProjectProposed;
  std::optional<json> stored;
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    Status checked = CheckProject(db, theme, project, 0, today);
    if (!checked.ok()) return checked;
    auto id = Store(db, theme.id, project, 0, who);
    if (!id.ok()) return id.status();
    auto loaded = Load(db, theme.id, *id);
    if (!loaded.ok()) return loaded.status();
    stored = std::move(loaded).value();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return *stored;
}

Result<json> Projects::Update(const ThemeManifest& theme, std::int64_t id,
                              const json& fields, const std::string& who,
                              const std::string& today) {
  std::optional<json> stored;
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    auto before = Load(db, theme.id, id);
    if (!before.ok()) return before.status();
    json project = *before;
    for (const auto& item : fields.items()) project[item.key()] = item.value();
    if (!project["status"].is_string() ||
        !IsProjectStatus(project["status"].get<std::string>())) {
      return FieldError("status",
                        "must be one of proposed, running, completed, "
                        "stopped");
    }
    std::string from = (*before)["status"];
    std::string to = project["status"];
    if (auto refusal = TransitionRefusal(from, to)) {
      return Status::FailedPrecondition(*refusal);
    }
    Status checked = CheckProject(db, theme, project, id, today);
    if (!checked.ok()) return checked;
    auto stored_id = Store(db, theme.id, project, id, who);
    if (!stored_id.ok()) return stored_id.status();
    auto loaded = Load(db, theme.id, id);
    if (!loaded.ok()) return loaded.status();
    stored = std::move(loaded).value();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return *stored;
}

}  // namespace smartercities::domain
