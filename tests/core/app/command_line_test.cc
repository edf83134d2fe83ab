#include "core/app/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "tests/support/test_support.h"

namespace smartercities::app {
namespace {

using ::testing::HasSubstr;

// Sets an environment variable for the life of the object.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const char* value) : name_(name) {
    ::setenv(name, value, 1);
  }
  ~ScopedEnvironment() { ::unsetenv(name_); }

 private:
  const char* name_;
};

TEST(CommandLineTest, AFlagWinsOverTheEnvironmentWhichWinsOverTheFile) {
  testing::TempDir dir;
  std::filesystem::path file = dir.path() / "settings.json";
  std::ofstream(file) << R"({"port": 9001, "workerThreads": 3,
                             "logLevel": "warn", "dataDir": "/from/file"})";
  ScopedEnvironment port("SMARTERCITIES_PORT", "9002");
  ScopedEnvironment workers("SMARTERCITIES_WORKER_THREADS", "5");
  Invocation invocation = ParseCommandLine(
      {"serve", "--config", file.string(), "--port", "9003"}, Config{});
  ASSERT_FALSE(invocation.exit_code) << invocation.message;
  EXPECT_EQ(invocation.command, Command::kServe);
  EXPECT_EQ(invocation.config.port, 9003);         // flag
  EXPECT_EQ(invocation.config.worker_threads, 5);  // environment
  EXPECT_EQ(invocation.config.log_level, "warn");  // file
  EXPECT_EQ(invocation.config.data_dir, "/from/file");
  EXPECT_EQ(invocation.config.io_threads, Config{}.io_threads);  // default
}

TEST(CommandLineTest, TheConfigFileCanComeFromTheEnvironment) {
  testing::TempDir dir;
  std::filesystem::path file = dir.path() / "settings.json";
  std::ofstream(file) << R"({"dataDir": "/srv/steden"})";
  ScopedEnvironment config("SMARTERCITIES_CONFIG", file.c_str());
  Invocation invocation = ParseCommandLine({"users", "list"}, Config{});
  ASSERT_FALSE(invocation.exit_code) << invocation.message;
  EXPECT_EQ(invocation.command, Command::kUsers);
  EXPECT_EQ(invocation.config.data_dir, "/srv/steden");
}

TEST(CommandLineTest, CommandsGetTheirWords) {
  Invocation add = ParseCommandLine(
      {"users", "add", "anna", "city-editor", "GM0794", "--data-dir", "d"},
      Config{});
  ASSERT_FALSE(add.exit_code) << add.message;
  EXPECT_EQ(add.command, Command::kUsers);
  EXPECT_EQ(add.words,
            (std::vector<std::string>{"add", "anna", "city-editor", "GM0794"}));
  EXPECT_EQ(add.config.data_dir, "d");
  Invocation enable =
      ParseCommandLine({"modules", "enable", "groene-stad"}, Config{});
  EXPECT_EQ(enable.command, Command::kModulesEnable);
  EXPECT_EQ(enable.words, std::vector<std::string>{"groene-stad"});
  EXPECT_EQ(ParseCommandLine({}, Config{}).command, Command::kServe);
}

TEST(CommandLineTest, AServeOnlyFlagIsRefusedElsewhere) {
  Invocation invocation =
      ParseCommandLine({"users", "list", "--port", "80"}, Config{});
  ASSERT_TRUE(invocation.exit_code);
  EXPECT_EQ(*invocation.exit_code, 2);
  EXPECT_THAT(invocation.message, HasSubstr("smartercities users list: "));
  EXPECT_THAT(invocation.message, HasSubstr("--port"));
  EXPECT_THAT(invocation.message,
              HasSubstr("Run 'smartercities users list --help' for help."));
}

TEST(CommandLineTest, ATlsCertificateWithoutAKeyIsAMistake) {
  Invocation invocation =
      ParseCommandLine({"serve", "--tls-cert", "cert.pem"}, Config{});
  ASSERT_TRUE(invocation.exit_code);
  EXPECT_EQ(*invocation.exit_code, 2);
  EXPECT_THAT(invocation.message, HasSubstr("needs --tls-key"));
}

TEST(CommandLineTest, AMistakeInTheConfigFileNamesFileAndKey) {
  testing::TempDir dir;
  std::filesystem::path file = dir.path() / "settings.json";
  std::ofstream(file) << R"({"port": "eighty"})";
  Invocation invocation =
      ParseCommandLine({"serve", "--config", file.string()}, Config{});
  ASSERT_TRUE(invocation.exit_code);
  EXPECT_THAT(invocation.message, HasSubstr("settings.json: port: must be"));
}

}  // namespace
}  // namespace smartercities::app
