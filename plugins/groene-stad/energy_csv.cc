#include "plugins/groene-stad/energy_csv.h"

#include <smartercities/csv.h>
#include <smartercities/text.h>

#include <map>

namespace smartercities::groene_stad {
namespace {

constexpr const char* kColumns[] = {"city", "area", "year", "electricity_kwh",
                                    "gas_m3"};
constexpr std::size_t kAreaMaxCharacters = 40;

// The value of an amount column: empty (unknown) or a decimal number of at
// least 0; sets problem otherwise.
std::optional<double> ParseAmount(const std::string& text,
                                  std::optional<std::string>& problem) {
  if (text.empty()) return std::nullopt;
  std::optional<double> value = sdk::ParseDecimal(text);
  if (!value || *value < 0) {
    problem =
        "must be a decimal number of at least 0 (such as 40100000 or "
        "1234.5) or empty, got \"" +
        sdk::Printable(text, 40) + "\"";
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::string Describe(const EnergyCsvProblem& problem) {
  return "line " + std::to_string(problem.line) +
         (problem.column.empty() ? "" : ", column " + problem.column) + ": " +
         problem.message;
}

EnergyCsv ParseEnergyCsv(std::string_view text,
                         const std::set<std::string>& known_cities) {
  EnergyCsv result;
  auto fail = [&](std::size_t line, std::string column, std::string what) {
    result.rows.clear();
    result.problem = EnergyCsvProblem{line, std::move(column), std::move(what)};
    return result;
  };
  sdk::CsvTable table = sdk::ReadCsv(text);
  if (table.problem) {
    const sdk::CsvProblem& problem = *table.problem;
    std::string column;
    if (problem.field >= 1 && problem.field <= std::size(kColumns)) {
      column = kColumns[problem.field - 1];
    }
    return fail(problem.line, column, problem.message);
  }
  if (table.records.empty()) {
    return fail(
        1, "",
        std::string("the file is empty; start with ") + kEnergyCsvHeader);
  }
  const sdk::CsvRecord& header = table.records.front();
  bool header_ok = header.fields.size() == std::size(kColumns);
  for (std::size_t i = 0; header_ok && i < header.fields.size(); ++i) {
    header_ok = header.fields[i] == kColumns[i];
  }
  if (!header_ok) {
    return fail(1, "", std::string("the header must be ") + kEnergyCsvHeader);
  }
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 1; i < table.records.size(); ++i) {
    const sdk::CsvRecord& record = table.records[i];
    const std::vector<std::string>& fields = record.fields;
    // Every field is text first: UTF-8, one line, no control characters.
    for (std::size_t f = 0; f < fields.size(); ++f) {
      sdk::TextRules rules;
      rules.max_characters = f == 1 ? kAreaMaxCharacters : 100;
      rules.min_characters = f <= 2 ? 1 : 0;
      if (auto problem = sdk::TextProblem(fields[f], rules)) {
        return fail(record.line, kColumns[f], *problem);
      }
    }
    EnergyRow row;
    row.city = fields[0];
    if (!known_cities.contains(row.city)) {
      return fail(record.line, "city",
                  "\"" + sdk::Printable(row.city, 40) +
                      "\" is not the CBS code of a covenant city");
    }
    row.area = fields[1];
    std::optional<std::int64_t> year;
    if (fields[2].size() == 4) year = sdk::ParseDecimalInteger(fields[2]);
    if (!year || *year < 2000 || *year > 2100) {
      return fail(record.line, "year",
                  "must be a year from 2000 to 2100 written with four digits, "
                  "such as 2013, got \"" +
                      sdk::Printable(fields[2], 40) + "\"");
    }
    row.year = *year;
    std::optional<std::string> problem;
    row.electricity_kwh = ParseAmount(fields[3], problem);
    if (problem) return fail(record.line, "electricity_kwh", *problem);
    row.gas_m3 = ParseAmount(fields[4], problem);
    if (problem) return fail(record.line, "gas_m3", *problem);
    std::string key =
        row.city + "/" + row.area + "/" + std::to_string(row.year);
    if (auto it = seen.find(key); it != seen.end()) {
      return fail(record.line, "",
                  "the same city, area and year stand on line " +
                      std::to_string(it->second));
    }
    seen[key] = record.line;
    result.rows.push_back(std::move(row));
  }
  return result;
}

}  // namespace smartercities::groene_stad
