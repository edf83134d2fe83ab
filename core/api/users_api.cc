// Accounts, for administrators: GET/POST /api/v1/users, GET/PATCH
// /api/v1/users/{userId}, POST /api/v1/users/{userId}/password-reset.

#include "core/api/account_json.h"
#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/api/request_body.h"

namespace smartercities::api {
using nlohmann::json;

Status RegisterUserRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.tag = "users";
  options.permission = "admin";
  options.body_limit_bytes = 0;
  options.summary = "List the accounts";
  Status status = context.router->Add(PagedRoute(
      "/api/v1/users", options, [ctx](http::Request&, const Page& page) {
        auto users = ctx->accounts->List();
        if (!users.ok()) return ProblemFor(users.status());
        json items = json::array();
        for (const auth::User& user : *users) items.push_back(UserJson(user));
        return Collection(items, page);
      }));
  if (!status.ok()) return status;

  options.body_limit_bytes = 4096;
  options.summary =
      "Create an account (a password is generated and shown once when none "
      "is given)";
  options.doc.responses = {{"409", "An account with that username exists"}};
  options.doc.request_schema = ComponentSchemaRef("UserInput");
  status = context.router->Add(
      {"POST", "/api/v1/users", "core",
       [ctx](http::Request& request) {
         auto body = ReadObject(
             request, {"username", "displayName", "role", "scope", "password"});
         if (!body.ok()) return ProblemFor(body.status());
         const json& fields = *body;
         auth::NewUser user;
         for (auto [key, target] :
              {std::pair{"username", &user.username},
               std::pair{"displayName", &user.display_name},
               std::pair{"role", &user.role}, std::pair{"scope", &user.scope},
               std::pair{"password", &user.password}}) {
           auto value = OptionalString(fields, key);
           if (!value.ok()) return ProblemFor(value.status());
           *target = value->value_or("");
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
  options.doc = {};
  options.summary = "One account";
  options.doc.request_schema.clear();
  status = context.router->Add({"GET", "/api/v1/users/{userId}", "core",
                                [ctx](http::Request& request) {
                                  auto id =
                                      IdParam(request, "userId", "account");
                                  if (!id.ok()) return ProblemFor(id.status());
                                  auto user = ctx->accounts->Find(*id);
                                  if (!user.ok())
                                    return ProblemFor(user.status());
                                  return Json(200, UserJson(*user));
                                },
                                options});
  if (!status.ok()) return status;

  options.body_limit_bytes = 4096;
  options.doc.responses = {
      {"409",
       "The change would leave the platform without an enabled "
       "administrator"}};
  options.summary =
      "Change an account's display name, role and scope, or disable it "
      "(which ends its sessions)";
  options.doc.request_schema = ComponentSchemaRef("UserPatch");
  status = context.router->Add(
      {"PATCH", "/api/v1/users/{userId}", "core",
       [ctx](http::Request& request) {
         auto id = IdParam(request, "userId", "account");
         if (!id.ok()) return ProblemFor(id.status());
         auto body =
             ReadObject(request, {"displayName", "role", "scope", "disabled"});
         if (!body.ok()) return ProblemFor(body.status());
         const json& fields = *body;
         auth::UserChange change;
         for (auto [key, target] :
              {std::pair{"displayName", &change.display_name},
               std::pair{"role", &change.role},
               std::pair{"scope", &change.scope}}) {
           auto value = OptionalString(fields, key);
           if (!value.ok()) return ProblemFor(value.status());
           *target = *value;
         }
         if (fields.contains("disabled")) {
           if (!fields["disabled"].is_boolean()) {
             return ProblemFor(
                 Status::InvalidArgument("disabled: must be true or false"));
           }
           change.disabled = fields["disabled"].get<bool>();
         }
         auto after = ctx->accounts->Update(*id, change);
         if (!after.ok()) return ProblemFor(after.status());
         return Json(200, UserJson(*after));
       },
       options});
  if (!status.ok()) return status;

  options.doc = {};
  // The reset takes no fields, but clients that send every POST with a
  // JSON body send {}; a limit of 0 answered them 413 before the caller was
  // even authenticated.
  options.body_limit_bytes = 1024;
  options.summary =
      "Give an account a new generated password (shown once) and end its "
      "sessions";
  options.doc.request_schema = ComponentSchemaRef("EmptyInput");
  return context.router->Add(
      {"POST", "/api/v1/users/{userId}/password-reset", "core",
       [ctx](http::Request& request) {
         auto id = IdParam(request, "userId", "account");
         if (!id.ok()) return ProblemFor(id.status());
         if (!request.body.empty()) {
           auto body = ReadObject(request, {});
           if (!body.ok()) return ProblemFor(body.status());
         }
         auto password = ctx->accounts->ResetPassword(*id);
         if (!password.ok()) return ProblemFor(password.status());
         http::Response response = Json(201, {{"password", *password}});
         response.SetHeader("Cache-Control", "no-store");
         return response;
       },
       options});
}

}  // namespace smartercities::api
