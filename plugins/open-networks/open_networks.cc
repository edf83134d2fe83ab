// Open Networks: next-generation network availability per area and business
// park, and the decentral meetings held (agreement d), counted against the
// 6 promised for 2012/2013.
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

constexpr int kPromisedMeetings = 6;

class OpenNetworks : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    host_ = &host;
    sdk::Status status = availability_.Mount(host);
    if (status.ok()) status = meetings_.Mount(host);
    if (!status.ok()) return status;
    return host.Route("GET", "/meetings-summary",
                      [this](const sdk::Request&, sdk::Response& response) {
                        Summary(response);
                      });
  }

 private:
  void Summary(sdk::Response& response) {
    auto rows = host_->Query(
        "SELECT COUNT(*) AS n FROM open_networks_meetings WHERE held_on "
        "BETWEEN '2012-01-01' AND '2013-12-31'");
    auto all = host_->Query("SELECT COUNT(*) AS n FROM open_networks_meetings");
    std::int64_t held = rows.front().Integer("n");
    response.Json(200,
                  json{{"heldIn2012And2013", held},
                       {"heldInAll", all.front().Integer("n")},
                       {"target", kPromisedMeetings},
                       {"targetReached", held >= kPromisedMeetings}}
                      .dump(-1, ' ', false, json::error_handler_t::replace));
  }

  sdk::Host* host_ = nullptr;
  RecordRegister availability_{
      "open_networks_availability",
      "/ngn-availability",
      {Typed(FieldType::kCity, "city", "city", true),
       Text("area", "area", true), Text("businessPark", "business_park"),
       Typed(FieldType::kBool, "ngnAvailable", "ngn_available", true),
       Number(FieldType::kReal, "coveragePercent", "coverage_percent", 0,
              100)}};
  RecordRegister meetings_{
      "open_networks_meetings",
      "/decentral-meetings",
      {Typed(FieldType::kDate, "heldOn", "held_on", true),
       Text("place", "place", true), Typed(FieldType::kCity, "city", "city"),
       Number(FieldType::kInteger, "attendees", "attendees", 0, 100000)}};
};

}  // namespace

SMARTERCITIES_PLUGIN(OpenNetworks)
