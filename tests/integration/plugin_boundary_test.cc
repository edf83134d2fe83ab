// The plugin boundary through the real server: what plugin code sees of a
// request (never a credential; the caller as typed fields), a plugin built
// against SDK 1.0 still loading and serving, the id of an inserted row, and
// the kind of a load failure in the admin API.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/app/platform.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using testing::HttpResponse;

constexpr const char* kEditorPassword = "fiets-Kanaal-roos-17";

class PluginBoundaryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    app::Config config;
    config.port = 0;
    config.data_dir = dir_->path() / "data";
    config.plugin_dir = dir_->path() / "plugins";
    config.web_root = "";
    std::filesystem::create_directories(config.plugin_dir);
    for (const char* name :
         {"fixture_good", "fixture_old_sdk", "fixture_wrong_major"}) {
      testing::CopyPlugin(testing::TestPluginDir(), name, config.plugin_dir);
    }
    auto platform = app::Platform::Start(config);
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value().release();
    std::ifstream in(config.AdminTokenFile());
    std::getline(in, token_);
    HttpResponse made = AsAdmin("POST", "/api/v1/users",
                                json{{"username", "helmond"},
                                     {"role", "city-editor"},
                                     {"scope", "GM0794"},
                                     {"password", kEditorPassword}}
                                    .dump());
    ASSERT_EQ(made.status, 201) << made.body;
    HttpResponse login = Fetch(
        port(), "POST", "/api/v1/sessions",
        {{"Content-Type", "application/json"}},
        json{{"username", "helmond"}, {"password", kEditorPassword}}.dump());
    ASSERT_EQ(login.status, 201) << login.body;
    std::string set_cookie = login.Header("set-cookie");
    cookie_ = set_cookie.substr(0, set_cookie.find(';'));
    csrf_ = json::parse(login.body)["csrfToken"];
  }
  static void TearDownTestSuite() {
    platform_->Stop();
    delete platform_;
    delete dir_;
  }

  static std::uint16_t port() { return platform_->port(); }

  static HttpResponse AsAdmin(const std::string& method,
                              const std::string& target,
                              const std::string& body = "") {
    std::map<std::string, std::string> headers = {
        {"Authorization", "Bearer " + token_},
        // Sent by a client, trusted by nobody.
        {"X-Smartercities-Role", "city-editor"},
        {"X-Fixture", "seen"}};
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return Fetch(port(), method, target, headers, body);
  }

  // As Helmond's city editor, by the login session: cookie, CSRF token and
  // this site's Origin.
  static HttpResponse AsEditor(const std::string& method,
                               const std::string& target,
                               const std::string& body) {
    return Fetch(port(), method, target,
                 {{"Cookie", cookie_},
                  {"X-CSRF-Token", csrf_},
                  {"Origin", "http://127.0.0.1:" + std::to_string(port())},
                  {"Content-Type", "application/json"}},
                 body);
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline app::Platform* platform_ = nullptr;
  static inline std::string token_;
  static inline std::string cookie_;
  static inline std::string csrf_;
};

TEST_F(PluginBoundaryTest, APluginSeesNoCredentialOfATokenCaller) {
  HttpResponse echo = AsAdmin("GET", "/api/v1/themes/test-good/echo");
  ASSERT_EQ(echo.status, 200) << echo.body;
  json seen = json::parse(echo.body);
  EXPECT_EQ(seen["headers"], json({{"x-fixture", "seen"}})) << echo.body;
  EXPECT_EQ(seen["caller"]["kind"], 2);  // a token
  EXPECT_GT(seen["caller"]["id"].get<int>(), 0);
  EXPECT_EQ(seen["caller"]["name"], "token:bootstrap-admin");
  EXPECT_EQ(seen["caller"]["role"], "admin");
  EXPECT_EQ(seen["caller"]["scope"], "");
  EXPECT_EQ(seen["caller"]["mayChangeGM0794"], true);
}

TEST_F(PluginBoundaryTest, APluginSeesNoSessionCookieOrCsrfToken) {
  HttpResponse echo = AsEditor("POST", "/api/v1/themes/test-good/echo",
                               R"({"city": "GM0794"})");
  ASSERT_EQ(echo.status, 200) << echo.body;
  json seen = json::parse(echo.body);
  // Only what the client sent that is no credential: Origin, Content-Type.
  EXPECT_EQ(seen["headers"].size(), 2u) << echo.body;
  EXPECT_TRUE(seen["headers"].contains("origin"));
  EXPECT_TRUE(seen["headers"].contains("content-type"));
  EXPECT_EQ(echo.body.find(csrf_), std::string::npos);
  EXPECT_EQ(echo.body.find(cookie_.substr(cookie_.find('=') + 1)),
            std::string::npos);
  EXPECT_EQ(seen["caller"]["kind"], 1);  // an account
  EXPECT_GT(seen["caller"]["id"].get<int>(), 0);
  EXPECT_EQ(seen["caller"]["name"], "user:helmond");
  EXPECT_EQ(seen["caller"]["role"], "city-editor");
  EXPECT_EQ(seen["caller"]["scope"], "GM0794");
  EXPECT_EQ(seen["caller"]["mayChangeGM0794"], true);
}

TEST_F(PluginBoundaryTest, APluginBuiltForAbi10KeepsLoadingAndServing) {
  json modules = json::parse(AsAdmin("GET", "/api/v1/modules").body);
  json old;
  for (const auto& module : modules["items"]) {
    if (module["id"] == "test-old-sdk") old = module;
  }
  ASSERT_FALSE(old.is_null()) << modules.dump();
  EXPECT_EQ(old["state"], "enabled") << old.dump();
  EXPECT_EQ(old["abi"], "1.0");
  HttpResponse items =
      Fetch(port(), "GET", "/api/v1/themes/test-old-sdk/items");
  ASSERT_EQ(items.status, 200) << items.body;
  EXPECT_EQ(json::parse(items.body)["cities"], 41);
  // Its SDK read the caller from headers; it gets those, and no credential.
  HttpResponse echo = AsEditor("POST", "/api/v1/themes/test-old-sdk/echo",
                               R"({"city": "GM0794"})");
  ASSERT_EQ(echo.status, 200) << echo.body;
  EXPECT_EQ(json::parse(echo.body), json({{"caller", "user:helmond"},
                                          {"role", "city-editor"},
                                          {"scope", "GM0794"},
                                          {"mayChangeGM0794", true}}));
  HttpResponse refused = AsEditor("POST", "/api/v1/themes/test-old-sdk/echo",
                                  R"({"city": "GM0855"})");
  EXPECT_EQ(refused.status, 403) << refused.body;
}

TEST_F(PluginBoundaryTest, AnInsertTellsThePluginTheNewRowsId) {
  HttpResponse first =
      AsAdmin("POST", "/api/v1/themes/test-good/items", R"("first")");
  ASSERT_EQ(first.status, 201) << first.body;
  HttpResponse second =
      AsAdmin("POST", "/api/v1/themes/test-good/items", R"("second")");
  ASSERT_EQ(second.status, 201) << second.body;
  json a = json::parse(first.body);
  json b = json::parse(second.body);
  EXPECT_EQ(a["changes"], 1);
  EXPECT_GT(a["id"].get<int>(), 0);
  EXPECT_EQ(b["id"].get<int>(), a["id"].get<int>() + 1);
}

TEST_F(PluginBoundaryTest, AModuleThatFailedToLoadSaysWhyForPrograms) {
  json modules = json::parse(AsAdmin("GET", "/api/v1/modules").body);
  std::map<std::string, json> failures;
  for (const auto& module : modules["items"]) {
    failures[module["id"]] = module["failure"];
  }
  EXPECT_EQ(failures["libfixture_wrong_major"], "abi") << modules.dump();
  EXPECT_EQ(failures["test-good"], nullptr);
}

}  // namespace
}  // namespace smartercities
