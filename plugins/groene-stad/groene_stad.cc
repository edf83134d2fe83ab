// De Groene Stad: the covenant's theme paragraph as a plugin. Its
// agreements and indicators come from theme.json; the host syncs them into
// the catalogue and serves them under /api/v1/themes/groene-stad. The plugin
// has no endpoints of its own yet.
#include <smartercities/plugin.h>

namespace {

class GroeneStad : public smartercities::sdk::Theme {
 public:
  smartercities::sdk::Status Init(smartercities::sdk::Host&) override {
    return smartercities::sdk::Status::Ok();
  }
};

}  // namespace

SMARTERCITIES_PLUGIN(GroeneStad)
