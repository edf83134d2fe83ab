#include "core/auth/accounts.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <smartercities/text.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
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

std::string ClientKey(std::string_view address) {
  std::string text(address);
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) return text;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text.substr(0, 64);
  char out[INET6_ADDRSTRLEN] = {};
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    ::inet_ntop(AF_INET, &v6.s6_addr[12], out, sizeof(out));
    return out;
  }
  std::fill(std::begin(v6.s6_addr) + 8, std::end(v6.s6_addr), 0);
  ::inet_ntop(AF_INET6, &v6, out, sizeof(out));
  return std::string(out) + "/64";
}

namespace {

// How long a failed login counts, at the longest.
constexpr std::chrono::hours kFailureMemory{1};

nlohmann::json NoticeJson(const LoginNotice& notice) {
  return {{"failures", notice.failures},
          {"firstFailedAt", notice.first_failed_at},
          {"lastFailedAt", notice.last_failed_at},
          {"lastClient", notice.last_client},
          {"blockedAt", notice.blocked_at},
          {"refused", notice.refused}};
}

std::optional<LoginNotice> NoticeOf(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  LoginNotice notice;
  notice.failures = json.value("failures", std::int64_t{0});
  notice.first_failed_at = json.value("firstFailedAt", "");
  notice.last_failed_at = json.value("lastFailedAt", "");
  notice.last_client = json.value("lastClient", "");
  notice.blocked_at = json.value("blockedAt", "");
  notice.refused = json.value("refused", std::int64_t{0});
  return notice;
}

std::string Utc(std::int64_t seconds) {
  return FormatUtc(
      std::chrono::system_clock::time_point(std::chrono::seconds(seconds)));
}

}  // namespace

std::optional<Status> Accounts::Blocked(const std::string& account,
                                        const std::string& client,
                                        std::chrono::seconds* retry_after) {
  std::int64_t now = Seconds(Now());
  std::int64_t client_count = 0;
  std::int64_t client_oldest = 0;
  std::int64_t account_count = 0;
  std::int64_t account_oldest = 0;
  std::int64_t client_since = now - limits_.client_window.count();
  std::int64_t account_since =
      now -
      std::chrono::duration_cast<std::chrono::seconds>(kFailureMemory).count();
  Status status = database_.Read([&](storage::Connection& db) -> Status {
    if (limits_.max_failures_per_client > 0 && !client.empty()) {
      // The oldest of the newest N: when it leaves the window, one more try
      // is allowed.
      Status counted = db.Execute(
          "SELECT COUNT(*) AS n, MIN(failed_at) AS oldest FROM (SELECT "
          "failed_at FROM login_failures WHERE client = ?1 AND failed_at > ?2 "
          "ORDER BY failed_at DESC LIMIT ?3) AS newest",
          std::vector<storage::Value>{
              client, client_since,
              static_cast<std::int64_t>(limits_.max_failures_per_client)},
          [&](const storage::Row& row) {
            client_count = row.Integer("n");
            client_oldest = row.Integer("oldest");
            return false;
          });
      if (!counted.ok()) return counted;
    }
    return db.Execute(
        "SELECT COUNT(*) AS n, MIN(failed_at) AS oldest FROM (SELECT "
        "failed_at FROM login_failures WHERE account = ?1 AND failed_at > ?2 "
        "AND refused = 0 ORDER BY failed_at DESC LIMIT ?3) AS newest",
        std::vector<storage::Value>{
            account, account_since,
            static_cast<std::int64_t>(limits_.max_failures_per_hour)},
        [&](const storage::Row& row) {
          account_count = row.Integer("n");
          account_oldest = row.Integer("oldest");
          return false;
        });
  });
  if (!status.ok()) return status;
  auto wait = [&](std::int64_t until) {
    std::chrono::seconds seconds(std::max<std::int64_t>(1, until - now));
    if (retry_after != nullptr) *retry_after = seconds;
    return std::to_string(seconds.count());
  };
  if (limits_.max_failures_per_client > 0 && !client.empty() &&
      client_count >= limits_.max_failures_per_client) {
    return Status::ResourceExhausted(
        "too many failed logins from your address in the last " +
        std::to_string(limits_.client_window.count() / 60) +
        " minutes; try again in " +
        wait(client_oldest + limits_.client_window.count()) + " seconds");
  }
  if (account_count >= limits_.max_failures_per_hour) {
    return Status::ResourceExhausted(
        "too many failed logins for this account in the last hour; try "
        "again in " +
        wait(account_oldest +
             std::chrono::duration_cast<std::chrono::seconds>(kFailureMemory)
                 .count()) +
        " seconds, or ask an administrator to unlock it");
  }
  return std::nullopt;
}

void Accounts::RecordFailure(const std::string& account,
                             const std::string& client, bool refused) {
  std::int64_t now = Seconds(Now());
  std::int64_t forget_before =
      now -
      std::chrono::duration_cast<std::chrono::seconds>(kFailureMemory).count();
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    Status pruned =
        db.Execute("DELETE FROM login_failures WHERE failed_at <= ?1",
                   std::vector<storage::Value>{forget_before});
    if (!pruned.ok()) return pruned;
    Status inserted = db.Execute(
        "INSERT INTO login_failures (account, client, failed_at, refused) "
        "VALUES (?1, ?2, ?3, ?4)",
        std::vector<storage::Value>{account, client, now,
                                    std::int64_t{refused ? 1 : 0}});
    if (!inserted.ok()) return inserted;
    auto user = db.Query("SELECT id FROM users WHERE username = ?1",
                         std::vector<storage::Value>{account});
    if (!user.ok()) return user.status();
    if (user->empty()) return Status::Ok();
    std::int64_t user_id = user->front().Integer("id");
    // This failure blocks the account when it is the limit's last.
    std::optional<std::int64_t> blocked_at;
    if (!refused) {
      auto counted = db.Query(
          "SELECT COUNT(*) AS n FROM login_failures WHERE account = ?1 AND "
          "failed_at > ?2 AND refused = 0",
          std::vector<storage::Value>{account, forget_before});
      if (!counted.ok()) return counted.status();
      if (counted->front().Integer("n") == limits_.max_failures_per_hour) {
        blocked_at = now;
      }
    }
    return db.Execute(
        "INSERT INTO login_notices (user_id, failures, first_failed_at, "
        "last_failed_at, last_client, blocked_at, refused) VALUES (?1, ?2, "
        "?3, ?3, ?4, ?5, ?6) ON CONFLICT (user_id) DO UPDATE SET failures = "
        "login_notices.failures + ?2, last_failed_at = CASE WHEN ?6 = 0 THEN "
        "?3 ELSE login_notices.last_failed_at END, last_client = CASE WHEN "
        "?6 = 0 THEN ?4 ELSE login_notices.last_client END, blocked_at = "
        "COALESCE(?5, login_notices.blocked_at), refused = "
        "login_notices.refused + ?6",
        std::vector<storage::Value>{
            user_id, std::int64_t{refused ? 0 : 1}, now,
            client.empty() ? std::string("unknown") : client,
            blocked_at ? storage::Value(*blocked_at) : storage::Value(nullptr),
            std::int64_t{refused ? 1 : 0}});
  });
  if (!status.ok()) {
    spdlog::error("could not count a failed login: {}", status.message());
  }
}

Result<std::int64_t> Accounts::Unlock(const std::string& username) {
  auto user = FindByName(username);
  if (!user.ok()) return user.status();
  std::int64_t forgotten = 0;
  Status status = database_.Write([&](storage::Connection& db) -> Status {
    auto counted = db.Query(
        "SELECT COUNT(*) AS n FROM login_failures WHERE account = ?1 AND "
        "refused = 0",
        std::vector<storage::Value>{user->username});
    if (!counted.ok()) return counted.status();
    forgotten = counted->front().Integer("n");
    return db.Execute("DELETE FROM login_failures WHERE account = ?1",
                      std::vector<storage::Value>{user->username});
  });
  if (!status.ok()) return status;
  return forgotten;
}

Result<std::optional<LoginNotice>> Accounts::SessionNotice(
    std::int64_t session_id) {
  std::optional<LoginNotice> notice;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute("SELECT notice FROM sessions WHERE id = ?1",
                      std::vector<storage::Value>{session_id},
                      [&](const storage::Row& row) {
                        if (auto text = row.OptionalText("notice")) {
                          notice = NoticeOf(*text);
                        }
                        return false;
                      });
  });
  if (!status.ok()) return status;
  return notice;
}

Result<LoginResult> Accounts::Login(const std::string& username,
                                    const std::string& password,
                                    std::chrono::seconds* retry_after,
                                    const std::string& client_address) {
  std::string key = username.substr(0, 64);
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  std::string client =
      client_address.empty() ? std::string() : ClientKey(client_address);
  if (std::optional<Status> blocked = Blocked(key, client, retry_after)) {
    if (blocked->code() == StatusCode::kResourceExhausted) {
      RecordFailure(key, client, /*refused=*/true);
    }
    return *blocked;
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
    RecordFailure(key, client, /*refused=*/false);
    return Status::Unauthenticated(kLoginRefused);
  }
  Result<bool> matches =
      user ? hasher_.Verify(hash, password) : hasher_.VerifyDummy(password);
  if (!matches.ok()) return matches.status();
  if (!*matches || !user || user->disabled) {
    RecordFailure(key, client, /*refused=*/false);
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
    // What happened since the last login goes to this session, once.
    Status noticed = db.Execute(
        "DELETE FROM login_notices WHERE user_id = ?1 RETURNING *",
        std::vector<storage::Value>{user->id}, [&](const storage::Row& row) {
          LoginNotice notice;
          notice.failures = row.Integer("failures");
          notice.first_failed_at = Utc(row.Integer("first_failed_at"));
          notice.last_failed_at = Utc(row.Integer("last_failed_at"));
          notice.last_client = row.Text("last_client");
          if (!row.IsNull("blocked_at")) {
            notice.blocked_at = Utc(row.Integer("blocked_at"));
          }
          notice.refused = row.Integer("refused");
          result.notice = notice;
          return true;
        });
    if (!noticed.ok()) return noticed;
    return db.Execute(
        "INSERT INTO sessions (token_hash, csrf_token, user_id, created_at, "
        "last_seen_at, notice) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
        std::vector<storage::Value>{
            HashSessionToken(result.session_token), result.csrf_token, user->id,
            Seconds(now),
            result.notice ? storage::Value(NoticeJson(*result.notice).dump())
                          : storage::Value(nullptr)});
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
