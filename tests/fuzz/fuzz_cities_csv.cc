// Feeds arbitrary bytes to domain::ParseCities, the reader of the covenant's
// city list (data/cities.csv). Besides what the sanitizers catch, a list it
// accepts must hold what its contract promises, in text that is UTF-8
// without control characters and serialises as valid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "core/domain/city_list.h"
#include "tests/fuzz/json_property.h"

namespace {

bool IsCbsCode(const std::string& code) {
  return code.size() == 6 && code.starts_with("GM") &&
         code.find_first_not_of("0123456789", 2) == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view csv(reinterpret_cast<const char*>(data), size);
  auto cities = smartercities::domain::ParseCities(csv, "fuzz.csv");
  if (!cities.ok()) {
    if (cities.status().message().empty()) std::abort();
    return 0;
  }
  if (cities->empty()) std::abort();
  std::set<std::string> codes;
  for (const auto& city : *cities) {
    if (!IsCbsCode(city.cbs_code) || !codes.insert(city.cbs_code).second ||
        city.name.empty() || (city.network != "G4" && city.network != "G32")) {
      std::abort();
    }
    for (const std::string* text :
         {&city.name, &city.member_since, &city.note}) {
      smartercities::fuzz::RequireText(*text, false, "a city's field");
    }
    smartercities::fuzz::RequireJsonRoundTrip(
        {{"cbsCode", city.cbs_code},
         {"name", city.name},
         {"network", city.network},
         {"memberSince", city.member_since},
         {"note", city.note}},
        "a city");
  }
  return 0;
}
