#include "core/app/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/test_support.h"

namespace smartercities::app {
namespace {

using ::testing::HasSubstr;

std::filesystem::path WriteConfig(const testing::TempDir& dir,
                                  const std::string& text) {
  std::filesystem::path file = dir.path() / "smartercities.json";
  std::ofstream(file) << text;
  return file;
}

TEST(ConfigFileTest, AppliesEverySettingItNames) {
  testing::TempDir dir;
  Config config;
  Status status = ApplyConfigFile(
      WriteConfig(dir,
                  R"({"port": 9090, "workerThreads": "8", "searchThreads": 3,
                           "logFormat": "json", "enableNewModules": false,
                           "plugins": {"groene-stad": {"limit": "10"}}})"),
      config);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(config.port, 9090);
  EXPECT_EQ(config.worker_threads, 8);
  EXPECT_EQ(config.search_threads, 3);
  EXPECT_EQ(config.log_format, "json");
  EXPECT_FALSE(config.enable_new_modules);
  EXPECT_EQ(config.plugin_config["groene-stad"]["limit"], "10");
}

TEST(ConfigFileTest, NamesTheFileAndSettingOfABadValue) {
  testing::TempDir dir;
  Config config;
  Status status =
      ApplyConfigFile(WriteConfig(dir, R"({"ioThreads": 65})"), config);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("smartercities.json: ioThreads"));
  EXPECT_THAT(status.message(), HasSubstr("from 1 to 64"));
}

TEST(ConfigFileTest, RefusesANumberTooLargeForADoubleAsInvalidJson) {
  // The parser's out_of_range escaped and ended the process.
  testing::TempDir dir;
  Config config;
  Status status =
      ApplyConfigFile(WriteConfig(dir, R"({"port": 1e999})"), config);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("is not valid JSON"));
  EXPECT_THAT(status.message(), HasSubstr("1e999"));
}

}  // namespace
}  // namespace smartercities::app
