// open_data.h — the agenda's public data as bulk downloads: which datasets
// there are, their columns with what each means, and the writers of their
// CSV, JSON and CSVW metadata.
//
// One definition per dataset (ExportDataset) names its columns, types and
// descriptions; the same definition drives the CSV header and rows, the
// JSON keys and the CSVW metadata (W3C "Metadata Vocabulary for Tabular
// Data"), so that the description of a file cannot drift from the file.
//
// A dataset holds exactly what the public API shows of it: themes,
// agreements, indicators and figures of enabled modules only, no accounts,
// tokens, audit trail, join requests in progress or who recorded a figure.
// Its rows are read inside the caller's Database::Read, so that a dataset,
// or a whole ZIP of them, is one snapshot.
//
// Thread-safety: the definitions are immutable; writers are used by one
// thread at a time.
#ifndef SMARTERCITIES_CORE_DOMAIN_OPEN_DATA_H_
#define SMARTERCITIES_CORE_DOMAIN_OPEN_DATA_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/catalog.h"
#include "core/storage/database.h"

namespace smartercities::domain {

// What a column holds: how CSV writes it, what JSON gives, and the CSVW
// datatype.
enum class ColumnType {
  kString,    // text
  kInteger,   // whole number
  kDecimal,   // number, shortest form that reads back the same ("55.5")
  kBoolean,   // CSV "true"/"false", JSON true/false (stored as 0/1)
  kDate,      // YYYY-MM-DD
  kMonth,     // YYYY-MM
  kDateTime,  // ISO 8601 with a time zone
  kUrl,       // a URL, absolute or relative to the server
};

struct ExportColumn {
  std::string name;         // CSV header and JSON key: "cbsCode"
  std::string title;        // for people: "CBS code"
  std::string description;  // what it means, in a sentence
  ColumnType type = ColumnType::kString;
  bool required = false;  // never empty
};

// What a dataset's rows may show: which themes' modules are on.
struct ExportScope {
  Catalog* catalog = nullptr;
  std::function<bool(std::string_view theme)> theme_enabled;
};

// Takes a dataset's rows, one at a time: a value per column, in the
// columns' order (null: empty). A reader hands either values it owns or
// views of a cursor's buffers (storage::Connection::ExecuteViews), which
// need only live until the call returns; the millions of figures go
// through without a copy.
class ExportRowSink {
 public:
  explicit ExportRowSink(
      std::function<void(std::span<const storage::ValueView>)> on_row)
      : on_row_(std::move(on_row)) {}
  void operator()(std::span<const storage::ValueView> row) const {
    on_row_(row);
  }
  void operator()(std::span<const storage::Value> row) const;

 private:
  std::function<void(std::span<const storage::ValueView>)> on_row_;
};

struct ExportDataset {
  std::string id;  // "figures": /api/v1/exports/figures.csv
  std::string title;
  std::string description;
  std::vector<ExportColumn> columns;
  std::vector<std::string> primary_key;  // column names
  // How often it changes, as a code of the EU's frequency vocabulary
  // (http://publications.europa.eu/resource/authority/frequency/): "CONT"
  // for figures reported all the time, "IRREG" for the rest.
  std::string frequency = "IRREG";
  // The tables it is read from: their generations make its version.
  std::vector<std::string> tables;
  // Calls on_row for each row, on db, inside the caller's read
  // transaction.
  std::function<Status(storage::Connection& db, const ExportScope& scope,
                       const ExportRowSink& on_row)>
      read;
};

// The core's datasets, in the order the catalogue and the ZIP list them.
const std::vector<ExportDataset>& CoreExportDatasets();

// Buffers what a writer produces and hands it on in pieces of at least
// 256 KiB (and the rest on Flush).
class ExportSink {
 public:
  explicit ExportSink(std::function<void(std::string_view)> out)
      : out_(std::move(out)) {
    buffer_.reserve(kFlushBytes + kRowReserveBytes);
  }
  std::string& buffer() { return buffer_; }
  void MaybeFlush() {
    if (buffer_.size() >= kFlushBytes) Flush();
  }
  void Flush() {
    if (!buffer_.empty()) out_(buffer_);
    buffer_.clear();
  }

 private:
  static constexpr std::size_t kFlushBytes = 256 * 1024;
  // Room for the row that crosses kFlushBytes, so that the buffer is not
  // grown for it.
  static constexpr std::size_t kRowReserveBytes = 4 * 1024;
  std::function<void(std::string_view)> out_;
  std::string buffer_;
};

// Writes a dataset's rows as CSV (RFC 4180: a header row of the column
// names, CRLF line ends, fields with a comma, quote, CR or LF quoted and
// quotes doubled; UTF-8) or as JSON ({"items": [{...}], "total": N}, keys
// the column names, null for an empty value).
class ExportWriter {
 public:
  enum class Format { kCsv, kJson };
  ExportWriter(const ExportDataset& dataset, Format format, ExportSink& sink);
  void Begin();
  void Row(std::span<const storage::ValueView> values);
  void End();
  std::uint64_t num_rows() const { return num_rows_; }

 private:
  const ExportDataset& dataset_;
  Format format_;
  ExportSink& sink_;
  std::uint64_t num_rows_ = 0;
};

// Reads dataset inside db's transaction and writes it in format to sink;
// the number of rows, or the read's failure.
Result<std::uint64_t> WriteExport(const ExportDataset& dataset,
                                  ExportWriter::Format format,
                                  storage::Connection& db,
                                  const ExportScope& scope, ExportSink& sink);

// The CSVW metadata of dataset's CSV file at csv_url (absolute, or relative
// to the metadata file): @context, url, dc:title, dc:description,
// dc:license and tableSchema with every column's name, titles,
// dc:description, datatype and required, and the primaryKey.
std::string CsvwMetadata(const ExportDataset& dataset, std::string_view csv_url,
                         std::string_view licence);

// The datatype CSVW gives a column type ("string", "integer", ...).
std::string_view CsvwDatatype(ColumnType type);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_OPEN_DATA_H_
