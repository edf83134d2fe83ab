#include "core/app/backup_commands.h"

#include <smartercities/text.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "core/api/json_response.h"
#include "core/app/data_directory.h"
#include "core/auth/audit.h"
#include "core/domain/core_schema.h"
#include "core/domain/documents.h"

namespace smartercities::app {
namespace {

namespace fs = std::filesystem;

// "2026-11-29T10-15-00Z": a UTC time fit for a file name.
std::string FileTime() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H-%M-%SZ", &parts);
  return text;
}

// The database file and the journal files SQLite keeps beside it.
std::vector<fs::path> DatabaseFiles(const fs::path& database) {
  return {database, fs::path(database.string() + "-wal"),
          fs::path(database.string() + "-shm")};
}

// The files SQLite may leave beside a database that it opened.
void RemoveJournals(const fs::path& database) {
  std::error_code ignored;
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    fs::remove(fs::path(database.string() + suffix), ignored);
  }
}

void RemoveDatabaseFiles(const fs::path& database) {
  std::error_code ignored;
  fs::remove(database, ignored);
  RemoveJournals(database);
}

struct Checked {
  std::int64_t audit_rows = 0;
  int core_version = 0;
};

// Whether file is a sound database of this platform: integrity, a schema
// this version knows, an intact audit trail. The message of a failure says
// which check failed.
Result<Checked> CheckDatabaseFile(const fs::path& file) {
  auto opened = storage::OpenSqlite({file.string(), 5000, /*read_only=*/true});
  if (!opened.ok()) {
    return Status::FailedPrecondition(
        "it is not a sound SQLite database (it cannot be opened for the "
        "integrity check: " +
        opened.status().message() + ")");
  }
  storage::Database& database = **opened;
  auto integrity = database.IntegrityCheck();
  if (!integrity.ok()) {
    return Status::FailedPrecondition(
        "it is not a sound SQLite database (the integrity check could not "
        "run: " +
        integrity.status().message() + ")");
  }
  if (*integrity != "ok") {
    return Status::FailedPrecondition("it fails PRAGMA integrity_check: " +
                                      integrity->substr(0, 500));
  }
  auto version = database.SchemaVersion("core");
  if (!version.ok() || *version == 0) {
    return Status::FailedPrecondition(
        "it is not a database of this platform (no core schema)");
  }
  int known = static_cast<int>(domain::CoreMigrations().size());
  if (*version > known) {
    return Status::FailedPrecondition(
        "it was made by a newer version of the platform (core schema " +
        std::to_string(*version) + "; this version knows up to " +
        std::to_string(known) + ")");
  }
  auto trail = auth::VerifyAuditTrail(database);
  if (!trail.ok()) {
    return Status::FailedPrecondition("its audit trail cannot be read: " +
                                      trail.status().message());
  }
  if (trail->broken_at) {
    return Status::FailedPrecondition("its audit trail is broken: " +
                                      trail->problem);
  }
  return Checked{trail->rows, *version};
}

// The knowledge base's files travel inside the backup file, in a table of
// their own, so that one file holds a consistent whole: the documents the
// copied database lists, and each one's bytes. A restore puts them back
// into the data directory and drops the table.
constexpr std::string_view kFilesTable = "backup_document_files";

std::optional<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

// Copies the file of every document the database copy at `copy` lists
// from documents_dir into the copy. Fails, naming the document, when a
// file is missing or its content does not match its hash. Returns how
// many files were added.
Result<std::int64_t> AddDocumentFiles(const fs::path& copy,
                                      const fs::path& documents_dir) {
  auto opened = storage::OpenSqlite({copy.string(), 5000, false});
  if (!opened.ok()) return opened.status();
  std::int64_t added = 0;
  Status written = (*opened)->Write([&](storage::Connection& db) -> Status {
    std::string create = "CREATE TABLE ";
    create += kFilesTable;
    create += " (sha256 TEXT PRIMARY KEY, content BLOB NOT NULL)";
    Status made = db.ExecuteScript(create);
    if (!made.ok()) return made;
    std::vector<std::pair<std::int64_t, std::string>> listed;
    Status read = db.Execute(
        "SELECT min(id) AS id, sha256 FROM documents GROUP BY sha256", {},
        [&](const storage::Row& row) {
          listed.emplace_back(std::get<std::int64_t>(row.Get("id")),
                              row.Text("sha256"));
          return true;
        });
    if (!read.ok()) return read;
    std::string insert = "INSERT INTO ";
    insert += kFilesTable;
    insert += " (sha256, content) VALUES (?1, ?2)";
    for (const auto& [id, sha256] : listed) {
      fs::path file = documents_dir / sha256;
      std::optional<std::string> bytes = ReadWholeFile(file);
      if (!bytes) {
        return Status::FailedPrecondition("document " + std::to_string(id) +
                                          "'s file '" + file.string() +
                                          "' cannot be read");
      }
      if (domain::Sha256Hex(*bytes) != sha256) {
        return Status::FailedPrecondition(
            "document " + std::to_string(id) + "'s file '" + file.string() +
            "' does not have the content it was stored with");
      }
      std::vector<storage::Value> params = {sha256, std::move(*bytes)};
      Status inserted = db.Execute(insert, params);
      if (!inserted.ok()) return inserted;
      ++added;
    }
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return added;
}

// Writes the files a backup carries into documents_dir (those not there
// already) and drops their table from the restored copy. Fails, naming the
// file, when one cannot be written or does not match its hash.
Result<std::int64_t> RestoreDocumentFiles(const fs::path& copy,
                                          const fs::path& documents_dir) {
  auto opened = storage::OpenSqlite({copy.string(), 5000, false});
  if (!opened.ok()) return opened.status();
  std::int64_t restored = 0;
  Status written = (*opened)->Write([&](storage::Connection& db) -> Status {
    bool present = false;
    Status found = db.Execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        std::vector<storage::Value>{std::string(kFilesTable)},
        [&](const storage::Row&) {
          present = true;
          return true;
        });
    if (!found.ok() || !present) return found;
    std::error_code ec;
    fs::create_directories(documents_dir, ec);
    if (ec) {
      return Status::Unavailable("cannot create '" + documents_dir.string() +
                                 "': " + ec.message());
    }
    std::string select = "SELECT sha256, content FROM ";
    select += kFilesTable;
    Status failed = Status::Ok();
    Status copied = db.Execute(select, {}, [&](const storage::Row& row) {
      std::string sha256 = row.Text("sha256");
      const auto* bytes = std::get_if<std::string>(&row.Get("content"));
      if (bytes == nullptr || domain::Sha256Hex(*bytes) != sha256) {
        failed = Status::FailedPrecondition(
            "its document file " + sdk::Printable(sha256, 70) +
            " does not have the content it was stored with");
        return false;
      }
      fs::path target = documents_dir / sha256;
      std::error_code exists_error;
      if (fs::exists(target, exists_error)) return true;
      failed = domain::WriteFileAtomically(target, *bytes);
      if (!failed.ok()) return false;
      ++restored;
      return true;
    });
    if (!failed.ok()) return failed;
    if (!copied.ok()) return copied;
    std::string drop = "DROP TABLE ";
    drop += kFilesTable;
    return db.ExecuteScript(drop);
  });
  if (!written.ok()) return written;
  return restored;
}

// The backup commands copy the SQLite file; PostgreSQL has its own tools.
Status RefusePostgres(const Config& config, std::string_view command) {
  if (config.database_url.empty()) return Status::Ok();
  return Status::FailedPrecondition(
      std::string(command) +
      ": the data is in PostgreSQL (--database), not in an SQLite file; " +
      (command == "backup" ? "back it up with pg_dump"
                           : "restore it with "
                             "pg_restore") +
      " (docs/admin-guide.md)");
}

}  // namespace

Status Backup(const Config& config, const fs::path& file, std::ostream& out) {
  if (Status refused = RefusePostgres(config, "backup"); !refused.ok()) {
    return refused;
  }
  std::error_code ec;
  if (fs::exists(fs::symlink_status(file, ec))) {
    return Status::AlreadyExists("backup: '" + file.string() +
                                 "' exists; name a new file");
  }
  auto database = OpenDataDirectory(config, ThemeSync::kByHost, out);
  if (!database.ok()) return database.status();
  // A name of its own beside the target, so that FILE appears only when it
  // is complete and checked.
  fs::path partial = file;
  partial += ".partial-" + std::to_string(::getpid());
  RemoveDatabaseFiles(partial);
  Status copied = (*database)->Backup(partial.string());
  if (!copied.ok()) {
    RemoveDatabaseFiles(partial);
    return copied.WithContext("backup");
  }
  auto files = AddDocumentFiles(partial, config.DocumentsDir());
  if (!files.ok()) {
    RemoveDatabaseFiles(partial);
    return Status::Unavailable(
        "backup: the copy was removed because the knowledge base's files "
        "could not be added: " +
        files.status().message());
  }
  auto checked = CheckDatabaseFile(partial);
  if (!checked.ok()) {
    RemoveDatabaseFiles(partial);
    return Status::Internal("backup: the copy was removed because " +
                            checked.status().message());
  }
  RemoveJournals(partial);
  ::chmod(partial.c_str(), S_IRUSR | S_IWUSR);
  fs::rename(partial, file, ec);
  if (ec) {
    RemoveDatabaseFiles(partial);
    return Status::Unavailable("backup: cannot name the copy '" +
                               file.string() + "': " + ec.message());
  }
  out << "backup written to " << file.string() << " ("
      << fs::file_size(file, ec)
      << " bytes): integrity ok, audit trail intact (" << checked->audit_rows
      << " rows), " << *files << " document files\n";
  return Status::Ok();
}

Status Restore(const Config& config, const fs::path& file, std::ostream& out) {
  if (Status refused = RefusePostgres(config, "restore"); !refused.ok()) {
    return refused;
  }
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return Status::NotFound("restore: '" + file.string() +
                            "' is not a file that can be read");
  }
  Status prepared = PrepareDataDirectory(config, out);
  if (!prepared.ok()) return prepared;
  std::string when = FileTime();
  {
    auto lock = DataDirectoryLock::Take(config, DataDirectoryLock::kExclusive);
    if (!lock.ok()) return lock.status().WithContext("restore");

    // The copy is checked where it will be used, so that what was checked
    // is what is put in place.
    fs::path staged = config.data_dir / ("restoring-" + when + ".db");
    RemoveDatabaseFiles(staged);
    Status created = CreatePrivateFile(staged);
    if (created.ok()) {
      fs::copy_file(file, staged, fs::copy_options::overwrite_existing, ec);
      if (ec) {
        created = Status::Unavailable("cannot copy it into '" +
                                      config.data_dir.string() +
                                      "': " + ec.message());
      }
    }
    if (!created.ok()) {
      RemoveDatabaseFiles(staged);
      return created.WithContext("restore: '" + file.string() + "'");
    }
    auto checked = CheckDatabaseFile(staged);
    RemoveJournals(staged);
    if (!checked.ok()) {
      RemoveDatabaseFiles(staged);
      return Status::FailedPrecondition(
          "restore: '" + file.string() + "' was not restored because " +
          checked.status().message() + "; nothing was changed");
    }
    // The documents' files first: content-addressed, so that adding them
    // changes nothing the current database refers to.
    auto files = RestoreDocumentFiles(staged, config.DocumentsDir());
    RemoveJournals(staged);
    if (!files.ok()) {
      RemoveDatabaseFiles(staged);
      return Status::FailedPrecondition(
          "restore: '" + file.string() + "' was not restored because " +
          files.status().message() + "; the database was not changed");
    }

    // The database it replaces is kept, with its journal files.
    fs::path kept = config.data_dir / ("replaced-" + when);
    fs::create_directory(kept, ec);
    if (!ec) fs::permissions(kept, fs::perms::owner_all, ec);
    if (ec) {
      RemoveDatabaseFiles(staged);
      return Status::Unavailable("restore: cannot create '" + kept.string() +
                                 "': " + ec.message() +
                                 "; nothing was changed");
    }
    std::vector<std::pair<fs::path, fs::path>> moved;
    for (const fs::path& current : DatabaseFiles(config.DatabaseFile())) {
      if (!fs::exists(current, ec)) continue;
      fs::path target = kept / current.filename();
      fs::rename(current, target, ec);
      if (ec) {
        for (const auto& [from, to] : moved) fs::rename(to, from, ec);
        RemoveDatabaseFiles(staged);
        return Status::Unavailable("restore: cannot move '" + current.string() +
                                   "' aside: " + ec.message() +
                                   "; nothing was changed");
      }
      moved.emplace_back(current, target);
    }
    if (fs::exists(config.AdminTokenFile(), ec)) {
      fs::copy_file(config.AdminTokenFile(), kept / "admin-token", ec);
    }
    fs::rename(staged, config.DatabaseFile(), ec);
    if (ec) {
      for (const auto& [from, to] : moved) fs::rename(to, from, ec);
      RemoveDatabaseFiles(staged);
      return Status::Unavailable("restore: cannot put the copy in place: " +
                                 ec.message() + "; nothing was changed");
    }
    api::LogSecurityEvent("database restored from '" + file.string() +
                          "'; the one it replaced is in " + kept.string());
    out << "restored " << file.string() << " (audit trail intact, "
        << checked->audit_rows << " rows, " << *files
        << " document files added); the database it replaced is in "
        << kept.string() << "\n";
  }
  // As every command finds it: migrated to this version, cities and themes
  // in place.
  auto database = OpenDataDirectory(config, ThemeSync::kFromSidecars, out);
  if (!database.ok()) {
    return database.status().WithContext(
        "restore: the restored database is in place, but opening it failed");
  }
  return Status::Ok();
}

}  // namespace smartercities::app
