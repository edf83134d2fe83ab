// Accounts, for administrators: GET/POST /api/v1/users, GET/PATCH
// /api/v1/users/{userId}, POST /api/v1/users/{userId}/password-reset.
#include <charconv>

#include "core/api/account_json.h"
#include "core/api/api_context.h"
#include "core/api/json_response.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

std::variant<std::int64_t, http::Response> UserId(
    const http::Request& request) {
  std::string_view text = request.Param("userId");
  std::int64_t id = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 1) {
    return http::Response::Problem(
        404, "Not Found", "there is no account '" + std::string(text) + "'");
  }
  return id;
}

// Refuses to leave the platform without an enabled administrator.
Status KeepsAnAdministrator(ApiContext& context, const auth::User& before,
                            bool disabled, const std::string& role) {
  if (before.role != auth::kAdmin || before.disabled) return Status::Ok();
  if (!disabled && role == auth::kAdmin) return Status::Ok();
  auto users = context.accounts->List();
  if (!users.ok()) return users.status();
  int others = 0;
  for (const auth::User& user : *users) {
    if (user.id != before.id && user.role == auth::kAdmin && !user.disabled)
      ++others;
  }
  if (others > 0) return Status::Ok();
  return Status::FailedPrecondition(
      "this is the last enabled administrator; make another administrator "
      "first");
}

}  // namespace

Status RegisterUserRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.tag = "users";
  options.permission = "admin";
  options.body_limit_bytes = 0;
  options.summary = "List the accounts";
  Status status = context.router->Add(
      {"GET", "/api/v1/users", "core",
       [ctx](http::Request& request) {
         auto page = ParsePage(request);
         if (auto* problem = std::get_if<http::Response>(&page))
           return *problem;
         auto users = ctx->accounts->List();
         if (!users.ok()) return ProblemFor(users.status());
         json items = json::array();
         for (const auth::User& user : *users) items.push_back(UserJson(user));
         return Collection(items, std::get<Page>(page));
       },
       options});
  if (!status.ok()) return status;

  options.body_limit_bytes = 4096;
  options.summary =
      "Create an account (a password is generated and shown once when none "
      "is given)";
  status = context.router->Add(
      {"POST", "/api/v1/users", "core",
       [ctx](http::Request& request) {
         auto body = ReadObject(
             request, {"username", "displayName", "role", "scope", "password"});
         if (auto* problem = std::get_if<http::Response>(&body))
           return *problem;
         const json& fields = std::get<json>(body);
         auth::NewUser user;
         for (auto [key, target] :
              {std::pair{"username", &user.username},
               std::pair{"displayName", &user.display_name},
               std::pair{"role", &user.role}, std::pair{"scope", &user.scope},
               std::pair{"password", &user.password}}) {
           auto value = OptionalString(fields, key);
           if (auto* problem = std::get_if<http::Response>(&value))
             return *problem;
           *target = std::get<std::optional<std::string>>(value).value_or("");
         }
         auto added = ctx->accounts->Add(user);
         if (!added.ok()) return ProblemFor(added.status());
         json out = {{"user", UserJson(added->first)}};
         if (user.password.empty()) out["password"] = added->second;
         http::Response response = Json(201, out);
         response.SetHeader("Cache-Control", "no-store");
         return response;
       },
       options});
  if (!status.ok()) return status;

  options.body_limit_bytes = 0;
  options.summary = "One account";
  status = context.router->Add(
      {"GET", "/api/v1/users/{userId}", "core",
       [ctx](http::Request& request) {
         auto id = UserId(request);
         if (auto* problem = std::get_if<http::Response>(&id)) return *problem;
         auto user = ctx->accounts->Find(std::get<std::int64_t>(id));
         if (!user.ok()) return ProblemFor(user.status());
         return Json(200, UserJson(*user));
       },
       options});
  if (!status.ok()) return status;

  options.body_limit_bytes = 4096;
  options.summary =
      "Change an account's display name, role and scope, or disable it "
      "(which ends its sessions)";
  status = context.router->Add(
      {"PATCH", "/api/v1/users/{userId}", "core",
       [ctx](http::Request& request) {
         auto id = UserId(request);
         if (auto* problem = std::get_if<http::Response>(&id)) return *problem;
         auto body =
             ReadObject(request, {"displayName", "role", "scope", "disabled"});
         if (auto* problem = std::get_if<http::Response>(&body))
           return *problem;
         const json& fields = std::get<json>(body);
         auto before = ctx->accounts->Find(std::get<std::int64_t>(id));
         if (!before.ok()) return ProblemFor(before.status());
         auto display = OptionalString(fields, "displayName");
         auto role = OptionalString(fields, "role");
         auto scope = OptionalString(fields, "scope");
         for (auto* value : {&display, &role, &scope}) {
           if (auto* problem = std::get_if<http::Response>(value))
             return *problem;
         }
         std::optional<bool> disabled;
         if (fields.contains("disabled")) {
           if (!fields["disabled"].is_boolean()) {
             return http::Response::Problem(400, "Bad Request",
                                            "disabled: must be true or false");
           }
           disabled = fields["disabled"].get<bool>();
         }
         auto new_role = std::get<std::optional<std::string>>(role);
         auto new_scope = std::get<std::optional<std::string>>(scope);
         std::string final_role = new_role.value_or(before->role);
         Status keeps = KeepsAnAdministrator(
             *ctx, *before, disabled.value_or(before->disabled), final_role);
         if (!keeps.ok()) return ProblemFor(keeps);
         if (auto name = std::get<std::optional<std::string>>(display)) {
           auto changed = ctx->accounts->SetDisplayName(before->id, *name);
           if (!changed.ok()) return ProblemFor(changed.status());
         }
         if (new_role || new_scope) {
           std::string final_scope =
               new_scope
                   ? *new_scope
                   : (new_role && *new_role != before->role ? std::string()
                                                            : before->scope);
           auto changed =
               ctx->accounts->SetRole(before->id, final_role, final_scope);
           if (!changed.ok()) return ProblemFor(changed.status());
         }
         if (disabled) {
           auto changed = ctx->accounts->SetDisabled(before->id, *disabled);
           if (!changed.ok()) return ProblemFor(changed.status());
         }
         auto after = ctx->accounts->Find(before->id);
         if (!after.ok()) return ProblemFor(after.status());
         return Json(200, UserJson(*after));
       },
       options});
  if (!status.ok()) return status;

  options.body_limit_bytes = 0;
  options.summary =
      "Give an account a new generated password (shown once) and end its "
      "sessions";
  return context.router->Add(
      {"POST", "/api/v1/users/{userId}/password-reset", "core",
       [ctx](http::Request& request) {
         auto id = UserId(request);
         if (auto* problem = std::get_if<http::Response>(&id)) return *problem;
         auto password =
             ctx->accounts->ResetPassword(std::get<std::int64_t>(id));
         if (!password.ok()) return ProblemFor(password.status());
         http::Response response = Json(201, {{"password", *password}});
         response.SetHeader("Cache-Control", "no-store");
         return response;
       },
       options});
}

}  // namespace smartercities::api
