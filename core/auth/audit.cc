#include "core/auth/audit.h"

#include <sodium.h>

#include <nlohmann/json.hpp>
#include <set>

#include "core/base/time_format.h"

namespace smartercities::auth {
namespace {

using nlohmann::json;

constexpr const char* kFirstPreviousHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Tables whose rows are not the platform's content: the trail itself, the
// bookkeeping of sessions, failed logins and migrations, and operator
// signals.
bool IsUnaudited(std::string_view table) {
  static const std::set<std::string, std::less<>> kTables = {
      "audit_log",         "sessions",       "schema_migrations",
      "operator_requests", "login_failures", "login_notices"};
  // The knowledge base's full-text index (FTS5's shadow tables) is derived
  // from the documents and the agenda's texts, whose own changes are
  // audited.
  return kTables.contains(table) || table.starts_with("search_index");
}

// Secrets never reach the trail, not even hashed.
bool IsSecretColumn(std::string_view column) {
  return column.ends_with("_hash") || column == "csrf_token" ||
         column == "password";
}

json ToJson(const storage::Value& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
  if (const auto* real = std::get_if<double>(&value)) return *real;
  if (const auto* text = std::get_if<std::string>(&value)) {
    // Blobs and invalid UTF-8 are stored as hex so the JSON stays valid.
    try {
      json out = *text;
      static_cast<void>(out.dump());  // throws on invalid UTF-8
      return out;
    } catch (const json::exception&) {
      std::string hex(text->size() * 2 + 1, '\0');
      sodium_bin2hex(hex.data(), hex.size(),
                     reinterpret_cast<const unsigned char*>(text->data()),
                     text->size());
      hex.pop_back();
      return "hex:" + hex;
    }
  }
  return nullptr;
}

json RowJson(const std::vector<std::string>& columns,
             const std::vector<storage::Value>& values) {
  json out = json::object();
  for (std::size_t i = 0; i < values.size() && i < columns.size(); ++i) {
    out[columns[i]] =
        IsSecretColumn(columns[i]) ? json("[redacted]") : ToJson(values[i]);
  }
  return out;
}

// The key that names the row: its id or code column, else the rowid.
std::string RowKey(const storage::RowChange& change) {
  const std::vector<storage::Value>& values =
      change.after.empty() ? change.before : change.after;
  for (const char* name : {"id", "cbs_code"}) {
    for (std::size_t i = 0; i < change.columns.size() && i < values.size();
         ++i) {
      if (change.columns[i] != name) continue;
      json key = ToJson(values[i]);
      if (key.is_string()) return key.get<std::string>();
      if (!key.is_null()) return key.dump();
    }
  }
  return std::to_string(change.rowid);
}

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(
      digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[sizeof(digest) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return hex;
}

// What a row's hash covers: every column but the hash, in a fixed order.
std::string HashInput(const AuditEntry& entry, const std::string& prev_hash) {
  return json::array({entry.seq, entry.at, entry.actor, entry.role,
                      entry.action, entry.object, entry.old_value,
                      entry.new_value, entry.request_id, prev_hash})
      .dump();
}

const char* ActionName(storage::RowChange::Kind kind) {
  switch (kind) {
    case storage::RowChange::Kind::kInsert:
      return "insert";
    case storage::RowChange::Kind::kUpdate:
      return "update";
    default:
      return "delete";
  }
}

AuditEntry EntryOf(const storage::Row& row) {
  AuditEntry entry;
  entry.seq = row.Integer("seq");
  entry.at = row.Text("at");
  entry.actor = row.Text("actor");
  entry.role = row.Text("role");
  entry.action = row.Text("action");
  entry.object = row.Text("object");
  entry.old_value = row.Text("old_value");
  entry.new_value = row.Text("new_value");
  entry.request_id = row.Text("request_id");
  entry.hash = row.Text("hash");
  return entry;
}

}  // namespace

bool AuditRecorder::Watches(std::string_view table) const {
  return !IsUnaudited(table);
}

Status AuditRecorder::BeforeCommit(
    storage::Connection& connection,
    std::span<const storage::RowChange> changes) {
  std::int64_t seq = 0;
  std::string prev_hash = kFirstPreviousHash;
  auto last = connection.Query(
      "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", {});
  if (!last.ok()) return last.status();
  if (!last->empty()) {
    seq = last->front().Integer("seq");
    prev_hash = last->front().Text("hash");
  }
  std::string at = NowUtc();
  for (const storage::RowChange& change : changes) {
    AuditEntry entry;
    entry.seq = ++seq;
    entry.at = at;
    entry.actor = actor_.name;
    entry.role = actor_.role;
    entry.action = ActionName(change.kind);
    entry.object = change.table + "/" + RowKey(change);
    if (!change.before.empty())
      entry.old_value = RowJson(change.columns, change.before).dump();
    if (!change.after.empty())
      entry.new_value = RowJson(change.columns, change.after).dump();
    if (change.kind == storage::RowChange::Kind::kUpdate &&
        entry.old_value == entry.new_value) {
      --seq;  // nothing changed (an UPDATE that set the same values)
      continue;
    }
    entry.request_id = actor_.request_id;
    entry.hash = Sha256Hex(HashInput(entry, prev_hash));
    auto text_or_null = [](const std::string& text) {
      return text.empty() ? storage::Value(nullptr) : storage::Value(text);
    };
    Status status = connection.Execute(
        "INSERT INTO audit_log (seq, at, actor, role, action, object, "
        "old_value, new_value, request_id, prev_hash, hash) VALUES (?1, ?2, "
        "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        std::vector<storage::Value>{entry.seq, entry.at, entry.actor,
                                    entry.role, entry.action, entry.object,
                                    text_or_null(entry.old_value),
                                    text_or_null(entry.new_value),
                                    entry.request_id, prev_hash, entry.hash});
    if (!status.ok()) return status.WithContext("writing the audit trail");
    prev_hash = entry.hash;
  }
  return Status::Ok();
}

Result<AuditPage> ReadAuditTrail(storage::Database& database,
                                 const AuditFilter& filter) {
  std::string where = " WHERE 1 = 1";
  std::vector<storage::Value> params;
  auto add = [&](const std::string& condition, std::string value) {
    params.emplace_back(std::move(value));
    where += " AND " + condition + " ?" + std::to_string(params.size());
  };
  if (filter.object) {
    if (filter.object->ends_with("/")) {
      params.emplace_back(*filter.object);
      where += " AND substr(object, 1, length(?" +
               std::to_string(params.size()) + ")) = ?" +
               std::to_string(params.size());
    } else {
      add("object =", *filter.object);
    }
  }
  if (filter.actor) add("actor =", *filter.actor);
  if (filter.from) add("at >=", *filter.from);
  if (filter.to) add("at <", *filter.to);
  AuditPage page;
  Status status = database.Read([&](storage::Connection& db) -> Status {
    auto count =
        db.Query("SELECT COUNT(*) AS n FROM audit_log" + where, params);
    if (!count.ok()) return count.status();
    page.total = count->front().Integer("n");
    std::vector<storage::Value> paged = params;
    paged.emplace_back(filter.page_size);
    paged.emplace_back((filter.page - 1) * filter.page_size);
    return db.Execute("SELECT * FROM audit_log" + where +
                          " ORDER BY seq DESC LIMIT ?" +
                          std::to_string(paged.size() - 1) + " OFFSET ?" +
                          std::to_string(paged.size()),
                      paged, [&](const storage::Row& row) {
                        page.items.push_back(EntryOf(row));
                        return true;
                      });
  });
  if (!status.ok()) return status;
  return page;
}

Result<AuditVerification> VerifyAuditTrail(storage::Database& database) {
  AuditVerification result;
  std::string prev_hash = kFirstPreviousHash;
  std::int64_t expected_seq = 1;
  Status status = database.Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT * FROM audit_log ORDER BY seq", {},
        [&](const storage::Row& row) {
          AuditEntry entry = EntryOf(row);
          ++result.rows;
          if (entry.seq != expected_seq) {
            result.broken_at = entry.seq;
            result.problem = "row " + std::to_string(expected_seq) +
                             " is missing (the next row is " +
                             std::to_string(entry.seq) + ")";
            return false;
          }
          if (row.Text("prev_hash") != prev_hash) {
            result.broken_at = entry.seq;
            result.problem = "row " + std::to_string(entry.seq) +
                             " does not link to the row before it";
            return false;
          }
          if (Sha256Hex(HashInput(entry, prev_hash)) != entry.hash) {
            result.broken_at = entry.seq;
            result.problem = "row " + std::to_string(entry.seq) +
                             " was changed after it was written (its hash "
                             "does not match its content)";
            return false;
          }
          prev_hash = entry.hash;
          ++expected_seq;
          return true;
        });
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace smartercities::auth
