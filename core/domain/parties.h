// parties.h — the covenant's four signatories (its preamble: "samen te
// noemen: Partijen"), next to the cities. They are fixed by the covenant's
// text, so they live in code, not in a table; the procedures refer to them by
// id ("ez", "g32", "g4", "stedenlink") and to cities by CBS code.
#ifndef SMARTERCITIES_CORE_DOMAIN_PARTIES_H_
#define SMARTERCITIES_CORE_DOMAIN_PARTIES_H_

#include <span>
#include <string_view>

namespace smartercities::domain {

struct Party {
  std::string_view id;          // "ez"
  std::string_view short_name;  // "EZ", as the covenant abbreviates it
  std::string_view name_nl;     // "Ministerie van Economische Zaken"
  std::string_view name_en;
};

// EZ, G32, G4 and Stedenlink, in the covenant's order.
std::span<const Party> CovenantParties();

// The party with this id, or nullptr.
const Party* FindParty(std::string_view id);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_PARTIES_H_
