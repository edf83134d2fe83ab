#include "core/domain/join_requests.h"

#include <smartercities/text.h>

#include <algorithm>

#include "core/base/time_format.h"
#include "core/domain/participation.h"
#include "core/domain/procedure_steps.h"

namespace smartercities::domain {
namespace {

using storage::Connection;
using storage::Row;
using storage::Value;

constexpr const char* kRequested = "requested";
constexpr const char* kInConsultation = "in-consultation";
constexpr const char* kAccepted = "accepted";
constexpr const char* kRefused = "refused";

constexpr std::size_t kMaxTextCharacters = 4000;

// Where the request stands, for a refusal: "join request 3 is in
// consultation (since ...)".
std::string StateOf(const JoinRequest& request) {
  std::string out = "join request " + std::to_string(request.id);
  if (request.state == kRequested) {
    out += " is requested and not yet put to the involved cities";
  } else if (request.state == kInConsultation) {
    out += " is in consultation since " + request.consulted_at;
  } else {
    out += " was " + request.state + " on " + request.decided_at;
  }
  return out;
}

Status CheckTheme(Connection& db, std::string_view theme_id) {
  auto theme = db.Query("SELECT 1 FROM themes WHERE id = ?1",
                        std::vector<Value>{std::string(theme_id)});
  if (!theme.ok()) return theme.status();
  if (theme->empty()) {
    return Status::NotFound("there is no theme '" + std::string(theme_id) +
                            "'; GET /api/v1/themes lists them");
  }
  return Status::Ok();
}

JoinRequest RequestOf(const Row& row) {
  JoinRequest request;
  request.id = row.Integer("id");
  request.theme_id = row.Text("theme_id");
  request.theme_name = row.Text("theme_name");
  request.city = row.Text("city");
  request.city_name = row.Text("city_name");
  request.motivation = row.Text("motivation");
  request.state = row.Text("state");
  request.requested_at = row.Text("requested_at");
  request.requested_by = row.Text("requested_by");
  request.consulted_at = row.Text("consulted_at");
  request.consulted_by = row.Text("consulted_by");
  request.consulted_for = row.Text("consulted_for");
  request.consultation_note = row.Text("consultation_note");
  request.decided_at = row.Text("decided_at");
  request.decided_by = row.Text("decided_by");
  request.decided_for = row.Text("decided_for");
  request.decision_reason = row.Text("decision_reason");
  request.joined_on = row.Text("joined_on");
  return request;
}

constexpr const char* kSelectRequests =
    "SELECT r.*, c.name AS city_name, t.name_nl AS theme_name FROM "
    "join_requests r LEFT JOIN cities c ON c.cbs_code = r.city LEFT JOIN "
    "themes t ON t.id = r.theme_id";

// The responses and, in consultation, the cities still to respond.
Status Complete(Connection& db, JoinRequest& request) {
  Status status = db.Execute(
      "SELECT x.*, c.name AS city_name FROM join_request_responses x LEFT "
      "JOIN cities c ON c.cbs_code = x.city WHERE x.join_request_id = ?1 "
      "ORDER BY x.id",
      std::vector<Value>{request.id}, [&](const Row& row) {
        request.responses.push_back({row.Text("city"), row.Text("city_name"),
                                     row.Text("position"), row.Text("comment"),
                                     row.Text("responded_at"),
                                     row.Text("responded_by")});
        return true;
      });
  if (!status.ok()) return status;
  if (request.state != kInConsultation) return Status::Ok();
  auto participants = ParticipantsOf(db, request.theme_id);
  if (!participants.ok()) return participants.status();
  for (const Participant& participant : *participants) {
    if (participant.kind != "city" || participant.id == request.city) continue;
    bool responded = std::any_of(
        request.responses.begin(), request.responses.end(),
        [&](const JoinResponse& r) { return r.city == participant.id; });
    if (!responded) request.awaiting.push_back(participant.id);
  }
  return Status::Ok();
}

Result<JoinRequest> Load(Connection& db, std::string_view theme_id,
                         std::int64_t id) {
  Status status = CheckTheme(db, theme_id);
  if (!status.ok()) return status;
  auto rows = db.Query(
      std::string(kSelectRequests) + " WHERE r.id = ?1 AND r.theme_id = ?2",
      std::vector<Value>{id, std::string(theme_id)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return Status::NotFound("theme " + std::string(theme_id) +
                            " has no join request " + std::to_string(id) +
                            "; GET /api/v1/themes/" + std::string(theme_id) +
                            "/join-requests lists them");
  }
  JoinRequest request = RequestOf(rows->front());
  status = Complete(db, request);
  if (!status.ok()) return status;
  return request;
}

// Whom the caller acts for as the theme's leading city: the CBS code of the
// leading city the caller edits, or "stedenlink" for an administrator (who
// acts for Stedenlink, the covenant's secretariat). PermissionDenied
// otherwise, naming the leading cities.
Result<std::string> LeadingFor(Connection& db, const Principal& caller,
                               std::string_view theme_id,
                               std::string_view step) {
  if (caller.role == "admin") return std::string("stedenlink");
  auto participants = ParticipantsOf(db, theme_id);
  if (!participants.ok()) return participants.status();
  std::string leaders;
  for (const Participant& participant : *participants) {
    if (participant.role != "leading") continue;
    if (participant.kind == "city" && caller.role == "city-editor" &&
        participant.id == caller.scope) {
      return participant.id;
    }
    if (!leaders.empty()) leaders += ", ";
    leaders += participant.name;
    if (participant.kind == "city") leaders += " " + participant.id;
  }
  return Status::PermissionDenied(
      "the leading city of " + std::string(theme_id) + " (" + leaders + ") " +
      std::string(step) + " (art. 8), or an administrator for Stedenlink; " +
      DescribeCaller(caller));
}

Status SetState(Connection& db, std::int64_t id, const std::string& sql,
                std::vector<Value> params) {
  params.insert(params.begin(), Value(id));
  return db.Execute(sql, params);
}

}  // namespace

Result<JoinRequest> JoinRequests::Ask(const Principal& caller,
                                      std::string_view theme_id,
                                      std::string_view city,
                                      std::string_view motivation) {
  std::int64_t id = 0;
  Status status = database_.Write([&](Connection& db) -> Status {
    Status checked = CheckTheme(db, theme_id);
    if (!checked.ok()) return checked;
    if (city.empty()) {
      return Status::InvalidArgument(
          "city: name the city that asks to join (its CBS code)");
    }
    if (caller.role != "city-editor" || caller.scope != city) {
      return Status::PermissionDenied(
          "a city asks to join a theme itself (art. 8): a city editor of " +
          std::string(city) + " sends the request; " + DescribeCaller(caller));
    }
    checked = CheckStepText("motivation", motivation, true, kMaxTextCharacters);
    if (!checked.ok()) return checked;
    auto known = db.Query("SELECT 1 FROM cities WHERE cbs_code = ?1",
                          std::vector<Value>{std::string(city)});
    if (!known.ok()) return known.status();
    if (known->empty()) {
      return Status::InvalidArgument("city: '" + std::string(city) +
                                     "' is not a city of the covenant; GET "
                                     "/api/v1/cities lists them");
    }
    auto participants = ParticipantsOf(db, theme_id);
    if (!participants.ok()) return participants.status();
    for (const Participant& participant : *participants) {
      if (participant.id == city) {
        return Status::FailedPrecondition(
            std::string(city) + " takes part in " + std::string(theme_id) +
            " already, as " + participant.role + " city since " +
            participant.since);
      }
    }
    auto open = db.Query(
        "SELECT id, state FROM join_requests WHERE theme_id = ?1 AND city = "
        "?2 AND state IN ('requested', 'in-consultation')",
        std::vector<Value>{std::string(theme_id), std::string(city)});
    if (!open.ok()) return open.status();
    if (!open->empty()) {
      return Status::FailedPrecondition(
          std::string(city) + " has an open request to join " +
          std::string(theme_id) + " already: join request " +
          std::to_string(open->front().Integer("id")) + ", " +
          open->front().Text("state"));
    }
    checked = db.Execute(
        "INSERT INTO join_requests (theme_id, city, motivation, state, "
        "requested_at, requested_by) VALUES (?1, ?2, ?3, 'requested', ?4, ?5)",
        std::vector<Value>{std::string(theme_id), std::string(city),
                           std::string(motivation), NowUtc(), caller.name});
    if (!checked.ok()) return checked;
    id = db.LastInsertId();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return Get(theme_id, id);
}

Result<JoinRequest> JoinRequests::Consult(const Principal& caller,
                                          std::string_view theme_id,
                                          std::int64_t id,
                                          std::string_view note) {
  Status status = database_.Write([&](Connection& db) -> Status {
    auto request = Load(db, theme_id, id);
    if (!request.ok()) return request.status();
    auto leading = LeadingFor(db, caller, theme_id,
                              "puts a join request to the involved cities");
    if (!leading.ok()) return leading.status();
    if (request->state != kRequested) {
      return Status::FailedPrecondition(
          StateOf(*request) +
          "; a request is put to the involved cities "
          "once, while it is requested");
    }
    Status checked = CheckStepText("note", note, false, kMaxTextCharacters);
    if (!checked.ok()) return checked;
    return SetState(db, id,
                    "UPDATE join_requests SET state = 'in-consultation', "
                    "consulted_at = ?2, consulted_by = ?3, consulted_for = "
                    "?4, consultation_note = ?5 WHERE id = ?1",
                    {NowUtc(), caller.name, *leading, std::string(note)});
  });
  if (!status.ok()) return status;
  return Get(theme_id, id);
}

Result<JoinRequest> JoinRequests::Respond(const Principal& caller,
                                          std::string_view theme_id,
                                          std::int64_t id,
                                          std::string_view position,
                                          std::string_view comment) {
  Status status = database_.Write([&](Connection& db) -> Status {
    auto request = Load(db, theme_id, id);
    if (!request.ok()) return request.status();
    // The cities that take part in the theme, other than the one asking:
    // "de overige Betrokken Steden" (art. 8).
    bool involved = false;
    std::string cities;
    auto participants = ParticipantsOf(db, theme_id);
    if (!participants.ok()) return participants.status();
    for (const Participant& participant : *participants) {
      if (participant.kind != "city" || participant.id == request->city) {
        continue;
      }
      if (caller.role == "city-editor" && participant.id == caller.scope) {
        involved = true;
      }
      if (!cities.empty()) cities += ", ";
      cities += participant.id;
    }
    if (!involved) {
      return Status::PermissionDenied(
          "the cities that take part in " + std::string(theme_id) + " (" +
          (cities.empty() ? std::string("none besides the one asking")
                          : cities) +
          ") respond to a join request, each through a city editor (art. 8); " +
          DescribeCaller(caller));
    }
    if (request->state != kInConsultation) {
      return Status::FailedPrecondition(
          StateOf(*request) +
          "; the involved cities respond while the request is in "
          "consultation");
    }
    for (const JoinResponse& response : request->responses) {
      if (response.city == caller.scope) {
        return Status::FailedPrecondition(
            caller.scope + " responded to join request " + std::to_string(id) +
            " already (" + response.position + ", " + response.responded_at +
            "); each city responds once");
      }
    }
    if (position != "agree" && position != "object") {
      return Status::InvalidArgument(
          "position: must be \"agree\" or \"object\", got \"" +
          sdk::Printable(position, 40) + "\"");
    }
    Status checked =
        CheckStepText("comment", comment, false, kMaxTextCharacters);
    if (!checked.ok()) return checked;
    return db.Execute(
        "INSERT INTO join_request_responses (join_request_id, city, "
        "position, comment, responded_at, responded_by) VALUES (?1, ?2, ?3, "
        "?4, ?5, ?6)",
        std::vector<Value>{id, caller.scope, std::string(position),
                           std::string(comment), NowUtc(), caller.name});
  });
  if (!status.ok()) return status;
  return Get(theme_id, id);
}

Result<JoinRequest> JoinRequests::Decide(const Principal& caller,
                                         std::string_view theme_id,
                                         std::int64_t id,
                                         std::string_view outcome,
                                         std::string_view reason) {
  Status status = database_.Write([&](Connection& db) -> Status {
    auto request = Load(db, theme_id, id);
    if (!request.ok()) return request.status();
    auto leading =
        LeadingFor(db, caller, theme_id, "decides on a join request");
    if (!leading.ok()) return leading.status();
    if (request->state == kRequested) {
      return Status::FailedPrecondition(
          StateOf(*request) +
          "; the leading city puts it to the involved cities first (art. 8): "
          "POST /api/v1/themes/" +
          std::string(theme_id) + "/join-requests/" + std::to_string(id) +
          "/consultation");
    }
    if (request->state != kInConsultation) {
      return Status::FailedPrecondition(StateOf(*request) +
                                        "; a decision is recorded once");
    }
    if (outcome != kAccepted && outcome != kRefused) {
      return Status::InvalidArgument(
          "outcome: must be \"accepted\" or \"refused\", got \"" +
          sdk::Printable(outcome, 40) + "\"");
    }
    Status checked = CheckStepText("reason", reason, true, kMaxTextCharacters);
    if (!checked.ok()) return checked;
    std::string now = NowUtc();
    std::string today = now.substr(0, 10);
    bool accepted = outcome == kAccepted;
    checked = SetState(
        db, id,
        "UPDATE join_requests SET state = ?2, decided_at = ?3, decided_by = "
        "?4, decided_for = ?5, decision_reason = ?6, joined_on = ?7 WHERE "
        "id = ?1",
        {std::string(outcome), now, caller.name, *leading, std::string(reason),
         accepted ? Value(today) : Value(nullptr)});
    if (!checked.ok()) return checked;
    if (!accepted) return Status::Ok();
    // Art. 8: the city joins "als Betrokken Stad", from the day of the
    // decision.
    checked = db.Execute(
        "INSERT INTO participations (theme_id, kind, participant, role, "
        "since, source, join_request_id) VALUES (?1, 'city', ?2, 'involved', "
        "?3, 'join-request', ?4) ON CONFLICT (theme_id, participant) DO "
        "NOTHING",
        std::vector<Value>{std::string(theme_id), request->city, today, id});
    if (!checked.ok()) return checked;
    if (db.Changes() == 0) {
      return Status::FailedPrecondition(
          request->city + " takes part in " + std::string(theme_id) +
          " already (named in the theme's manifest since the request was "
          "made); refuse the request instead, giving that as the reason");
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return Get(theme_id, id);
}

Result<JoinRequest> JoinRequests::Get(std::string_view theme_id,
                                      std::int64_t id) {
  std::optional<JoinRequest> found;
  Status status = database_.Read([&](Connection& db) -> Status {
    auto request = Load(db, theme_id, id);
    if (!request.ok()) return request.status();
    found = std::move(request).value();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return std::move(*found);
}

Result<std::vector<JoinRequest>> JoinRequests::List(std::string_view theme_id) {
  std::vector<JoinRequest> out;
  Status status = database_.Read([&](Connection& db) -> Status {
    std::vector<Value> params;
    std::string sql = kSelectRequests;
    if (!theme_id.empty()) {
      Status checked = CheckTheme(db, theme_id);
      if (!checked.ok()) return checked;
      sql += " WHERE r.theme_id = ?1";
      params.emplace_back(std::string(theme_id));
    }
    sql += " ORDER BY r.id DESC";
    auto rows = db.Query(sql, params);
    if (!rows.ok()) return rows.status();
    for (const Row& row : *rows) {
      JoinRequest request = RequestOf(row);
      Status completed = Complete(db, request);
      if (!completed.ok()) return completed;
      out.push_back(std::move(request));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

namespace {

class JoinSource : public PublicationSource {
 public:
  std::string_view Name() const override { return "join requests"; }

  Result<std::vector<Publication>> Entries(
      storage::Database& database) const override {
    std::vector<Publication> out;
    Status status = database.Read([&](Connection& db) {
      return db.Execute(
          "SELECT r.id AS id, r.theme_id AS theme_id, r.city AS city, "
          "r.decided_at AS decided_at, r.decided_for AS decided_for, "
          "r.decision_reason AS reason, r.joined_on AS joined_on, c.name AS "
          "city_name, t.name_nl AS theme_nl, t.name_en AS theme_en, d.name "
          "AS decider_name, (SELECT COUNT(*) FROM join_request_responses x "
          "WHERE x.join_request_id = r.id AND x.position = 'agree') AS "
          "agreed, (SELECT COUNT(*) FROM join_request_responses x WHERE "
          "x.join_request_id = r.id AND x.position = 'object') AS objected "
          "FROM join_requests r LEFT JOIN cities c ON c.cbs_code = r.city "
          "LEFT JOIN themes t ON t.id = r.theme_id LEFT JOIN cities d ON "
          "d.cbs_code = r.decided_for WHERE r.state = 'accepted'",
          {}, [&](const Row& row) {
            out.push_back(EntryOf(row));
            return true;
          });
    });
    if (!status.ok()) return status;
    return out;
  }

 private:
  static Publication EntryOf(const Row& row) {
    std::string id = std::to_string(row.Integer("id"));
    std::string theme_id = row.Text("theme_id");
    std::string city = row.Text("city_name");
    if (city.empty()) city = row.Text("city");
    std::string theme_nl = row.Text("theme_nl");
    std::string theme_en = row.Text("theme_en");
    if (theme_en.empty()) theme_en = theme_nl;
    std::string decider = row.Text("decided_for") == "stedenlink"
                              ? std::string("Stedenlink")
                              : row.Text("decider_name");
    std::string agreed = std::to_string(row.Integer("agreed"));
    std::string objected = std::to_string(row.Integer("objected"));
    Publication entry;
    entry.id = "tag:stedenlink.nl,2013:join-requests/" + id;
    entry.kind = "join";
    entry.theme_id = theme_id;
    entry.title_nl = city + " treedt toe tot " + theme_nl;
    entry.title_en = city + " joins " + theme_en;
    entry.summary_nl =
        city + " (" + row.Text("city") + ") is betrokken stad bij " + theme_nl +
        " vanaf " + row.Text("joined_on") +
        " (artikel 8 van het convenant). Besluit van " + decider + ": " +
        row.Text("reason") + " Reacties van de betrokken steden: " + agreed +
        " instemmend, " + objected + " bezwaar.";
    entry.summary_en =
        city + " (" + row.Text("city") + ") takes part in " + theme_en +
        " as involved city " + "from " + row.Text("joined_on") +
        " (article 8 of the covenant). Decision of " + decider + ": " +
        row.Text("reason") + " Responses of the involved cities: " + agreed +
        " agree, " + objected + " object.";
    entry.published = row.Text("decided_at");
    entry.updated = row.Text("decided_at");
    entry.url = "/api/v1/themes/" + theme_id + "/join-requests/" + id;
    return entry;
  }
};

}  // namespace

std::unique_ptr<PublicationSource> JoinPublicationSource() {
  return std::make_unique<JoinSource>();
}

}  // namespace smartercities::domain
