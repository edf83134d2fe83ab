#include "core/domain/city_list.h"

#include <regex>
#include <set>

namespace smartercities::domain {
namespace {

// Splits one CSV line into fields; nullopt when a quote is not closed.
std::optional<std::vector<std::string>> SplitCsvLine(std::string_view line) {
  std::vector<std::string> fields;
  std::string field;
  bool in_quotes = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty()) {
      in_quotes = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else {
      field += c;
    }
  }
  if (in_quotes) return std::nullopt;
  fields.push_back(std::move(field));
  return fields;
}

}  // namespace

Result<std::vector<City>> ParseCities(std::string_view csv,
                                      std::string_view source) {
  static const std::regex kCode("GM[0-9]{4}");
  static const std::regex kDate(R"((19|20)[0-9]{2}-[01][0-9]-[0-3][0-9])");
  std::vector<City> cities;
  std::set<std::string> codes;
  std::size_t line_number = 0;
  std::size_t start = 0;
  std::string prefix(source);
  while (start < csv.size()) {
    std::size_t end = csv.find('\n', start);
    if (end == std::string_view::npos) end = csv.size();
    std::string_view line = csv.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string where = prefix + ":" + std::to_string(line_number) + ": ";
    if (line_number == 1) {
      if (line != "cbs_code,name,network,member_since,note") {
        return Status::InvalidArgument(
            where +
            "the header must be cbs_code,name,network,member_since,note");
      }
      continue;
    }
    if (line.empty()) continue;
    auto fields = SplitCsvLine(line);
    if (!fields) {
      return Status::InvalidArgument(where + "a quoted field is not closed");
    }
    if (fields->size() != 5) {
      return Status::InvalidArgument(where + "expected 5 fields, found " +
                                     std::to_string(fields->size()));
    }
    City city{(*fields)[0], (*fields)[1], (*fields)[2], (*fields)[3],
              (*fields)[4]};
    if (!std::regex_match(city.cbs_code, kCode)) {
      return Status::InvalidArgument(
          where + "cbs_code: must be GM followed by four digits, got \"" +
          city.cbs_code + "\"");
    }
    if (!codes.insert(city.cbs_code).second) {
      return Status::InvalidArgument(where + "cbs_code: \"" + city.cbs_code +
                                     "\" appears twice");
    }
    if (city.name.empty()) {
      return Status::InvalidArgument(where + "name: must not be empty");
    }
    if (city.network != "G4" && city.network != "G32") {
      return Status::InvalidArgument(
          where + "network: must be G4 or G32, got \"" + city.network + "\"");
    }
    if (!city.member_since.empty() &&
        !std::regex_match(city.member_since, kDate)) {
      return Status::InvalidArgument(
          where + "member_since: must be YYYY-MM-DD, got \"" +
          city.member_since + "\"");
    }
    cities.push_back(std::move(city));
  }
  if (cities.empty()) {
    return Status::InvalidArgument(prefix + ": no cities");
  }
  return cities;
}

Status StoreCities(storage::Database& database,
                   const std::vector<City>& cities) {
  return database.Write([&](storage::Connection& db) -> Status {
    for (const City& city : cities) {
      auto optional = [](const std::string& text) {
        return text.empty() ? storage::Value(nullptr) : storage::Value(text);
      };
      Status status = db.Execute(
          "INSERT INTO cities (cbs_code, name, network, member_since, note) "
          "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (cbs_code) DO UPDATE SET "
          "name = ?2, network = ?3, member_since = ?4, note = ?5",
          std::vector<storage::Value>{city.cbs_code, city.name, city.network,
                                      optional(city.member_since),
                                      optional(city.note)});
      if (!status.ok()) return status.WithContext("storing " + city.cbs_code);
    }
    return Status::Ok();
  });
}

}  // namespace smartercities::domain
