// The figures reported for an indicator:
//   GET  /api/v1/indicators/{indicator}/measurements[?city=GM0794]
//   POST /api/v1/indicators/{indicator}/measurements   (administrator)
//        {"city": "GM0794", "period": "2014-06", "value": 55.5, "source":
//        "..."}
#include <chrono>
#include <ctime>

#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/domain/measurements.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

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

std::string CurrentMonth() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[8];
  std::strftime(buffer, sizeof(buffer), "%Y-%m", &parts);
  return buffer;
}

// The enabled indicator, or the 404 to send.
std::variant<domain::IndicatorRecord, http::Response> LoadIndicator(
    ApiContext& context, std::string_view id) {
  auto record = context.catalog.GetIndicator(id);
  if (!record.ok()) return ProblemFor(record.status());
  if (!record->has_value() || !context.modules.IsEnabled((*record)->theme_id)) {
    return http::Response::Problem(
        404, "Not Found", "there is no indicator '" + std::string(id) + "'");
  }
  return std::move(**record);
}

std::optional<http::Response> ReadBody(const http::Request& request,
                                       domain::Measurement& measurement) {
  auto content_type = request.Header("content-type");
  if (!content_type || content_type->rfind("application/json", 0) != 0) {
    return http::Response::Problem(415, "Unsupported Media Type",
                                   "send the figure as application/json");
  }
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return http::Response::Problem(
        400, "Bad Request",
        "the body must be a JSON object with period, value and (for a "
        "per-city indicator) city");
  }
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
      return http::Response::Problem(
          400, "Bad Request",
          key + ": wrong type " + std::string(value.type_name()) + "; " +
              (key == "value" ? "send a number" : "send a string"));
    } else {
      return http::Response::Problem(
          400, "Bad Request",
          key + ": unknown field; send city, period, value and source");
    }
  }
  if (!body.contains("period")) {
    return http::Response::Problem(400, "Bad Request", "period: is required");
  }
  if (!body.contains("value")) {
    return http::Response::Problem(400, "Bad Request", "value: is required");
  }
  return std::nullopt;
}

}  // namespace

Status RegisterMeasurementRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.permission = "public";
  options.cacheable = true;
  options.tag = "measurements";
  options.body_limit_bytes = 0;
  options.summary = "The figures reported for an indicator, per city and month";
  Status status = context.router->Add(
      {"GET", "/api/v1/indicators/{indicator}/measurements", "core",
       [ctx](http::Request& request) {
         auto page = ParsePage(request);
         if (auto* problem = std::get_if<http::Response>(&page))
           return *problem;
         auto indicator = LoadIndicator(*ctx, request.Param("indicator"));
         if (auto* problem = std::get_if<http::Response>(&indicator)) {
           return *problem;
         }
         std::optional<std::string> city;
         if (auto filter = request.Query("city")) city = std::string(*filter);
         domain::Measurements measurements(ctx->database);
         auto list = measurements.List(request.Param("indicator"), city);
         if (!list.ok()) return ProblemFor(list.status());
         json items = json::array();
         for (const auto& m : *list) items.push_back(MeasurementJson(m));
         return Collection(items, std::get<Page>(page));
       },
       options});
  if (!status.ok()) return status;

  options.permission = "city-editor";
  options.cacheable = false;
  options.body_limit_bytes = 4096;
  options.summary =
      "Report a figure for an indicator (replaces the same month's)";
  return context.router->Add(
      {"POST", "/api/v1/indicators/{indicator}/measurements", "core",
       [ctx](http::Request& request) {
         auto indicator = LoadIndicator(*ctx, request.Param("indicator"));
         if (auto* problem = std::get_if<http::Response>(&indicator)) {
           return *problem;
         }
         domain::Measurement measurement;
         if (auto problem = ReadBody(request, measurement)) return *problem;
         measurement.recorded_by = request.CallerName("unknown");
         domain::Measurements measurements(ctx->database);
         auto stored = measurements.Record(
             std::get<domain::IndicatorRecord>(indicator).indicator,
             measurement, CurrentMonth());
         if (!stored.ok()) return ProblemFor(stored.status());
         return Json(201, MeasurementJson(*stored));
       },
       options});
}

}  // namespace smartercities::api
