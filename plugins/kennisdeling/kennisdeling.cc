// Kennisdeling: the events of the agenda — the yearly DSA event (agreement
// d) and the administrative theme tables (agreement c), with date, place and
// report — and the newsletter archive (agreement f).
#include <smartercities/plugin.h>
#include <smartercities/register.h>

namespace {

namespace sdk = smartercities::sdk;

class Kennisdeling : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    sdk::Status status = events_.Mount(host);
    if (!status.ok()) return status;
    return newsletters_.Mount(host);
  }

 private:
  sdk::Register events_{
      {.table = "kennisdeling_events",
       .path = "/events",
       .fields = {
           sdk::Field::Choice("kind", {"dsa-event", "theme-table"}).Required(),
           sdk::Field::Choice(
               "theme", {"bedrijvige-stad", "zorgende-stad", "lerende-stad",
                         "groene-stad", "onze-stad", "veilige-stad",
                         "regelluwe-stad", "kennisdeling", "open-networks"}),
           sdk::Field::Date("heldOn").Required(),
           sdk::Field::Text("place").Required(),
           sdk::Field::Url("reportUrl")}}};
  sdk::Register newsletters_{
      {.table = "kennisdeling_newsletters",
       .path = "/newsletters",
       .fields = {sdk::Field::Date("publishedOn").Required(),
                  sdk::Field::Text("title").Required(),
                  sdk::Field::Url("url")}}};
};

}  // namespace

SMARTERCITIES_PLUGIN(Kennisdeling)
