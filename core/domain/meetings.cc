#include "core/domain/meetings.h"

#include <algorithm>

#include "core/base/time_format.h"
#include "core/domain/covenant_term.h"
#include "core/domain/model.h"
#include "core/domain/parties.h"
#include "core/domain/progress_overview.h"

namespace smartercities::domain {
namespace {

using nlohmann::json;

Status FieldError(const std::string& field, const std::string& message) {
  return Status::InvalidArgument(field + ": " + message);
}

constexpr const char* kSelect =
    "SELECT id, kind, date, theme_id, attendees, minutes, decisions, "
    "report_period, is_evaluation, updated_at, updated_by FROM meetings";

json MeetingJson(const storage::Row& row, bool with_minutes) {
  auto text_or_null = [&](const char* column) {
    auto value = row.OptionalText(column);
    return value ? json(*value) : json(nullptr);
  };
  json out = {{"id", row.Integer("id")},
              {"kind", row.Text("kind")},
              {"date", row.Text("date")},
              {"theme", text_or_null("theme_id")},
              {"attendees", json::parse(row.Text("attendees"), nullptr, false)},
              {"decisions", json::parse(row.Text("decisions"), nullptr, false)},
              {"reportPeriod", text_or_null("report_period")},
              {"evaluation", row.Integer("is_evaluation") != 0},
              {"updatedAt", row.Text("updated_at")},
              {"updatedBy", row.Text("updated_by")}};
  if (with_minutes) {
    out["minutes"] = text_or_null("minutes");
  } else {
    out["minutesRestricted"] = !row.IsNull("minutes");
  }
  return out;
}

Result<json> Load(storage::Connection& db, std::int64_t id, bool with_minutes) {
  std::string sql = kSelect;
  sql += " WHERE id = ?1";
  auto rows = db.Query(sql, std::vector<storage::Value>{id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return Status::NotFound("there is no meeting " + std::to_string(id));
  }
  return MeetingJson(rows->front(), with_minutes);
}

Status CheckTexts(const json& list, const std::string& field) {
  if (!list.is_array()) return FieldError(field, "must be a list");
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string() || list[i].get<std::string>().empty()) {
      return FieldError(field + "[" + std::to_string(i) + "]",
                        "must be non-empty text");
    }
  }
  return Status::Ok();
}

Status CheckMeeting(storage::Connection& db, json& meeting) {
  if (!meeting["kind"].is_string() ||
      (meeting["kind"] != "official" && meeting["kind"] != "administrative" &&
       meeting["kind"] != "theme-table")) {
    return FieldError("kind",
                      "must be official (art. 6a), administrative (6b) or "
                      "theme-table");
  }
  std::string kind = meeting["kind"];
  if (!meeting["date"].is_string() ||
      !IsCalendarDate(meeting["date"].get<std::string>())) {
    return FieldError("date", "must be a date as YYYY-MM-DD");
  }
  std::string date = meeting["date"];

  if (!meeting.contains("theme")) meeting["theme"] = nullptr;
  if (!meeting["theme"].is_null()) {
    if (!meeting["theme"].is_string())
      return FieldError("theme", "must be text");
    auto rows = db.Query(
        "SELECT 1 FROM themes WHERE id = ?1",
        std::vector<storage::Value>{meeting["theme"].get<std::string>()});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {
      return FieldError("theme",
                        "there is no theme '" +
                            meeting["theme"].get<std::string>().substr(0, 40) +
                            "'; GET /api/v1/themes lists them");
    }
  } else if (kind == "theme-table") {
    return FieldError("theme", "a theme table meets about one theme; name it");
  }

  json& attendees = meeting["attendees"];
  if (attendees.is_null()) attendees = json::object();
  if (!attendees.is_object()) {
    return FieldError("attendees", "must be an object with parties and cities");
  }
  for (const auto& item : attendees.items()) {
    if (item.key() != "parties" && item.key() != "cities") {
      return FieldError("attendees." + item.key().substr(0, 40),
                        "unknown; attendees are parties (ez, g32, g4, "
                        "stedenlink) and cities (CBS codes)");
    }
  }
  for (const char* key : {"parties", "cities"}) {
    if (!attendees.contains(key)) attendees[key] = json::array();
    Status status = CheckTexts(attendees[key], std::string("attendees.") + key);
    if (!status.ok()) return status;
  }
  for (std::size_t i = 0; i < attendees["parties"].size(); ++i) {
    if (FindParty(attendees["parties"][i].get<std::string>()) == nullptr) {
      return FieldError("attendees.parties[" + std::to_string(i) + "]",
                        "must be a party of the covenant: ez, g32, g4, "
                        "stedenlink");
    }
  }
  for (std::size_t i = 0; i < attendees["cities"].size(); ++i) {
    std::string code = attendees["cities"][i];
    auto rows = db.Query("SELECT 1 FROM cities WHERE cbs_code = ?1",
                         std::vector<storage::Value>{code});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {
      return FieldError("attendees.cities[" + std::to_string(i) + "]",
                        "there is no city with CBS code '" +
                            code.substr(0, 20) +
                            "'; GET /api/v1/cities lists them");
    }
  }

  if (!meeting.contains("minutes")) meeting["minutes"] = nullptr;
  if (!meeting["minutes"].is_null() && !meeting["minutes"].is_string()) {
    return FieldError("minutes", "must be text");
  }
  if (!meeting.contains("decisions")) meeting["decisions"] = json::array();
  Status status = CheckTexts(meeting["decisions"], "decisions");
  if (!status.ok()) return status;

  if (!meeting.contains("reportPeriod")) meeting["reportPeriod"] = nullptr;
  if (!meeting["reportPeriod"].is_null()) {
    if (kind != "administrative") {
      return FieldError("reportPeriod",
                        "only an administrative meeting is held on the "
                        "basis of a progress report (art. 6b)");
    }
    auto period =
        meeting["reportPeriod"].is_string()
            ? ParseHalfYear(meeting["reportPeriod"].get<std::string>())
            : std::nullopt;
    if (!period) {
      return FieldError("reportPeriod", "must be a half year as 2013-H2");
    }
    if (period->first_month > date.substr(0, 7)) {
      return FieldError("reportPeriod",
                        "the report on " + period->name +
                            " cannot be the basis of a meeting on " + date +
                            ", before that half year began");
    }
  }

  if (!meeting.contains("evaluation")) meeting["evaluation"] = false;
  if (!meeting["evaluation"].is_boolean()) {
    return FieldError("evaluation", "must be true or false");
  }
  if (meeting["evaluation"].get<bool>() && date <= kCovenantEndDate) {
    return FieldError("evaluation",
                      "the joint evaluation of art. 6c follows the end of "
                      "the covenant (" +
                          std::string(kCovenantEndDate) +
                          "); this meeting is on " + date);
  }
  return Status::Ok();
}

Result<std::int64_t> StoreMeeting(storage::Connection& db, const json& meeting,
                                  std::int64_t id, const std::string& who) {
  auto text_or_null = [&](const char* key) -> storage::Value {
    if (meeting[key].is_null()) return nullptr;
    return meeting[key].get<std::string>();
  };
  std::vector<storage::Value> params = {
      meeting["kind"].get<std::string>(),
      meeting["date"].get<std::string>(),
      text_or_null("theme"),
      meeting["attendees"].dump(),
      text_or_null("minutes"),
      meeting["decisions"].dump(),
      text_or_null("reportPeriod"),
      std::int64_t{meeting["evaluation"].get<bool>() ? 1 : 0},
      NowUtc(),
      who};
  if (id == 0) {
    Status inserted = db.Execute(
        "INSERT INTO meetings (kind, date, theme_id, attendees, minutes, "
        "decisions, report_period, is_evaluation, updated_at, updated_by) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params);
    if (!inserted.ok()) return inserted;
    return db.LastInsertId();
  }
  params.push_back(id);
  Status updated = db.Execute(
      "UPDATE meetings SET kind = ?1, date = ?2, theme_id = ?3, "
      "attendees = ?4, minutes = ?5, decisions = ?6, report_period = ?7, "
      "is_evaluation = ?8, updated_at = ?9, updated_by = ?10 WHERE id = ?11",
      params);
  if (!updated.ok()) return updated;
  return id;
}

std::string Text(std::string_view text) { return std::string(text); }

}  // namespace

const std::vector<const char*>& MeetingFields() {
  static const std::vector<const char*> kFields = {
      "kind",    "date",      "theme",        "attendees",
      "minutes", "decisions", "reportPeriod", "evaluation"};
  return kFields;
}

json Rhythm(int year, const std::vector<MeetingFacts>& meetings,
            const std::string& today) {
  std::string prefix = std::to_string(year) + "-";
  int official = 0;
  int administrative = 0;
  int based_on_report = 0;
  for (const MeetingFacts& meeting : meetings) {
    if (!meeting.date.starts_with(prefix)) continue;
    if (meeting.kind == "official") ++official;
    if (meeting.kind == "administrative") {
      ++administrative;
      if (!meeting.report_period.empty()) ++based_on_report;
    }
  }
  bool complete = today > std::to_string(year) + "-12-31";
  json shortfalls = json::array();
  if (official < kOfficialMeetingsPerYear) {
    shortfalls.push_back("art. 6a: " + std::to_string(official) +
                         " official meeting" + (official == 1 ? "" : "s") +
                         " in " + std::to_string(year) + ", at least " +
                         std::to_string(kOfficialMeetingsPerYear) +
                         " a year are agreed");
  }
  if (based_on_report < kAdministrativeMeetingsPerYear) {
    std::string reason =
        "art. 6b: " + std::to_string(based_on_report) +
        " administrative meeting" + (based_on_report == 1 ? "" : "s") +
        " on the basis of a progress report in " + std::to_string(year) +
        ", at least " + std::to_string(kAdministrativeMeetingsPerYear) +
        " a year are agreed";
    if (administrative > based_on_report) {
      reason += " (" + std::to_string(administrative - based_on_report) +
                " more without a report period recorded)";
    }
    shortfalls.push_back(reason);
  }
  bool kept = shortfalls.empty();
  if (!kept && !complete) {
    shortfalls.push_back(std::to_string(year) +
                         " is not over yet: meetings may still follow");
  }
  return {{"year", year},
          {"kept", kept},
          {"yearComplete", complete},
          {"official",
           {{"count", official},
            {"required", kOfficialMeetingsPerYear},
            {"kept", official >= kOfficialMeetingsPerYear}}},
          {"administrative",
           {{"count", administrative},
            {"basedOnReport", based_on_report},
            {"required", kAdministrativeMeetingsPerYear},
            {"kept", based_on_report >= kAdministrativeMeetingsPerYear}}},
          {"shortfalls", shortfalls}};
}

json Evaluation(const std::vector<MeetingFacts>& meetings,
                const std::string& today) {
  const MeetingFacts* first = nullptr;
  for (const MeetingFacts& meeting : meetings) {
    if (!meeting.is_evaluation) continue;
    if (first == nullptr || meeting.date < first->date) first = &meeting;
  }
  std::string status = "due";
  if (first != nullptr) {
    status = first->date <= kEvaluationDeadline ? "done" : "late";
  } else if (today > kEvaluationDeadline) {
    status = "late";
  }
  return {{"deadline", Text(kEvaluationDeadline)},
          {"covenantEnds", Text(kCovenantEndDate)},
          {"status", status},
          {"meeting", first ? json(first->id) : json(nullptr)},
          {"meetingDate", first ? json(first->date) : json(nullptr)},
          {"rule",
           "art. 6c: the parties jointly evaluate the covenant's results "
           "within six months after it ends (it ran until 2014-12-31, "
           "art. 12)"}};
}

Result<json> Meetings::List(int year, const std::string& kind,
                            const std::string& theme, bool with_minutes) {
  json items = json::array();
  Status status = database_.Read([&](storage::Connection& db) {
    std::string sql = kSelect;
    sql += " ORDER BY date, id";
    return db.Execute(sql, {}, [&](const storage::Row& row) {
      if (year != 0 &&
          !row.Text("date").starts_with(std::to_string(year) + "-")) {
        return true;
      }
      if (!kind.empty() && row.Text("kind") != kind) return true;
      if (!theme.empty() && row.Text("theme_id") != theme) return true;
      items.push_back(MeetingJson(row, with_minutes));
      return true;
    });
  });
  if (!status.ok()) return status;
  return items;
}

Result<json> Meetings::Get(std::int64_t id, bool with_minutes) {
  std::optional<json> found;
  Status status = database_.Read([&](storage::Connection& db) -> Status {
    auto loaded = Load(db, id, with_minutes);
    if (!loaded.ok()) return loaded.status();
    found = std::move(loaded).value();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return *found;
}

Result<std::vector<MeetingFacts>> Meetings::Facts() {
  std::vector<MeetingFacts> facts;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT id, kind, date, report_period, is_evaluation FROM meetings "
        "ORDER BY date, id",
        {}, [&](const storage::Row& row) {
          facts.push_back({row.Integer("id"), row.Text("kind"),
                           row.Text("date"), row.Text("report_period"),
                           row.Integer("is_evaluation") != 0});
          return true;
        });
  });
  if (!status.ok()) return status;
  return facts;
}

Result<json> Meetings::Save(std::int64_t id, const json& fields,
                            const std::string& who) {
  std::optional<json> stored;
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    json meeting = json::object();
    if (id > 0) {
      auto before = Load(db, id, true);
      if (!before.ok()) return before.status();
      meeting = std::move(before).value();
    }
    for (const auto& item : fields.items()) meeting[item.key()] = item.value();
    Status checked = CheckMeeting(db, meeting);
    if (!checked.ok()) return checked;
    auto saved = StoreMeeting(db, meeting, id, who);
    if (!saved.ok()) return saved.status();
    auto loaded = Load(db, *saved, true);
    if (!loaded.ok()) return loaded.status();
    stored = std::move(loaded).value();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return *stored;
}

namespace {

class MeetingDecisionSource : public PublicationSource {
 public:
  std::string_view Name() const override { return "meeting decisions"; }

  Result<std::vector<Publication>> Entries(
      storage::Database& database) const override {
    std::vector<Publication> out;
    Status status = database.Read([&](storage::Connection& db) {
      return db.Execute(
          "SELECT m.id AS id, m.kind AS kind, m.date AS date, m.theme_id AS "
          "theme_id, m.decisions AS decisions, m.updated_at AS updated_at, "
          "t.name_nl AS theme_nl, t.name_en AS theme_en FROM meetings m "
          "LEFT JOIN themes t ON t.id = m.theme_id WHERE m.decisions != '[]'",
          {}, [&](const storage::Row& row) {
            json decisions = json::parse(row.Text("decisions"), nullptr, false);
            if (!decisions.is_array() || decisions.empty()) return true;
            out.push_back(EntryOf(row, decisions));
            return true;
          });
    });
    if (!status.ok()) return status;
    return out;
  }

 private:
  static Publication EntryOf(const storage::Row& row, const json& decisions) {
    std::string id = std::to_string(row.Integer("id"));
    std::string kind = row.Text("kind");
    std::string date = row.Text("date");
    std::string meeting_nl = kind == "official" ? "het ambtelijk overleg"
                             : kind == "administrative"
                                 ? "het bestuurlijk overleg"
                                 : "de thematafel";
    std::string meeting_en = kind == "official" ? "the official meeting"
                             : kind == "administrative"
                                 ? "the administrative meeting"
                                 : "the theme table";
    std::string listed;
    for (const json& decision : decisions) {
      if (!decision.is_string()) continue;
      if (!listed.empty()) listed += " ";
      listed += decision.get<std::string>();
      if (!listed.ends_with('.')) listed += '.';
    }
    Publication entry;
    entry.id = "tag:stedenlink.nl,2013:meetings/" + id + "/decisions";
    entry.kind = "decision";
    entry.theme_id = row.Text("theme_id");
    entry.title_nl = "Besluiten van " + meeting_nl + " van " + date;
    entry.title_en = "Decisions of " + meeting_en + " of " + date;
    std::string theme_nl = row.Text("theme_nl");
    std::string theme_en = row.Text("theme_en");
    if (theme_en.empty()) theme_en = theme_nl;
    entry.summary_nl = listed;
    entry.summary_en = listed;
    if (!theme_nl.empty()) {
      entry.title_nl += " (" + theme_nl + ")";
      entry.title_en += " (" + theme_en + ")";
    }
    entry.published = row.Text("updated_at");
    entry.updated = row.Text("updated_at");
    entry.url = "/api/v1/meetings/" + id;
    return entry;
  }
};

}  // namespace

std::unique_ptr<PublicationSource> MeetingDecisionPublicationSource() {
  return std::make_unique<MeetingDecisionSource>();
}

}  // namespace smartercities::domain
