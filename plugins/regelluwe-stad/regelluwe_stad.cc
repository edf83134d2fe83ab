// De Regelluwe Stad: the covenant's agreements on less regulatory burden for
// businesses, and the theme's own register: each city's eHerkenning and
// e-invoicing status (agreements c, d and e).
//
//   GET /api/v1/themes/regelluwe-stad/city-status          every city
//   GET /api/v1/themes/regelluwe-stad/city-status/{city}   one city
//   PUT /api/v1/themes/regelluwe-stad/city-status/{city}   report (admin)
#include <smartercities/plugin.h>
#include <smartercities/register.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace {

namespace sdk = smartercities::sdk;
using nlohmann::json;

constexpr const char* kSelect =
    "SELECT c.cbs_code AS cbs_code, c.name AS name, "
    "s.eherkenning_implemented AS eherkenning_implemented, "
    "s.eherkenning_implemented_on AS eherkenning_implemented_on, "
    "s.eherkenning_services_percent AS eherkenning_services_percent, "
    "s.e_invoices_percent AS e_invoices_percent, s.updated_at AS updated_at, "
    "s.source AS source, s.is_demo AS is_demo "
    "FROM public_cities c LEFT JOIN regelluwe_stad_city_status s "
    "ON s.cbs_code = c.cbs_code";

json OptionalNumber(const sdk::Row& row, std::string_view column) {
  return row.IsNull(column) ? json(nullptr) : json(row.Real(column));
}

json OptionalText(const sdk::Row& row, std::string_view column) {
  return row.IsNull(column) ? json(nullptr) : json(row.Text(column));
}

json StatusJson(const sdk::Row& row) {
  json item = {{"city", row.Text("cbs_code")}, {"cityName", row.Text("name")}};
  item["eherkenningImplemented"] =
      row.IsNull("eherkenning_implemented")
          ? json(nullptr)
          : json(row.Integer("eherkenning_implemented") != 0);
  item["eherkenningImplementedOn"] =
      OptionalText(row, "eherkenning_implemented_on");
  item["eherkenningServicesPercent"] =
      OptionalNumber(row, "eherkenning_services_percent");
  item["eInvoicesPercent"] = OptionalNumber(row, "e_invoices_percent");
  item["updatedAt"] = OptionalText(row, "updated_at");
  item["source"] = OptionalText(row, "source");
  item["demo"] = !row.IsNull("is_demo") && row.Integer("is_demo") != 0;
  return item;
}

// A validated report for one city.
struct Report {
  bool eherkenning_implemented = false;
  std::optional<std::string> implemented_on;
  std::optional<double> services_percent;
  std::optional<double> invoices_percent;
  std::optional<std::string> source;
};

// Reads and checks the body; on a problem writes the 400 and returns nullopt.
std::optional<Report> ReadReport(std::string_view body,
                                 sdk::Response& response) {
  auto bad = [&](const std::string& detail) {
    response.Problem(400, "Bad Request", detail);
    return std::nullopt;
  };
  json input = json::parse(body, nullptr, false);
  if (input.is_discarded() || !input.is_object()) {
    return bad(
        "the body must be a JSON object, e.g. {\"eherkenningImplemented\": "
        "true, \"eInvoicesPercent\": 64.5}");
  }
  Report report;
  for (const auto& [key, value] : input.items()) {
    if (key == "eherkenningImplemented") {
      if (!value.is_boolean()) return bad(key + ": must be true or false");
      report.eherkenning_implemented = value.get<bool>();
    } else if (key == "eherkenningImplementedOn") {
      if (value.is_null()) continue;
      if (!value.is_string() ||
          !sdk::IsCalendarDate(value.get<std::string>())) {
        return bad(key + ": must be a date YYYY-MM-DD or null");
      }
      report.implemented_on = value.get<std::string>();
    } else if (key == "eherkenningServicesPercent" ||
               key == "eInvoicesPercent") {
      if (value.is_null()) continue;
      if (!value.is_number()) return bad(key + ": must be a number or null");
      double percent = value.get<double>();
      if (!std::isfinite(percent) || percent < 0 || percent > 100) {
        return bad(key + ": must lie between 0 and 100, got " +
                   value.dump(-1, ' ', false, json::error_handler_t::replace));
      }
      (key == "eInvoicesPercent" ? report.invoices_percent
                                 : report.services_percent) = percent;
    } else if (key == "source") {
      if (value.is_null()) continue;
      if (!value.is_string()) return bad(key + ": must be text or null");
      if (auto problem = smartercities::sdk::TextProblem(
              value.get<std::string>(), {.max_characters = 500})) {
        return bad(key + ": " + *problem);
      }
      report.source = value.get<std::string>();
    } else {
      return bad(key +
                 ": unknown field; send eherkenningImplemented, "
                 "eherkenningImplementedOn, eherkenningServicesPercent, "
                 "eInvoicesPercent and source");
    }
  }
  if (!input.contains("eherkenningImplemented")) {
    return bad("eherkenningImplemented: is required (true or false)");
  }
  if (report.implemented_on && !report.eherkenning_implemented) {
    return bad(
        "eherkenningImplementedOn: give a date only when "
        "eherkenningImplemented is true");
  }
  return report;
}

sdk::Value Optional(const std::optional<std::string>& text) {
  return text ? sdk::Value(*text) : sdk::Value(nullptr);
}

sdk::Value Optional(const std::optional<double>& number) {
  return number ? sdk::Value(*number) : sdk::Value(nullptr);
}

class RegelluweStad : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    host_ = &host;
    sdk::Status status = host.Route(
        "GET", "/city-status",
        [this](const sdk::Request& request, sdk::Response& response) {
          ListStatus(request, response);
        });
    if (!status.ok()) return status;
    status = host.Route(
        "GET", "/city-status/{city}",
        [this](const sdk::Request& request, sdk::Response& response) {
          GetStatus(request, response);
        });
    if (!status.ok()) return status;
    return host.Route(
        "PUT", "/city-status/{city}",
        [this](const sdk::Request& request, sdk::Response& response) {
          PutStatus(request, response);
        });
  }

 private:
  void ListStatus(const sdk::Request& request, sdk::Response& response) {
    std::int64_t page = 1;
    std::int64_t page_size = 100;
    if (!sdk::ReadPage(request, response, page, page_size)) {
      return;
    }
    auto total =
        host_->Query("SELECT COUNT(*) AS n FROM public_cities").value();
    auto rows = host_
                    ->Query(std::string(kSelect) +
                                " ORDER BY c.name LIMIT ?1 OFFSET ?2",
                            {page_size, (page - 1) * page_size})
                    .value();
    json items = json::array();
    for (const auto& row : rows) items.push_back(StatusJson(row));
    response.Json(200,
                  json{{"items", items},
                       {"total", total.front().Integer("n")},
                       {"page", page},
                       {"pageSize", page_size}}
                      .dump(-1, ' ', false, json::error_handler_t::replace));
  }

  std::optional<sdk::Row> FindCity(std::string_view code) {
    auto rows = host_
                    ->Query(std::string(kSelect) + " WHERE c.cbs_code = ?1",
                            {std::string(code)})
                    .value();
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  void GetStatus(const sdk::Request& request, sdk::Response& response) {
    std::string code(request.Param("city").value_or(""));
    auto row = FindCity(code);
    if (!row) {
      response.Problem(404, "Not Found",
                       "there is no city with CBS code '" +
                           smartercities::sdk::Printable(code) +
                           "'; GET /api/v1/cities lists them");
      return;
    }
    response.Json(200, StatusJson(*row).dump(-1, ' ', false,
                                             json::error_handler_t::replace));
  }

  void PutStatus(const sdk::Request& request, sdk::Response& response) {
    std::string code(request.Param("city").value_or(""));
    auto report = ReadReport(request.body(), response);
    if (!report) return;
    if (!FindCity(code)) {
      response.Problem(400, "Bad Request",
                       "city: '" + smartercities::sdk::Printable(code) +
                           "' is not a city of the covenant; use a CBS code "
                           "from GET /api/v1/cities");
      return;
    }
    std::string who(request.caller().name);
    host_
        ->Query(
            "INSERT INTO regelluwe_stad_city_status (cbs_code, "
            "eherkenning_implemented, eherkenning_implemented_on, "
            "eherkenning_services_percent, e_invoices_percent, updated_at, "
            "updated_by, source, is_demo) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
            "?8, "
            "0) ON CONFLICT (cbs_code) DO UPDATE SET eherkenning_implemented = "
            "?2, "
            "eherkenning_implemented_on = ?3, eherkenning_services_percent = "
            "?4, "
            "e_invoices_percent = ?5, updated_at = ?6, updated_by = ?7, "
            "source = ?8, is_demo = 0",
            {code, std::int64_t{report->eherkenning_implemented ? 1 : 0},
             Optional(report->implemented_on),
             Optional(report->services_percent),
             Optional(report->invoices_percent), sdk::UtcNow(), who,
             Optional(report->source)})
        .value();
    response.Json(200,
                  StatusJson(*FindCity(code))
                      .dump(-1, ' ', false, json::error_handler_t::replace));
  }

  sdk::Host* host_ = nullptr;
};

}  // namespace

SMARTERCITIES_PLUGIN(RegelluweStad)
