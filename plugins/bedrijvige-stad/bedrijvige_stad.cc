// De Bedrijvige Stad: business parks with their fibre ("verglazing") status,
// the share of each city's parks with fibre (agreement h), and the smart
// working centres (agreement a).
#include <smartercities/plugin.h>

#include <map>

#include "plugins/common/record_register.h"

namespace {

namespace sdk = smartercities::sdk;
using nlohmann::json;
using smartercities::themes::FieldType;
using smartercities::themes::Number;
using smartercities::themes::RecordRegister;
using smartercities::themes::Text;
using smartercities::themes::Typed;

class BedrijvigeStad : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    host_ = &host;
    sdk::Status status = parks_.Mount(host);
    if (status.ok()) status = centres_.Mount(host);
    if (!status.ok()) return status;
    return host.Route("GET", "/fibre-share",
                      [this](const sdk::Request&, sdk::Response& response) {
                        FibreShare(response);
                      });
  }

 private:
  void FibreShare(sdk::Response& response) {
    auto rows = host_->Query(
        "SELECT p.city AS city, c.name AS name, COUNT(*) AS parks, "
        "SUM(p.has_fibre) AS with_fibre, MAX(p.is_demo) AS demo FROM "
        "bedrijvige_stad_parks p JOIN public_cities c ON c.cbs_code = p.city "
        "GROUP BY p.city ORDER BY c.name");
    json items = json::array();
    std::int64_t parks = 0;
    std::int64_t with_fibre = 0;
    for (const auto& row : rows) {
      std::int64_t city_parks = row.Integer("parks");
      std::int64_t city_fibre = row.Integer("with_fibre");
      parks += city_parks;
      with_fibre += city_fibre;
      items.push_back(
          {{"city", row.Text("city")},
           {"cityName", row.Text("name")},
           {"parks", city_parks},
           {"withFibre", city_fibre},
           {"sharePercent", 100.0 * static_cast<double>(city_fibre) /
                                static_cast<double>(city_parks)},
           {"demo", row.Integer("demo") != 0}});
    }
    json network = {{"parks", parks}, {"withFibre", with_fibre}};
    network["sharePercent"] =
        parks == 0 ? json(nullptr)
                   : json(100.0 * static_cast<double>(with_fibre) /
                          static_cast<double>(parks));
    response.Json(200, json{{"items", items},
                            {"total", items.size()},
                            {"network", network},
                            {"targetPercent", 100}}
                           .dump());
  }

  sdk::Host* host_ = nullptr;
  RecordRegister parks_{
      "bedrijvige_stad_parks",
      "/business-parks",
      {Typed(FieldType::kCity, "city", "city", true),
       Text("name", "name", true),
       Typed(FieldType::kBool, "hasFibre", "has_fibre", true),
       Typed(FieldType::kDate, "fibreSince", "fibre_since"),
       Number(FieldType::kReal, "hectares", "hectares", 0, 100000)}};
  RecordRegister centres_{"bedrijvige_stad_work_centres",
                          "/smart-work-centres",
                          {Typed(FieldType::kCity, "city", "city", true),
                           Text("name", "name", true),
                           Typed(FieldType::kDate, "openedOn", "opened_on")}};
};

}  // namespace

SMARTERCITIES_PLUGIN(BedrijvigeStad)
