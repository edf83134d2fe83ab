#include "core/domain/amendments.h"

#include <smartercities/text.h>

#include <algorithm>
#include <regex>

#include "core/base/time_format.h"
#include "core/domain/participation.h"
#include "core/domain/parties.h"
#include "core/domain/procedure_steps.h"

namespace smartercities::domain {
namespace {

using storage::Connection;
using storage::Row;
using storage::Value;

constexpr const char* kProposed = "proposed";
constexpr const char* kAgreed = "agreed";
constexpr const char* kReported = "reported";
constexpr const char* kInEffect = "in-effect";
constexpr const char* kRejected = "rejected";
constexpr const char* kWithdrawn = "withdrawn";

constexpr std::size_t kMaxReasonCharacters = 4000;
constexpr std::size_t kMaxTextCharacters = 20000;

std::string Name(std::int64_t id) { return "amendment " + std::to_string(id); }

// Where the amendment stands, for a refusal: "amendment 3 is proposed and
// awaits GM0772, ez".
std::string StateOf(const Amendment& amendment) {
  std::string out = Name(amendment.id);
  if (amendment.state == kProposed) {
    out += " is proposed";
    if (!amendment.awaiting.empty()) {
      out += " and awaits the word of ";
      for (std::size_t i = 0; i < amendment.awaiting.size(); ++i) {
        if (i > 0) out += ", ";
        out += amendment.awaiting[i];
      }
    }
  } else if (amendment.state == kAgreed) {
    out += " was agreed on ";
    out += amendment.agreed_at;
  } else if (amendment.state == kReported) {
    out += " was reported to Stedenlink on ";
    out += amendment.reported_at;
  } else if (amendment.state == kInEffect) {
    out += " took effect on ";
    out += amendment.effective_at;
  } else {
    out += " was ";
    out += amendment.state;
    out += " on ";
    out += amendment.closed_at;
  }
  return out;
}

// A city's name or a party's Dutch name; the id itself when neither.
Result<std::string> PartyName(Connection& db, const std::string& id) {
  if (const Party* party = FindParty(id)) return std::string(party->name_nl);
  auto city = db.Query("SELECT name FROM cities WHERE cbs_code = ?1",
                       std::vector<Value>{id});
  if (!city.ok()) return city.status();
  if (city->empty()) return id;
  return city->front().Text("name");
}

Amendment AmendmentOf(const Row& row) {
  Amendment amendment;
  amendment.id = row.Integer("id");
  amendment.target = row.Text("target");
  amendment.theme_id = row.Text("theme_id");
  amendment.theme_name = row.Text("theme_name");
  amendment.letter = row.Text("letter");
  amendment.article = row.Text("article");
  amendment.proposer = row.Text("proposer");
  amendment.text = row.Text("text");
  amendment.reason = row.Text("reason");
  amendment.base_text = row.Text("base_text");
  amendment.base_version = row.IsNull("base_version")
                               ? 0
                               : static_cast<int>(row.Integer("base_version"));
  amendment.state = row.Text("state");
  amendment.proposed_at = row.Text("proposed_at");
  amendment.proposed_by = row.Text("proposed_by");
  amendment.consent_meeting_id =
      row.IsNull("consent_meeting_id") ? 0 : row.Integer("consent_meeting_id");
  amendment.consent_meeting_date = row.Text("meeting_date");
  amendment.consented_at = row.Text("consented_at");
  amendment.consented_by = row.Text("consented_by");
  amendment.agreed_at = row.Text("agreed_at");
  amendment.reported_at = row.Text("reported_at");
  amendment.reported_by = row.Text("reported_by");
  amendment.reported_for = row.Text("reported_for");
  amendment.report_note = row.Text("report_note");
  amendment.effective_at = row.Text("effective_at");
  amendment.effective_by = row.Text("effective_by");
  amendment.effective_version =
      row.IsNull("effective_version")
          ? 0
          : static_cast<int>(row.Integer("effective_version"));
  amendment.closed_at = row.Text("closed_at");
  amendment.closed_by = row.Text("closed_by");
  amendment.closing_reason = row.Text("closing_reason");
  return amendment;
}

constexpr const char* kSelectAmendments =
    "SELECT a.*, t.name_nl AS theme_name, g.letter AS letter, m.date AS "
    "meeting_date FROM amendments a LEFT JOIN themes t ON t.id = a.theme_id "
    "LEFT JOIN agreements g ON g.id = a.agreement_id LEFT JOIN meetings m ON "
    "m.id = a.consent_meeting_id";

// Whose word the amendment needs: for an agreement every participant of
// its theme (9c), for the general part EZ (9b). Pairs of id and name.
Result<std::vector<std::pair<std::string, std::string>>> Responders(
    Connection& db, const Amendment& amendment) {
  std::vector<std::pair<std::string, std::string>> out;
  if (amendment.target == "article") {
    const Party* ez = FindParty("ez");
    out.emplace_back(std::string(ez->id), std::string(ez->name_nl));
    return out;
  }
  auto participants = ParticipantsOf(db, amendment.theme_id);
  if (!participants.ok()) return participants.status();
  for (const Participant& participant : *participants) {
    out.emplace_back(participant.id, participant.name);
  }
  return out;
}

// The responses, the proposer's name and, while proposed, who is awaited.
Status Complete(Connection& db, Amendment& amendment) {
  auto proposer = PartyName(db, amendment.proposer);
  if (!proposer.ok()) return proposer.status();
  amendment.proposer_name = *proposer;
  std::vector<AmendmentResponse> responses;
  Status status = db.Execute(
      "SELECT * FROM amendment_responses WHERE amendment_id = ?1 ORDER BY id",
      std::vector<Value>{amendment.id}, [&](const Row& row) {
        responses.push_back({row.Text("party"), "", row.Text("position"),
                             row.Text("comment"), row.Text("responded_at"),
                             row.Text("responded_by")});
        return true;
      });
  if (!status.ok()) return status;
  for (AmendmentResponse& response : responses) {
    auto name = PartyName(db, response.party);
    if (!name.ok()) return name.status();
    response.party_name = *name;
  }
  amendment.responses = std::move(responses);
  if (amendment.state != kProposed) return Status::Ok();
  auto responders = Responders(db, amendment);
  if (!responders.ok()) return responders.status();
  for (const auto& responder : *responders) {
    bool responded =
        std::any_of(amendment.responses.begin(), amendment.responses.end(),
                    [&](const AmendmentResponse& response) {
                      return response.party == responder.first;
                    });
    if (!responded) amendment.awaiting.push_back(responder.first);
  }
  return Status::Ok();
}

Result<Amendment> Load(Connection& db, std::int64_t id) {
  auto rows = db.Query(std::string(kSelectAmendments) + " WHERE a.id = ?1",
                       std::vector<Value>{id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return Status::NotFound("there is no " + Name(id) +
                            "; GET /api/v1/amendments lists them");
  }
  Amendment amendment = AmendmentOf(rows->front());
  Status status = Complete(db, amendment);
  if (!status.ok()) return status;
  return amendment;
}

// After a response: one objection rejects the amendment; the agreement of
// every participant of the theme agrees it (9c). For the general part EZ's
// agreement leaves it proposed until the administrative meeting consents.
Status Settle(Connection& db, std::int64_t id, const std::string& who) {
  auto amendment = Load(db, id);
  if (!amendment.ok()) return amendment.status();
  if (amendment->state != kProposed) return Status::Ok();
  for (const AmendmentResponse& response : amendment->responses) {
    if (response.position != "object") continue;
    std::string reason = response.party_name;
    reason += " objects";
    if (!response.comment.empty()) {
      reason += ": ";
      reason += response.comment;
    }
    return db.Execute(
        "UPDATE amendments SET state = 'rejected', closed_at = ?2, closed_by "
        "= ?3, closing_reason = ?4 WHERE id = ?1",
        std::vector<Value>{id, response.responded_at, who, reason});
  }
  if (amendment->target != "agreement" || !amendment->awaiting.empty()) {
    return Status::Ok();
  }
  return db.Execute(
      "UPDATE amendments SET state = 'agreed', agreed_at = ?2 WHERE id = ?1",
      std::vector<Value>{id, NowUtc()});
}

Status CheckState(const Amendment& amendment, const char* wanted,
                  const std::string& why) {
  if (amendment.state == wanted) return Status::Ok();
  return Status::FailedPrecondition(StateOf(amendment) + "; " + why);
}

}  // namespace

Result<Amendment> Amendments::Propose(const Principal& caller,
                                      const AmendmentProposal& proposal) {
  std::int64_t id = 0;
  Status status = database_.Write([&](Connection& db) -> Status {
    bool for_agreement = !proposal.theme_id.empty() || !proposal.letter.empty();
    if (for_agreement == !proposal.article.empty()) {
      return Status::InvalidArgument(
          "article: name either an agreement of a theme paragraph (theme and "
          "agreement) or an article of the general part (article), not both "
          "and not neither (art. 9a)");
    }
    if (proposal.proposer.empty()) {
      return Status::InvalidArgument(
          "proposer: name the party that proposes, a city's CBS code or one "
          "of ez, g32, g4, stedenlink");
    }
    // 9a: "Elke partij kan ... voorstellen": a city through its own
    // editors, the four parties through an administrator.
    const Party* party = FindParty(proposal.proposer);
    if (party != nullptr) {
      if (caller.role != "admin") {
        return Status::PermissionDenied(
            "an administrator proposes for " + std::string(party->short_name) +
            " (art. 9a); a city editor proposes for their own city; " +
            DescribeCaller(caller));
      }
    } else {
      if (caller.role != "city-editor" || caller.scope != proposal.proposer) {
        return Status::PermissionDenied(
            "a city proposes an amendment itself (art. 9a): a city editor of " +
            proposal.proposer +
            " sends it; an administrator proposes for one of the four "
            "parties (ez, g32, g4, stedenlink); " +
            DescribeCaller(caller));
      }
      auto known = db.Query("SELECT 1 FROM cities WHERE cbs_code = ?1",
                            std::vector<Value>{proposal.proposer});
      if (!known.ok()) return known.status();
      if (known->empty()) {
        return Status::InvalidArgument(
            "proposer: '" + sdk::Printable(proposal.proposer, 40) +
            "' is neither a city of the covenant nor one of its parties");
      }
    }
    Status checked =
        CheckStepText("text", proposal.text, true, kMaxTextCharacters);
    if (!checked.ok()) return checked;
    checked =
        CheckStepText("reason", proposal.reason, true, kMaxReasonCharacters);
    if (!checked.ok()) return checked;

    std::vector<Value> params;
    if (for_agreement) {
      if (proposal.theme_id.empty()) {
        return Status::InvalidArgument(
            "theme: name the theme whose agreement the amendment changes");
      }
      if (proposal.letter.empty()) {
        return Status::InvalidArgument(
            "agreement: name the letter of the agreement the amendment "
            "changes");
      }
      auto theme = db.Query("SELECT 1 FROM themes WHERE id = ?1",
                            std::vector<Value>{proposal.theme_id});
      if (!theme.ok()) return theme.status();
      if (theme->empty()) {
        return Status::InvalidArgument("theme: there is no theme '" +
                                       sdk::Printable(proposal.theme_id, 60) +
                                       "'; GET /api/v1/themes lists them");
      }
      std::string agreement_id = proposal.theme_id + "/" + proposal.letter;
      auto agreement = db.Query(
          "SELECT g.text AS text, (SELECT MAX(version) FROM "
          "agreement_versions v WHERE v.agreement_id = g.id) AS version FROM "
          "agreements g WHERE g.id = ?1 AND g.retired_at IS NULL",
          std::vector<Value>{agreement_id});
      if (!agreement.ok()) return agreement.status();
      if (agreement->empty()) {
        return Status::InvalidArgument(
            "agreement: theme " + proposal.theme_id + " has no agreement '" +
            sdk::Printable(proposal.letter, 20) + "'; GET /api/v1/themes/" +
            proposal.theme_id + "/agreements lists them");
      }
      if (!proposal.current_text.empty()) {
        return Status::InvalidArgument(
            "currentText: an agreement's amendment starts from its current "
            "version, which the platform records; leave currentText out");
      }
      const Row& current = agreement->front();
      if (current.Text("text") == proposal.text) {
        return Status::InvalidArgument(
            "text: is the agreement's current text; an amendment changes it");
      }
      params = {std::string("agreement"),
                proposal.theme_id,
                agreement_id,
                nullptr,
                current.Text("text"),
                current.IsNull("version") ? Value(nullptr)
                                          : Value(current.Integer("version"))};
    } else {
      // The general part's articles are 1 to 13, their paragraphs a to z.
      static const std::regex kArticle("^(1[0-3]|[1-9])[a-z]?$");
      if (!std::regex_match(proposal.article, kArticle)) {
        return Status::InvalidArgument(
            "article: '" + sdk::Printable(proposal.article, 20) +
            "' is not an article of the covenant; write its number and "
            "paragraph, 1 to 13, like \"6b\"");
      }
      checked = CheckStepText("currentText", proposal.current_text, true,
                              kMaxTextCharacters);
      if (!checked.ok()) {
        return Status::InvalidArgument(
            std::string(checked.message()) +
            " (the article's text as it stands, which the amendment "
            "changes)");
      }
      if (proposal.current_text == proposal.text) {
        return Status::InvalidArgument(
            "text: is the article's current text; an amendment changes it");
      }
      params = {std::string("article"), nullptr, nullptr, proposal.article,
                proposal.current_text,  nullptr};
    }
    params.emplace_back(proposal.proposer);
    params.emplace_back(proposal.text);
    params.emplace_back(proposal.reason);
    params.emplace_back(NowUtc());
    params.emplace_back(caller.name);
    checked = db.Execute(
        "INSERT INTO amendments (target, theme_id, agreement_id, article, "
        "base_text, base_version, proposer, text, reason, state, "
        "proposed_at, proposed_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "?9, 'proposed', ?10, ?11)",
        params);
    if (!checked.ok()) return checked;
    id = db.LastInsertId();
    // The proposer's proposal is its agreement, when its word is needed.
    auto amendment = Load(db, id);
    if (!amendment.ok()) return amendment.status();
    if (std::find(amendment->awaiting.begin(), amendment->awaiting.end(),
                  proposal.proposer) == amendment->awaiting.end()) {
      return Status::Ok();
    }
    checked = db.Execute(
        "INSERT INTO amendment_responses (amendment_id, party, position, "
        "comment, responded_at, responded_by) VALUES (?1, ?2, 'agree', ?3, "
        "?4, ?5)",
        std::vector<Value>{id, proposal.proposer,
                           std::string("Indiener van het voorstel."),
                           amendment->proposed_at, caller.name});
    if (!checked.ok()) return checked;
    return Settle(db, id, caller.name);
  });
  if (!status.ok()) return status;
  return Get(id);
}

Result<Amendment> Amendments::Respond(const Principal& caller, std::int64_t id,
                                      std::string_view party,
                                      std::string_view position,
                                      std::string_view comment) {
  Status status = database_.Write([&](Connection& db) -> Status {
    auto amendment = Load(db, id);
    if (!amendment.ok()) return amendment.status();
    auto responders = Responders(db, *amendment);
    if (!responders.ok()) return responders.status();
    std::string names;
    for (const auto& responder : *responders) {
      if (!names.empty()) names += ", ";
      names += responder.first;
    }
    // Whom the caller answers for: a city editor for their city, an
    // administrator for the party named.
    std::string acting_for;
    if (caller.role == "city-editor") {
      acting_for = caller.scope;
    } else if (caller.role == "admin") {
      if (party.empty()) {
        return Status::InvalidArgument(
            "party: name the party an administrator responds for (one of " +
            names + ")");
      }
      if (FindParty(party) == nullptr) {
        return Status::InvalidArgument(
            "party: '" + sdk::Printable(party, 40) +
            "' is not one of the covenant's parties (ez, g32, g4, "
            "stedenlink); a city responds through its own city editor");
      }
      acting_for = std::string(party);
    }
    bool may = std::any_of(
        responders->begin(), responders->end(),
        [&](const auto& responder) { return responder.first == acting_for; });
    if (!may) {
      std::string rule =
          amendment->target == "article"
              ? std::string(
                    "the general part is amended in agreement with EZ (art. "
                    "9b): an administrator responds for ez")
              : "the parties involved in " + amendment->theme_id + " (" +
                    names +
                    ") agree to an amendment of its agreements (art. 9c), "
                    "cities through their city editors, parties through an "
                    "administrator";
      return Status::PermissionDenied(rule + "; " + DescribeCaller(caller));
    }
    if (amendment->state != kProposed) {
      return Status::FailedPrecondition(
          StateOf(*amendment) +
          "; the parties respond while the amendment is proposed");
    }
    for (const AmendmentResponse& response : amendment->responses) {
      if (response.party == acting_for) {
        return Status::FailedPrecondition(
            acting_for + " responded to " + Name(id) + " already (" +
            response.position + ", " + response.responded_at +
            "); each party responds once");
      }
    }
    if (position != "agree" && position != "object") {
      return Status::InvalidArgument(
          "position: must be \"agree\" or \"object\", got \"" +
          sdk::Printable(position, 40) + "\"");
    }
    Status checked =
        CheckStepText("comment", comment, false, kMaxReasonCharacters);
    if (!checked.ok()) return checked;
    checked = db.Execute(
        "INSERT INTO amendment_responses (amendment_id, party, position, "
        "comment, responded_at, responded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        std::vector<Value>{id, acting_for, std::string(position),
                           std::string(comment), NowUtc(), caller.name});
    if (!checked.ok()) return checked;
    return Settle(db, id, caller.name);
  });
  if (!status.ok()) return status;
  return Get(id);
}

Result<Amendment> Amendments::Consent(const Principal& caller, std::int64_t id,
                                      std::int64_t meeting_id) {
  Status status = database_.Write([&](Connection& db) -> Status {
    auto amendment = Load(db, id);
    if (!amendment.ok()) return amendment.status();
    if (caller.role != "admin") {
      return Status::PermissionDenied(
          "an administrator records the administrative meeting's consent to "
          "an amendment of the general part (art. 9b, 6b); " +
          DescribeCaller(caller));
    }
    if (amendment->target != "article") {
      return Status::FailedPrecondition(
          Name(id) + " changes an agreement of " + amendment->theme_id +
          ", which its involved parties agree to (art. 9c); the "
          "administrative meeting consents to amendments of the general "
          "part (art. 9b)");
    }
    Status checked = CheckState(
        *amendment, kProposed,
        "the administrative meeting consents once, to a proposed amendment");
    if (!checked.ok()) return checked;
    bool ez_agreed = std::any_of(
        amendment->responses.begin(), amendment->responses.end(),
        [](const AmendmentResponse& response) {
          return response.party == "ez" && response.position == "agree";
        });
    if (!ez_agreed) {
      return Status::FailedPrecondition(
          StateOf(*amendment) +
          "; the general part is put to the administrative meeting in "
          "agreement with EZ (art. 9b): record EZ's agreement first, POST "
          "/api/v1/amendments/" +
          std::to_string(id) + "/responses with party \"ez\"");
    }
    if (meeting_id < 1) {
      return Status::InvalidArgument(
          "meeting: name the administrative meeting (art. 6b) that "
          "consented, by its id");
    }
    auto meeting = db.Query("SELECT kind, date FROM meetings WHERE id = ?1",
                            std::vector<Value>{meeting_id});
    if (!meeting.ok()) return meeting.status();
    if (meeting->empty()) {
      return Status::InvalidArgument("meeting: there is no meeting " +
                                     std::to_string(meeting_id) +
                                     "; GET /api/v1/meetings lists them");
    }
    if (meeting->front().Text("kind") != "administrative") {
      return Status::InvalidArgument(
          "meeting: meeting " + std::to_string(meeting_id) + " of " +
          meeting->front().Text("date") + " is " +
          meeting->front().Text("kind") +
          "; the administrative meeting of art. 6b consents (art. 9b)");
    }
    std::string now = NowUtc();
    return db.Execute(
        "UPDATE amendments SET state = 'agreed', consent_meeting_id = ?2, "
        "consented_at = ?3, consented_by = ?4, agreed_at = ?3 WHERE id = ?1",
        std::vector<Value>{id, meeting_id, now, caller.name});
  });
  if (!status.ok()) return status;
  return Get(id);
}

Result<Amendment> Amendments::Report(const Principal& caller, std::int64_t id,
                                     std::string_view note) {
  Status status = database_.Write([&](Connection& db) -> Status {
    auto amendment = Load(db, id);
    if (!amendment.ok()) return amendment.status();
    if (amendment->target != "agreement") {
      return Status::FailedPrecondition(
          Name(id) +
          " changes the general part, which has no leading city to report "
          "it: after the administrative meeting's consent Stedenlink applies "
          "it (art. 9b, 9d)");
    }
    // 9d: "De Trekkende Stad bericht Stedenlink": an editor of a leading
    // city, or an administrator where one of the parties leads.
    auto participants = ParticipantsOf(db, amendment->theme_id);
    if (!participants.ok()) return participants.status();
    std::string reporting_for;
    std::string leaders;
    for (const Participant& participant : *participants) {
      if (participant.role != "leading") continue;
      if (participant.kind == "city" && caller.role == "city-editor" &&
          participant.id == caller.scope) {
        reporting_for = participant.id;
      }
      if (participant.kind == "party" && caller.role == "admin" &&
          reporting_for.empty()) {
        reporting_for = participant.id;
      }
      if (!leaders.empty()) leaders += ", ";
      leaders += participant.name;
      if (participant.kind == "city") leaders += " " + participant.id;
    }
    if (reporting_for.empty()) {
      return Status::PermissionDenied(
          "the leading city of " + amendment->theme_id + " (" + leaders +
          ") reports the agreement to Stedenlink (art. 9d), through a city "
          "editor; " +
          DescribeCaller(caller));
    }
    Status checked = CheckState(
        *amendment, kAgreed,
        "the leading city reports an amendment once, when every involved "
        "party agreed to it (art. 9c, 9d)");
    if (!checked.ok()) return checked;
    checked = CheckStepText("note", note, false, kMaxReasonCharacters);
    if (!checked.ok()) return checked;
    return db.Execute(
        "UPDATE amendments SET state = 'reported', reported_at = ?2, "
        "reported_by = ?3, reported_for = ?4, report_note = ?5 WHERE id = ?1",
        std::vector<Value>{id, NowUtc(), caller.name, reporting_for,
                           std::string(note)});
  });
  if (!status.ok()) return status;
  return Get(id);
}

Result<Amendment> Amendments::TakeEffect(const Principal& caller,
                                         std::int64_t id) {
  Status status = database_.Write([&](Connection& db) -> Status {
    auto amendment = Load(db, id);
    if (!amendment.ok()) return amendment.status();
    if (caller.role != "admin") {
      return Status::PermissionDenied(
          "Stedenlink amends the covenant's text (art. 9d): an "
          "administrator applies an amendment; " +
          DescribeCaller(caller));
    }
    bool for_agreement = amendment->target == "agreement";
    Status checked =
        for_agreement
            ? CheckState(*amendment, kReported,
                         "an amendment of an agreement takes effect once, "
                         "after the leading city reported the involved "
                         "parties' agreement to Stedenlink (art. 9d)")
            : CheckState(*amendment, kAgreed,
                         "an amendment of the general part takes effect "
                         "once, after EZ's agreement and the administrative "
                         "meeting's consent (art. 9b)");
    if (!checked.ok()) return checked;
    std::string now = NowUtc();
    std::int64_t version = 0;
    if (for_agreement) {
      std::string agreement_id = amendment->theme_id + "/" + amendment->letter;
      auto current =
          db.Query("SELECT text, retired_at FROM agreements WHERE id = ?1",
                   std::vector<Value>{agreement_id});
      if (!current.ok()) return current.status();
      if (current->empty() || !current->front().IsNull("retired_at")) {
        return Status::FailedPrecondition(
            "agreement " + agreement_id +
            " is no longer in the theme's manifest; the amendment cannot "
            "take effect");
      }
      if (current->front().Text("text") != amendment->base_text) {
        return Status::FailedPrecondition(
            "the text of agreement " + agreement_id + " changed since " +
            Name(id) + " was proposed (from version " +
            std::to_string(amendment->base_version) +
            "); withdraw it and propose the change against the current "
            "text");
      }
      auto next = db.Query(
          "SELECT COALESCE(MAX(version), 0) + 1 AS next FROM "
          "agreement_versions WHERE agreement_id = ?1",
          std::vector<Value>{agreement_id});
      if (!next.ok()) return next.status();
      version = next->front().Integer("next");
      checked = db.Execute(
          "INSERT INTO agreement_versions (agreement_id, version, text, "
          "source, recorded_at) VALUES (?1, ?2, ?3, 'amendment', ?4)",
          std::vector<Value>{agreement_id, version, amendment->text, now});
      if (!checked.ok()) return checked;
      checked = db.Execute("UPDATE agreements SET text = ?2 WHERE id = ?1",
                           std::vector<Value>{agreement_id, amendment->text});
      if (!checked.ok()) return checked;
    }
    return db.Execute(
        "UPDATE amendments SET state = 'in-effect', effective_at = ?2, "
        "effective_by = ?3, effective_version = ?4 WHERE id = ?1",
        std::vector<Value>{id, now, caller.name,
                           version > 0 ? Value(version) : Value(nullptr)});
  });
  if (!status.ok()) return status;
  return Get(id);
}

Result<Amendment> Amendments::Withdraw(const Principal& caller, std::int64_t id,
                                       std::string_view reason) {
  Status status = database_.Write([&](Connection& db) -> Status {
    auto amendment = Load(db, id);
    if (!amendment.ok()) return amendment.status();
    bool by_party = FindParty(amendment->proposer) != nullptr;
    bool is_proposer = by_party ? caller.role == "admin"
                                : caller.role == "city-editor" &&
                                      caller.scope == amendment->proposer;
    if (!is_proposer) {
      return Status::PermissionDenied(
          "only the proposer withdraws an amendment: " + amendment->proposer +
          (by_party ? std::string(", through an administrator")
                    : std::string(", through a city editor")) +
          "; " + DescribeCaller(caller));
    }
    if (amendment->state != kProposed && amendment->state != kAgreed &&
        amendment->state != kReported) {
      return Status::FailedPrecondition(
          StateOf(*amendment) +
          "; a proposal is withdrawn before it takes effect, once");
    }
    Status checked =
        CheckStepText("reason", reason, false, kMaxReasonCharacters);
    if (!checked.ok()) return checked;
    return db.Execute(
        "UPDATE amendments SET state = 'withdrawn', closed_at = ?2, "
        "closed_by = ?3, closing_reason = ?4 WHERE id = ?1",
        std::vector<Value>{id, NowUtc(), caller.name, std::string(reason)});
  });
  if (!status.ok()) return status;
  return Get(id);
}

Result<Amendment> Amendments::Get(std::int64_t id) {
  std::optional<Amendment> found;
  Status status = database_.Read([&](Connection& db) -> Status {
    auto amendment = Load(db, id);
    if (!amendment.ok()) return amendment.status();
    found = std::move(amendment).value();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return std::move(*found);
}

Result<std::vector<Amendment>> Amendments::List(std::string_view theme_id,
                                                std::string_view state) {
  static const std::vector<std::string> kStates = {
      kProposed, kAgreed, kReported, kInEffect, kRejected, kWithdrawn};
  if (!state.empty() &&
      std::find(kStates.begin(), kStates.end(), state) == kStates.end()) {
    return Status::InvalidArgument(
        "state: must be one of proposed, agreed, reported, in-effect, "
        "rejected, withdrawn; got \"" +
        sdk::Printable(state, 40) + "\"");
  }
  std::vector<Amendment> out;
  Status status = database_.Read([&](Connection& db) -> Status {
    std::string sql = std::string(kSelectAmendments) + " WHERE 1 = 1";
    std::vector<Value> params;
    if (theme_id == "general") {
      sql += " AND a.target = 'article'";
    } else if (!theme_id.empty()) {
      auto theme = db.Query("SELECT 1 FROM themes WHERE id = ?1",
                            std::vector<Value>{std::string(theme_id)});
      if (!theme.ok()) return theme.status();
      if (theme->empty()) {
        return Status::NotFound("theme: there is no theme '" +
                                sdk::Printable(theme_id, 60) +
                                "'; GET /api/v1/themes lists them, and "
                                "\"general\" names the general part");
      }
      params.emplace_back(std::string(theme_id));
      sql += " AND a.theme_id = ?";
      sql += std::to_string(params.size());
    }
    if (!state.empty()) {
      params.emplace_back(std::string(state));
      sql += " AND a.state = ?";
      sql += std::to_string(params.size());
    }
    sql += " ORDER BY a.id DESC";
    auto rows = db.Query(sql, params);
    if (!rows.ok()) return rows.status();
    for (const Row& row : *rows) {
      Amendment amendment = AmendmentOf(row);
      Status completed = Complete(db, amendment);
      if (!completed.ok()) return completed;
      out.push_back(std::move(amendment));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

namespace {

class AmendmentSource : public PublicationSource {
 public:
  std::string_view Name() const override { return "amendments"; }

  Result<std::vector<Publication>> Entries(
      storage::Database& database) const override {
    std::vector<Publication> out;
    Status status = database.Read([&](Connection& db) -> Status {
      auto rows = db.Query(
          "SELECT a.*, t.name_nl AS theme_name, t.name_en AS theme_en, "
          "g.letter AS letter, NULL AS meeting_date FROM amendments a LEFT "
          "JOIN themes t ON t.id = a.theme_id LEFT JOIN agreements g ON g.id "
          "= a.agreement_id WHERE a.state = 'in-effect'",
          {});
      if (!rows.ok()) return rows.status();
      for (const Row& row : *rows) {
        Amendment amendment = AmendmentOf(row);
        auto proposer = PartyName(db, amendment.proposer);
        if (!proposer.ok()) return proposer.status();
        amendment.proposer_name = *proposer;
        out.push_back(EntryOf(amendment, row.Text("theme_en")));
      }
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return out;
  }

 private:
  static Publication EntryOf(const Amendment& amendment, std::string theme_en) {
    std::string id = std::to_string(amendment.id);
    if (theme_en.empty()) theme_en = amendment.theme_name;
    bool for_agreement = amendment.target == "agreement";
    std::string what_nl;
    std::string what_en;
    if (for_agreement) {
      what_nl = "afspraak ";
      what_nl += amendment.letter;
      what_nl += " van ";
      what_nl += amendment.theme_name;
      what_en = "agreement ";
      what_en += amendment.letter;
      what_en += " of ";
      what_en += theme_en;
    } else {
      what_nl = "artikel ";
      what_nl += amendment.article;
      what_nl += " van het convenant";
      what_en = "article ";
      what_en += amendment.article;
      what_en += " of the covenant";
    }
    Publication entry;
    entry.id = "tag:stedenlink.nl,2013:amendments/" + id;
    entry.kind = "amendment";
    entry.theme_id = amendment.theme_id;
    entry.title_nl = "Wijziging van " + what_nl;
    entry.title_en = "Amendment of " + what_en;
    std::string rule_nl = for_agreement
                              ? std::string(
                                    "in overeenstemming met de "
                                    "betrokken partijen (artikel 9c)")
                              : std::string(
                                    "in overeenstemming met EZ en met "
                                    "instemming van het bestuurlijk overleg "
                                    "(artikel 9b)");
    std::string rule_en =
        for_agreement ? std::string(
                            "in agreement with the involved parties (article "
                            "9c)")
                      : std::string(
                            "in agreement with EZ and with the consent of the "
                            "administrative meeting (article 9b)");
    entry.summary_nl = "De tekst van ";
    entry.summary_nl += what_nl;
    entry.summary_nl += " is gewijzigd, ";
    entry.summary_nl += rule_nl;
    entry.summary_nl += ". Voorgesteld door ";
    entry.summary_nl += amendment.proposer_name;
    entry.summary_nl += ": ";
    entry.summary_nl += amendment.reason;
    entry.summary_nl += " Nieuwe tekst: ";
    entry.summary_nl += amendment.text;
    entry.summary_en = "The text of ";
    entry.summary_en += what_en;
    entry.summary_en += " was amended, ";
    entry.summary_en += rule_en;
    entry.summary_en += ". Proposed by ";
    entry.summary_en += amendment.proposer_name;
    entry.summary_en += ": ";
    entry.summary_en += amendment.reason;
    entry.summary_en += " New text: ";
    entry.summary_en += amendment.text;
    entry.published = amendment.effective_at;
    entry.updated = amendment.effective_at;
    entry.url = "/api/v1/amendments/" + id;
    return entry;
  }
};

}  // namespace

std::unique_ptr<PublicationSource> AmendmentPublicationSource() {
  return std::make_unique<AmendmentSource>();
}

}  // namespace smartercities::domain
