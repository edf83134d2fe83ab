// Open Networks: next-generation network availability per area and business
// park, and the decentral meetings held (agreement d), counted against the
// 6 promised for 2012/2013.
#include <smartercities/plugin.h>
#include <smartercities/register.h>

#include <nlohmann/json.hpp>

namespace {

namespace sdk = smartercities::sdk;
using nlohmann::json;

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
    auto rows = host_
                    ->Query(
                        "SELECT COUNT(*) AS n FROM open_networks_meetings "
                        "WHERE held_on "
                        "BETWEEN '2012-01-01' AND '2013-12-31'")
                    .value();
    auto all = host_->Query("SELECT COUNT(*) AS n FROM open_networks_meetings")
                   .value();
    std::int64_t held = rows.front().Integer("n");
    response.Json(200,
                  json{{"heldIn2012And2013", held},
                       {"heldInAll", all.front().Integer("n")},
                       {"target", kPromisedMeetings},
                       {"targetReached", held >= kPromisedMeetings}}
                      .dump(-1, ' ', false, json::error_handler_t::replace));
  }

  sdk::Host* host_ = nullptr;
  sdk::Register availability_{
      {.table = "open_networks_availability",
       .path = "/ngn-availability",
       .fields = {sdk::Field::City().Required(),
                  sdk::Field::Text("area").Required(),
                  sdk::Field::Text("businessPark"),
                  sdk::Field::Bool("ngnAvailable").Required(),
                  sdk::Field::Real("coveragePercent", 0, 100)}}};
  sdk::Register meetings_{
      {.table = "open_networks_meetings",
       .path = "/decentral-meetings",
       .fields = {sdk::Field::Date("heldOn").Required(),
                  sdk::Field::Text("place").Required(), sdk::Field::City(),
                  sdk::Field::Integer("attendees", 0, 100000)}}};
};

}  // namespace

SMARTERCITIES_PLUGIN(OpenNetworks)
