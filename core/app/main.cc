// smartercities — the platform's executable. Only wiring: parse the command
// line, configure logging, hand over to Platform or an operator command.
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "core/app/account_commands.h"
#include "core/app/config.h"
#include "core/app/platform.h"
#include "core/app/plugin_check.h"

namespace {

using smartercities::Status;
using smartercities::app::Config;

constexpr const char* kUsage = R"(usage: smartercities <command> [flags]

commands:
  serve                         start the platform (default)
  modules list                  list the theme modules and their settings
  modules enable <id>           switch a module on (a running server follows)
  modules disable <id>          switch a module off (a running server follows)
  modules rescan                load plugins added to the plugin directory
  plugin check <file>           check a built plugin the way the host would load it
  demo load                     fill the database with a sample marked as demo
  demo remove                   remove every demo record (real data stays)
  users list                    list the accounts
  users add NAME ROLE [SCOPE]   create an account; ROLE admin, theme-editor (SCOPE a
                                theme id) or city-editor (SCOPE a CBS code); the
                                password is generated and shown once (or taken
                                from SMARTERCITIES_NEW_PASSWORD)
  users disable|enable NAME     switch an account off (ends its sessions) or on
  users set-role NAME ROLE [SCOPE]  change an account's role
  users reset-password NAME     generate a new password (ends its sessions)
  tokens list                   list the API tokens
  tokens create NAME ROLE [SCOPE]  create an API token for automated reporting
                                (shown once)
  tokens revoke ID              revoke an API token
  audit verify                  check the audit trail's hash chain
  help                          show this text

flags (also as lowerCamelCase keys in a JSON file given with --config FILE):
  --host ADDRESS                address to bind (default 127.0.0.1)
  --port N                      port (default 8080; 0 picks a free one)
  --data-dir DIR                database and admin token (default ./var)
  --plugin-dir DIR              theme plugin libraries (default: beside the executable)
  --web-root DIR                static front end (default: beside the executable)
  --tls-cert FILE               PEM certificate (chain); with --tls-key, serve only HTTPS
  --tls-key FILE                PEM private key belonging to --tls-cert
  --threads N                   I/O threads (default 2)
  --worker-threads N            request handler threads (default 4)
  --handler-deadline-ms N       answer 504 after this (default 10000)
  --log-format text|json        access and event log format (default text)
  --log-level debug|info|warn|error
  --enable-new-modules true|false  whether a module seen at start-up starts enabled
  --enable-rescanned-modules true|false  whether a module a rescan finds starts
                                enabled (default false)
)";

void ConfigureLogging(const Config& config) {
  auto logger = spdlog::stdout_logger_mt("smartercities");
  if (config.log_format == "json") {
    logger->set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","message":"%v"})",
        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                        spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(config.log_level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

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
  std::vector<std::string> args(argv + 1, argv + argc);
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  Config config = smartercities::app::DefaultConfig(ec ? argv[0] : exe);
  Status status = smartercities::app::ApplyFlags(args, config);
  if (!status.ok()) {
    std::cerr << "smartercities: " << status.message() << "\n\n" << kUsage;
    return 2;
  }
  ConfigureLogging(config);
  std::string command = args.empty() ? "serve" : args[0];
  if (command == "serve" && args.size() <= 1) return Serve(config);
  if (command == "help" || command == "--help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "modules" && args.size() == 2 && args[1] == "list") {
    status = smartercities::app::ListModules(config, std::cout);
    return status.ok() ? 0 : Fail(status);
  }
  if (command == "modules" && args.size() == 3 &&
      (args[1] == "enable" || args[1] == "disable")) {
    status = smartercities::app::SetModuleEnabled(
        config, args[2], args[1] == "enable", std::cout);
    return status.ok() ? 0 : Fail(status);
  }
  if (command == "plugin" && args.size() == 3 && args[1] == "check") {
    return smartercities::app::CheckPlugin(args[2], std::cout) ? 0 : 1;
  }
  if (command == "modules" && args.size() == 2 && args[1] == "rescan") {
    status = smartercities::app::RequestRescan(config, std::cout);
    return status.ok() ? 0 : Fail(status);
  }
  if (command == "demo" && args.size() == 2 &&
      (args[1] == "load" || args[1] == "remove")) {
    status = smartercities::app::Demo(config, args[1] == "load", std::cout);
    return status.ok() ? 0 : Fail(status);
  }
  if (command == "users" || command == "tokens") {
    std::vector<std::string> rest(args.begin() + 1, args.end());
    status = command == "users"
                 ? smartercities::app::UsersCommand(config, rest, std::cout)
                 : smartercities::app::TokensCommand(config, rest, std::cout);
    return status.ok() ? 0 : Fail(status);
  }
  if (command == "audit" && args.size() == 2 && args[1] == "verify") {
    status = smartercities::app::VerifyAudit(config, std::cout);
    return status.ok() ? 0 : Fail(status);
  }
  std::cerr << "smartercities: unknown command '";
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::cerr << (i ? " " : "") << args[i];
  }
  std::cerr << "'\n\n" << kUsage;
  return 2;
}
