// De Zorgende Stad: telemonitoring pilots (agreement b) and the
// implementation of the Afstemmen Vraag en Aanbod approach per municipality
// (agreement a), counted against the 5 municipalities promised.
#include <smartercities/plugin.h>
#include <smartercities/register.h>

#include <nlohmann/json.hpp>

namespace {

namespace sdk = smartercities::sdk;
using nlohmann::json;

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
    auto rows = host_
                    ->Query(
                        "SELECT DISTINCT a.city AS city, c.name AS name FROM "
                        "zorgende_stad_avva a JOIN public_cities c ON "
                        "c.cbs_code = a.city "
                        "WHERE a.status = 'implemented' ORDER BY c.name")
                    .value();
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
  sdk::Register pilots_{
      {.table = "zorgende_stad_pilots",
       .path = "/telemonitoring-pilots",
       .fields = {sdk::Field::City().Required(),
                  sdk::Field::Choice("condition", {"heart-failure", "diabetes",
                                                   "copd", "other"})
                      .Required(),
                  sdk::Field::Text("partners"),
                  sdk::Field::Integer("patients", 0, 10000000),
                  sdk::Field::Date("startedOn").Required()}}};
  sdk::Register avva_{
      {.table = "zorgende_stad_avva",
       .path = "/avva-implementations",
       .fields = {
           sdk::Field::City().Required(),
           sdk::Field::Choice("status", {"planned", "testing", "implemented"})
               .Required(),
           sdk::Field::Date("implementedOn")}}};
};

}  // namespace

SMARTERCITIES_PLUGIN(ZorgendeStad)
