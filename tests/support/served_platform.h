// served_platform.h — the fixture of the integration suites that share one
// running platform: the nine theme modules loaded through the real loader,
// listening on a free port of 127.0.0.1 over a fresh data directory, and the
// administrator's token its first start wrote.
//
//   class MyTest : public testing::ServedPlatformTest {};
//   TEST_F(MyTest, ...) { HttpResponse r = Fetch(platform_->port(), ...); }
//
// A suite that needs a setting under test starts it itself:
//   static void SetUpTestSuite() {
//     StartPlatform([](app::Config& config) { config.web_root = ...; });
//   }
#ifndef SMARTERCITIES_TESTS_SUPPORT_SERVED_PLATFORM_H_
#define SMARTERCITIES_TESTS_SUPPORT_SERVED_PLATFORM_H_

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "core/app/config.h"
#include "core/app/platform.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/test_support.h"

namespace smartercities::testing {

class ServedPlatformTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { StartPlatform(); }
  static void TearDownTestSuite() { StopPlatform(); }
  // Skips when the engine under test has no server (failing when it is
  // required), and fails when the suite's platform did not start.
  void SetUp() override;

  // Starts the suite's platform (the web site's assets off unless adjust
  // sets web_root); adjust may change any setting first. A failed start
  // fails the suite.
  static void StartPlatform(
      const std::function<void(app::Config&)>& adjust = nullptr);
  static void StopPlatform();

  // method target as the administrator, with body of type when not empty.
  static HttpResponse AsAdmin(const std::string& method,
                              const std::string& target,
                              const std::string& body = "",
                              const std::string& type = "application/json");

  // The suite's temporary directory (the data directory is its "data").
  static TempDir* dir_;
  // Its database: on PostgreSQL when the run tests that engine.
  static TestDatabase* database_;
  static app::Platform* platform_;
  static std::string token_;
};

}  // namespace smartercities::testing

#endif  // SMARTERCITIES_TESTS_SUPPORT_SERVED_PLATFORM_H_
