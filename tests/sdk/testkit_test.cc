// The test kit as a plugin author uses it, on the Regelluwe Stad plugin.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <smartercities/testkit.h>

#include "tests/support/test_support.h"

namespace {

using smartercities::testkit::Harness;
using ::testing::HasSubstr;

std::string Library(const std::string& name) {
  return (smartercities::testing::ThemePluginDir() / name).string();
}

TEST(TestkitTest, CallsRoutesAndShowsWhatWasStored) {
  Harness harness(Library("libregelluwe_stad.so"));
  EXPECT_EQ(harness.id(), "regelluwe-stad");
  EXPECT_EQ(harness.state(), "enabled");
  auto list = harness.Call("GET", "/api/v1/themes/regelluwe-stad/city-status");
  EXPECT_EQ(list.status, 200);
  EXPECT_THAT(list.body, HasSubstr("\"total\":41"));
  const std::string body = R"({"eherkenningImplemented": true})";
  EXPECT_EQ(
      harness
          .Call("PUT", "/api/v1/themes/regelluwe-stad/city-status/GM0637", body)
          .status,
      401);
  auto stored =
      harness.Call("PUT", "/api/v1/themes/regelluwe-stad/city-status/GM0637",
                   body, "application/json", /*as_administrator=*/true);
  EXPECT_EQ(stored.status, 200) << stored.body;
  auto rows = harness.Query(
      "SELECT cbs_code, eherkenning_implemented, updated_by FROM "
      "regelluwe_stad_city_status");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["cbs_code"], "GM0637");
  EXPECT_EQ(rows[0]["updated_by"], "token:testkit-admin");
  EXPECT_EQ(harness.Call("GET", "/api/v1/themes/regelluwe-stad/nothing").status,
            404);
}

TEST(TestkitTest, SaysWhyAPluginDoesNotLoad) {
  try {
    Harness harness(
        (smartercities::testing::TestPluginDir() / "libfixture_init_fails.so")
            .string());
    FAIL() << "the harness started a plugin whose init fails";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("the fixture refuses to start"));
  }
}

}  // namespace
