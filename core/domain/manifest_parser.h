// manifest_parser.h — reads and validates a theme manifest (theme.json).
//
// The format is described in docs/manifest.md. Validation collects every
// problem, each naming the source and the field:
//   "plugins/x/theme.json: agreements[3].kind: must be \"result\" or
//    \"effort\", got \"resul\""
// Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_DOMAIN_MANIFEST_PARSER_H_
#define SMARTERCITIES_CORE_DOMAIN_MANIFEST_PARSER_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/model.h"

namespace smartercities::storage {
class Database;
}  // namespace smartercities::storage

namespace smartercities::domain {

struct ManifestProblems {
  std::vector<std::string> problems;  // each "field: what is wrong"
};

// Parses json into a manifest. On failure the Status is InvalidArgument and
// its message lists every problem (up to 20) prefixed with source; problems,
// when not null, receives them all.
Result<ThemeManifest> ParseManifest(
    std::string_view json, std::string_view source,
    std::vector<std::string>* problems = nullptr);

// Runs the manifest's migrations (storage.migrations) on database, under
// the plugin's table restriction: what the host, the first start and
// migrate-to do before a theme's tables are used.
Status MigratePlugin(storage::Database& database,
                     const ThemeManifest& manifest);

// Runs the manifest's migrations on a scratch database made in scratch_dir
// (which must exist), the way the host does when it loads the plugin: after
// the core's own, in order, each in a transaction, under the plugin's table
// restriction. Returns each problem, naming the migration ("storage
// migration 1 (projects): ... refused: read table 'sqlite_sequence'");
// empty when they all run. smartercities-manifest-check runs this at build
// time, so a migration the host would refuse (AUTOINCREMENT needs SQLite's
// sqlite_sequence, which no plugin may touch) stops the build.
std::vector<std::string> CheckMigrations(
    const ThemeManifest& manifest, const std::filesystem::path& scratch_dir);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_MANIFEST_PARSER_H_
