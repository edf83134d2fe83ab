// audit.h — the append-only audit trail: who changed what, when, and the
// values before and after, one row per changed database row.
//
// An AuditRecorder is a storage::WriteObserver: installed for a request's
// thread (ScopedWriteObserver), it sees every row the request's Writes
// change and appends the trail's rows in the same transaction, so a change
// and its audit row are committed together or not at all. Each row carries
// the SHA-256 hash of its content and of the row before it; the database
// refuses updates and deletes on the table (triggers), and VerifyAuditTrail
// finds a row that was changed or removed behind the database's back.
//
// Thread-safety: a recorder belongs to one request; the functions are
// thread-safe.
#ifndef SMARTERCITIES_CORE_AUTH_AUDIT_H_
#define SMARTERCITIES_CORE_AUTH_AUDIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/storage/database.h"

namespace smartercities::auth {

// Who makes the changes.
struct Actor {
  std::string name;        // "user:anna", "token:helmond-export", "cli"
  std::string role;        // "admin", "city-editor", ... or "operator"
  std::string request_id;  // the request's id, or "cli"
};

class AuditRecorder : public storage::WriteObserver {
 public:
  explicit AuditRecorder(Actor actor) : actor_(std::move(actor)) {}

  bool Watches(std::string_view table) const override;
  Status BeforeCommit(storage::Connection& connection,
                      std::span<const storage::RowChange> changes) override;

 private:
  Actor actor_;
};

// One row of the trail as the API shows it.
struct AuditEntry {
  std::int64_t seq = 0;
  std::string at;
  std::string actor;
  std::string role;
  std::string action;     // insert, update, delete
  std::string object;     // "<table>/<key>", e.g. "measurements/12"
  std::string old_value;  // JSON object, or "" for an insert
  std::string new_value;  // JSON object, or "" for a delete
  std::string request_id;
  std::string hash;
};

struct AuditFilter {
  std::optional<std::string> object;  // exact, or a table with "/" at the end
  std::optional<std::string> actor;
  std::optional<std::string> from;  // inclusive, ISO 8601 UTC
  std::optional<std::string> to;    // exclusive
  std::int64_t page = 1;
  std::int64_t page_size = 100;
};

struct AuditPage {
  std::vector<AuditEntry> items;
  std::int64_t total = 0;
};

Result<AuditPage> ReadAuditTrail(storage::Database& database,
                                 const AuditFilter& filter);

struct AuditVerification {
  std::int64_t rows = 0;
  // The first row whose content or link does not match, and why.
  std::optional<std::int64_t> broken_at;
  std::string problem;
};

// Recomputes the chain from the first row to the last.
Result<AuditVerification> VerifyAuditTrail(storage::Database& database);

}  // namespace smartercities::auth

#endif  // SMARTERCITIES_CORE_AUTH_AUDIT_H_
