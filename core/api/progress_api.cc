// Progress toward the targets, computed from the figures (docs/progress.md),
// every status with the inputs that produced it:
//   GET /api/v1/indicators/{indicator}/progress[?at=2014-06]
//   GET /api/v1/indicators/{indicator}/comparison[?period=2014-06]
//   GET /api/v1/themes/{theme}/progress[?at=2014-06]
//   GET /api/v1/cities/{city}/progress[?at=2014-06]
// at is the month computed for (default: the current month); figures of
// later months are left out.
#include <ctime>

#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/base/time_format.h"
#include "core/domain/measurements.h"
#include "core/domain/progress_overview.h"
#include "core/report/progress_json.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

// ?name= as a month, the fallback when absent, or InvalidArgument.
Result<std::string> Month(const http::Request& request, std::string_view name,
                          std::string fallback) {
  auto text = request.Query(name);
  if (!text) return fallback;
  if (!domain::IsMonth(*text)) {
    return Status::InvalidArgument(
        "query parameter '" + std::string(name) +
        "' must be a month as YYYY-MM, e.g. 2014-06");
  }
  return std::string(*text);
}

struct Loaded {
  domain::ProgressOverview overview;
  report::CityNames names;
};

// The progress at month at of the enabled themes (only theme_id's when
// set), or why not (NotFound for a theme_id that is not enabled).
Result<Loaded> Load(ApiContext& context, std::optional<std::string> theme_id,
                    std::string at) {
  std::vector<domain::ThemeManifest> themes;
  auto ids = context.catalog.ThemeIds();
  if (!ids.ok()) return ids.status();
  for (const std::string& id : *ids) {
    if (theme_id && id != *theme_id) continue;
    if (!context.modules.IsEnabled(id)) continue;
    auto theme = context.catalog.GetTheme(id);
    if (!theme.ok()) return theme.status();
    if (theme->has_value()) themes.push_back(std::move(**theme));
  }
  if (theme_id && themes.empty()) {
    return Status::NotFound("there is no theme '" + *theme_id + "'");
  }
  report::CityNames names;
  std::vector<std::string> cities;
  Status read = context.database.Read([&](storage::Connection& db) {
    return db.Execute("SELECT cbs_code, name FROM cities", {},
                      [&](const storage::Row& row) {
                        cities.push_back(row.Text("cbs_code"));
                        names[row.Text("cbs_code")] = row.Text("name");
                        return true;
                      });
  });
  if (!read.ok()) return read;
  auto overview = domain::ProgressOverview::Compute(
      context.database, std::move(themes), std::move(cities), std::move(at));
  if (!overview.ok()) return overview.status();
  return Loaded{std::move(overview).value(), std::move(names)};
}

// The theme of an enabled indicator, or NotFound.
Result<std::string> ThemeOf(ApiContext& context, std::string_view indicator) {
  auto record = context.catalog.GetIndicator(indicator);
  if (!record.ok()) return record.status();
  if (!record->has_value() || !context.modules.IsEnabled((*record)->theme_id)) {
    return Status::NotFound("there is no indicator '" + std::string(indicator) +
                            "'");
  }
  return (*record)->theme_id;
}

}  // namespace

Status RegisterProgressRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.permission = "public";
  options.cacheable = true;
  options.tag = "progress";
  options.body_limit_bytes = 0;
  const http::QueryParam at_month = QueryParameter(
      "at",
      "The month the status is computed for (YYYY-MM); figures of later "
      "months are left out. Default: the current month",
      MonthSchema());

  options.query = {at_month};
  options.summary =
      "An indicator's progress toward its target, for the network and per "
      "city, each status with the inputs that produced it";
  Status status = context.router->Add(
      {"GET", "/api/v1/indicators/{indicator}/progress", "core",
       [ctx](http::Request& request) {
         std::string id(request.Param("indicator"));
         auto theme = ThemeOf(*ctx, id);
         if (!theme.ok()) return ProblemFor(theme.status());
         auto at = Month(request, "at", CurrentMonthUtc());
         if (!at.ok()) return ProblemFor(at.status());
         auto loaded = Load(*ctx, *theme, *at);
         if (!loaded.ok()) return ProblemFor(loaded.status());
         const Loaded& data = *loaded;
         const domain::IndicatorProgress* progress =
             data.overview.Indicator(id);
         if (progress == nullptr) {
           return ProblemFor(
               Status::NotFound("there is no indicator '" + id + "'"));
         }
         json body = report::IndicatorProgressJson(*progress, data.names);
         body["at"] = data.overview.at();
         body["method"] = report::MethodJson();
         return Json(200, body);
       },
       options});
  if (!status.ok()) return status;

  options.query = {QueryParameter(
      "period",
      "The month compared (YYYY-MM); each city's latest figure up to it. "
      "Default: the latest month with a figure",
      MonthSchema())};
  options.summary =
      "Every city's value of an indicator at a month, its rank, and the "
      "network's median";
  status = context.router->Add(
      {"GET", "/api/v1/indicators/{indicator}/comparison", "core",
       [ctx](http::Request& request) {
         std::string id(request.Param("indicator"));
         auto theme = ThemeOf(*ctx, id);
         if (!theme.ok()) return ProblemFor(theme.status());
         std::optional<std::string> period;
         if (request.Query("period")) {
           auto month = Month(request, "period", "");
           if (!month.ok()) return ProblemFor(month.status());
           period = *month;
         }
         std::string at = period ? *period : CurrentMonthUtc();
         auto loaded = Load(*ctx, *theme, at);
         if (!loaded.ok()) return ProblemFor(loaded.status());
         const Loaded& data = *loaded;
         const domain::IndicatorProgress* progress =
             data.overview.Indicator(id);
         if (progress == nullptr) {
           return ProblemFor(
               Status::NotFound("there is no indicator '" + id + "'"));
         }
         if (progress->indicator.scope != domain::IndicatorScope::kCity) {
           return ProblemFor(Status::InvalidArgument(
               "indicator '" + id +
               "' is measured for the network as a whole; there are no "
               "cities to compare"));
         }
         return Json(200,
                     report::ComparisonJson(data.overview.Compare(id, period),
                                            progress->indicator, data.names));
       },
       options});
  if (!status.ok()) return status;

  options.query = {at_month};
  options.summary =
      "A theme's progress: each agreement from its indicators, the theme "
      "from its agreements, with the inputs";
  status = context.router->Add(
      {"GET", "/api/v1/themes/{theme}/progress", "core",
       [ctx](http::Request& request) {
         std::string id(request.Param("theme"));
         auto at = Month(request, "at", CurrentMonthUtc());
         if (!at.ok()) return ProblemFor(at.status());
         auto loaded = Load(*ctx, id, *at);
         if (!loaded.ok()) return ProblemFor(loaded.status());
         const Loaded& data = *loaded;
         const domain::ThemeProgress* progress = data.overview.Theme(id);
         if (progress == nullptr) {
           return ProblemFor(
               Status::NotFound("there is no theme '" + id + "'"));
         }
         json body = report::ThemeProgressJson(*progress, data.overview);
         body["at"] = data.overview.at();
         body["method"] = report::MethodJson();
         return Json(200, body);
       },
       options});
  if (!status.ok()) return status;

  options.summary =
      "A city's progress on every indicator measured per city, rolled up "
      "per agreement and theme, with the inputs";
  return context.router->Add(
      {"GET", "/api/v1/cities/{city}/progress", "core",
       [ctx](http::Request& request) {
         std::string code(request.Param("city"));
         auto at = Month(request, "at", CurrentMonthUtc());
         if (!at.ok()) return ProblemFor(at.status());
         auto loaded = Load(*ctx, std::nullopt, *at);
         if (!loaded.ok()) return ProblemFor(loaded.status());
         const Loaded& data = *loaded;
         if (!data.names.contains(code)) {
           return ProblemFor(
               Status::NotFound("there is no city with CBS code '" + code +
                                "'; GET /api/v1/cities lists them"));
         }
         return Json(200, report::CityProgressJson(data.overview.ForCity(code),
                                                   data.overview, data.names));
       },
       options});
}

}  // namespace smartercities::api
