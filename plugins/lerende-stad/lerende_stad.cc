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
       Number(FieldType::kInteger, "total", "total", 1, 10000000, true)},
      [](const json& record) -> std::optional<std::string> {
        if (record["certified"].get<std::int64_t>() >
            record["total"].get<std::int64_t>()) {
          return "certified: " + record["certified"].dump() +
                 " is more than the total of " + record["total"].dump() +
                 "; certified counts those of the total who hold a "
                 "certificate";
        }
        return std::nullopt;
      }};
};

}  // namespace

SMARTERCITIES_PLUGIN(LerendeStad)
