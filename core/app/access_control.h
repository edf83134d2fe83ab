// access_control.h — the one authorization point every routed request
// passes, core and plugin routes alike, before its handler runs.
//
// It finds the caller (an API token in "Authorization: Bearer", or a login
// session cookie), refuses what the route's permission does not allow (deny
// by default: a route without a known permission is refused to everyone),
// checks the object a request names — the city in the path or body, the
// theme of the route — against the caller's scope, requires a CSRF token and
// a matching Origin on cookie-authenticated changes, checks that a body has
// the route's media type and is well-formed JSON, and then runs the handler
// with the caller in http::Request::principal and the audit trail recording
// every row the handler's writes change.
//
// Thread-safety: Intercept runs on many worker threads at once.
#ifndef SMARTERCITIES_CORE_APP_ACCESS_CONTROL_H_
#define SMARTERCITIES_CORE_APP_ACCESS_CONTROL_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/auth/accounts.h"
#include "core/auth/principal.h"
#include "core/auth/token_service.h"
#include "core/domain/catalog.h"
#include "core/http/message.h"
#include "core/http/router.h"
#include "core/storage/database.h"

namespace smartercities::app {

// Deepest JSON nesting accepted in a request body.
inline constexpr int kMaxJsonDepth = 32;

// Why principal may not use a route with permission on an object of theme
// and city (either may be unknown), or nullopt when it may. principal null
// is the public. changes_stored_object: the request changes a record named
// by its id, whose city only the handler knows.
std::optional<std::string> Refusal(const auth::Principal* principal,
                                   const std::string& permission,
                                   const std::optional<std::string>& theme,
                                   const std::optional<std::string>& city,
                                   bool changes_stored_object);

// The problem with a JSON body (naming where), or nullopt when it parses and
// nests at most kMaxJsonDepth deep.
std::optional<std::string> JsonBodyProblem(std::string_view body);

// The boundary's rule for text, for core and plugin routes alike: the
// problem with the first string of a JSON body (a value or a key) that holds
// a control character other than a line break or a tab, naming where it is
// ("items[2].name: holds the control character U+0000 at character 2; ..."),
// or nullopt. The JSON parser has already refused text that is not UTF-8.
std::optional<std::string> JsonTextProblem(const nlohmann::json& body);

// The problem with the first path or query parameter that is not one line
// of UTF-8 text without control characters, naming it, or nullopt.
std::optional<std::string> ParameterTextProblem(const http::Request& request);

class AccessControl {
 public:
  // allowed_origins: the Origin values a change made with a login session
  // may carry (lower case, scheme://host[:port]).
  AccessControl(storage::Database& database, domain::Catalog& catalog,
                auth::Accounts& accounts, auth::TokenService& tokens, bool tls,
                std::vector<std::string> allowed_origins);

  http::Response Intercept(http::Request& request, const http::Route& route);

  // The session cookie's name: "__Host-sc_session" under TLS.
  std::string CookieName() const;

 private:
  // The caller, nullopt for the public, or the response that refuses an
  // invalid credential.
  std::variant<std::optional<auth::Principal>, http::Response> Authenticate(
      const http::Request& request, const http::Route& route);
  std::optional<std::string> ThemeOf(const http::Request& request,
                                     const http::Route& route);
  std::optional<http::Response> CheckOrigin(const http::Request& request,
                                            bool require);

  storage::Database& database_;
  domain::Catalog& catalog_;
  auth::Accounts& accounts_;
  auth::TokenService& tokens_;
  bool tls_;
  std::vector<std::string> allowed_origins_;
};

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_ACCESS_CONTROL_H_
