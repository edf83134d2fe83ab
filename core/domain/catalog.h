// catalog.h — the themes, agreements and indicators as the database holds
// them, and the sync that brings a plugin's manifest in.
//
// Sync keeps the covenant processes' work: an agreement whose text was
// amended since the last sync keeps its amended text (the manifest's text is
// recorded beside it), and every text change adds a row to the agreement's
// version history. Agreements and indicators that a manifest no longer
// declares are retired, not deleted.
//
// GetIndicator answers from memory while the catalogue's tables are as they
// were when it read them (Database::TableGeneration), so that a request
// writing a figure does not read the indicator's definition from disk.
//
// Thread-safety: a Catalog may be used from any thread.
#ifndef SMARTERCITIES_CORE_DOMAIN_CATALOG_H_
#define SMARTERCITIES_CORE_DOMAIN_CATALOG_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/model.h"
#include "core/storage/database.h"

namespace smartercities::domain {

// One entry in an agreement's version history.
struct AgreementVersion {
  int version = 0;
  std::string text;
  std::string source;  // "manifest" or "amendment"
  std::string recorded_at;
};

// An indicator with the theme it belongs to.
struct IndicatorRecord {
  std::string theme_id;
  Indicator indicator;
};

// What the database records of a theme's plugin: its version, and the
// SHA-256 of the file the node that synced it last loaded (empty when it
// was synced without one).
struct RecordedTheme {
  std::string version;
  std::string file_digest;
};

// The lower-case hexadecimal SHA-256 of the file at path, read in pieces;
// empty when it cannot be read.
std::string FileDigest(const std::filesystem::path& path);

class Catalog {
 public:
  explicit Catalog(storage::Database& database) : database_(database) {}

  // Writes manifest's theme, agreements and indicators in one transaction,
  // with file_digest, the plugin file's FileDigest (empty: none recorded).
  Status Sync(const ThemeManifest& manifest, std::string_view file_digest = "");
  // Whether manifest may be synced over what a database shared by several
  // nodes (PostgreSQL) holds: refused (FailedPrecondition, naming file and
  // both versions) when it records a newer version of the theme, which
  // another node, or an earlier run, loaded from a newer plugin file. On
  // SQLite, with one node, an older version is a rollback and allowed.
  Status CheckVersion(const ThemeManifest& manifest, std::string_view file);
  // The version and file digest of every stored theme, by id.
  Result<std::map<std::string, RecordedTheme>> RecordedThemes();

  // The stored theme with its current agreements and indicators, or nullopt.
  // Routes, panels and migrations are not stored and come back empty except
  // panels.
  Result<std::optional<ThemeManifest>> GetTheme(std::string_view id);

  // The ids of all stored themes, in id order.
  Result<std::vector<std::string>> ThemeIds();

  Result<std::optional<IndicatorRecord>> GetIndicator(std::string_view id);

  Result<std::vector<AgreementVersion>> AgreementHistory(
      std::string_view agreement_id);

 private:
  // The sum of the generations of the tables GetIndicator reads.
  std::uint64_t IndicatorGeneration() const;

  storage::Database& database_;
  std::mutex indicators_mutex_;
  std::uint64_t indicators_generation_ = 0;
  std::map<std::string, IndicatorRecord, std::less<>> indicators_;
};

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_CATALOG_H_
