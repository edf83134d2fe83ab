// How requests are executed, through the whole platform over real sockets:
// public answers from the response cache (ETag, 304, gzip, never stale after
// a write), each theme module within its share and behind its circuit
// breaker, password hashing on a queue of its own, and liveness answered
// whatever else is busy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "core/app/platform.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;

class RequestExecutionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    plugin_dir_ = dir_.path() / "plugins";
    std::filesystem::create_directories(plugin_dir_);
    testing::CopyPlugin(testing::ThemePluginDir(), "regelluwe_stad",
                        plugin_dir_);
    testing::CopyPlugin(testing::TestPluginDir(), "fixture_good", plugin_dir_);
    testing::CopyPlugin(testing::TestPluginDir(), "fixture_other", plugin_dir_);
  }

  void Start(int module_share = 4, int deadline_ms = 10000) {
    app::Config config;
    config.port = 0;
    config.data_dir = dir_.path() / "data";
    config.plugin_dir = plugin_dir_;
    config.web_root = "";
    config.module_share = module_share;
    config.handler_deadline_ms = deadline_ms;
    config.log_level = "warn";
    auto platform = app::Platform::Start(config);
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value();
    std::ifstream in(config.AdminTokenFile());
    std::getline(in, token_);
  }

  HttpResponse Get(const std::string& target,
                   std::map<std::string, std::string> headers = {}) {
    return Fetch(platform_->port(), "GET", target, headers);
  }

  HttpResponse AsAdmin(const std::string& method, const std::string& target,
                       const std::string& body = "") {
    return Fetch(platform_->port(), method, target,
                 {{"Authorization", "Bearer " + token_},
                  {"Content-Type", "application/json"}},
                 body);
  }

  // How long a GET takes, in milliseconds, and its status.
  std::pair<int, long> Timed(const std::string& target) {
    auto start = std::chrono::steady_clock::now();
    int status = Get(target).status;
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    return {status, static_cast<long>(elapsed.count())};
  }

  testing::TempDir dir_;
  std::filesystem::path plugin_dir_;
  std::unique_ptr<app::Platform> platform_;
  std::string token_;
};

TEST_F(RequestExecutionTest, PublicReadsCarryAStrongEtagAndAnswer304) {
  Start();
  HttpResponse first = Get("/api/v1/themes");
  ASSERT_EQ(first.status, 200);
  std::string etag = first.Header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(first.Header("cache-control"), "public, no-cache");
  EXPECT_EQ(Get("/api/v1/themes").Header("etag"), etag);
  HttpResponse again = Get("/api/v1/themes", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.Header("etag"), etag);
  // The security headers come with a cached answer too.
  EXPECT_EQ(again.Header("x-content-type-options"), "nosniff");
  EXPECT_FALSE(again.Header("x-request-id").empty());
}

TEST_F(RequestExecutionTest, LargeAnswersAreGzippedForClientsThatAskForIt) {
  Start();
  HttpResponse plain = Get("/api/v1/openapi.json");
  ASSERT_EQ(plain.status, 200);
  EXPECT_TRUE(plain.Header("content-encoding").empty());
  HttpResponse gzip =
      Get("/api/v1/openapi.json", {{"Accept-Encoding", "gzip, deflate"}});
  ASSERT_EQ(gzip.status, 200);
  EXPECT_EQ(gzip.Header("content-encoding"), "gzip");
  EXPECT_EQ(gzip.Header("vary"), "Accept-Encoding");
  EXPECT_LT(gzip.body.size(), plain.body.size() / 4);
  EXPECT_NE(gzip.Header("etag"), plain.Header("etag"));
  EXPECT_EQ(static_cast<unsigned char>(gzip.body[0]), 0x1f);  // gzip magic
}

TEST_F(RequestExecutionTest, AnAcknowledgedWriteIsInTheNextRead) {
  Start();
  const std::string figures =
      "/api/v1/indicators/regelluwe-stad-e-invoices/measurements";
  HttpResponse before = Get(figures);
  ASSERT_EQ(before.status, 200);
  EXPECT_EQ(json::parse(before.body)["total"], 0);
  HttpResponse written =
      AsAdmin("POST", figures,
              R"({"city": "GM0363", "period": "2013-06", "value": 42})");
  ASSERT_EQ(written.status, 201) << written.body;
  HttpResponse after = Get(figures);
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(json::parse(after.body)["total"], 1);
  EXPECT_NE(after.Header("etag"), before.Header("etag"));

  // A module switched off leaves the list of themes at once.
  ASSERT_EQ(json::parse(Get("/api/v1/themes").body)["total"], 3);
  ASSERT_EQ(
      AsAdmin("PATCH", "/api/v1/modules/test-other", R"({"enabled": false})")
          .status,
      200);
  EXPECT_EQ(json::parse(Get("/api/v1/themes").body)["total"], 2);
}

TEST_F(RequestExecutionTest, AWriteByAnotherProcessReachesTheCacheQuickly) {
  Start();
  const std::string figures =
      "/api/v1/indicators/regelluwe-stad-e-invoices/measurements";
  ASSERT_EQ(json::parse(Get(figures).body)["total"], 0);
  // As the command line does: its own connection to the same file.
  sqlite3* db = nullptr;
  ASSERT_EQ(
      sqlite3_open((dir_.path() / "data" / "smartercities.db").c_str(), &db),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO measurements (indicator_id, city, "
                         "period, value, recorded_at, recorded_by) VALUES "
                         "('regelluwe-stad-e-invoices', 'GM0363', '2013-07', "
                         "7, '2013-07-01T00:00:00Z', 'cli')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  int total = 0;
  for (int i = 0; i < 50 && total == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    total = json::parse(Get(figures).body)["total"].get<int>();
  }
  EXPECT_EQ(total, 1);
}

TEST_F(RequestExecutionTest, AHangingModuleHoldsOnlyItsShare) {
  Start(/*module_share=*/2, /*deadline_ms=*/10000);
  std::vector<std::future<HttpResponse>> hanging;
  for (int i = 0; i < 2; ++i) {
    hanging.push_back(std::async(std::launch::async, [this] {
      return Get("/api/v1/themes/test-good/slow?ms=2000");
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Its share is taken: one more request for the module is answered at once.
  auto [busy_status, busy_ms] = Timed("/api/v1/themes/test-good/items");
  EXPECT_EQ(busy_status, 503);
  EXPECT_LT(busy_ms, 1000);
  HttpResponse busy = Get("/api/v1/themes/test-good/items");
  EXPECT_EQ(busy.Header("retry-after"), "1");
  EXPECT_THAT(busy.body, HasSubstr("its share"));
  // Everything else keeps answering.
  EXPECT_EQ(Timed("/api/v1/themes/test-other/items").first, 200);
  EXPECT_EQ(Timed("/healthz").first, 200);
  EXPECT_EQ(Timed("/api/v1/themes").first, 200);
  EXPECT_EQ(Timed("/api/v1/themes/regelluwe-stad/agreements").first, 200);
  for (auto& request : hanging) EXPECT_EQ(request.get().status, 200);
  EXPECT_EQ(Get("/api/v1/themes/test-good/items").status, 200);
}

TEST_F(RequestExecutionTest,
       HandlersPastTheirDeadlinePauseTheModuleNotSwitchIt) {
  Start(/*module_share=*/8, /*deadline_ms=*/100);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Get("/api/v1/themes/test-good/slow?ms=300").status, 504);
  }
  HttpResponse paused = Get("/api/v1/themes/test-good/items");
  EXPECT_EQ(paused.status, 503);
  EXPECT_FALSE(paused.Header("retry-after").empty());
  EXPECT_THAT(paused.body, HasSubstr("failed repeatedly"));
  // The administrator sees why; the stored setting is unchanged.
  json modules = json::parse(AsAdmin("GET", "/api/v1/modules").body);
  bool found = false;
  for (const json& module : modules["items"]) {
    if (module["id"] != "test-good") continue;
    found = true;
    EXPECT_EQ(module["enabled"], true);
    EXPECT_EQ(module["breaker"]["state"], "open");
    EXPECT_THAT(module["breaker"]["lastFailure"].get<std::string>(),
                HasSubstr("did not answer within 100 ms"));
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(Get("/api/v1/themes/test-other/items").status, 200);
  // Switching it on again by hand gives it a fresh start.
  ASSERT_EQ(
      AsAdmin("PATCH", "/api/v1/modules/test-good", R"({"enabled": true})")
          .status,
      200);
  EXPECT_EQ(Get("/api/v1/themes/test-good/items").status, 200);
}

TEST_F(RequestExecutionTest, ALoginFloodWaitsInItsOwnQueue) {
  Start();
  std::vector<std::future<int>> logins;
  for (int i = 0; i < 60; ++i) {
    logins.push_back(std::async(std::launch::async, [this] {
      return Fetch(platform_->port(), "POST", "/api/v1/sessions",
                   {{"Content-Type", "application/json"}},
                   R"({"username": "nobody", "password": "not-the-password"})")
          .status;
    }));
  }
  // Liveness and public reads do not wait behind the hashing.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(Timed("/healthz").first, 200);
  EXPECT_EQ(Timed("/api/v1/themes").first, 200);
  int refused = 0;
  int busy = 0;
  for (auto& login : logins) {
    int status = login.get();
    if (status == 401) ++refused;
    if (status == 503) ++busy;
  }
  EXPECT_EQ(refused + busy, 60);
  // More than the queue holds were sent at once: some were told to come
  // back rather than wait.
  EXPECT_GT(busy, 0);
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace smartercities
