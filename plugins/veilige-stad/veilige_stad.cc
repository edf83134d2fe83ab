// De Veilige Stad: each city's cyber-security readiness (agreement g: a plan
// of approach, a calamity plan, and the three aspects availability,
// integrity and confidentiality) and smartly secured business parks
// (agreement a).
#include <smartercities/plugin.h>
#include <smartercities/register.h>

namespace {

namespace sdk = smartercities::sdk;

const std::vector<std::string> kPlanStates = {"none", "in-progress", "adopted"};
const std::vector<std::string> kAspectStates = {"not-assessed", "partly",
                                                "assured"};

class VeiligeStad : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    sdk::Status status = readiness_.Mount(host);
    if (!status.ok()) return status;
    return parks_.Mount(host);
  }

 private:
  sdk::Register readiness_{
      {.table = "veilige_stad_readiness",
       .path = "/cyber-readiness",
       .fields = {
           sdk::Field::City().Required(),
           sdk::Field::Choice("planStatus", kPlanStates).Required(),
           sdk::Field::Date("planDate"),
           sdk::Field::Choice("calamityPlanStatus", kPlanStates).Required(),
           sdk::Field::Date("calamityPlanDate"),
           sdk::Field::Choice("availability", kAspectStates).Required(),
           sdk::Field::Choice("integrity", kAspectStates).Required(),
           sdk::Field::Choice("confidentiality", kAspectStates).Required()}}};
  sdk::Register parks_{{.table = "veilige_stad_secured_parks",
                        .path = "/secured-business-parks",
                        .fields = {sdk::Field::City().Required(),
                                   sdk::Field::Text("name").Required(),
                                   sdk::Field::Date("securedOn"),
                                   sdk::Field::Integer("cameras", 0, 100000)}}};
};

}  // namespace

SMARTERCITIES_PLUGIN(VeiligeStad)
