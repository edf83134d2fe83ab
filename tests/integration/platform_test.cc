// The whole platform over real sockets: the real server, the real loader
// with the Regelluwe Stad plugin and a fixture plugin, a real SQLite file.
#include "core/app/platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <future>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/postgres_test_database.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;

class PlatformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SMARTERCITIES_SKIP_WITHOUT_DATABASE(database_);
    plugin_dir_ = dir_.path() / "plugins";
    std::filesystem::create_directories(plugin_dir_);
    testing::CopyPlugin(testing::ThemePluginDir(), "regelluwe_stad",
                        plugin_dir_);
    testing::CopyPlugin(testing::TestPluginDir(), "fixture_good", plugin_dir_);
    Start();
  }

  void Start(const std::function<void(app::Config&)>& change = nullptr) {
    app::Config config;
    config.port = 0;
    config.data_dir = dir_.path() / "data";
    config.database_url = database_.url();
    config.plugin_dir = plugin_dir_;
    config.web_root = testing::SourceDir() / "web";
    config.handler_deadline_ms = 500;
    if (change) change(config);
    config_ = config;
    auto platform = app::Platform::Start(config);
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value();
    std::ifstream in(config.AdminTokenFile());
    std::getline(in, token_);
  }

  void Restart() {
    platform_->Stop();
    platform_.reset();
    Start();
  }

  HttpResponse Get(const std::string& target, bool as_admin = false) {
    std::map<std::string, std::string> headers;
    if (as_admin) headers["Authorization"] = "Bearer " + token_;
    return Fetch(platform_->port(), "GET", target, headers);
  }

  HttpResponse Send(const std::string& method, const std::string& target,
                    const std::string& body, bool as_admin = true) {
    std::map<std::string, std::string> headers = {
        {"Content-Type", "application/json"}};
    if (as_admin) headers["Authorization"] = "Bearer " + token_;
    return Fetch(platform_->port(), method, target, headers, body);
  }

  json GetJson(const std::string& target, int expected_status = 200) {
    HttpResponse response = Get(target, true);
    EXPECT_EQ(response.status, expected_status)
        << target << ": " << response.body;
    return json::parse(response.body, nullptr, false);
  }

  testing::TempDir dir_;
  testing::TestDatabase database_;
  std::filesystem::path plugin_dir_;
  app::Config config_;
  std::unique_ptr<app::Platform> platform_;
  std::string token_;
};

TEST_F(PlatformTest, ServesTheTwentyRegelluweStadAgreements) {
  json agreements = GetJson("/api/v1/themes/regelluwe-stad/agreements");
  ASSERT_EQ(agreements["total"], 20);
  std::string letters;
  for (const auto& item : agreements["items"]) {
    letters += item["letter"].get<std::string>();
    EXPECT_EQ(item["id"],
              "regelluwe-stad/" + item["letter"].get<std::string>());
    EXPECT_EQ(item["kind"], item["letter"] <= "i" ? "result" : "effort")
        << item["letter"];
    EXPECT_FALSE(item["text"].get<std::string>().empty());
  }
  EXPECT_EQ(letters, "abcdefghijklmnopqrst");
  json e = GetJson("/api/v1/themes/regelluwe-stad/agreements/e");
  EXPECT_THAT(e["text"].get<std::string>(), HasSubstr("60%"));
  EXPECT_EQ(e["goal"], "Ter verbetering van dienstverlening aan ondernemers");
  EXPECT_EQ(e["history"].size(), 1u);
}

TEST_F(PlatformTest, AgreementsMatchTheCovenantParagraph) {
  std::ifstream in(testing::SourceDir() /
                   "tests/plugins/regelluwe-stad/expected_agreements.json");
  json expected = json::parse(in);
  json actual = GetJson("/api/v1/themes/regelluwe-stad/agreements");
  ASSERT_EQ(actual["items"].size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(actual["items"][i]["letter"], expected[i]["letter"]);
    EXPECT_EQ(actual["items"][i]["kind"], expected[i]["kind"]);
    EXPECT_EQ(actual["items"][i]["goal"], expected[i]["goal"]);
  }
}

TEST_F(PlatformTest,
       ThemeCarriesItsLeaderAndIndicatorsWithTheCovenantsNumbers) {
  json theme = GetJson("/api/v1/themes/regelluwe-stad");
  EXPECT_EQ(theme["leaders"][0]["name"], "Zoetermeer");
  EXPECT_EQ(theme["leaders"][0]["cbsCode"], "GM0637");
  EXPECT_EQ(theme["challenges"].size(), 3u);
  json indicators = GetJson("/api/v1/themes/regelluwe-stad/indicators");
  bool found_invoices = false;
  for (const auto& indicator : indicators["items"]) {
    if (indicator["id"] == "regelluwe-stad-e-invoices") {
      found_invoices = true;
      EXPECT_EQ(indicator["target"], 60);
      EXPECT_EQ(indicator["deadline"], "2014-09");
      EXPECT_EQ(indicator["unit"], "percent");
    }
  }
  EXPECT_TRUE(found_invoices);
  json one = GetJson("/api/v1/indicators/regelluwe-stad-e-invoices");
  EXPECT_EQ(one["agreements"][0], "regelluwe-stad/e");
}

TEST_F(PlatformTest, EveryResponseCarriesTheSecurityAndVersionHeaders) {
  for (const std::string target :
       {"/api/v1/themes", "/api/v1/nothing-here", "/", "/healthz"}) {
    HttpResponse response = Get(target);
    EXPECT_EQ(response.Header("API-Version"), "1.0.0") << target;
    EXPECT_EQ(response.Header("X-Content-Type-Options"), "nosniff") << target;
    EXPECT_THAT(response.Header("Content-Security-Policy"),
                HasSubstr("frame-ancestors 'none'"))
        << target;
    EXPECT_FALSE(response.Header("X-Request-Id").empty()) << target;
  }
  HttpResponse missing = Get("/api/v1/themes/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Header("Content-Type"), "application/problem+json");
  EXPECT_THAT(json::parse(missing.body)["detail"].get<std::string>(),
              HasSubstr("'nope'"));
}

TEST_F(PlatformTest, AdminEndpointsNeedTheAdministratorToken) {
  HttpResponse anonymous = Get("/api/v1/modules");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.Header("Content-Type"), "application/problem+json");
  HttpResponse wrong = Fetch(platform_->port(), "GET", "/api/v1/modules",
                             {{"Authorization", "Bearer sc_not-a-real-token"}});
  EXPECT_EQ(wrong.status, 401);
  json modules = GetJson("/api/v1/modules");
  std::set<std::string> ids;
  for (const auto& module : modules["items"]) {
    ids.insert(module["id"].get<std::string>());
    EXPECT_EQ(module["state"], "enabled") << module.dump();
  }
  EXPECT_EQ(ids, (std::set<std::string>{"regelluwe-stad", "test-good"}));
  auto mode = std::filesystem::status(dir_.path() / "data" / "admin-token")
                  .permissions();
  EXPECT_EQ(
      mode & std::filesystem::perms::all,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(PlatformTest, DisablingAModuleHidesItAndEnablingRestoresItsData) {
  HttpResponse stored =
      Send("PUT", "/api/v1/themes/regelluwe-stad/city-status/GM0637",
           R"({"eherkenningImplemented": true, "eInvoicesPercent": 64.5})");
  ASSERT_EQ(stored.status, 200) << stored.body;

  HttpResponse off =
      Send("PATCH", "/api/v1/modules/regelluwe-stad", R"({"enabled": false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(json::parse(off.body)["state"], "disabled");
  json themes = GetJson("/api/v1/themes");
  for (const auto& theme : themes["items"])
    EXPECT_NE(theme["id"], "regelluwe-stad");
  EXPECT_EQ(Get("/api/v1/themes/regelluwe-stad").status, 404);
  EXPECT_EQ(Get("/api/v1/themes/regelluwe-stad/agreements").status, 404);
  EXPECT_EQ(Get("/api/v1/themes/regelluwe-stad/city-status").status, 404);
  EXPECT_EQ(Get("/api/v1/indicators/regelluwe-stad-e-invoices").status, 404);
  EXPECT_EQ(GetJson("/api/v1/openapi.json")["paths"].count(
                "/themes/regelluwe-stad/city-status"),
            0u);

  Restart();
  EXPECT_EQ(Get("/api/v1/themes/regelluwe-stad").status, 404);

  HttpResponse on =
      Send("PATCH", "/api/v1/modules/regelluwe-stad", R"({"enabled": true})");
  ASSERT_EQ(on.status, 200) << on.body;
  json status = GetJson("/api/v1/themes/regelluwe-stad/city-status/GM0637");
  EXPECT_EQ(status["eInvoicesPercent"], 64.5);
  EXPECT_EQ(status["eherkenningImplemented"], true);
}

TEST_F(PlatformTest, ARescanUnderLoadAddsAModuleWithoutDisturbingOthers) {
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> requests{0};
  std::thread load([&] {
    while (!done.load()) {
      if (Get("/api/v1/themes/regelluwe-stad/agreements").status != 200)
        ++failures;
      ++requests;
    }
  });
  testing::CopyPlugin(testing::TestPluginDir(), "fixture_other", plugin_dir_);
  HttpResponse rescan = Send("POST", "/api/v1/modules/rescan", "{}");
  ASSERT_EQ(rescan.status, 200) << rescan.body;
  json added = json::parse(rescan.body);
  ASSERT_EQ(added["total"], 1);
  EXPECT_EQ(added["items"][0]["id"], "test-other");
  EXPECT_EQ(added["items"][0]["state"], "disabled");
  EXPECT_EQ(Get("/api/v1/themes/test-other").status, 404);
  ASSERT_EQ(Send("PATCH", "/api/v1/modules/test-other", R"({"enabled": true})")
                .status,
            200);
  EXPECT_EQ(Get("/api/v1/themes/test-other/items").body, "[\"seeded\"]");
  done = true;
  load.join();
  EXPECT_GT(requests.load(), 0);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Send("POST", "/api/v1/modules/rescan", "{}", false).status, 401);
}

TEST_F(PlatformTest, ARescanFromTheCommandLineGetsTheServersAnswer) {
  // Answers of earlier requests, more than the server keeps.
  Status stored = platform_->database().Write([](storage::Connection& db) {
    for (int i = 0; i < 15; ++i) {
      Status status = db.Execute(
          "INSERT INTO operator_requests (kind, requested_at, requested_by, "
          "answered_at, answer) VALUES ('rescan', 'then', 'cli', 'then', "
          "'{\"items\": [], \"total\": 0}')",
          {});
      if (!status.ok()) return status;
    }
    return Status::Ok();
  });
  ASSERT_TRUE(stored.ok()) << stored.message();
  testing::CopyPlugin(testing::TestPluginDir(), "fixture_other", plugin_dir_);

  std::ostringstream out;
  Status asked = app::RequestRescan(config_, out);
  ASSERT_TRUE(asked.ok()) << asked.message();
  EXPECT_EQ(out.str(),
            "new: test-other " +
                (plugin_dir_ / "libfixture_other.so").string() +
                " (disabled; 'smartercities modules enable test-other' "
                "switches it on)\n"
                "rescan: the server loaded 1 new module\n");
  auto module = platform_->modules().FindModule("test-other");
  ASSERT_TRUE(module.has_value());
  EXPECT_EQ(module->state, plugins::ModuleState::kDisabled);

  // The server keeps the latest ten answers besides the one it just gave.
  std::vector<std::string> requests;
  Status read = platform_->database().Read([&](storage::Connection& db) {
    return db.Execute("SELECT requested_at FROM operator_requests ORDER BY id",
                      {}, [&](const storage::Row& row) {
                        requests.push_back(row.Text("requested_at"));
                        return true;
                      });
  });
  ASSERT_TRUE(read.ok()) << read.message();
  ASSERT_EQ(requests.size(), 11u);
  EXPECT_NE(requests.back(), "then");

  std::ostringstream again;
  ASSERT_TRUE(app::RequestRescan(config_, again).ok());
  EXPECT_EQ(again.str(), "rescan: the server found no new modules\n");
}

TEST_F(PlatformTest, ModuleSwitchRefusesBadBodies) {
  EXPECT_EQ(
      Send("PATCH", "/api/v1/modules/regelluwe-stad", R"({"enabled": "no"})")
          .status,
      400);
  EXPECT_EQ(Send("PATCH", "/api/v1/modules/regelluwe-stad", R"({"state": "x"})")
                .status,
            400);
  EXPECT_EQ(Send("PATCH", "/api/v1/modules/regelluwe-stad", "not json").status,
            400);
  EXPECT_EQ(
      Send("PATCH", "/api/v1/modules/nope", R"({"enabled": false})").status,
      404);
  EXPECT_EQ(
      Send("PATCH", "/api/v1/modules/regelluwe-stad", R"({"enabled": false})",
           /*as_admin=*/false)
          .status,
      401);
}

TEST_F(PlatformTest, CityStatusValidatesAndNamesTheField) {
  auto put = [&](const std::string& city, const std::string& body) {
    return Send("PUT", "/api/v1/themes/regelluwe-stad/city-status/" + city,
                body);
  };
  HttpResponse too_high = put(
      "GM0794", R"({"eherkenningImplemented": true, "eInvoicesPercent": 120})");
  EXPECT_EQ(too_high.status, 400);
  EXPECT_THAT(too_high.body, HasSubstr("eInvoicesPercent"));
  HttpResponse unknown = put("GM9999", R"({"eherkenningImplemented": true})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body, HasSubstr("GM9999"));
  HttpResponse anonymous =
      Send("PUT", "/api/v1/themes/regelluwe-stad/city-status/GM0794",
           R"({"eherkenningImplemented": true})", false);
  EXPECT_EQ(anonymous.status, 401);
  json before = GetJson("/api/v1/themes/regelluwe-stad/city-status/GM0794");
  EXPECT_TRUE(before["eherkenningImplemented"].is_null());
  ASSERT_EQ(
      put("GM0794",
          R"({"eherkenningImplemented": true, "eherkenningServicesPercent": 80})")
          .status,
      200);
  json after = GetJson("/api/v1/themes/regelluwe-stad/city-status/GM0794");
  EXPECT_EQ(after["eherkenningServicesPercent"], 80);
  json all = GetJson("/api/v1/themes/regelluwe-stad/city-status");
  EXPECT_EQ(all["total"], 41);
}

TEST_F(PlatformTest, FiguresAreCheckedAgainstTheirIndicator) {
  const std::string url =
      "/api/v1/indicators/regelluwe-stad-e-invoices/measurements";
  auto post = [&](const std::string& body) { return Send("POST", url, body); };
  HttpResponse no_city = post(R"({"period": "2014-06", "value": 50})");
  EXPECT_EQ(no_city.status, 400);
  EXPECT_THAT(no_city.body, HasSubstr("city"));
  HttpResponse too_high =
      post(R"({"city": "GM0363", "period": "2014-06", "value": 120})");
  EXPECT_EQ(too_high.status, 400);
  EXPECT_THAT(too_high.body, HasSubstr("value"));
  HttpResponse future =
      post(R"({"city": "GM0363", "period": "2999-01", "value": 10})");
  EXPECT_EQ(future.status, 400);
  EXPECT_THAT(future.body, HasSubstr("period"));
  HttpResponse unknown_city =
      post(R"({"city": "GM9999", "period": "2014-06", "value": 10})");
  EXPECT_EQ(unknown_city.status, 400);
  EXPECT_THAT(unknown_city.body, HasSubstr("GM9999"));
  HttpResponse network =
      Send("POST",
           "/api/v1/indicators/regelluwe-stad-eherkenning-guide/measurements",
           R"({"city": "GM0363", "period": "2013-03", "value": 1})");
  EXPECT_EQ(network.status, 400);
  EXPECT_THAT(network.body, HasSubstr("network as a whole"));
  EXPECT_EQ(Send("POST", url,
                 R"({"city": "GM0363", "period": "2014-06", "value": 55})",
                 /*as_admin=*/false)
                .status,
            401);
  json before = GetJson(url);
  EXPECT_EQ(before["total"], 0);
  ASSERT_EQ(
      post(R"({"city": "GM0363", "period": "2014-06", "value": 55})").status,
      201);
  ASSERT_EQ(
      post(R"({"city": "GM0363", "period": "2014-06", "value": 57.5})").status,
      201);
  json after = GetJson(url + "?city=GM0363");
  ASSERT_EQ(after["total"], 1);
  EXPECT_EQ(after["items"][0]["value"], 57.5);
  EXPECT_EQ(after["items"][0]["demo"], false);
}

TEST_F(PlatformTest, AHangingHandlerGets504WhileOtherRequestsAreServed) {
  auto slow = std::async(std::launch::async, [&] {
    return Get("/api/v1/themes/test-good/slow?ms=2000");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  HttpResponse quick = Get("/api/v1/themes/regelluwe-stad");
  EXPECT_EQ(quick.status, 200);
  HttpResponse timed_out = slow.get();
  EXPECT_EQ(timed_out.status, 504);
  EXPECT_EQ(timed_out.Header("Content-Type"), "application/problem+json");
}

TEST_F(PlatformTest, OpenApiDescribesWhatIsServedIncludingPluginRoutes) {
  json document = GetJson("/api/v1/openapi.json");
  EXPECT_EQ(document["openapi"].get<std::string>().substr(0, 2), "3.");
  EXPECT_EQ(document["info"]["version"], "1.0.0");
  EXPECT_TRUE(document["info"]["contact"].contains("email"));
  EXPECT_EQ(document["servers"][0]["url"], "/api/v1");
  const json& paths = document["paths"];
  for (const char* path :
       {"/themes", "/themes/{theme}", "/themes/{theme}/agreements",
        "/themes/{theme}/agreements/{letter}", "/themes/{theme}/indicators",
        "/indicators/{indicator}", "/modules", "/modules/{id}",
        "/themes/regelluwe-stad/city-status",
        "/themes/regelluwe-stad/city-status/{city}"}) {
    EXPECT_TRUE(paths.contains(path)) << path;
  }
  for (const auto& [path, operations] : paths.items()) {
    for (const auto& [method, operation] : operations.items()) {
      const json& responses = operation["responses"];
      int successes = 0;
      for (const auto& [code, response] : responses.items()) {
        if (code[0] != '2') continue;
        ++successes;
        EXPECT_TRUE(response["headers"].contains("API-Version"))
            << method << " " << path;
      }
      EXPECT_EQ(successes, 1) << method << " " << path;
      if (operation.contains("parameters") ||
          operation.contains("requestBody")) {
        EXPECT_TRUE(responses.contains("400")) << method << " " << path;
      }
      for (const auto& [code, response] : responses.items()) {
        if (code[0] == '4' || code[0] == '5') {
          EXPECT_TRUE(response["content"].contains("application/problem+json"))
              << method << " " << path << " " << code;
        }
      }
    }
  }
  // Every path in the document is really served.
  for (const auto& [path, operations] : paths.items()) {
    if (path.find('{') != std::string::npos || !operations.contains("get"))
      continue;
    EXPECT_NE(Get("/api/v1" + path, true).status, 404) << path;
  }
}

TEST_F(PlatformTest, HealthReadinessAndMetrics) {
  EXPECT_EQ(Get("/healthz").status, 200);
  json ready = json::parse(Get("/readyz").body);
  EXPECT_EQ(ready["status"], "ready");
  // What runs and how busy it is are for administrators and monitoring.
  EXPECT_FALSE(ready.contains("modules")) << ready.dump();
  HttpResponse hidden = Get("/metrics");
  EXPECT_EQ(hidden.status, 401);
  EXPECT_EQ(hidden.body.find("smartercities_"), std::string::npos);
  json detail = json::parse(Get("/readyz", true).body);
  EXPECT_EQ(detail["modules"]["regelluwe-stad"], "enabled");
  Get("/api/v1/themes");
  std::string metrics = Get("/metrics", true).body;
  EXPECT_THAT(metrics,
              HasSubstr("smartercities_http_requests_total{status=\"200\"}"));
  EXPECT_THAT(metrics,
              HasSubstr("smartercities_http_request_duration_seconds_bucket"));
  EXPECT_THAT(metrics, HasSubstr("smartercities_modules{state=\"enabled\"} 2"));
}

TEST_F(PlatformTest, MetricsAreForTheMonitoringTokenAndTheMonitoringAddress) {
  std::filesystem::path token_file = dir_.path() / "metrics-token";
  std::ofstream(token_file) << "scrape-0123456789abcdef\n";
  std::filesystem::permissions(token_file, std::filesystem::perms::owner_read);
  // A free port for the monitoring listener.
  std::uint16_t monitoring_port = 0;
  {
    http::ServerConfig config;
    config.port = 0;
    http::Server server(config, std::make_shared<http::Router>(),
                        std::make_shared<http::Metrics>());
    ASSERT_TRUE(server.Listen().ok());
    monitoring_port = server.port();
  }
  platform_->Stop();
  platform_.reset();
  Start([&](app::Config& config) {
    config.metrics_token_file = token_file;
    config.monitoring_address = "127.0.0.1:" + std::to_string(monitoring_port);
  });
  auto with = [&](const std::string& token) {
    return Fetch(platform_->port(), "GET", "/metrics",
                 {{"Authorization", "Bearer " + token}});
  };
  EXPECT_EQ(with("scrape-0123456789abcdef").status, 200);
  EXPECT_EQ(with("scrape-0123456789abcdeX").status, 401);
  json ready =
      json::parse(Fetch(platform_->port(), "GET", "/readyz",
                        {{"Authorization", "Bearer scrape-0123456789abcdef"}})
                      .body);
  EXPECT_EQ(ready["modules"]["regelluwe-stad"], "enabled");
  // The monitoring listener shows everything to whoever reaches it, and
  // nothing but the operations endpoints.
  HttpResponse scraped = Fetch(monitoring_port, "GET", "/metrics");
  EXPECT_EQ(scraped.status, 200);
  EXPECT_THAT(scraped.body, HasSubstr("smartercities_modules"));
  EXPECT_TRUE(json::parse(Fetch(monitoring_port, "GET", "/readyz").body)
                  .contains("modules"));
  EXPECT_EQ(Fetch(monitoring_port, "GET", "/api/v1/users").status, 404);
}

TEST_F(PlatformTest, ServesTheWebPageAndRefusesPathTraversal) {
  HttpResponse page = Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.Header("Content-Type"), HasSubstr("text/html"));
  EXPECT_THAT(page.body, HasSubstr("Digitale Steden Agenda"));
  EXPECT_EQ(Get("/../../etc/passwd").status, 404);
  EXPECT_EQ(Get("/%2e%2e/%2e%2e/etc/passwd").status, 404);
}

}  // namespace
}  // namespace smartercities
