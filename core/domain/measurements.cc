#include "core/domain/measurements.h"

#include <smartercities/text.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/base/time_format.h"

namespace smartercities::domain {
namespace {

bool NeedsQuotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

void AppendCsvField(std::string& out, std::string_view field) {
  if (!NeedsQuotes(field)) {
    out.append(field);
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

Measurement MeasurementOf(const storage::Row& row) {
  return {row.Text("indicator_id"), row.Text("city"),
          row.Text("period"),       row.OptionalReal("value").value_or(0),
          row.Text("source"),       row.Integer("is_demo") != 0,
          row.Text("recorded_at"),  row.Text("recorded_by")};
}

// The WHERE clause and parameters of a filter over a table with
// indicator_id, city and period columns (alias m).
std::string FilterSql(const MeasurementFilter& filter,
                      std::vector<storage::Value>& params) {
  std::string where = " WHERE 1 = 1";
  auto add = [&](const std::string& condition, std::string value) {
    params.emplace_back(std::move(value));
    // Built by appending: GCC 12 at -O3 reports a false -Wrestrict for
    // "?" + std::string (GCC bug 105329).
    std::size_t at = condition.find('?');
    where += " AND ";
    where.append(condition, 0, at);
    where += '?';
    where += std::to_string(params.size());
    where.append(condition, at + 1);
  };
  if (filter.indicator_id) {
    add("m.indicator_id = ?", *filter.indicator_id);
  } else if (filter.city || filter.period) {
    // Lets the unique index on (indicator_id, COALESCE(city, ''), period)
    // find a city's or a month's figures one indicator at a time.
    where += " AND m.indicator_id IN (SELECT id FROM indicators)";
  }
  // The unique index is on COALESCE(city, ''): this form of the condition
  // can use it.
  if (filter.city) add("COALESCE(m.city, '') = ?", *filter.city);
  if (filter.period) add("m.period = ?", *filter.period);
  if (filter.from) add("m.period >= ?", *filter.from);
  if (filter.to) add("m.period <= ?", *filter.to);
  if (filter.theme_id) {
    add("m.indicator_id IN (SELECT id FROM indicators WHERE theme_id = ?)",
        *filter.theme_id);
  }
  return where;
}

}  // namespace

const char* const kStoreFigureSql =
    "INSERT INTO measurements (indicator_id, city, period, value, source, "
    "is_demo, recorded_at, recorded_by, import_id) VALUES (?1, ?2, ?3, ?4, "
    "?5, ?6, ?7, ?8, ?9) ON CONFLICT (indicator_id, COALESCE(city, ''), "
    "period) DO UPDATE SET value = excluded.value, source = excluded.source, "
    "is_demo = excluded.is_demo, recorded_at = excluded.recorded_at, "
    "recorded_by = excluded.recorded_by, import_id = excluded.import_id "
    "WHERE measurements.value IS NOT excluded.value OR "
    "measurements.source IS NOT excluded.source";

std::string StoreFiguresSql(std::size_t count) {
  std::string sql =
      "INSERT INTO measurements (indicator_id, city, period, value, source, "
      "is_demo, recorded_at, recorded_by, import_id) VALUES ";
  for (std::size_t k = 0; k < count; ++k) {
    std::size_t first = 5 + 5 * k;
    if (k > 0) sql += ", ";
    sql += '(';
    for (std::size_t i = 0; i < 5; ++i) {
      sql += '?';
      sql += std::to_string(first + i);
      sql += ", ";
    }
    sql += "?1, ?2, ?3, ?4)";
  }
  // The conflict clause of kStoreFigureSql.
  std::string_view single = kStoreFigureSql;
  sql += single.substr(single.find(" ON CONFLICT"));
  return sql;
}

bool IsMonth(std::string_view text) {
  auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 7 || text[4] != '-' || !digit(0) || !digit(1) ||
      !digit(2) || !digit(3) || !digit(5) || !digit(6)) {
    return false;
  }
  bool century =
      (text[0] == '1' && text[1] == '9') || (text[0] == '2' && text[1] == '0');
  int month = (text[5] - '0') * 10 + (text[6] - '0');
  return century && month >= 1 && month <= 12;
}

std::optional<FigureProblem> CheckFigure(const Indicator& indicator,
                                         std::string_view city,
                                         std::string_view period, double value,
                                         std::string_view source,
                                         std::string_view current_month) {
  if (indicator.scope == IndicatorScope::kCity && city.empty()) {
    return FigureProblem{"city", "indicator '" + indicator.id +
                                     "' is measured per city; give the "
                                     "city's CBS code"};
  }
  if (indicator.scope == IndicatorScope::kNetwork && !city.empty()) {
    return FigureProblem{"city", "indicator '" + indicator.id +
                                     "' is measured for the network as a "
                                     "whole; leave city out"};
  }
  if (!indicator.cities.empty() &&
      std::find(indicator.cities.begin(), indicator.cities.end(), city) ==
          indicator.cities.end()) {
    std::string named;
    for (const std::string& code : indicator.cities) {
      if (!named.empty()) named += ", ";
      named += code;
    }
    return FigureProblem{"city", "indicator '" + indicator.id +
                                     "' is measured only for " + named +
                                     ", not for '" + std::string(city) + "'"};
  }
  if (!IsMonth(period)) {
    return FigureProblem{"period", "must be a month as YYYY-MM, got '" +
                                       sdk::Printable(period, 20) + "'"};
  }
  if (period > current_month) {
    return FigureProblem{"period", std::string(period) + " lies in the future"};
  }
  if (!std::isfinite(value)) {
    return FigureProblem{"value", "must be a finite number"};
  }
  if (indicator.kind == "milestone" && value != 0 && value != 1) {
    return FigureProblem{"value", "indicator '" + indicator.id +
                                      "' is a milestone; use 1 for done and "
                                      "0 for not done"};
  }
  if (indicator.unit == "percent" && (value < 0 || value > 100)) {
    return FigureProblem{"value",
                         "a percentage must lie between 0 and 100, got " +
                             ShortestDecimal(value)};
  }
  if (indicator.unit != "percent" && indicator.kind != "milestone" &&
      value < 0) {
    return FigureProblem{
        "value", "a count of " + indicator.unit + " cannot be negative"};
  }
  if (auto problem = sdk::TextProblem(source, {.max_characters = 500})) {
    return FigureProblem{"source", *problem};
  }
  return std::nullopt;
}

Status ValidateMeasurement(const Indicator& indicator,
                           const Measurement& measurement,
                           std::string_view current_month) {
  if (auto problem =
          CheckFigure(indicator, measurement.city, measurement.period,
                      measurement.value, measurement.source, current_month)) {
    return Status::InvalidArgument(problem->field + ": " + problem->message);
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
  // One row and its audit row: a short write, whose commit may be shared
  // with the figures other editors send at the same time.
  Status status =
      database_.WriteGrouped([&](storage::Connection& db) -> Status {
        if (!measurement.city.empty()) {
          auto city = db.Query("SELECT 1 FROM cities WHERE cbs_code = ?1",
                               std::vector<storage::Value>{measurement.city});
          if (!city.ok()) return city.status();
          if (city->empty()) {
            return Status::InvalidArgument(
                "city: '" + measurement.city +
                "' is not a city of the covenant; GET "
                "/api/v1/cities lists them");
          }
        }
        return db.Execute(
            kStoreFigureSql,
            std::vector<storage::Value>{
                indicator.id,
                measurement.city.empty() ? storage::Value(nullptr)
                                         : storage::Value(measurement.city),
                measurement.period, measurement.value,
                measurement.source.empty() ? storage::Value(nullptr)
                                           : storage::Value(measurement.source),
                static_cast<std::int64_t>(measurement.is_demo ? 1 : 0),
                measurement.recorded_at, measurement.recorded_by, nullptr});
      });
  if (!status.ok()) return status;
  return measurement;
}

Result<std::vector<Measurement>> Measurements::List(
    std::string_view indicator_id, std::optional<std::string> city) {
  MeasurementFilter filter;
  filter.indicator_id = std::string(indicator_id);
  filter.city = std::move(city);
  return Find(filter);
}

Result<std::vector<Measurement>> Measurements::Find(
    const MeasurementFilter& filter) {
  std::vector<Measurement> out;
  std::vector<storage::Value> params;
  std::string sql =
      "SELECT m.indicator_id AS indicator_id, m.city AS city, m.period AS "
      "period, m.value AS value, m.source AS source, m.is_demo AS is_demo, "
      "m.recorded_at AS recorded_at, m.recorded_by AS recorded_by FROM "
      "measurements m" +
      FilterSql(filter, params) +
      " ORDER BY m.indicator_id, COALESCE(m.city, ''), m.period";
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute(sql, params, [&](const storage::Row& row) {
      out.push_back(MeasurementOf(row));
      return true;
    });
  });
  if (!status.ok()) return status;
  return out;
}

Result<std::vector<Correction>> Measurements::History(
    const MeasurementFilter& filter) {
  std::vector<Correction> out;
  std::vector<storage::Value> params;
  std::string sql = "SELECT * FROM measurement_history m" +
                    FilterSql(filter, params) + " ORDER BY m.id DESC";
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute(sql, params, [&](const storage::Row& row) {
      Correction correction;
      correction.indicator_id = row.Text("indicator_id");
      correction.city = row.Text("city");
      correction.period = row.Text("period");
      correction.old_value = row.OptionalReal("old_value").value_or(0);
      correction.new_value = row.OptionalReal("new_value").value_or(0);
      correction.old_source = row.Text("old_source");
      correction.new_source = row.Text("new_source");
      correction.old_recorded_at = row.Text("old_recorded_at");
      correction.old_recorded_by = row.Text("old_recorded_by");
      correction.changed_at = row.Text("changed_at");
      correction.changed_by = row.Text("changed_by");
      if (!row.IsNull("import_id"))
        correction.import_id = row.Integer("import_id");
      out.push_back(std::move(correction));
      return true;
    });
  });
  if (!status.ok()) return status;
  return out;
}

std::string ShortestDecimal(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (error != std::errc()) return "0";
  return std::string(buffer, end);
}

std::string FiguresCsv(const std::vector<Measurement>& figures) {
  std::string out = "indicator,city,period,value,source\r\n";
  out.reserve(out.size() + figures.size() * 48);
  char number[64];
  for (const Measurement& figure : figures) {
    AppendCsvField(out, figure.indicator_id);
    out += ',';
    AppendCsvField(out, figure.city);
    out += ',';
    out += figure.period;
    out += ',';
    auto [end, error] =
        std::to_chars(number, number + sizeof(number), figure.value);
    out.append(number, error == std::errc() ? end : number);
    out += ',';
    AppendCsvField(out, figure.source);
    out += "\r\n";
  }
  return out;
}

}  // namespace smartercities::domain
