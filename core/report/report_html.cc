// The progress report as a printable HTML page: the report model turned into
// the view model of web/templates/report.mustache, with each chart's
// geometry as SVG coordinates.
#include <cstdio>

#include "core/report/progress_report.h"
#include "core/report/report_view.h"
#include "core/web/view_helpers.h"

namespace smartercities::report {
namespace {

using nlohmann::json;

// The chart's drawing area in SVG user units.
constexpr double kWidth = 560;
constexpr double kHeight = 200;
constexpr double kLeft = 48;
constexpr double kRight = 12;
constexpr double kTop = 10;
constexpr double kBottom = 26;

std::string Coordinate(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f", value);
  return buffer;
}

double X(double x) { return kLeft + x * (kWidth - kLeft - kRight); }
double Y(double y) { return kTop + (1 - y) * (kHeight - kTop - kBottom); }

json ChartView(const Chart& chart) {
  json lines = json::array();
  // The cities' lines first, the network's over them.
  for (bool emphasis : {false, true}) {
    for (const ChartLine& line : chart.lines) {
      if (line.emphasis != emphasis) continue;
      std::string points;
      for (const auto& [x, y] : line.points) {
        if (!points.empty()) points += ' ';
        points += Coordinate(X(x));
        points += ',';
        points += Coordinate(Y(y));
      }
      lines.push_back(
          {{"points", points},
           {"emphasis", emphasis},
           {"single", line.points.size() == 1},
           {"x",
            line.points.empty() ? "" : Coordinate(X(line.points[0].first))},
           {"y",
            line.points.empty() ? "" : Coordinate(Y(line.points[0].second))}});
    }
  }
  json x_ticks = json::array();
  for (const auto& [x, label] : chart.x_ticks) {
    x_ticks.push_back({{"x", Coordinate(X(x))},
                       {"labelY", Coordinate(kHeight - 8)},
                       {"top", Coordinate(kTop)},
                       {"bottom", Coordinate(kHeight - kBottom)},
                       {"label", label}});
  }
  json y_ticks = json::array();
  for (const auto& [y, label] : chart.y_ticks) {
    y_ticks.push_back({{"y", Coordinate(Y(y))},
                       {"labelY", Coordinate(Y(y) + 4)},
                       {"labelX", Coordinate(kLeft - 6)},
                       {"left", Coordinate(kLeft)},
                       {"right", Coordinate(kWidth - kRight)},
                       {"label", label}});
  }
  json view = {{"width", Coordinate(kWidth)},
               {"height", Coordinate(kHeight)},
               {"lines", lines},
               {"xTicks", x_ticks},
               {"yTicks", y_ticks},
               {"description", chart.description},
               {"left", Coordinate(kLeft)},
               {"right", Coordinate(kWidth - kRight)},
               {"top", Coordinate(kTop)},
               {"bottom", Coordinate(kHeight - kBottom)}};
  // Set even when there is no such line: a missing name would be looked up
  // in the enclosing indicator, whose target and deadline are its numbers.
  view["target"] = false;
  view["deadline"] = false;
  if (chart.target_y) {
    view["target"] = {{"y", Coordinate(Y(*chart.target_y))},
                      {"labelY", Coordinate(Y(*chart.target_y) - 4)}};
  }
  if (chart.deadline_x) {
    view["deadline"] = {{"x", Coordinate(X(*chart.deadline_x))}};
  }
  return view;
}

}  // namespace

// What a status looks like to a reader: its words and the class of its
// badge.
json StatusView(const json& t, const std::string& status,
                bool before_covenant) {
  std::string key =
      before_covenant && status != "target-achieved" && status != "done"
          ? "before-covenant"
          : status;
  return {{"label", t["progress"]["status"][key]},
          {"class", "sc-status--" + key}};
}

json ReportView(const ProgressReport& report, const web::PageRenderer& pages,
                web::Language language) {
  const json& t = pages.Translations(language);
  const json& model = report.model();
  const json& r = t["report"];
  auto status_view = [&](const json& item) {
    bool before = item.value("deadlineBeforeCovenant", false) &&
                  item.value("deadlinePassed", false);
    return StatusView(t, item["status"].get<std::string>(), before);
  };
  auto value = [&](double number, const std::string& unit) {
    return web::FormatValue(number, unit, language, t);
  };
  std::string half = model["period"].get<std::string>();
  std::string half_label =
      (half.ends_with("H1") ? r["firstHalf"] : r["secondHalf"])
          .get<std::string>() +
      " " + half.substr(0, 4);

  json toc = json::array();
  json themes = json::array();
  toc.push_back({{"anchor", "samenvatting"}, {"title", r["summary"]}});
  toc.push_back({{"anchor", "besluitpunten"}, {"title", r["decisions"]}});
  for (const json& theme : model["themes"]) {
    std::string anchor = "thema-" + theme["theme"].get<std::string>();
    toc.push_back({{"anchor", anchor}, {"title", theme["name"]}});
    json agreements = json::array();
    for (const json& agreement : theme["agreements"]) {
      json indicators = json::array();
      for (const json& indicator : agreement["indicators"]) {
        const std::string id = indicator["indicator"];
        const json& network = indicator["network"];
        json counts = json::array();
        for (const auto& [status, count] : indicator["cityStatuses"].items()) {
          json badge = StatusView(t, status, false);
          counts.push_back({{"label", badge["label"]},
                            {"class", badge["class"]},
                            {"count", count}});
        }
        json item = {
            {"name", indicator["name"]},
            {"id", id},
            {"target", value(indicator["target"].get<double>(),
                             indicator["unit"].get<std::string>())},
            {"deadline",
             web::FormatDate(indicator["deadline"].get<std::string>(), t)},
            {"scope",
             indicator["scope"] == "city" ? r["perCity"] : r["network"]},
            {"status", status_view(network)},
            {"rule", network["rule"]},
            {"counts", counts},
            {"hasCounts", !counts.empty()}};
        if (const Chart* chart = report.ChartOf(id)) {
          item["chart"] = ChartView(*chart);
        }
        indicators.push_back(std::move(item));
      }
      agreements.push_back(
          {{"label", agreement["agreement"]},
           {"anchor", "afspraak-" + theme["theme"].get<std::string>() + "-" +
                          agreement["letter"].get<std::string>()},
           {"topic", agreement["topic"]},
           {"goal", agreement["goal"]},
           {"kind", agreement["kind"] == "result"
                        ? t["agreement"]["kindResult"]
                        : t["agreement"]["kindEffort"]},
           {"status", status_view(agreement)},
           {"rule", agreement["rule"]},
           {"indicators", indicators},
           {"hasIndicators", !indicators.empty()}});
    }
    auto city_list = [&](const json& list) {
      json out = json::array();
      for (const json& city : list) {
        out.push_back({{"name", city["cityName"]},
                       {"status", StatusView(t, city["status"], false)}});
      }
      return out;
    };
    themes.push_back({{"anchor", anchor},
                      {"name", theme["name"]},
                      {"leaders", theme["leaders"]},
                      {"status", status_view(theme)},
                      {"rule", theme["rule"]},
                      {"agreements", agreements},
                      {"ahead", city_list(theme["cities"]["ahead"])},
                      {"behind", city_list(theme["cities"]["behind"])},
                      {"hasAhead", !theme["cities"]["ahead"].empty()},
                      {"hasBehind", !theme["cities"]["behind"].empty()}});
  }
  auto cities_of = [](const json& item) {
    std::string out;
    for (const json& city : item["cities"]) {
      if (!out.empty()) out += ", ";
      out += city["cityName"].get<std::string>();
    }
    return out;
  };
  auto decision_list = [&](const json& list) {
    json out = json::array();
    for (const json& item : list) {
      std::string where = cities_of(item);
      if (item.value("network", false)) {
        where = r["network"].get<std::string>() +
                (where.empty() ? "" : "; " + where);
      }
      out.push_back({{"name", item["name"]},
                     {"agreement", item["agreement"]},
                     {"deadline",
                      web::FormatDate(item["deadline"].get<std::string>(), t)},
                     {"where", where}});
    }
    return out;
  };
  json deteriorating = json::array();
  for (const json& item : model["decisions"]["deteriorating"]) {
    deteriorating.push_back(
        {{"name", item["name"]},
         {"where", item["city"].is_null() ? r["network"] : item["cityName"]},
         {"rule", item["rule"]}});
  }
  json counts = json::array();
  for (const auto& [status, count] : model["counts"]["agreements"].items()) {
    json badge = StatusView(t, status, false);
    counts.push_back({{"label", badge["label"]},
                      {"class", badge["class"]},
                      {"count", count}});
  }
  json sections = json::array();
  for (const json& section : model["sections"]) {
    std::string anchor = "onderdeel-" + section["id"].get<std::string>();
    toc.push_back({{"anchor", anchor}, {"title", section["title"]}});
    json rows = json::array();
    for (const json& row : section["rows"]) rows.push_back({{"cells", row}});
    sections.push_back({{"anchor", anchor},
                        {"title", section["title"]},
                        {"paragraphs", section["paragraphs"]},
                        {"columns", section["columns"]},
                        {"rows", rows},
                        {"hasTable", !section["columns"].empty()}});
  }
  toc.push_back({{"anchor", "methode"}, {"title", r["method"]}});
  auto city_names = [&](const json& list) {
    json out = json::array();
    for (const json& city : list) {
      out.push_back({{"name", city["cityName"]},
                     {"status", StatusView(t, city["status"], false)}});
    }
    return out;
  };
  const json& thresholds = model["method"]["thresholds"];
  auto number = [&](const char* key) {
    return web::FormatNumber(thresholds[key].get<double>(), language);
  };
  std::string ratio = r["ratio"];
  json bands = json::array();
  auto band = [&](const char* status, std::string text) {
    json badge = StatusView(t, status, false);
    bands.push_back({{"class", badge["class"]},
                     {"label", badge["label"]},
                     {"text", std::move(text)}});
  };
  band("target-achieved", r["bandAchieved"]);
  band("substantial-progress", ratio + " ≥ " + number("substantial"));
  band("moderate-progress",
       number("moderate") + " ≤ " + ratio + " < " + number("substantial"));
  band("limited-progress",
       number("limited") + " ≤ " + ratio + " < " + number("moderate"));
  band("deterioration", ratio + " < " + number("limited"));
  band("not-enough-data", r["bandNoData"]);
  const json& late = model["decisions"]["lateMilestones"];
  const json& before = model["decisions"]["beforeCovenant"];
  return {{"title", r["title"].get<std::string>() + " " + half_label},
          {"halfYear", half_label},
          {"upTo", web::FormatDate(model["at"].get<std::string>(), t)},
          {"network", status_view(model["network"])},
          {"networkRule", model["network"]["rule"]},
          {"counts", counts},
          {"toc", toc},
          {"themes", themes},
          {"ahead", city_names(model["cities"]["ahead"])},
          {"behind", city_names(model["cities"]["behind"])},
          {"hasAhead", !model["cities"]["ahead"].empty()},
          {"hasBehind", !model["cities"]["behind"].empty()},
          {"late", decision_list(late)},
          {"hasLate", !late.empty()},
          {"deteriorating", deteriorating},
          {"hasDeteriorating", !deteriorating.empty()},
          {"beforeCovenant", decision_list(before)},
          {"hasBeforeCovenant", !before.empty()},
          {"sections", sections},
          {"bands", bands}};
}

std::string ProgressReport::Html() const {
  return pages_->Render("report", language_,
                        ReportView(*this, *pages_, language_));
}

}  // namespace smartercities::report
