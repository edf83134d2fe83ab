#include "core/domain/measurements.h"

#include <smartercities/text.h>

#include <algorithm>
#include <cmath>
#include <regex>

#include "core/base/time_format.h"

namespace smartercities::domain {

Status ValidateMeasurement(const Indicator& indicator,
                           const Measurement& measurement,
                           std::string_view current_month) {
  static const std::regex kMonth(R"((19|20)[0-9]{2}-(0[1-9]|1[0-2]))");
  if (indicator.scope == "city" && measurement.city.empty()) {
    return Status::InvalidArgument(
        "city: indicator '" + indicator.id +
        "' is measured per city; give the city's CBS code");
  }
  if (indicator.scope == "network" && !measurement.city.empty()) {
    return Status::InvalidArgument(
        "city: indicator '" + indicator.id +
        "' is measured for the network as a whole; leave city out");
  }
  if (!indicator.cities.empty() &&
      std::find(indicator.cities.begin(), indicator.cities.end(),
                measurement.city) == indicator.cities.end()) {
    std::string named;
    for (const std::string& city : indicator.cities) {
      named += (named.empty() ? "" : ", ") + city;
    }
    return Status::InvalidArgument("city: indicator '" + indicator.id +
                                   "' is measured only for " + named +
                                   ", not for '" + measurement.city + "'");
  }
  if (!std::regex_match(measurement.period, kMonth)) {
    return Status::InvalidArgument("period: must be a month as YYYY-MM, got '" +
                                   measurement.period + "'");
  }
  if (measurement.period > current_month) {
    return Status::InvalidArgument("period: " + measurement.period +
                                   " lies in the future");
  }
  if (!std::isfinite(measurement.value)) {
    return Status::InvalidArgument("value: must be a finite number");
  }
  if (indicator.kind == "milestone" && measurement.value != 0 &&
      measurement.value != 1) {
    return Status::InvalidArgument(
        "value: indicator '" + indicator.id +
        "' is a milestone; use 1 for done and 0 for not done");
  }
  if (indicator.unit == "percent" &&
      (measurement.value < 0 || measurement.value > 100)) {
    return Status::InvalidArgument(
        "value: a percentage must lie between 0 and 100, got " +
        std::to_string(measurement.value));
  }
  if (indicator.unit != "percent" && indicator.kind != "milestone" &&
      measurement.value < 0) {
    return Status::InvalidArgument("value: a count of " + indicator.unit +
                                   " cannot be negative");
  }
  if (auto problem =
          sdk::TextProblem(measurement.source, {.max_characters = 500})) {
    return Status::InvalidArgument("source: " + *problem);
  }
  return Status::Ok();
}

Result<Measurement> Measurements::Record(const Indicator& indicator,
                                         Measurement measurement,
                                         std::string_view current_month) {
  Status valid = ValidateMeasurement(indicator, measurement, current_month);
  if (!valid.ok()) return valid;
  measurement.indicator_id = indicator.id;
  measurement.recorded_at = NowUtc();
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    if (!measurement.city.empty()) {
      auto city = db.Query("SELECT 1 FROM cities WHERE cbs_code = ?1",
                           std::vector<storage::Value>{measurement.city});
      if (!city.ok()) return city.status();
      if (city->empty()) {
        return Status::InvalidArgument("city: '" + measurement.city +
                                       "' is not a city of the covenant; GET "
                                       "/api/v1/cities lists them");
      }
    }
    storage::Value city = measurement.city.empty()
                              ? storage::Value(nullptr)
                              : storage::Value(measurement.city);
    Status deleted = db.Execute(
        "DELETE FROM measurements WHERE indicator_id = ?1 AND "
        "COALESCE(city, '') = COALESCE(?2, '') AND period = ?3",
        std::vector<storage::Value>{indicator.id, city, measurement.period});
    if (!deleted.ok()) return deleted;
    return db.Execute(
        "INSERT INTO measurements (indicator_id, city, period, value, source, "
        "is_demo, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
        "?7, ?8)",
        std::vector<storage::Value>{
            indicator.id, city, measurement.period, measurement.value,
            measurement.source.empty() ? storage::Value(nullptr)
                                       : storage::Value(measurement.source),
            static_cast<std::int64_t>(measurement.is_demo ? 1 : 0),
            measurement.recorded_at, measurement.recorded_by});
  });
  if (!status.ok()) return status;
  return measurement;
}

Result<std::vector<Measurement>> Measurements::List(
    std::string_view indicator_id, std::optional<std::string> city) {
  std::vector<Measurement> out;
  Status status = database_.Read([&](storage::Connection& db) {
    std::vector<storage::Value> params = {std::string(indicator_id)};
    std::string sql =
        "SELECT indicator_id, city, period, value, source, is_demo, "
        "recorded_at, recorded_by FROM measurements WHERE indicator_id = ?1";
    if (city) {
      sql += " AND city = ?2";
      params.push_back(*city);
    }
    sql += " ORDER BY COALESCE(city, ''), period";
    return db.Execute(sql, params, [&](const storage::Row& row) {
      out.push_back({row.Text("indicator_id"), row.Text("city"),
                     row.Text("period"), row.OptionalReal("value").value_or(0),
                     row.Text("source"), row.Integer("is_demo") != 0,
                     row.Text("recorded_at"), row.Text("recorded_by")});
      return true;
    });
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace smartercities::domain
