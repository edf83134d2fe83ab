// share_by_city.h — the "share of X per city" figures two in-tree themes
// show (business parks with fibre, schools on eduroam): per city, how many
// records a register holds and how many have a flag set, and the same for
// the network, against a target. Built on the public SDK only (and
// nlohmann/json, which the in-tree plugins link privately).
#ifndef SMARTERCITIES_PLUGINS_COMMON_SHARE_BY_CITY_H_
#define SMARTERCITIES_PLUGINS_COMMON_SHARE_BY_CITY_H_

#include <smartercities/plugin.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace smartercities::themes {

// The answer of a share route: {"items": [{"city", "cityName", count_key,
// flagged_key, "sharePercent", "targetReached", "demo"}, ...], "total",
// "network": {count_key, flagged_key, "sharePercent"}, "targetPercent"}.
// A failing query throws sdk::Error (the platform's 500).
inline nlohmann::json ShareByCity(const smartercities::sdk::Host& host,
                                  const std::string& table,
                                  const std::string& flag_column,
                                  const std::string& count_key,
                                  const std::string& flagged_key,
                                  double target_percent) {
  using nlohmann::json;
  auto rows =
      host.Query(
              "SELECT t.city AS city, c.name AS name, COUNT(*) AS total, "
              "SUM(t." +
              flag_column + ") AS flagged, MAX(t.is_demo) AS demo FROM " +
              table +
              " t JOIN public_cities c ON c.cbs_code = t.city GROUP BY "
              "t.city, c.name ORDER BY c.name")
          .value();
  auto share = [](std::int64_t part, std::int64_t whole) {
    return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  };
  json items = json::array();
  std::int64_t total = 0;
  std::int64_t flagged = 0;
  for (const auto& row : rows) {
    std::int64_t city_total = row.Integer("total");
    std::int64_t city_flagged = row.Integer("flagged");
    total += city_total;
    flagged += city_flagged;
    double percent = share(city_flagged, city_total);
    items.push_back({{"city", row.Text("city")},
                     {"cityName", row.Text("name")},
                     {count_key, city_total},
                     {flagged_key, city_flagged},
                     {"sharePercent", percent},
                     {"targetReached", percent >= target_percent},
                     {"demo", row.Integer("demo") != 0}});
  }
  json network = {{count_key, total}, {flagged_key, flagged}};
  network["sharePercent"] =
      total == 0 ? json(nullptr) : json(share(flagged, total));
  return {{"items", items},
          {"total", items.size()},
          {"network", network},
          {"targetPercent", target_percent}};
}

}  // namespace smartercities::themes

#endif  // SMARTERCITIES_PLUGINS_COMMON_SHARE_BY_CITY_H_
