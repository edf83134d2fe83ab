// Kennisdeling: the covenant's theme paragraph as a plugin. Its
// agreements and indicators come from theme.json; the host syncs them into
// the catalogue and serves them under /api/v1/themes/kennisdeling. The plugin
// has no endpoints of its own yet.
#include <smartercities/plugin.h>

namespace {

class Kennisdeling : public smartercities::sdk::Theme {
 public:
  smartercities::sdk::Status Init(smartercities::sdk::Host&) override {
    return smartercities::sdk::Status::Ok();
  }
};

}  // namespace

SMARTERCITIES_PLUGIN(Kennisdeling)
