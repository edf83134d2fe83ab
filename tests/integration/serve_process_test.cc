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
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <thread>

#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using testing::Fetch;
using ::testing::HasSubstr;
using ::testing::Not;

using testing::RunCommand;

class ServeProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(plugin_dir());
    testing::CopyPlugin(testing::ThemePluginDir(), "regelluwe_stad",
                        plugin_dir());
    testing::CopyPlugin(testing::TestPluginDir(), "fixture_good", plugin_dir());
  }

  std::filesystem::path plugin_dir() const { return dir_.path() / "plugins"; }
  std::filesystem::path data_dir() const { return dir_.path() / "data"; }
  std::vector<std::string> DirFlags() const {
    return {"--data-dir", data_dir().string(), "--plugin-dir",
            plugin_dir().string()};
  }

  // Starts `smartercities serve --port 0` and returns the port it printed.
  std::uint16_t Serve() {
    server_.emplace(DirFlags());
    EXPECT_NE(server_->port(), 0) << server_->Output();
    EXPECT_THAT(server_->Output(), HasSubstr("admin-token"));
    return server_->port();
  }

  testing::TempDir dir_;
  std::optional<testing::ServerProcess> server_;
};

TEST_F(ServeProcessTest, SigtermLetsAnInFlightResponseFinish) {
  std::uint16_t port = Serve();
  ASSERT_NE(port, 0);
  auto slow = std::async(std::launch::async, [port] {
    return Fetch(port, "GET", "/api/v1/themes/test-good/slow?ms=1000");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto exit_code =
      std::async(std::launch::async, [this] { return server_->Stop(SIGTERM); });
  testing::HttpResponse response = slow.get();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"slept\":1000}");
  EXPECT_EQ(exit_code.get(), 0) << server_->Output();
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
  EXPECT_THAT(output,
              HasSubstr("new: test-other " +
                        (plugin_dir() / "libfixture_other.so").string() +
                        " (disabled; 'smartercities modules enable "
                        "test-other' switches it on)\n"));
  EXPECT_THAT(output, HasSubstr("rescan: the server loaded 1 new module\n"));
  std::vector<std::string> list = {"modules", "list"};
  for (const auto& flag : DirFlags()) list.push_back(flag);
  std::string listing;
  for (int i = 0; i < 50; ++i) {
    listing = RunCommand(list).output;
    if (listing.find("test-other") != std::string::npos &&
        listing.find("disabled") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_THAT(listing, HasSubstr("disabled"));
  std::vector<std::string> enable = {"modules", "enable", "test-other"};
  for (const auto& flag : DirFlags()) enable.push_back(flag);
  EXPECT_EQ(RunCommand(enable).exit_code, 0);
  int status = 404;
  for (int i = 0; i < 50 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = Fetch(port, "GET", "/api/v1/themes/test-other/items").status;
  }
  EXPECT_EQ(status, 200);
}

// The command prints the running server's answer: what it loaded and what
// it refused, counted as the server counts, not guessed from the sidecar
// files (the duplicate's sidecar names a module that is already there).
TEST_F(ServeProcessTest, ModulesRescanPrintsWhatTheServerLoadedAndRefused) {
  std::uint16_t port = Serve();
  ASSERT_NE(port, 0);
  std::string token;
  std::getline(std::ifstream(data_dir() / "admin-token"), token);
  ASSERT_FALSE(token.empty());
  testing::CopyPlugin(testing::TestPluginDir(), "fixture_other", plugin_dir());
  testing::CopyPlugin(testing::TestPluginDir(), "fixture_newer_minor",
                      plugin_dir());
  testing::CopyPlugin(testing::TestPluginDir(), "fixture_duplicate",
                      plugin_dir());
  std::vector<std::string> rescan = {"modules", "rescan"};
  for (const auto& flag : DirFlags()) rescan.push_back(flag);
  auto [code, output] = RunCommand(rescan);
  EXPECT_EQ(code, 0) << output;

  std::smatch count;
  ASSERT_TRUE(std::regex_search(
      output, count,
      std::regex("rescan: the server loaded ([0-9]+) new modules? and "
                 "refused ([0-9]+) files?\n")))
      << output;
  // What the server runs now: the modules of the new files that did not fail.
  auto modules = Fetch(port, "GET", "/api/v1/modules",
                       {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(modules.status, 200) << modules.body;
  int loaded = 0;
  nlohmann::json listed = nlohmann::json::parse(modules.body);
  for (const auto& item : listed["items"]) {
    std::string file = item["file"];
    if (file.find("libfixture_good.so") == std::string::npos &&
        file.find("libregelluwe_stad.so") == std::string::npos &&
        item["state"] != "failed") {
      ++loaded;
    }
  }
  EXPECT_EQ(loaded, 1) << modules.body;
  EXPECT_EQ(std::stoi(count[1]), loaded) << output;
  EXPECT_EQ(std::stoi(count[2]), 2) << output;
  EXPECT_THAT(output, HasSubstr("new: test-other "));
  EXPECT_THAT(output,
              HasSubstr("refused: libfixture_newer_minor " +
                        (plugin_dir() / "libfixture_newer_minor.so").string() +
                        "\n  problem: plugin 'libfixture_newer_minor' ("));
  EXPECT_THAT(output, HasSubstr("was built for SDK ABI 1."));
  EXPECT_THAT(output,
              HasSubstr("refused: test-good " +
                        (plugin_dir() / "libfixture_duplicate.so").string() +
                        "\n  problem: "));
  EXPECT_THAT(output,
              HasSubstr("a module with id 'test-good' is already loaded"));
  EXPECT_THAT(output, Not(HasSubstr("new: test-good")));

  // A second rescan finds nothing new: the refused files are left alone.
  auto [again_code, again] = RunCommand(rescan);
  EXPECT_EQ(again_code, 0) << again;
  EXPECT_EQ(again, "rescan: the server found no new modules\n");
}

// Without a running server nobody answers: the command says so, withdraws
// its request, and the next start loads the file anyway.
TEST_F(ServeProcessTest, ModulesRescanWithoutAServerSaysNoServerTookIt) {
  testing::CopyPlugin(testing::TestPluginDir(), "fixture_other", plugin_dir());
  std::vector<std::string> rescan = {"modules", "rescan"};
  for (const auto& flag : DirFlags()) rescan.push_back(flag);
  auto started = std::chrono::steady_clock::now();
  auto [code, output] = RunCommand(rescan);
  EXPECT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("rescan: no running server took the request "
                                "within 6 seconds; the server loads the new "
                                "files when it next starts\n"));
  EXPECT_GE(std::chrono::steady_clock::now() - started,
            std::chrono::seconds(6));
  std::uint16_t port = Serve();
  ASSERT_NE(port, 0);
  EXPECT_EQ(Fetch(port, "GET", "/api/v1/themes/test-other/items").status, 200);
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
  EXPECT_THAT(newer, HasSubstr("was built for SDK ABI 1.2"));
  EXPECT_THAT(newer, HasSubstr("would NOT load"));
  auto [init_code, init] =
      check(testing::TestPluginDir() / "libfixture_init_fails.so");
  EXPECT_EQ(init_code, 1);
  EXPECT_THAT(init, HasSubstr("init failed: the fixture refuses to start"));
  EXPECT_THAT(init, HasSubstr("would NOT load (1 problem)"));
  // The report names the file it was given, never the scratch copy.
  std::filesystem::path unresolved =
      testing::TestPluginDir() / "libfixture_unresolved.so";
  auto [unresolved_code, unresolved_report] = check(unresolved);
  EXPECT_EQ(unresolved_code, 1);
  EXPECT_THAT(unresolved_report,
              HasSubstr("library: plugin 'libfixture_unresolved' (" +
                        unresolved.string() + ") cannot be loaded"));
  EXPECT_THAT(unresolved_report, Not(HasSubstr("smartercities-check-")));
  std::filesystem::path text = dir_.path() / "libnotes.so";
  std::ofstream(text) << "not a library";
  auto [text_code, text_report] = check(text);
  EXPECT_EQ(text_code, 1);
  EXPECT_THAT(text_report, HasSubstr("is not a shared library"));
}

TEST_F(ServeProcessTest, ABadFlagIsExplainedInOneLineWithWhereToFindHelp) {
  auto [code, output] = RunCommand({"serve", "--port", "99999"});
  EXPECT_EQ(code, 2);
  EXPECT_EQ(output,
            "smartercities serve: --port: must be a whole number from 0 to "
            "65535, got '99999'\nRun 'smartercities serve --help' for help.\n");
}

TEST_F(ServeProcessTest, ASettingFromTheEnvironmentIsNamedWhenItIsWrong) {
  auto [code, output] =
      RunCommand({"serve"}, {{"SMARTERCITIES_WORKER_THREADS", "many"}});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(output, HasSubstr("SMARTERCITIES_WORKER_THREADS: must be a whole "
                                "number from 1 to 256, got 'many'"));
}

TEST_F(ServeProcessTest, HelpIsThereForTheProgramAndForEachCommand) {
  auto [code, help] = RunCommand({"--help"});
  EXPECT_EQ(code, 0);
  for (const char* command :
       {"serve", "modules", "plugin", "demo", "users", "tokens", "audit"}) {
    EXPECT_THAT(help, HasSubstr(command));
  }
  auto [users_code, users] = RunCommand({"users", "--help"});
  EXPECT_EQ(users_code, 0);
  EXPECT_THAT(users, HasSubstr("reset-password"));
  auto [add_code, add] = RunCommand({"users", "add", "--help"});
  EXPECT_EQ(add_code, 0);
  EXPECT_THAT(add, HasSubstr("--data-dir DIR"));
  EXPECT_THAT(add, HasSubstr("SMARTERCITIES_DATA_DIR"));
  auto [serve_code, serve] = RunCommand({"serve", "--help"});
  EXPECT_EQ(serve_code, 0);
  EXPECT_THAT(serve, HasSubstr("--tls-cert FILE"));
  auto [version_code, version] = RunCommand({"--version"});
  EXPECT_EQ(version_code, 0);
  EXPECT_THAT(version, ::testing::MatchesRegex(
                           "smartercities [0-9]+\\.[0-9]+\\.[0-9]+\n"));
}

TEST_F(ServeProcessTest, AnUnknownCommandNamesTheCommandsThereAre) {
  auto [code, output] = RunCommand({"modules", "frob"});
  EXPECT_EQ(code, 2);
  EXPECT_EQ(output,
            "smartercities modules: unknown command 'frob'; choose one of "
            "list, enable, disable, rescan\nRun 'smartercities modules "
            "--help' for help.\n");
  auto [missing_code, missing] = RunCommand({"users", "add", "anna"});
  EXPECT_EQ(missing_code, 2);
  EXPECT_THAT(missing, HasSubstr("role is required"));
}

TEST_F(ServeProcessTest, APortInUseIsSaidPlainlyAndNothingIsCreated) {
  ASSERT_NE(Serve(), 0);
  std::filesystem::path other = dir_.path() / "other";
  auto [code, output] = RunCommand(
      {"serve", "--port", std::to_string(server_->port()), "--data-dir",
       other.string(), "--plugin-dir", plugin_dir().string()});
  EXPECT_EQ(code, 1);
  EXPECT_THAT(output, HasSubstr("Address already in use; another process is "
                                "listening there"));
  EXPECT_FALSE(std::filesystem::exists(other));
}

TEST_F(ServeProcessTest, EveryCommandFindsANewDataDirectoryAsServeLeavesIt) {
  // The demo sample holds figures for cities and indicators: both must be
  // stored before it, without a first `serve`.
  auto [code, output] =
      RunCommand({"demo", "load", "--data-dir", data_dir().string(),
                  "--plugin-dir", plugin_dir().string()});
  EXPECT_EQ(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("loaded the demo sample"));
  std::uint16_t port = Serve();
  ASSERT_NE(port, 0);
  auto figures = Fetch(port, "GET",
                       "/api/v1/indicators/regelluwe-stad-e-invoices/"
                       "measurements");
  ASSERT_EQ(figures.status, 200) << figures.body;
  EXPECT_GT(nlohmann::json::parse(figures.body)["total"].get<int>(), 0)
      << figures.body;
}

}  // namespace
}  // namespace smartercities
