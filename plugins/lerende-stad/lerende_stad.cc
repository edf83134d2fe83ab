// De Lerende Stad: schools per city with their eduroam status, the share on
// eduroam per city and network-wide against the 50% target (agreement a),
// and ICT certificates of pupils and teachers (agreement b).
#include <smartercities/plugin.h>
#include <smartercities/register.h>

#include <nlohmann/json.hpp>

#include "plugins/common/share_by_city.h"

namespace {

namespace sdk = smartercities::sdk;
using nlohmann::json;

constexpr double kEduroamTargetPercent = 50;

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
    json share = smartercities::themes::ShareByCity(
        *host_, "lerende_stad_schools", "eduroam", "schools", "onEduroam",
        kEduroamTargetPercent);
    share["deadline"] = "2015-12";
    response.Json(200,
                  share.dump(-1, ' ', false, json::error_handler_t::replace));
  }

  sdk::Host* host_ = nullptr;
  sdk::Register schools_{
      {.table = "lerende_stad_schools",
       .path = "/schools",
       .fields = {sdk::Field::City().Required(),
                  sdk::Field::Text("name").Required(),
                  sdk::Field::Choice("type", {"primary", "secondary", "mbo"})
                      .Required(),
                  sdk::Field::Bool("eduroam").Required(),
                  sdk::Field::Date("eduroamSince")}}};
  sdk::Register certificates_{
      {.table = "lerende_stad_certificates",
       .path = "/ict-certificates",
       .fields =
           {sdk::Field::City().Required(),
            sdk::Field::Integer("year", 2012, 2030).Required(),
            sdk::Field::Choice("holders", {"pupils", "teachers"}).Required(),
            sdk::Field::Integer("certified", 0, 10000000).Required(),
            sdk::Field::Integer("total", 1, 10000000).Required()},
       .check = [](const sdk::Record& record) -> std::optional<std::string> {
         if (*record.Number("certified") > *record.Number("total")) {
           return "certified: " + record.Shown("certified") +
                  " is more than the total of " + record.Shown("total") +
                  "; certified counts those of the total who hold a "
                  "certificate";
         }
         return std::nullopt;
       }}};
};

}  // namespace

SMARTERCITIES_PLUGIN(LerendeStad)
