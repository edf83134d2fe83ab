#include "core/domain/demo_data.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>

#include "core/base/time_format.h"

namespace smartercities::domain {
namespace {

// The quarters of the covenant's term, for which sample figures exist.
const std::vector<std::string>& DemoPeriods() {
  static const std::vector<std::string> kPeriods = {
      "2013-03", "2013-06", "2013-09", "2013-12",
      "2014-03", "2014-06", "2014-09", "2014-12"};
  return kPeriods;
}

// A few cities of each network, so the sample shows contrast without
// pretending to be complete.
const std::vector<std::string>& DemoCities() {
  static const std::vector<std::string> kCities = {
      "GM0363", "GM0599", "GM0518", "GM0344", "GM0794", "GM0772",
      "GM0153", "GM0150", "GM0307", "GM0855", "GM0637", "GM0014"};
  return kCities;
}

// A stable number in [0, 1) for a key, so every load gives the same sample.
double Noise(const std::string& key) {
  std::uint64_t hash = std::hash<std::string>{}(key);
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  return static_cast<double>(hash % 10000) / 10000.0;
}

struct DemoFigure {
  std::string city;
  std::string period;
  double value;
};

std::vector<DemoFigure> FiguresFor(const Indicator& indicator) {
  std::vector<std::string> cities = std::vector<std::string>{""};
  if (indicator.scope == IndicatorScope::kCity) {
    cities = indicator.cities.empty() ? DemoCities() : indicator.cities;
  }
  std::vector<DemoFigure> figures;
  for (const std::string& city : cities) {
    std::string key = indicator.id + "/" + city;
    if (indicator.kind == "milestone") {
      // Done from some quarter on, or (for a few) not yet done.
      auto done_from = static_cast<std::size_t>(Noise(key) * 10);
      for (std::size_t i = 0; i < DemoPeriods().size(); ++i) {
        figures.push_back({city, DemoPeriods()[i], i >= done_from ? 1.0 : 0.0});
      }
      continue;
    }
    double target = indicator.target;
    double start = indicator.baseline.value_or(
        indicator.direction == "increase" ? target * (0.2 + 0.3 * Noise(key))
                                          : target * (1.5 + Noise(key)));
    // Some cities reach the target, some fall short, a few slide back.
    double reach = 0.5 + 0.7 * Noise(key + "/reach");
    if (Noise(key + "/slide") < 0.1) reach = -0.2;
    for (std::size_t i = 0; i < DemoPeriods().size(); ++i) {
      double share = static_cast<double>(i) /
                     static_cast<double>(DemoPeriods().size() - 1);
      double value = start + (target - start) * reach * share;
      value += (Noise(key + DemoPeriods()[i]) - 0.5) * 0.04 * std::abs(target);
      if (indicator.unit == "percent") value = std::clamp(value, 0.0, 100.0);
      if (indicator.unit != "percent") value = std::max(0.0, std::round(value));
      figures.push_back({city, DemoPeriods()[i], std::round(value * 10) / 10});
    }
  }
  return figures;
}

// Deletes is_demo rows from every table of the theme that has that column.
Result<int> RemoveThemeRows(storage::Connection& db,
                            const ThemeManifest& theme) {
  std::vector<std::string> tables;
  Status status = db.Execute(
      "SELECT m.name AS name FROM sqlite_schema m WHERE m.type = 'table' AND "
      "substr(m.name, 1, length(?1)) = ?1 AND EXISTS (SELECT 1 FROM "
      "pragma_table_info(m.name) p WHERE p.name = 'is_demo')",
      std::vector<storage::Value>{theme.TablePrefix()},
      [&](const storage::Row& row) {
        tables.push_back(row.Text("name"));
        return true;
      });
  if (!status.ok()) return status;
  int removed = 0;
  db.SetScope({theme.id, theme.TablePrefix()});
  for (const std::string& table : tables) {
    status = db.Execute("DELETE FROM \"" + table + "\" WHERE is_demo = 1", {});
    if (!status.ok()) break;
    removed += static_cast<int>(db.Changes());
  }
  db.SetScope({});
  if (!status.ok()) return status;
  return removed;
}

}  // namespace

Result<DemoSummary> RemoveDemo(storage::Database& database,
                               const std::vector<ThemeManifest>& themes) {
  DemoSummary summary;
  for (const ThemeManifest& theme : themes) {
    Status status = database.Write([&](storage::Connection& db) -> Status {
      auto removed = RemoveThemeRows(db, theme);
      if (!removed.ok()) return removed.status();
      summary.theme_rows += *removed;
      return Status::Ok();
    });
    if (!status.ok())
      return status.WithContext("removing the sample of '" + theme.id + "'");
  }
  Status status = database.Write([&](storage::Connection& db) -> Status {
    Status deleted =
        db.Execute("DELETE FROM measurements WHERE is_demo = 1", {});
    summary.measurements = static_cast<int>(db.Changes());
    return deleted;
  });
  if (!status.ok()) return status;
  return summary;
}

Result<DemoSummary> LoadDemo(storage::Database& database,
                             const std::vector<ThemeManifest>& themes) {
  auto removed = RemoveDemo(database, themes);
  if (!removed.ok()) return removed.status();
  DemoSummary summary;
  std::string now = NowUtc();
  for (const ThemeManifest& theme : themes) {
    Status status = database.Write([&](storage::Connection& db) -> Status {
      db.SetScope({theme.id, theme.TablePrefix()});
      for (std::size_t i = 0; i < theme.demo.size(); ++i) {
        Status run = db.Execute(theme.demo[i], {});
        if (!run.ok()) {
          db.SetScope({});
          return run.WithContext("demo[" + std::to_string(i) + "]");
        }
        summary.theme_rows += static_cast<int>(db.Changes());
      }
      db.SetScope({});
      for (const Indicator& indicator : theme.indicators) {
        for (const DemoFigure& figure : FiguresFor(indicator)) {
          Status stored = db.Execute(
              "INSERT OR IGNORE INTO measurements (indicator_id, city, period, "
              "value, source, is_demo, recorded_at, recorded_by) VALUES (?1, "
              "?2, ?3, ?4, 'voorbeeldgegevens (demo)', 1, ?5, 'demo')",
              std::vector<storage::Value>{indicator.id,
                                          figure.city.empty()
                                              ? storage::Value(nullptr)
                                              : storage::Value(figure.city),
                                          figure.period, figure.value, now});
          if (!stored.ok()) return stored;
          summary.measurements += static_cast<int>(db.Changes());
        }
      }
      return Status::Ok();
    });
    if (!status.ok()) {
      return status.WithContext("loading the sample of '" + theme.id + "'");
    }
  }
  return summary;
}

}  // namespace smartercities::domain
