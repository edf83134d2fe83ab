// The one rule for input, through the real server, core and plugin routes
// alike: text is UTF-8 without control characters (but for the line breaks
// a field of several lines takes), lengths are counted in characters,
// numbers are decimal, CSV is RFC 4180; whatever is refused is answered 400
// naming where, nothing of it is stored, and every answer is valid JSON.
// A fault of the server's own is a 500 with an id to quote; its words (the
// SQL) go to the log only. Each case was once accepted or answered wrongly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/app/platform.h"
#include "core/storage/database.h"
#include "tests/support/served_platform.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;
using ::testing::Not;

constexpr const char* kParks = "/api/v1/themes/bedrijvige-stad/business-parks";
constexpr const char* kImport = "/api/v1/themes/groene-stad/energy-use/import";

class InputTest : public testing::ServedPlatformTest {
 protected:
  static void SetUpTestSuite() {
    StartPlatform([](app::Config& config) {
      config.web_root = testing::SourceDir() / "web";
    });
  }

  // The answer's body as JSON; fails the test when it is not valid JSON
  // (strictly: UTF-8 included).
  static json Parsed(const HttpResponse& response) {
    json parsed = json::parse(response.body, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << "not valid JSON: " << response.body;
    return parsed;
  }
};

TEST_F(InputTest,
       ACsvImportWithBytesThatAreNotUtf8IsRefusedNamingLineAndColumn) {
  std::string body =
      "city,area,year,electricity_kwh,gas_m3\nGM0363,\xff\xfe,2013,1,1\n";
  HttpResponse refused = AsAdmin("POST", kImport, body, "text/csv");
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_THAT(Parsed(refused)["detail"].get<std::string>(),
              HasSubstr("line 2, column area: is not UTF-8 text"));
  // Nothing was stored, and the register still reads.
  HttpResponse list =
      Fetch(platform_->port(), "GET", "/api/v1/themes/groene-stad/energy-use");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Parsed(list)["total"], 0);
  HttpResponse trends = Fetch(platform_->port(), "GET",
                              "/api/v1/themes/groene-stad/energy-use/trends");
  EXPECT_EQ(trends.status, 200);
}

TEST_F(InputTest, ACsvImportIsReadAsRfc4180AndDecimalNumbers) {
  struct Case {
    std::string row;
    std::string expected;
  };
  for (const Case& bad :
       {Case{"GM0363,\"1011,2013,1,1", "line 2, column area"},
        Case{"GM0363,1011,2013,0x10,1", "line 2, column electricity_kwh"},
        Case{"GM0363,1011,+2013,1,1", "line 2, column year"},
        Case{"GM0363,10\"11,2013,1,1", "line 2, column area"},
        Case{std::string("GM0363,10") + '\0' + "11,2013,1,1",
             "line 2, column area: holds the control character U+0000"}}) {
    HttpResponse refused = AsAdmin(
        "POST", kImport, "city,area,year,electricity_kwh,gas_m3\n" + bad.row,
        "text/csv");
    EXPECT_EQ(refused.status, 400) << bad.row;
    EXPECT_THAT(Parsed(refused)["detail"].get<std::string>(),
                HasSubstr(bad.expected))
        << bad.row;
  }
  // A quoted area with a comma in it is what RFC 4180 quotes are for.
  HttpResponse imported =
      AsAdmin("POST", kImport,
              "city,area,year,electricity_kwh,gas_m3\r\n"
              "GM0363,\"Centrum, Oost\",2013,1234.5,2.5e3\r\n",
              "text/csv");
  ASSERT_EQ(imported.status, 200) << imported.body;
  json list =
      Parsed(Fetch(platform_->port(), "GET",
                   "/api/v1/themes/groene-stad/energy-use?city=GM0363"));
  ASSERT_EQ(list["items"].size(), 1u) << list.dump();
  EXPECT_EQ(list["items"][0]["area"], "Centrum, Oost");
  EXPECT_EQ(list["items"][0]["gasM3"], 2500.0);
}

TEST_F(InputTest, NulAndOtherControlCharactersInJsonTextAreRefused) {
  HttpResponse park = AsAdmin(
      "POST", kParks, R"({"city":"GM0363","name":"a\u0000b","hasFibre":true})");
  EXPECT_EQ(park.status, 400) << park.body;
  EXPECT_THAT(Parsed(park)["detail"].get<std::string>(),
              HasSubstr("name: holds the control character U+0000"));
  HttpResponse token = AsAdmin("POST", "/api/v1/tokens",
                               R"({"name":"x\u0000y","role":"admin"})");
  EXPECT_EQ(token.status, 400) << token.body;
  EXPECT_THAT(token.body, HasSubstr("U+0000"));
  // One-line text takes no line break; a description may.
  HttpResponse line = AsAdmin(
      "POST", kParks, R"({"city":"GM0363","name":"a\nb","hasFibre":true})");
  EXPECT_EQ(line.status, 400) << line.body;
  EXPECT_THAT(line.body, HasSubstr("name: holds the control character U+000A"));
  json dataset = {{"city", "GM0855"},
                  {"title", "Afval"},
                  {"description", "Eerste regel.\nTweede regel."},
                  {"publisher", "Gemeente Tilburg"},
                  {"licence", "CC-BY-4.0"},
                  {"format", "CSV"},
                  {"url", "https://data.tilburg.nl/afval"},
                  {"top20", false}};
  HttpResponse described =
      AsAdmin("POST", "/api/v1/themes/onze-stad/datasets", dataset.dump());
  EXPECT_EQ(described.status, 201) << described.body;
  HttpResponse list = Fetch(platform_->port(), "GET", kParks);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Parsed(list)["total"], 0) << "a refused record was stored";
}

TEST_F(InputTest, LengthsAreCountedInCharacters) {
  std::string accents;
  for (int i = 0; i < 300; ++i) accents += "\xC3\xA9";
  HttpResponse accepted = AsAdmin(
      "POST", kParks,
      json{{"city", "GM0599"}, {"name", accents}, {"hasFibre", true}}.dump());
  EXPECT_EQ(accepted.status, 201) << accepted.body;
  EXPECT_EQ(Parsed(accepted)["name"], accents);
  HttpResponse refused = AsAdmin(
      "POST", kParks,
      json{{"city", "GM0599"}, {"name", accents + accents}, {"hasFibre", true}}
          .dump());
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(refused.body, HasSubstr("at most 500 characters, got 600"));
}

TEST_F(InputTest, APathOrQueryThatIsNotUtf8GetsValidJson) {
  for (const char* target :
       {"/api/v1/themes/regelluwe-stad/city-status/%FF",
        "/api/v1/themes/bedrijvige-stad/business-parks?city=%FF%FE",
        "/api/v1/themes/bedrijvige-stad/business-parks/1%0A",
        "/api/v1/cities/%FF", "/api/v1/nothing/%FF"}) {
    HttpResponse response = Fetch(platform_->port(), "GET", target);
    EXPECT_GE(response.status, 400) << target;
    EXPECT_LT(response.status, 500) << target;
    json problem = Parsed(response);
    EXPECT_TRUE(problem.contains("detail")) << target;
  }
  HttpResponse plugin = Fetch(platform_->port(), "GET",
                              "/api/v1/themes/regelluwe-stad/city-status/%FF");
  EXPECT_EQ(plugin.status, 400);
  EXPECT_THAT(plugin.body, HasSubstr("path parameter city"));
}

TEST_F(InputTest, CertificatesCannotOutnumberTheirTotal) {
  std::string target = "/api/v1/themes/lerende-stad/ict-certificates";
  json record = {{"city", "GM0344"},
                 {"year", 2014},
                 {"holders", "pupils"},
                 {"certified", 120},
                 {"total", 100}};
  HttpResponse refused = AsAdmin("POST", target, record.dump());
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_THAT(refused.body, HasSubstr("certified"));
  record["certified"] = 100;
  EXPECT_EQ(AsAdmin("POST", target, record.dump()).status, 201);
}

TEST_F(InputTest, AnUnknownRoleIsABadRequestEvenForTheLastAdministrator) {
  HttpResponse users = AsAdmin("GET", "/api/v1/users");
  json listed = Parsed(users);
  std::string id;
  for (const auto& user : listed["items"]) {
    if (user["username"] == "admin") id = std::to_string(user["id"].get<int>());
  }
  ASSERT_FALSE(id.empty()) << users.body;
  HttpResponse superuser =
      AsAdmin("PATCH", "/api/v1/users/" + id, R"({"role":"superuser"})");
  EXPECT_EQ(superuser.status, 400) << superuser.body;
  EXPECT_THAT(superuser.body, HasSubstr("role: must be"));
  // A change that fails halfway changes nothing.
  HttpResponse half = AsAdmin("PATCH", "/api/v1/users/" + id,
                              R"({"displayName":"Nieuw","scope":"GM0363"})");
  EXPECT_EQ(half.status, 400) << half.body;
  HttpResponse after = AsAdmin("GET", "/api/v1/users/" + id);
  EXPECT_NE(Parsed(after)["displayName"], "Nieuw");
  HttpResponse last = AsAdmin("PATCH", "/api/v1/users/" + id,
                              R"({"role":"city-editor","scope":"GM0363"})");
  EXPECT_EQ(last.status, 409) << last.body;
}

TEST_F(InputTest, TraceIsNotAllowedAndAResetWithAnEmptyBodyNeedsALogin) {
  HttpResponse trace = Fetch(platform_->port(), "TRACE", "/");
  EXPECT_EQ(trace.status, 405);
  EXPECT_EQ(trace.Header("allow"), "GET, HEAD");
  HttpResponse reset =
      Fetch(platform_->port(), "POST", "/api/v1/users/1/password-reset",
            {{"Content-Type", "application/json"}}, "{}");
  EXPECT_EQ(reset.status, 401) << reset.body;
  HttpResponse with_field =
      AsAdmin("POST", "/api/v1/users/1/password-reset", R"({"password":"x"})");
  EXPECT_EQ(with_field.status, 400);
  EXPECT_THAT(with_field.body, HasSubstr("takes no fields"));
}

TEST_F(InputTest, AThemeModulesBodyIsCheckedAgainstItsManifestSchema) {
  const std::string target = "/api/v1/themes/regelluwe-stad/city-status/GM0772";
  std::string before = Fetch(platform_->port(), "GET", target).body;
  // The module's schema requires eherkenningImplemented, takes a
  // percentage up to 100 and a date.
  HttpResponse refused = AsAdmin("PUT", target,
                                 json{{"eherkenningServicesPercent", 150},
                                      {"eherkenningImplementedOn", "gisteren"}}
                                     .dump());
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.Header("content-type"), "application/problem+json");
  json problem = Parsed(refused);
  EXPECT_THAT(problem["detail"].get<std::string>(),
              HasSubstr("the body has 3 problems; nothing was stored"));
  EXPECT_THAT(testing::InvalidParamReasons(refused.body),
              ::testing::ElementsAre(
                  ::testing::Pair("eherkenningImplemented", "is required"),
                  ::testing::Pair("eherkenningImplementedOn",
                                  HasSubstr("must be a date as 2013-04-01")),
                  ::testing::Pair("eherkenningServicesPercent",
                                  "must be at most 100")));
  EXPECT_EQ(Fetch(platform_->port(), "GET", target).body, before);

  // The body put right is stored.
  HttpResponse stored = AsAdmin("PUT", target,
                                json{{"eherkenningImplemented", true},
                                     {"eherkenningImplementedOn", "2013-05-01"},
                                     {"eherkenningServicesPercent", 80}}
                                    .dump());
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(Parsed(Fetch(platform_->port(), "GET",
                         target))["eherkenningServicesPercent"],
            80);
}

TEST_F(InputTest, BrokenJsonIsNamedByLineAndColumnWithoutTheParsersWords) {
  HttpResponse refused =
      AsAdmin("POST", "/api/v1/meetings", "{\n  \"kind\": official\n}");
  ASSERT_EQ(refused.status, 400) << refused.body;
  std::string detail = Parsed(refused)["detail"];
  EXPECT_THAT(detail, HasSubstr("line 2"));
  for (const char* internal :
       {"parse_error", "syntax error", "last read", "[json.exception"}) {
    EXPECT_THAT(detail, ::testing::Not(HasSubstr(internal))) << detail;
  }
}

// A table gone from under the server stands for any fault of its own: the
// API and the page answer 500 with the request's id to quote, and neither
// the statement nor the engine's words reach the caller.
TEST_F(InputTest, AServerFaultIsA500WithAnIdAndNoSql) {
  auto rename = [](const std::string& from, const std::string& to) {
    return platform_->database().Write([&](storage::Connection& db) {
      return db.Execute("ALTER TABLE " + from + " RENAME TO " + to, {});
    });
  };
  ASSERT_TRUE(rename("documents", "documents_away").ok());
  HttpResponse api = Fetch(platform_->port(), "GET", "/api/v1/documents");
  HttpResponse page =
      Fetch(platform_->port(), "GET", "/themas/groene-stad/documenten");
  ASSERT_TRUE(rename("documents_away", "documents").ok());

  EXPECT_EQ(api.status, 500) << api.body;
  EXPECT_EQ(Parsed(api)["errorId"], api.Header("X-Request-Id"));
  EXPECT_EQ(page.status, 500);
  EXPECT_THAT(page.body, HasSubstr(page.Header("X-Request-Id")));
  for (const char* words :
       {"SELECT", "no such table", "does not exist", "documents_away"}) {
    EXPECT_THAT(api.body, Not(HasSubstr(words))) << api.body;
    EXPECT_THAT(page.body, Not(HasSubstr(words)));
  }
  EXPECT_EQ(Fetch(platform_->port(), "GET", "/api/v1/documents").status, 200);
}

}  // namespace
}  // namespace smartercities
