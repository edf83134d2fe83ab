// principal.h — who is calling, as the authorization point and the handlers
// see it. Thread-safe (plain data).
#ifndef SMARTERCITIES_CORE_AUTH_PRINCIPAL_H_
#define SMARTERCITIES_CORE_AUTH_PRINCIPAL_H_

#include <cstdint>
#include <string>

namespace smartercities::auth {

// The roles, as stored and as the API spells them.
inline constexpr const char* kAdmin = "admin";
inline constexpr const char* kThemeEditor = "theme-editor";
inline constexpr const char* kCityEditor = "city-editor";

struct Principal {
  std::string name;           // "user:anna" or "token:helmond-export"
  std::string role;           // kAdmin, kThemeEditor or kCityEditor
  std::string scope;          // theme id or CBS code; empty for administrators
  std::int64_t user_id = 0;   // for sessions
  std::int64_t token_id = 0;  // for API tokens
  std::int64_t session_id = 0;  // for sessions
  std::string csrf_token;       // for sessions
  bool by_session() const { return session_id != 0; }
};

}  // namespace smartercities::auth

#endif  // SMARTERCITIES_CORE_AUTH_PRINCIPAL_H_
