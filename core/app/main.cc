// smartercities — the platform's executable. Only wiring: parse the command
// line, configure logging, hand over to Platform or an operator command.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "core/app/account_commands.h"
#include "core/app/backup_commands.h"
#include "core/app/command_line.h"
#include "core/app/config.h"
#include "core/app/figure_commands.h"
#include "core/app/logging.h"
#include "core/app/migrate_command.h"
#include "core/app/platform.h"
#include "core/app/plugin_check.h"
#include "core/app/report_commands.h"

namespace {

using smartercities::Status;
using smartercities::app::Config;

int Fail(const Status& status) {
  std::cerr << "smartercities: " << status.message() << "\n";
  return status.code() == smartercities::StatusCode::kInvalidArgument ? 2 : 1;
}

int Serve(const Config& config) {
  // Block the stop signals before any thread starts, so that only sigwait
  // below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto platform = smartercities::app::Platform::Start(config);
  if (!platform.ok()) return Fail(platform.status());
  std::string host = config.host == "0.0.0.0" ? "127.0.0.1" : config.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  std::string url =
      std::string(config.tls_cert_file.empty() ? "http" : "https") + "://" +
      host + ":" + std::to_string((*platform)->port());
  auto token_file = std::filesystem::absolute(config.AdminTokenFile());
  std::cout << "\nSmarter Cities platform is running at " << url << "/\n"
            << "  API:        " << url << "/api/v1/themes\n"
            << "  OpenAPI:    " << url << "/api/v1/openapi.json\n";
  if ((*platform)->admin_token_created()) {
    std::cout << "  Admin:      an administrator token was created and written "
                 "to\n              "
              << token_file.string()
              << " (mode 0600; it is shown nowhere else)\n";
  } else {
    std::cout << "  Admin:      the administrator token is in "
              << token_file.string() << "\n";
  }
  std::cout
      << "              send it as 'Authorization: Bearer <token>', e.g.\n"
      << "              curl -H \"Authorization: Bearer $(cat "
      << token_file.string() << ")\" " << url << "/api/v1/modules\n";
  if (!(*platform)->generated_admin_password().empty()) {
    std::cout << "  Log in:     account 'admin', password "
              << (*platform)->generated_admin_password()
              << "\n              (generated now and shown only this once; "
                 "change it after logging in)\n";
  } else {
    std::cout << "  Log in:     with your account (the first one is 'admin'; "
                 "'smartercities users\n              reset-password admin' "
                 "gives it a new password)\n";
  }
  if (config.public_origins.empty() && config.host != "127.0.0.1" &&
      config.host != "::1" && config.host != "localhost") {
    std::cout << "  Origin:     web pages may change data only when served "
                 "from "
              << url
              << "\n              (set --public-origin to the address "
                 "people use, e.g. https://dsa.example.nl)\n";
  }
  std::cout << "              curl -c cookies -H 'Content-Type: "
               "application/json' -d\n              "
               "'{\"username\":\"admin\",\"password\":\"...\"}' "
            << url << "/api/v1/sessions\n"
            << "Press Ctrl-C to stop.\n"
            << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received {}; finishing requests in flight",
               received == SIGTERM ? "SIGTERM" : "SIGINT");
  (*platform)->Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using smartercities::app::Command;
  // The database, its journal files, backups and the token file hold
  // password hashes and secrets: whatever the platform creates is its
  // user's alone.
  ::umask(077);
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  auto invocation = smartercities::app::ParseCommandLine(
      std::vector<std::string>(argv + 1, argv + argc),
      smartercities::app::DefaultConfig(ec ? argv[0] : exe));
  if (invocation.exit_code) {
    (*invocation.exit_code == 0 ? std::cout : std::cerr) << invocation.message;
    return *invocation.exit_code;
  }
  const Config& config = invocation.config;
  const std::vector<std::string>& words = invocation.words;
  smartercities::app::ConfigureLogging(config);
  Status status;
  switch (invocation.command) {
    case Command::kServe:
      return Serve(config);
    case Command::kModulesList:
      status = smartercities::app::ListModules(config, std::cout);
      break;
    case Command::kModulesEnable:
    case Command::kModulesDisable:
      status = smartercities::app::SetModuleEnabled(
          config, words.at(0), invocation.command == Command::kModulesEnable,
          std::cout);
      break;
    case Command::kModulesRescan:
      status = smartercities::app::RequestRescan(config, std::cout);
      break;
    case Command::kPluginCheck:
      return smartercities::app::CheckPlugin(words.at(0), std::cout) ? 0 : 1;
    case Command::kDemoLoad:
    case Command::kDemoRemove:
      status = smartercities::app::Demo(
          config, invocation.command == Command::kDemoLoad, std::cout);
      break;
    case Command::kUsers:
      status = smartercities::app::UsersCommand(config, words, std::cout);
      break;
    case Command::kTokens:
      status = smartercities::app::TokensCommand(config, words, std::cout);
      break;
    case Command::kAuditVerify:
      status = smartercities::app::VerifyAudit(config, std::cout);
      break;
    case Command::kBackup:
      status = smartercities::app::Backup(config, words.at(0), std::cout);
      break;
    case Command::kRestore:
      status = smartercities::app::Restore(config, words.at(0), std::cout);
      break;
    case Command::kMigrateTo:
      status = smartercities::app::MigrateTo(config, words.at(0), std::cout);
      break;
    case Command::kImportMeasurements:
      status = smartercities::app::ImportMeasurements(
          config, words.at(0), invocation.dry_run, std::cout, std::cerr,
          ::isatty(STDERR_FILENO) != 0);
      break;
    case Command::kReport:
      status = smartercities::app::WriteReport(
          config, words.at(0), invocation.format, invocation.output, std::cout,
          std::cerr);
      break;
  }
  return status.ok() ? 0 : Fail(status);
}
