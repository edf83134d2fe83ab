// De Veilige Stad: each city's cyber-security readiness (agreement g: a plan
// of approach, a calamity plan, and the three aspects availability,
// integrity and confidentiality) and smartly secured business parks
// (agreement a).
#include <smartercities/plugin.h>

#include "plugins/common/record_register.h"

namespace {

namespace sdk = smartercities::sdk;
using smartercities::themes::Choice;
using smartercities::themes::FieldType;
using smartercities::themes::Number;
using smartercities::themes::RecordRegister;
using smartercities::themes::Text;
using smartercities::themes::Typed;

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
  RecordRegister readiness_{
      "veilige_stad_readiness",
      "/cyber-readiness",
      {Typed(FieldType::kCity, "city", "city", true),
       Choice("planStatus", "plan_status", kPlanStates, true),
       Typed(FieldType::kDate, "planDate", "plan_date"),
       Choice("calamityPlanStatus", "calamity_plan_status", kPlanStates, true),
       Typed(FieldType::kDate, "calamityPlanDate", "calamity_plan_date"),
       Choice("availability", "availability", kAspectStates, true),
       Choice("integrity", "integrity", kAspectStates, true),
       Choice("confidentiality", "confidentiality", kAspectStates, true)}};
  RecordRegister parks_{
      "veilige_stad_secured_parks",
      "/secured-business-parks",
      {Typed(FieldType::kCity, "city", "city", true),
       Text("name", "name", true),
       Typed(FieldType::kDate, "securedOn", "secured_on"),
       Number(FieldType::kInteger, "cameras", "cameras", 0, 100000)}};
};

}  // namespace

SMARTERCITIES_PLUGIN(VeiligeStad)
