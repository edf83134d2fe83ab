// Kennisdeling: the events of the agenda — the yearly DSA event (agreement
// d) and the administrative theme tables (agreement c), with date, place and
// report — and the newsletter archive (agreement f).
#include <smartercities/plugin.h>

#include "plugins/common/record_register.h"

namespace {

namespace sdk = smartercities::sdk;
using smartercities::themes::Choice;
using smartercities::themes::FieldType;
using smartercities::themes::RecordRegister;
using smartercities::themes::Text;
using smartercities::themes::Typed;

class Kennisdeling : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    sdk::Status status = events_.Mount(host);
    if (!status.ok()) return status;
    return newsletters_.Mount(host);
  }

 private:
  RecordRegister events_{
      "kennisdeling_events",
      "/events",
      {Choice("kind", "kind", {"dsa-event", "theme-table"}, true),
       Choice("theme", "theme",
              {"bedrijvige-stad", "zorgende-stad", "lerende-stad",
               "groene-stad", "onze-stad", "veilige-stad", "regelluwe-stad",
               "kennisdeling", "open-networks"}),
       Typed(FieldType::kDate, "heldOn", "held_on", true),
       Text("place", "place", true),
       Typed(FieldType::kUrl, "reportUrl", "report_url")}};
  RecordRegister newsletters_{
      "kennisdeling_newsletters",
      "/newsletters",
      {Typed(FieldType::kDate, "publishedOn", "published_on", true),
       Text("title", "title", true), Typed(FieldType::kUrl, "url", "url")}};
};

}  // namespace

SMARTERCITIES_PLUGIN(Kennisdeling)
