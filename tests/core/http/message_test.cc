#include "core/http/message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace smartercities::http {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(MessageTest, DecodesPercentEscapes) {
  EXPECT_EQ(PercentDecode("/a%20b"), "/a b");
  EXPECT_EQ(PercentDecode("/caf%C3%A9"), "/caf\xC3\xA9");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("%2e%2E"), "..");
  EXPECT_EQ(PercentDecode(""), "");
  EXPECT_FALSE(PercentDecode("/a%2"));
  EXPECT_FALSE(PercentDecode("/a%"));
  EXPECT_FALSE(PercentDecode("/a%zz"));
  EXPECT_FALSE(PercentDecode("/a%g0"));
}

TEST(MessageTest, ParsesQueriesInOrder) {
  auto query = ParseQuery("page=2&q=a+b%21&flag&&empty=");
  ASSERT_TRUE(query);
  EXPECT_THAT(*query, ElementsAre(Pair("page", "2"), Pair("q", "a b!"),
                                  Pair("flag", ""), Pair("empty", "")));
  EXPECT_FALSE(ParseQuery("a=%zz"));
  EXPECT_FALSE(ParseQuery("%=1"));
  EXPECT_THAT(*ParseQuery(""), ElementsAre());
}

TEST(MessageTest, FindsHeadersQueryAndParameters) {
  Request request;
  request.headers = {{"content-type", "text/plain"}, {"x-a", "1"}};
  request.query = {{"page", "2"}, {"page", "3"}};
  request.path_params = {{"city", "utrecht"}};
  EXPECT_EQ(request.Header("x-a"), "1");
  EXPECT_FALSE(request.Header("x-b"));
  EXPECT_EQ(request.Query("page"), "2");
  EXPECT_FALSE(request.Query("pageSize"));
  EXPECT_EQ(request.Param("city"), "utrecht");
  EXPECT_EQ(request.Param("theme"), "");
}

TEST(MessageTest, SetsResponseHeadersWhateverTheirCase) {
  Response response = Response::Json(201, "{}");
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.Header("content-type"), "application/json");
  response.SetHeader("CONTENT-TYPE", "text/plain");
  response.SetHeader("ETag", "\"1\"");
  EXPECT_EQ(response.headers.size(), 2u);
  EXPECT_EQ(response.Header("Content-Type"), "text/plain");
  EXPECT_EQ(response.Header("etag"), "\"1\"");
  EXPECT_FALSE(response.Header("Location"));
}

TEST(MessageTest, AProblemIsValidJsonWhateverItsDetailHolds) {
  Response problem =
      Response::Problem(422, "Unprocessable", "field \"name\"\nis \\ wrong");
  EXPECT_EQ(problem.status, 422);
  EXPECT_EQ(problem.Header("Content-Type"), "application/problem+json");
  auto body = nlohmann::json::parse(problem.body);
  EXPECT_EQ(body["type"], "about:blank");
  EXPECT_EQ(body["title"], "Unprocessable");
  EXPECT_EQ(body["status"], 422);
  EXPECT_EQ(body["detail"], "field \"name\"\nis \\ wrong");
  // Bytes that are not UTF-8 (a decoded path, say) still give valid JSON.
  EXPECT_NO_THROW(nlohmann::json::parse(
      Response::Problem(404, "Not Found", "/\xff\xfe").body));
}

TEST(MessageTest, NamesStatusCodes) {
  EXPECT_EQ(ReasonPhrase(200), "OK");
  EXPECT_EQ(ReasonPhrase(404), "Not Found");
  EXPECT_EQ(ReasonPhrase(413), "Content Too Large");
  EXPECT_EQ(ReasonPhrase(422), "Unprocessable Content");
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(ReasonPhrase(504), "Gateway Timeout");
  EXPECT_EQ(ReasonPhrase(299), "Unknown");
}

}  // namespace
}  // namespace smartercities::http
