// projects.h — the rolling agenda of projects per theme (articles 5a, 5d and
// 4d of the covenant).
//
// A project has a title, an aim, a lead (a city by CBS code or one of the
// covenant's parties by id), partners (cities, parties and named companies
// or knowledge institutions), the agreements of its theme it serves, a
// status with its dates, its results and how they are secured for reuse
// (5a: "Projecttrekkers zullen zorgen voor een goede borging van de
// resultaten qua standaardisatie, opschaalbaarheid en uitwisselbaarheid"),
// the completed or stopped project it replaces (5d: "afgeronde projecten
// maken plaats voor nieuwe projecten, in een continu proces"), the open
// action at signing it concretises (4d) and its own funding sources (7a:
// projects are not funded through the agenda; 7e: EU requests).
//
// Projects are read and written as JSON objects in the API's field names;
// every refusal names the field. Thread-safe: holds only references.
#ifndef SMARTERCITIES_CORE_DOMAIN_PROJECTS_H_
#define SMARTERCITIES_CORE_DOMAIN_PROJECTS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/model.h"
#include "core/storage/database.h"

namespace smartercities::domain {

// The statuses, in the order a project passes them.
inline constexpr std::string_view kProjectProposed = "proposed";
inline constexpr std::string_view kProjectRunning = "running";
inline constexpr std::string_view kProjectCompleted = "completed";
inline constexpr std::string_view kProjectStopped = "stopped";

bool IsProjectStatus(std::string_view status);

// Why a project may not go from status from to status to, or nullopt when
// it may (the same status is no change). A completed or stopped project
// stays so (5d: it makes room for a new project, which records that it
// replaces it); a project runs before it completes; a running project does
// not go back to proposed.
std::optional<std::string> TransitionRefusal(std::string_view from,
                                             std::string_view to);

class Projects {
 public:
  explicit Projects(storage::Database& database) : database_(database) {}

  // The theme's projects whose status is in statuses, oldest first.
  Result<nlohmann::json> List(std::string_view theme_id,
                              const std::vector<std::string>& statuses);

  // One project of the theme; NotFound names it.
  Result<nlohmann::json> Get(std::string_view theme_id, std::int64_t id);

  // Checks fields (the API's names) against theme and stores a new project.
  // InvalidArgument names the field; today ("YYYY-MM-DD") is the default
  // for the dates a status needs. who: the caller's name, for updatedBy.
  Result<nlohmann::json> Create(const ThemeManifest& theme,
                                const nlohmann::json& fields,
                                const std::string& who,
                                const std::string& today);

  // Changes the fields given of a stored project. A status change is
  // checked with TransitionRefusal (FailedPrecondition when refused).
  Result<nlohmann::json> Update(const ThemeManifest& theme, std::int64_t id,
                                const nlohmann::json& fields,
                                const std::string& who,
                                const std::string& today);

 private:
  storage::Database& database_;
};

// The fields a project's body may hold.
const std::vector<const char*>& ProjectFields();

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_PROJECTS_H_
