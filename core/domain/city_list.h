// city_list.h — the covenant's participating cities: parsing the seed list
// (data/cities.csv, built into the executable) and storing it.
//
// The CSV has the header cbs_code,name,network,member_since,note; fields may
// be quoted with "..." ("" inside for a quote). A bad row is reported with its
// line and field, and nothing is stored. Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_DOMAIN_CITY_LIST_H_
#define SMARTERCITIES_CORE_DOMAIN_CITY_LIST_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/storage/database.h"

namespace smartercities::domain {

struct City {
  std::string cbs_code;
  std::string name;
  std::string network;       // "G4" or "G32"
  std::string member_since;  // YYYY-MM-DD or empty
  std::string note;
};

// Parses the CSV text; source names it in messages ("cities.csv:7: network:
// must be G4 or G32, got \"G5\"").
Result<std::vector<City>> ParseCities(std::string_view csv,
                                      std::string_view source);

// Inserts or updates every city in one transaction.
Status StoreCities(storage::Database& database,
                   const std::vector<City>& cities);

// The seed list built into the executable.
std::string_view SeedCitiesCsv();

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_CITY_LIST_H_
