#include "core/report/procedure_sections.h"

#include <map>

#include "core/domain/parties.h"

namespace smartercities::report {
namespace {

using web::Language;

std::string Say(Language language, const char* dutch, const char* english) {
  return language == Language::kDutch ? dutch : english;
}

// The name of a state of either procedure in the report's language.
std::string StateName(Language language, const std::string& state) {
  static const std::map<std::string, std::pair<const char*, const char*>>
      kNames = {
          {"requested", {"aangevraagd", "requested"}},
          {"in-consultation", {"in overleg", "in consultation"}},
          {"accepted", {"aanvaard", "accepted"}},
          {"refused", {"afgewezen", "refused"}},
          {"proposed", {"voorgesteld", "proposed"}},
          {"agreed", {"overeengekomen", "agreed"}},
          {"reported", {"gemeld aan Stedenlink", "reported to Stedenlink"}},
          {"in-effect", {"in werking", "in effect"}},
          {"rejected", {"verworpen", "rejected"}},
          {"withdrawn", {"ingetrokken", "withdrawn"}}};
  auto found = kNames.find(state);
  if (found == kNames.end()) return state;
  return Say(language, found->second.first, found->second.second);
}

// The day of a timestamp ("2013-05-01T10:00:00Z" -> "2013-05-01").
std::string Day(const std::string& timestamp) {
  return timestamp.substr(0, 10);
}

// Whether timestamp's day lies on or before last_day (and is set).
bool ByDay(const std::string& timestamp, const std::string& last_day) {
  return !timestamp.empty() && Day(timestamp) <= last_day;
}

// "In 2013-H2: 3 ... (1 accepted, 2 refused)."
std::string Summary(Language language, const domain::HalfYear& period,
                    const char* dutch, const char* english, std::size_t total,
                    const std::map<std::string, int>& counts) {
  std::string out = "In ";
  out += period.name;
  out += ": ";
  out += std::to_string(total);
  out += ' ';
  out += Say(language, dutch, english);
  bool first = true;
  for (const auto& [state, count] : counts) {
    out += first ? " (" : ", ";
    first = false;
    out += std::to_string(count);
    out += ' ';
    out += StateName(language, state);
  }
  if (!first) out += ')';
  out += '.';
  return out;
}

Result<std::optional<ReportSection>> JoinsSection(
    storage::Database& database, const domain::HalfYear& period,
    Language language) {
  std::string first_day = period.first_month + "-01";
  std::string last_day = period.last_month + "-31";
  ReportSection section;
  section.id = "joins";
  section.title = Say(language, "Toetreding tot thema's (art. 8)",
                      "Joining the themes (art. 8)");
  section.columns = {
      Say(language, "Thema", "Theme"), Say(language, "Stad", "City"),
      Say(language, "Gevraagd op", "Asked on"),
      Say(language, "Stand eind periode", "State at the end of the period"),
      Say(language, "Besluit", "Decision")};
  std::map<std::string, int> counts;
  Status status = database.Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT r.state, r.requested_at, r.consulted_at, r.decided_at, "
        "r.decision_reason, COALESCE(c.name, r.city) AS city, "
        "COALESCE(CASE WHEN ?3 = 'nl' THEN t.name_nl ELSE COALESCE(t.name_en, "
        "t.name_nl) END, r.theme_id) AS theme FROM join_requests r LEFT JOIN "
        "cities c ON c.cbs_code = r.city LEFT JOIN themes t ON t.id = "
        "r.theme_id WHERE substr(r.requested_at, 1, 10) BETWEEN ?1 AND ?2 OR "
        "substr(r.decided_at, 1, 10) BETWEEN ?1 AND ?2 ORDER BY "
        "r.requested_at, r.id",
        std::vector<storage::Value>{first_day, last_day,
                                    std::string(web::Code(language))},
        [&](const storage::Row& row) {
          // The state the request had on the period's last day.
          std::string state = "requested";
          std::string decision;
          if (ByDay(row.Text("decided_at"), last_day)) {
            state = row.Text("state");
            decision = Day(row.Text("decided_at"));
            decision += ": ";
            decision += row.Text("decision_reason");
          } else if (ByDay(row.Text("consulted_at"), last_day)) {
            state = "in-consultation";
          }
          ++counts[state];
          section.rows.push_back({row.Text("theme"), row.Text("city"),
                                  Day(row.Text("requested_at")),
                                  StateName(language, state), decision});
          return true;
        });
  });
  if (!status.ok()) return status;
  if (section.rows.empty()) return std::optional<ReportSection>();
  section.paragraphs.push_back(
      Summary(language, period, "verzoeken om toe te treden",
              "requests to join a theme", section.rows.size(), counts));
  return std::optional<ReportSection>(std::move(section));
}

Result<std::optional<ReportSection>> AmendmentsSection(
    storage::Database& database, const domain::HalfYear& period,
    Language language) {
  std::string first_day = period.first_month + "-01";
  std::string last_day = period.last_month + "-31";
  ReportSection section;
  section.id = "amendments";
  section.title = Say(language, "Wijzigingen van de afspraken (art. 9)",
                      "Amendments of the agreements (art. 9)");
  section.columns = {
      Say(language, "Wijziging van", "Amendment of"),
      Say(language, "Voorgesteld door", "Proposed by"),
      Say(language, "Voorgesteld op", "Proposed on"),
      Say(language, "Stand eind periode", "State at the end of the period"),
      Say(language, "Reden", "Reason")};
  std::map<std::string, int> counts;
  Status status = database.Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT a.*, g.letter AS letter, COALESCE(c.name, a.proposer) AS "
        "proposer_name, COALESCE(CASE WHEN ?3 = 'nl' THEN t.name_nl ELSE "
        "COALESCE(t.name_en, t.name_nl) END, a.theme_id) AS theme FROM "
        "amendments a LEFT JOIN agreements g ON g.id = a.agreement_id LEFT "
        "JOIN themes t ON t.id = a.theme_id LEFT JOIN cities c ON c.cbs_code "
        "= a.proposer WHERE substr(a.proposed_at, 1, 10) BETWEEN ?1 AND ?2 "
        "OR substr(a.effective_at, 1, 10) BETWEEN ?1 AND ?2 OR "
        "substr(a.closed_at, 1, 10) BETWEEN ?1 AND ?2 ORDER BY "
        "a.proposed_at, a.id",
        std::vector<storage::Value>{first_day, last_day,
                                    std::string(web::Code(language))},
        [&](const storage::Row& row) {
          std::string state = "proposed";
          if (ByDay(row.Text("effective_at"), last_day)) {
            state = "in-effect";
          } else if (ByDay(row.Text("closed_at"), last_day)) {
            state = row.Text("state");
          } else if (ByDay(row.Text("reported_at"), last_day)) {
            state = "reported";
          } else if (ByDay(row.Text("agreed_at"), last_day)) {
            state = "agreed";
          }
          ++counts[state];
          std::string target;
          if (row.Text("target") == "agreement") {
            target = Say(language, "afspraak ", "agreement ");
            target += row.Text("letter");
            target += Say(language, " van ", " of ");
            target += row.Text("theme");
          } else {
            target = Say(language, "artikel ", "article ");
            target += row.Text("article");
          }
          std::string proposer = row.Text("proposer_name");
          if (const domain::Party* party = domain::FindParty(proposer)) {
            proposer = std::string(party->short_name);
          }
          section.rows.push_back(
              {target, proposer, Day(row.Text("proposed_at")),
               StateName(language, state), row.Text("reason")});
          return true;
        });
  });
  if (!status.ok()) return status;
  if (section.rows.empty()) return std::optional<ReportSection>();
  section.paragraphs.push_back(
      Summary(language, period, "voorstellen tot wijziging",
              "proposed amendments", section.rows.size(), counts));
  section.paragraphs.push_back(Say(
      language,
      "Een wijziging van een themaparagraaf geschiedt in overeenstemming met "
      "de betrokken partijen (art. 9c), een wijziging van het algemene deel "
      "met instemming van het bestuurlijk overleg (art. 9b); wijzigingen "
      "worden openbaar gemaakt (art. 9e).",
      "An amendment of a theme paragraph is made in agreement with the "
      "involved parties (art. 9c), one of the general part with the consent "
      "of the administrative meeting (art. 9b); amendments are published "
      "(art. 9e)."));
  return std::optional<ReportSection>(std::move(section));
}

}  // namespace

void AddProcedureSections(ReportSections& sections) {
  sections.Add(JoinsSection);
  sections.Add(AmendmentsSection);
}

}  // namespace smartercities::report
