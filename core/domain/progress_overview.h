// progress_overview.h — the progress of everything at one month: every
// indicator per city and for the network, every agreement, theme and city,
// computed from the stored figures with progress.h's method and its one
// roll-up rule:
//
//   a per-city indicator for the network  from its cities' series
//   a network-wide indicator              its own series
//   an agreement                          from its indicators (for the
//                                         network, or for one city)
//   a theme                               from its agreements
//   a city                                from its themes
//   the network                           from the themes
//
// An agreement without an indicator (most effort agreements) says so and is
// left out of its theme's roll-up.
//
// Thread-safety: Compute reads the database; the overview it returns is an
// immutable value that may be read from many threads.
#ifndef SMARTERCITIES_CORE_DOMAIN_PROGRESS_OVERVIEW_H_
#define SMARTERCITIES_CORE_DOMAIN_PROGRESS_OVERVIEW_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/model.h"
#include "core/domain/progress.h"
#include "core/storage/database.h"

namespace smartercities::domain {

// A status as a roll-up or a reader sees it: what, on which level, whether
// it counts, and why.
struct Assessment {
  ProgressStatus status = ProgressStatus::kNotEnoughData;
  int level = 0;
  bool rated = false;
  std::string rule;

  Rating rating() const { return {level, rated}; }
  static Assessment Of(const SeriesProgress& series);
  static Assessment Of(const RollUp& rollup);
};

struct IndicatorProgress {
  std::string theme_id;
  Indicator indicator;
  // A per-city indicator: the series of each city it concerns, by CBS code.
  std::map<std::string, SeriesProgress> cities;
  // A network-wide indicator: its series.
  std::optional<SeriesProgress> series;
  // A per-city indicator: the roll-up of its cities' series.
  std::optional<RollUp> rollup;
  // The indicator for the network: its series, or the roll-up of cities.
  Assessment network;
};

struct AgreementProgress {
  std::string theme_id;
  std::string letter;
  AgreementKind kind = AgreementKind::kResult;
  std::vector<std::string> indicators;
  // From the indicators' network assessments; kNoIndicator without any.
  Assessment assessment;
  std::optional<RollUp> rollup;
};

struct ThemeProgress {
  std::string theme_id;
  std::vector<AgreementProgress> agreements;
  Assessment assessment;
  RollUp rollup;
};

// One city's progress: its series of every per-city indicator that
// concerns it, rolled up per agreement, theme and for the city.
struct CityAgreementProgress {
  std::string letter;
  AgreementKind kind = AgreementKind::kResult;
  // (indicator id, the city's series), in the agreement's order.
  std::vector<std::pair<std::string, const SeriesProgress*>> series;
  Assessment assessment;
  std::optional<RollUp> rollup;
};
struct CityThemeProgress {
  std::string theme_id;
  std::vector<CityAgreementProgress> agreements;
  Assessment assessment;
  RollUp rollup;
};
struct CityProgress {
  std::string cbs_code;
  std::vector<CityThemeProgress> themes;  // those with an indicator for it
  Assessment assessment;
  RollUp rollup;
};

// Every city's value of an indicator at a month, ranked.
struct ComparisonEntry {
  std::string cbs_code;
  Figure figure;  // the city's latest figure up to the month
  int rank = 0;   // 1 is the best in the indicator's direction; ties share
};
struct Comparison {
  std::string indicator_id;
  std::string period;
  std::vector<ComparisonEntry> entries;     // by rank, then CBS code
  std::optional<double> median;             // of the values; the mean of the
                                            // two middle ones when even
  std::vector<std::string> without_figure;  // cities without a figure
};

class ProgressOverview {
 public:
  // Computes the progress of themes (whose catalogue entries are stored) at
  // month at ("YYYY-MM") from the stored figures up to at, for the cities
  // given by CBS code.
  static Result<ProgressOverview> Compute(storage::Database& database,
                                          std::vector<ThemeManifest> themes,
                                          std::vector<std::string> cities,
                                          std::string at);

  const std::string& at() const { return at_; }
  const std::vector<ThemeManifest>& themes() const { return themes_; }
  const std::vector<std::string>& cities() const { return cities_; }
  const std::vector<ThemeProgress>& theme_progress() const {
    return theme_progress_;
  }
  // The network from its themes.
  const Assessment& network() const { return network_; }
  const RollUp& network_rollup() const { return network_rollup_; }

  // nullptr for an indicator the overview does not hold.
  const IndicatorProgress* Indicator(std::string_view id) const;
  const ThemeProgress* Theme(std::string_view id) const;
  const ThemeManifest* Manifest(std::string_view theme_id) const;

  // The figures of an indicator's series, by city ("" for the network).
  const std::vector<Figure>* Figures(std::string_view indicator_id,
                                     std::string_view city) const;

  CityProgress ForCity(std::string_view cbs_code) const;

  // Every city's latest figure up to period (default: the latest month with
  // a figure up to at), ranked in the indicator's direction.
  Comparison Compare(std::string_view indicator_id,
                     std::optional<std::string> period) const;

 private:
  std::string at_;
  std::vector<ThemeManifest> themes_;
  std::vector<std::string> cities_;
  // indicator id -> city ("" for the network) -> figures by period
  std::map<std::string, std::map<std::string, std::vector<Figure>>, std::less<>>
      figures_;
  std::map<std::string, IndicatorProgress, std::less<>> indicators_;
  std::vector<ThemeProgress> theme_progress_;
  Assessment network_;
  RollUp network_rollup_;
};

// The half year a period names: "2013-H2" -> its first and last months
// ("2013-07", "2013-12"); nullopt for anything else.
struct HalfYear {
  std::string name;         // "2013-H2"
  std::string first_month;  // "2013-07"
  std::string last_month;   // "2013-12"
};
std::optional<HalfYear> ParseHalfYear(std::string_view text);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_PROGRESS_OVERVIEW_H_
