// command_line.h — the `smartercities` command line: its commands, their
// flags, per-command help, --version and the environment variables.
//
// Every setting has one name used three ways: a flag (`--data-dir DIR`), an
// environment variable (`SMARTERCITIES_DATA_DIR`) and a lowerCamelCase key
// in the JSON file given with `--config FILE` (`dataDir`). A flag wins over
// the environment, the environment over the file, the file over the
// defaults. Parsing is separate from running, so that tests can check the
// parse without starting anything.
//
// Thread-safety: ParseCommandLine reads the process environment and touches
// no other shared state.
#ifndef SMARTERCITIES_CORE_APP_COMMAND_LINE_H_
#define SMARTERCITIES_CORE_APP_COMMAND_LINE_H_

#include <optional>
#include <string>
#include <vector>

#include "core/app/config.h"

namespace smartercities::app {

enum class Command {
  kServe,
  kModulesList,
  kModulesEnable,
  kModulesDisable,
  kModulesRescan,
  kPluginCheck,
  kDemoLoad,
  kDemoRemove,
  kUsers,
  kTokens,
  kAuditVerify,
  kBackup,
  kRestore,
  kMigrateTo,
  kImportMeasurements,
  kReport,
};

// What the command line asks for. With `exit_code` set, nothing is to be
// run: `message` is printed (help and --version to standard output with exit
// code 0; a mistake, in one line plus how to get help, to standard error
// with exit code 2). Otherwise `command` runs with `config` and `words`.
struct Invocation {
  Command command = Command::kServe;
  // The command's positional words: the module id, the plugin file, the
  // file to import, or for `users` and `tokens` the verb and its arguments
  // ("add", "NAME", ...).
  std::vector<std::string> words;
  // `import measurements --dry-run`: check and count, store nothing.
  bool dry_run = false;
  // `report`: the form (html, pdf or json; "" for the one the output file's
  // name ends in, else html) and the file to write ("" or "-": standard
  // output).
  std::string format;
  std::string output;
  Config config;
  std::optional<int> exit_code;
  std::string message;
};

// Parses args (argv without the program name) on top of `defaults`.
Invocation ParseCommandLine(const std::vector<std::string>& args,
                            const Config& defaults);

// The version printed by --version, e.g. "smartercities 0.1.0".
std::string VersionText();

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_COMMAND_LINE_H_
