// passwords.h — password hashing (argon2id through libsodium) and the rules
// a new password must meet.
//
// Hashes use crypto_pwhash_str with at least the INTERACTIVE limits; a hash
// made with lower limits than the current ones NeedsRehash, and the account
// code rehashes it at the next successful login. At most max_concurrent
// hashes are computed at once (each takes tens of MiB), so a flood of logins
// waits or is refused instead of exhausting memory.
//
// Thread-safety: PasswordHasher is thread-safe.
#ifndef SMARTERCITIES_CORE_AUTH_PASSWORDS_H_
#define SMARTERCITIES_CORE_AUTH_PASSWORDS_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace smartercities::auth {

struct PasswordCost {
  // 0 means libsodium's INTERACTIVE limit; lower values are raised to it.
  std::uint64_t ops_limit = 0;
  std::size_t mem_limit_bytes = 0;
};

class PasswordHasher {
 public:
  explicit PasswordHasher(
      PasswordCost cost = {}, int max_concurrent = 2,
      std::chrono::milliseconds max_wait = std::chrono::milliseconds(5000));

  // kUnavailable when no slot frees up within max_wait.
  Result<std::string> Hash(std::string_view password);
  // Whether password matches hash; kUnavailable as for Hash.
  Result<bool> Verify(std::string_view hash, std::string_view password);
  // Made with other limits than the current ones.
  bool NeedsRehash(std::string_view hash) const;

  // Verifies against a hash of a random password, so that a login for an
  // unknown account takes as long as one for a known account.
  Result<bool> VerifyDummy(std::string_view password);

 private:
  bool Acquire();
  void Release();

  std::uint64_t ops_limit_;
  std::size_t mem_limit_;
  int max_concurrent_;
  std::chrono::milliseconds max_wait_;
  std::mutex mutex_;
  std::condition_variable freed_;
  int running_ = 0;
  std::string dummy_hash_;
};

// Why password may not be used by username, or nullopt when it may: 12 to
// 128 characters, not a commonly used or breached password, not built from
// the account name, not one character or a run of characters repeated.
std::optional<std::string> PasswordProblem(std::string_view password,
                                           std::string_view username);

// A random password that meets the rules (20 characters).
std::string GeneratePassword();

// Compares two secrets in constant time.
bool SecretsEqual(std::string_view a, std::string_view b);

}  // namespace smartercities::auth

#endif  // SMARTERCITIES_CORE_AUTH_PASSWORDS_H_
