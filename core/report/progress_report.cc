#include "core/report/progress_report.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/web/view_helpers.h"

namespace smartercities::report {
namespace {

using domain::ProgressStatus;
using nlohmann::json;

std::string Text(const domain::LocalizedText& text, web::Language language) {
  return language == web::Language::kEnglish && !text.en.empty() ? text.en
                                                                 : text.nl;
}

std::string NameOf(const CityNames& names, const std::string& code) {
  auto found = names.find(code);
  return found == names.end() ? code : found->second;
}

bool NotRatedBeforeCovenant(const domain::SeriesProgress& series) {
  bool met = series.status == ProgressStatus::kTargetAchieved ||
             series.status == ProgressStatus::kDone;
  return series.deadline_before_covenant && series.deadline_passed && !met;
}

// A round upper bound for a chart's y axis: 1, 2 or 5 times a power of ten.
double NiceMax(double value) {
  if (value <= 0) return 1;
  double power = std::pow(10.0, std::floor(std::log10(value)));
  for (double step : {1.0, 2.0, 5.0, 10.0}) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

std::string TickNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

// The latest figure up to month of figures (sorted), or nullptr.
const domain::Figure* LatestUpTo(const std::vector<domain::Figure>& figures,
                                 const std::string& month) {
  const domain::Figure* latest = nullptr;
  for (const domain::Figure& figure : figures) {
    if (figure.period > month) break;
    latest = &figure;
  }
  return latest;
}

std::optional<double> Median(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The chart of an indicator up to the report's last month: each city's
// figures and the network's median (a quantity per city), the share of
// cities done (a milestone per city), or the network's figures.
std::optional<Chart> MakeChart(const domain::ProgressOverview& overview,
                               const domain::IndicatorProgress& progress,
                               const json& t) {
  const domain::Indicator& indicator = progress.indicator;
  const std::string& at = overview.at();
  bool milestone = indicator.kind == "milestone";
  std::vector<std::pair<std::string, const std::vector<domain::Figure>*>>
      series;
  if (indicator.scope == domain::IndicatorScope::kCity) {
    for (const auto& [code, unused] : progress.cities) {
      series.emplace_back(code, overview.Figures(indicator.id, code));
    }
  } else {
    if (milestone) return std::nullopt;
    series.emplace_back("", overview.Figures(indicator.id, ""));
  }
  std::string first;
  double max_value = indicator.target;
  for (const auto& [code, figures] : series) {
    for (const domain::Figure& figure : *figures) {
      if (figure.period > at) break;
      if (first.empty() || figure.period < first) first = figure.period;
      max_value = std::max(max_value, figure.value);
    }
  }
  if (first.empty()) return std::nullopt;
  int x0 = domain::MonthIndex(first);
  int x1 = std::max(domain::MonthIndex(at), x0 + 6);
  auto x_of = [&](const std::string& month) {
    return double(domain::MonthIndex(month) - x0) / double(x1 - x0);
  };
  bool percent = milestone || indicator.unit == "percent";
  double y_max = percent && max_value <= 100 ? 100 : NiceMax(max_value * 1.05);
  auto y_of = [&](double value) { return std::clamp(value / y_max, 0.0, 1.0); };

  Chart chart;
  int num_cities = 0;
  if (!milestone) {
    for (const auto& [code, figures] : series) {
      ChartLine line;
      line.emphasis = indicator.scope != domain::IndicatorScope::kCity;
      for (const domain::Figure& figure : *figures) {
        if (figure.period > at) break;
        line.points.emplace_back(x_of(figure.period), y_of(figure.value));
      }
      if (!line.points.empty()) {
        ++num_cities;
        chart.lines.push_back(std::move(line));
      }
    }
  }
  if (indicator.scope == domain::IndicatorScope::kCity) {
    // The network's median (or, for a milestone, the share of the cities
    // done) month by month.
    ChartLine network;
    network.emphasis = true;
    for (int month = x0; month <= domain::MonthIndex(at); ++month) {
      std::string period = domain::AddMonths(first, month - x0);
      std::vector<double> values;
      int done = 0;
      for (const auto& [code, figures] : series) {
        const domain::Figure* latest = LatestUpTo(*figures, period);
        if (latest == nullptr) continue;
        values.push_back(latest->value);
        if (latest->value >= 1) ++done;
      }
      if (values.empty()) continue;
      double y =
          milestone ? 100.0 * done / double(series.size()) : *Median(values);
      network.points.emplace_back(x_of(period), y_of(y));
    }
    chart.lines.push_back(std::move(network));
  }
  if (!milestone) chart.target_y = y_of(indicator.target);
  int deadline = domain::MonthIndex(indicator.deadline);
  if (deadline >= x0 && deadline <= x1) {
    chart.deadline_x = x_of(indicator.deadline);
  }
  for (int year = x0 / 12; year * 12 <= x1; ++year) {
    if (year * 12 < x0) continue;
    chart.x_ticks.emplace_back(double(year * 12 - x0) / double(x1 - x0),
                               std::to_string(year));
  }
  for (int i = 0; i <= 4; ++i) {
    double value = y_max * i / 4;
    chart.y_ticks.emplace_back(double(i) / 4,
                               TickNumber(value) + (percent ? "%" : ""));
  }
  const json& c = t["report"]["chart"];
  std::string from = web::FormatDate(first, t);
  std::string to = web::FormatDate(at, t);
  if (milestone) {
    chart.description =
        c["milestone"].get<std::string>() + " (" + from + " – " + to + ")";
  } else if (indicator.scope == domain::IndicatorScope::kCity) {
    chart.description = c["cities"].get<std::string>() + " (" +
                        std::to_string(num_cities) + ", " + from + " – " + to +
                        ")";
  } else {
    chart.description =
        c["network"].get<std::string>() + " (" + from + " – " + to + ")";
  }
  return chart;
}

json CountsJson(const std::map<std::string, int>& counts) {
  json out = json::object();
  for (const auto& [status, count] : counts) out[status] = count;
  return out;
}

std::string Base64Sha256(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(
      digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char encoded[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                         sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(encoded, sizeof(encoded), digest, sizeof(digest),
                    sodium_base64_VARIANT_ORIGINAL);
  return encoded;
}

}  // namespace

Result<ProgressReport> ProgressReport::Build(
    storage::Database& database, std::vector<domain::ThemeManifest> themes,
    CityNames names, domain::HalfYear period, const ReportSections& sections,
    const web::PageRenderer& pages, web::Language language) {
  ProgressReport report(pages);
  report.language_ = language;
  report.period_ = period;
  const json& t = pages.Translations(language);
  std::vector<std::string> codes;
  for (const auto& [code, name] : names) codes.push_back(code);
  auto computed = domain::ProgressOverview::Compute(database, std::move(themes),
                                                    codes, period.last_month);
  if (!computed.ok()) return computed.status();
  const domain::ProgressOverview& overview = *computed;

  std::map<std::string, domain::CityProgress> by_city;
  for (const std::string& code : codes) {
    by_city.emplace(code, overview.ForCity(code));
  }
  auto ahead_behind = [&](const std::function<const domain::Assessment*(
                              const domain::CityProgress&)>& pick) {
    json ahead = json::array();
    json behind = json::array();
    for (const auto& [code, city] : by_city) {
      const domain::Assessment* assessment = pick(city);
      if (assessment == nullptr || !assessment->rated) continue;
      json item = {
          {"city", code},
          {"cityName", NameOf(names, code)},
          {"status", std::string(domain::ToString(assessment->status))},
          {"level", assessment->level}};
      if (assessment->level >= 4) ahead.push_back(item);
      if (assessment->level <= 2) behind.push_back(item);
    }
    auto order = [](bool best_first) {
      return [best_first](const json& a, const json& b) {
        int la = a["level"], lb = b["level"];
        if (la != lb) return best_first ? la > lb : la < lb;
        return a["cityName"].get<std::string>() <
               b["cityName"].get<std::string>();
      };
    };
    std::sort(ahead.begin(), ahead.end(), order(true));
    std::sort(behind.begin(), behind.end(), order(false));
    return json{{"ahead", ahead}, {"behind", behind}};
  };

  json late = json::array();
  json deteriorating = json::array();
  json before_covenant = json::array();
  std::map<std::string, int> agreement_counts;
  std::map<std::string, int> indicator_counts;
  json themes_json = json::array();
  for (const domain::ThemeProgress& theme_progress :
       overview.theme_progress()) {
    const domain::ThemeManifest& theme =
        *overview.Manifest(theme_progress.theme_id);
    json agreements = json::array();
    for (const domain::AgreementProgress& agreement :
         theme_progress.agreements) {
      const domain::Agreement* source = nullptr;
      for (const domain::Agreement& a : theme.agreements) {
        if (a.letter == agreement.letter) source = &a;
      }
      ++agreement_counts[std::string(
          domain::ToString(agreement.assessment.status))];
      json indicators = json::array();
      for (const std::string& id : agreement.indicators) {
        const domain::IndicatorProgress* progress = overview.Indicator(id);
        const domain::Indicator& indicator = progress->indicator;
        json item = {{"indicator", id},
                     {"name", Text(indicator.name, language)},
                     {"unit", indicator.unit},
                     {"kind", indicator.kind},
                     {"scope", std::string(domain::ToString(indicator.scope))},
                     {"target", indicator.target},
                     {"deadline", indicator.deadline},
                     {"direction", indicator.direction},
                     {"deadlineBeforeCovenant",
                      domain::IsBeforeCovenant(indicator.deadline)}};
        item["network"] = progress->series ? SeriesJson(*progress->series)
                                           : AssessmentJson(progress->network,
                                                            &*progress->rollup);
        ++indicator_counts[std::string(
            domain::ToString(progress->network.status))];
        json cities = json::array();
        std::map<std::string, int> city_counts;
        json late_cities = json::array();
        json before_cities = json::array();
        for (const auto& [code, series] : progress->cities) {
          ++city_counts[std::string(domain::ToString(series.status))];
          cities.push_back(
              {{"city", code},
               {"cityName", NameOf(names, code)},
               {"status", std::string(domain::ToString(series.status))},
               {"level", series.level},
               {"rated", series.rated},
               {"current", series.current
                               ? json{{"period", series.current->period},
                                      {"value", series.current->value}}
                               : json(nullptr)}});
          if (series.status == ProgressStatus::kLate && series.rated) {
            late_cities.push_back(
                {{"city", code}, {"cityName", NameOf(names, code)}});
          }
          if (NotRatedBeforeCovenant(series)) {
            before_cities.push_back(
                {{"city", code}, {"cityName", NameOf(names, code)}});
          }
          if (series.status == ProgressStatus::kDeterioration && series.rated) {
            deteriorating.push_back({{"indicator", id},
                                     {"name", Text(indicator.name, language)},
                                     {"theme", theme.id},
                                     {"city", code},
                                     {"cityName", NameOf(names, code)},
                                     {"rule", series.rule}});
          }
        }
        if (progress->series) {
          const domain::SeriesProgress& series = *progress->series;
          if (series.status == ProgressStatus::kDeterioration && series.rated) {
            deteriorating.push_back({{"indicator", id},
                                     {"name", Text(indicator.name, language)},
                                     {"theme", theme.id},
                                     {"city", nullptr},
                                     {"rule", series.rule}});
          }
        }
        json where = {{"indicator", id},
                      {"name", Text(indicator.name, language)},
                      {"theme", theme.id},
                      {"agreement", theme.id + "/" + agreement.letter},
                      {"deadline", indicator.deadline}};
        bool network_late = progress->series &&
                            progress->series->status == ProgressStatus::kLate &&
                            progress->series->rated;
        if (network_late || !late_cities.empty()) {
          json item_late = where;
          item_late["network"] = network_late;
          item_late["cities"] = late_cities;
          late.push_back(item_late);
        }
        bool network_before =
            progress->series && NotRatedBeforeCovenant(*progress->series);
        if (network_before || !before_cities.empty()) {
          json item_before = where;
          item_before["network"] = network_before;
          item_before["cities"] = before_cities;
          before_covenant.push_back(item_before);
        }
        item["cityStatuses"] = CountsJson(city_counts);
        item["cities"] = cities;
        if (auto chart = MakeChart(overview, *progress, t)) {
          item["chart"] = true;
          report.charts_.emplace(id, std::move(*chart));
        } else {
          item["chart"] = false;
        }
        indicators.push_back(std::move(item));
      }
      json item =
          AssessmentJson(agreement.assessment,
                         agreement.rollup ? &*agreement.rollup : nullptr);
      item["agreement"] = theme.id + "/" + agreement.letter;
      item["letter"] = agreement.letter;
      item["kind"] = std::string(domain::ToString(agreement.kind));
      item["topic"] = source == nullptr ? "" : source->topic;
      item["goal"] = source == nullptr ? "" : source->goal;
      item["text"] = source == nullptr ? "" : source->text;
      item["indicators"] = indicators;
      agreements.push_back(std::move(item));
    }
    json leaders = json::array();
    for (const domain::Leader& leader : theme.leaders) {
      leaders.push_back(leader.name);
    }
    json item =
        AssessmentJson(theme_progress.assessment, &theme_progress.rollup);
    item["theme"] = theme.id;
    item["name"] = Text(theme.name, language);
    item["leaders"] = leaders;
    item["agreements"] = agreements;
    item["cities"] = ahead_behind(
        [&](const domain::CityProgress& city) -> const domain::Assessment* {
          for (const domain::CityThemeProgress& t2 : city.themes) {
            if (t2.theme_id == theme.id) return &t2.assessment;
          }
          return nullptr;
        });
    themes_json.push_back(std::move(item));
  }

  json section_list = json::array();
  for (const SectionSource& source : sections.sources()) {
    auto section = source(database, period, language);
    if (!section.ok()) return section.status();
    if (!section->has_value()) continue;
    const ReportSection& s = **section;
    json rows = json::array();
    for (const auto& row : s.rows) rows.push_back(row);
    section_list.push_back({{"id", s.id},
                            {"title", s.title},
                            {"paragraphs", s.paragraphs},
                            {"columns", s.columns},
                            {"rows", rows}});
  }

  report.model_ = {
      {"period", period.name},
      {"from", period.first_month},
      {"to", period.last_month},
      {"at", period.last_month},
      {"language", std::string(web::Code(language))},
      {"covenantEffectiveDate", std::string(domain::kCovenantEffectiveDate)},
      {"network",
       AssessmentJson(overview.network(), &overview.network_rollup())},
      {"counts",
       {{"agreements", CountsJson(agreement_counts)},
        {"indicators", CountsJson(indicator_counts)}}},
      {"cities",
       ahead_behind(
           [](const domain::CityProgress& city) -> const domain::Assessment* {
             return &city.assessment;
           })},
      {"themes", themes_json},
      {"decisions",
       {{"lateMilestones", late},
        {"deteriorating", deteriorating},
        {"beforeCovenant", before_covenant}}},
      {"sections", section_list},
      {"method", MethodJson()}};
  return report;
}

Result<ProgressReport> ProgressReport::BuildFromCatalog(
    storage::Database& database, domain::Catalog& catalog,
    const std::function<bool(std::string_view)>& theme_enabled,
    domain::HalfYear period, const ReportSections& sections,
    const web::PageRenderer& pages, web::Language language) {
  std::vector<domain::ThemeManifest> themes;
  auto ids = catalog.ThemeIds();
  if (!ids.ok()) return ids.status();
  for (const std::string& id : *ids) {
    if (theme_enabled && !theme_enabled(id)) continue;
    auto theme = catalog.GetTheme(id);
    if (!theme.ok()) return theme.status();
    if (theme->has_value()) themes.push_back(std::move(**theme));
  }
  CityNames names;
  Status read = database.Read([&](storage::Connection& db) {
    return db.Execute("SELECT cbs_code, name FROM cities", {},
                      [&](const storage::Row& row) {
                        names[row.Text("cbs_code")] = row.Text("name");
                        return true;
                      });
  });
  if (!read.ok()) return read;
  return Build(database, std::move(themes), std::move(names), std::move(period),
               sections, pages, language);
}

const Chart* ProgressReport::ChartOf(const std::string& indicator_id) const {
  auto found = charts_.find(indicator_id);
  return found == charts_.end() ? nullptr : &found->second;
}

std::string ProgressReport::StyleHash() const {
  const std::string* css = pages_->Partial("report_css");
  return "sha256-" + Base64Sha256(css == nullptr ? "" : *css);
}

}  // namespace smartercities::report
