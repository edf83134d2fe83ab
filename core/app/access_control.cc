#include "core/app/access_control.h"

#include <smartercities/text.h>
#include <spdlog/spdlog.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <variant>

#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/api/request_body.h"
#include "core/auth/audit.h"
#include "core/auth/passwords.h"
#include "core/web/form.h"

namespace smartercities::app {
namespace {

bool IsUnsafe(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

http::Response Refuse(const http::Request& request, int status,
                      const std::string& title, const std::string& detail,
                      const std::string& who) {
  api::LogSecurityEvent("refused " + request.method + " " + request.path +
                        " to " + (who.empty() ? "the public" : who) + " with " +
                        std::to_string(status) + ": " + detail +
                        " (request id " + request.request_id + ")");
  http::Response response = http::Response::Problem(status, title, detail);
  if (status == 401) response.SetHeader("WWW-Authenticate", "Bearer");
  return response;
}

// The value of cookie name in a Cookie header, or "".
std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    std::size_t end = header.find(';');
    std::string_view part = header.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    std::size_t equals = part.find('=');
    if (equals != std::string_view::npos && part.substr(0, equals) == name) {
      return std::string(part.substr(equals + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return "";
}

// The media type of a Content-Type value, lower case, without parameters.
std::string MediaType(std::string_view value) {
  std::string out;
  for (char c : value.substr(0, value.find(';'))) {
    if (c == ' ' || c == '\t') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool IsJsonType(const std::string& type) {
  return type == "application/json" ||
         (type.starts_with("application/") && type.ends_with("+json"));
}

}  // namespace

std::optional<std::string> Refusal(const auth::Principal* principal,
                                   const std::string& permission,
                                   const std::optional<std::string>& theme,
                                   const std::optional<std::string>& city,
                                   bool changes_stored_object) {
  if (permission == "public") return std::nullopt;
  if (permission != "authenticated" && permission != "admin" &&
      permission != "theme-editor" && permission != "city-editor") {
    return "this endpoint declares no permission anyone can hold";
  }
  if (principal == nullptr) return "log in first";
  const std::string& role = principal->role;
  if (role == auth::kAdmin || permission == "authenticated") {
    return std::nullopt;
  }
  if (permission == "admin") return "this endpoint is for administrators";
  if (role == auth::kThemeEditor) {
    if (theme && *theme == principal->scope) return std::nullopt;
    return "your account edits theme " + principal->scope +
           (theme ? ", not " + *theme : std::string());
  }
  if (role == auth::kCityEditor && permission == "city-editor") {
    if (city) {
      if (*city == principal->scope) return std::nullopt;
      return "your account reports for city " + principal->scope + ", not " +
             *city;
    }
    // A change to a stored record by its id: the handler checks the city
    // the record has.
    if (changes_stored_object) return std::nullopt;
    return "your account reports for city " + principal->scope +
           "; name it (\"city\": \"" + principal->scope + "\")";
  }
  return "your role (" + role + ") may not do this";
}

std::optional<std::string> JsonBodyProblem(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) {
        return "the JSON body nests deeper than " +
               std::to_string(kMaxJsonDepth) + " levels";
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  // The parser's own message names its internals ("syntax error while
  // parsing object key - invalid literal; last read: ..."): the caller is
  // told where the JSON breaks, in its own lines and columns.
  try {
    [[maybe_unused]] nlohmann::json parsed = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    std::size_t end = std::min<std::size_t>(e.byte, body.size());
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i + 1 < end; ++i) {
      if (body[i] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(body[i]) & 0xC0) != 0x80) {
        ++column;
      }
    }
    std::string where = end >= body.size()
                            ? "ends before it is complete"
                            : "is not valid at line " + std::to_string(line) +
                                  ", column " + std::to_string(column);
    std::string message = "the body is not valid JSON: it ";
    message += where;
    return message;
  } catch (const nlohmann::json::exception&) {
    // 1e999: a number beyond what a double holds.
    return std::string(
        "the body is not valid JSON: a number in it is too large");
  }
  return std::nullopt;
}

namespace {

std::optional<std::string> FindControlCharacter(const nlohmann::json& value,
                                                const std::string& where) {
  sdk::TextRules rules;
  rules.max_characters = std::numeric_limits<std::size_t>::max();
  rules.multiline = true;
  auto name = [](const std::string& path) {
    return path.empty() ? std::string("the body") : path;
  };
  if (value.is_string()) {
    if (auto problem =
            sdk::TextProblem(value.get_ref<const std::string&>(), rules)) {
      return name(where) + ": " + *problem;
    }
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      std::string path = where.empty() ? key : where + "." + key;
      if (auto problem = sdk::TextProblem(key, rules)) {
        return "the field name \"" + sdk::Printable(path) + "\": " + *problem;
      }
      if (auto problem = FindControlCharacter(item, path)) return problem;
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (auto problem = FindControlCharacter(
              value[i], where + "[" + std::to_string(i) + "]")) {
        return problem;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> JsonTextProblem(const nlohmann::json& body) {
  return FindControlCharacter(body, "");
}

std::optional<std::string> ParameterTextProblem(const http::Request& request) {
  sdk::TextRules rules;
  rules.max_characters = std::numeric_limits<std::size_t>::max();
  for (const auto& [name, value] : request.path_params) {
    if (auto problem = sdk::TextProblem(value, rules)) {
      return "path parameter " + name + " (\"" + sdk::Printable(value) +
             "\"): " + *problem;
    }
  }
  for (const auto& [name, value] : request.query) {
    if (auto problem = sdk::TextProblem(name, rules)) {
      return "a query parameter's name (\"" + sdk::Printable(name) +
             "\"): " + *problem;
    }
    if (auto problem = sdk::TextProblem(value, rules)) {
      return "query parameter " + name + " (\"" + sdk::Printable(value) +
             "\"): " + *problem;
    }
  }
  return std::nullopt;
}

AccessControl::AccessControl(storage::Database& database,
                             domain::Catalog& catalog, auth::Accounts& accounts,
                             auth::TokenService& tokens, bool tls,
                             std::vector<std::string> allowed_origins)
    : database_(database),
      catalog_(catalog),
      accounts_(accounts),
      tokens_(tokens),
      tls_(tls),
      allowed_origins_(std::move(allowed_origins)) {}

std::string AccessControl::CookieName() const {
  return tls_ ? "__Host-sc_session" : "sc_session";
}

std::variant<std::optional<auth::Principal>, http::Response>
AccessControl::Authenticate(const http::Request& request,
                            const http::Route& route) {
  if (auto authorization = request.Header("authorization")) {
    auto token = auth::BearerToken(*authorization);
    std::optional<auth::Principal> principal;
    if (token) {
      auto found = tokens_.Authenticate(*token);
      if (!found.ok()) {
        return http::Response::Problem(
            503, "Service Unavailable",
            "the token could not be checked: " + found.status().message());
      }
      principal = *found;
    }
    if (!principal && route.options.permission != "public") {
      return Refuse(request, 401, "Unauthorized",
                    "the bearer token is not valid or was revoked; send "
                    "'Authorization: Bearer <token>' with a valid token",
                    "");
    }
    return principal;
  }
  if (auto cookie = request.Header("cookie")) {
    std::string session = CookieValue(*cookie, CookieName());
    if (!session.empty()) {
      auto found = accounts_.Resume(session);
      if (!found.ok()) {
        return http::Response::Problem(
            503, "Service Unavailable",
            "the session could not be checked: " + found.status().message());
      }
      if (!*found && route.options.permission != "public") {
        return Refuse(request, 401, "Unauthorized",
                      "the session has ended (30 minutes without use, 12 "
                      "hours after login, or logged out); log in again",
                      "");
      }
      return *found;
    }
  }
  return std::optional<auth::Principal>();
}

std::optional<std::string> AccessControl::ThemeOf(const http::Request& request,
                                                  const http::Route& route) {
  if (route.owner != "core") return route.owner;
  std::string_view theme = request.Param("theme");
  if (!theme.empty()) return std::string(theme);
  std::string_view indicator = request.Param("indicator");
  if (indicator.empty()) return std::nullopt;
  auto found = catalog_.GetIndicator(indicator);
  if (!found.ok() || !found->has_value()) return std::nullopt;
  return (*found)->theme_id;
}

std::optional<http::Response> AccessControl::CheckOrigin(
    const http::Request& request, bool require) {
  auto origin = request.Header("origin");
  if (!origin) {
    if (!require) return std::nullopt;
    return Refuse(request, 403, "Forbidden",
                  "a change made with a login session must carry the Origin "
                  "header of this site",
                  "");
  }
  // The configured origins, never the request's own Host header: a client
  // chooses that.
  std::string sent(*origin);
  for (char& c : sent) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string expected;
  for (const std::string& allowed : allowed_origins_) {
    if (sent == allowed) return std::nullopt;
    expected += (expected.empty() ? "" : " or ") + allowed;
  }
  return Refuse(request, 403, "Forbidden",
                "the request comes from another site (Origin " +
                    sdk::Printable(*origin, 100) + ", expected " + expected +
                    "; an operator sets the site's address with "
                    "--public-origin)",
                "");
}

http::Response AccessControl::Intercept(http::Request& request,
                                        const http::Route& route) {
  // The caller is established here and nowhere else; no header names it.
  request.principal.reset();
  std::erase_if(request.headers, [](const auto& header) {
    return header.first.starts_with("x-smartercities-");
  });
  auto authenticated = Authenticate(request, route);
  if (auto* refused = std::get_if<http::Response>(&authenticated)) {
    return std::move(*refused);
  }
  const std::optional<auth::Principal>& principal =
      std::get<std::optional<auth::Principal>>(authenticated);
  std::string who = principal ? principal->name : "";
  const std::string& permission = route.options.permission;
  bool unsafe = IsUnsafe(request.method);

  const auth::Principal* caller = principal ? &*principal : nullptr;
  std::optional<std::string> theme;
  if (permission == "theme-editor" || permission == "city-editor") {
    theme = ThemeOf(request, route);
  }
  // First what the role allows at all, before the body is read; the object
  // the request names (the city) is checked below.
  if (auto reason = Refusal(caller, permission, theme, std::nullopt, true)) {
    if (caller == nullptr && permission != "public" && !permission.empty()) {
      return Refuse(request, 401, "Unauthorized",
                    "this endpoint needs a login: send 'Authorization: "
                    "Bearer <token>' or log in with POST /api/v1/sessions",
                    who);
    }
    return Refuse(request, 403, "Forbidden", *reason, who);
  }

  // An HTML form's fields (the site's forms), read once for the CSRF token
  // and the city.
  std::optional<http::Pairs> form;
  std::string_view content_type = request.Header("content-type").value_or("");
  if (!request.body.empty() && web::IsFormType(content_type) &&
      route.options.body_type == web::kFormType) {
    form = web::ParseForm(request.body);
    if (!form) {
      return http::Response::Problem(
          400, "Bad Request", "the form's data has a malformed percent escape");
    }
  } else if (!request.body.empty() && web::IsMultipartType(content_type) &&
             route.options.body_type == web::kMultipartType) {
    // A form that uploads a file: its fields (the CSRF token among them).
    form = web::MultipartFields(request.body, content_type);
    if (!form) {
      return http::Response::Problem(
          400, "Bad Request",
          "the form's data is not well-formed multipart/form-data");
    }
  }

  if (unsafe) {
    // A browser sends cookies along with requests other sites start; only
    // this site's pages know the session's CSRF token.
    bool by_session = caller != nullptr && caller->by_session();
    if (auto refused = CheckOrigin(request, by_session)) return *refused;
    if (by_session) {
      std::optional<std::string> sent;
      if (auto header = request.Header("x-csrf-token")) sent = *header;
      // The site's HTML forms carry it in a hidden field.
      if (!sent && form) sent = web::FormField(*form, web::kCsrfField);
      if (!sent || !auth::SecretsEqual(*sent, caller->csrf_token)) {
        return Refuse(request, 403, "Forbidden",
                      "a change made with a login session needs the "
                      "X-CSRF-Token header with the token from the login "
                      "answer or GET /api/v1/me",
                      who);
      }
    }
  }

  // Text from outside follows one rule, whichever handler reads it.
  if (auto problem = ParameterTextProblem(request)) {
    return http::Response::Problem(400, "Bad Request", *problem);
  }

  // The body's type and form, before anything reads it.
  std::optional<nlohmann::json> body;
  if (!request.body.empty()) {
    std::string type = MediaType(request.Header("content-type").value_or(""));
    const std::string& wanted = route.options.body_type;
    bool json_route = wanted.empty() || wanted == "application/json";
    if (json_route ? !IsJsonType(type) : type != wanted) {
      return http::Response::Problem(
          415, "Unsupported Media Type",
          "send the body as " + (json_route ? "application/json" : wanted) +
              (type.empty() ? " (no Content-Type was sent)"
                            : " (got " + type.substr(0, 80) + ")"));
    }
    if (json_route) {
      if (auto problem = JsonBodyProblem(request.body)) {
        return http::Response::Problem(400, "Bad Request", *problem);
      }
      body = nlohmann::json::parse(request.body);
      if (auto problem = JsonTextProblem(*body)) {
        return http::Response::Problem(400, "Bad Request", *problem);
      }
    }
  }

  // The city the request names, in the path or the body.
  std::optional<std::string> city;
  std::string_view path_city = request.Param("city");
  if (!path_city.empty()) city = std::string(path_city);
  if (body && body->is_object() && body->contains("city") &&
      (*body)["city"].is_string()) {
    std::string body_city = (*body)["city"].get<std::string>();
    if (city && *city != body_city) {
      return http::Response::Problem(400, "Bad Request",
                                     "city: the body names " +
                                         body_city.substr(0, 20) +
                                         " but the path names " + *city);
    }
    city = body_city;
  }
  if (form) {
    if (auto form_city = web::FormField(*form, "city");
        form_city && !form_city->empty()) {
      city = *form_city;
    }
  }
  if (unsafe && permission == "city-editor") {
    bool changes_stored_object = request.method != "POST" &&
                                 route.pattern.find('{') != std::string::npos;
    if (auto reason =
            Refusal(caller, permission, theme, city, changes_stored_object)) {
      return Refuse(request, 403, "Forbidden", *reason, who);
    }
  }

  // What the route's declared request schema says of the body, every
  // breach at once, once the caller may make the request at all.
  if (body) {
    if (auto problem = api::RequestBodyProblem(route, *body)) {
      return std::move(*problem);
    }
  }

  auth::Actor actor{"anonymous", "public", request.request_id};
  if (principal) {
    request.principal = principal;
    actor = {principal->name, principal->role, request.request_id};
  }
  auth::AuditRecorder recorder(actor);
  storage::ScopedWriteObserver observe(&recorder);
  return route.handler(request);
}

}  // namespace smartercities::app
