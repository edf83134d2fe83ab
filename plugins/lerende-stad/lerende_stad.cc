// De Lerende Stad: schools per city with their eduroam status, the share on
// eduroam per city and network-wide against the 50% target (agreement a),
// and ICT certificates of pupils and teachers (agreement b).
#include <smartercities/plugin.h>

#include "plugins/common/record_register.h"

namespace {

namespace sdk = smartercities::sdk;
using nlohmann::json;
using smartercities::themes::Choice;
using smartercities::themes::FieldType;
using smartercities::themes::Number;
using smartercities::themes::RecordRegister;
using smartercities::themes::Text;
using smartercities::themes::Typed;

constexpr double kEduroamTargetPercent = 50;

double Share(std::int64_t part, std::int64_t whole) {
  return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

class LerendeStad : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    host_ = &host;
    sdk::Status status = schools_.Mount(host);
    if (status.ok()) status = certificates_.Mount(host);
    if (!status.ok()) return status;
    return host.Route("GET", "/eduroam-share",
                      [this](const sdk::Request&, sdk::Response& response) {
                        EduroamShare(response);
                      });
  }

 private:
  void EduroamShare(sdk::Response& response) {
    auto rows = host_->Query(
        "SELECT s.city AS city, c.name AS name, COUNT(*) AS schools, "
        "SUM(s.eduroam) AS on_eduroam FROM lerende_stad_schools s JOIN "
        "public_cities c ON c.cbs_code = s.city GROUP BY s.city ORDER BY "
        "c.name");
    json items = json::array();
    std::int64_t schools = 0;
    std::int64_t on_eduroam = 0;
    for (const auto& row : rows) {
      std::int64_t city_schools = row.Integer("schools");
      std::int64_t city_on = row.Integer("on_eduroam");
      schools += city_schools;
      on_eduroam += city_on;
      double share = Share(city_on, city_schools);
      items.push_back({{"city", row.Text("city")},
                       {"cityName", row.Text("name")},
                       {"schools", city_schools},
                       {"onEduroam", city_on},
                       {"sharePercent", share},
                       {"targetReached", share >= kEduroamTargetPercent}});
    }
    json network = {{"schools", schools}, {"onEduroam", on_eduroam}};
    network["sharePercent"] =
        schools == 0 ? json(nullptr) : json(Share(on_eduroam, schools));
    response.Json(200, json{{"items", items},
                            {"total", items.size()},
                            {"network", network},
                            {"targetPercent", kEduroamTargetPercent},
                            {"deadline", "2015-12"}}
                           .dump());
  }

  sdk::Host* host_ = nullptr;
  RecordRegister schools_{
      "lerende_stad_schools",
      "/schools",
      {Typed(FieldType::kCity, "city", "city", true),
       Text("name", "name", true),
       Choice("type", "type", {"primary", "secondary", "mbo"}, true),
       Typed(FieldType::kBool, "eduroam", "eduroam", true),
       Typed(FieldType::kDate, "eduroamSince", "eduroam_since")}};
  RecordRegister certificates_{
      "lerende_stad_certificates",
      "/ict-certificates",
      {Typed(FieldType::kCity, "city", "city", true),
       Number(FieldType::kInteger, "year", "year", 2012, 2030, true),
       Choice("holders", "holders", {"pupils", "teachers"}, true),
       Number(FieldType::kInteger, "certified", "certified", 0, 10000000, true),
       Number(FieldType::kInteger, "total", "total", 1, 10000000, true)}};
};

}  // namespace

SMARTERCITIES_PLUGIN(LerendeStad)
