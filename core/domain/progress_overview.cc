#include "core/domain/progress_overview.h"

#include <algorithm>

namespace smartercities::domain {
namespace {

const std::vector<Figure> kNoFigures;

bool Concerns(const domain::Indicator& indicator, std::string_view city) {
  return indicator.cities.empty() ||
         std::find(indicator.cities.begin(), indicator.cities.end(), city) !=
             indicator.cities.end();
}

Assessment NoIndicator(AgreementKind kind) {
  Assessment out;
  out.status = ProgressStatus::kNoIndicator;
  out.rule = kind == AgreementKind::kEffort
                 ? "an effort agreement without an indicator: it promises "
                   "effort, not a measured result, so no status is computed"
                 : "a result agreement without an indicator: no figure "
                   "measures it, so no status is computed";
  return out;
}

}  // namespace

Assessment Assessment::Of(const SeriesProgress& series) {
  return {series.status, series.level, series.rated, series.rule};
}

Assessment Assessment::Of(const RollUp& rollup) {
  return {rollup.status, rollup.level, rollup.rated, rollup.rule};
}

Result<ProgressOverview> ProgressOverview::Compute(
    storage::Database& database, std::vector<ThemeManifest> themes,
    std::vector<std::string> cities, std::string at) {
  ProgressOverview overview;
  overview.at_ = std::move(at);
  overview.themes_ = std::move(themes);
  overview.cities_ = std::move(cities);
  std::sort(overview.cities_.begin(), overview.cities_.end());
  Status read = database.Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT indicator_id, COALESCE(city, '') AS city, period, value FROM "
        "measurements WHERE period <= ?1 ORDER BY indicator_id, city, period",
        std::vector<storage::Value>{overview.at_},
        [&](const storage::Row& row) {
          const auto& values = row.values();
          overview
              .figures_[std::get<std::string>(values[0])]
                       [std::get<std::string>(values[1])]
              .push_back({std::get<std::string>(values[2]),
                          row.OptionalReal("value").value_or(0)});
          return true;
        });
  });
  if (!read.ok()) return read;

  std::vector<Rating> theme_ratings;
  for (const ThemeManifest& theme : overview.themes_) {
    for (const domain::Indicator& indicator : theme.indicators) {
      IndicatorProgress progress;
      progress.theme_id = theme.id;
      progress.indicator = indicator;
      if (indicator.scope == IndicatorScope::kCity) {
        std::vector<Rating> ratings;
        for (const std::string& city : overview.cities_) {
          if (!Concerns(indicator, city)) continue;
          const std::vector<Figure>* figures =
              overview.Figures(indicator.id, city);
          SeriesProgress series =
              ComputeSeriesProgress(indicator, *figures, overview.at_);
          ratings.push_back({series.level, series.rated});
          progress.cities.emplace(city, std::move(series));
        }
        progress.rollup = RollUpOf(ratings);
        progress.network = Assessment::Of(*progress.rollup);
      } else {
        progress.series = ComputeSeriesProgress(
            indicator, *overview.Figures(indicator.id, ""), overview.at_);
        progress.network = Assessment::Of(*progress.series);
      }
      overview.indicators_.emplace(indicator.id, std::move(progress));
    }
    ThemeProgress theme_progress;
    theme_progress.theme_id = theme.id;
    std::vector<Rating> agreement_ratings;
    for (const Agreement& agreement : theme.agreements) {
      AgreementProgress progress;
      progress.theme_id = theme.id;
      progress.letter = agreement.letter;
      progress.kind = agreement.kind;
      std::vector<Rating> ratings;
      for (const std::string& id : agreement.indicators) {
        if (const IndicatorProgress* indicator = overview.Indicator(id)) {
          progress.indicators.push_back(id);
          ratings.push_back(indicator->network.rating());
        }
      }
      if (progress.indicators.empty()) {
        progress.assessment = NoIndicator(agreement.kind);
      } else {
        progress.rollup = RollUpOf(ratings);
        progress.assessment = Assessment::Of(*progress.rollup);
        agreement_ratings.push_back(progress.assessment.rating());
      }
      theme_progress.agreements.push_back(std::move(progress));
    }
    theme_progress.rollup = RollUpOf(agreement_ratings);
    theme_progress.assessment = Assessment::Of(theme_progress.rollup);
    theme_ratings.push_back(theme_progress.assessment.rating());
    overview.theme_progress_.push_back(std::move(theme_progress));
  }
  overview.network_rollup_ = RollUpOf(theme_ratings);
  overview.network_ = Assessment::Of(overview.network_rollup_);
  return overview;
}

const IndicatorProgress* ProgressOverview::Indicator(
    std::string_view id) const {
  auto found = indicators_.find(id);
  return found == indicators_.end() ? nullptr : &found->second;
}

const ThemeProgress* ProgressOverview::Theme(std::string_view id) const {
  for (const ThemeProgress& theme : theme_progress_) {
    if (theme.theme_id == id) return &theme;
  }
  return nullptr;
}

const ThemeManifest* ProgressOverview::Manifest(
    std::string_view theme_id) const {
  for (const ThemeManifest& theme : themes_) {
    if (theme.id == theme_id) return &theme;
  }
  return nullptr;
}

const std::vector<Figure>* ProgressOverview::Figures(
    std::string_view indicator_id, std::string_view city) const {
  auto by_indicator = figures_.find(indicator_id);
  if (by_indicator == figures_.end()) return &kNoFigures;
  auto by_city = by_indicator->second.find(std::string(city));
  if (by_city == by_indicator->second.end()) return &kNoFigures;
  return &by_city->second;
}

CityProgress ProgressOverview::ForCity(std::string_view cbs_code) const {
  CityProgress out;
  out.cbs_code = std::string(cbs_code);
  std::vector<Rating> theme_ratings;
  for (const ThemeManifest& theme : themes_) {
    CityThemeProgress theme_progress;
    theme_progress.theme_id = theme.id;
    std::vector<Rating> agreement_ratings;
    for (const Agreement& agreement : theme.agreements) {
      CityAgreementProgress progress;
      progress.letter = agreement.letter;
      progress.kind = agreement.kind;
      std::vector<Rating> ratings;
      for (const std::string& id : agreement.indicators) {
        const IndicatorProgress* indicator = Indicator(id);
        if (indicator == nullptr) continue;
        auto series = indicator->cities.find(out.cbs_code);
        if (series == indicator->cities.end()) continue;
        progress.series.emplace_back(id, &series->second);
        ratings.push_back({series->second.level, series->second.rated});
      }
      if (progress.series.empty()) continue;
      progress.rollup = RollUpOf(ratings);
      progress.assessment = Assessment::Of(*progress.rollup);
      agreement_ratings.push_back(progress.assessment.rating());
      theme_progress.agreements.push_back(std::move(progress));
    }
    if (theme_progress.agreements.empty()) continue;
    theme_progress.rollup = RollUpOf(agreement_ratings);
    theme_progress.assessment = Assessment::Of(theme_progress.rollup);
    theme_ratings.push_back(theme_progress.assessment.rating());
    out.themes.push_back(std::move(theme_progress));
  }
  out.rollup = RollUpOf(theme_ratings);
  out.assessment = Assessment::Of(out.rollup);
  return out;
}

Comparison ProgressOverview::Compare(std::string_view indicator_id,
                                     std::optional<std::string> period) const {
  Comparison out;
  out.indicator_id = std::string(indicator_id);
  const IndicatorProgress* indicator = Indicator(indicator_id);
  if (indicator == nullptr) return out;
  if (!period) {
    std::string latest;
    auto by_indicator = figures_.find(indicator_id);
    if (by_indicator != figures_.end()) {
      for (const auto& [city, figures] : by_indicator->second) {
        if (!city.empty() && !figures.empty()) {
          latest = std::max(latest, figures.back().period);
        }
      }
    }
    period = latest.empty() ? at_ : latest;
  }
  out.period = *period;
  for (const std::string& city : cities_) {
    if (indicator->indicator.scope != IndicatorScope::kCity ||
        !Concerns(indicator->indicator, city)) {
      continue;
    }
    const std::vector<Figure>* figures = Figures(indicator_id, city);
    const Figure* latest = nullptr;
    for (const Figure& figure : *figures) {
      if (figure.period > out.period) break;
      latest = &figure;
    }
    if (latest == nullptr) {
      out.without_figure.push_back(city);
      continue;
    }
    out.entries.push_back({city, *latest, 0});
  }
  bool decrease = indicator->indicator.direction == "decrease";
  std::stable_sort(
      out.entries.begin(), out.entries.end(),
      [decrease](const ComparisonEntry& a, const ComparisonEntry& b) {
        return decrease ? a.figure.value < b.figure.value
                        : a.figure.value > b.figure.value;
      });
  for (std::size_t i = 0; i < out.entries.size(); ++i) {
    bool tie =
        i > 0 && out.entries[i].figure.value == out.entries[i - 1].figure.value;
    out.entries[i].rank =
        tie ? out.entries[i - 1].rank : static_cast<int>(i + 1);
  }
  if (!out.entries.empty()) {
    std::vector<double> values;
    for (const ComparisonEntry& entry : out.entries) {
      values.push_back(entry.figure.value);
    }
    std::sort(values.begin(), values.end());
    std::size_t n = values.size();
    out.median =
        n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
  return out;
}

std::optional<HalfYear> ParseHalfYear(std::string_view text) {
  if (text.size() != 7 || text[4] != '-' || text[5] != 'H' ||
      (text[6] != '1' && text[6] != '2')) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < 4; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  if (!text.starts_with("19") && !text.starts_with("20")) return std::nullopt;
  std::string year(text.substr(0, 4));
  bool first = text[6] == '1';
  return HalfYear{std::string(text), year + (first ? "-01" : "-07"),
                  year + (first ? "-06" : "-12")};
}

}  // namespace smartercities::domain
