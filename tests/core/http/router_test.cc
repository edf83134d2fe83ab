#include "core/http/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace smartercities::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Handler Named(std::string name) {
  return [name](Request&) { return Response::Json(200, name); };
}

std::string Answer(const RouteMatch& match) {
  Request request;
  return match.route ? match.route->handler(request).body : "none";
}

TEST(RouterTest, ALiteralSegmentBeatsAParameter) {
  Router router;
  ASSERT_TRUE(
      router.Add({"GET", "/themes/{theme}", "core", Named("param"), {}}).ok());
  ASSERT_TRUE(
      router.Add({"GET", "/themes/count", "core", Named("literal"), {}}).ok());
  EXPECT_EQ(Answer(router.Find("GET", "/themes/count")), "literal");
  RouteMatch match = router.Find("GET", "/themes/groene-stad");
  EXPECT_EQ(Answer(match), "param");
  EXPECT_THAT(match.path_params,
              ElementsAre(std::make_pair(std::string("theme"),
                                         std::string("groene-stad"))));
}

TEST(RouterTest, HeadMatchesGetAndOtherMethodsAreListed) {
  Router router;
  ASSERT_TRUE(router.Add({"GET", "/a", "core", Named("get"), {}}).ok());
  ASSERT_TRUE(router.Add({"PUT", "/a", "core", Named("put"), {}}).ok());
  EXPECT_EQ(Answer(router.Find("HEAD", "/a")), "get");
  RouteMatch wrong = router.Find("DELETE", "/a");
  EXPECT_FALSE(wrong.route);
  EXPECT_THAT(wrong.allowed_methods, ElementsAre("GET", "HEAD", "PUT"));
  EXPECT_TRUE(router.Find("GET", "/b").allowed_methods.empty());
  EXPECT_FALSE(router.Find("GET", "/a/").route);
  EXPECT_FALSE(router.Find("GET", "/a/b").route);
}

TEST(RouterTest, ALiteralResourceIsNotCapturedByAParameter) {
  Router router;
  ASSERT_TRUE(
      router.Add({"PATCH", "/modules/{id}", "core", Named("change"), {}}).ok());
  ASSERT_TRUE(
      router.Add({"GET", "/modules/{id}", "core", Named("one"), {}}).ok());
  ASSERT_TRUE(
      router.Add({"POST", "/modules/rescan", "core", Named("rescan"), {}})
          .ok());
  EXPECT_EQ(Answer(router.Find("POST", "/modules/rescan")), "rescan");
  // rescan is its own resource: other methods are not sent to {id}, and
  // Allow names only rescan's method.
  for (const char* method : {"GET", "PATCH", "HEAD"}) {
    RouteMatch wrong = router.Find(method, "/modules/rescan");
    EXPECT_FALSE(wrong.route) << method;
    EXPECT_THAT(wrong.allowed_methods, ElementsAre("POST")) << method;
  }
  EXPECT_EQ(Answer(router.Find("GET", "/modules/groene-stad")), "one");
  EXPECT_THAT(router.Find("POST", "/modules/groene-stad").allowed_methods,
              ElementsAre("GET", "HEAD", "PATCH"));
}

TEST(RouterTest, RefusesEquivalentRoutesNamingTheOwner) {
  Router router;
  ASSERT_TRUE(
      router.Add({"GET", "/x/{id}", "groene-stad", Named("a"), {}}).ok());
  Status status =
      router.Add({"GET", "/x/{other}", "onze-stad", Named("b"), {}});
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(status.message(), HasSubstr("'groene-stad'"));
  EXPECT_TRUE(
      router.Add({"POST", "/x/{other}", "onze-stad", Named("b"), {}}).ok());
}

TEST(RouterTest, RefusesMalformedPatterns) {
  Router router;
  for (const char* pattern : {"", "x", "/x/", "/x//y", "//", "/{}", "/{1x}",
                              "/a b", "/a{x}", "/{x}b", "/{x", "/%41"}) {
    EXPECT_EQ(router.Add({"GET", pattern, "core", Named("x"), {}}).code(),
              StatusCode::kInvalidArgument)
        << pattern;
  }
}

TEST(RouterTest, RemovesAnOwnersRoutesTogether) {
  Router router;
  ASSERT_TRUE(router.Add({"GET", "/a", "plugin", Named("a"), {}}).ok());
  ASSERT_TRUE(router.Add({"GET", "/b", "plugin", Named("b"), {}}).ok());
  ASSERT_TRUE(router.Add({"GET", "/c", "core", Named("c"), {}}).ok());
  auto found = router.Find("GET", "/a");
  EXPECT_EQ(router.RemoveOwner("plugin"), 2u);
  EXPECT_FALSE(router.Find("GET", "/a").route);
  EXPECT_TRUE(router.Find("GET", "/c").route);
  // A route found before removal stays usable for the request in flight.
  EXPECT_EQ(Answer(found), "a");
}

TEST(RouterTest, BindsParametersFromTheDecodedPath) {
  Router router;
  ASSERT_TRUE(
      router
          .Add(
              {"GET", "/cities/{city_id}/years/{year}", "core", Named("x"), {}})
          .ok());
  RouteMatch match = router.Find("GET", "/cities/den haag/years/2024");
  ASSERT_TRUE(match.route);
  EXPECT_THAT(
      match.path_params,
      ElementsAre(
          std::make_pair(std::string("city_id"), std::string("den haag")),
          std::make_pair(std::string("year"), std::string("2024"))));
  EXPECT_FALSE(router.Find("GET", "/cities//years/2024").route);
}

TEST(RouterTest, AnExplicitHeadRouteBeatsTheGetRoute) {
  Router router;
  ASSERT_TRUE(router.Add({"GET", "/a", "core", Named("get"), {}}).ok());
  ASSERT_TRUE(router.Add({"HEAD", "/a", "core", Named("head"), {}}).ok());
  EXPECT_EQ(Answer(router.Find("HEAD", "/a")), "head");
  EXPECT_EQ(Answer(router.Find("GET", "/a")), "get");
}

TEST(RouterTest, RefusesARepeatedParameterAndABadMethod) {
  Router router;
  Status repeated = router.Add({"GET", "/a/{x}/b/{x}", "core", Named("x"), {}});
  EXPECT_EQ(repeated.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(repeated.message(), HasSubstr("{x}"));
  EXPECT_EQ(router.Add({"get", "/a", "core", Named("x"), {}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(router.Add({"", "/a", "core", Named("x"), {}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(router.Add({"GET", "/a", "core", Handler(), {}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(router.Routes().empty());
}

TEST(RouterTest, ListsRoutesSortedByPatternThenMethod) {
  Router router;
  ASSERT_TRUE(router.Add({"POST", "/b", "core", Named("x"), {}}).ok());
  ASSERT_TRUE(router.Add({"GET", "/b", "core", Named("x"), {}}).ok());
  ASSERT_TRUE(router.Add({"GET", "/a", "plugin", Named("x"), {}}).ok());
  std::vector<std::string> listed;
  for (const auto& route : router.Routes()) {
    listed.push_back(route->method + " " + route->pattern);
  }
  EXPECT_THAT(listed, ElementsAre("GET /a", "GET /b", "POST /b"));
  EXPECT_EQ(router.RemoveOwner("nobody"), 0u);
}

TEST(RouterTest, TheRootIsARoute) {
  Router router;
  ASSERT_TRUE(router.Add({"GET", "/", "core", Named("root"), {}}).ok());
  EXPECT_EQ(Answer(router.Find("GET", "/")), "root");
  EXPECT_FALSE(router.Find("GET", "/x").route);
}

}  // namespace
}  // namespace smartercities::http
