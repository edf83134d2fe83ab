#include "core/app/command_line.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>

namespace smartercities::app {
namespace {

// One setting as the command line offers it. `name` is the flag without its
// dashes; the environment variable and the config file key derive from it.
struct Setting {
  const char* name;
  const char* value_name;
  const char* help;
  bool serve_only;
};

constexpr Setting kSettings[] = {
    {"host", "ADDRESS", "address to bind (default 127.0.0.1)", true},
    {"port", "N", "port (default 8080; 0 picks a free one)", true},
    {"data-dir", "DIR", "database and administrator token (default ./var)",
     false},
    {"database", "URL",
     "a PostgreSQL database to keep the data in, "
     "postgresql://user:password@host:5432/name (also DATABASE_URL; "
     "default: the SQLite file in --data-dir)",
     false},
    {"plugin-dir", "DIR",
     "theme plugin libraries (default: beside the executable)", false},
    {"web-root", "DIR", "static front end (default: beside the executable)",
     true},
    {"tls-cert", "FILE",
     "PEM certificate (chain); with --tls-key, serve only HTTPS", true},
    {"tls-key", "FILE", "PEM private key belonging to --tls-cert", true},
    {"threads", "N", "I/O threads (default 2)", true},
    {"worker-threads", "N",
     "threads for the core's database reads and writes (default 8)", true},
    {"search-threads", "N",
     "threads for full-text searches (default: one per core)", true},
    {"module-threads", "N",
     "threads for the theme modules' handlers (default 8)", true},
    {"module-share", "N",
     "requests of one theme module that run or wait at once; more get 503 "
     "(default 4)",
     true},
    {"handler-deadline-ms", "N", "answer 504 after this (default 10000)", true},
    {"log-format", "text|json", "log format (default text)", false},
    {"log-level", "LEVEL", "debug, info, warn or error (default info)", false},
    {"enable-new-modules", "true|false",
     "whether a module seen for the first time at start-up starts enabled "
     "(default true)",
     false},
    {"enable-rescanned-modules", "true|false",
     "whether a module a rescan finds starts enabled (default false)", true},
    {"public-origin", "URL[,URL...]",
     "where the web pages are served from, e.g. https://dsa.example.nl; "
     "changes made with a login session must come from there (default: the "
     "server's own address)",
     true},
    {"body-min-rate", "BYTES",
     "a request body slower than this many bytes per second after the read "
     "timeout gets 408 (default 8192)",
     true},
    {"document-limit-bytes", "BYTES",
     "the largest file an editor may upload to the knowledge base (default "
     "26214400, 25 MiB)",
     true},
    {"login-failures-per-client", "N",
     "failed logins from one address in 15 minutes before its logins are "
     "refused (default 20; 0: no limit)",
     true},
    {"metrics-token-file", "FILE",
     "a file with a token that, sent as 'Authorization: Bearer', shows "
     "/metrics and the modules in /readyz (administrators see them always)",
     true},
    {"metrics-public", "true|false",
     "show /metrics and the modules in /readyz to everyone (default false)",
     true},
    {"public-base-url", "URL",
     "the address the platform is reached at from outside, for the URLs "
     "in the open-data catalogue (default: the first --public-origin, else "
     "the server's own address)",
     true},
    {"catalog-publisher", "NAME",
     "who publishes the open data, in the DCAT-AP catalogue (default "
     "Stichting Stedenlink)",
     true},
    {"catalog-licence", "IRI",
     "the licence of the open data (default CC0 1.0, "
     "http://creativecommons.org/publicdomain/zero/1.0/)",
     true},
    {"catalog-contact-email", "ADDRESS",
     "the e-mail address of the open data's contact point (default: none)",
     true},
    {"monitoring-address", "ADDRESS:PORT",
     "also serve /healthz, /readyz and /metrics, to anyone who reaches it, "
     "on this address, e.g. 127.0.0.1:9100 (default: none)",
     true},
};

// SMARTERCITIES_DATA_DIR for data-dir.
std::string EnvironmentName(std::string_view name) {
  std::string out = "SMARTERCITIES_";
  for (char c : name) {
    out += c == '-'
               ? '_'
               : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

constexpr const char* kFooter =
    R"(Every flag is also an environment variable (--data-dir: SMARTERCITIES_DATA_DIR)
and a lowerCamelCase key in the JSON file of --config (dataDir). A flag wins
over the environment, the environment over the file.
Run 'smartercities COMMAND --help' for the flags of one command.)";

// The values the command line gave, by setting name, filled by CLI11.
struct Given {
  std::map<std::string, std::string> values;
  std::map<std::string, CLI::Option*> options;
  std::string config_file;
  CLI::Option* config_option = nullptr;
};

void AddSettings(CLI::App& command, bool serve, Given& given) {
  command.footer(
      "Each flag can also be given as the environment variable shown, or as "
      "a\nlowerCamelCase key in the --config file (--data-dir: dataDir). A "
      "flag wins over\nthe environment, the environment over the file.");
  given.config_option =
      command
          .add_option("--config", given.config_file,
                      "JSON file of settings (lowerCamelCase keys)")
          ->type_name("FILE")
          ->envname("SMARTERCITIES_CONFIG");
  for (const Setting& setting : kSettings) {
    if (setting.serve_only && !serve) continue;
    std::string flags = std::string("--") + setting.name;
    if (std::string_view(setting.name) == "threads") flags += ",--io-threads";
    CLI::Option* option =
        command.add_option(flags, given.values[setting.name], setting.help)
            ->type_name(setting.value_name)
            ->envname(EnvironmentName(setting.name));
    given.options[setting.name] = option;
  }
}

// The chain of commands the parse reached, e.g. "smartercities users add".
std::string CommandPath(const CLI::App& app) {
  std::string path = app.get_name();
  const CLI::App* current = &app;
  for (;;) {
    auto chosen = current->get_subcommands();
    if (chosen.empty()) break;
    current = chosen.front();
    path += " " + current->get_name();
  }
  return path;
}

// A word where a command was expected that names none, e.g. "modules
// frob": "unknown command 'frob'; choose list, enable, ...". Empty when the
// words name commands.
std::string UnknownCommand(CLI::App& app, const std::vector<std::string>& args,
                           std::string& path) {
  CLI::App* current = &app;
  path = app.get_name();
  for (const std::string& arg : args) {
    if (arg.empty() || arg[0] == '-') return "";
    auto commands = current->get_subcommands({});
    if (commands.empty()) return "";
    CLI::App* next = nullptr;
    for (CLI::App* command : commands) {
      if (command->get_name() == arg) next = command;
    }
    if (next == nullptr) {
      std::string names;
      for (CLI::App* command : commands) {
        names += (names.empty() ? "" : ", ") + command->get_name();
      }
      return "unknown command '" + arg + "'; choose one of " + names;
    }
    current = next;
    path += " " + arg;
  }
  return "";
}

Invocation Stop(int exit_code, std::string message) {
  Invocation invocation;
  invocation.exit_code = exit_code;
  invocation.message = std::move(message);
  return invocation;
}

}  // namespace

std::string VersionText() {
#ifdef SMARTERCITIES_VERSION
  return std::string("smartercities ") + SMARTERCITIES_VERSION;
#else
  return "smartercities (version unknown)";
#endif
}

Invocation ParseCommandLine(const std::vector<std::string>& args,
                            const Config& defaults) {
  CLI::App app{
      "Smarter Cities platform: the Digitale Steden Agenda's themes, "
      "agreements and figures.",
      "smartercities"};
  app.set_version_flag("--version", VersionText());
  app.require_subcommand(1);

  Invocation invocation;
  invocation.config = defaults;
  // Each runnable command with the settings it takes; only the chosen one
  // is read.
  struct Leaf {
    CLI::App* app;
    Command command;
    std::unique_ptr<Given> given;
  };
  std::vector<Leaf> leaves;
  auto add = [&](CLI::App* parent, const std::string& name,
                 const std::string& description, Command command,
                 bool takes_settings, bool serve = false) {
    CLI::App* sub = parent->add_subcommand(name, description);
    auto given = std::make_unique<Given>();
    if (takes_settings) AddSettings(*sub, serve, *given);
    leaves.push_back({sub, command, std::move(given)});
    return sub;
  };
  auto group = [&](const std::string& name, const std::string& description) {
    CLI::App* sub = app.add_subcommand(name, description);
    sub->require_subcommand(1);
    return sub;
  };
  std::string word1, word2, word3;

  add(&app, "serve", "start the platform", Command::kServe, true, true);

  CLI::App* modules = group("modules",
                            "list the theme modules, switch them "
                            "on or off, load new ones");
  add(modules, "list", "list the modules and their stored settings",
      Command::kModulesList, true);
  add(modules, "enable", "switch a module on (a running server follows)",
      Command::kModulesEnable, true)
      ->add_option("id", word1, "the module's theme id, e.g. groene-stad")
      ->required();
  add(modules, "disable", "switch a module off (a running server follows)",
      Command::kModulesDisable, true)
      ->add_option("id", word1, "the module's theme id, e.g. groene-stad")
      ->required();
  add(modules, "rescan",
      "let a running server load plugins added to the plugin directory, "
      "and print what it loaded and refused",
      Command::kModulesRescan, true);

  CLI::App* plugin = group("plugin", "check a built theme plugin");
  add(plugin, "check",
      "check a plugin file the way the host would load it, in a scratch "
      "directory",
      Command::kPluginCheck, false)
      ->add_option("file", word1, "the plugin library (.so)")
      ->required();

  CLI::App* demo = group("demo", "the sample data, marked as demo");
  add(demo, "load", "fill the database with the sample (real data stays)",
      Command::kDemoLoad, true);
  add(demo, "remove", "remove every demo record (real data stays)",
      Command::kDemoRemove, true);

  CLI::App* users = group("users", "accounts of administrators and editors");
  add(users, "list", "list the accounts", Command::kUsers, true);
  CLI::App* users_add =
      add(users, "add",
          "create an account; the password is generated and shown once (or "
          "taken from SMARTERCITIES_NEW_PASSWORD)",
          Command::kUsers, true);
  users_add->add_option("name", word1, "the account name")->required();
  users_add
      ->add_option("role", word2,
                   "admin, theme-editor (scope: a theme id) or city-editor "
                   "(scope: a CBS code)")
      ->required();
  users_add->add_option("scope", word3, "the theme id or CBS code");
  for (const char* verb : {"disable", "enable", "reset-password", "unlock"}) {
    std::string description =
        std::string_view(verb) == "disable"
            ? "switch an account off (ends its sessions)"
        : std::string_view(verb) == "enable" ? "switch an account on"
        : std::string_view(verb) == "unlock"
            ? "let an account whose logins are blocked after failed logins "
              "log in again now"
            : "generate a new password (ends the account's sessions)";
    add(users, verb, description, Command::kUsers, true)
        ->add_option("name", word1, "the account name")
        ->required();
  }
  CLI::App* set_role =
      add(users, "set-role", "change an account's role", Command::kUsers, true);
  set_role->add_option("name", word1, "the account name")->required();
  set_role->add_option("role", word2, "admin, theme-editor or city-editor")
      ->required();
  set_role->add_option("scope", word3, "the theme id or CBS code");

  CLI::App* tokens = group("tokens", "API tokens for cities' systems");
  add(tokens, "list", "list the API tokens", Command::kTokens, true);
  CLI::App* tokens_create =
      add(tokens, "create", "create an API token (shown once)",
          Command::kTokens, true);
  tokens_create->add_option("name", word1, "what the token is for")->required();
  tokens_create->add_option("role", word2, "admin, theme-editor or city-editor")
      ->required();
  tokens_create->add_option("scope", word3, "the theme id or CBS code");
  add(tokens, "revoke", "revoke an API token", Command::kTokens, true)
      ->add_option("id", word1, "the token's id (see tokens list)")
      ->required();

  CLI::App* audit = group("audit", "the audit trail");
  add(audit, "verify", "check the audit trail's hash chain",
      Command::kAuditVerify, true);

  add(&app, "backup",
      "write a checked copy of the database, also while the server runs",
      Command::kBackup, true)
      ->add_option("file", word1, "the new file to write the copy to")
      ->required();
  add(&app, "restore",
      "put a backup in place of the database (the server must be stopped; "
      "the replaced database is kept)",
      Command::kRestore, true)
      ->add_option("file", word1, "a file written by 'smartercities backup'")
      ->required();
  add(&app, "migrate-to",
      "copy the SQLite database of --data-dir into an empty PostgreSQL "
      "database, and check the copy (stop the server first)",
      Command::kMigrateTo, true)
      ->add_option("url", word1,
                   "the PostgreSQL database, postgresql://user@host:5432/name")
      ->required();

  bool dry_run = false;
  CLI::App* import = group("import", "bring data in from files");
  CLI::App* import_measurements =
      add(import, "measurements",
          "import figures from a CSV file (columns indicator, city, period, "
          "value, source): every row is checked first, then all are stored "
          "or none",
          Command::kImportMeasurements, true);
  import_measurements->add_option("file", word1, "the CSV file")->required();
  import_measurements->add_flag(
      "--dry-run", dry_run,
      "check every row and count what would change, but store nothing");

  std::string format;
  std::string output;
  CLI::App* report = add(&app, "report",
                         "write the progress report of a half year (article "
                         "6b), e.g. 'report 2013-H2 --output rapport.pdf'",
                         Command::kReport, true);
  report->add_option("period", word1, "the half year: YYYY-H1 or YYYY-H2")
      ->required();
  report
      ->add_option("--format", format,
                   "html, pdf or json (default: from the --output file's "
                   "name, else html)")
      ->type_name("html|pdf|json")
      ->check(CLI::IsMember({"html", "pdf", "json"}));
  report
      ->add_option("--output", output,
                   "the file to write (default: standard output)")
      ->type_name("FILE");

  // Set last, so that the commands do not inherit it.
  app.footer(kFooter);

  std::vector<std::string> argv_storage = {"smartercities"};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  // With no command at all, serve: the platform's first use.
  if (args.empty()) argv_storage.push_back("serve");
  std::vector<const char*> argv;
  for (const auto& arg : argv_storage) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    return Stop(0, app.help());
  } catch (const CLI::CallForAllHelp&) {
    return Stop(0, app.help("", CLI::AppFormatMode::All));
  } catch (const CLI::CallForVersion&) {
    return Stop(0, VersionText() + "\n");
  } catch (const CLI::ParseError& e) {
    std::string path;
    std::string unknown = UnknownCommand(app, args, path);
    if (!unknown.empty()) {
      return Stop(
          2, path + ": " + unknown + "\nRun '" + path + " --help' for help.\n");
    }
    path = CommandPath(app);
    return Stop(
        2, path + ": " + e.what() + "\nRun '" + path + " --help' for help.\n");
  }

  // The chosen leaf command and the settings it was given.
  CLI::App* chosen = &app;
  while (!chosen->get_subcommands().empty()) {
    chosen = chosen->get_subcommands().front();
  }
  const Leaf* leaf = nullptr;
  for (const Leaf& candidate : leaves) {
    if (candidate.app == chosen) leaf = &candidate;
  }
  std::string path = CommandPath(app);
  auto mistake = [&](const std::string& message) {
    return Stop(
        2, path + ": " + message + "\nRun '" + path + " --help' for help.\n");
  };
  if (leaf == nullptr) return mistake("choose a command");
  invocation.command = leaf->command;
  const Given& given = *leaf->given;
  if (given.config_option != nullptr && given.config_option->count() > 0) {
    Status status = ApplyConfigFile(given.config_file, invocation.config);
    if (!status.ok()) return mistake(status.message());
  }
  for (const auto& [name, option] : given.options) {
    if (option->count() == 0) continue;
    // CLI11 took the value from the command line, else from the
    // environment; the message names the one it came from.
    std::string where = EnvironmentName(name);
    for (const std::string& flag : option->get_lnames()) {
      for (const auto& arg : args) {
        if (arg == "--" + flag || arg.rfind("--" + flag + "=", 0) == 0) {
          where = "--" + flag;
        }
      }
    }
    Status status =
        ApplySetting(name, given.values.at(name), where, invocation.config);
    if (!status.ok()) return mistake(status.message());
  }
  // DATABASE_URL, the name other platforms read it from, when neither the
  // flag, SMARTERCITIES_DATABASE nor the file gave one.
  if (const char* url = std::getenv("DATABASE_URL");
      invocation.config.database_url.empty() && url != nullptr && *url) {
    Status status =
        ApplySetting("database", url, "DATABASE_URL", invocation.config);
    if (!status.ok()) return mistake(status.message());
  }
  Status checked = CheckConfig(invocation.config);
  if (!checked.ok()) return mistake(checked.message());

  // The words after the group, for the commands that take them.
  if (invocation.command == Command::kUsers ||
      invocation.command == Command::kTokens) {
    invocation.words.push_back(chosen->get_name());
  }
  for (const std::string* word : {&word1, &word2, &word3}) {
    if (!word->empty()) invocation.words.push_back(*word);
  }
  invocation.dry_run = dry_run;
  invocation.format = format;
  invocation.output = output;
  return invocation;
}

}  // namespace smartercities::app
