// The plugin host with real plugin libraries built by the test build, loaded
// through the real loader into a real SQLite file; the tests of a plugin's
// confinement also into a real PostgreSQL database.
#include "core/plugins/plugin_host.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/domain/catalog.h"
#include "core/domain/core_schema.h"
#include "core/storage/postgres_database.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/test_support.h"

namespace smartercities::plugins {
namespace {

using smartercities::testing::CopyPlugin;
using smartercities::testing::TempDir;
using smartercities::testing::TestPluginDir;
using ::testing::HasSubstr;

class PluginHostTest : public ::testing::Test {
 protected:
  void SetUp() override { SetUpOn(storage::Engine::kSqlite); }

  void SetUpOn(storage::Engine engine) {
    std::filesystem::create_directories(plugin_dir());
    Result<std::unique_ptr<storage::Database>> database =
        Status::Internal("no engine");
    if (engine == storage::Engine::kPostgres) {
      postgres_ = std::make_unique<testing::PostgresTestDatabase>();
      if (postgres_->url().empty()) {
        if (testing::PostgresTestDatabase::Required()) {
          FAIL() << postgres_->unavailable();
        }
        GTEST_SKIP() << postgres_->unavailable();
      }
      database = storage::OpenPostgres({postgres_->url()});
    } else {
      database = storage::OpenSqlite({(dir_.path() / "test.db").string()});
    }
    ASSERT_TRUE(database.ok()) << database.status().message();
    database_ = std::move(database).value();
    ASSERT_TRUE(
        database_->Migrate({"core", ""}, domain::CoreMigrations()).ok());
    ASSERT_TRUE(database_
                    ->Write([](storage::Connection& db) {
                      return db.Execute(
                          "INSERT INTO cities VALUES ('GM0794', 'Helmond', "
                          "'G32', NULL, NULL)",
                          {});
                    })
                    .ok());
    catalog_ = std::make_unique<domain::Catalog>(*database_);
    router_ = std::make_shared<http::Router>();
  }

  std::filesystem::path plugin_dir() const { return dir_.path() / "plugins"; }

  void Add(const std::string& name) {
    CopyPlugin(TestPluginDir(), name, plugin_dir());
  }

  PluginHost& Host(PluginHostOptions options = {}) {
    options.plugin_dir = plugin_dir();
    host_ =
        std::make_unique<PluginHost>(options, *database_, router_, *catalog_);
    EXPECT_TRUE(host_->LoadAll().ok());
    return *host_;
  }

  ModuleInfo Only() {
    auto modules = host_->Modules();
    EXPECT_EQ(modules.size(), 1u);
    return modules.empty() ? ModuleInfo{} : modules.front();
  }

  http::Response Call(const std::string& method, const std::string& path,
                      std::string body = "") {
    auto match = router_->Find(method, path);
    if (!match.route) return http::Response::Problem(404, "Not Found", path);
    http::Request request;
    request.method = method;
    request.path = path;
    request.path_params = match.path_params;
    request.body = std::move(body);
    request.request_id = "test-request";
    // As the server does: the module's gate first, told how it ended.
    const auto& gate = match.route->options.gate;
    if (gate) {
      if (auto refused = gate->Enter()) return *refused;
    }
    http::Response response = match.route->handler(request);
    if (gate) gate->Leave(response.status, false);
    return response;
  }

  TempDir dir_;
  // Before database_, so that the database is dropped after it is closed.
  std::unique_ptr<testing::PostgresTestDatabase> postgres_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<domain::Catalog> catalog_;
  std::shared_ptr<http::Router> router_;
  std::unique_ptr<PluginHost> host_;
};

// The same loader on each engine: what a plugin may reach must not depend on
// where the data is.
class PluginHostOnBothEnginesTest
    : public PluginHostTest,
      public ::testing::WithParamInterface<storage::Engine> {
 protected:
  void SetUp() override { SetUpOn(GetParam()); }
};

std::string EngineName(const ::testing::TestParamInfo<storage::Engine>& param) {
  return param.param == storage::Engine::kSqlite ? "Sqlite" : "Postgres";
}

INSTANTIATE_TEST_SUITE_P(BothEngines, PluginHostOnBothEnginesTest,
                         ::testing::Values(storage::Engine::kSqlite,
                                           storage::Engine::kPostgres),
                         EngineName);

TEST_P(PluginHostOnBothEnginesTest, LoadsAGoodPluginAndMountsItsRoutes) {
  Add("fixture_good");
  PluginHost& host = Host();
  ModuleInfo info = Only();
  EXPECT_EQ(info.id, "test-good");
  EXPECT_EQ(info.state, ModuleState::kEnabled) << info.reason;
  EXPECT_EQ(info.version, "1.2.3");
  EXPECT_EQ(info.abi, "1.1");
  EXPECT_EQ(info.failure, LoadFailure::kNone);
  EXPECT_TRUE(host.IsEnabled("test-good"));
  http::Response response = Call("GET", "/api/v1/themes/test-good/items");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "[\"seeded\"]");
  // Its manifest was synced into the catalog.
  auto theme = catalog_->GetTheme("test-good");
  ASSERT_TRUE(theme.ok());
  ASSERT_TRUE(theme->has_value());
  EXPECT_EQ((*theme)->agreements.size(), 2u);
}

TEST_P(PluginHostOnBothEnginesTest, PluginReadsPublicViewsOfTheCore) {
  Add("fixture_good");
  Host();
  http::Response response =
      Call("GET", "/api/v1/themes/test-good/cities/count");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"count\":1}");
}

TEST_F(PluginHostTest, RefusesAWrongAbiMajorBeforeLoading) {
  Add("fixture_wrong_major");
  Host();
  ModuleInfo info = Only();
  EXPECT_EQ(info.state, ModuleState::kFailed);
  EXPECT_THAT(info.reason, HasSubstr("libfixture_wrong_major.so"));
  EXPECT_THAT(info.reason, HasSubstr("was built for SDK ABI 2.0"));
  EXPECT_THAT(info.reason, HasSubstr("this host supports 1.0–1.1"));
  EXPECT_EQ(info.failure, LoadFailure::kAbi);
}

TEST_F(PluginHostTest, RefusesANewerAbiMinor) {
  Add("fixture_newer_minor");
  Host();
  ModuleInfo info = Only();
  EXPECT_EQ(info.state, ModuleState::kFailed);
  EXPECT_THAT(info.reason, HasSubstr("was built for SDK ABI 1.2"));
  EXPECT_THAT(info.reason, HasSubstr("upgrade the platform"));
  EXPECT_EQ(info.failure, LoadFailure::kAbi);
}

TEST_F(PluginHostTest, RefusesATextFileNamedSo) {
  std::ofstream(plugin_dir() / "libnotes.so") << "these are not machine code\n";
  ::chmod((plugin_dir() / "libnotes.so").c_str(), 0644);
  Host();
  ModuleInfo info = Only();
  EXPECT_EQ(info.state, ModuleState::kFailed);
  EXPECT_THAT(info.reason, HasSubstr("libnotes.so' is not a shared library"));
  EXPECT_EQ(info.failure, LoadFailure::kMarker);
}

TEST_F(PluginHostTest, RefusesAWorldWritableFile) {
  Add("fixture_good");
  ::chmod((plugin_dir() / "libfixture_good.so").c_str(), 0666);
  Host();
  ModuleInfo info = Only();
  EXPECT_EQ(info.state, ModuleState::kFailed);
  EXPECT_THAT(info.reason, HasSubstr("writable by group or others"));
  EXPECT_THAT(info.reason, HasSubstr("chmod go-w"));
  EXPECT_EQ(info.failure, LoadFailure::kFile);
}

TEST_F(PluginHostTest, RefusesALibraryWithoutTheEntryFunction) {
  Add("fixture_no_entry");
  Host();
  ModuleInfo info = Only();
  EXPECT_EQ(info.state, ModuleState::kFailed);
  EXPECT_THAT(info.reason, HasSubstr("does not export sc_plugin_entry()"));
  EXPECT_EQ(info.failure, LoadFailure::kEntry);
}

TEST_F(PluginHostTest, RefusesALibraryWithAnUnresolvedDependency) {
  Add("fixture_unresolved");
  Host();
  ModuleInfo info = Only();
  EXPECT_EQ(info.state, ModuleState::kFailed);
  EXPECT_THAT(info.reason, HasSubstr("cannot be loaded"));
  EXPECT_THAT(info.reason, HasSubstr("sc_fixture_function_nobody_defines"));
  EXPECT_EQ(info.failure, LoadFailure::kLibrary);
}

TEST_F(PluginHostTest, AFailedInitRollsBackItsRoutes) {
  Add("fixture_init_fails");
  Host();
  ModuleInfo info = Only();
  EXPECT_EQ(info.state, ModuleState::kFailed);
  EXPECT_THAT(info.reason,
              HasSubstr("init failed: the fixture refuses to start"));
  EXPECT_EQ(info.failure, LoadFailure::kInit);
  EXPECT_TRUE(info.routes.empty());
  EXPECT_FALSE(
      router_->Find("GET", "/api/v1/themes/test-init-fails/items").route);
}

TEST_F(PluginHostTest, ASearchOfAFieldTheRecordLacksIsRefusedNamingIt) {
  Add("fixture_register_unknown_field");
  Host();
  ModuleInfo info = Only();
  EXPECT_EQ(info.state, ModuleState::kFailed);
  EXPECT_EQ(info.failure, LoadFailure::kManifest);
  EXPECT_THAT(info.reason,
              HasSubstr("manifest registers[0] (/sites) search: \"size\" is "
                        "not a field of the record; the fields are city, "
                        "name, visitors"));
  EXPECT_FALSE(router_
                   ->Find("GET",
                          "/api/v1/themes/test-register-unknown-"
                          "field/sites")
                   .route);
  EXPECT_TRUE(host_->PublishedRegisters().empty());
}

TEST_F(PluginHostTest, ASearchOfAFieldThatIsNotTextIsRefusedNamingIt) {
  Add("fixture_register_not_text");
  Host();
  ModuleInfo info = Only();
  EXPECT_EQ(info.state, ModuleState::kFailed);
  EXPECT_EQ(info.failure, LoadFailure::kManifest);
  EXPECT_THAT(info.reason, HasSubstr("manifest registers[0] (/sites) search: "
                                     "\"visitors\" is not a text field"));
  EXPECT_TRUE(host_->PublishedRegisters().empty());
}

TEST_F(PluginHostTest, AThrowingHandlerGives500WithErrorIdAndTheRestServes) {
  Add("fixture_good");
  Host();
  http::Response failed = Call("GET", "/api/v1/themes/test-good/boom");
  EXPECT_EQ(failed.status, 500);
  auto body = nlohmann::json::parse(failed.body);
  EXPECT_EQ(body["errorId"], "test-request");
  EXPECT_THAT(body["detail"].get<std::string>(), HasSubstr("test-request"));
  EXPECT_EQ(Call("GET", "/api/v1/themes/test-good/items").status, 200);
}

TEST_F(PluginHostTest, AModuleThatKeepsFailingIsPausedButNotSwitchedOff) {
  Add("fixture_good");
  PluginHostOptions options;
  options.breaker.failure_threshold = 3;
  options.breaker.first_open_interval = std::chrono::milliseconds(300);
  Host(options);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Call("GET", "/api/v1/themes/test-good/boom").status, 500);
  }
  // The breaker answers for the module now, with when to come back.
  http::Response paused = Call("GET", "/api/v1/themes/test-good/items");
  EXPECT_EQ(paused.status, 503);
  EXPECT_EQ(paused.Header("Retry-After"), "1");
  EXPECT_THAT(paused.body, HasSubstr("failed repeatedly"));
  ModuleInfo info = Only();
  EXPECT_EQ(info.state, ModuleState::kEnabled);
  EXPECT_EQ(info.breaker.state, CircuitBreaker::State::kOpen);
  EXPECT_THAT(info.breaker.last_failure, HasSubstr("failed on purpose"));
  // Nothing stored changed: the module stays switched on.
  bool stored_enabled = false;
  ASSERT_TRUE(database_
                  ->Read([&](storage::Connection& db) {
                    return db.Execute(
                        "SELECT enabled FROM modules WHERE id = 'test-good'",
                        {}, [&](const storage::Row& row) {
                          stored_enabled = row.Integer("enabled") == 1;
                          return false;
                        });
                  })
                  .ok());
  EXPECT_TRUE(stored_enabled);
  // After the interval one trial goes through; its success closes the
  // breaker.
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  EXPECT_EQ(Call("GET", "/api/v1/themes/test-good/items").status, 200);
  EXPECT_EQ(Only().breaker.state, CircuitBreaker::State::kClosed);
  EXPECT_EQ(Call("GET", "/api/v1/themes/test-good/items").status, 200);
}

TEST_F(PluginHostTest, ADuplicateIdIsRefusedAndNoSecondModule) {
  Add("fixture_good");
  PluginHost& host = Host();
  Add("fixture_duplicate");
  auto added = host.Rescan();
  ASSERT_TRUE(added.ok()) << added.status().message();
  ASSERT_EQ(added->size(), 1u);
  EXPECT_EQ(added->front().state, ModuleState::kFailed);
  EXPECT_EQ(added->front().failure, LoadFailure::kDuplicate);
  EXPECT_THAT(added->front().reason,
              HasSubstr("a module with id 'test-good' is already loaded from"));
  // One module, the one that serves; the refused file is not listed again.
  ModuleInfo info = Only();
  EXPECT_EQ(info.state, ModuleState::kEnabled);
  EXPECT_THAT(info.file, HasSubstr("libfixture_good.so"));
  auto again = host.Rescan();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

TEST_F(PluginHostTest, RefusesARouteOutsideItsPrefix) {
  Add("fixture_outside_prefix");
  Host();
  ModuleInfo info = Only();
  EXPECT_EQ(info.state, ModuleState::kFailed);
  EXPECT_THAT(info.reason, HasSubstr("route GET /../../modules is not "
                                     "declared in the manifest"));
  EXPECT_EQ(info.failure, LoadFailure::kInit);
  EXPECT_FALSE(router_->Find("GET", "/api/v1/modules").route);
}

TEST_P(PluginHostOnBothEnginesTest, APluginCannotReadAnotherPluginsTable) {
  Add("fixture_good");
  Add("fixture_other");
  Host();
  http::Response own =
      Call("GET", "/api/v1/themes/test-good/peek/test_good_items");
  EXPECT_EQ(own.status, 200);
  http::Response other =
      Call("GET", "/api/v1/themes/test-good/peek/test_other_items");
  EXPECT_EQ(other.status, 403);
  EXPECT_THAT(other.body, HasSubstr("test_other_items"));
  http::Response core = Call("GET", "/api/v1/themes/test-good/peek/api_tokens");
  EXPECT_EQ(core.status, 403);
  EXPECT_THAT(core.body, HasSubstr("api_tokens"));
}

TEST_P(PluginHostOnBothEnginesTest, DisableAndEnableAtRunTimeKeepTheData) {
  Add("fixture_good");
  PluginHost& host = Host();
  EXPECT_EQ(Call("POST", "/api/v1/themes/test-good/items", "kept").status, 201);
  auto off = host.SetEnabled("test-good", false, "tester");
  ASSERT_TRUE(off.ok()) << off.status().message();
  EXPECT_EQ(off->state, ModuleState::kDisabled);
  EXPECT_FALSE(router_->Find("GET", "/api/v1/themes/test-good/items").route);
  auto on = host.SetEnabled("test-good", true, "tester");
  ASSERT_TRUE(on.ok()) << on.status().message();
  EXPECT_EQ(Call("GET", "/api/v1/themes/test-good/items").body,
            "[\"kept\",\"seeded\"]");
}

TEST_P(PluginHostOnBothEnginesTest, APluginRunsOnlyOnTheEnginesItNames) {
  Add("fixture_sqlite_only");
  Host();
  ModuleInfo info = Only();
  if (GetParam() == storage::Engine::kSqlite) {
    EXPECT_EQ(info.state, ModuleState::kEnabled) << info.reason;
    return;
  }
  EXPECT_EQ(info.state, ModuleState::kFailed);
  EXPECT_EQ(info.failure, LoadFailure::kEngine);
  EXPECT_THAT(info.reason, HasSubstr("stores in postgresql"));
  EXPECT_THAT(info.reason, HasSubstr("storage.engines"));
  EXPECT_FALSE(
      router_->Find("GET", "/api/v1/themes/test-sqlite-only/items").route);
  // Nothing of it reached the database: no theme, no migration.
  auto theme = catalog_->GetTheme("test-sqlite-only");
  ASSERT_TRUE(theme.ok());
  EXPECT_FALSE(theme->has_value());
  auto enabled = host_->SetEnabled("test-sqlite-only", true, "tester");
  EXPECT_FALSE(enabled.ok());
}

TEST_P(PluginHostOnBothEnginesTest,
       AnOlderPluginThanTheDatabaseRecordsIsRefused) {
  Add("fixture_good");
  Host();
  ASSERT_EQ(Only().state, ModuleState::kEnabled);
  // Another node synced a newer version of the theme.
  ASSERT_TRUE(database_
                  ->Write([](storage::Connection& db) {
                    return db.Execute(
                        "UPDATE themes SET version = '1.10.0' WHERE id = "
                        "'test-good'",
                        {});
                  })
                  .ok());
  host_.reset();
  router_ = std::make_shared<http::Router>();
  Host();
  ModuleInfo info = Only();
  if (GetParam() == storage::Engine::kSqlite) {
    // One node only: an older file is a rollback, and its version is
    // recorded again.
    EXPECT_EQ(info.state, ModuleState::kEnabled) << info.reason;
    auto versions = catalog_->RecordedThemes();
    ASSERT_TRUE(versions.ok());
    EXPECT_EQ(versions->at("test-good").version, "1.2.3");
    return;
  }
  EXPECT_EQ(info.state, ModuleState::kFailed);
  EXPECT_EQ(info.failure, LoadFailure::kVersion);
  EXPECT_THAT(info.reason, HasSubstr("1.2.3"));
  EXPECT_THAT(info.reason, HasSubstr("older than 1.10.0"));
  auto versions = catalog_->RecordedThemes();
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->at("test-good").version, "1.10.0");
}

TEST_F(PluginHostTest, TheDisabledSettingSurvivesARestart) {
  Add("fixture_good");
  ASSERT_TRUE(Host().SetEnabled("test-good", false, "tester").ok());
  host_.reset();
  router_ = std::make_shared<http::Router>();
  Host();
  EXPECT_EQ(Only().state, ModuleState::kDisabled);
  EXPECT_FALSE(router_->Find("GET", "/api/v1/themes/test-good/items").route);
}

TEST_F(PluginHostTest, EnablingAModuleThatFailedToLoadIsRefusedWithTheReason) {
  Add("fixture_wrong_major");
  PluginHost& host = Host();
  auto result = host.SetEnabled(Only().id, true, "tester");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("failed to load"));
  EXPECT_THAT(result.status().message(), HasSubstr("SDK ABI 2.0"));
}

TEST_F(PluginHostTest, OneBrokenModuleDoesNotStopTheOthers) {
  Add("fixture_wrong_major");
  Add("fixture_init_fails");
  Add("fixture_good");
  Host();
  EXPECT_TRUE(host_->IsEnabled("test-good"));
  EXPECT_EQ(Call("GET", "/api/v1/themes/test-good/items").status, 200);
  EXPECT_EQ(host_->Modules().size(), 3u);
}

TEST_F(PluginHostTest, ARescanLoadsNewFilesDisabledAndLeavesTheRestAlone) {
  Add("fixture_good");
  PluginHost& host = Host();
  Add("fixture_other");
  Add("fixture_newer_minor");
  auto added = host.Rescan();
  ASSERT_TRUE(added.ok()) << added.status().message();
  ASSERT_EQ(added->size(), 2u);
  for (const ModuleInfo& info : *added) {
    if (info.id == "test-other") {
      EXPECT_EQ(info.state, ModuleState::kDisabled);
      EXPECT_THAT(info.reason, HasSubstr("new modules start disabled"));
    } else {
      EXPECT_EQ(info.state, ModuleState::kFailed);
      EXPECT_THAT(info.reason, HasSubstr("was built for SDK ABI 1.2"));
    }
  }
  EXPECT_FALSE(router_->Find("GET", "/api/v1/themes/test-other/items").route);
  EXPECT_EQ(Call("GET", "/api/v1/themes/test-good/items").status, 200);
  ASSERT_TRUE(host.SetEnabled("test-other", true, "tester").ok());
  EXPECT_EQ(Call("GET", "/api/v1/themes/test-other/items").status, 200);
  auto again = host.Rescan();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(host.Modules().size(), 3u);
}

TEST_F(PluginHostTest, MetricsCountModulesByState) {
  Add("fixture_good");
  Add("fixture_wrong_major");
  Host();
  std::string metrics = host_->RenderMetrics();
  EXPECT_THAT(metrics, HasSubstr("smartercities_modules{state=\"enabled\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("smartercities_modules{state=\"failed\"} 1"));
}

}  // namespace
}  // namespace smartercities::plugins
