// GET /api/v1/cities and GET /api/v1/cities/{city}: the covenant's cities
// with their CBS codes; one city with the themes it takes part in.
#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/domain/participation.h"

namespace smartercities::api {
namespace {

nlohmann::json CityJson(const storage::Row& row) {
  nlohmann::json out = {{"cbsCode", row.Text("cbs_code")},
                        {"name", row.Text("name")},
                        {"network", row.Text("network")},
                        {"url", "/api/v1/cities/" + row.Text("cbs_code")}};
  auto since = row.OptionalText("member_since");
  out["memberSince"] = since ? nlohmann::json(*since) : nlohmann::json(nullptr);
  return out;
}

}  // namespace

Status RegisterCityRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.permission = "public";
  options.cacheable = true;
  options.tag = "cities";
  options.body_limit_bytes = 0;
  options.summary = "The covenant's cities (G4 and G32) with their CBS codes";
  Status status = context.router->Add(PagedRoute(
      "/api/v1/cities", options, [ctx](http::Request&, const Page& page) {
        nlohmann::json items = nlohmann::json::array();
        Status read = ctx->database.Read([&](storage::Connection& db) {
          return db.Execute(
              "SELECT cbs_code, name, network, member_since FROM cities "
              "ORDER BY name",
              {}, [&](const storage::Row& row) {
                items.push_back(CityJson(row));
                return true;
              });
        });
        if (!read.ok()) return ProblemFor(read);
        return Collection(items, page);
      }));
  if (!status.ok()) return status;
  options.summary = "One city by its CBS code (GM followed by four digits)";
  return context.router->Add(
      {"GET", "/api/v1/cities/{city}", "core",
       [ctx](http::Request& request) {
         std::string code(request.Param("city"));
         std::optional<nlohmann::json> city;
         Status read = ctx->database.Read([&](storage::Connection& db) {
           return db.Execute(
               "SELECT cbs_code, name, network, member_since FROM cities "
               "WHERE cbs_code = ?1",
               std::vector<storage::Value>{code}, [&](const storage::Row& row) {
                 city = CityJson(row);
                 return false;
               });
         });
         if (!read.ok()) return ProblemFor(read);
         if (!city) {
           return ProblemFor(
               Status::NotFound("there is no city with CBS code '" + code +
                                "'; GET /api/v1/cities lists them"));
         }
         // The themes the city leads or is involved in (art. 1e, 1f).
         auto themes = domain::Participation(ctx->database).OfCity(code);
         if (!themes.ok()) return ProblemFor(themes.status());
         nlohmann::json items = nlohmann::json::array();
         for (const domain::Participant& participant : *themes) {
           std::string url = "/api/v1/themes/";
           url += participant.theme_id;
           items.push_back({{"theme", participant.theme_id},
                            {"role", participant.role},
                            {"since", participant.since},
                            {"source", participant.source},
                            {"url", url}});
         }
         (*city)["themes"] = items;
         return Json(200, *city);
       },
       options});
}

}  // namespace smartercities::api
