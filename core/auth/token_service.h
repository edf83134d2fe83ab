// token_service.h — API tokens: the bootstrap administrator token created at
// first start, tokens for automated reporting (a role and a scope, like an
// account), and checking a bearer token on a request.
//
// Tokens are 32 random bytes, shown once as "sc_" + base64url; only their
// BLAKE2b-256 hash is stored, so a copy of the database does not reveal
// them. Thread-safe: holds only a reference to the Database.
#ifndef SMARTERCITIES_CORE_AUTH_TOKEN_SERVICE_H_
#define SMARTERCITIES_CORE_AUTH_TOKEN_SERVICE_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/auth/principal.h"
#include "core/base/status.h"
#include "core/storage/database.h"

namespace smartercities::auth {

// An API token as administrators see it (never its text).
struct TokenInfo {
  std::int64_t id = 0;
  std::string name;
  std::string role;
  std::string scope;
  std::string created_at;
  std::string created_by;
  std::string revoked_at;  // empty while valid
};

class TokenService {
 public:
  explicit TokenService(storage::Database& database);

  // When no administrator token exists yet, creates one and writes it to
  // token_file (mode 0600, replaced atomically) and returns true. Returns
  // false when one exists already. Fails naming the file when it cannot be
  // written; then no token is stored either.
  Result<bool> EnsureBootstrapAdmin(const std::filesystem::path& token_file);

  // The principal of a valid, unrevoked token, or nullopt.
  Result<std::optional<Principal>> Authenticate(std::string_view token);

  // Creates a token for role in scope (a theme id or CBS code; empty for
  // administrators) and returns it with its text (shown once).
  Result<std::pair<TokenInfo, std::string>> Create(
      const std::string& name, const std::string& role,
      const std::string& scope, const std::string& created_by);
  Result<std::vector<TokenInfo>> List();
  // Revokes a token; requests with it get 401 from then on.
  Result<TokenInfo> Revoke(std::int64_t id);

 private:
  storage::Database& database_;
};

// The token from an "Authorization: Bearer <token>" header value, or nullopt.
std::optional<std::string_view> BearerToken(std::string_view authorization);

}  // namespace smartercities::auth

#endif  // SMARTERCITIES_CORE_AUTH_TOKEN_SERVICE_H_
