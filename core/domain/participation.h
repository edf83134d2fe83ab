// participation.h — who takes part in each theme: the leading cities
// ("Trekkende Steden", art. 1e), the involved cities ("Betrokken Steden",
// art. 1f) and the involved parties ("Betrokken Partijen": the involved
// cities and EZ where a theme paragraph makes working agreements with EZ,
// art. 1g), each with the date from which it takes part.
//
// The table starts from what the covenant itself says: the leading cities of
// each theme's manifest and the cities and EZ its theme paragraph names,
// since 2013-03-07 (the day the covenant took effect, art. 12). The join
// procedure (art. 8, join_requests.h) adds cities later. SyncParticipation,
// run by the catalogue sync, adds what a manifest names and removes what a
// manifest no longer names among the rows a manifest added; it never touches
// a row the covenant's text or a procedure recorded.
//
// Thread-safety: Participation holds only a reference to the Database and
// may be used from any thread.
#ifndef SMARTERCITIES_CORE_DOMAIN_PARTICIPATION_H_
#define SMARTERCITIES_CORE_DOMAIN_PARTICIPATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/model.h"
#include "core/storage/database.h"

namespace smartercities::domain {

struct Participant {
  std::string theme_id;
  std::string kind;    // "city" or "party"
  std::string id;      // the CBS code of a city, the id of a party ("ez")
  std::string name;    // the city's name, the party's Dutch name
  std::string role;    // "leading" or "involved"
  std::string since;   // YYYY-MM-DD
  std::string source;  // "manifest", "covenant" or "join-request"
  // The join request that made the city take part (source "join-request").
  std::optional<std::int64_t> join_request_id;
};

// Brings the participation of manifest's theme in line with the manifest
// and the covenant's theme paragraph, inside the catalogue sync's write.
// Rows from the covenant's text and from procedures are never removed or
// changed; a leader the manifest names who already takes part otherwise
// keeps the row it has.
Status SyncParticipation(storage::Connection& db,
                         const ThemeManifest& manifest);

// The participants of theme_id read on db: leading before involved, then
// cities before parties, then by name.
Result<std::vector<Participant>> ParticipantsOf(storage::Connection& db,
                                                std::string_view theme_id);

class Participation {
 public:
  explicit Participation(storage::Database& database) : database_(database) {}

  // The theme's participants; NotFound when there is no such theme.
  Result<std::vector<Participant>> OfTheme(std::string_view theme_id);

  // The themes a city takes part in (one Participant per theme), by theme.
  Result<std::vector<Participant>> OfCity(std::string_view cbs_code);

 private:
  storage::Database& database_;
};

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_PARTICIPATION_H_
