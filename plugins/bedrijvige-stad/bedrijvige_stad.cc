// De Bedrijvige Stad: business parks with their fibre ("verglazing") status,
// the share of each city's parks with fibre (agreement h), and the smart
// working centres (agreement a).
#include <smartercities/plugin.h>
#include <smartercities/register.h>

#include <nlohmann/json.hpp>

#include "plugins/common/share_by_city.h"

namespace {

namespace sdk = smartercities::sdk;
using nlohmann::json;

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
  sdk::Register parks_{{.table = "bedrijvige_stad_parks",
                        .path = "/business-parks",
                        .fields = {sdk::Field::City().Required(),
                                   sdk::Field::Text("name").Required(),
                                   sdk::Field::Bool("hasFibre").Required(),
                                   sdk::Field::Date("fibreSince"),
                                   sdk::Field::Real("hectares", 0, 100000)}}};
  sdk::Register centres_{{.table = "bedrijvige_stad_work_centres",
                          .path = "/smart-work-centres",
                          .fields = {sdk::Field::City().Required(),
                                     sdk::Field::Text("name").Required(),
                                     sdk::Field::Date("openedOn")}}};
};

}  // namespace

SMARTERCITIES_PLUGIN(BedrijvigeStad)
