// Accounts, sessions and the audit trail through the real server: login and
// the session cookie, CSRF and Origin checks, session expiry with a moved
// clock, logout, throttling, token revocation, object-level checks (a city
// editor and another city's records) and the audit rows each change writes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/app/platform.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;

constexpr const char* kAdminPassword = "beheer-Kanaal-tulp-93";
constexpr const char* kEditorPassword = "fiets-Kanaal-roos-17";

// Minutes the test has moved the platform's clock forward.
std::atomic<int> g_minutes{0};

class AccessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    database_ = new testing::TestDatabase();
    if (!database_->unavailable().empty()) return;  // SetUp says why
    app::Config config;
    config.port = 0;
    config.data_dir = dir_->path() / "data";
    config.database_url = database_->url();
    config.plugin_dir = testing::ThemePluginDir();
    config.web_root = "";
    config.initial_admin_password = kAdminPassword;
    config.clock = [] {
      return std::chrono::system_clock::now() +
             std::chrono::minutes(g_minutes.load());
    };
    auto platform = app::Platform::Start(config);
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value().release();
    std::ifstream in(config.AdminTokenFile());
    std::getline(in, token_);
    // A city editor of Helmond and one of Tilburg.
    for (auto [name, city] :
         {std::pair{"helmond", "GM0794"}, std::pair{"tilburg", "GM0855"}}) {
      HttpResponse made = AsAdmin("POST", "/api/v1/users",
                                  json{{"username", name},
                                       {"role", "city-editor"},
                                       {"scope", city},
                                       {"password", kEditorPassword}}
                                      .dump());
      ASSERT_EQ(made.status, 201) << made.body;
    }
  }
  static void TearDownTestSuite() {
    if (platform_ != nullptr) platform_->Stop();
    delete platform_;
    platform_ = nullptr;
    delete database_;
    delete dir_;
  }
  void SetUp() override {
    SMARTERCITIES_SKIP_WITHOUT_DATABASE(*database_);
    ASSERT_NE(platform_, nullptr) << "the suite's platform did not start";
  }

  static std::uint16_t port() { return platform_->port(); }
  static std::string Origin() {
    return "http://127.0.0.1:" + std::to_string(port());
  }

  static HttpResponse AsAdmin(const std::string& method,
                              const std::string& target,
                              const std::string& body = "") {
    std::map<std::string, std::string> headers = {
        {"Authorization", "Bearer " + token_}};
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return Fetch(port(), method, target, headers, body);
  }

  struct Login {
    std::string cookie;  // "sc_session=..."
    std::string csrf;
    HttpResponse response;
  };

  static Login LogIn(const std::string& username, const std::string& password) {
    Login login;
    login.response =
        Fetch(port(), "POST", "/api/v1/sessions",
              {{"Content-Type", "application/json"}},
              json{{"username", username}, {"password", password}}.dump());
    if (login.response.status != 201) return login;
    std::string set_cookie = login.response.Header("set-cookie");
    login.cookie = set_cookie.substr(0, set_cookie.find(';'));
    login.csrf = json::parse(login.response.body)["csrfToken"];
    return login;
  }

  // A request with the session cookie; with_csrf and origin as given.
  static HttpResponse WithSession(const Login& login, const std::string& method,
                                  const std::string& target,
                                  const std::string& body = "",
                                  bool with_csrf = true,
                                  std::string origin = "") {
    std::map<std::string, std::string> headers = {{"Cookie", login.cookie}};
    if (with_csrf) headers["X-CSRF-Token"] = login.csrf;
    if (origin.empty()) origin = Origin();
    if (origin != "none") headers["Origin"] = origin;
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return Fetch(port(), method, target, headers, body);
  }

  static json Audit(const std::string& query) {
    HttpResponse trail = AsAdmin("GET", "/api/v1/audit-events?" + query);
    EXPECT_EQ(trail.status, 200) << trail.body;
    return json::parse(trail.body);
  }

  static json BusinessPark(const std::string& city, const std::string& name) {
    return {{"city", city}, {"name", name}, {"hasFibre", true}};
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestDatabase* database_ = nullptr;
  static inline app::Platform* platform_ = nullptr;
  static inline std::string token_;
};

TEST_F(AccessTest, AnyOriginReadsThePublicDataButNothingElse) {
  const std::map<std::string, std::string> other_site = {
      {"Origin", "https://data.example.org"}};
  // Public reads, cached or not, and the API's description.
  for (const char* target :
       {"/api/v1/themes", "/api/v1/themes", "/api/v1/openapi.json",
        "/api/v1/cities/GM0794", "/api/v1/publications.atom"}) {
    HttpResponse read = Fetch(port(), "GET", target, other_site);
    EXPECT_EQ(read.status, 200) << target;
    EXPECT_EQ(read.Header("access-control-allow-origin"), "*") << target;
    EXPECT_THAT(read.Header("access-control-expose-headers"),
                HasSubstr("ETag"));
    EXPECT_EQ(read.Header("access-control-allow-credentials"), "");
  }
  // A revalidation answers 304 with the header too.
  HttpResponse first = Fetch(port(), "GET", "/api/v1/themes", other_site);
  auto conditional = other_site;
  conditional["If-None-Match"] = first.Header("etag");
  HttpResponse same = Fetch(port(), "GET", "/api/v1/themes", conditional);
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.Header("access-control-allow-origin"), "*");

  // The preflight of a public read is allowed, for a day.
  auto preflight = other_site;
  preflight["Access-Control-Request-Method"] = "GET";
  preflight["Access-Control-Request-Headers"] = "if-none-match";
  HttpResponse allowed =
      Fetch(port(), "OPTIONS", "/api/v1/themes/groene-stad", preflight);
  EXPECT_EQ(allowed.status, 204);
  EXPECT_EQ(allowed.Header("access-control-allow-origin"), "*");
  EXPECT_EQ(allowed.Header("access-control-allow-methods"), "GET, HEAD");
  EXPECT_THAT(allowed.Header("access-control-allow-headers"),
              HasSubstr("If-None-Match"));
  EXPECT_THAT(allowed.Header("access-control-allow-headers"),
              ::testing::Not(HasSubstr("Authorization")));
  EXPECT_EQ(allowed.Header("access-control-max-age"), "86400");

  // Credentialed routes and changes never: neither the preflight nor the
  // answer carries the header, so a browser keeps their answers from the
  // other site.
  for (auto [method, target] :
       {std::pair{"GET", "/api/v1/users"}, std::pair{"GET", "/api/v1/me"},
        std::pair{"POST", "/api/v1/sessions"},
        std::pair{"DELETE", "/api/v1/themes/groene-stad"}}) {
    auto asked = other_site;
    asked["Access-Control-Request-Method"] = method;
    HttpResponse refused = Fetch(port(), "OPTIONS", target, asked);
    EXPECT_NE(refused.status, 204) << method << " " << target;
    EXPECT_EQ(refused.Header("access-control-allow-origin"), "")
        << method << " " << target;
  }
  HttpResponse users = Fetch(port(), "GET", "/api/v1/users",
                             {{"Origin", "https://data.example.org"},
                              {"Authorization", "Bearer " + token_}});
  EXPECT_EQ(users.status, 200);
  EXPECT_EQ(users.Header("access-control-allow-origin"), "");
  // Nor the site's pages.
  EXPECT_EQ(Fetch(port(), "GET", "/", other_site)
                .Header("access-control-allow-origin"),
            "");
}

TEST_F(AccessTest, LoginSetsAStrictHttpOnlyCookieAndMeSaysWhoYouAre) {
  Login login = LogIn("helmond", kEditorPassword);
  ASSERT_EQ(login.response.status, 201) << login.response.body;
  std::string cookie = login.response.Header("set-cookie");
  EXPECT_THAT(cookie, HasSubstr("sc_session="));
  EXPECT_THAT(cookie, HasSubstr("HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(cookie, HasSubstr("Path=/"));
  EXPECT_EQ(login.response.Header("cache-control"), "no-store");
  json answer = json::parse(login.response.body);
  EXPECT_EQ(answer["user"]["role"], "city-editor");
  EXPECT_EQ(answer["user"]["scope"], "GM0794");
  EXPECT_FALSE(answer["user"].contains("passwordHash"));

  HttpResponse me = WithSession(login, "GET", "/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  json who = json::parse(me.body);
  EXPECT_EQ(who["name"], "user:helmond");
  EXPECT_EQ(who["scope"], "GM0794");
  EXPECT_EQ(who["csrfToken"], login.csrf);

  HttpResponse wrong = Fetch(port(), "POST", "/api/v1/sessions",
                             {{"Content-Type", "application/json"}},
                             R"({"username":"helmond","password":"nope"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_TRUE(wrong.Header("set-cookie").empty());
}

TEST_F(AccessTest, ACookieChangeNeedsTheCsrfTokenAndThisSitesOrigin) {
  Login login = LogIn("helmond", kEditorPassword);
  ASSERT_EQ(login.response.status, 201);
  std::string target = "/api/v1/themes/bedrijvige-stad/business-parks";
  std::string body = BusinessPark("GM0794", "Csrf-park").dump();
  auto stored = [&] {
    HttpResponse list = Fetch(port(), "GET", target + "?city=GM0794");
    return list.body.find("Csrf-park") != std::string::npos;
  };
  HttpResponse missing = WithSession(login, "POST", target, body, false);
  EXPECT_EQ(missing.status, 403) << missing.body;
  EXPECT_THAT(missing.body, HasSubstr("X-CSRF-Token"));
  Login other = login;
  other.csrf = "not-the-token";
  EXPECT_EQ(WithSession(other, "POST", target, body).status, 403);
  HttpResponse foreign =
      WithSession(login, "POST", target, body, true, "https://evil.example");
  EXPECT_EQ(foreign.status, 403);
  EXPECT_THAT(foreign.body, HasSubstr("another site"));
  EXPECT_EQ(WithSession(login, "POST", target, body, true, "none").status, 403);
  EXPECT_FALSE(stored()) << "a refused change must not be stored";

  HttpResponse made = WithSession(login, "POST", target, body);
  EXPECT_EQ(made.status, 201) << made.body;
  EXPECT_TRUE(stored());
}

// The Origin is compared with the platform's own address, never with the
// Host header the same client sends: otherwise any site could name itself
// in both.
TEST_F(AccessTest, TheOriginIsCheckedAgainstTheSitesAddressNotTheHostHeader) {
  Login login = LogIn("helmond", kEditorPassword);
  ASSERT_EQ(login.response.status, 201);
  std::string body = BusinessPark("GM0794", "Host-park").dump();
  testing::RawConnection connection(port());
  connection.Send(
      "POST /api/v1/themes/bedrijvige-stad/business-parks HTTP/1.1\r\n"
      "Host: evil.example\r\nOrigin: http://evil.example\r\n"
      "Cookie: " +
      login.cookie + "\r\nX-CSRF-Token: " + login.csrf +
      "\r\nContent-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  auto refused = connection.ReadResponse();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403) << refused->body;
  EXPECT_THAT(refused->body, HasSubstr("another site"));
  EXPECT_THAT(refused->body, HasSubstr(Origin()));
  // localhost is the same loopback site; the scheme and port must match.
  EXPECT_EQ(WithSession(login, "POST",
                        "/api/v1/themes/bedrijvige-stad/business-parks", body,
                        true, "https://127.0.0.1:" + std::to_string(port()))
                .status,
            403);
  HttpResponse local = WithSession(
      login, "POST", "/api/v1/themes/bedrijvige-stad/business-parks", body,
      true, "http://localhost:" + std::to_string(port()));
  EXPECT_EQ(local.status, 201) << local.body;
}

TEST_F(AccessTest, ASessionEndsAfterThirtyIdleMinutesAndAtLogout) {
  Login login = LogIn("tilburg", kEditorPassword);
  ASSERT_EQ(login.response.status, 201);
  EXPECT_EQ(WithSession(login, "GET", "/api/v1/me").status, 200);
  g_minutes += 31;
  HttpResponse expired = WithSession(login, "GET", "/api/v1/me");
  EXPECT_EQ(expired.status, 401);
  EXPECT_THAT(expired.body, HasSubstr("log in again"));

  Login again = LogIn("tilburg", kEditorPassword);
  ASSERT_EQ(again.response.status, 201);
  HttpResponse out = WithSession(again, "DELETE", "/api/v1/sessions/current");
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_THAT(out.Header("set-cookie"), HasSubstr("Max-Age=0"));
  EXPECT_EQ(WithSession(again, "GET", "/api/v1/me").status, 401);
}

TEST_F(AccessTest, ACityEditorCannotTouchAnotherCitysRecordsOrFigures) {
  // Tilburg has a business park, entered by the administrator.
  std::string target = "/api/v1/themes/bedrijvige-stad/business-parks";
  HttpResponse made =
      AsAdmin("POST", target, BusinessPark("GM0855", "Kraaiven").dump());
  ASSERT_EQ(made.status, 201) << made.body;
  std::string id = std::to_string(json::parse(made.body)["id"].get<int>());
  Login helmond = LogIn("helmond", kEditorPassword);
  ASSERT_EQ(helmond.response.status, 201);

  // The record's id with Helmond in the body: the stored record is Tilburg's.
  HttpResponse replace =
      WithSession(helmond, "PUT", target + "/" + id,
                  BusinessPark("GM0794", "Overgenomen").dump());
  EXPECT_EQ(replace.status, 403) << replace.body;
  EXPECT_THAT(replace.body, HasSubstr("GM0855"));
  EXPECT_EQ(WithSession(helmond, "DELETE", target + "/" + id).status, 403);
  // Tilburg in the body.
  EXPECT_EQ(
      WithSession(helmond, "POST", target, BusinessPark("GM0855", "Nep").dump())
          .status,
      403);
  HttpResponse after = Fetch(port(), "GET", target + "/" + id);
  EXPECT_EQ(json::parse(after.body)["name"], "Kraaiven");

  // A figure for Tilburg, and the city in the path of Regelluwe Stad.
  HttpResponse indicators =
      Fetch(port(), "GET", "/api/v1/themes/bedrijvige-stad/indicators");
  std::string indicator;
  json listed = json::parse(indicators.body);
  for (const auto& item : listed["items"]) {
    if (item["scope"] == "city") indicator = item["id"];
  }
  ASSERT_FALSE(indicator.empty()) << indicators.body.substr(0, 300);
  std::string figures = "/api/v1/indicators/" + indicator + "/measurements";
  EXPECT_EQ(WithSession(helmond, "POST", figures,
                        R"({"city":"GM0855","period":"2013-06","value":1})")
                .status,
            403);
  HttpResponse own =
      WithSession(helmond, "POST", figures,
                  R"({"city":"GM0794","period":"2013-06","value":1})");
  EXPECT_EQ(own.status, 201) << own.body;
  EXPECT_EQ(WithSession(helmond, "PUT",
                        "/api/v1/themes/regelluwe-stad/city-status/GM0855",
                        R"({"eherkenningImplemented":true})")
                .status,
            403);
}

TEST_F(AccessTest, FieldsARoleMayNotSetAreRefusedNotIgnored) {
  Login helmond = LogIn("helmond", kEditorPassword);
  ASSERT_EQ(helmond.response.status, 201);
  HttpResponse change = WithSession(helmond, "PUT", "/api/v1/me/password",
                                    json{{"currentPassword", kEditorPassword},
                                         {"newPassword", "x-Helmond-roos-17-y"},
                                         {"role", "admin"}}
                                        .dump());
  EXPECT_EQ(change.status, 400);
  EXPECT_THAT(change.body, HasSubstr("role"));
  HttpResponse me = WithSession(helmond, "GET", "/api/v1/me");
  EXPECT_EQ(json::parse(me.body)["role"], "city-editor");
  // Creating an account with a field that does not exist.
  HttpResponse made =
      AsAdmin("POST", "/api/v1/users",
              R"({"username":"x1","role":"admin","isSuperuser":true})");
  EXPECT_EQ(made.status, 400);
  EXPECT_THAT(made.body, HasSubstr("isSuperuser"));
  // An editor cannot reach account management at all.
  EXPECT_EQ(WithSession(helmond, "POST", "/api/v1/users",
                        R"({"username":"x2","role":"admin"})")
                .status,
            403);
}

TEST_F(AccessTest, ARevokedTokenIsRefusedFromThenOn) {
  HttpResponse made = AsAdmin(
      "POST", "/api/v1/tokens",
      R"({"name":"helmond-export","role":"city-editor","scope":"GM0794"})");
  ASSERT_EQ(made.status, 201) << made.body;
  json token = json::parse(made.body);
  std::string bearer = "Bearer " + token["token"].get<std::string>();
  HttpResponse me =
      Fetch(port(), "GET", "/api/v1/me", {{"Authorization", bearer}});
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(json::parse(me.body)["name"], "token:helmond-export");
  HttpResponse listed = AsAdmin("GET", "/api/v1/tokens");
  EXPECT_EQ(listed.body.find(token["token"].get<std::string>()),
            std::string::npos);
  EXPECT_EQ(AsAdmin("DELETE",
                    "/api/v1/tokens/" + std::to_string(token["id"].get<int>()))
                .status,
            204);
  EXPECT_EQ(
      Fetch(port(), "GET", "/api/v1/me", {{"Authorization", bearer}}).status,
      401);
}

TEST_F(AccessTest, AHundredFailedLoginsGet429WithRetryAfter) {
  HttpResponse made = AsAdmin("POST", "/api/v1/users",
                              json{{"username", "throttled"},
                                   {"role", "city-editor"},
                                   {"scope", "GM0363"},
                                   {"password", kEditorPassword}}
                                  .dump());
  ASSERT_EQ(made.status, 201);
  // From five clients: one client alone is stopped after 20 failures.
  for (int i = 0; i < 100; ++i) {
    HttpResponse failed = testing::FetchFrom(
        "127.0.4." + std::to_string(1 + i / 20), port(), "POST",
        "/api/v1/sessions", {{"Content-Type", "application/json"}},
        json{{"username", "throttled"},
             {"password", "wrong-" + std::to_string(i)}}
            .dump());
    ASSERT_EQ(failed.status, 401) << i;
  }
  Login blocked = LogIn("throttled", kEditorPassword);
  EXPECT_EQ(blocked.response.status, 429);
  int retry = std::stoi(blocked.response.Header("retry-after"));
  EXPECT_GT(retry, 3000);
  EXPECT_LE(retry, 3600);
}

TEST_F(AccessTest, EachChangeIsInTheAuditTrailWithWhoAndWhat) {
  std::string target = "/api/v1/themes/bedrijvige-stad/business-parks";
  HttpResponse made =
      AsAdmin("POST", target, BusinessPark("GM0794", "Audit-park").dump());
  ASSERT_EQ(made.status, 201);
  std::string id = std::to_string(json::parse(made.body)["id"].get<int>());
  std::string request_id = made.Header("x-request-id");
  json rows = Audit("object=bedrijvige_stad_parks/" + id);
  ASSERT_EQ(rows["total"], 1) << rows.dump();
  json row = rows["items"][0];
  EXPECT_EQ(row["actor"], "token:bootstrap-admin");
  EXPECT_EQ(row["role"], "admin");
  EXPECT_EQ(row["action"], "insert");
  EXPECT_EQ(row["requestId"], request_id);
  EXPECT_EQ(row["newValue"]["name"], "Audit-park");
  EXPECT_EQ(row["oldValue"], nullptr);

  ASSERT_EQ(AsAdmin("PUT", target + "/" + id,
                    BusinessPark("GM0794", "Audit-park 2").dump())
                .status,
            200);
  ASSERT_EQ(AsAdmin("DELETE", target + "/" + id).status, 204);
  rows = Audit("object=bedrijvige_stad_parks/" + id);
  ASSERT_EQ(rows["total"], 3);
  EXPECT_EQ(rows["items"][0]["action"], "delete");
  EXPECT_EQ(rows["items"][1]["action"], "update");
  EXPECT_EQ(rows["items"][1]["oldValue"]["name"], "Audit-park");
  EXPECT_EQ(rows["items"][1]["newValue"]["name"], "Audit-park 2");

  // A module switch and an account change are audited too, without secrets.
  ASSERT_EQ(
      AsAdmin("PATCH", "/api/v1/modules/kennisdeling", R"({"enabled":false})")
          .status,
      200);
  ASSERT_EQ(
      AsAdmin("PATCH", "/api/v1/modules/kennisdeling", R"({"enabled":true})")
          .status,
      200);
  EXPECT_GE(Audit("object=modules/kennisdeling")["total"].get<int>(), 2);
  json users = Audit("object=users/");
  EXPECT_GE(users["total"].get<int>(), 2);
  EXPECT_EQ(users.dump().find("argon2"), std::string::npos);

  // A refused change writes nothing.
  int before = Audit("")["total"];
  Fetch(port(), "POST", target, {{"Content-Type", "application/json"}},
        BusinessPark("GM0794", "Anoniem").dump());
  EXPECT_EQ(Audit("")["total"], before);

  HttpResponse verified = AsAdmin("GET", "/api/v1/audit-events/verification");
  ASSERT_EQ(verified.status, 200);
  EXPECT_EQ(json::parse(verified.body)["intact"], true) << verified.body;
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/audit-events").status, 401);
}

TEST_F(AccessTest, BodiesOfTheWrongTypeOrShapeAreRefusedNamingTheProblem) {
  std::string target = "/api/v1/themes/bedrijvige-stad/business-parks";
  HttpResponse form =
      Fetch(port(), "POST", target,
            {{"Authorization", "Bearer " + token_},
             {"Content-Type", "application/x-www-form-urlencoded"}},
            "city=GM0794");
  EXPECT_EQ(form.status, 415);
  EXPECT_THAT(form.body, HasSubstr("application/json"));
  HttpResponse broken = AsAdmin("POST", target, R"({"city": "GM0794",)");
  EXPECT_EQ(broken.status, 400);
  EXPECT_THAT(broken.body,
              HasSubstr("not valid JSON: it ends before it is complete"));
  // Where it breaks, in lines and columns; not the parser's own words.
  HttpResponse bad_key =
      AsAdmin("POST", target, "{\n  \"city\": \"GM0794\",\n  x: 1}");
  EXPECT_EQ(bad_key.status, 400);
  EXPECT_THAT(bad_key.body, HasSubstr("is not valid at line 3, column 3"));
  EXPECT_THAT(bad_key.body, ::testing::Not(HasSubstr("last read")));
  EXPECT_THAT(bad_key.body, ::testing::Not(HasSubstr("json.exception")));
  // A number too large for a double made the check throw: 500.
  HttpResponse huge =
      AsAdmin("POST", target, R"({"city": "GM0794", "n": 1e999})");
  EXPECT_EQ(huge.status, 400);
  EXPECT_THAT(huge.body,
              HasSubstr("not valid JSON: a number in it is too large"));
  HttpResponse deep =
      AsAdmin("POST", target, std::string(100, '[') + std::string(100, ']'));
  EXPECT_EQ(deep.status, 400);
  EXPECT_THAT(deep.body, HasSubstr("deeper than 32"));
  HttpResponse typed =
      AsAdmin("POST", target, R"({"city":"GM0794","name":7,"hasFibre":true})");
  EXPECT_EQ(typed.status, 400);
  EXPECT_THAT(typed.body, HasSubstr("name"));
  // The CSV import takes text/csv, not JSON.
  HttpResponse csv = AsAdmin(
      "POST", "/api/v1/themes/groene-stad/energy-use/import", R"({"rows":[]})");
  EXPECT_EQ(csv.status, 415);
}

}  // namespace
}  // namespace smartercities
