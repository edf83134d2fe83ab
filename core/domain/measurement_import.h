// measurement_import.h — many figures at once, from a CSV file or a list:
// every row is checked before anything is stored, and the figures are then
// stored all or nothing, in one transaction.
//
// The CSV file (docs/admin-guide.md, "Figures from a CSV file") is RFC 4180
// in UTF-8 with a header row naming its columns: indicator, city, period,
// value and source, in any order; city and source may be left out, and so
// may indicator when the import is into one indicator's figures (and city
// into one city's). Fields are separated by commas or semicolons (whichever
// the header uses more of). A value may be written with a decimal comma
// ("55,5"); such values are read and counted in the report.
//
// Every problem is reported, not only the first: each with its line (1 is
// the header), column and reason; a figure given twice (the same indicator,
// city and month) is a problem of the later line. A row that the caller may
// not write (a city editor's row for another city, a theme editor's for
// another theme) is one too. When any row has a problem, nothing is stored.
//
// An import is recorded once in measurement_imports (who, when, the file's
// BLAKE2b-256 hash as `b2sum -l 256` prints it, the counts) and in the audit
// trail as that one record; each figure it writes, and each correction, names
// the import. A figure equal to the stored one changes nothing (a file exported
// and imported again changes nothing).
//
// Thread-safety: holds only a reference to the Database; Run may be called
// from many threads (writes take turns).
#ifndef SMARTERCITIES_CORE_DOMAIN_MEASUREMENT_IMPORT_H_
#define SMARTERCITIES_CORE_DOMAIN_MEASUREMENT_IMPORT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/storage/database.h"

namespace smartercities::domain {

// Who writes the figures, and what their role lets them write: "admin" and
// "operator" (the command line) anything, "theme-editor" the figures of
// the theme named by scope, "city-editor" the figures of the city named by
// scope (never network-wide ones).
struct Reporter {
  std::string name;  // recorded as recorded_by: "user:anna", "cli"
  std::string role;
  std::string scope;
};

enum class ImportPhase { kReading, kChecking, kWriting };

struct ImportOptions {
  Reporter reporter;
  // "YYYY-MM": figures for later months are refused.
  std::string current_month;
  // An import into one indicator's (or one city's) figures: every row must
  // be of it, and its column may be left out. For a city, "" is the
  // network.
  std::optional<std::string> indicator;
  std::optional<std::string> city;
  // Checks and counts what would change, then stores nothing.
  bool dry_run = false;
  // Whether the theme of an indicator may be written to now (its module is
  // enabled); null for all.
  std::function<bool(std::string_view theme)> theme_available;
  // Told how far each phase is (bytes read, rows checked, rows written),
  // about a hundred times per phase.
  std::function<void(ImportPhase phase, std::size_t done, std::size_t total)>
      progress;
  // At most this many problems are listed; all are counted.
  std::size_t max_listed_problems = 10000;
};

// One problem of one row.
struct ImportProblem {
  // The line of the CSV file (1 is the header), or for a list the position
  // of the item (0 is the first).
  std::size_t line = 0;
  // The column (or field) by name, "" for the row as a whole; and its
  // position in the row (1 is the first, 0 for the row as a whole).
  std::string column;
  std::size_t column_number = 0;
  std::string value;  // what the field held, printable and shortened
  std::string reason;
  // The row is one the caller may not write (rather than a wrong one).
  bool refused = false;
};

struct ImportReport {
  bool dry_run = false;
  // Whether the figures were stored (no problem, not a dry run).
  bool stored = false;
  std::size_t rows = 0;  // figures in the file, the header not counted
  // What storing did (or, in a dry run, would do): new figures, figures
  // that replaced another value or source, figures equal to the stored one.
  std::size_t inserted = 0;
  std::size_t corrected = 0;
  std::size_t unchanged = 0;
  char delimiter = ',';
  // Values written with a decimal comma, and the line of the first.
  std::size_t decimal_commas = 0;
  std::size_t first_decimal_comma_line = 0;
  std::vector<ImportProblem> problems;  // at most max_listed_problems
  std::size_t num_problems = 0;         // all of them
  std::optional<std::int64_t> import_id;
  std::string file_hash;  // BLAKE2b-256 of the file, in hex; "" for a list
};

// One figure of a list (the JSON bulk write); value_text is used when value
// is not set (a CSV field, checked as the CSV import does).
struct FigureInput {
  std::string indicator;
  std::string city;
  std::string period;
  std::optional<double> value;
  std::string source;
};

class MeasurementImport {
 public:
  explicit MeasurementImport(storage::Database& database)
      : database_(database) {}

  // Reads csv (the whole file), checks every row and, when none has a
  // problem and it is not a dry run, stores them. A failed Result only when
  // the database fails; problems of the file are in the report.
  Result<ImportReport> ImportCsv(std::string_view csv,
                                 const ImportOptions& options);

  // The same for a list of figures: a problem's line is the item's
  // position.
  Result<ImportReport> ImportList(const std::vector<FigureInput>& figures,
                                  const ImportOptions& options);

 private:
  storage::Database& database_;
};

// The first line of a CSV text separates its fields with ';' rather than
// ',' (more of them outside quotes).
char DetectDelimiter(std::string_view csv);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_MEASUREMENT_IMPORT_H_
