// De Bedrijvige Stad: business parks with their fibre ("verglazing") status,
// the share of each city's parks with fibre (agreement h), and the smart
// working centres (agreement a).
#include <smartercities/plugin.h>

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
    // The ambition of agreement h is every business park.
    response.Json(
        200, smartercities::themes::ShareByCity(*host_, "bedrijvige_stad_parks",
                                                "has_fibre", "parks",
                                                "withFibre", 100)
                 .dump(-1, ' ', false, json::error_handler_t::replace));
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
