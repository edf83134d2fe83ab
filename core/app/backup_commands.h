// backup_commands.h — `smartercities backup FILE` and `smartercities restore
// FILE`: a checked copy of the database while the server runs and writes,
// and putting such a copy back.
//
// A backup is one consistent snapshot (SQLite's VACUUM INTO on a connection
// of its own, so writers go on), written under a temporary name beside FILE
// and renamed when it passed PRAGMA integrity_check and the audit trail's
// hash chain; FILE is readable by its owner only and never overwritten.
//
// A restore first copies FILE into the data directory and checks the copy
// (integrity, a schema of this platform and not of a newer version, an
// intact audit trail); a file that fails changes nothing. Only then does it
// move the database it replaces, with its journal files, into
// <data dir>/replaced-<UTC time>/ and put the copy in its place, and finally
// opens the data directory as every command does, which migrates a backup
// of an older version. It refuses while a server or another command uses
// the data directory.
//
// Thread-safety: free functions; run one at a time per data directory.
#ifndef SMARTERCITIES_CORE_APP_BACKUP_COMMANDS_H_
#define SMARTERCITIES_CORE_APP_BACKUP_COMMANDS_H_

#include <filesystem>
#include <ostream>

#include "core/app/config.h"
#include "core/base/status.h"

namespace smartercities::app {

// kAlreadyExists when file exists; kInternal (and no file) when the copy
// fails its checks.
Status Backup(const Config& config, const std::filesystem::path& file,
              std::ostream& out);

// kFailedPrecondition when file fails a check (nothing changes) or the data
// directory is in use.
Status Restore(const Config& config, const std::filesystem::path& file,
               std::ostream& out);

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_BACKUP_COMMANDS_H_
