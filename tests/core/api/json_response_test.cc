#include "core/api/json_response.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace smartercities::api {
namespace {

using nlohmann::json;

struct Mapping {
  Status status;
  int http_status;
  const char* title;
};

TEST(ProblemForTest, EachStatusCodeAnswersItsHttpStatus) {
  const Mapping mappings[] = {
      {Status::InvalidArgument("page: must be a number"), 400, "Bad Request"},
      {Status::Unauthenticated("log in first"), 401, "Unauthorized"},
      {Status::PermissionDenied("only administrators"), 403, "Forbidden"},
      {Status::NotFound("there is no theme 'x'"), 404, "Not Found"},
      {Status::AlreadyExists("anna exists"), 409, "Conflict"},
      {Status::FailedPrecondition("the project is stopped"), 409, "Conflict"},
      {Status::ResourceExhausted("too many logins"), 429, "Too Many Requests"},
      {Status::Unavailable("the database is busy"), 503, "Service Unavailable"},
      {Status::Internal("disk full"), 500, "Internal Server Error"},
  };
  for (const Mapping& mapping : mappings) {
    SCOPED_TRACE(mapping.status.message());
    http::Response response = ProblemFor(mapping.status);
    EXPECT_EQ(response.status, mapping.http_status);
    EXPECT_EQ(response.Header("Content-Type").value_or(""),
              "application/problem+json");
    json body = json::parse(response.body);
    EXPECT_EQ(body["status"], mapping.http_status);
    EXPECT_EQ(body["title"], mapping.title);
    EXPECT_EQ(body["detail"], mapping.status.message());
    EXPECT_EQ(body["type"], "about:blank");
  }
}

TEST(ProblemForTest, ReplacesBytesOfTheDetailThatAreNotUtf8) {
  http::Response response =
      ProblemFor(Status::InvalidArgument("name: '\xff' is not text"));
  EXPECT_EQ(response.status, 400);
  json body = json::parse(response.body);
  EXPECT_EQ(body["detail"], "name: '\xef\xbf\xbd' is not text");
}

TEST(ProblemForTest, AnHttpStatusWithoutAStatusCodeIsTitledByItsReason) {
  http::Response response = ProblemFor(415, "send the figure as JSON");
  EXPECT_EQ(response.status, 415);
  EXPECT_EQ(response.Header("Content-Type").value_or(""),
            "application/problem+json");
  json body = json::parse(response.body);
  EXPECT_EQ(body["title"], "Unsupported Media Type");
  EXPECT_EQ(body["detail"], "send the figure as JSON");
  EXPECT_EQ(ProblemFor(422, "over the limit").status, 422);
}

http::Request WithQuery(http::Pairs query) {
  http::Request request;
  request.method = "GET";
  request.query = std::move(query);
  return request;
}

TEST(ParsePageTest, ReadsPageAndPageSizeOrTheDefaults) {
  Result<Page> defaults = ParsePage(WithQuery({}), 25);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->page, 1u);
  EXPECT_EQ(defaults->page_size, 25u);

  Result<Page> chosen =
      ParsePage(WithQuery({{"page", "3"}, {"pageSize", "7"}}));
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->page, 3u);
  EXPECT_EQ(chosen->page_size, 7u);
}

TEST(ParsePageTest, ABadValueIsInvalidArgumentNamingTheParameter) {
  Result<Page> page = ParsePage(WithQuery({{"pageSize", "501"}}));
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(page.status().message(),
            "query parameter 'pageSize' must be a whole number from 1 to 500, "
            "got '501'");
  EXPECT_EQ(ProblemFor(page.status()).status, 400);
}

TEST(IdParamTest, ANonNumberIsNotFound) {
  http::Request request;
  request.path_params = {{"amendmentId", "abc"}};
  Result<std::int64_t> id = IdParam(request, "amendmentId", "amendment");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(id.status().message(),
            "there is no amendment 'abc'; an id is a whole number");

  request.path_params = {{"amendmentId", "12"}};
  Result<std::int64_t> twelve = IdParam(request, "amendmentId", "amendment");
  ASSERT_TRUE(twelve.ok());
  EXPECT_EQ(*twelve, 12);
}

TEST(ReadObjectTest, RefusesAnUnknownFieldAndANonObject) {
  http::Request request;
  request.body = R"({"name": "x", "role": "admin"})";
  Result<json> body = ReadObject(request, {"name"});
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(body.status().message(),
            "role: this field cannot be set here; the fields are name");

  request.body = "[1]";
  body = ReadObject(request, {"name"});
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.status().message(), "the body must be a JSON object");
}

TEST(StringFieldsTest, GivesEmptyTextForAbsentFieldsAndRefusesANumber) {
  http::Request request;
  request.body = R"({"note": "ok"})";
  auto fields = StringFields(request, {"note", "reason"});
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ((*fields)["note"], "ok");
  EXPECT_EQ((*fields)["reason"], "");

  request.body = R"({"note": 3})";
  fields = StringFields(request, {"note"});
  ASSERT_FALSE(fields.ok());
  EXPECT_EQ(fields.status().message(), "note: must be text");
}

}  // namespace
}  // namespace smartercities::api
