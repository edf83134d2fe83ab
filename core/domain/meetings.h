// meetings.h — the consultations of article 6 and whether their rhythm was
// kept.
//
// Article 6a: at least four official meetings a year ("ten minste vier keer
// per jaar op ambtelijk niveau overleg"); 6b: at least two administrative
// meetings a year, each on the basis of a progress report Stedenlink writes
// ("op basis van een door Stedenlink op te stellen voortgangsrapportage
// tenminste twee keer per jaar bestuurlijk overleg"); 6c: the joint
// evaluation within six months after the covenant ends. Theme tables are
// the themes' own meetings; they count towards neither rule.
//
// Meetings are read and written as JSON objects in the API's field names;
// every refusal names the field. Thread-safe: holds only a reference.
#ifndef SMARTERCITIES_CORE_DOMAIN_MEETINGS_H_
#define SMARTERCITIES_CORE_DOMAIN_MEETINGS_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/publications.h"
#include "core/storage/database.h"

namespace smartercities::domain {

// At least this many a calendar year (6a, 6b).
inline constexpr int kOfficialMeetingsPerYear = 4;
inline constexpr int kAdministrativeMeetingsPerYear = 2;

// What the rhythm is computed from: one stored meeting.
struct MeetingFacts {
  std::int64_t id = 0;
  std::string kind;           // "official", "administrative", "theme-table"
  std::string date;           // YYYY-MM-DD
  std::string report_period;  // "2013-H2", empty when none
  bool is_evaluation = false;
};

// Whether the rhythm of article 6 was kept in year (2013 or 2014) by
// meetings: {"year", "kept", "official": {"count", "required", "kept"},
// "administrative": {"count", "basedOnReport", "required", "kept"},
// "shortfalls": [reasons], "yearComplete"}. today ("YYYY-MM-DD") tells
// whether the year is over; a year not over yet that falls short is not
// "kept" either, and says so.
nlohmann::json Rhythm(int year, const std::vector<MeetingFacts>& meetings,
                      const std::string& today);

// The joint evaluation of 6c: {"deadline", "status" ("due", "done" or
// "late"), "meeting" (its id or null), "rule"}. Done: an evaluation meeting
// after the covenant ended and by the deadline. Late: held after the
// deadline, or not held and the deadline has passed.
nlohmann::json Evaluation(const std::vector<MeetingFacts>& meetings,
                          const std::string& today);

// The decisions of meetings, published (art. 13 and the issue's
// publication rule): one entry per meeting that has decisions, updated when
// they change. Meetings without decisions, and the minutes, are not
// published.
std::unique_ptr<PublicationSource> MeetingDecisionPublicationSource();

class Meetings {
 public:
  explicit Meetings(storage::Database& database) : database_(database) {}

  // The meetings, by date; year (0: all), kind and theme narrow when set.
  // with_minutes: include the minutes (callers who may read them).
  Result<nlohmann::json> List(int year, const std::string& kind,
                              const std::string& theme, bool with_minutes);

  Result<nlohmann::json> Get(std::int64_t id, bool with_minutes);

  // Every stored meeting's facts, for Rhythm and Evaluation.
  Result<std::vector<MeetingFacts>> Facts();

  // Checks fields (the API's names) and stores a new meeting, or changes
  // the fields given of meeting id (id > 0). InvalidArgument names the
  // field.
  Result<nlohmann::json> Save(std::int64_t id, const nlohmann::json& fields,
                              const std::string& who);

 private:
  storage::Database& database_;
};

// The fields a meeting's body may hold.
const std::vector<const char*>& MeetingFields();

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_MEETINGS_H_
