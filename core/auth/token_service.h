// token_service.h — API tokens: the bootstrap administrator token created at
// first start, and checking a bearer token on a request.
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

#include "core/base/status.h"
#include "core/storage/database.h"

namespace smartercities::auth {

// Who is calling.
struct Principal {
  std::string name;  // e.g. "token:bootstrap-admin"
  std::string role;  // "admin"
  std::int64_t token_id = 0;
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

  // Creates a token for role and returns its text (shown once).
  Result<std::string> Create(std::string_view name, std::string_view role);

 private:
  storage::Database& database_;
};

// The token from an "Authorization: Bearer <token>" header value, or nullopt.
std::optional<std::string_view> BearerToken(std::string_view authorization);

}  // namespace smartercities::auth

#endif  // SMARTERCITIES_CORE_AUTH_TOKEN_SERVICE_H_
