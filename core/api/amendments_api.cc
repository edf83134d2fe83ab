// The amendment procedure (art. 5b, 9): /api/v1/amendments with one action
// resource per step (responses, consent, report, effect, withdrawal), and
// the versions of an agreement's text with the word diff between two of
// them. Who may take a step is decided by domain::Amendments, not by the
// route's permission: every step is open to every account at the door and
// refused inside with the reason.
#include <charconv>
#include <iterator>
#include <map>

#include "core/api/api_context.h"
#include "core/api/json_response.h"
#include "core/api/request_body.h"
#include "core/domain/amendments.h"
#include "core/domain/word_diff.h"

namespace smartercities::api {
namespace {

using nlohmann::json;

json OrNull(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

std::string AmendmentUrl(std::int64_t id) {
  std::string url = "/api/v1/amendments/";
  url += std::to_string(id);
  return url;
}

// The amendment as the public sees it: the parties that acted, not the
// accounts (those are in the audit trail, for administrators).
json AmendmentJson(const domain::Amendment& amendment) {
  bool for_agreement = amendment.target == "agreement";
  json out = {{"id", amendment.id},
              {"target", amendment.target},
              {"theme", OrNull(amendment.theme_id)},
              {"themeName", OrNull(amendment.theme_name)},
              {"agreement", OrNull(amendment.letter)},
              {"article", OrNull(amendment.article)},
              {"proposer", amendment.proposer},
              {"proposerName", amendment.proposer_name},
              {"text", amendment.text},
              {"reason", amendment.reason},
              {"baseText", amendment.base_text},
              {"diff", domain::WordDiff(amendment.base_text, amendment.text)},
              {"state", amendment.state},
              {"proposedAt", amendment.proposed_at},
              {"url", AmendmentUrl(amendment.id)}};
  out["baseVersion"] =
      amendment.base_version > 0 ? json(amendment.base_version) : json(nullptr);
  if (for_agreement) {
    std::string url = "/api/v1/themes/";
    url += amendment.theme_id;
    url += "/agreements/";
    url += amendment.letter;
    out["agreementUrl"] = url;
  } else {
    out["agreementUrl"] = nullptr;
  }
  json responses = json::array();
  for (const domain::AmendmentResponse& response : amendment.responses) {
    responses.push_back({{"party", response.party},
                         {"partyName", response.party_name},
                         {"position", response.position},
                         {"comment", response.comment},
                         {"respondedAt", response.responded_at}});
  }
  out["responses"] = responses;
  out["awaiting"] = amendment.awaiting;
  out["consent"] = amendment.consent_meeting_id == 0
                       ? json(nullptr)
                       : json{{"meeting", amendment.consent_meeting_id},
                              {"meetingDate", amendment.consent_meeting_date},
                              {"at", amendment.consented_at}};
  out["agreedAt"] = OrNull(amendment.agreed_at);
  out["report"] = amendment.reported_at.empty()
                      ? json(nullptr)
                      : json{{"at", amendment.reported_at},
                             {"by", amendment.reported_for},
                             {"note", amendment.report_note}};
  out["effect"] = amendment.effective_at.empty()
                      ? json(nullptr)
                      : json{{"at", amendment.effective_at},
                             {"version", amendment.effective_version > 0
                                             ? json(amendment.effective_version)
                                             : json(nullptr)}};
  out["closed"] = amendment.closed_at.empty()
                      ? json(nullptr)
                      : json{{"at", amendment.closed_at},
                             {"reason", amendment.closing_reason}};
  return out;
}

http::Response Answer(const Result<domain::Amendment>& result,
                      int status = 200) {
  if (!result.ok()) return ProblemFor(result.status());
  http::Response response = Json(status, AmendmentJson(*result));
  if (status == 201) response.SetHeader("Location", AmendmentUrl(result->id));
  return response;
}

// A version number from the query (nullopt when absent), or
// InvalidArgument naming the parameter.
Result<std::optional<int>> VersionParameter(const http::Request& request,
                                            const char* name) {
  auto text = request.Query(name);
  if (!text) return std::optional<int>();
  int version = 0;
  auto [end, error] =
      std::from_chars(text->data(), text->data() + text->size(), version);
  if (error != std::errc() || end != text->data() + text->size() ||
      version < 1) {
    std::string detail = "query parameter '";
    detail += name;
    detail += "' must be a version number (1, 2, ...), got '";
    detail += std::string(*text).substr(0, 40);
    detail += "'";
    return Status::InvalidArgument(std::move(detail));
  }
  return std::optional<int>(version);
}

}  // namespace

Status RegisterAmendmentRoutes(ApiContext& context) {
  ApiContext* ctx = &context;
  auto amendments = std::make_shared<domain::Amendments>(context.database);

  http::RouteOptions options;
  options.permission = "public";
  options.cacheable = true;
  options.tag = "amendments";
  options.body_limit_bytes = 0;
  options.summary =
      "The amendments of the covenant's agreements and articles (art. 9), "
      "newest first; ?theme= (or general) and ?state= narrow";
  options.query = {
      QueryParameter("theme",
                     "Only the amendments of this theme's agreements; "
                     "general: only those of the covenant's general part"),
      QueryParameter("state", "Only amendments in this state",
                     {{"type", "string"},
                      {"enum",
                       {"proposed", "agreed", "reported", "in-effect",
                        "rejected", "withdrawn"}}})};
  Status status = context.router->Add(
      PagedRoute("/api/v1/amendments", options,
                 [amendments](http::Request& request, const Page& page) {
                   std::string theme(request.Query("theme").value_or(""));
                   std::string state(request.Query("state").value_or(""));
                   auto found = amendments->List(theme, state);
                   if (!found.ok()) {
                     if (found.status().code() == StatusCode::kNotFound) {
                       // An unknown theme in the query is a bad parameter, not
                       // a missing resource.
                       return ProblemFor(
                           Status::InvalidArgument(found.status().message()));
                     }
                     return ProblemFor(found.status());
                   }
                   json items = json::array();
                   for (const auto& amendment : *found) {
                     items.push_back(AmendmentJson(amendment));
                   }
                   return Collection(items, page);
                 }));
  if (!status.ok()) return status;

  options.query.clear();
  options.summary =
      "One amendment: the text it starts from, the new text and the word "
      "diff between them, the parties' responses and each step taken";
  status =
      context.router->Add({"GET", "/api/v1/amendments/{amendmentId}", "core",
                           [amendments](http::Request& request) {
                             auto id =
                                 IdParam(request, "amendmentId", "amendment");
                             if (!id.ok()) return ProblemFor(id.status());
                             return Answer(amendments->Get(*id));
                           },
                           options});
  if (!status.ok()) return status;

  options.summary =
      "Every version of an agreement's text (from the manifests and from "
      "amendments) and the word diff between two of them (?from=&to=; "
      "default the last two)";
  options.query = {
      QueryParameter("from",
                     "The version the diff starts from; default the one "
                     "before to",
                     {{"type", "integer"}, {"minimum", 1}}),
      QueryParameter("to", "The version the diff ends at; default the latest",
                     {{"type", "integer"}, {"minimum", 1}})};
  status = context.router->Add(
      {"GET", "/api/v1/themes/{theme}/agreements/{letter}/versions", "core",
       [ctx](http::Request& request) {
         std::string theme_id(request.Param("theme"));
         std::string letter(request.Param("letter"));
         auto from = VersionParameter(request, "from");
         if (!from.ok()) return ProblemFor(from.status());
         auto to = VersionParameter(request, "to");
         if (!to.ok()) return ProblemFor(to.status());
         auto theme = ctx->catalog.GetTheme(theme_id);
         if (!theme.ok()) return ProblemFor(theme.status());
         if (!theme->has_value()) {
           return ProblemFor(
               Status::NotFound("there is no theme '" + theme_id.substr(0, 60) +
                                "'; GET /api/v1/themes lists them"));
         }
         auto history = ctx->catalog.AgreementHistory(theme_id + "/" + letter);
         if (!history.ok()) return ProblemFor(history.status());
         if (history->empty()) {
           return ProblemFor(Status::NotFound(
               "theme '" + theme_id + "' has no agreement '" +
               letter.substr(0, 20) + "'; GET /api/v1/themes/" + theme_id +
               "/agreements lists them"));
         }
         json items = json::array();
         std::map<int, const domain::AgreementVersion*> by_number;
         for (const auto& version : *history) {
           items.push_back({{"version", version.version},
                            {"text", version.text},
                            {"source", version.source},
                            {"recordedAt", version.recorded_at}});
           by_number[version.version] = &version;
         }
         std::optional<int> first = *from;
         std::optional<int> last = *to;
         if (!last) last = history->back().version;
         if (!first) {
           auto at = by_number.find(*last);
           if (at != by_number.end() && at != by_number.begin()) {
             first = std::prev(at)->first;
           }
         }
         for (auto [name, number] :
              {std::pair<const char*, std::optional<int>>{"from", first},
               std::pair<const char*, std::optional<int>>{"to", last}}) {
           if (number && !by_number.contains(*number)) {
             std::string detail = "query parameter '";
             detail += name;
             detail += "': agreement ";
             detail += theme_id;
             detail += "/";
             detail += letter;
             detail += " has no version ";
             detail += std::to_string(*number);
             detail += "; its versions run from 1 to ";
             detail += std::to_string(history->back().version);
             return ProblemFor(Status::InvalidArgument(std::move(detail)));
           }
         }
         json diff = nullptr;
         if (first && last) {
           diff = {{"from", *first},
                   {"to", *last},
                   {"runs", domain::WordDiff(by_number[*first]->text,
                                             by_number[*last]->text)}};
         }
         return Json(
             200, {{"items", items}, {"total", items.size()}, {"diff", diff}});
       },
       options});
  if (!status.ok()) return status;

  // The steps: open to every account at the door; Amendments refuses
  // whoever the step is not given to, with the reason.
  options.permission = "authenticated";
  options.cacheable = false;
  options.body_limit_bytes = 128 * 1024;
  options.summary =
      "Any party proposes an amendment of an agreement or an article, with "
      "the new text and a reason (art. 9a): a city editor for their city, an "
      "administrator for one of the four parties";
  options.doc.request_schema = ComponentSchemaRef("AmendmentInput");
  status = context.router->Add(
      {"POST", "/api/v1/amendments", "core",
       [amendments](http::Request& request) {
         auto fields = StringFields(
             request, {"theme", "agreement", "article", "currentText",
                       "proposer", "text", "reason"});
         if (!fields.ok()) return ProblemFor(fields.status());
         auto& values = *fields;
         domain::AmendmentProposal proposal;
         proposal.theme_id = values["theme"];
         proposal.letter = values["agreement"];
         proposal.article = values["article"];
         proposal.current_text = values["currentText"];
         proposal.proposer = values["proposer"];
         proposal.text = values["text"];
         proposal.reason = values["reason"];
         return Answer(amendments->Propose(*request.principal, proposal), 201);
       },
       options});
  if (!status.ok()) return status;

  options.body_limit_bytes = 16 * 1024;
  options.summary =
      "An involved party agrees to or objects to the amendment, once (art. "
      "9c; for the general part EZ, art. 9b): a city editor for their city, "
      "an administrator naming the party";
  options.doc.request_schema = ComponentSchemaRef("AmendmentResponseInput");
  status = context.router->Add(
      {"POST", "/api/v1/amendments/{amendmentId}/responses", "core",
       [amendments](http::Request& request) {
         auto id = IdParam(request, "amendmentId", "amendment");
         if (!id.ok()) return ProblemFor(id.status());
         auto fields = StringFields(request, {"party", "position", "comment"});
         if (!fields.ok()) return ProblemFor(fields.status());
         auto& values = *fields;
         return Answer(
             amendments->Respond(*request.principal, *id, values["party"],
                                 values["position"], values["comment"]),
             201);
       },
       options});
  if (!status.ok()) return status;

  options.summary =
      "An administrator records the administrative meeting's consent to an "
      "amendment of the general part, after EZ agreed (art. 9b, 6b)";
  options.doc.request_schema = ComponentSchemaRef("AmendmentConsentInput");
  status = context.router->Add(
      {"POST", "/api/v1/amendments/{amendmentId}/consent", "core",
       [amendments](http::Request& request) {
         auto id = IdParam(request, "amendmentId", "amendment");
         if (!id.ok()) return ProblemFor(id.status());
         std::int64_t meeting = 0;
         if (!request.body.empty()) {
           auto body = ReadObject(request, {"meeting"});
           if (!body.ok()) return ProblemFor(body.status());
           const json& object = *body;
           if (object.contains("meeting")) {
             if (!object["meeting"].is_number_integer()) {
               return ProblemFor(Status::InvalidArgument(
                   "meeting: must be the meeting's id, a whole number"));
             }
             meeting = object["meeting"].get<std::int64_t>();
           }
         }
         return Answer(amendments->Consent(*request.principal, *id, meeting));
       },
       options});
  if (!status.ok()) return status;

  options.summary =
      "The leading city reports the involved parties' agreement to "
      "Stedenlink (art. 9d): a city editor of a leading city of the theme";
  options.doc.request_schema = ComponentSchemaRef("AmendmentReportInput");
  status = context.router->Add(
      {"POST", "/api/v1/amendments/{amendmentId}/report", "core",
       [amendments](http::Request& request) {
         auto id = IdParam(request, "amendmentId", "amendment");
         if (!id.ok()) return ProblemFor(id.status());
         auto fields = StringFields(request, {"note"});
         if (!fields.ok()) return ProblemFor(fields.status());
         auto& values = *fields;
         return Answer(
             amendments->Report(*request.principal, *id, values["note"]));
       },
       options});
  if (!status.ok()) return status;

  options.summary =
      "Stedenlink (an administrator) applies the amendment: an agreement "
      "gets the new text as its next version; the change is published "
      "(art. 9d, 9e)";
  options.doc.request_schema = ComponentSchemaRef("AmendmentEffectInput");
  status = context.router->Add(
      {"POST", "/api/v1/amendments/{amendmentId}/effect", "core",
       [amendments](http::Request& request) {
         auto id = IdParam(request, "amendmentId", "amendment");
         if (!id.ok()) return ProblemFor(id.status());
         if (!request.body.empty()) {
           auto body = ReadObject(request, {});
           if (!body.ok()) return ProblemFor(body.status());
         }
         return Answer(amendments->TakeEffect(*request.principal, *id));
       },
       options});
  if (!status.ok()) return status;

  options.summary =
      "The proposer withdraws the amendment before it takes effect, with an "
      "optional reason";
  options.doc.request_schema = ComponentSchemaRef("AmendmentWithdrawalInput");
  return context.router->Add(
      {"POST", "/api/v1/amendments/{amendmentId}/withdrawal", "core",
       [amendments](http::Request& request) {
         auto id = IdParam(request, "amendmentId", "amendment");
         if (!id.ok()) return ProblemFor(id.status());
         auto fields = StringFields(request, {"reason"});
         if (!fields.ok()) return ProblemFor(fields.status());
         auto& values = *fields;
         return Answer(
             amendments->Withdraw(*request.principal, *id, values["reason"]));
       },
       options});
}

}  // namespace smartercities::api
