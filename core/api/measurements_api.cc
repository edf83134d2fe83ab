// The figures reported for indicators, per city and month:
//   GET  /api/v1/indicators/{indicator}/measurements[?city=&period=&from=&to=]
//   POST /api/v1/indicators/{indicator}/measurements   one figure
//        {"city": "GM0794", "period": "2014-06", "value": 55.5, "source": ...}
//   POST /api/v1/indicators/{indicator}/measurements/import   a CSV file
//   GET  /api/v1/cities/{city}/measurements[?indicator=&theme=&period=...]
//   POST /api/v1/cities/{city}/measurements/import           a CSV file
//   GET  /api/v1/measurements[?indicator=&city=&theme=&period=&from=&to=]
//   POST /api/v1/measurements                    many figures {"items": [...]}
//   POST /api/v1/measurements/import             a CSV file
//   GET  /api/v1/measurements/corrections        what corrections replaced
// The GETs answer JSON, or CSV (the import's format) to Accept: text/csv.
// Bulk writes and imports check every row, report every problem and store
// all or nothing; ?dryRun=true checks and counts without storing. Who may
// write which row is decided per row (domain::Reporter): a city editor's
// file may hold only the city's figures.
#include <chrono>
#include <ctime>
#include <map>

#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/api/request_body.h"
#include "core/base/time_format.h"
#include "core/domain/measurement_import.h"
#include "core/domain/measurements.h"
#include "core/http/content_negotiation.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

constexpr std::size_t kImportBodyLimitBytes = 64 * 1024 * 1024;
constexpr std::size_t kBulkBodyLimitBytes = 16 * 1024 * 1024;

json MeasurementJson(const domain::Measurement& m) {
  json out = {{"indicator", m.indicator_id},
              {"period", m.period},
              {"value", m.value},
              {"demo", m.is_demo},
              {"recordedAt", m.recorded_at}};
  out["city"] = m.city.empty() ? json(nullptr) : json(m.city);
  out["source"] = m.source.empty() ? json(nullptr) : json(m.source);
  return out;
}

json CorrectionJson(const domain::Correction& c) {
  json out = {{"indicator", c.indicator_id},
              {"period", c.period},
              {"oldValue", c.old_value},
              {"newValue", c.new_value},
              {"oldRecordedAt", c.old_recorded_at},
              {"oldRecordedBy", c.old_recorded_by},
              {"changedAt", c.changed_at},
              {"changedBy", c.changed_by}};
  out["city"] = c.city.empty() ? json(nullptr) : json(c.city);
  out["oldSource"] = c.old_source.empty() ? json(nullptr) : json(c.old_source);
  out["newSource"] = c.new_source.empty() ? json(nullptr) : json(c.new_source);
  out["importId"] = c.import_id ? json(*c.import_id) : json(nullptr);
  return out;
}

// Who calls, as the authorization point put it in the request.
domain::Reporter ReporterOf(const http::Request& request) {
  return {request.CallerName("unknown"), std::string(request.CallerRole()),
          std::string(request.CallerScope())};
}

// The enabled indicator, or NotFound.
Result<domain::IndicatorRecord> LoadIndicator(ApiContext& context,
                                              std::string_view id) {
  auto record = context.catalog.GetIndicator(id);
  if (!record.ok()) return record.status();
  if (!record->has_value() || !context.modules.IsEnabled((*record)->theme_id)) {
    return Status::NotFound("there is no indicator '" + std::string(id) + "'");
  }
  return std::move(**record);
}

// Ok if the city exists, otherwise NotFound.
Status CheckCity(ApiContext& context, const std::string& code) {
  bool found = false;
  Status read = context.database.Read([&](storage::Connection& db) {
    return db.Execute("SELECT 1 FROM cities WHERE cbs_code = ?1",
                      std::vector<storage::Value>{code},
                      [&](const storage::Row&) {
                        found = true;
                        return false;
                      });
  });
  if (!read.ok()) return read;
  if (found) return Status::Ok();
  return Status::NotFound("there is no city with CBS code '" + code +
                          "'; GET /api/v1/cities lists them");
}

// The themes of the indicators whose module is enabled now.
Result<std::map<std::string, std::string>> EnabledIndicators(
    ApiContext& context) {
  std::map<std::string, std::string> themes;
  Status read = context.database.Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT id, theme_id FROM indicators WHERE retired_at IS NULL", {},
        [&](const storage::Row& row) {
          std::string theme = row.Text("theme_id");
          if (context.modules.IsEnabled(theme)) {
            themes.emplace(row.Text("id"), theme);
          }
          return true;
        });
  });
  if (!read.ok()) return read;
  return themes;
}

// ?name= as a month ("2014-06"; nullopt when absent), or InvalidArgument.
Result<std::optional<std::string>> MonthParameter(const http::Request& request,
                                                  std::string_view name) {
  auto text = request.Query(name);
  if (!text) return std::optional<std::string>();
  if (!domain::IsMonth(*text)) {
    return Status::InvalidArgument(
        "query parameter '" + std::string(name) +
        "' must be a month as YYYY-MM, e.g. 2014-06");
  }
  return std::optional<std::string>(std::string(*text));
}

// The filters of the query (period, from, to, and for collections across
// indicators: indicator, city, theme), or InvalidArgument.
Result<domain::MeasurementFilter> FilterOf(const http::Request& request) {
  domain::MeasurementFilter filter;
  for (auto [name, field] :
       {std::pair{"period", &filter.period}, std::pair{"from", &filter.from},
        std::pair{"to", &filter.to}}) {
    auto month = MonthParameter(request, name);
    if (!month.ok()) return month.status();
    *field = *month;
  }
  if (auto indicator = request.Query("indicator")) {
    filter.indicator_id = std::string(*indicator);
  }
  if (auto city = request.Query("city")) filter.city = std::string(*city);
  if (auto theme = request.Query("theme"))
    filter.theme_id = std::string(*theme);
  return filter;
}

std::string VariantOf(const http::Request& request) {
  return http::Negotiate(request.Header("accept").value_or(""),
                         {"application/json", "text/csv"})
      .value_or("none");
}

// The figures as the request asks for them: a page of JSON, or all as CSV.
http::Response Figures(ApiContext& context, const http::Request& request,
                       const Page& page, domain::MeasurementFilter filter) {
  auto type = http::Negotiate(request.Header("accept").value_or(""),
                              {"application/json", "text/csv"});
  if (!type) return http::NotAcceptable({"application/json", "text/csv"});
  auto enabled = EnabledIndicators(context);
  if (!enabled.ok()) return ProblemFor(enabled.status());
  domain::Measurements measurements(context.database);
  auto list = measurements.Find(filter);
  if (!list.ok()) return ProblemFor(list.status());
  std::erase_if(*list, [&](const domain::Measurement& m) {
    return !enabled->contains(m.indicator_id);
  });
  http::Response response;
  if (*type == "text/csv") {
    response.SetHeader("Content-Type",
                       "text/csv; charset=utf-8; header=present");
    response.body = domain::FiguresCsv(*list);
  } else {
    json items = json::array();
    for (const auto& m : *list) items.push_back(MeasurementJson(m));
    response = Collection(items, page);
  }
  response.SetHeader("Vary", "Accept");
  return response;
}

// ?dryRun=true|false, or InvalidArgument.
Result<bool> DryRun(const http::Request& request) {
  auto text = request.Query("dryRun");
  if (!text || *text == "false") return false;
  if (*text == "true") return true;
  return Status::InvalidArgument(
      "query parameter 'dryRun' must be true or false");
}

domain::ImportOptions OptionsFor(ApiContext& context,
                                 const http::Request& request, bool dry_run) {
  domain::ImportOptions options;
  options.reporter = ReporterOf(request);
  options.current_month = CurrentMonthUtc();
  options.dry_run = dry_run;
  options.theme_available = [&context](std::string_view theme) {
    return context.modules.IsEnabled(theme);
  };
  return options;
}

// The answer to an import or bulk write: its report, or a problem listing
// every row that has one (403 when each is a row the caller may not write).
http::Response ImportAnswer(const domain::ImportReport& report, bool is_csv) {
  if (report.num_problems == 0) {
    json body = {
        {"stored", report.stored},       {"dryRun", report.dry_run},
        {"rows", report.rows},           {"inserted", report.inserted},
        {"corrected", report.corrected}, {"unchanged", report.unchanged}};
    body["importId"] =
        report.import_id ? json(*report.import_id) : json(nullptr);
    if (is_csv) {
      body["delimiter"] = std::string(1, report.delimiter);
      body["decimalCommas"] = report.decimal_commas;
      body["firstDecimalCommaLine"] =
          report.decimal_commas > 0 ? json(report.first_decimal_comma_line)
                                    : json(nullptr);
      body["fileHash"] = report.file_hash;
    }
    return Json(200, body);
  }
  bool all_refused = true;
  json problems = json::array();
  for (const domain::ImportProblem& problem : report.problems) {
    all_refused = all_refused && problem.refused;
    std::string where = (is_csv ? "line " : "items[") +
                        std::to_string(problem.line) + (is_csv ? "" : "]");
    json item = {{"name", problem.column.empty()
                              ? where
                              : where + (is_csv ? ", " : ".") + problem.column},
                 {"reason", problem.reason}};
    item[is_csv ? "line" : "item"] = problem.line;
    item[is_csv ? "column" : "field"] =
        problem.column.empty() ? json(nullptr) : json(problem.column);
    if (is_csv) {
      item["columnNumber"] = problem.column_number == 0
                                 ? json(nullptr)
                                 : json(problem.column_number);
    }
    item["value"] = problem.value;
    problems.push_back(std::move(item));
  }
  int status =
      all_refused && report.num_problems == report.problems.size() ? 403 : 400;
  std::string what = is_csv ? "file" : "list";
  std::string detail =
      "the " + what + " has " + std::to_string(report.num_problems) +
      (report.num_problems == 1 ? " problem" : " problems") +
      "; nothing was stored. invalidParams names each " +
      (is_csv ? "line and column" : "item and field") +
      (report.problems.size() < report.num_problems
           ? " (the first " + std::to_string(report.problems.size()) + ")"
           : std::string()) +
      ".";
  json body = {{"type", "about:blank"},
               {"title", std::string(http::ReasonPhrase(status))},
               {"status", status},
               {"detail", detail},
               {"rows", report.rows},
               {"numProblems", report.num_problems},
               {"dryRun", report.dry_run},
               {"invalidParams", problems}};
  http::Response response = Json(status, body);
  response.SetHeader("Content-Type", "application/problem+json");
  return response;
}

http::Response ImportCsv(ApiContext& context, const http::Request& request,
                         std::optional<std::string> indicator,
                         std::optional<std::string> city) {
  auto dry_run = DryRun(request);
  if (!dry_run.ok()) return ProblemFor(dry_run.status());
  domain::ImportOptions options = OptionsFor(context, request, *dry_run);
  options.indicator = std::move(indicator);
  options.city = std::move(city);
  domain::MeasurementImport import(context.database);
  auto report = import.ImportCsv(request.body, options);
  if (!report.ok()) return ProblemFor(report.status());
  return ImportAnswer(*report, true);
}

// A bulk write's body: {"items": [{"indicator", "city", "period", "value",
// "source"}, ...]}, or InvalidArgument.
Result<std::vector<domain::FigureInput>> ReadItems(
    const http::Request& request) {
  auto body = ReadObject(request, {"items"});
  if (!body.ok()) return body.status();
  const json& object = *body;
  if (!object.contains("items") || !object["items"].is_array()) {
    return Status::InvalidArgument(
        "items: is required, a list of figures {indicator, city, period, "
        "value, source}");
  }
  std::vector<domain::FigureInput> figures;
  const json& items = object["items"];
  for (std::size_t i = 0; i < items.size(); ++i) {
    const json& item = items[i];
    std::string where = "items[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      return Status::InvalidArgument(where + ": must be an object");
    }
    domain::FigureInput figure;
    for (const auto& [key, value] : item.items()) {
      std::string* text = key == "indicator" ? &figure.indicator
                          : key == "city"    ? &figure.city
                          : key == "period"  ? &figure.period
                          : key == "source"  ? &figure.source
                                             : nullptr;
      if (text != nullptr && (value.is_string() || value.is_null())) {
        if (value.is_string()) *text = value.get<std::string>();
      } else if (key == "value" && value.is_number()) {
        figure.value = value.get<double>();
      } else if (text != nullptr || key == "value") {
        return Status::InvalidArgument(
            where + "." + key + ": wrong type " +
            std::string(value.type_name()) + "; " +
            (key == "value" ? "send a number" : "send a string"));
      } else {
        return Status::InvalidArgument(
            where + "." + key.substr(0, 60) +
            ": unknown field; send indicator, city, period, value and "
            "source");
      }
    }
    figures.push_back(std::move(figure));
  }
  return figures;
}

// Whether the request says its body is JSON.
bool IsJson(const http::Request& request) {
  auto content_type = request.Header("content-type");
  return content_type && content_type->rfind("application/json", 0) == 0;
}

// One figure's JSON body {"city", "period", "value", "source"}, or
// InvalidArgument naming the field.
Result<domain::Measurement> ReadFigure(const http::Request& request) {
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status::InvalidArgument(
        "the body must be a JSON object with period, value and (for a "
        "per-city indicator) city");
  }
  domain::Measurement measurement;
  for (const auto& [key, value] : body.items()) {
    if (key == "city" && (value.is_string() || value.is_null())) {
      measurement.city = value.is_string() ? value.get<std::string>() : "";
    } else if (key == "period" && value.is_string()) {
      measurement.period = value.get<std::string>();
    } else if (key == "value" && value.is_number()) {
      measurement.value = value.get<double>();
    } else if (key == "source" && (value.is_string() || value.is_null())) {
      measurement.source = value.is_string() ? value.get<std::string>() : "";
    } else if (key == "city" || key == "period" || key == "value" ||
               key == "source") {
      return Status::InvalidArgument(
          key + ": wrong type " + std::string(value.type_name()) + "; " +
          (key == "value" ? "send a number" : "send a string"));
    } else {
      return Status::InvalidArgument(
          key + ": unknown field; send city, period, value and source");
    }
  }
  if (!body.contains("period")) {
    return Status::InvalidArgument("period: is required");
  }
  if (!body.contains("value")) {
    return Status::InvalidArgument("value: is required");
  }
  return measurement;
}

}  // namespace

Status RegisterMeasurementRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  auto add = [&](const std::string& method, const std::string& pattern,
                 const http::RouteOptions& options, http::Handler handler) {
    return context.router->Add(
        {method, pattern, "core", std::move(handler), options});
  };

  http::RouteOptions read;
  read.permission = "public";
  read.cacheable = true;
  read.cache_variant = &VariantOf;
  read.tag = "measurements";
  read.body_limit_bytes = 0;
  read.response_types = {"application/json", "text/csv"};
  // The months' filters; collections across indicators also filter by
  // indicator and theme, and all but a city's by city.
  const std::vector<http::QueryParam> months = {
      QueryParameter("period", "Only this month (YYYY-MM)", MonthSchema()),
      QueryParameter("from", "Only from this month on (YYYY-MM)",
                     MonthSchema()),
      QueryParameter("to", "Only up to this month (YYYY-MM)", MonthSchema())};
  const http::QueryParam indicator_filter =
      QueryParameter("indicator", "Only this indicator");
  const http::QueryParam theme_filter =
      QueryParameter("theme", "Only this theme's indicators");
  const http::QueryParam city_filter = QueryParameter(
      "city", "Only this city (a CBS code); empty for the network");
  const std::vector<http::QueryParam> dry_run_query = {QueryParameter(
      "dryRun",
      "true: check every row and count what would change, store nothing",
      {{"type", "boolean"}, {"default", false}})};

  http::RouteOptions import;
  import.permission = "authenticated";
  import.tag = "measurements";
  import.body_type = "text/csv";
  import.body_limit_bytes = kImportBodyLimitBytes;
  import.deadline = std::chrono::minutes(2);
  import.query = dry_run_query;
  import.doc.request_schema = ComponentSchemaRef("FiguresCsv");

  read.summary =
      "The figures reported for an indicator, per city and month (JSON, or "
      "CSV to Accept: text/csv)";
  read.query = months;
  read.query.push_back(city_filter);
  Status status = context.router->Add(PagedRoute(
      "/api/v1/indicators/{indicator}/measurements", read,
      [ctx](http::Request& request, const Page& page) {
        auto indicator = LoadIndicator(*ctx, request.Param("indicator"));
        if (!indicator.ok()) return ProblemFor(indicator.status());
        auto filter = FilterOf(request);
        if (!filter.ok()) return ProblemFor(filter.status());
        auto& chosen = *filter;
        chosen.indicator_id = std::string(request.Param("indicator"));
        return Figures(*ctx, request, page, chosen);
      }));
  if (!status.ok()) return status;

  http::RouteOptions write;
  write.permission = "city-editor";
  write.tag = "measurements";
  write.body_limit_bytes = 4096;
  write.summary =
      "Report a figure for an indicator (replaces the same month's; the "
      "replaced value is kept as a correction)";
  write.doc.request_schema = ComponentSchemaRef("MeasurementInput");
  status =
      add("POST", "/api/v1/indicators/{indicator}/measurements", write,
          [ctx](http::Request& request) {
            auto indicator = LoadIndicator(*ctx, request.Param("indicator"));
            if (!indicator.ok()) return ProblemFor(indicator.status());
            if (!IsJson(request)) {
              return ProblemFor(415, "send the figure as application/json");
            }
            Result<domain::Measurement> measurement = ReadFigure(request);
            if (!measurement.ok()) {
              return ProblemFor(measurement.status());
            }
            measurement->recorded_by = ReporterOf(request).name;
            domain::Measurements measurements(ctx->database);
            auto stored = measurements.Record(indicator->indicator,
                                              *measurement, CurrentMonthUtc());
            if (!stored.ok()) return ProblemFor(stored.status());
            return Json(201, MeasurementJson(*stored));
          });
  if (!status.ok()) return status;

  import.summary =
      "Import an indicator's figures from a CSV file (all or nothing; "
      "?dryRun=true checks only)";
  status = add(
      "POST", "/api/v1/indicators/{indicator}/measurements/import", import,
      [ctx](http::Request& request) {
        auto indicator = LoadIndicator(*ctx, request.Param("indicator"));
        if (!indicator.ok()) return ProblemFor(indicator.status());
        return ImportCsv(*ctx, request, std::string(request.Param("indicator")),
                         std::nullopt);
      });
  if (!status.ok()) return status;

  read.summary =
      "A city's figures across indicators (JSON, or CSV to Accept: text/csv)";
  read.query = months;
  read.query.push_back(indicator_filter);
  read.query.push_back(theme_filter);
  status = context.router->Add(
      PagedRoute("/api/v1/cities/{city}/measurements", read,
                 [ctx](http::Request& request, const Page& page) {
                   std::string city(request.Param("city"));
                   if (Status found = CheckCity(*ctx, city); !found.ok()) {
                     return ProblemFor(found);
                   }
                   auto filter = FilterOf(request);
                   if (!filter.ok()) return ProblemFor(filter.status());
                   auto& chosen = *filter;
                   chosen.city = city;
                   return Figures(*ctx, request, page, chosen);
                 }));
  if (!status.ok()) return status;

  import.summary =
      "Import a city's figures from a CSV file (all or nothing; "
      "?dryRun=true checks only)";
  status = add("POST", "/api/v1/cities/{city}/measurements/import", import,
               [ctx](http::Request& request) {
                 std::string city(request.Param("city"));
                 if (Status found = CheckCity(*ctx, city); !found.ok()) {
                   return ProblemFor(found);
                 }
                 return ImportCsv(*ctx, request, std::nullopt, city);
               });
  if (!status.ok()) return status;

  read.summary =
      "Figures of every indicator and city, filtered by indicator, city, "
      "theme or months (JSON, or CSV to Accept: text/csv)";
  read.query.push_back(city_filter);
  status = context.router->Add(
      PagedRoute("/api/v1/measurements", read,
                 [ctx](http::Request& request, const Page& page) {
                   auto filter = FilterOf(request);
                   if (!filter.ok()) return ProblemFor(filter.status());
                   return Figures(*ctx, request, page, *filter);
                 }));
  if (!status.ok()) return status;

  http::RouteOptions bulk;
  bulk.permission = "authenticated";
  bulk.tag = "measurements";
  bulk.body_limit_bytes = kBulkBodyLimitBytes;
  bulk.deadline = std::chrono::minutes(1);
  bulk.query = dry_run_query;
  bulk.summary =
      "Report many figures at once (all or nothing; ?dryRun=true checks "
      "only)";
  bulk.doc.request_schema = ComponentSchemaRef("MeasurementBulkInput");
  status =
      add("POST", "/api/v1/measurements", bulk, [ctx](http::Request& request) {
        auto dry_run = DryRun(request);
        if (!dry_run.ok()) return ProblemFor(dry_run.status());
        auto items = ReadItems(request);
        if (!items.ok()) return ProblemFor(items.status());
        domain::MeasurementImport bulk_import(ctx->database);
        auto report =
            bulk_import.ImportList(*items, OptionsFor(*ctx, request, *dry_run));
        if (!report.ok()) return ProblemFor(report.status());
        return ImportAnswer(*report, false);
      });
  if (!status.ok()) return status;

  import.summary =
      "Import figures of any indicators and cities from a CSV file (all or "
      "nothing; ?dryRun=true checks only)";
  status = add("POST", "/api/v1/measurements/import", import,
               [ctx](http::Request& request) {
                 return ImportCsv(*ctx, request, std::nullopt, std::nullopt);
               });
  if (!status.ok()) return status;

  http::RouteOptions corrections;
  corrections.permission = "authenticated";
  corrections.tag = "measurements";
  corrections.body_limit_bytes = 0;
  corrections.summary =
      "The corrections of figures: the value each replaced, who replaced it "
      "and when (filter by indicator, city and months)";
  corrections.query = read.query;
  return context.router->Add(
      PagedRoute("/api/v1/measurements/corrections", corrections,
                 [ctx](http::Request& request, const Page& page) {
                   auto filter = FilterOf(request);
                   if (!filter.ok()) return ProblemFor(filter.status());
                   domain::Measurements measurements(ctx->database);
                   auto history = measurements.History(*filter);
                   if (!history.ok()) return ProblemFor(history.status());
                   json items = json::array();
                   for (const auto& c : *history) {
                     items.push_back(CorrectionJson(c));
                   }
                   return Collection(items, page);
                 }));
}

}  // namespace smartercities::api
