// Feeds arbitrary bytes to domain::ParseCities, the reader of the covenant's
// city list (data/cities.csv). Besides what the sanitizers catch, a list it
// accepts must hold what its contract promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "core/domain/city_list.h"

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
  }
  return 0;
}
