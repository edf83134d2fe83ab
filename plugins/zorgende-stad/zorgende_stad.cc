// De Zorgende Stad: telemonitoring pilots (agreement b) and the
// implementation of the Afstemmen Vraag en Aanbod approach per municipality
// (agreement a), counted against the 5 municipalities promised.
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

constexpr int kPromisedMunicipalities = 5;

class ZorgendeStad : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    host_ = &host;
    sdk::Status status = pilots_.Mount(host);
    if (status.ok()) status = avva_.Mount(host);
    if (!status.ok()) return status;
    return host.Route("GET", "/avva-summary",
                      [this](const sdk::Request&, sdk::Response& response) {
                        Summary(response);
                      });
  }

 private:
  void Summary(sdk::Response& response) {
    auto rows = host_->Query(
        "SELECT DISTINCT a.city AS city, c.name AS name FROM "
        "zorgende_stad_avva a JOIN public_cities c ON c.cbs_code = a.city "
        "WHERE a.status = 'implemented' ORDER BY c.name");
    json cities = json::array();
    for (const auto& row : rows) {
      cities.push_back(
          {{"city", row.Text("city")}, {"cityName", row.Text("name")}});
    }
    response.Json(
        200, json{{"implemented", cities.size()},
                  {"target", kPromisedMunicipalities},
                  {"targetReached", cities.size() >= kPromisedMunicipalities},
                  {"municipalities", cities}}
                 .dump(-1, ' ', false, json::error_handler_t::replace));
  }

  sdk::Host* host_ = nullptr;
  RecordRegister pilots_{
      "zorgende_stad_pilots",
      "/telemonitoring-pilots",
      {Typed(FieldType::kCity, "city", "city", true),
       Choice("condition", "condition",
              {"heart-failure", "diabetes", "copd", "other"}, true),
       Text("partners", "partners"),
       Number(FieldType::kInteger, "patients", "patients", 0, 10000000),
       Typed(FieldType::kDate, "startedOn", "started_on", true)}};
  RecordRegister avva_{
      "zorgende_stad_avva",
      "/avva-implementations",
      {Typed(FieldType::kCity, "city", "city", true),
       Choice("status", "status", {"planned", "testing", "implemented"}, true),
       Typed(FieldType::kDate, "implementedOn", "implemented_on")}};
};

}  // namespace

SMARTERCITIES_PLUGIN(ZorgendeStad)
