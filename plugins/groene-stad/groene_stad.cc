// De Groene Stad: the energy-use portal (agreements c and d) — annual
// electricity and gas use per neighbourhood or postcode area, imported from
// CSV all or nothing, with trends per city — data centres with their PUE
// (agreements a and b) and smart-grid pilots with their homes (agreement g).
//
// The CSV format is in energy_csv.h. A row for a city, area and year that
// exists replaces it.
#include <smartercities/plugin.h>
#include <smartercities/register.h>

#include <nlohmann/json.hpp>
#include <set>

#include "plugins/groene-stad/energy_csv.h"

namespace {

namespace sdk = smartercities::sdk;
using nlohmann::json;
using smartercities::groene_stad::EnergyCsv;
using smartercities::groene_stad::EnergyRow;
using smartercities::groene_stad::kEnergyCsvHeader;
using smartercities::groene_stad::ParseEnergyCsv;

class GroeneStad : public sdk::Theme {
 public:
  sdk::Status Init(sdk::Host& host) override {
    host_ = &host;
    sdk::Status status = datacentres_.Mount(host);
    if (status.ok()) status = smart_grids_.Mount(host);
    if (status.ok()) {
      status = host.Route(
          "POST", "/energy-use/import",
          [this](const sdk::Request& request, sdk::Response& response) {
            Import(request, response);
          });
    }
    if (status.ok()) {
      status = host.Route(
          "GET", "/energy-use",
          [this](const sdk::Request& request, sdk::Response& response) {
            List(request, response);
          });
    }
    if (!status.ok()) return status;
    return host.Route(
        "GET", "/energy-use/trends",
        [this](const sdk::Request& request, sdk::Response& response) {
          Trends(request, response);
        });
  }

 private:
  // Parses the whole file first; the first problem is reported with its line
  // and field, and then nothing is stored.
  std::optional<std::vector<EnergyRow>> Parse(std::string_view body,
                                              sdk::Response& response) {
    std::set<std::string> cities;
    for (const auto& row :
         host_->Query("SELECT cbs_code FROM public_cities").value()) {
      cities.insert(row.Text("cbs_code"));
    }
    EnergyCsv csv = ParseEnergyCsv(body, cities);
    if (csv.problem) {
      response.Problem(400, "Bad Request",
                       smartercities::groene_stad::Describe(*csv.problem) +
                           "; nothing was imported");
      return std::nullopt;
    }
    return std::move(csv.rows);
  }

  void Import(const sdk::Request& request, sdk::Response& response) {
    auto type = request.Header("content-type");
    if (!type || type->rfind("text/csv", 0) != 0) {
      response.Problem(415, "Unsupported Media Type",
                       "send the file as text/csv with the header " +
                           std::string(kEnergyCsvHeader));
      return;
    }
    auto rows = Parse(request.body(), response);
    if (!rows) return;
    std::string who(request.caller().name);
    std::string now = sdk::UtcNow();
    auto amount = [](const std::optional<double>& value) {
      return value ? sdk::Value(*value) : sdk::Value(nullptr);
    };
    sdk::Status stored = host_->Transaction([&](sc_transaction* transaction) {
      for (const EnergyRow& row : *rows) {
        sdk::Status inserted =
            host_
                ->Query(
                    "INSERT INTO groene_stad_energy_use (city, area, year, "
                    "electricity_kwh, gas_m3, updated_at, updated_by, is_demo) "
                    "VALUES "
                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, 0) ON CONFLICT (city, area, "
                    "year) DO "
                    "UPDATE SET electricity_kwh = ?4, gas_m3 = ?5, updated_at "
                    "= ?6, "
                    "updated_by = ?7, is_demo = 0",
                    {row.city, row.area, row.year, amount(row.electricity_kwh),
                     amount(row.gas_m3), now, who},
                    transaction)
                .status();
        if (!inserted.ok()) return inserted;
      }
      return sdk::Status::Ok();
    });
    if (!stored.ok()) throw sdk::Error(stored);
    response.Json(200, json{{"imported", rows->size()}}.dump(
                           -1, ' ', false, json::error_handler_t::replace));
  }

  void List(const sdk::Request& request, sdk::Response& response) {
    std::int64_t page = 1;
    std::int64_t page_size = 100;
    if (!sdk::ReadPage(request, response, page, page_size)) {
      return;
    }
    std::string where = " WHERE 1 = 1";
    std::vector<sdk::Value> params;
    if (auto city = request.Query("city")) {
      params.push_back(std::string(*city));
      where += " AND city = ?" + std::to_string(params.size());
    }
    if (auto area = request.Query("area")) {
      params.push_back(std::string(*area));
      where += " AND area = ?" + std::to_string(params.size());
    }
    auto total =
        host_
            ->Query("SELECT COUNT(*) AS n FROM groene_stad_energy_use" + where,
                    params)
            .value();
    params.push_back(page_size);
    params.push_back((page - 1) * page_size);
    auto rows = host_
                    ->Query("SELECT * FROM groene_stad_energy_use" + where +
                                " ORDER BY city, area, year LIMIT ?" +
                                std::to_string(params.size() - 1) +
                                " OFFSET ?" + std::to_string(params.size()),
                            params)
                    .value();
    json items = json::array();
    for (const auto& row : rows) {
      json item = {{"city", row.Text("city")},
                   {"area", row.Text("area")},
                   {"year", row.Integer("year")},
                   {"demo", row.Integer("is_demo") != 0}};
      item["electricityKwh"] = row.IsNull("electricity_kwh")
                                   ? json(nullptr)
                                   : json(row.Real("electricity_kwh"));
      item["gasM3"] =
          row.IsNull("gas_m3") ? json(nullptr) : json(row.Real("gas_m3"));
      items.push_back(item);
    }
    response.Json(200,
                  json{{"items", items},
                       {"total", total.front().Integer("n")},
                       {"page", page},
                       {"pageSize", page_size}}
                      .dump(-1, ' ', false, json::error_handler_t::replace));
  }

  void Trends(const sdk::Request& request, sdk::Response& response) {
    std::vector<sdk::Value> params;
    std::string where;
    if (auto city = request.Query("city")) {
      params.push_back(std::string(*city));
      where = " WHERE e.city = ?1";
    }
    auto rows =
        host_
            ->Query(
                "SELECT e.city AS city, c.name AS name, e.year AS year, "
                "SUM(e.electricity_kwh) AS electricity, SUM(e.gas_m3) AS gas, "
                "COUNT(*) AS areas, MAX(e.is_demo) AS demo FROM "
                "groene_stad_energy_use "
                "e JOIN public_cities c ON c.cbs_code = e.city" +
                    where +
                    " GROUP BY e.city, c.name, e.year ORDER BY c.name, e.year",
                params)
            .value();
    json items = json::array();
    for (const auto& row : rows) {
      json item = {{"city", row.Text("city")},
                   {"cityName", row.Text("name")},
                   {"year", row.Integer("year")},
                   {"areas", row.Integer("areas")},
                   {"demo", row.Integer("demo") != 0}};
      item["electricityKwh"] = row.IsNull("electricity")
                                   ? json(nullptr)
                                   : json(row.Real("electricity"));
      item["gasM3"] = row.IsNull("gas") ? json(nullptr) : json(row.Real("gas"));
      items.push_back(item);
    }
    response.Json(200, json{{"items", items}, {"total", items.size()}}.dump(
                           -1, ' ', false, json::error_handler_t::replace));
  }

  sdk::Host* host_ = nullptr;
  sdk::Register datacentres_{
      {.table = "groene_stad_datacentres",
       .path = "/data-centres",
       .fields = {sdk::Field::City().Required(),
                  sdk::Field::Text("name").Required(),
                  sdk::Field::Real("pue", 1, 10).Required()}}};
  sdk::Register smart_grids_{
      {.table = "groene_stad_smart_grids",
       .path = "/smart-grid-pilots",
       .fields = {sdk::Field::City().Required(),
                  sdk::Field::Text("name").Required(),
                  sdk::Field::Integer("homes", 0, 10000000).Required(),
                  sdk::Field::Date("startedOn")}}};
};

}  // namespace

SMARTERCITIES_PLUGIN(GroeneStad)
