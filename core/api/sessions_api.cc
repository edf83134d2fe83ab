// Login sessions and the caller's own account: POST /api/v1/sessions (log
// in), DELETE /api/v1/sessions/current (log out), GET /api/v1/me, PUT
// /api/v1/me/password.
#include <spdlog/spdlog.h>

#include <charconv>

#include "core/api/account_json.h"
#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/api/request_body.h"
#include "core/base/time_format.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

std::string SessionCookie(const ApiContext& context, const std::string& value,
                          std::chrono::seconds max_age) {
  return context.session_cookie + "=" + value +
         "; Path=/; Max-Age=" + std::to_string(max_age.count()) +
         "; HttpOnly; SameSite=Strict" + (context.tls ? "; Secure" : "");
}

// The caller's session id, set by the authorization point; 0 for a token.
std::int64_t SessionId(const http::Request& request) {
  return request.principal ? request.principal->session_id : 0;
}

// The account of a session caller ("user:<name>"), InvalidArgument for a
// caller without a login session, or why it cannot be read.
Result<auth::User> CurrentUser(ApiContext& context,
                               const http::Request& request) {
  std::string name = request.CallerName();
  if (!name.starts_with("user:") || SessionId(request) == 0) {
    return Status::InvalidArgument(
        "this needs a login session; an API token has no password or "
        "session");
  }
  auto user = context.accounts->FindByName(name.substr(5));
  if (!user.ok()) return user.status();
  return *user;
}

}  // namespace

Status RegisterSessionRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.tag = "sessions";
  options.permission = "public";
  options.body_limit_bytes = 4096;
  options.summary = "Log in with a username and password";
  options.doc.responses = {
      {"401", "The username or password is wrong, or the account is disabled"},
      {"429",
       "Too many failed logins: the account or the client is blocked for a "
       "while; try again after Retry-After"}};
  // Hashing a password burns CPU: it has a queue of its own (router.h).
  options.lane = http::Lane::kPasswords;
  options.doc.request_schema = ComponentSchemaRef("SessionInput");
  Status status = context.router->Add(
      {"POST", "/api/v1/sessions", "core",
       [ctx](http::Request& request) {
         auto body = ReadObject(request, {"username", "password"});
         if (!body.ok()) return ProblemFor(body.status());
         const json& fields = *body;
         if (!fields.contains("username") || !fields["username"].is_string() ||
             !fields.contains("password") || !fields["password"].is_string()) {
           return ProblemFor(Status::InvalidArgument(
               "username and password: both are required, as text"));
         }
         std::string username = fields["username"].get<std::string>();
         std::chrono::seconds retry_after{0};
         auto login = ctx->accounts->Login(
             username, fields["password"].get<std::string>(), &retry_after,
             request.remote_address);
         if (!login.ok()) {
           LogSecurityEvent("login failed for '" + username.substr(0, 64) +
                            "' from " + request.remote_address + ": " +
                            login.status().message() + " (request id " +
                            request.request_id + ")");
           http::Response problem = ProblemFor(login.status());
           if (login.status().code() == StatusCode::kResourceExhausted) {
             problem.SetHeader("Retry-After",
                               std::to_string(retry_after.count()));
           }
           if (login.status().code() == StatusCode::kUnavailable) {
             problem.SetHeader("Retry-After", "2");
           }
           return problem;
         }
         spdlog::info("login of '{}' (request id {})", login->user.username,
                      request.request_id);
         http::Response response = Json(
             201,
             {{"user", UserJson(login->user)},
              {"csrfToken", login->csrf_token},
              {"expiresAt", FormatUtc(login->expires_at)},
              {"idleTimeoutSeconds", ctx->accounts->limits().idle.count()}});
         if (login->notice) {
           json answer = json::parse(response.body);
           answer["loginNotice"] = LoginNoticeJson(*login->notice);
           response.body = answer.dump();
         }
         response.headers.emplace_back(
             "Set-Cookie", SessionCookie(*ctx, login->session_token,
                                         ctx->accounts->limits().absolute));
         response.SetHeader("Cache-Control", "no-store");
         return response;
       },
       options});
  if (!status.ok()) return status;

  options.doc = {};
  options.permission = "authenticated";
  options.body_limit_bytes = 0;
  options.summary = "Log out: end the current session";
  options.doc.request_schema.clear();
  status = context.router->Add(
      {"DELETE", "/api/v1/sessions/current", "core",
       [ctx](http::Request& request) {
         std::int64_t session = SessionId(request);
         if (session == 0) {
           return ProblemFor(Status::InvalidArgument(
               "this request has no login session to end (an API token is "
               "revoked with DELETE /api/v1/tokens/{tokenId})"));
         }
         Status ended = ctx->accounts->Logout(session);
         if (!ended.ok()) return ProblemFor(ended);
         http::Response response;
         response.status = 204;
         response.headers.emplace_back(
             "Set-Cookie", SessionCookie(*ctx, "", std::chrono::seconds(0)));
         return response;
       },
       options});
  if (!status.ok()) return status;

  options.summary = "Who you are: your account or token, role and scope";
  status = context.router->Add(
      {"GET", "/api/v1/me", "core",
       [ctx](http::Request& request) {
         json out = {
             {"name", request.CallerName()},
             {"role", std::string(request.CallerRole())},
             {"scope", NullIfEmpty(std::string(request.CallerScope()))}};
         std::int64_t session = SessionId(request);
         out["session"] = session != 0;
         if (session != 0) {
           auto user = CurrentUser(*ctx, request);
           if (!user.ok()) return ProblemFor(user.status());
           out["user"] = UserJson(*user);
           // The same token the login answer gave; pages that were reloaded
           // read it here.
           out["csrfToken"] = request.principal->csrf_token;
           auto notice = ctx->accounts->SessionNotice(session);
           if (notice.ok() && *notice) {
             out["loginNotice"] = LoginNoticeJson(**notice);
           }
         }
         http::Response response = Json(200, out);
         response.SetHeader("Cache-Control", "no-store");
         return response;
       },
       options});
  if (!status.ok()) return status;

  options.body_limit_bytes = 4096;
  options.lane = http::Lane::kPasswords;
  options.summary =
      "Change your password (other sessions end unless you say otherwise)";
  options.doc.request_schema = ComponentSchemaRef("PasswordChange");
  return context.router->Add(
      {"PUT", "/api/v1/me/password", "core",
       [ctx](http::Request& request) {
         auto user = CurrentUser(*ctx, request);
         if (!user.ok()) return ProblemFor(user.status());
         auto body = ReadObject(
             request, {"currentPassword", "newPassword", "endOtherSessions"});
         if (!body.ok()) return ProblemFor(body.status());
         const json& fields = *body;
         if (!fields.contains("currentPassword") ||
             !fields["currentPassword"].is_string() ||
             !fields.contains("newPassword") ||
             !fields["newPassword"].is_string()) {
           return ProblemFor(Status::InvalidArgument(
               "currentPassword and newPassword: both are required, as text"));
         }
         bool end_others = true;
         if (fields.contains("endOtherSessions")) {
           if (!fields["endOtherSessions"].is_boolean()) {
             return ProblemFor(Status::InvalidArgument(
                 "endOtherSessions: must be true or false"));
           }
           end_others = fields["endOtherSessions"].get<bool>();
         }
         const auth::User& account = *user;
         auto matches = ctx->accounts->CheckPassword(
             account.id, fields["currentPassword"].get<std::string>());
         if (!matches.ok()) return ProblemFor(matches.status());
         if (!*matches) {
           return ProblemFor(
               Status::PermissionDenied("currentPassword: is not right"));
         }
         Status changed = ctx->accounts->SetPassword(
             account.id, fields["newPassword"].get<std::string>(), end_others,
             SessionId(request));
         if (!changed.ok()) return ProblemFor(changed);
         http::Response response;
         response.status = 204;
         return response;
       },
       options});
}

}  // namespace smartercities::api
