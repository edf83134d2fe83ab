// Feeds arbitrary bytes to the Groene Stad energy-use CSV import
// (plugins/groene-stad/energy_csv.h). Besides what the sanitizers catch, a
// refused file must name a line of it, and an accepted one must hold only
// rows the format allows, each city, area and year once (the import stores
// them with ON CONFLICT ... DO UPDATE, so a repeat would silently replace
// the row before it), with text that is UTF-8 without control characters,
// and every row must serialise as valid JSON as the register's answers
// show it.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "plugins/groene-stad/energy_csv.h"
#include "tests/fuzz/json_property.h"

namespace {

namespace groene_stad = smartercities::groene_stad;

bool IsAmount(const std::optional<double>& amount) {
  return !amount || (*amount >= 0 && std::isfinite(*amount));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const std::set<std::string> kCities = {"GM0307", "GM0344", "GM0363"};
  std::string_view text(reinterpret_cast<const char*>(data), size);
  groene_stad::EnergyCsv csv = groene_stad::ParseEnergyCsv(text, kCities);
  if (csv.problem) {
    std::size_t lines = 1;
    for (char c : text) lines += c == '\n' ? 1 : 0;
    if (!csv.rows.empty() || csv.problem->message.empty() ||
        csv.problem->line == 0 || csv.problem->line > lines) {
      std::abort();
    }
    return 0;
  }
  std::set<std::tuple<std::string, std::string, std::int64_t>> keys;
  for (const auto& row : csv.rows) {
    if (!kCities.contains(row.city) || row.area.empty() ||
        smartercities::sdk::CharacterCount(row.area) > 40 || row.year < 2000 ||
        row.year > 2100 || !IsAmount(row.electricity_kwh) ||
        !IsAmount(row.gas_m3)) {
      std::abort();
    }
    if (!keys.emplace(row.city, row.area, row.year).second) std::abort();
    smartercities::fuzz::RequireText(row.area, false, "area");
    nlohmann::json item = {
        {"city", row.city}, {"area", row.area}, {"year", row.year}};
    item["electricityKwh"] = row.electricity_kwh
                                 ? nlohmann::json(*row.electricity_kwh)
                                 : nlohmann::json(nullptr);
    item["gasM3"] =
        row.gas_m3 ? nlohmann::json(*row.gas_m3) : nlohmann::json(nullptr);
    smartercities::fuzz::RequireJsonRoundTrip(item, "an imported row");
  }
  return 0;
}
