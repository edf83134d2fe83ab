// The web site through a real socket: public pages are cacheable answers
// that are the same for every caller (ETag, 304, gzip), the built assets
// are served with a year of caching, and the site's forms pass the same
// authorization point as the API (CSRF field, permissions, the city).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
using ::testing::Not;

constexpr const char* kAdminPassword = "beheer-Kanaal-tulp-93";

class WebPagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    database_ = new testing::TestDatabase();
    if (!database_->unavailable().empty()) return;  // SetUp says why
    // A web root with one built asset, as web/build.mjs writes them.
    std::filesystem::path web = dir_->path() / "web";
    std::filesystem::create_directories(web / "assets");
    std::ofstream(web / "assets" / "manifest.json")
        << R"({"site.css": "style-TEST1234.css"})";
    std::ofstream(web / "assets" / "style-TEST1234.css")
        << std::string(4000, ' ') << "body{color:black}";
    app::Config config;
    config.port = 0;
    config.data_dir = dir_->path() / "data";
    config.database_url = database_->url();
    config.plugin_dir = testing::ThemePluginDir();
    config.web_root = web;
    config.initial_admin_password = kAdminPassword;
    auto platform = app::Platform::Start(config);
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value().release();
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
  static HttpResponse Get(const std::string& target,
                          std::map<std::string, std::string> headers = {}) {
    return Fetch(port(), "GET", target, headers);
  }

  struct Login {
    std::string cookie;
    std::string csrf;
  };
  static Login LogIn() {
    HttpResponse response =
        Fetch(port(), "POST", "/api/v1/sessions",
              {{"Content-Type", "application/json"}},
              json{{"username", "admin"}, {"password", kAdminPassword}}.dump());
    EXPECT_EQ(response.status, 201) << response.body;
    std::string set_cookie = response.Header("set-cookie");
    return {set_cookie.substr(0, set_cookie.find(';')),
            json::parse(response.body)["csrfToken"]};
  }
  static HttpResponse PostForm(const Login& login, const std::string& target,
                               const std::string& body) {
    return Fetch(port(), "POST", target,
                 {{"Cookie", login.cookie},
                  {"Origin", Origin()},
                  {"Content-Type", "application/x-www-form-urlencoded"}},
                 body);
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestDatabase* database_ = nullptr;
  static inline app::Platform* platform_ = nullptr;
};

TEST_F(WebPagesTest, PublicPagesAreCachedAnswersTheSameForEveryCaller) {
  HttpResponse first = Get("/themas/regelluwe-stad");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_THAT(first.Header("content-type"), HasSubstr("text/html"));
  EXPECT_THAT(first.body, HasSubstr("De Regelluwe Stad"));
  std::string etag = first.Header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_THAT(first.Header("cache-control"), HasSubstr("no-cache"));
  EXPECT_EQ(Get("/themas/regelluwe-stad", {{"If-None-Match", etag}}).status,
            304);
  HttpResponse zipped =
      Get("/themas/regelluwe-stad", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(zipped.Header("content-encoding"), "gzip");
  // Logged in, the public page is the same page: no name, no token.
  Login login = LogIn();
  HttpResponse personal =
      Get("/themas/regelluwe-stad", {{"Cookie", login.cookie}});
  EXPECT_EQ(personal.body, first.body);
  EXPECT_THAT(personal.body, Not(HasSubstr(login.csrf)));
  // The Content-Security-Policy holds for pages too.
  EXPECT_THAT(first.Header("content-security-policy"),
              HasSubstr("script-src 'self'"));
}

TEST_F(WebPagesTest, EnglishLivesUnderEnAndTheCovenantsTextStaysDutch) {
  HttpResponse page = Get("/en/themas/regelluwe-stad/afspraken/e");
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(page.body, HasSubstr("Result agreement"));
  EXPECT_THAT(page.body,
              HasSubstr("<blockquote class=\"sc-quote\" lang=\"nl\">"));
  EXPECT_THAT(page.body, HasSubstr("hreflang=\"nl\""));
  EXPECT_EQ(Get("/themas/nope").status, 404);
  EXPECT_EQ(Get("/indicatoren/nope").status, 404);
}

TEST_F(WebPagesTest, AssetsHaveHashedNamesAndAYearOfCaching) {
  HttpResponse page = Get("/");
  EXPECT_THAT(page.body, HasSubstr("&#x2F;assets&#x2F;style-TEST1234.css"));
  HttpResponse css =
      Get("/assets/style-TEST1234.css", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(css.status, 200);
  EXPECT_THAT(css.Header("cache-control"), HasSubstr("immutable"));
  EXPECT_THAT(css.Header("content-type"), HasSubstr("text/css"));
  EXPECT_EQ(css.Header("content-encoding"), "gzip");
  EXPECT_EQ(
      Get("/assets/style-TEST1234.css",
          {{"If-None-Match", Get("/assets/style-TEST1234.css").Header("etag")}})
          .status,
      304);
  EXPECT_EQ(Get("/assets/other.css").status, 404);
}

TEST_F(WebPagesTest, FiguresCsvHasAHeaderAndOneRowPerFigure) {
  HttpResponse csv = Get("/indicatoren/regelluwe-stad-e-invoices/cijfers.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_THAT(csv.Header("content-type"), HasSubstr("text/csv"));
  EXPECT_THAT(csv.Header("content-disposition"), HasSubstr("attachment"));
  EXPECT_THAT(csv.body, HasSubstr("indicator,cbs_code,city,period,value"));
}

TEST_F(WebPagesTest, FormsNeedTheSessionsCsrfTokenAndTheRightRole) {
  Login login = LogIn();
  // Without the token: refused, as a page.
  HttpResponse refused = PostForm(login, "/uitloggen", "x=1");
  EXPECT_EQ(refused.status, 403);
  EXPECT_THAT(refused.Header("content-type"), HasSubstr("text/html"));
  // A figure through the form, with the token.
  HttpResponse entered =
      PostForm(login, "/invoer/regelluwe-stad-e-invoices",
               "csrf_token=" + login.csrf +
                   "&city=GM0794&period=2014-01&value=42%2C5&source=");
  EXPECT_EQ(entered.status, 303) << entered.body;
  EXPECT_THAT(entered.Header("location"),
              HasSubstr("/indicatoren/regelluwe-stad-e-invoices#stad-GM0794"));
  HttpResponse figures = Get(
      "/api/v1/indicators/regelluwe-stad-e-invoices/measurements?city=GM0794");
  EXPECT_THAT(figures.body, HasSubstr("42.5"));
  // A wrong value: the form again, the message next to the field.
  HttpResponse wrong = PostForm(
      login, "/invoer/regelluwe-stad-e-invoices",
      "csrf_token=" + login.csrf + "&city=GM0794&period=2014-01&value=abc");
  EXPECT_EQ(wrong.status, 422);
  EXPECT_THAT(wrong.body, HasSubstr("id=\"veld-value-fout\""));
  EXPECT_THAT(
      wrong.body,
      HasSubstr("aria-describedby=\"veld-value-uitleg veld-value-fout\""));
  // Logging out ends the session.
  HttpResponse out = PostForm(login, "/uitloggen", "csrf_token=" + login.csrf);
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(Get("/account", {{"Cookie", login.cookie}}).status, 401);
}

TEST_F(WebPagesTest, AnEmptyRegisterOffersTheFormOfItsDeclaredFields) {
  Login login = LogIn();
  const std::string page = "/invoer/themas/groene-stad/smart-grid-pilots";
  HttpResponse empty = Get(page, {{"Cookie", login.cookie}});
  ASSERT_EQ(empty.status, 200) << empty.body;
  // No record yet: the fields come from the register's declaration.
  for (const char* field :
       {"veld-city", "veld-name", "veld-homes", "veld-startedOn"}) {
    EXPECT_THAT(empty.body, HasSubstr(std::string("id=\"") + field + "\""))
        << field;
  }
  EXPECT_THAT(empty.body, Not(HasSubstr("veld-id")));
  HttpResponse added =
      PostForm(login, page,
               "csrf_token=" + login.csrf +
                   "&veld-city=GM0307&veld-name=Nieuwland&veld-homes=120"
                   "&veld-startedOn=");
  EXPECT_EQ(added.status, 303) << added.body;
  HttpResponse stored =
      Get("/api/v1/themes/groene-stad/smart-grid-pilots?city=GM0307");
  EXPECT_THAT(stored.body, HasSubstr("Nieuwland"));
  EXPECT_THAT(stored.body, HasSubstr("120"));
}

TEST_F(WebPagesTest, APasswordChangeTellsWhatIsWrongNextToTheField) {
  Login login = LogIn();
  HttpResponse wrong = PostForm(
      login, "/account/wachtwoord",
      "csrf_token=" + login.csrf +
          "&current=not-it&new=Wind-molen-Tulp-42&repeat=Wind-molen-Tulp-42");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_THAT(wrong.body, HasSubstr("id=\"veld-current-fout\""));
  EXPECT_THAT(wrong.body, HasSubstr("klopt niet"));
  HttpResponse differ =
      PostForm(login, "/en/account/wachtwoord",
               "csrf_token=" + login.csrf + "&current=" + kAdminPassword +
                   "&new=Wind-molen-Tulp-42&repeat=Wind-molen-Tulp-43");
  EXPECT_EQ(differ.status, 400);
  EXPECT_THAT(differ.body, HasSubstr("id=\"veld-repeat-fout\""));
  EXPECT_THAT(differ.body, HasSubstr("not the same"));
  // A password the rules refuse: the rules' reason, next to the field.
  HttpResponse weak =
      PostForm(login, "/account/wachtwoord",
               "csrf_token=" + login.csrf + "&current=" + kAdminPassword +
                   "&new=short&repeat=short");
  EXPECT_EQ(weak.status, 400);
  EXPECT_THAT(weak.body, HasSubstr("id=\"veld-new-fout\""));
}

TEST_F(WebPagesTest, APersonalPageShowsAVisitorTheLoginForm) {
  HttpResponse page = Get("/beheer/modules");
  EXPECT_EQ(page.status, 401);
  EXPECT_THAT(page.body,
              HasSubstr("name=\"terug\" value=\"&#x2F;beheer&#x2F;modules\""));
  EXPECT_THAT(page.body, HasSubstr("id=\"veld-password\""));
}

}  // namespace
}  // namespace smartercities
