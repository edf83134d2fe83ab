// accounts.h — user accounts, login sessions and login throttling.
//
// Accounts have a role (administrator, theme editor of one theme, city
// editor of one city) and a password hashed with argon2id. Login makes a
// session: a random token (only its hash is stored) and a CSRF token; a
// session ends after 30 minutes without use, 12 hours after login, at
// logout, or when its account is disabled or its password reset.
//
// Failed logins are counted in the database, so a restart does not reset
// them: after 100 failures of one account within an hour, logins of that
// account are refused with a time to wait (OWASP ASVS 2.2.1); after 20
// failures from one client (an IPv4 address, an IPv6 /64) within 15
// minutes, that client's logins are refused whatever account they name, so
// that one client alone cannot block an account. An administrator lifts an
// account's block with Unlock; the account's owner is told what happened at
// the next login that succeeds.
//
// Thread-safety: thread-safe; the clock is called from any thread.
#ifndef SMARTERCITIES_CORE_AUTH_ACCOUNTS_H_
#define SMARTERCITIES_CORE_AUTH_ACCOUNTS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/passwords.h"
#include "core/auth/principal.h"
#include "core/base/status.h"
#include "core/storage/database.h"

namespace smartercities::auth {

using Clock = std::function<std::chrono::system_clock::time_point()>;

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string role;
  std::string scope;  // theme id or CBS code; empty for administrators
  bool disabled = false;
  std::string created_at;
  std::string password_changed_at;
};

struct NewUser {
  std::string username;
  std::string display_name;
  std::string role;
  std::string scope;
  std::string password;  // empty: one is generated and returned
};

// The changes of one PATCH of an account; what is absent stays.
struct UserChange {
  std::optional<std::string> display_name;
  std::optional<std::string> role;
  // Absent with a new role: the new role's scope is empty.
  std::optional<std::string> scope;
  std::optional<bool> disabled;
};

struct SessionLimits {
  std::chrono::seconds idle{30 * 60};
  std::chrono::seconds absolute{12 * 60 * 60};
  // Failed logins of one account within an hour after which its logins
  // are refused.
  int max_failures_per_hour = 100;
  // Failed logins from one client within client_window after which that
  // client's logins are refused; 0 for no such limit.
  int max_failures_per_client = 20;
  std::chrono::seconds client_window{15 * 60};
};

// What happened to an account's logins since its last successful one, told
// to its owner at the next: how many failed, the first and last (UTC) and
// from where the last came, and whether logins were blocked for it.
struct LoginNotice {
  std::int64_t failures = 0;
  std::string first_failed_at;
  std::string last_failed_at;
  std::string last_client;
  std::string blocked_at;    // the last time logins were blocked; or empty
  std::int64_t refused = 0;  // logins refused while they were blocked
};

struct LoginResult {
  std::string session_token;  // shown once, in the cookie
  std::string csrf_token;
  User user;
  std::chrono::system_clock::time_point expires_at;
  // Set when logins of the account failed since its last login.
  std::optional<LoginNotice> notice;
};

// The key failed logins of a client are counted under: an IPv4 address as
// it is, an IPv6 address by its /64 ("2001:db8:1:2::/64"), since one
// subscriber usually holds a whole /64.
std::string ClientKey(std::string_view address);

// Checks that role and scope go together and that the scope exists (a
// theme of the platform, a city of the covenant). Used for accounts and
// API tokens alike.
Status CheckRoleScope(storage::Connection& db, const std::string& role,
                      const std::string& scope);

class Accounts {
 public:
  Accounts(storage::Database& database, PasswordHasher& hasher,
           Clock clock = nullptr, SessionLimits limits = {});

  // When no administrator account exists, creates "admin" with password
  // (or a generated one when empty) and returns the password; nullopt when
  // there is an administrator already. Fails when the name "admin" is taken
  // by another role.
  Result<std::optional<std::string>> EnsureFirstAdministrator(
      const std::string& password);

  // Returns the account and its password (the one given or a generated
  // one, to show once).
  Result<std::pair<User, std::string>> Add(const NewUser& user);
  Result<std::vector<User>> List();
  Result<User> Find(std::int64_t id);
  Result<User> FindByName(const std::string& username);
  // Disabling ends the account's sessions.
  Result<User> SetDisabled(std::int64_t id, bool disabled);
  Result<User> SetRole(std::int64_t id, const std::string& role,
                       const std::string& scope);
  Result<User> SetDisplayName(std::int64_t id, const std::string& name);
  // Applies every change of change in one transaction, or none of them:
  // kInvalidArgument for a display name, role or scope that is not
  // acceptable (checked first), kFailedPrecondition when the change would
  // leave no enabled administrator, kNotFound for an unknown id. Disabling
  // ends the account's sessions.
  Result<User> Update(std::int64_t id, const UserChange& change);
  // Sets a new password (checked against the rules); with end_sessions
  // every session of the account but except_session ends.
  Status SetPassword(std::int64_t id, const std::string& password,
                     bool end_sessions, std::int64_t except_session = 0);
  // Generates a new password, ends all sessions, returns the password.
  Result<std::string> ResetPassword(std::int64_t id);

  // kUnauthenticated for a wrong name or password or a disabled account
  // (the same message for all), kResourceExhausted when the account or the
  // client is blocked (the message says which and how long to wait;
  // retry_after is set), kUnavailable when the server is too busy hashing.
  // client is the caller's address; an empty one (the command line, tests)
  // is not limited per client.
  Result<LoginResult> Login(const std::string& username,
                            const std::string& password,
                            std::chrono::seconds* retry_after = nullptr,
                            const std::string& client = "");
  // Lets an account log in again at once: forgets its failed logins (the
  // notice for its owner stays). Returns how many were forgotten; kNotFound
  // for an unknown account.
  Result<std::int64_t> Unlock(const std::string& username);
  // The notice the login of a session brought, for as long as the session
  // lasts; nullopt when there was none.
  Result<std::optional<LoginNotice>> SessionNotice(std::int64_t session_id);
  // The caller behind a session token, or nullopt when it is unknown or
  // expired (an expired one is removed).
  Result<std::optional<Principal>> Resume(const std::string& session_token);
  Status Logout(std::int64_t session_id);
  // Verifies the current password of an account (for a password change).
  Result<bool> CheckPassword(std::int64_t id, const std::string& password);

  std::chrono::system_clock::time_point Now() const;
  const SessionLimits& limits() const { return limits_; }

 private:
  // A refusal when the client or the account is blocked now.
  std::optional<Status> Blocked(const std::string& account,
                                const std::string& client,
                                std::chrono::seconds* retry_after);
  // Counts a failed login (refused: one refused while blocked) and tells the
  // account's owner, when there is an account of that name.
  void RecordFailure(const std::string& account, const std::string& client,
                     bool refused);

  storage::Database& database_;
  PasswordHasher& hasher_;
  Clock clock_;
  SessionLimits limits_;
};

}  // namespace smartercities::auth

#endif  // SMARTERCITIES_CORE_AUTH_ACCOUNTS_H_
