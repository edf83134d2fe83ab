#include "core/auth/accounts.h"

#include <smartercities/text.h>
#include <sodium.h>

#include <algorithm>
#include <regex>

#include "core/base/time_format.h"

namespace smartercities::auth {
namespace {

constexpr const char* kLoginRefused =
    "the name or password is wrong, or the account is disabled";

std::string RandomToken() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof(bytes));
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  char encoded[sodium_base64_ENCODED_LEN(sizeof(bytes), kVariant)];
  sodium_bin2base64(encoded, sizeof(encoded), bytes, sizeof(bytes), kVariant);
  return encoded;
}

std::string HashSessionToken(std::string_view token) {
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof(digest),
                     reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof(digest) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return hex;
}

std::int64_t Seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(
             time.time_since_epoch())
      .count();
}

User UserOf(const storage::Row& row) {
  User user;
  user.id = row.Integer("id");
  user.username = row.Text("username");
  user.display_name = row.Text("display_name");
  user.role = row.Text("role");
  user.scope = row.Text("scope");
  user.disabled = row.Integer("disabled") != 0;
  user.created_at = row.Text("created_at");
  user.password_changed_at = row.Text("password_changed_at");
  return user;
}

constexpr const char* kUserColumns =
    "id, username, display_name, role, scope, disabled, created_at, "
    "password_changed_at";

Status CheckUsername(const std::string& username) {
  static const std::regex kName(R"([a-z0-9][a-z0-9._-]{1,63})");
  if (!std::regex_match(username, kName)) {
    return Status::InvalidArgument(
        "username: 2 to 64 characters: lower-case letters, digits, '.', '_' "
        "and '-', starting with a letter or digit; got \"" +
        sdk::Printable(username) + "\"");
  }
  return Status::Ok();
}

// A display name is one line of at most 200 characters.
Status CheckDisplayName(const std::string& name) {
  if (auto problem = sdk::TextProblem(name, {.max_characters = 200})) {
    return Status::InvalidArgument("displayName: " + *problem);
  }
  return Status::Ok();
}

storage::Value ScopeValue(const std::string& scope) {
  return scope.empty() ? storage::Value(nullptr) : storage::Value(scope);
}

}  // namespace

Status CheckRoleScope(storage::Connection& db, const std::string& role,
                      const std::string& scope) {
  if (role == kAdmin) {
    if (!scope.empty()) {
      return Status::InvalidArgument(
          "scope: an administrator has no scope; leave it out");
    }
    return Status::Ok();
  }
  const char* table = nullptr;
  const char* column = nullptr;
  const char* what = nullptr;
  if (role == kThemeEditor) {
    table = "themes";
    column = "id";
    what = "a theme id (GET /api/v1/themes)";
  } else if (role == kCityEditor) {
    table = "cities";
    column = "cbs_code";
    what = "a city's CBS code (GET /api/v1/cities)";
  } else {
    return Status::InvalidArgument(
        "role: must be admin, theme-editor or city-editor; got \"" +
        role.substr(0, 40) + "\"");
  }
  if (scope.empty()) {
    return Status::InvalidArgument("scope: a " + role + " needs " + what);
  }
  auto found = db.Query(
      std::string("SELECT 1 FROM ") + table + " WHERE " + column + " = ?1",
      std::vector<storage::Value>{scope});
  if (!found.ok()) return found.status();
  if (found->empty()) {
    return Status::InvalidArgument("scope: \"" + scope.substr(0, 80) +
                                   "\" is not " + what);
  }
  return Status::Ok();
}

Accounts::Accounts(storage::Database& database, PasswordHasher& hasher,
                   Clock clock, SessionLimits limits)
    : database_(database),
      hasher_(hasher),
      clock_(std::move(clock)),
      limits_(limits) {}

std::chrono::system_clock::time_point Accounts::Now() const {
  return clock_ ? clock_() : std::chrono::system_clock::now();
}

Result<std::optional<std::string>> Accounts::EnsureFirstAdministrator(
    const std::string& password) {
  bool exists = false;
  Status status = database_.Read([&](storage::Connection& db) {
    auto rows =
        db.Query("SELECT COUNT(*) AS n FROM users WHERE role = 'admin'", {});
    if (!rows.ok()) return rows.status();
    exists = rows->front().Integer("n") > 0;
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (exists) return std::optional<std::string>();
  auto added = Add({"admin", "Beheerder", kAdmin, "", password});
  if (!added.ok()) {
    return added.status().WithContext("creating the first administrator");
  }
  return std::optional<std::string>(added->second);
}

Result<std::pair<User, std::string>> Accounts::Add(const NewUser& user) {
  Status status = CheckUsername(user.username);
  if (!status.ok()) return status;
  std::string password =
      user.password.empty() ? GeneratePassword() : user.password;
  if (auto problem = PasswordProblem(password, user.username)) {
    return Status::InvalidArgument("password: " + *problem);
  }
  status = CheckDisplayName(user.display_name);
  if (!status.ok()) return status;
  auto hash = hasher_.Hash(password);
  if (!hash.ok()) return hash.status();
  User created;
  status = database_.Write([&](storage::Connection& db) -> Status {
    Status checked = CheckRoleScope(db, user.role, user.scope);
    if (!checked.ok()) return checked;
    auto taken = db.Query("SELECT 1 FROM users WHERE username = ?1",
                          std::vector<storage::Value>{user.username});
    if (!taken.ok()) return taken.status();
    if (!taken->empty()) {
      return Status::AlreadyExists("username: \"" + user.username +
                                   "\" is taken");
    }
    std::string now = NowUtc();
    auto rows = db.Query(
        std::string("INSERT INTO users (username, display_name, role, scope, "
                    "password_hash, created_at, password_changed_at) VALUES "
                    "(?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING ") +
            kUserColumns,
        std::vector<storage::Value>{user.username, user.display_name, user.role,
                                    ScopeValue(user.scope), *hash, now});
    if (!rows.ok()) return rows.status();
    created = UserOf(rows->front());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return std::make_pair(created, password);
}

Result<std::vector<User>> Accounts::List() {
  std::vector<User> users;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute(
        std::string("SELECT ") + kUserColumns + " FROM users ORDER BY username",
        {}, [&](const storage::Row& row) {
          users.push_back(UserOf(row));
          return true;
        });
  });
  if (!status.ok()) return status;
  return users;
}

Result<User> Accounts::Find(std::int64_t id) {
  std::optional<User> user;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute(
        std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?1",
        std::vector<storage::Value>{id}, [&](const storage::Row& row) {
          user = UserOf(row);
          return false;
        });
  });
  if (!status.ok()) return status;
  if (!user) {
    return Status::NotFound("there is no account " + std::to_string(id));
  }
  return *user;
}

Result<User> Accounts::FindByName(const std::string& username) {
  std::optional<User> user;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute(std::string("SELECT ") + kUserColumns +
                          " FROM users WHERE username = ?1",
                      std::vector<storage::Value>{username},
                      [&](const storage::Row& row) {
                        user = UserOf(row);
                        return false;
                      });
  });
  if (!status.ok()) return status;
  if (!user) {
    return Status::NotFound("there is no account \"" + username.substr(0, 80) +
                            "\"");
  }
  return *user;
}

Result<User> Accounts::SetDisabled(std::int64_t id, bool disabled) {
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    Status updated =
        db.Execute("UPDATE users SET disabled = ?2 WHERE id = ?1",
                   std::vector<storage::Value>{
                       id, static_cast<std::int64_t>(disabled ? 1 : 0)});
    if (!updated.ok()) return updated;
    if (db.Changes() == 0) {
      return Status::NotFound("there is no account " + std::to_string(id));
    }
    if (!disabled) return Status::Ok();
    return db.Execute("DELETE FROM sessions WHERE user_id = ?1",
                      std::vector<storage::Value>{id});
  });
  if (!status.ok()) return status;
  return Find(id);
}

Result<User> Accounts::SetRole(std::int64_t id, const std::string& role,
                               const std::string& scope) {
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    Status checked = CheckRoleScope(db, role, scope);
    if (!checked.ok()) return checked;
    Status updated =
        db.Execute("UPDATE users SET role = ?2, scope = ?3 WHERE id = ?1",
                   std::vector<storage::Value>{id, role, ScopeValue(scope)});
    if (!updated.ok()) return updated;
    if (db.Changes() == 0) {
      return Status::NotFound("there is no account " + std::to_string(id));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return Find(id);
}

Result<User> Accounts::SetDisplayName(std::int64_t id,
                                      const std::string& name) {
  Status checked = CheckDisplayName(name);
  if (!checked.ok()) return checked;
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    Status updated =
        db.Execute("UPDATE users SET display_name = ?2 WHERE id = ?1",
                   std::vector<storage::Value>{id, name});
    if (!updated.ok()) return updated;
    if (db.Changes() == 0) {
      return Status::NotFound("there is no account " + std::to_string(id));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return Find(id);
}

Result<User> Accounts::Update(std::int64_t id, const UserChange& change) {
  if (change.display_name) {
    Status checked = CheckDisplayName(*change.display_name);
    if (!checked.ok()) return checked;
  }
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    std::optional<User> before;
    Status read = db.Execute(
        std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?1",
        std::vector<storage::Value>{id}, [&](const storage::Row& row) {
          before = UserOf(row);
          return false;
        });
    if (!read.ok()) return read;
    if (!before) {
      return Status::NotFound("there is no account " + std::to_string(id));
    }
    std::string role = change.role.value_or(before->role);
    std::string scope =
        change.scope ? *change.scope
                     : (role != before->role ? std::string() : before->scope);
    bool disabled = change.disabled.value_or(before->disabled);
    if (change.role || change.scope) {
      Status checked = CheckRoleScope(db, role, scope);
      if (!checked.ok()) return checked;
    }
    bool was_enabled_admin = before->role == kAdmin && !before->disabled;
    bool stays_enabled_admin = role == kAdmin && !disabled;
    if (was_enabled_admin && !stays_enabled_admin) {
      auto others = db.Query(
          "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND "
          "disabled = 0 AND id <> ?1",
          std::vector<storage::Value>{id});
      if (!others.ok()) return others.status();
      if (others->front().Integer("n") == 0) {
        return Status::FailedPrecondition(
            "this is the last enabled administrator; make another "
            "administrator first");
      }
    }
    Status updated = db.Execute(
        "UPDATE users SET display_name = ?2, role = ?3, scope = ?4, "
        "disabled = ?5 WHERE id = ?1",
        std::vector<storage::Value>{
            id, change.display_name.value_or(before->display_name), role,
            ScopeValue(scope), static_cast<std::int64_t>(disabled ? 1 : 0)});
    if (!updated.ok() || !disabled || before->disabled) return updated;
    return db.Execute("DELETE FROM sessions WHERE user_id = ?1",
                      std::vector<storage::Value>{id});
  });
  if (!status.ok()) return status;
  return Find(id);
}

Status Accounts::SetPassword(std::int64_t id, const std::string& password,
                             bool end_sessions, std::int64_t except_session) {
  auto user = Find(id);
  if (!user.ok()) return user.status();
  if (auto problem = PasswordProblem(password, user->username)) {
    return Status::InvalidArgument("password: " + *problem);
  }
  auto hash = hasher_.Hash(password);
  if (!hash.ok()) return hash.status();
  return database_.Write([&](storage::Connection& db) -> Status {
    Status updated = db.Execute(
        "UPDATE users SET password_hash = ?2, password_changed_at = ?3 "
        "WHERE id = ?1",
        std::vector<storage::Value>{id, *hash, NowUtc()});
    if (!updated.ok() || !end_sessions) return updated;
    return db.Execute("DELETE FROM sessions WHERE user_id = ?1 AND id <> ?2",
                      std::vector<storage::Value>{id, except_session});
  });
}

Result<std::string> Accounts::ResetPassword(std::int64_t id) {
  std::string password = GeneratePassword();
  Status status = SetPassword(id, password, true);
  if (!status.ok()) return status;
  return password;
}

bool Accounts::Throttled(const std::string& key,
                         std::chrono::seconds* retry_after) {
  std::lock_guard lock(failures_mutex_);
  auto found = failures_.find(key);
  if (found == failures_.end()) return false;
  auto now = Now();
  auto& times = found->second;
  while (!times.empty() && times.front() <= now - std::chrono::hours(1)) {
    times.pop_front();
  }
  if (times.empty()) {
    failures_.erase(found);
    return false;
  }
  if (static_cast<int>(times.size()) < limits_.max_failures_per_hour) {
    return false;
  }
  if (retry_after != nullptr) {
    *retry_after = std::max(std::chrono::seconds(1),
                            std::chrono::ceil<std::chrono::seconds>(
                                times.front() + std::chrono::hours(1) - now));
  }
  return true;
}

void Accounts::RecordFailure(const std::string& key) {
  std::lock_guard lock(failures_mutex_);
  // Bounded: beyond this many names, the oldest entries go first.
  constexpr std::size_t kMaxNames = 100000;
  if (failures_.size() >= kMaxNames && !failures_.contains(key)) {
    failures_.erase(failures_.begin());
  }
  auto& times = failures_[key];
  times.push_back(Now());
  while (static_cast<int>(times.size()) > limits_.max_failures_per_hour) {
    times.pop_front();
  }
}

Result<LoginResult> Accounts::Login(const std::string& username,
                                    const std::string& password,
                                    std::chrono::seconds* retry_after) {
  std::string key = username.substr(0, 64);
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  std::chrono::seconds wait{0};
  if (Throttled(key, &wait)) {
    if (retry_after != nullptr) *retry_after = wait;
    return Status::ResourceExhausted(
        "too many failed logins for this account in the last hour; try "
        "again in " +
        std::to_string(wait.count()) + " seconds");
  }
  std::optional<User> user;
  std::string hash;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute(std::string("SELECT ") + kUserColumns +
                          ", password_hash FROM users WHERE username = ?1",
                      std::vector<storage::Value>{key},
                      [&](const storage::Row& row) {
                        user = UserOf(row);
                        hash = row.Text("password_hash");
                        return false;
                      });
  });
  if (!status.ok()) return status;
  if (password.size() > 1024) {
    RecordFailure(key);
    return Status::Unauthenticated(kLoginRefused);
  }
  Result<bool> matches =
      user ? hasher_.Verify(hash, password) : hasher_.VerifyDummy(password);
  if (!matches.ok()) return matches.status();
  if (!*matches || !user || user->disabled) {
    RecordFailure(key);
    return Status::Unauthenticated(kLoginRefused);
  }
  std::optional<std::string> rehashed;
  if (hasher_.NeedsRehash(hash)) {
    auto fresh = hasher_.Hash(password);
    if (fresh.ok()) rehashed = *fresh;
  }
  LoginResult result;
  result.session_token = RandomToken();
  result.csrf_token = RandomToken();
  result.user = *user;
  auto now = Now();
  result.expires_at = now + limits_.absolute;
  status = database_.Write([&](storage::Connection& db) -> Status {
    if (rehashed) {
      Status updated =
          db.Execute("UPDATE users SET password_hash = ?2 WHERE id = ?1",
                     std::vector<storage::Value>{user->id, *rehashed});
      if (!updated.ok()) return updated;
    }
    // Sessions that ended without a logout are removed on the way.
    Status pruned = db.Execute(
        "DELETE FROM sessions WHERE created_at <= ?1 OR last_seen_at <= ?2",
        std::vector<storage::Value>{Seconds(now - limits_.absolute),
                                    Seconds(now - limits_.idle)});
    if (!pruned.ok()) return pruned;
    return db.Execute(
        "INSERT INTO sessions (token_hash, csrf_token, user_id, created_at, "
        "last_seen_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        std::vector<storage::Value>{HashSessionToken(result.session_token),
                                    result.csrf_token, user->id, Seconds(now)});
  });
  if (!status.ok()) return status;
  return result;
}

Result<std::optional<Principal>> Accounts::Resume(
    const std::string& session_token) {
  std::optional<Principal> principal;
  if (session_token.empty() || session_token.size() > 200) return principal;
  std::string token_hash = HashSessionToken(session_token);
  std::int64_t created = 0;
  std::int64_t last_seen = 0;
  bool disabled = false;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT s.id AS session_id, s.csrf_token, s.created_at, "
        "s.last_seen_at, u.id AS user_id, u.username, u.role, u.scope, "
        "u.disabled FROM sessions s JOIN users u ON u.id = s.user_id WHERE "
        "s.token_hash = ?1",
        std::vector<storage::Value>{token_hash}, [&](const storage::Row& row) {
          Principal found;
          found.name = "user:" + row.Text("username");
          found.role = row.Text("role");
          found.scope = row.Text("scope");
          found.user_id = row.Integer("user_id");
          found.session_id = row.Integer("session_id");
          found.csrf_token = row.Text("csrf_token");
          created = row.Integer("created_at");
          last_seen = row.Integer("last_seen_at");
          disabled = row.Integer("disabled") != 0;
          principal = found;
          return false;
        });
  });
  if (!status.ok()) return status;
  if (!principal) return principal;
  std::int64_t now = Seconds(Now());
  bool expired = disabled || now - created >= limits_.absolute.count() ||
                 now - last_seen >= limits_.idle.count();
  std::int64_t session_id = principal->session_id;
  if (expired) {
    principal.reset();
    status = database_.Write([&](storage::Connection& db) {
      return db.Execute("DELETE FROM sessions WHERE id = ?1",
                        std::vector<storage::Value>{session_id});
    });
    if (!status.ok()) return status;
    return principal;
  }
  // Writing the time of use at most once a minute keeps reads cheap.
  if (now - last_seen >= 60) {
    status = database_.Write([&](storage::Connection& db) {
      return db.Execute("UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1",
                        std::vector<storage::Value>{session_id, now});
    });
    if (!status.ok()) return status;
  }
  return principal;
}

Status Accounts::Logout(std::int64_t session_id) {
  return database_.Write([&](storage::Connection& db) {
    return db.Execute("DELETE FROM sessions WHERE id = ?1",
                      std::vector<storage::Value>{session_id});
  });
}

Result<bool> Accounts::CheckPassword(std::int64_t id,
                                     const std::string& password) {
  std::string hash;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute("SELECT password_hash FROM users WHERE id = ?1",
                      std::vector<storage::Value>{id},
                      [&](const storage::Row& row) {
                        hash = row.Text("password_hash");
                        return false;
                      });
  });
  if (!status.ok()) return status;
  if (hash.empty()) return false;
  return hasher_.Verify(hash, password);
}

}  // namespace smartercities::auth
