// What every /api/ route declares, checked over real sockets against the
// whole platform with every theme plugin loaded: an undeclared query
// parameter is refused naming it, a bad page is refused, 405 names HEAD
// beside GET, an Accept the route cannot serve gets 406, and the OpenAPI
// document lists the same parameters and answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/app/platform.h"
#include "tests/support/served_platform.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;

class ApiConventionsTest : public testing::ServedPlatformTest {
 protected:
  static HttpResponse Get(const std::string& target,
                          std::map<std::string, std::string> headers = {}) {
    return Fetch(platform_->port(), "GET", target, headers);
  }

  static json Problem(const HttpResponse& response) {
    EXPECT_EQ(response.Header("Content-Type"), "application/problem+json");
    return json::parse(response.body, nullptr, false);
  }

  // The operation's query parameters by name.
  static std::map<std::string, json> QueryParameters(const json& operation) {
    std::map<std::string, json> out;
    for (const json& parameter : operation.value("parameters", json::array())) {
      if (parameter["in"] == "query") out[parameter["name"]] = parameter;
    }
    return out;
  }
};

TEST_F(ApiConventionsTest, AnUndeclaredQueryParameterIsRefusedNamingIt) {
  HttpResponse refused = Get("/api/v1/themes?page_size=5");
  EXPECT_EQ(refused.status, 400) << refused.body;
  json problem = Problem(refused);
  std::string detail = problem["detail"];
  EXPECT_THAT(detail, HasSubstr("'page_size'"));
  // It lists what the route takes.
  EXPECT_THAT(detail, HasSubstr("page, pageSize"));

  // A route without parameters says so.
  HttpResponse none = Get("/api/v1/themes/groene-stad?lang=en");
  EXPECT_EQ(none.status, 400);
  EXPECT_THAT(std::string(Problem(none)["detail"]),
              HasSubstr("takes no query parameters"));

  // The declared ones are answered.
  json page = json::parse(Get("/api/v1/themes?pageSize=5").body);
  EXPECT_EQ(page["pageSize"], 5);
  EXPECT_EQ(page["items"].size(), 5u);
  EXPECT_EQ(Get("/api/v1/themes/groene-stad/agreements?kind=result").status,
            200);
  EXPECT_EQ(Get("/api/v1/measurements?theme=groene-stad&from=2013-01").status,
            200);
  // An administrator is held to the same declaration.
  EXPECT_EQ(
      Get("/api/v1/users?sort=name", {{"Authorization", "Bearer " + token_}})
          .status,
      400);
}

TEST_F(ApiConventionsTest, ThemeModuleRoutesTakeWhatTheirManifestDeclares) {
  EXPECT_EQ(Get("/api/v1/themes/groene-stad/energy-use?city=GM0307&area=3811&"
                "pageSize=2")
                .status,
            200);
  HttpResponse refused =
      Get("/api/v1/themes/groene-stad/energy-use?postcode=3811");
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(std::string(Problem(refused)["detail"]), HasSubstr("'postcode'"));
  // A register's list declares its paging and city filter.
  EXPECT_EQ(
      Get("/api/v1/themes/groene-stad/smart-grid-pilots?city=GM0307").status,
      200);
  EXPECT_EQ(Get("/api/v1/themes/groene-stad/smart-grid-pilots?town=x").status,
            400);
}

TEST_F(ApiConventionsTest, ABadPageIsRefusedNamingTheParameterAndItsRange) {
  for (const char* target :
       {"/api/v1/themes?page=0", "/api/v1/cities?page=x",
        "/api/v1/amendments?pageSize=501", "/api/v1/search?q=stad&pageSize=0",
        "/api/v1/themes/groene-stad/energy-use?page=0"}) {
    HttpResponse refused = Get(target);
    EXPECT_EQ(refused.status, 400) << target;
    EXPECT_THAT(std::string(Problem(refused)["detail"]), HasSubstr("from 1 to"))
        << target;
  }
}

TEST_F(ApiConventionsTest, MethodNotAllowedListsHeadWhereGetIsAllowed) {
  HttpResponse refused = Fetch(platform_->port(), "DELETE", "/api/v1/themes",
                               {{"Authorization", "Bearer " + token_}});
  EXPECT_EQ(refused.status, 405);
  EXPECT_EQ(refused.Header("Allow"), "GET, HEAD");
  HttpResponse both = Fetch(platform_->port(), "PUT", "/api/v1/meetings",
                            {{"Authorization", "Bearer " + token_}});
  EXPECT_EQ(both.status, 405);
  EXPECT_EQ(both.Header("Allow"), "GET, HEAD, POST");
}

TEST_F(ApiConventionsTest, AnAcceptTheRouteCannotServeGets406) {
  HttpResponse refused = Get("/api/v1/themes", {{"Accept", "text/csv"}});
  EXPECT_EQ(refused.status, 406);
  EXPECT_THAT(std::string(Problem(refused)["detail"]),
              HasSubstr("application/json"));
  // Not even from the response cache, after a JSON answer was stored.
  EXPECT_EQ(Get("/api/v1/cities").status, 200);
  EXPECT_EQ(Get("/api/v1/cities", {{"Accept", "text/html"}}).status, 406);
  EXPECT_EQ(Get("/api/v1/themes", {{"Accept", "application/json;q=0"}}).status,
            406);

  for (const char* accept :
       {"", "*/*", "application/*", "application/json",
        "text/html, application/json;q=0.5",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}) {
    std::map<std::string, std::string> headers;
    if (*accept != '\0') headers["Accept"] = accept;
    EXPECT_EQ(Get("/api/v1/themes", headers).status, 200) << accept;
  }
  // A route with several forms answers each of them.
  HttpResponse csv = Get("/api/v1/measurements", {{"Accept", "text/csv"}});
  EXPECT_EQ(csv.status, 200);
  EXPECT_THAT(csv.Header("Content-Type"), HasSubstr("text/csv"));
  // A theme module's route answers in what its manifest declares.
  EXPECT_EQ(Get("/api/v1/themes/onze-stad/catalog-dcat",
                {{"Accept", "application/ld+json"}})
                .status,
            200);
  EXPECT_EQ(
      Get("/api/v1/themes/groene-stad/energy-use", {{"Accept", "text/csv"}})
          .status,
      406);
  // An error is a problem whatever Accept asked for.
  HttpResponse missing =
      Get("/api/v1/themes/nope", {{"Accept", "application/json"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Header("Content-Type"), "application/problem+json");
}

TEST_F(ApiConventionsTest, TheDocumentListsWhatEachRouteDeclares) {
  HttpResponse answer = Get("/api/v1/openapi.json");
  ASSERT_EQ(answer.status, 200);
  json paths = json::parse(answer.body)["paths"];

  const json& themes = paths["/themes"]["get"];
  auto parameters = QueryParameters(themes);
  ASSERT_TRUE(parameters.contains("page"));
  ASSERT_TRUE(parameters.contains("pageSize"));
  EXPECT_EQ(parameters["page"]["schema"]["type"], "integer");
  EXPECT_EQ(parameters["page"]["schema"]["minimum"], 1);
  EXPECT_EQ(parameters["pageSize"]["schema"]["maximum"], 500);
  EXPECT_EQ(parameters["pageSize"]["schema"]["default"], 100);
  EXPECT_TRUE(themes["responses"].contains("400"));
  EXPECT_TRUE(themes["responses"].contains("406"));

  // Search pages by ten unless asked otherwise, and needs its words.
  auto search = QueryParameters(paths["/search"]["get"]);
  EXPECT_EQ(search["pageSize"]["schema"]["default"], 10);
  EXPECT_EQ(search["q"]["required"], true);
  EXPECT_EQ(QueryParameters(paths["/meetings"]["get"])["kind"]["schema"]["enum"]
                .size(),
            3u);
  EXPECT_EQ(
      QueryParameters(
          paths["/themes/{theme}/agreements"]["get"])["kind"]["schema"]["enum"],
      json({"result", "effort"}));
  EXPECT_EQ(QueryParameters(
                paths["/measurements"]["post"])["dryRun"]["schema"]["type"],
            "boolean");
  // A theme module's paged route, from its manifest.
  auto energy = QueryParameters(paths["/themes/groene-stad/energy-use"]["get"]);
  EXPECT_TRUE(energy.contains("page"));
  EXPECT_TRUE(energy.contains("area"));
  // A route that takes no parameter lists none.
  EXPECT_TRUE(QueryParameters(paths["/themes/{theme}"]["get"]).empty());

  // Every paged collection the document lists answers its paging, and
  // refuses a parameter it does not list.
  int num_paged = 0;
  for (const auto& [path, operations] : paths.items()) {
    if (!operations.contains("get")) continue;
    auto declared = QueryParameters(operations["get"]);
    if (!declared.contains("page")) continue;
    ++num_paged;
    EXPECT_TRUE(declared.contains("pageSize")) << path;
    EXPECT_TRUE(operations["get"]["responses"].contains("400")) << path;
  }
  EXPECT_GE(num_paged, 21);
}

}  // namespace
}  // namespace smartercities
