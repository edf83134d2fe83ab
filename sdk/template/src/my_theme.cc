// Mijn Thema: the smallest useful theme plugin. It answers
// GET /api/v1/themes/mijn-thema/greeting with the number of covenant cities,
// read from the host's public view.
#include <smartercities/plugin.h>

#include <string>

namespace {

namespace sdk = smartercities::sdk;

class MyTheme : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    sdk::Host* h = &host;
    return host.Route(
        "GET", "/greeting", [h](const sdk::Request&, sdk::Response& response) {
          auto rows = h->Query("SELECT COUNT(*) AS n FROM public_cities");
          response.Json(200, "{\"greeting\":\"hallo\",\"cities\":" +
                                 rows.front().Text("n") + "}");
        });
  }
};

}  // namespace

SMARTERCITIES_PLUGIN(MyTheme)
