#include "core/http/route_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/http/content_negotiation.h"

namespace smartercities::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A route as the router hands it out after Add: what it declares is what
// Find returns.
std::shared_ptr<const Route> Declared(const std::string& pattern,
                                      RouteOptions options) {
  Router router;
  EXPECT_TRUE(router
                  .Add({"GET", pattern, "core",
                        [](Request&) { return Response::Json(200, "{}"); },
                        std::move(options)})
                  .ok());
  return router.Find("GET", pattern).route;
}

Request With(Pairs query, std::string accept = "") {
  Request request;
  request.method = "GET";
  request.query = std::move(query);
  if (!accept.empty()) request.headers.emplace_back("accept", accept);
  return request;
}

std::string Detail(const Response& response) {
  return nlohmann::json::parse(response.body)["detail"];
}

RouteOptions PagedWithCity() {
  RouteOptions options;
  options.paged = true;
  options.query = {{"city", "Only this city", R"({"type":"string"})", false}};
  return options;
}

TEST(RouteChecksTest, ARouteDeclaresItsQueryParametersAndPaging) {
  auto route = Declared("/api/v1/things", PagedWithCity());
  ASSERT_TRUE(route);
  EXPECT_THAT(QueryNames(route->options),
              ElementsAre("city", "page", "pageSize"));
  EXPECT_EQ(route->options.query[0].description, "Only this city");
  EXPECT_THAT(ResponseTypes(route->options), ElementsAre("application/json"));
  EXPECT_THAT(QueryNames(RouteOptions{}), ElementsAre());
}

TEST(RouteChecksTest, DeclaredParametersPassAndOthersAreNamed) {
  auto route = Declared("/api/v1/things", PagedWithCity());
  EXPECT_FALSE(RouteContractProblem(
      *route, With({{"city", "GM0363"}, {"page", "2"}, {"pageSize", "5"}})));
  auto refused = RouteContractProblem(*route, With({{"page_size", "5"}}));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(refused->Header("Content-Type"), "application/problem+json");
  EXPECT_THAT(Detail(*refused), HasSubstr("'page_size'"));
  EXPECT_THAT(Detail(*refused), HasSubstr("it takes city, page, pageSize"));

  auto bare = Declared("/api/v1/thing", {});
  auto none = RouteContractProblem(*bare, With({{"x\x01y", ""}}));
  ASSERT_TRUE(none);
  EXPECT_THAT(Detail(*none), HasSubstr("'x?y'"));
  EXPECT_THAT(Detail(*none), HasSubstr("takes no query parameters"));
}

TEST(RouteChecksTest, AnAcceptAllowingNoneOfTheRoutesTypesIs406) {
  auto json_only = Declared("/api/v1/things", {});
  for (const char* accept : {"", "*/*", "application/*", "application/json",
                             "text/csv;q=1, application/json;q=0.1"}) {
    EXPECT_FALSE(RouteContractProblem(*json_only, With({}, accept))) << accept;
  }
  for (const char* accept :
       {"text/csv", "text/*", "application/json;q=0", "image/png"}) {
    auto refused = RouteContractProblem(*json_only, With({}, accept));
    ASSERT_TRUE(refused) << accept;
    EXPECT_EQ(refused->status, 406);
    EXPECT_EQ(refused->Header("Content-Type"), "application/problem+json");
    EXPECT_THAT(Detail(*refused), HasSubstr("application/json"));
  }
  RouteOptions forms;
  forms.response_types = {"application/json", "text/csv"};
  auto both = Declared("/api/v1/figures", forms);
  EXPECT_FALSE(RouteContractProblem(*both, With({}, "text/csv")));
  EXPECT_THAT(Detail(*RouteContractProblem(*both, With({}, "text/html"))),
              HasSubstr("application/json, text/csv"));
}

TEST(RouteChecksTest, PagesOutsideTheApiAreNotChecked) {
  auto page = Declared("/themes", {});
  EXPECT_FALSE(
      RouteContractProblem(*page, With({{"lang", "en"}}, "text/html")));
}

TEST(ContentNegotiationTest, TheListFormChoosesAsTheFixedOne) {
  std::vector<std::string> offered = {"application/json", "text/csv"};
  EXPECT_EQ(Negotiate("text/csv", offered), "text/csv");
  EXPECT_EQ(Negotiate("", offered), "application/json");
  EXPECT_EQ(Negotiate("text/*;q=0.9, */*;q=0.1", offered), "text/csv");
  EXPECT_EQ(Negotiate("text/html", offered), std::nullopt);
  EXPECT_EQ(Negotiate("text/csv", std::vector<std::string>{}), std::nullopt);
}

}  // namespace
}  // namespace smartercities::http
