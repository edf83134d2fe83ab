// funding.h — EZ's contribution to Stedenlink's costs (article 7b), with
// the costs it co-finances and Stedenlink's applications.
//
// 7b: "EZ stelt gedurende de looptijd van het convenant een financiële
// bijdrage van maximaal € 1.000.000 beschikbaar ter ondersteuning van de
// kosten die Stedenlink maakt ... Hierbij is het uitgangspunt dat EZ bereid
// is 50% van de kosten te co-financieren. Daartoe zal Stedenlink een
// aanvraag met projectplan en begroting indienen."
//
// So: the contributions together never pass EUR 1,000,000 (a hard limit: a
// contribution that would is refused); the 50% is a starting point, so a
// contribution that brings EZ's share above half of the recorded costs needs
// a recorded justification. Projects' own funding is recorded on the project
// (7a: "De projecten die in het kader van een thema worden uitgevoerd
// worden niet gefinancierd via de DSA"). Money is in euro cents, as
// integers. Thread-safe: holds only a reference.
#ifndef SMARTERCITIES_CORE_DOMAIN_FUNDING_H_
#define SMARTERCITIES_CORE_DOMAIN_FUNDING_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/base/status.h"
#include "core/storage/database.h"

namespace smartercities::domain {

// EUR 1,000,000 in cents (7b).
inline constexpr std::int64_t kEzContributionLimitCents = 100'000'000;

// "EUR 1,234,567.89".
std::string FormatEuro(std::int64_t cents);

// What a new contribution of amount_cents does to the totals; the rule it
// breaks, or nullopt.
struct ContributionCheck {
  // Refused outright: the total would pass the limit (7b's maximum).
  std::optional<std::string> over_limit;
  // Needs a justification: EZ's share would be above 50% of the costs.
  std::optional<std::string> above_half;
};
ContributionCheck CheckContribution(std::int64_t costs_cents,
                                    std::int64_t contributed_cents,
                                    std::int64_t amount_cents);

// A refusal of a rule of the covenant (HTTP 422), with its message.
struct RuleRefusal {
  std::string detail;
};

class Funding {
 public:
  explicit Funding(storage::Database& database) : database_(database) {}

  // The totals, EZ's share and every entry by kind: {"limitCents",
  // "costsCents", "applicationsCents", "contributionsCents",
  // "remainingCents", "shareBasisPoints" (contributions per 10,000 of
  // costs, or null without costs), "withinCoFinancing", "costs",
  // "applications", "contributions"}.
  Result<nlohmann::json> Summary();

  // Checks fields and records an entry of kind ("cost", "application" or
  // "contribution"). InvalidArgument names the field; a contribution that
  // breaks 7b comes back as a RuleRefusal.
  Result<std::variant<nlohmann::json, RuleRefusal>> Record(
      std::string_view kind, const nlohmann::json& fields,
      const std::string& who);

 private:
  storage::Database& database_;
};

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_FUNDING_H_
