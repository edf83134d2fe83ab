#include "core/domain/participation.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "core/domain/parties.h"

namespace smartercities::domain {
namespace {

using storage::Connection;
using storage::Row;
using storage::Value;

// Who a theme paragraph names besides its leading cities, as the covenant's
// text has it.
struct CovenantParticipant {
  std::string_view theme_id;
  std::string_view kind;
  std::string_view id;
};

constexpr std::array<CovenantParticipant, 11> kCovenantParticipants = {{
    // Art. 1g: "de bij een afzonderlijk thema Betrokken Steden en EZ als er
    // in de themaparagraaf van het convenant hierover werkafspraken zijn
    // gemaakt". Seven theme paragraphs give EZ a task of its own; the
    // paragraphs of Groene Stad and Onze Stad name EZ nowhere.
    {"bedrijvige-stad", "party", "ez"},
    {"zorgende-stad", "party", "ez"},
    {"lerende-stad", "party", "ez"},
    {"veilige-stad", "party", "ez"},
    {"regelluwe-stad", "party", "ez"},
    {"kennisdeling", "party", "ez"},
    {"open-networks", "party", "ez"},
    // Groene Stad g: "In gemeente Amersfoort en Utrecht zal met smart grids
    // worden geëxperimenteerd" (Amersfoort leads the theme).
    {"groene-stad", "city", "GM0344"},
    // Regelluwe Stad f: "EZ, Enschede, Ede en Deventer zullen met Logius
    // ... een onderzoek entameren".
    {"regelluwe-stad", "city", "GM0153"},
    {"regelluwe-stad", "city", "GM0228"},
    {"regelluwe-stad", "city", "GM0150"},
}};

constexpr const char* kInsertSql =
    "INSERT INTO participations (theme_id, kind, participant, role, since, "
    "source) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (theme_id, "
    "participant) DO NOTHING";

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

int Rank(const Participant& participant) {
  return (participant.role == "leading" ? 0 : 2) +
         (participant.kind == "city" ? 0 : 1);
}

Participant ParticipantOf(const Row& row) {
  Participant participant;
  participant.theme_id = row.Text("theme_id");
  participant.kind = row.Text("kind");
  participant.id = row.Text("participant");
  participant.role = row.Text("role");
  participant.since = row.Text("since");
  participant.source = row.Text("source");
  if (!row.IsNull("join_request_id")) {
    participant.join_request_id = row.Integer("join_request_id");
  }
  if (participant.kind == "party") {
    const Party* party = FindParty(participant.id);
    participant.name = party ? std::string(party->name_nl) : participant.id;
  } else {
    participant.name = row.Text("city_name");
    if (participant.name.empty()) participant.name = participant.id;
  }
  return participant;
}

constexpr const char* kSelectSql =
    "SELECT p.theme_id AS theme_id, p.kind AS kind, p.participant AS "
    "participant, p.role AS role, p.since AS since, p.source AS source, "
    "p.join_request_id AS join_request_id, c.name AS city_name FROM "
    "participations p LEFT JOIN cities c ON p.kind = 'city' AND c.cbs_code = "
    "p.participant";

void SortParticipants(std::vector<Participant>& participants) {
  std::stable_sort(participants.begin(), participants.end(),
                   [](const Participant& a, const Participant& b) {
                     if (a.theme_id != b.theme_id) {
                       return a.theme_id < b.theme_id;
                     }
                     if (Rank(a) != Rank(b)) return Rank(a) < Rank(b);
                     return a.name < b.name;
                   });
}

}  // namespace

Status SyncParticipation(Connection& db, const ThemeManifest& manifest) {
  std::string since(kCovenantEffectiveDate);
  std::set<std::string> leaders;
  for (const Leader& leader : manifest.leaders) {
    std::string kind = "city";
    std::string id = leader.cbs_code;
    if (id.empty()) {
      // A leader that is no municipality: one of the covenant's parties
      // (Stedenlink leads Kennisdeling and Open Networks), or a phrase such
      // as "partners in de DSA" that names no one in particular.
      const Party* found = nullptr;
      for (const Party& party : CovenantParties()) {
        if (SameName(party.short_name, leader.name)) found = &party;
      }
      if (found == nullptr) continue;
      kind = "party";
      id = std::string(found->id);
    }
    leaders.insert(id);
    Status status =
        db.Execute(kInsertSql, std::vector<Value>{manifest.id, kind, id,
                                                  std::string("leading"), since,
                                                  std::string("manifest")});
    if (!status.ok()) return status;
  }
  // A leader the manifest no longer names goes, if a manifest put it there.
  auto stored = db.Query(
      "SELECT participant FROM participations WHERE theme_id = ?1 AND "
      "source = 'manifest'",
      std::vector<Value>{manifest.id});
  if (!stored.ok()) return stored.status();
  for (const Row& row : *stored) {
    std::string id = row.Text("participant");
    if (leaders.contains(id)) continue;
    Status status = db.Execute(
        "DELETE FROM participations WHERE theme_id = ?1 AND participant = ?2 "
        "AND source = 'manifest'",
        std::vector<Value>{manifest.id, id});
    if (!status.ok()) return status;
  }
  for (const CovenantParticipant& named : kCovenantParticipants) {
    if (named.theme_id != manifest.id) continue;
    Status status = db.Execute(
        kInsertSql,
        std::vector<Value>{manifest.id, std::string(named.kind),
                           std::string(named.id), std::string("involved"),
                           since, std::string("covenant")});
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

Result<std::vector<Participant>> ParticipantsOf(Connection& db,
                                                std::string_view theme_id) {
  std::vector<Participant> out;
  Status status = db.Execute(std::string(kSelectSql) + " WHERE p.theme_id = ?1",
                             std::vector<Value>{std::string(theme_id)},
                             [&](const Row& row) {
                               out.push_back(ParticipantOf(row));
                               return true;
                             });
  if (!status.ok()) return status;
  SortParticipants(out);
  return out;
}

Result<std::vector<Participant>> Participation::OfTheme(
    std::string_view theme_id) {
  std::vector<Participant> out;
  Status status = database_.Read([&](Connection& db) -> Status {
    auto theme = db.Query("SELECT 1 FROM themes WHERE id = ?1",
                          std::vector<Value>{std::string(theme_id)});
    if (!theme.ok()) return theme.status();
    if (theme->empty()) {
      return Status::NotFound("there is no theme '" + std::string(theme_id) +
                              "'; GET /api/v1/themes lists them");
    }
    auto found = ParticipantsOf(db, theme_id);
    if (!found.ok()) return found.status();
    out = std::move(found).value();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Result<std::vector<Participant>> Participation::OfCity(
    std::string_view cbs_code) {
  std::vector<Participant> out;
  Status status = database_.Read([&](Connection& db) {
    return db.Execute(
        std::string(kSelectSql) +
            " WHERE p.kind = 'city' AND p.participant = ?1 AND p.theme_id IN "
            "(SELECT id FROM themes)",
        std::vector<Value>{std::string(cbs_code)}, [&](const Row& row) {
          out.push_back(ParticipantOf(row));
          return true;
        });
  });
  if (!status.ok()) return status;
  SortParticipants(out);
  return out;
}

}  // namespace smartercities::domain
