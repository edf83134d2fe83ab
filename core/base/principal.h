// principal.h — who is calling: the caller the authorization point
// establishes for a request (core/app/access_control.h) and hands to the
// handler on http::Request, and to a plugin as sc_request's caller fields.
// Plain data; thread-safe to read.
#ifndef SMARTERCITIES_CORE_BASE_PRINCIPAL_H_
#define SMARTERCITIES_CORE_BASE_PRINCIPAL_H_

#include <cstdint>
#include <string>

namespace smartercities {

struct Principal {
  std::string name;             // "user:anna" or "token:helmond-export"
  std::string role;             // "admin", "theme-editor" or "city-editor"
  std::string scope;            // theme id or CBS code; empty for admins
  std::int64_t user_id = 0;     // for sessions
  std::int64_t token_id = 0;    // for API tokens
  std::int64_t session_id = 0;  // for sessions
  std::string csrf_token;       // for sessions
  bool by_session() const { return session_id != 0; }
};

}  // namespace smartercities

#endif  // SMARTERCITIES_CORE_BASE_PRINCIPAL_H_
