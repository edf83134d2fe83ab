#include "core/report/agenda_sections.h"

#include <map>

namespace smartercities::report {
namespace {

using web::Language;

// The text in the report's language.
std::string Say(Language language, const char* dutch, const char* english) {
  return language == Language::kDutch ? dutch : english;
}

std::string StatusName(Language language, const std::string& status) {
  static const std::map<std::string, std::pair<const char*, const char*>>
      kNames = {{"proposed", {"voorgesteld", "proposed"}},
                {"running", {"lopend", "running"}},
                {"completed", {"afgerond", "completed"}},
                {"stopped", {"gestopt", "stopped"}}};
  auto found = kNames.find(status);
  if (found == kNames.end()) return status;
  return Say(language, found->second.first, found->second.second);
}

std::string KindName(Language language, const std::string& kind) {
  if (kind == "official") {
    return Say(language, "ambtelijk overleg (art. 6a)",
               "official meeting (art. 6a)");
  }
  if (kind == "administrative") {
    return Say(language, "bestuurlijk overleg (art. 6b)",
               "administrative meeting (art. 6b)");
  }
  return Say(language, "thematafel", "theme table");
}

Result<std::optional<ReportSection>> ProjectsSection(
    storage::Database& database, const domain::HalfYear& period,
    Language language) {
  std::string first_day = period.first_month + "-01";
  std::string last_day = period.last_month + "-31";
  ReportSection section;
  section.id = "projects";
  section.title = Say(language, "Projecten van de rolling agenda (art. 5d)",
                      "Projects of the rolling agenda (art. 5d)");
  section.columns = {
      Say(language, "Thema", "Theme"), Say(language, "Project", "Project"),
      Say(language, "Trekker", "Lead"),
      Say(language, "Status eind periode", "Status at the end of the period"),
      Say(language, "Resultaten", "Results")};
  std::map<std::string, int> counts;
  Status status = database.Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT p.title, p.lead, p.status, p.started_on, p.ended_on, "
        "p.results, COALESCE(CASE WHEN ?3 = 'nl' THEN t.name_nl ELSE "
        "COALESCE(t.name_en, t.name_nl) END, p.theme_id) AS theme FROM "
        "projects p LEFT JOIN themes t ON t.id = p.theme_id WHERE "
        "p.proposed_on <= ?2 AND (p.ended_on IS NULL OR p.ended_on >= ?1) "
        "ORDER BY theme, p.id",
        std::vector<storage::Value>{first_day, last_day,
                                    std::string(web::Code(language))},
        [&](const storage::Row& row) {
          // The status the project had on the period's last day.
          std::string state = "proposed";
          auto ended = row.OptionalText("ended_on");
          auto started = row.OptionalText("started_on");
          if (ended && *ended <= last_day) {
            state = row.Text("status");
          } else if (started && *started <= last_day) {
            state = "running";
          }
          ++counts[state];
          section.rows.push_back(
              {row.Text("theme"), row.Text("title"), row.Text("lead"),
               StatusName(language, state),
               state == "completed" ? row.Text("results") : std::string()});
          return true;
        });
  });
  if (!status.ok()) return status;
  if (section.rows.empty()) return std::optional<ReportSection>();
  std::string summary =
      Say(language, "Projecten op de agenda in ", "Projects on the agenda in ");
  summary += period.name;
  summary += ": ";
  summary += std::to_string(section.rows.size());
  bool first = true;
  for (const char* state : {"proposed", "running", "completed", "stopped"}) {
    if (counts[state] == 0) continue;
    summary += first ? " (" : ", ";
    first = false;
    summary += std::to_string(counts[state]);
    summary += ' ';
    summary += StatusName(language, state);
  }
  if (!first) summary += ')';
  summary += '.';
  section.paragraphs.push_back(summary);
  return std::optional<ReportSection>(std::move(section));
}

Result<std::optional<ReportSection>> MeetingsSection(
    storage::Database& database, const domain::HalfYear& period,
    Language language) {
  std::string first_day = period.first_month + "-01";
  std::string last_day = period.last_month + "-31";
  ReportSection section;
  section.id = "meetings";
  section.title = Say(language, "Overleg (art. 6)", "Meetings (art. 6)");
  section.columns = {Say(language, "Datum", "Date"),
                     Say(language, "Soort", "Kind"),
                     Say(language, "Thema", "Theme"),
                     Say(language, "Voortgangsrapportage", "Progress report"),
                     Say(language, "Besluiten", "Decisions")};
  int official = 0;
  int on_report = 0;
  Status status = database.Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT m.date, m.kind, m.report_period, m.decisions, "
        "CASE WHEN ?3 = 'nl' THEN t.name_nl ELSE COALESCE(t.name_en, "
        "t.name_nl) END AS theme FROM meetings m LEFT JOIN themes t ON t.id "
        "= m.theme_id WHERE m.date BETWEEN ?1 AND ?2 ORDER BY m.date, m.id",
        std::vector<storage::Value>{first_day, last_day,
                                    std::string(web::Code(language))},
        [&](const storage::Row& row) {
          std::string kind = row.Text("kind");
          if (kind == "official") ++official;
          if (kind == "administrative" && !row.IsNull("report_period")) {
            ++on_report;
          }
          std::string decisions;
          nlohmann::json list =
              nlohmann::json::parse(row.Text("decisions"), nullptr, false);
          if (list.is_array()) {
            for (const auto& decision : list) {
              if (!decision.is_string()) continue;
              if (!decisions.empty()) decisions += "; ";
              decisions += decision.get<std::string>();
            }
          }
          std::string theme = row.Text("theme");
          section.rows.push_back(
              {row.Text("date"), KindName(language, kind),
               theme.empty() ? Say(language, "algemeen", "general") : theme,
               row.Text("report_period"), decisions});
          return true;
        });
  });
  if (!status.ok()) return status;
  if (section.rows.empty()) return std::optional<ReportSection>();
  std::string summary = "In ";
  summary += period.name;
  summary += ": ";
  summary += std::to_string(official);
  summary +=
      Say(language, " keer ambtelijk overleg en ", " official meetings and ");
  summary += std::to_string(on_report);
  summary += Say(language,
                 " keer bestuurlijk overleg op basis van een "
                 "voortgangsrapportage. Het convenant vraagt ten minste vier "
                 "keer ambtelijk (art. 6a) en twee keer bestuurlijk overleg "
                 "(art. 6b) per jaar.",
                 " administrative meetings on the basis of a progress "
                 "report. The covenant asks for at least four official "
                 "(art. 6a) and two administrative meetings (art. 6b) a "
                 "year.");
  section.paragraphs.push_back(summary);
  return std::optional<ReportSection>(std::move(section));
}

}  // namespace

void AddAgendaSections(ReportSections& sections) {
  sections.Add(ProjectsSection);
  sections.Add(MeetingsSection);
}

}  // namespace smartercities::report
