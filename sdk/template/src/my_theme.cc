// Mijn Thema: the smallest useful theme plugin. A register of the theme's
// projects per city (GET /api/v1/themes/mijn-thema/projects lists them; a
// city's editor adds and changes that city's projects), and a greeting that
// counts the covenant's cities from the host's public view.
#include <smartercities/plugin.h>
#include <smartercities/register.h>

#include <string>

namespace {

namespace sdk = smartercities::sdk;

class MyTheme : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    sdk::Status status = projects_.Mount(host);
    if (!status.ok()) return status;
    return host.Route(
        "GET", "/greeting",
        [&host](const sdk::Request&, sdk::Response& response) {
          auto rows = host.Query("SELECT COUNT(*) AS n FROM public_cities");
          if (!rows.ok()) {
            return response.Problem(503, "Service Unavailable",
                                    rows.status().message());
          }
          response.Json(200, "{\"greeting\":\"hallo\",\"cities\":" +
                                 rows->front().Text("n") + "}");
        });
  }

 private:
  sdk::Register projects_{
      {.table = "mijn_thema_projects",
       .path = "/projects",
       .fields = {
           sdk::Field::City().Required(),
           sdk::Field::Text("name", 200).Required(),
           sdk::Field::Choice("stage", {"idea", "pilot", "running"}).Required(),
           sdk::Field::Date("startedOn"),
           sdk::Field::Integer("homes", 0, 1000000)}}};
};

}  // namespace

SMARTERCITIES_PLUGIN(MyTheme)
