#include "plugins/groene-stad/energy_csv.h"

#include <cmath>
#include <exception>
#include <map>
#include <sstream>

namespace smartercities::groene_stad {
namespace {

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

std::optional<double> ParseAmount(const std::string& text, bool& ok) {
  ok = true;
  if (text.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    double value = std::stod(text, &used);
    if (used == text.size() && value >= 0 && std::isfinite(value)) return value;
  } catch (const std::exception&) {
  }
  ok = false;
  return std::nullopt;
}

}  // namespace

EnergyCsv ParseEnergyCsv(std::string_view text,
                         const std::set<std::string>& known_cities) {
  EnergyCsv result;
  auto fail = [&](std::size_t line, const std::string& what) {
    result.rows.clear();
    result.problem = EnergyCsvProblem{line, what};
    return result;
  };
  std::map<std::string, std::size_t> seen;
  std::istringstream in{std::string(text)};
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1) {
      if (line != kEnergyCsvHeader) {
        return fail(1, std::string("the header must be ") + kEnergyCsvHeader);
      }
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> fields = SplitFields(line);
    if (fields.size() != 5) {
      return fail(number,
                  "expected 5 fields, found " + std::to_string(fields.size()));
    }
    EnergyRow row;
    row.city = fields[0];
    if (!known_cities.contains(row.city)) {
      return fail(number, "field city: \"" + row.city +
                              "\" is not a CBS code of a covenant city");
    }
    row.area = fields[1];
    if (row.area.empty() || row.area.size() > 40) {
      return fail(number, "field area: must be 1 to 40 characters");
    }
    try {
      std::size_t used = 0;
      row.year = std::stoll(fields[2], &used);
      if (used != fields[2].size()) row.year = 0;
    } catch (const std::exception&) {
      row.year = 0;
    }
    if (row.year < 2000 || row.year > 2100) {
      return fail(number, "field year: must be a year such as 2013, got \"" +
                              fields[2] + "\"");
    }
    bool ok = true;
    row.electricity_kwh = ParseAmount(fields[3], ok);
    if (!ok) {
      return fail(number,
                  "field electricity_kwh: must be a number of at least 0, "
                  "got \"" +
                      fields[3] + "\"");
    }
    row.gas_m3 = ParseAmount(fields[4], ok);
    if (!ok) {
      return fail(number,
                  "field gas_m3: must be a number of at least 0, got \"" +
                      fields[4] + "\"");
    }
    // By the year read, not as written: 2013, +2013 and 02013 are one year.
    std::string key =
        row.city + "/" + row.area + "/" + std::to_string(row.year);
    if (auto it = seen.find(key); it != seen.end()) {
      return fail(number, "the same city, area and year stand on line " +
                              std::to_string(it->second));
    }
    seen[key] = number;
    result.rows.push_back(std::move(row));
  }
  if (number == 0) {
    return fail(
        1, std::string("the file is empty; start with ") + kEnergyCsvHeader);
  }
  return result;
}

}  // namespace smartercities::groene_stad
