// join_requests.h — the join procedure of article 8: "Steden kunnen
// gedurende de looptijd van het convenant in overleg met de betreffende
// Trekkende Stad bij thema's toetreden als Betrokken Stad. De Trekkende Stad
// legt dit verzoek voor aan de overige Betrokken Steden. Deze toetreding zal
// openbaar worden gemaakt op de website van Stedenlink."
//
// A request moves requested -> in-consultation -> accepted | refused, each
// step taken by the party the article gives it to:
//   Ask      a city editor of the city that wants to join;
//   Consult  the leading city (a city editor of a leading city of the
//            theme) or an administrator acting for Stedenlink;
//   Respond  city editors of the cities that take part in the theme, other
//            than the one asking, each city once (agree or object);
//   Decide   the leading city again (or an administrator for Stedenlink).
// The covenant sets no rule for how the responses weigh: they are recorded
// and shown beside the leading city's decision and its reason. On
// acceptance the city takes part in the theme as involved city from that
// day (participation.h), and the join is published (JoinPublicationSource).
//
// A step by someone it is not given to fails with PermissionDenied, a step
// out of order or repeated with FailedPrecondition naming the request's
// state, bad input with InvalidArgument naming the field. Every step is one
// write, so the audit trail records who took it.
//
// Thread-safety: JoinRequests holds only a reference to the Database and may
// be used from any thread; each step reads and writes in one transaction.
#ifndef SMARTERCITIES_CORE_DOMAIN_JOIN_REQUESTS_H_
#define SMARTERCITIES_CORE_DOMAIN_JOIN_REQUESTS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/principal.h"
#include "core/base/status.h"
#include "core/domain/publications.h"
#include "core/storage/database.h"

namespace smartercities::domain {

// One involved city's answer to a request put to it.
struct JoinResponse {
  std::string city;  // CBS code
  std::string city_name;
  std::string position;  // "agree" or "object"
  std::string comment;
  std::string responded_at;
  std::string responded_by;
};

struct JoinRequest {
  std::int64_t id = 0;
  std::string theme_id;
  std::string theme_name;  // Dutch
  std::string city;        // CBS code of the city asking
  std::string city_name;
  std::string motivation;
  // "requested", "in-consultation", "accepted" or "refused".
  std::string state;
  std::string requested_at;
  std::string requested_by;
  std::string consulted_at;  // empty until put to the involved cities
  std::string consulted_by;
  std::string consulted_for;  // the leading city's CBS code or "stedenlink"
  std::string consultation_note;
  std::string decided_at;  // empty until decided
  std::string decided_by;
  std::string decided_for;
  std::string decision_reason;
  std::string joined_on;  // YYYY-MM-DD, when accepted
  std::vector<JoinResponse> responses;
  // The cities asked to respond that have not yet (while in consultation).
  std::vector<std::string> awaiting;
};

class JoinRequests {
 public:
  explicit JoinRequests(storage::Database& database) : database_(database) {}

  // City asks to join theme_id as involved city. caller must be a city
  // editor of city. FailedPrecondition when the city takes part already or
  // has an open request for the theme.
  Result<JoinRequest> Ask(const Principal& caller, std::string_view theme_id,
                          std::string_view city, std::string_view motivation);

  // The leading city puts request id to the involved cities.
  Result<JoinRequest> Consult(const Principal& caller,
                              std::string_view theme_id, std::int64_t id,
                              std::string_view note);

  // An involved city answers: position "agree" or "object".
  Result<JoinRequest> Respond(const Principal& caller,
                              std::string_view theme_id, std::int64_t id,
                              std::string_view position,
                              std::string_view comment);

  // The leading city records the outcome: "accepted" or "refused".
  Result<JoinRequest> Decide(const Principal& caller, std::string_view theme_id,
                             std::int64_t id, std::string_view outcome,
                             std::string_view reason);

  // One request of the theme; NotFound when there is none with that id.
  Result<JoinRequest> Get(std::string_view theme_id, std::int64_t id);

  // The requests of a theme (all themes when theme_id is empty), newest
  // first. NotFound for an unknown theme.
  Result<std::vector<JoinRequest>> List(std::string_view theme_id);

 private:
  storage::Database& database_;
};

// The accepted joins as publications (art. 8: "Deze toetreding zal
// openbaar worden gemaakt").
std::unique_ptr<PublicationSource> JoinPublicationSource();

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_JOIN_REQUESTS_H_
