// The contract check that every integration test's answers go through: it
// must catch each way code and document drift apart, or it proves nothing.
#include "tests/support/openapi_contract.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace smartercities::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json Document() {
  json theme = {{"type", "object"},
                {"required", {"id", "cities"}},
                {"properties",
                 {{"id", {{"type", "string"}, {"pattern", "^[a-z-]+$"}}},
                  {"cities", {{"type", "integer"}, {"minimum", 0}}},
                  {"lead", {{"type", "string"}, {"nullable", true}}},
                  {"since", {{"type", "string"}, {"format", "date"}}}}}};
  json problem = {{"type", "object"},
                  {"required", {"status", "title", "detail"}},
                  {"properties",
                   {{"status", {{"type", "integer"}}},
                    {"title", {{"type", "string"}}},
                    {"detail", {{"type", "string"}}}}}};
  auto answer = [](const std::string& type, const json& schema) {
    return json{{"description", "x"},
                {"content", {{type, {{"schema", schema}}}}}};
  };
  json problem_ref = {{"$ref", "#/components/schemas/Problem"}};
  return {
      {"openapi", "3.0.3"},
      {"servers", {{{"url", "/api/v1"}}}},
      {"components", {{"schemas", {{"Theme", theme}, {"Problem", problem}}}}},
      {"paths",
       {{"/themes/{theme}",
         {{"get",
           {{"responses",
             {{"200", answer("application/json",
                             {{"$ref", "#/components/schemas/Theme"}})},
              {"404", answer("application/problem+json", problem_ref)}}}}}}},
        {"/themes/count",
         {{"get",
           {{"responses",
             {{"200", answer("application/json", {{"type", "integer"}})}}}}}}},
        {"/themes",
         {{"post",
           {{"requestBody",
             {{"content",
               {{"application/json",
                 {{"schema", {{"$ref", "#/components/schemas/Theme"}}}}}}}}},
            {"responses",
             {{"201", answer("application/json",
                             {{"$ref", "#/components/schemas/Theme"}})},
              {"204", {{"description", "none"}}}}}}}}}}}};
}

Exchange Get(const std::string& target, int status, const std::string& body,
             const std::string& type = "application/json") {
  return {"GET", target, "", "", status, type, body};
}

TEST(OpenApiContractTest, AnAnswerTheDocumentDescribesPasses) {
  OpenApiContract contract(Document());
  EXPECT_THAT(contract.Check(Get("/api/v1/themes/groene-stad", 200,
                                 R"({"id":"groene-stad","cities":4,)"
                                 R"("lead":null,"since":"2013-03-07"})")),
              ::testing::IsEmpty());
  EXPECT_THAT(contract.Check(Get("/api/v1/themes/x", 404,
                                 R"({"status":404,"title":"Not Found",)"
                                 R"("detail":"No theme x"})",
                                 "application/problem+json")),
              ::testing::IsEmpty());
  // Outside the API, or a path the document does not have that answers
  // 404: not the document's business.
  EXPECT_THAT(contract.Check(Get("/themas", 200, "<html>", "text/html")),
              ::testing::IsEmpty());
  EXPECT_THAT(contract.Check(Get("/api/v1/nothing/here", 404, "")),
              ::testing::IsEmpty());
}

TEST(OpenApiContractTest, EachKindOfDriftIsNamed) {
  OpenApiContract contract(Document());
  auto problems = [&](const Exchange& exchange) {
    auto found = contract.Check(exchange);
    std::string all;
    for (const auto& line : found) all += line + "\n";
    return all;
  };
  EXPECT_THAT(problems(Get("/api/v1/themes/g", 200, R"({"id":"g"})")),
              HasSubstr("$: the required property cities is missing"));
  EXPECT_THAT(
      problems(Get("/api/v1/themes/g", 200, R"({"id":"g","cities":"4"})")),
      HasSubstr("$.cities: expected integer, got string"));
  EXPECT_THAT(
      problems(Get("/api/v1/themes/g", 200, R"({"id":"g","cities":4.5})")),
      HasSubstr("$.cities: expected integer, got number"));
  EXPECT_THAT(problems(Get("/api/v1/themes/g", 200,
                           R"({"id":"g","cities":1,"extra":true})")),
              HasSubstr("$.extra: a property the schema does not describe"));
  EXPECT_THAT(
      problems(Get("/api/v1/themes/g", 200,
                   R"({"id":"G!","cities":1,"since":"7-3-2013"})")),
      AllOf(HasSubstr("does not match ^[a-z-]+$"), HasSubstr("is not a date")));
  EXPECT_THAT(problems(Get("/api/v1/themes/g", 201, R"({})")),
              HasSubstr("documents no 201 (it documents 200, 404)"));
  EXPECT_THAT(problems(Get("/api/v1/themes/g", 200, "a,b", "text/csv")),
              HasSubstr("answered in text/csv"));
  EXPECT_THAT(problems(Get("/api/v1/unknown", 200, "{}")),
              HasSubstr("describes no such path"));
  // The request body of an accepted request must fit the document too.
  Exchange created{
      "POST", "/api/v1/themes",   "application/json",        R"({"id":"g"})",
      201,    "application/json", R"({"id":"g","cities":0})"};
  EXPECT_THAT(problems(created),
              HasSubstr("accepted a request body whose $: the required "
                        "property cities is missing"));
  Exchange no_content = created;
  no_content.request_body = R"({"id":"g","cities":0})";
  no_content.status = 204;
  EXPECT_THAT(problems(no_content),
              HasSubstr("where the document describes none"));
}

TEST(OpenApiContractTest, APropertyOfAnyPartOfACompositionIsDescribed) {
  json document = Document();
  json assessment = {{"type", "object"},
                     {"required", {"status"}},
                     {"properties", {{"status", {{"type", "string"}}}}}};
  document["paths"]["/progress"]["get"]["responses"]["200"] = {
      {"description", "x"},
      {"content",
       {{"application/json",
         {{"schema",
           {{"allOf",
             {assessment,
              {{"type", "object"},
               {"properties", {{"theme", {{"type", "string"}}}}}}}}}}}}}}};
  OpenApiContract contract(document);
  EXPECT_THAT(contract.Check(Get("/api/v1/progress", 200,
                                 R"({"status":"done","theme":"g"})")),
              ::testing::IsEmpty());
  auto problems =
      contract.Check(Get("/api/v1/progress", 200, R"({"theme":"g","x":1})"));
  std::string all;
  for (const auto& line : problems) all += line + "\n";
  EXPECT_THAT(all, HasSubstr("the required property status is missing"));
  EXPECT_THAT(all, HasSubstr("$.x: a property the schema does not describe"));
}

TEST(OpenApiContractTest, ALiteralSegmentWinsOverAParameter) {
  OpenApiContract contract(Document());
  EXPECT_EQ(contract.MatchPath("/themes/count"), "/themes/count");
  EXPECT_EQ(contract.MatchPath("/themes/groene-stad"), "/themes/{theme}");
  EXPECT_EQ(contract.MatchPath("/themes/a/b"), std::nullopt);
  EXPECT_THAT(contract.Check(Get("/api/v1/themes/count", 200, "9")),
              ::testing::IsEmpty());
}

}  // namespace
}  // namespace smartercities::testing
