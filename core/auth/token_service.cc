#include "core/auth/token_service.h"

#include <smartercities/text.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

#include "core/auth/accounts.h"
#include "core/base/time_format.h"

namespace smartercities::auth {
namespace {

std::string HashToken(std::string_view token) {
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof(digest),
                     reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof(digest) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return hex;
}

std::string NewTokenText() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof(bytes));
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  char encoded[sodium_base64_ENCODED_LEN(sizeof(bytes), kVariant)];
  sodium_bin2base64(encoded, sizeof(encoded), bytes, sizeof(bytes), kVariant);
  return std::string("sc_") + encoded;
}

Status WriteSecretFile(const std::filesystem::path& file,
                       const std::string& text) {
  std::filesystem::path temporary = file;
  temporary += ".tmp";
  mode_t old_mask = ::umask(077);
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text << '\n';
    out.close();
    if (!out) {
      ::umask(old_mask);
      return Status::Unavailable("cannot write '" + temporary.string() + "'");
    }
  }
  ::umask(old_mask);
  std::error_code ec;
  std::filesystem::permissions(
      temporary,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
      ec);
  if (!ec) std::filesystem::rename(temporary, file, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return Status::Unavailable("cannot write '" + file.string() +
                               "': " + ec.message());
  }
  return Status::Ok();
}

TokenInfo InfoOf(const storage::Row& row) {
  TokenInfo info;
  info.id = row.Integer("id");
  info.name = row.Text("name");
  info.role = row.Text("role");
  info.scope = row.Text("scope");
  info.created_at = row.Text("created_at");
  info.created_by = row.Text("created_by");
  info.revoked_at = row.Text("revoked_at");
  return info;
}

}  // namespace

TokenService::TokenService(storage::Database& database) : database_(database) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to start");
}

Result<bool> TokenService::EnsureBootstrapAdmin(
    const std::filesystem::path& token_file) {
  bool created = false;
  std::string token = NewTokenText();
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    auto existing = db.Query(
        "SELECT COUNT(*) AS n FROM api_tokens WHERE role = 'admin'", {});
    if (!existing.ok()) return existing.status();
    if (existing->front().Integer("n") > 0) return Status::Ok();
    Status inserted = db.Execute(
        "INSERT INTO api_tokens (name, role, token_hash, created_at, "
        "created_by) VALUES ('bootstrap-admin', 'admin', ?1, ?2, 'system')",
        std::vector<storage::Value>{HashToken(token), NowUtc()});
    if (!inserted.ok()) return inserted;
    // Writing the file inside the transaction means a failure to write it
    // rolls the token back, so no administrator token exists that nobody
    // can know.
    Status written = WriteSecretFile(token_file, token);
    if (!written.ok()) return written;
    created = true;
    return Status::Ok();
  });
  if (!status.ok())
    return status.WithContext("creating the administrator token");
  return created;
}

Result<std::optional<Principal>> TokenService::Authenticate(
    std::string_view token) {
  std::optional<Principal> principal;
  if (token.size() < 10 || token.size() > 200) return principal;
  std::string hash = HashToken(token);
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT id, name, role, scope FROM api_tokens WHERE token_hash = ?1 "
        "AND revoked_at IS NULL",
        std::vector<storage::Value>{hash}, [&](const storage::Row& row) {
          Principal found;
          found.name = "token:" + row.Text("name");
          found.role = row.Text("role");
          found.scope = row.Text("scope");
          found.token_id = row.Integer("id");
          principal = found;
          return false;
        });
  });
  if (!status.ok()) return status;
  return principal;
}

Result<std::pair<TokenInfo, std::string>> TokenService::Create(
    const std::string& name, const std::string& role, const std::string& scope,
    const std::string& created_by) {
  if (auto problem =
          sdk::TextProblem(name, {.min_characters = 1, .max_characters = 64})) {
    return Status::InvalidArgument("name: " + *problem);
  }
  std::string token = NewTokenText();
  TokenInfo info;
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    Status checked = CheckRoleScope(db, role, scope);
    if (!checked.ok()) return checked;
    auto rows = db.Query(
        "INSERT INTO api_tokens (name, role, scope, token_hash, created_at, "
        "created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING *",
        std::vector<storage::Value>{
            name, role,
            scope.empty() ? storage::Value(nullptr) : storage::Value(scope),
            HashToken(token), NowUtc(), created_by});
    if (!rows.ok()) return rows.status();
    info = InfoOf(rows->front());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return std::make_pair(info, token);
}

Result<std::vector<TokenInfo>> TokenService::List() {
  std::vector<TokenInfo> tokens;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute("SELECT * FROM api_tokens ORDER BY id", {},
                      [&](const storage::Row& row) {
                        tokens.push_back(InfoOf(row));
                        return true;
                      });
  });
  if (!status.ok()) return status;
  return tokens;
}

Result<TokenInfo> TokenService::Revoke(std::int64_t id) {
  std::optional<TokenInfo> info;
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    auto rows = db.Query(
        "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?2) WHERE "
        "id = ?1 RETURNING *",
        std::vector<storage::Value>{id, NowUtc()});
    if (!rows.ok()) return rows.status();
    if (!rows->empty()) info = InfoOf(rows->front());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (!info) return Status::NotFound("there is no token " + std::to_string(id));
  return *info;
}

std::optional<std::string_view> BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return std::nullopt;
    }
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace smartercities::auth
