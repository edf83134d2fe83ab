// energy_csv.h — the Groene Stad energy-use CSV import: annual electricity
// and gas use per neighbourhood or postcode area.
//
// The file is CSV as RFC 4180 defines it (read by sdk::ReadCsv, see
// smartercities/csv.h), in UTF-8, starting with the header line
//   city,area,year,electricity_kwh,gas_m3
// followed by one row per city, area and year:
//   GM0307,3811,2013,40100000,9300000
// city is the CBS code of a covenant city; area a neighbourhood or postcode,
// 1 to 40 characters of one line without control characters; year four
// digits from 2000 to 2100; the two figures are decimal numbers of at least
// 0 ("40100000", "1234.5", "2.5e3") or empty. A city, area and year may
// appear once.
//
// Parsing is pure (no host, no database) and thread-safe.
#ifndef SMARTERCITIES_PLUGINS_GROENE_STAD_ENERGY_CSV_H_
#define SMARTERCITIES_PLUGINS_GROENE_STAD_ENERGY_CSV_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace smartercities::groene_stad {

inline constexpr const char* kEnergyCsvHeader =
    "city,area,year,electricity_kwh,gas_m3";

struct EnergyRow {
  std::string city;
  std::string area;
  std::int64_t year = 0;
  std::optional<double> electricity_kwh;
  std::optional<double> gas_m3;
};

// Why a file is refused: the line (1 is the header), the column when one
// field is to blame ("year"; empty otherwise) and what is wrong there
// ("must be a year such as 2013, got \"13\"").
struct EnergyCsvProblem {
  std::size_t line = 0;
  std::string column;
  std::string message;
};

// The rows of a file, or the first problem in it (and then no rows).
struct EnergyCsv {
  std::vector<EnergyRow> rows;
  std::optional<EnergyCsvProblem> problem;
};

// "line 2, column area: is not UTF-8 text (byte 0xFF at character 1)".
std::string Describe(const EnergyCsvProblem& problem);

// Parses text; city codes not in known_cities are refused.
EnergyCsv ParseEnergyCsv(std::string_view text,
                         const std::set<std::string>& known_cities);

}  // namespace smartercities::groene_stad

#endif  // SMARTERCITIES_PLUGINS_GROENE_STAD_ENERGY_CSV_H_
