// data_directory.h — opening the data directory the way every command needs
// it: whichever command runs first on a new or older data directory (serve,
// demo load, users add, ...), it finds the database in the state a first
// `serve` leaves it.
//
// Thread-safety: free functions without shared state; the database they
// return is thread-safe as storage::Database says.
#ifndef SMARTERCITIES_CORE_APP_DATA_DIRECTORY_H_
#define SMARTERCITIES_CORE_APP_DATA_DIRECTORY_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/app/config.h"
#include "core/base/status.h"
#include "core/domain/model.h"
#include "core/storage/database.h"

namespace smartercities::app {

// A plugin library in the plugin directory as its sidecar manifest
// (lib<name>.so.json) describes it; no plugin code is run to read it.
struct SidecarModule {
  std::string id;  // from the manifest; the file's stem without one
  std::string version;
  std::string name;
  std::filesystem::path file;
  std::string problem;  // why the manifest cannot be used; empty when fine
  std::optional<domain::ThemeManifest> manifest;
};

// Every .so in dir with its sidecar manifest, sorted by file name.
std::vector<SidecarModule> ReadSidecars(const std::filesystem::path& dir);

enum class ThemeSync {
  // Leave the themes to the plugin host, which loads the libraries (serve).
  kByHost,
  // Run each theme's migrations and store its catalogue from the sidecar
  // manifests of the plugin directory (the operator commands).
  kFromSidecars,
};

// Creates the data directory when it is missing, readable and writable by
// the platform's user alone (0700), and checks an existing one: refused
// (kFailedPrecondition) when it is not a directory or its group or others
// may write it; its database files and the administrator token, when
// readable by others, are made the owner's alone (0600) with a line on
// notes. Creates nothing else.
Status PrepareDataDirectory(const Config& config, std::ostream& notes);

// Creates file, empty and readable and writable by its owner alone (0600),
// unless it exists.
Status CreatePrivateFile(const std::filesystem::path& file);

// The lock of a data directory (flock on <data dir>/smartercities.lock):
// every command that opens the database holds it shared for as long as the
// database is open; restoring a backup takes it exclusively, so that it
// never replaces a database a server or command is using. Move-only; the
// lock ends with the object.
class DataDirectoryLock {
 public:
  enum Kind { kShared, kExclusive };

  // A shared lock waits for an exclusive one to end; an exclusive one fails
  // at once (kFailedPrecondition, saying so) while anyone holds the lock.
  static Result<DataDirectoryLock> Take(const Config& config, Kind kind);

  DataDirectoryLock(DataDirectoryLock&& other) noexcept;
  DataDirectoryLock& operator=(DataDirectoryLock&& other) noexcept;
  DataDirectoryLock(const DataDirectoryLock&) = delete;
  DataDirectoryLock& operator=(const DataDirectoryLock&) = delete;
  ~DataDirectoryLock();

 private:
  explicit DataDirectoryLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Prepares the data directory (above), opens its database and brings it to
// the state of a first `serve`: the core's migrations, the covenant's
// cities and, with ThemeSync::kFromSidecars, each theme's migrations and
// catalogue. A sidecar manifest that cannot be used is skipped with a line
// on `notes` naming the file and the problem; a failing migration or sync
// fails the whole call, naming the theme, and leaves what was stored before.
Result<std::unique_ptr<storage::Database>> OpenDataDirectory(
    const Config& config, ThemeSync themes, std::ostream& notes);

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_DATA_DIRECTORY_H_
