#include "core/domain/measurement_import.h"

#include <smartercities/csv.h>
#include <smartercities/text.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/base/time_format.h"
#include "core/domain/catalog.h"
#include "core/domain/measurements.h"

namespace smartercities::domain {
namespace {

constexpr std::string_view kColumns[] = {"indicator", "city", "period", "value",
                                         "source"};
enum Column { kIndicator, kCity, kPeriod, kValue, kSource, kNumColumns };

// An indicator the file may name.
struct KnownIndicator {
  Indicator indicator;
  std::string theme;
  bool available = true;
};

// What the rows are checked against: the indicators and cities, each with
// an index in the order of their text, so that sorting rows by the indices
// sorts them as the unique index on measurements does.
struct Known {
  std::vector<KnownIndicator> indicators;
  std::unordered_map<std::string_view, std::uint16_t> indicator_index;
  std::vector<std::string> cities;
  std::unordered_map<std::string_view, std::int16_t> city_index;
};

// One checked figure, compactly: a million of them fit in 32 MB.
struct CheckedRow {
  std::uint32_t line;
  std::uint16_t indicator;
  std::int16_t city;  // -1 for the network
  std::uint32_t month;
  double value;
  std::uint32_t source_offset;
  std::uint32_t source_length;

  std::uint64_t Key() const {
    return (std::uint64_t{indicator} << 40) |
           (std::uint64_t(static_cast<std::uint16_t>(city + 1)) << 24) | month;
  }
};

// Only the import's own record reaches the audit trail, not a row per
// figure: the figures and their history name the import instead.
class ImportObserver : public storage::WriteObserver {
 public:
  explicit ImportObserver(storage::WriteObserver* inner) : inner_(inner) {}
  bool Watches(std::string_view table) const override {
    return table != "measurements" && table != "measurement_history" &&
           inner_->Watches(table);
  }
  Status BeforeCommit(storage::Connection& connection,
                      std::span<const storage::RowChange> changes) override {
    return inner_->BeforeCommit(connection, changes);
  }

 private:
  storage::WriteObserver* inner_;
};

Result<Known> LoadKnown(storage::Database& database,
                        const ImportOptions& options) {
  Known known;
  Catalog catalog(database);
  auto ids = catalog.ThemeIds();
  if (!ids.ok()) return ids.status();
  for (const std::string& id : *ids) {
    auto theme = catalog.GetTheme(id);
    if (!theme.ok()) return theme.status();
    if (!theme->has_value()) continue;
    bool available = !options.theme_available || options.theme_available(id);
    for (Indicator& indicator : (*theme)->indicators) {
      known.indicators.push_back({std::move(indicator), id, available});
    }
  }
  std::sort(known.indicators.begin(), known.indicators.end(),
            [](const KnownIndicator& a, const KnownIndicator& b) {
              return a.indicator.id < b.indicator.id;
            });
  for (std::size_t i = 0; i < known.indicators.size(); ++i) {
    known.indicator_index.emplace(known.indicators[i].indicator.id,
                                  static_cast<std::uint16_t>(i));
  }
  Status status = database.Read([&](storage::Connection& db) {
    return db.Execute("SELECT cbs_code FROM cities ORDER BY cbs_code", {},
                      [&](const storage::Row& row) {
                        known.cities.push_back(row.Text("cbs_code"));
                        return true;
                      });
  });
  if (!status.ok()) return status;
  for (std::size_t i = 0; i < known.cities.size(); ++i) {
    known.city_index.emplace(known.cities[i], static_cast<std::int16_t>(i));
  }
  return known;
}

// Why reporter may not write a figure of theme for city ("" for the
// network), or nullopt; and the column to blame.
std::optional<std::pair<Column, std::string>> Refusal(const Reporter& reporter,
                                                      std::string_view theme,
                                                      std::string_view city) {
  if (reporter.role == "admin" || reporter.role == "operator") {
    return std::nullopt;
  }
  if (reporter.role == "theme-editor") {
    if (theme == reporter.scope) return std::nullopt;
    return std::pair{kIndicator, "your account edits theme " + reporter.scope +
                                     ", not " + std::string(theme)};
  }
  if (reporter.role == "city-editor") {
    if (city == reporter.scope) return std::nullopt;
    if (city.empty()) {
      return std::pair{kCity, "your account reports for city " +
                                  reporter.scope +
                                  "; network-wide figures are reported by the "
                                  "theme's editors"};
    }
    return std::pair{kCity, "your account reports for city " + reporter.scope +
                                ", not " + std::string(city)};
  }
  return std::pair{kIndicator,
                   "your role (" + reporter.role + ") may not write figures"};
}

std::string MonthText(std::uint32_t month) {
  std::uint32_t year = month / 12;
  std::uint32_t in_year = month % 12 + 1;
  std::string text = "0000-00";
  for (int i = 3; i >= 0; --i, year /= 10) text[i] = char('0' + year % 10);
  text[5] = char('0' + in_year / 10);
  text[6] = char('0' + in_year % 10);
  return text;
}

std::uint32_t MonthNumber(std::string_view month) {
  std::uint32_t year = 0;
  for (int i = 0; i < 4; ++i) year = year * 10 + std::uint32_t(month[i] - '0');
  std::uint32_t in_year =
      std::uint32_t((month[5] - '0') * 10 + (month[6] - '0'));
  return year * 12 + in_year - 1;
}

// Checks rows and keeps those without a problem; shared by the CSV file and
// the list.
class Checker {
 public:
  Checker(const Known& known, const ImportOptions& options,
          ImportReport& report)
      : known_(known), options_(options), report_(report) {}

  // The fields of one row (a missing column is an empty field), with the
  // position of each column (0 when the file has none).
  struct Fields {
    std::array<std::string_view, kNumColumns> text;
    std::optional<double> value;  // a list's number
    std::array<std::size_t, kNumColumns> position{};
  };

  void Check(std::size_t line, const Fields& fields) {
    bool ok = true;
    auto problem = [&](Column column, std::string reason) {
      Problem(line, column, fields, std::move(reason));
      ok = false;
    };
    // The indicator.
    std::string_view indicator_text = fields.text[kIndicator];
    const KnownIndicator* indicator = nullptr;
    std::uint16_t indicator_index = 0;
    if (options_.indicator && !indicator_text.empty() &&
        indicator_text != *options_.indicator) {
      problem(kIndicator, "this import is into the figures of '" +
                              *options_.indicator + "'; the row names '" +
                              sdk::Printable(indicator_text, 60) + "'");
    } else {
      if (options_.indicator) indicator_text = *options_.indicator;
      auto found = known_.indicator_index.find(indicator_text);
      if (indicator_text.empty()) {
        problem(kIndicator, "is empty; name the indicator by its id");
      } else if (found == known_.indicator_index.end()) {
        problem(kIndicator, "there is no indicator '" +
                                sdk::Printable(indicator_text, 60) +
                                "'; GET /api/v1/themes/{theme}/indicators "
                                "lists them");
      } else {
        indicator_index = found->second;
        indicator = &known_.indicators[indicator_index];
        if (!indicator->available) {
          problem(kIndicator, "the theme '" + indicator->theme +
                                  "' is switched off; its figures cannot be "
                                  "written now");
          indicator = nullptr;
        }
      }
    }
    // The city.
    std::string_view city_text = fields.text[kCity];
    std::int16_t city_index = -1;
    if (options_.city && !city_text.empty() && city_text != *options_.city) {
      problem(kCity, "this import is into the figures of " +
                         (options_.city->empty() ? std::string("the network")
                                                 : *options_.city) +
                         "; the row names " + sdk::Printable(city_text, 20));
    } else {
      if (options_.city) city_text = *options_.city;
      if (!city_text.empty()) {
        auto found = known_.city_index.find(city_text);
        if (found == known_.city_index.end()) {
          problem(kCity, "'" + sdk::Printable(city_text, 20) +
                             "' is not a city of the covenant; GET "
                             "/api/v1/cities lists them");
        } else {
          city_index = found->second;
        }
      }
    }
    // The month.
    std::string_view period = fields.text[kPeriod];
    if (!IsMonth(period)) {
      problem(kPeriod, "must be a month as YYYY-MM, got '" +
                           sdk::Printable(period, 20) + "'");
    }
    // The value.
    std::optional<double> value = fields.value;
    if (!value) value = ParseValue(line, fields.text[kValue], problem);
    if (!ok) return;
    if (auto wrong =
            CheckFigure(indicator->indicator, city_text, period, *value,
                        fields.text[kSource], options_.current_month)) {
      Column column = wrong->field == "city"     ? kCity
                      : wrong->field == "period" ? kPeriod
                      : wrong->field == "value"  ? kValue
                                                 : kSource;
      return problem(column, std::move(wrong->message));
    }
    if (auto refused =
            Refusal(options_.reporter, indicator->theme, city_text)) {
      return Problem(line, refused->first, fields, std::move(refused->second),
                     true);
    }
    CheckedRow row;
    row.line = static_cast<std::uint32_t>(line);
    row.indicator = indicator_index;
    row.city = city_index;
    row.month = MonthNumber(period);
    row.value = *value;
    row.source_offset = static_cast<std::uint32_t>(sources_.size());
    row.source_length = static_cast<std::uint32_t>(fields.text[kSource].size());
    sources_.append(fields.text[kSource]);
    rows_.push_back(row);
  }

  void Problem(std::size_t line, Column column, const Fields& fields,
               std::string reason, bool refused = false) {
    ProblemAt(line, std::string(kColumns[column]), fields.position[column],
              sdk::Printable(fields.text[column], 60), std::move(reason),
              refused);
  }

  void ProblemAt(std::size_t line, std::string column,
                 std::size_t column_number, std::string value,
                 std::string reason, bool refused = false) {
    ++report_.num_problems;
    if (report_.problems.size() >= options_.max_listed_problems) return;
    report_.problems.push_back({line, std::move(column), column_number,
                                std::move(value), std::move(reason), refused});
  }

  // Sorts the rows as the index on measurements does and reports every
  // figure given twice at its later line.
  void FindRepeats(const char* what) {
    std::sort(rows_.begin(), rows_.end(),
              [](const CheckedRow& a, const CheckedRow& b) {
                return a.Key() != b.Key() ? a.Key() < b.Key() : a.line < b.line;
              });
    for (std::size_t i = 1; i < rows_.size(); ++i) {
      if (rows_[i].Key() != rows_[i - 1].Key()) continue;
      ProblemAt(rows_[i].line, "", 0, "",
                std::string("repeats the figure of ") + what + " " +
                    std::to_string(rows_[i - 1].line) +
                    " (the same indicator, city and month); keep one of "
                    "the two");
    }
  }

  std::vector<CheckedRow>& rows() { return rows_; }
  const std::string& sources() const { return sources_; }

 private:
  template <typename ProblemFunction>
  std::optional<double> ParseValue(std::size_t line, std::string_view text,
                                   ProblemFunction& problem) {
    if (text.empty()) {
      problem(kValue, "is empty; give the figure as a number");
      return std::nullopt;
    }
    std::optional<double> value = sdk::ParseDecimal(text);
    if (!value) {
      std::size_t comma = text.find(',');
      if (comma != std::string_view::npos &&
          text.find(',', comma + 1) == std::string_view::npos &&
          text.find('.') == std::string_view::npos) {
        std::string pointed(text);
        pointed[comma] = '.';
        value = sdk::ParseDecimal(pointed);
        if (value) {
          if (report_.decimal_commas++ == 0) {
            report_.first_decimal_comma_line = line;
          }
        }
      }
    }
    if (!value) {
      problem(kValue,
              "is not a number; write digits with at most one decimal point "
              "or comma (55.5 or 55,5), without thousands separators");
    }
    return value;
  }

  const Known& known_;
  const ImportOptions& options_;
  ImportReport& report_;
  std::vector<CheckedRow> rows_;
  std::string sources_;
};

// Inside the import's transaction, that every indicator and city the rows
// name is still there: once per distinct value, which lets SQLite leave out
// its foreign-key check of every row (Database::WriteBulk).
Status CheckReferences(storage::Connection& db, const Known& known,
                       const std::vector<CheckedRow>& rows) {
  std::vector<bool> indicator_used(known.indicators.size());
  std::vector<bool> city_used(known.cities.size());
  for (const CheckedRow& row : rows) {
    indicator_used[row.indicator] = true;
    if (row.city >= 0) city_used[std::size_t(row.city)] = true;
  }
  auto check = [&](std::string_view sql, std::string_view what,
                   const std::vector<bool>& used, auto&& name_of) -> Status {
    for (std::size_t i = 0; i < used.size(); ++i) {
      if (!used[i]) continue;
      std::string name(name_of(i));
      auto found = db.Query(sql, std::vector<storage::Value>{name});
      if (!found.ok()) return found.status();
      if (found->empty()) {
        std::string message(what);
        message += " '";
        message += name;
        message +=
            "' was removed while the file was checked; nothing was "
            "stored: send the file again";
        return Status::FailedPrecondition(message);
      }
    }
    return Status::Ok();
  };
  Status indicators =
      check("SELECT 1 FROM indicators WHERE id = ?1", "indicator",
            indicator_used, [&](std::size_t i) -> std::string_view {
              return known.indicators[i].indicator.id;
            });
  if (!indicators.ok()) return indicators;
  return check(
      "SELECT 1 FROM cities WHERE cbs_code = ?1", "city", city_used,
      [&](std::size_t i) -> std::string_view { return known.cities[i]; });
}

// Stores the checked rows in one transaction (or, for a dry run, counts
// what storing would do and rolls back).
Status Store(storage::Database& database, const Known& known, Checker& checker,
             const ImportOptions& options, ImportReport& report) {
  std::string now = NowUtc();
  const std::vector<CheckedRow>& rows = checker.rows();
  const std::string& sources = checker.sources();
  bool rolled_back_dry_run = false;
  storage::WriteObserver* observer = storage::ScopedWriteObserver::Current();
  ImportObserver import_observer(observer);
  storage::ScopedWriteObserver scope(observer ? &import_observer : nullptr);
  Status status = database.WriteBulk([&](storage::Connection& db) -> Status {
    Status referenced = CheckReferences(db, known, rows);
    if (!referenced.ok()) return referenced;
    auto last = db.Query(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM measurement_imports) AS "
        "import_id, (SELECT COALESCE(MAX(id), 0) FROM measurement_history) "
        "AS history_id",
        {});
    if (!last.ok()) return last.status();
    std::int64_t import_id = last->front().Integer("import_id") + 1;
    std::int64_t history_before = last->front().Integer("history_id");
    // Figures go in kBatch at a time; the rest in one statement at the end.
    constexpr std::size_t kBatch = 64;
    auto batch = db.PrepareStatement(StoreFiguresSql(kBatch));
    if (!batch.ok()) return batch.status();
    std::size_t changed = 0;
    std::size_t step = std::max<std::size_t>(rows.size() / 100, 1);
    std::vector<std::string> periods(kBatch);
    std::vector<storage::ValueView> params(4 + 5 * kBatch);
    params[0] = std::int64_t{0};
    params[1] = std::string_view(now);
    params[2] = std::string_view(options.reporter.name);
    params[3] = import_id;
    for (std::size_t begin = 0; begin < rows.size(); begin += kBatch) {
      std::size_t count = std::min(kBatch, rows.size() - begin);
      for (std::size_t k = 0; k < count; ++k) {
        const CheckedRow& row = rows[begin + k];
        periods[k] = MonthText(row.month);
        storage::ValueView* figure = &params[4 + 5 * k];
        figure[0] =
            std::string_view(known.indicators[row.indicator].indicator.id);
        figure[1] = row.city < 0 ? storage::ValueView(nullptr)
                                 : storage::ValueView(std::string_view(
                                       known.cities[std::size_t(row.city)]));
        figure[2] = std::string_view(periods[k]);
        figure[3] = row.value;
        figure[4] = row.source_length == 0
                        ? storage::ValueView(nullptr)
                        : storage::ValueView(std::string_view(sources).substr(
                              row.source_offset, row.source_length));
      }
      Result<std::int64_t> run = std::int64_t{0};
      std::span<const storage::ValueView> bound(params.data(), 4 + 5 * count);
      if (count == kBatch) {
        run = (*batch)->Run(bound);
      } else {
        auto rest = db.PrepareStatement(StoreFiguresSql(count));
        if (!rest.ok()) return rest.status();
        run = (*rest)->Run(bound);
      }
      if (!run.ok()) {
        return run.status().WithContext(
            "storing the figures of lines " + std::to_string(rows[begin].line) +
            " to " + std::to_string(rows[begin + count - 1].line));
      }
      changed += static_cast<std::size_t>(*run);
      if (options.progress && (begin + count) / step != begin / step) {
        options.progress(ImportPhase::kWriting, begin + count, rows.size());
      }
    }
    auto corrected =
        db.Query("SELECT COUNT(*) AS n FROM measurement_history WHERE id > ?1",
                 std::vector<storage::Value>{history_before});
    if (!corrected.ok()) return corrected.status();
    report.corrected =
        static_cast<std::size_t>(corrected->front().Integer("n"));
    report.inserted = changed - report.corrected;
    report.unchanged = rows.size() - changed;
    if (options.dry_run) {
      rolled_back_dry_run = true;
      return Status::FailedPrecondition("a dry run stores nothing");
    }
    report.import_id = import_id;
    return db.Execute(
        "INSERT INTO measurement_imports (id, imported_at, imported_by, "
        "file_blake2b, rows, inserted, corrected, unchanged) VALUES (?1, ?2, "
        "?3, ?4, ?5, ?6, ?7, ?8)",
        std::vector<storage::Value>{
            import_id, now, options.reporter.name, report.file_hash,
            static_cast<std::int64_t>(report.rows),
            static_cast<std::int64_t>(report.inserted),
            static_cast<std::int64_t>(report.corrected),
            static_cast<std::int64_t>(report.unchanged)});
  });
  if (rolled_back_dry_run) return Status::Ok();
  if (!status.ok()) return status;
  report.stored = true;
  return Status::Ok();
}

std::string Blake2b256Hex(std::string_view text) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof(digest),
                     reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  char hex[sizeof(digest) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return hex;
}

}  // namespace

char DetectDelimiter(std::string_view csv) {
  std::size_t commas = 0;
  std::size_t semicolons = 0;
  bool quoted = false;
  for (char c : csv) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    commas += c == ',' ? 1 : 0;
    semicolons += c == ';' ? 1 : 0;
  }
  return semicolons > commas ? ';' : ',';
}

Result<ImportReport> MeasurementImport::ImportCsv(
    std::string_view csv, const ImportOptions& options) {
  ImportReport report;
  report.dry_run = options.dry_run;
  report.delimiter = DetectDelimiter(csv);
  report.file_hash = Blake2b256Hex(csv);
  auto known = LoadKnown(database_, options);
  if (!known.ok()) return known.status();
  Checker checker(*known, options, report);

  sdk::CsvReader reader(
      csv, {.delimiter = report.delimiter, .same_field_count = false});
  sdk::CsvRecord record;
  if (!reader.Next(record)) {
    if (reader.problem()) {
      checker.ProblemAt(reader.problem()->line, "", reader.problem()->field, "",
                        reader.problem()->message);
    } else {
      checker.ProblemAt(1, "", 0, "",
                        "the file is empty; its first line names the "
                        "columns: indicator,city,period,value,source");
    }
    return report;
  }
  // The header: which column is where.
  Checker::Fields fields;
  std::array<std::optional<std::size_t>, kNumColumns> where;
  std::size_t header_size = record.fields.size();
  for (std::size_t i = 0; i < header_size; ++i) {
    std::string name = record.fields[i];
    for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
    auto known_column = std::find(std::begin(kColumns), std::end(kColumns),
                                  std::string_view(name));
    if (known_column == std::end(kColumns)) {
      checker.ProblemAt(1, record.fields[i], i + 1,
                        sdk::Printable(record.fields[i], 60),
                        "is not a column of a figures file; the columns are "
                        "indicator, city, period, value and source");
      continue;
    }
    auto column = static_cast<std::size_t>(known_column - std::begin(kColumns));
    if (where[column]) {
      checker.ProblemAt(1, name, i + 1, name,
                        "the column is named twice (also column " +
                            std::to_string(*where[column] + 1) + ")");
      continue;
    }
    where[column] = i;
    fields.position[column] = i + 1;
  }
  for (Column required : {kIndicator, kPeriod, kValue}) {
    if (where[required] || (required == kIndicator && options.indicator)) {
      continue;
    }
    checker.ProblemAt(1, std::string(kColumns[required]), 0, "",
                      "the header has no column '" +
                          std::string(kColumns[required]) +
                          "'; the first line names the columns: "
                          "indicator,city,period,value,source");
  }
  if (report.num_problems > 0) return report;

  std::size_t step = std::max<std::size_t>(csv.size() / 100, 1);
  std::size_t next_progress = step;
  while (reader.Next(record)) {
    ++report.rows;
    if (record.fields.size() != header_size) {
      checker.ProblemAt(record.line, "", 0, "",
                        "expected " + std::to_string(header_size) +
                            " fields as in the header, found " +
                            std::to_string(record.fields.size()));
      continue;
    }
    for (std::size_t column = 0; column < kNumColumns; ++column) {
      fields.text[column] =
          where[column] ? std::string_view(record.fields[*where[column]])
                        : std::string_view();
    }
    checker.Check(record.line, fields);
    if (options.progress && reader.position() >= next_progress) {
      options.progress(ImportPhase::kChecking, reader.position(), csv.size());
      next_progress = reader.position() + step;
    }
  }
  if (reader.problem()) {
    // The file is not CSV from here on; what follows cannot be read.
    checker.ProblemAt(
        reader.problem()->line, "", reader.problem()->field, "",
        reader.problem()->message + " (the rest of the file cannot be read)");
  }
  if (options.progress) {
    options.progress(ImportPhase::kChecking, csv.size(), csv.size());
  }
  checker.FindRepeats("line");
  if (report.num_problems > 0) return report;
  Status stored = Store(database_, *known, checker, options, report);
  if (!stored.ok()) return stored;
  return report;
}

Result<ImportReport> MeasurementImport::ImportList(
    const std::vector<FigureInput>& figures, const ImportOptions& options) {
  ImportReport report;
  report.dry_run = options.dry_run;
  auto known = LoadKnown(database_, options);
  if (!known.ok()) return known.status();
  Checker checker(*known, options, report);
  for (std::size_t i = 0; i < figures.size(); ++i) {
    const FigureInput& figure = figures[i];
    Checker::Fields fields;
    fields.text = {figure.indicator, figure.city, figure.period, "",
                   figure.source};
    fields.value = figure.value;
    ++report.rows;
    if (!figure.value) {
      checker.Problem(i, kValue, fields, "is required: give a number");
      continue;
    }
    checker.Check(i, fields);
  }
  checker.FindRepeats("item");
  if (report.num_problems > 0) return report;
  Status stored = Store(database_, *known, checker, options, report);
  if (!stored.ok()) return stored;
  return report;
}

}  // namespace smartercities::domain
