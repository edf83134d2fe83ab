#include "core/domain/city_list.h"

#include <smartercities/csv.h>
#include <smartercities/text.h>

#include <regex>
#include <set>

namespace smartercities::domain {

Result<std::vector<City>> ParseCities(std::string_view csv,
                                      std::string_view source) {
  static const std::regex kCode("GM[0-9]{4}");
  static const std::regex kDate(R"((19|20)[0-9]{2}-[01][0-9]-[0-3][0-9])");
  static constexpr const char* kColumns[] = {"cbs_code", "name", "network",
                                             "member_since", "note"};
  std::vector<City> cities;
  std::set<std::string> codes;
  std::string prefix(source);
  sdk::CsvTable table = sdk::ReadCsv(csv);
  if (table.problem) {
    const sdk::CsvProblem& problem = *table.problem;
    std::string column = problem.field >= 1 && problem.field <= 5
                             ? std::string(kColumns[problem.field - 1]) + ": "
                             : "";
    return Status::InvalidArgument(prefix + ":" + std::to_string(problem.line) +
                                   ": " + column + problem.message);
  }
  if (table.records.empty() ||
      table.records.front().fields !=
          std::vector<std::string>(std::begin(kColumns), std::end(kColumns))) {
    return Status::InvalidArgument(
        prefix +
        ":1: the header must be cbs_code,name,network,member_since,note");
  }
  for (std::size_t i = 1; i < table.records.size(); ++i) {
    const sdk::CsvRecord& record = table.records[i];
    const std::vector<std::string>* fields = &record.fields;
    std::string where = prefix + ":" + std::to_string(record.line) + ": ";
    for (std::size_t f = 0; f < fields->size(); ++f) {
      if (auto problem = sdk::TextProblem((*fields)[f])) {
        return Status::InvalidArgument(where + kColumns[f] + ": " + *problem);
      }
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
