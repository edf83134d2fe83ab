// Participation and the join procedure (art. 1, 8): GET /api/v1/parties,
// GET /api/v1/themes/{theme}/participants, and the join requests under
// /api/v1/themes/{theme}/join-requests with one action resource per step
// (consultation, responses, decision). Who may take a step is decided by
// domain::JoinRequests, not by the route's permission: every step is open to
// every account at the door and refused inside with the reason.
#include <map>

#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/api/request_body.h"
#include "core/domain/join_requests.h"
#include "core/domain/participation.h"
#include "core/domain/parties.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

json OrNull(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

std::string RequestUrl(const std::string& theme_id, std::int64_t id) {
  std::string url = "/api/v1/themes/";
  url += theme_id;
  url += "/join-requests/";
  url += std::to_string(id);
  return url;
}

json ParticipantJson(const domain::Participant& participant) {
  json out = {{"theme", participant.theme_id}, {"kind", participant.kind},
              {"id", participant.id},          {"name", participant.name},
              {"role", participant.role},      {"since", participant.since},
              {"source", participant.source}};
  out["joinRequest"] =
      participant.join_request_id
          ? json(RequestUrl(participant.theme_id, *participant.join_request_id))
          : json(nullptr);
  return out;
}

json PartyJson(const domain::Party& party) {
  return {{"id", std::string(party.id)},
          {"shortName", std::string(party.short_name)},
          {"name",
           {{"nl", std::string(party.name_nl)},
            {"en", std::string(party.name_en)}}}};
}

// The request as the public sees it: the cities and parties that acted, not
// the accounts (those are in the audit trail, for administrators).
json RequestJson(const domain::JoinRequest& request) {
  json out = {{"id", request.id},
              {"theme", request.theme_id},
              {"themeName", request.theme_name},
              {"city", request.city},
              {"cityName", request.city_name},
              {"motivation", request.motivation},
              {"state", request.state},
              {"requestedAt", request.requested_at},
              {"url", RequestUrl(request.theme_id, request.id)}};
  out["consultation"] = request.consulted_at.empty()
                            ? json(nullptr)
                            : json{{"at", request.consulted_at},
                                   {"by", request.consulted_for},
                                   {"note", request.consultation_note}};
  json responses = json::array();
  for (const domain::JoinResponse& response : request.responses) {
    responses.push_back({{"city", response.city},
                         {"cityName", response.city_name},
                         {"position", response.position},
                         {"comment", response.comment},
                         {"respondedAt", response.responded_at}});
  }
  out["responses"] = responses;
  out["awaiting"] = request.awaiting;
  out["decision"] = request.decided_at.empty()
                        ? json(nullptr)
                        : json{{"outcome", request.state},
                               {"at", request.decided_at},
                               {"by", request.decided_for},
                               {"reason", request.decision_reason}};
  out["joinedOn"] = OrNull(request.joined_on);
  return out;
}

http::Response Answer(const Result<domain::JoinRequest>& result,
                      int status = 200) {
  if (!result.ok()) return ProblemFor(result.status());
  http::Response response = Json(status, RequestJson(*result));
  if (status == 201) {
    response.SetHeader("Location", RequestUrl(result->theme_id, result->id));
  }
  return response;
}

}  // namespace

Status RegisterParticipationRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  auto participation =
      std::make_shared<domain::Participation>(context.database);
  auto joins = std::make_shared<domain::JoinRequests>(context.database);

  http::RouteOptions options;
  options.permission = "public";
  options.cacheable = true;
  options.tag = "participation";
  options.body_limit_bytes = 0;
  options.summary =
      "The covenant's four parties: EZ, G32, G4 and Stedenlink (preamble)";
  Status status = context.router->Add(PagedRoute(
      "/api/v1/parties", options, [](http::Request&, const Page& page) {
        json items = json::array();
        for (const domain::Party& party : domain::CovenantParties()) {
          items.push_back(PartyJson(party));
        }
        return Collection(items, page);
      }));
  if (!status.ok()) return status;

  options.summary =
      "Who takes part in the theme: leading and involved cities and parties, "
      "each since a date (art. 1e-1g, 8)";
  status = context.router->Add(PagedRoute(
      "/api/v1/themes/{theme}/participants", options,
      [ctx, participation](http::Request& request, const Page& page) {
        auto theme = LoadTheme(*ctx, request.Param("theme"));
        if (!theme.ok()) return ProblemFor(theme.status());
        auto found = participation->OfTheme(request.Param("theme"));
        if (!found.ok()) return ProblemFor(found.status());
        json items = json::array();
        for (const auto& participant : *found) {
          items.push_back(ParticipantJson(participant));
        }
        return Collection(items, page);
      }));
  if (!status.ok()) return status;

  options.summary = "The theme's join requests (art. 8), newest first";
  status = context.router->Add(
      PagedRoute("/api/v1/themes/{theme}/join-requests", options,
                 [ctx, joins](http::Request& request, const Page& page) {
                   auto theme = LoadTheme(*ctx, request.Param("theme"));
                   if (!theme.ok()) return ProblemFor(theme.status());
                   auto found = joins->List(request.Param("theme"));
                   if (!found.ok()) return ProblemFor(found.status());
                   json items = json::array();
                   for (const auto& join : *found)
                     items.push_back(RequestJson(join));
                   return Collection(items, page);
                 }));
  if (!status.ok()) return status;

  options.summary =
      "One join request: its motivation, the consultation, the involved "
      "cities' responses and the leading city's decision";
  status = context.router->Add(
      {"GET", "/api/v1/themes/{theme}/join-requests/{requestId}", "core",
       [joins](http::Request& request) {
         auto id = IdParam(request, "requestId", "join request");
         if (!id.ok()) return ProblemFor(id.status());
         return Answer(joins->Get(request.Param("theme"), *id));
       },
       options});
  if (!status.ok()) return status;

  // The steps: open to every account at the door; JoinRequests refuses
  // whoever the step is not given to, with the reason.
  options.permission = "authenticated";
  options.cacheable = false;
  options.body_limit_bytes = 16 * 1024;
  options.summary =
      "A city asks to join the theme as involved city (art. 8); a city "
      "editor of that city";
  options.doc.request_schema = ComponentSchemaRef("JoinRequestInput");
  status = context.router->Add(
      {"POST", "/api/v1/themes/{theme}/join-requests", "core",
       [ctx, joins](http::Request& request) {
         auto theme = LoadTheme(*ctx, request.Param("theme"));
         if (!theme.ok()) return ProblemFor(theme.status());
         auto fields = StringFields(request, {"city", "motivation"});
         if (!fields.ok()) return ProblemFor(fields.status());
         auto& values = *fields;
         return Answer(joins->Ask(*request.principal, request.Param("theme"),
                                  values["city"], values["motivation"]),
                       201);
       },
       options});
  if (!status.ok()) return status;

  options.summary =
      "The leading city puts the request to the other involved cities "
      "(art. 8); a city editor of a leading city, or an administrator for "
      "Stedenlink";
  options.doc.request_schema = ComponentSchemaRef("JoinConsultationInput");
  status = context.router->Add(
      {"POST", "/api/v1/themes/{theme}/join-requests/{requestId}/consultation",
       "core",
       [joins](http::Request& request) {
         auto id = IdParam(request, "requestId", "join request");
         if (!id.ok()) return ProblemFor(id.status());
         auto fields = StringFields(request, {"note"});
         if (!fields.ok()) return ProblemFor(fields.status());
         auto& values = *fields;
         return Answer(joins->Consult(
             *request.principal, request.Param("theme"), *id, values["note"]));
       },
       options});
  if (!status.ok()) return status;

  options.summary =
      "An involved city responds to a request put to it: agree or object, "
      "with a comment; once per city";
  options.doc.request_schema = ComponentSchemaRef("JoinResponseInput");
  status = context.router->Add(
      {"POST", "/api/v1/themes/{theme}/join-requests/{requestId}/responses",
       "core",
       [joins](http::Request& request) {
         auto id = IdParam(request, "requestId", "join request");
         if (!id.ok()) return ProblemFor(id.status());
         auto fields = StringFields(request, {"position", "comment"});
         if (!fields.ok()) return ProblemFor(fields.status());
         auto& values = *fields;
         return Answer(
             joins->Respond(*request.principal, request.Param("theme"), *id,
                            values["position"], values["comment"]),
             201);
       },
       options});
  if (!status.ok()) return status;

  options.summary =
      "The leading city records the outcome, accepted or refused, with a "
      "reason; on acceptance the city takes part from that day and the join "
      "is published";
  options.doc.request_schema = ComponentSchemaRef("JoinDecisionInput");
  status = context.router->Add(
      {"POST", "/api/v1/themes/{theme}/join-requests/{requestId}/decision",
       "core",
       [joins](http::Request& request) {
         auto id = IdParam(request, "requestId", "join request");
         if (!id.ok()) return ProblemFor(id.status());
         auto fields = StringFields(request, {"outcome", "reason"});
         if (!fields.ok()) return ProblemFor(fields.status());
         auto& values = *fields;
         return Answer(joins->Decide(*request.principal, request.Param("theme"),
                                     *id, values["outcome"], values["reason"]));
       },
       options});
  return status;
}

Status RegisterPublicationRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  http::RouteOptions options;
  options.permission = "public";
  options.cacheable = true;
  options.tag = "publications";
  options.body_limit_bytes = 0;
  options.summary =
      "What the covenant's procedures made public (art. 8, 9e, 13), newest "
      "first";
  Status status = context.router->Add(PagedRoute(
      "/api/v1/publications", options, [ctx](http::Request&, const Page& page) {
        if (ctx->publications == nullptr) {
          return Collection(json::array(), page);
        }
        auto all = ctx->publications->All();
        if (!all.ok()) return ProblemFor(all.status());
        json items = json::array();
        for (const domain::Publication& entry : *all) {
          items.push_back(
              {{"id", entry.id},
               {"kind", entry.kind},
               {"theme", OrNull(entry.theme_id)},
               {"title", {{"nl", entry.title_nl}, {"en", entry.title_en}}},
               {"summary",
                {{"nl", entry.summary_nl}, {"en", entry.summary_en}}},
               {"published", entry.published},
               {"updated", entry.updated},
               {"url", entry.url}});
        }
        return Collection(items, page);
      }));
  if (!status.ok()) return status;

  options.summary =
      "The same publications as an Atom feed (RFC 4287), for feed readers";
  options.response_types = {"application/atom+xml"};
  return context.router->Add(
      {"GET", "/api/v1/publications.atom", "core",
       [ctx](http::Request&) {
         std::vector<domain::Publication> entries;
         if (ctx->publications != nullptr) {
           auto all = ctx->publications->All();
           if (!all.ok()) return ProblemFor(all.status());
           entries = std::move(all).value();
         }
         domain::FeedInfo info;
         info.id = "tag:stedenlink.nl,2013:publications";
         info.title = "Convenant Smarter Cities: toetredingen en wijzigingen";
         info.self_url = "/api/v1/publications.atom";
         info.alternate_url = "/api/v1/publications";
         // The covenant's own publication (art. 13) starts the record.
         info.empty_updated = "2013-03-07T00:00:00Z";
         http::Response response;
         response.status = 200;
         response.body = domain::AtomFeed(entries, info);
         response.SetHeader("Content-Type",
                            "application/atom+xml; charset=utf-8");
         return response;
       },
       options});
}

}  // namespace smartercities::api
