// measurements.h — the figures reported for indicators: one value per
// indicator, city (or the network) and month.
//
// Record validates a figure against its indicator (scope, unit, period) and
// stores it, replacing an earlier figure for the same indicator, city and
// month. Every error names the field. Thread-safe: holds only a reference to
// the Database.
#ifndef SMARTERCITIES_CORE_DOMAIN_MEASUREMENTS_H_
#define SMARTERCITIES_CORE_DOMAIN_MEASUREMENTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/model.h"
#include "core/storage/database.h"

namespace smartercities::domain {

struct Measurement {
  std::string indicator_id;
  std::string city;    // CBS code; empty for a network-wide figure
  std::string period;  // YYYY-MM
  double value = 0;
  std::string source;
  bool is_demo = false;
  std::string recorded_at;
  std::string recorded_by;
};

class Measurements {
 public:
  explicit Measurements(storage::Database& database) : database_(database) {}

  // Checks measurement against indicator and stores it. current_month
  // ("YYYY-MM") bounds the period: figures for the future are refused.
  Result<Measurement> Record(const Indicator& indicator,
                             Measurement measurement,
                             std::string_view current_month);

  // The figures of an indicator, by city then period; city filters when set.
  Result<std::vector<Measurement>> List(std::string_view indicator_id,
                                        std::optional<std::string> city);

 private:
  storage::Database& database_;
};

// Checks a figure without storing it; the message names the field.
Status ValidateMeasurement(const Indicator& indicator,
                           const Measurement& measurement,
                           std::string_view current_month);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_MEASUREMENTS_H_
