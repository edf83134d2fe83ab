// The smartercities executable as an operator runs it: a real process, real
// signals, the modules commands on the same data directory.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>
#include <regex>
#include <thread>

#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using testing::Fetch;
using ::testing::HasSubstr;

std::filesystem::path Executable() {
  return testing::BinaryDir() / "bin" / "smartercities";
}

// Runs the executable with args; returns its exit code and output.
std::pair<int, std::string> RunCommand(const std::vector<std::string>& args) {
  std::string command = Executable().string();
  for (const auto& arg : args) command += " '" + arg + "'";
  command += " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

class ServeProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(plugin_dir());
    testing::CopyPlugin(testing::ThemePluginDir(), "regelluwe_stad",
                        plugin_dir());
    testing::CopyPlugin(testing::TestPluginDir(), "fixture_good", plugin_dir());
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  std::filesystem::path plugin_dir() const { return dir_.path() / "plugins"; }
  std::vector<std::string> DirFlags() const {
    return {"--data-dir", (dir_.path() / "data").string(), "--plugin-dir",
            plugin_dir().string()};
  }

  // Starts `smartercities serve --port 0` and returns the port it printed.
  std::uint16_t Serve() {
    int out[2];
    EXPECT_EQ(::pipe(out), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      std::vector<std::string> args = {Executable().string(), "serve", "--port",
                                       "0"};
      for (const auto& flag : DirFlags()) args.push_back(flag);
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    std::string output;
    std::smatch match;
    static const std::regex kUrl(R"(running at http://127\.0\.0\.1:([0-9]+)/)");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    char buffer[1024];
    while (std::chrono::steady_clock::now() < deadline) {
      ssize_t n = ::read(out[0], buffer, sizeof(buffer));
      if (n <= 0) break;
      output.append(buffer, static_cast<std::size_t>(n));
      if (std::regex_search(output, match, kUrl)) break;
    }
    output_fd_ = out[0];
    EXPECT_TRUE(std::regex_search(output, match, kUrl)) << output;
    EXPECT_THAT(output, HasSubstr("admin-token"));
    return match.empty() ? 0 : static_cast<std::uint16_t>(std::stoi(match[1]));
  }

  testing::TempDir dir_;
  pid_t pid_ = -1;
  int output_fd_ = -1;
};

TEST_F(ServeProcessTest, SigtermLetsAnInFlightResponseFinish) {
  std::uint16_t port = Serve();
  ASSERT_NE(port, 0);
  auto slow = std::async(std::launch::async, [port] {
    return Fetch(port, "GET", "/api/v1/themes/test-good/slow?ms=1000");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(::kill(pid_, SIGTERM), 0);
  testing::HttpResponse response = slow.get();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"slept\":1000}");
  int status = 0;
  ASSERT_EQ(::waitpid(pid_, &status, 0), pid_);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(ServeProcessTest, ModulesCommandsActOnARunningServer) {
  std::uint16_t port = Serve();
  ASSERT_NE(port, 0);
  auto [list_code, listing] = RunCommand([&] {
    std::vector<std::string> args = {"modules", "list"};
    for (const auto& flag : DirFlags()) args.push_back(flag);
    return args;
  }());
  EXPECT_EQ(list_code, 0) << listing;
  EXPECT_THAT(listing, HasSubstr("regelluwe-stad"));
  EXPECT_THAT(listing, HasSubstr("enabled"));

  std::vector<std::string> disable = {"modules", "disable", "regelluwe-stad"};
  for (const auto& flag : DirFlags()) disable.push_back(flag);
  auto [disable_code, disabled] = RunCommand(disable);
  EXPECT_EQ(disable_code, 0) << disabled;
  int status = 200;
  for (int i = 0; i < 50 && status != 404; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = Fetch(port, "GET", "/api/v1/themes/regelluwe-stad").status;
  }
  EXPECT_EQ(status, 404);

  std::vector<std::string> unknown = {"modules", "enable", "no-such-theme"};
  for (const auto& flag : DirFlags()) unknown.push_back(flag);
  auto [unknown_code, message] = RunCommand(unknown);
  EXPECT_NE(unknown_code, 0);
  EXPECT_THAT(message, HasSubstr("no module 'no-such-theme'"));
}

TEST_F(ServeProcessTest, ModulesRescanLetsARunningServerLoadANewPlugin) {
  std::uint16_t port = Serve();
  ASSERT_NE(port, 0);
  testing::CopyPlugin(testing::TestPluginDir(), "fixture_other", plugin_dir());
  std::vector<std::string> rescan = {"modules", "rescan"};
  for (const auto& flag : DirFlags()) rescan.push_back(flag);
  auto [code, output] = RunCommand(rescan);
  EXPECT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("new: test-other"));
  std::vector<std::string> list = {"modules", "list"};
  for (const auto& flag : DirFlags()) list.push_back(flag);
  std::string listing;
  for (int i = 0; i < 50; ++i) {
    listing = RunCommand(list).second;
    if (listing.find("test-other") != std::string::npos &&
        listing.find("disabled") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_THAT(listing, HasSubstr("disabled"));
  std::vector<std::string> enable = {"modules", "enable", "test-other"};
  for (const auto& flag : DirFlags()) enable.push_back(flag);
  EXPECT_EQ(RunCommand(enable).first, 0);
  int status = 404;
  for (int i = 0; i < 50 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = Fetch(port, "GET", "/api/v1/themes/test-other/items").status;
  }
  EXPECT_EQ(status, 200);
}

TEST_F(ServeProcessTest, PluginCheckSaysWhetherAPluginWouldLoad) {
  auto check = [](const std::filesystem::path& file) {
    return RunCommand({"plugin", "check", file.string()});
  };
  auto [good_code, good] =
      check(testing::ThemePluginDir() / "libregelluwe_stad.so");
  EXPECT_EQ(good_code, 0) << good;
  EXPECT_THAT(good, HasSubstr("result: would load"));
  EXPECT_THAT(good, HasSubstr("GET /api/v1/themes/regelluwe-stad/city-status"));
  auto [newer_code, newer] =
      check(testing::TestPluginDir() / "libfixture_newer_minor.so");
  EXPECT_EQ(newer_code, 1);
  EXPECT_THAT(newer, HasSubstr("was built for SDK ABI 1.1"));
  EXPECT_THAT(newer, HasSubstr("would NOT load"));
  auto [init_code, init] =
      check(testing::TestPluginDir() / "libfixture_init_fails.so");
  EXPECT_EQ(init_code, 1);
  EXPECT_THAT(init, HasSubstr("init failed: the fixture refuses to start"));
  std::filesystem::path text = dir_.path() / "libnotes.so";
  std::ofstream(text) << "not a library";
  auto [text_code, text_report] = check(text);
  EXPECT_EQ(text_code, 1);
  EXPECT_THAT(text_report, HasSubstr("is not a shared library"));
}

TEST_F(ServeProcessTest, ABadFlagIsExplained) {
  auto [code, output] = RunCommand({"serve", "--port", "99999"});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(output,
              HasSubstr("flag --port: must be a whole number from 0 to 65535"));
}

}  // namespace
}  // namespace smartercities
