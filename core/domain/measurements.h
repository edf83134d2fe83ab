// measurements.h — the figures reported for indicators: one value per
// indicator, city (or the network) and month, with the history of every
// correction.
//
// Record validates a figure against its indicator (scope, unit, period) and
// stores it, replacing an earlier figure for the same indicator, city and
// month; the replaced value is kept in measurement_history (by a trigger of
// the core's schema, so every way of writing a figure keeps it: one figure,
// a bulk write, a CSV import). Every error names the field. Thread-safe:
// holds only a reference to the Database.
#ifndef SMARTERCITIES_CORE_DOMAIN_MEASUREMENTS_H_
#define SMARTERCITIES_CORE_DOMAIN_MEASUREMENTS_H_

#include <cstdint>
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

// One correction of a stored figure: what it was, what it became, who
// changed it and when.
struct Correction {
  std::string indicator_id;
  std::string city;  // empty for a network-wide figure
  std::string period;
  double old_value = 0;
  double new_value = 0;
  std::string old_source;
  std::string new_source;
  std::string old_recorded_at;
  std::string old_recorded_by;
  std::string changed_at;
  std::string changed_by;
  std::optional<std::int64_t> import_id;  // when a CSV import changed it
};

// Which figures to list; every field narrows the list when set.
struct MeasurementFilter {
  std::optional<std::string> indicator_id;
  // A CBS code, or "" for the network-wide figures only.
  std::optional<std::string> city;
  std::optional<std::string> period;  // one month
  std::optional<std::string> from;    // first month, inclusive
  std::optional<std::string> to;      // last month, inclusive
  std::optional<std::string> theme_id;
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

  // The figures filter selects, by indicator, city ("" first) and period.
  Result<std::vector<Measurement>> Find(const MeasurementFilter& filter);

  // The corrections of the figures filter selects (its period, from and to
  // apply to the figure's month), newest first.
  Result<std::vector<Correction>> History(const MeasurementFilter& filter);

 private:
  storage::Database& database_;
};

// What is wrong with one figure, for its field ("city", "period", "value"
// or "source").
struct FigureProblem {
  std::string field;
  std::string message;
};

// Checks one figure without storing it: the first problem, or nullopt. The
// one rule for a figure however it arrives (the API, the site's form, a
// bulk write, a CSV import). Allocates nothing when the figure is right.
std::optional<FigureProblem> CheckFigure(const Indicator& indicator,
                                         std::string_view city,
                                         std::string_view period, double value,
                                         std::string_view source,
                                         std::string_view current_month);

// Checks a figure without storing it; the message names the field
// ("period: must be a month as YYYY-MM, got '2014-13'").
Status ValidateMeasurement(const Indicator& indicator,
                           const Measurement& measurement,
                           std::string_view current_month);

// Whether text is a month as the figures name them: "YYYY-MM" with a year
// from 1900 to 2099.
bool IsMonth(std::string_view text);

// The SQL that stores one figure: a new figure is inserted; a figure for the
// same indicator, city and month is replaced only when its value or source
// differs (the trigger keeps the old one in measurement_history), so storing
// the same figure again changes nothing. Parameters: ?1 indicator, ?2 city
// (NULL for the network), ?3 period, ?4 value, ?5 source (NULL for none),
// ?6 is_demo, ?7 recorded_at, ?8 recorded_by, ?9 import_id (or NULL).
extern const char* const kStoreFigureSql;

// The same for count figures in one statement, for imports: a statement
// per figure costs more than the figure. Parameters: ?1 is_demo,
// ?2 recorded_at, ?3 recorded_by, ?4 import_id, shared; then for the k-th
// figure (from 0) ?(5+5k) indicator, city, period, value and source. The
// figures must name different indicator, city and month.
std::string StoreFiguresSql(std::size_t count);

// The figures as CSV (RFC 4180, UTF-8, comma, CRLF) with the header
// indicator,city,period,value,source: the file a CSV import reads back to
// the same figures. Values are written in the shortest form that reads
// back to the same number.
std::string FiguresCsv(const std::vector<Measurement>& figures);

// The shortest decimal text that reads back as value ("55.5", "1e+21").
std::string ShortestDecimal(double value);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_MEASUREMENTS_H_
