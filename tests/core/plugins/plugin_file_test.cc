#include "core/plugins/plugin_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <smartercities/sc_plugin.h>

namespace smartercities::plugins {
namespace {

using ::testing::HasSubstr;

TEST(AbiCheckTest, AcceptsTheSameMajorWithAnOlderOrEqualMinor) {
  EXPECT_TRUE(CheckAbiCompatible({SC_ABI_MAJOR, 0}, "x", "libx.so").ok());
  EXPECT_TRUE(
      CheckAbiCompatible({SC_ABI_MAJOR, SC_ABI_MINOR}, "x", "libx.so").ok());
}

TEST(AbiCheckTest, RefusesAnotherMajorNamingPluginFileAndVersions) {
  Status status = CheckAbiCompatible({SC_ABI_MAJOR + 1, 0}, "groene-stad",
                                     "plugins/libgroene_stad.so");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(),
              HasSubstr("plugin 'groene-stad' (plugins/libgroene_stad.so) was "
                        "built for SDK ABI 2.0; this host supports 1.0"));
  EXPECT_THAT(status.message(), HasSubstr("rebuild the plugin"));
  EXPECT_FALSE(CheckAbiCompatible({0, 9}, "x", "libx.so").ok());
}

TEST(AbiCheckTest, RefusesANewerMinor) {
  Status status =
      CheckAbiCompatible({SC_ABI_MAJOR, SC_ABI_MINOR + 1}, "x", "libx.so");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("upgrade the platform"));
}

}  // namespace
}  // namespace smartercities::plugins
