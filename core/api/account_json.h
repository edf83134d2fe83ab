// account_json.h — accounts and tokens as the API shows them (never a
// password or a token's hash). Stateless.
#ifndef SMARTERCITIES_CORE_API_ACCOUNT_JSON_H_
#define SMARTERCITIES_CORE_API_ACCOUNT_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "core/auth/accounts.h"
#include "core/auth/token_service.h"

namespace smartercities::api {

inline nlohmann::json NullIfEmpty(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

inline nlohmann::json UserJson(const auth::User& user) {
  return {{"id", user.id},
          {"username", user.username},
          {"displayName", user.display_name},
          {"role", user.role},
          {"scope", NullIfEmpty(user.scope)},
          {"disabled", user.disabled},
          {"createdAt", user.created_at},
          {"passwordChangedAt", user.password_changed_at}};
}

inline nlohmann::json TokenJson(const auth::TokenInfo& token) {
  return {{"id", token.id},
          {"name", token.name},
          {"role", token.role},
          {"scope", NullIfEmpty(token.scope)},
          {"createdAt", token.created_at},
          {"createdBy", token.created_by},
          {"revokedAt", NullIfEmpty(token.revoked_at)}};
}

// What happened to the account's logins since its last one, for its owner:
// {"failedLogins": 137, "firstFailedAt", "lastFailedAt", "lastFailedFrom",
//  "blockedAt" (null when logins were not blocked), "refusedWhileBlocked",
//  "message"}.
inline nlohmann::json LoginNoticeJson(const auth::LoginNotice& notice) {
  std::string message =
      std::to_string(notice.failures) +
      " failed logins to your account since your last login, the last at " +
      notice.last_failed_at + " from " + notice.last_client;
  if (!notice.blocked_at.empty()) {
    message += "; logins to your account were blocked from " +
               notice.blocked_at + " for an hour (" +
               std::to_string(notice.refused) +
               " refused). If that was not you, change your password and "
               "tell an administrator";
  }
  return {{"failedLogins", notice.failures},
          {"firstFailedAt", NullIfEmpty(notice.first_failed_at)},
          {"lastFailedAt", NullIfEmpty(notice.last_failed_at)},
          {"lastFailedFrom", notice.last_client},
          {"blockedAt", NullIfEmpty(notice.blocked_at)},
          {"refusedWhileBlocked", notice.refused},
          {"message", message}};
}

}  // namespace smartercities::api

#endif  // SMARTERCITIES_CORE_API_ACCOUNT_JSON_H_
