#include "core/domain/parties.h"

#include <array>

namespace smartercities::domain {
namespace {

constexpr std::array<Party, 4> kParties = {{
    {"ez", "EZ", "Ministerie van Economische Zaken",
     "Ministry of Economic Affairs"},
    {"g32", "G32", "G32-stedennetwerk", "G32 city network"},
    {"g4", "G4", "G4-steden", "G4 cities"},
    {"stedenlink", "Stedenlink", "Stichting Stedenlink",
     "Stedenlink foundation"},
}};

}  // namespace

std::span<const Party> CovenantParties() { return kParties; }

const Party* FindParty(std::string_view id) {
  for (const Party& party : kParties) {
    if (party.id == id) return &party;
  }
  return nullptr;
}

}  // namespace smartercities::domain
