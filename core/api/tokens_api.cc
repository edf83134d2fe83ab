// API tokens for automated reporting, for administrators: GET/POST
// /api/v1/tokens, DELETE /api/v1/tokens/{tokenId} (revoke).
#include <charconv>

#include "core/api/account_json.h"
#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/api/request_body.h"

namespace smartercities::api {

using nlohmann::json;

Status RegisterTokenRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.tag = "tokens";
  options.permission = "admin";
  options.body_limit_bytes = 0;
  options.summary = "List the API tokens (never their text)";
  Status status = context.router->Add(PagedRoute(
      "/api/v1/tokens", options, [ctx](http::Request&, const Page& page) {
        auto tokens = ctx->tokens->List();
        if (!tokens.ok()) return ProblemFor(tokens.status());
        json items = json::array();
        for (const auto& token : *tokens) items.push_back(TokenJson(token));
        return Collection(items, page);
      }));
  if (!status.ok()) return status;

  options.body_limit_bytes = 4096;
  options.summary =
      "Create an API token for a role and scope (its text is shown once)";
  options.doc.request_schema = ComponentSchemaRef("TokenInput");
  status = context.router->Add(
      {"POST", "/api/v1/tokens", "core",
       [ctx](http::Request& request) {
         auto body = ReadObject(request, {"name", "role", "scope"});
         if (!body.ok()) return ProblemFor(body.status());
         const json& fields = *body;
         std::string values[3];
         const char* keys[3] = {"name", "role", "scope"};
         for (int i = 0; i < 3; ++i) {
           auto value = OptionalString(fields, keys[i]);
           if (!value.ok()) return ProblemFor(value.status());
           values[i] = value->value_or("");
         }
         auto created = ctx->tokens->Create(values[0], values[1], values[2],
                                            request.CallerName("unknown"));
         if (!created.ok()) return ProblemFor(created.status());
         json out = TokenJson(created->first);
         out["token"] = created->second;
         http::Response response = Json(201, out);
         response.SetHeader("Cache-Control", "no-store");
         return response;
       },
       options});
  if (!status.ok()) return status;

  options.body_limit_bytes = 0;
  options.summary = "Revoke an API token";
  options.doc.request_schema.clear();
  return context.router->Add(
      {"DELETE", "/api/v1/tokens/{tokenId}", "core",
       [ctx](http::Request& request) {
         std::string_view text = request.Param("tokenId");
         std::int64_t id = 0;
         auto [end, error] =
             std::from_chars(text.data(), text.data() + text.size(), id);
         if (error != std::errc() || end != text.data() + text.size()) {
           return ProblemFor(Status::NotFound("there is no token '" +
                                              std::string(text) + "'"));
         }
         auto revoked = ctx->tokens->Revoke(id);
         if (!revoked.ok()) return ProblemFor(revoked.status());
         http::Response response;
         response.status = 204;
         return response;
       },
       options});
}

}  // namespace smartercities::api
