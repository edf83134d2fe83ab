// amendments.h — the amendment procedure of article 9 ("Aanpassing
// convenantafspraken"), with article 5b: "Afspraken kunnen in onderling
// overleg tussentijds worden bijgesteld."
//
// 9a: "Elke partij kan de andere partij (partijen) voorstellen het convenant
// of een van de themaparagrafen te wijzigen." An amendment targets either an
// agreement of a theme paragraph or an article of the general part ("6b").
// It is proposed by a city (a city editor of that city) or by one of the four
// parties (an administrator, naming the party), with the new text and a
// reason; the text it starts from is recorded with it.
//
// A theme's agreement (9c: "geschiedt in overeenstemming met Betrokken
// Partijen"): every participant of the theme, leading and involved
// (participation.h), agrees or objects once; cities through their city
// editors, EZ and the other parties through an administrator acting for
// them. The proposer's proposal counts as its agreement. When every
// participant agreed the amendment is agreed; one objection rejects it. The
// leading city then reports the agreement to Stedenlink (9d: "De Trekkende
// Stad bericht Stedenlink als hierover overeenstemming is bereikt"): a city
// editor of a leading city, or an administrator where a party leads.
//
// The general part (9b: "wordt in overeenstemming met EZ ter instemming
// voorgelegd aan het bestuurlijk overleg zoals genoemd in art. 6b"): an
// administrator records EZ's agreement (a response for EZ), then the
// consent of an administrative meeting (meetings.h) by its id.
//
// Taking effect (9d: "waarna Stedenlink periodiek de convenanttekst zal
// aanpassen"): an administrator, for Stedenlink, applies an agreed (general
// part) or reported (theme) amendment. For an agreement that adds a version
// of its text (source "amendment") and makes it the agreement's current
// text, which a later manifest does not overwrite (catalog.h). Amendments
// that took effect are published (9e: "Wijziging worden openbaar gemaakt op
// de website van Stedenlink"), AmendmentPublicationSource.
//
// The proposer may withdraw its proposal until it takes effect.
//
// States: proposed -> agreed -> (theme: reported ->) in-effect; rejected
// and withdrawn end it. A step by someone it is not given to fails with
// PermissionDenied naming who may take it; a step out of order or repeated
// with FailedPrecondition naming the amendment's state; bad input with
// InvalidArgument naming the field. Every step is one write, so the audit
// trail records who took it.
//
// Thread-safety: Amendments holds only a reference to the Database and may
// be used from any thread; each step reads and writes in one transaction.
#ifndef SMARTERCITIES_CORE_DOMAIN_AMENDMENTS_H_
#define SMARTERCITIES_CORE_DOMAIN_AMENDMENTS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/principal.h"
#include "core/base/status.h"
#include "core/domain/publications.h"
#include "core/storage/database.h"

namespace smartercities::domain {

// One participant's word on an amendment.
struct AmendmentResponse {
  std::string party;  // a city's CBS code or a party's id ("ez")
  std::string party_name;
  std::string position;  // "agree" or "object"
  std::string comment;
  std::string responded_at;
  std::string responded_by;
};

struct Amendment {
  std::int64_t id = 0;
  std::string target;      // "agreement" or "article"
  std::string theme_id;    // target "agreement"
  std::string theme_name;  // Dutch
  std::string letter;      // the agreement's letter, target "agreement"
  std::string article;     // "6b", target "article"
  std::string proposer;    // CBS code or party id
  std::string proposer_name;
  std::string text;  // the new text
  std::string reason;
  std::string base_text;  // the text it starts from
  int base_version = 0;   // the agreement's version base_text is; 0: article
  // "proposed", "agreed", "reported", "in-effect", "rejected", "withdrawn".
  std::string state;
  std::string proposed_at;
  std::string proposed_by;
  std::vector<AmendmentResponse> responses;
  // While proposed: the parties whose word is still needed (CBS codes or
  // party ids).
  std::vector<std::string> awaiting;
  std::int64_t consent_meeting_id = 0;  // general part; 0 until consented
  std::string consent_meeting_date;
  std::string consented_at;
  std::string consented_by;
  std::string agreed_at;
  std::string reported_at;
  std::string reported_by;
  std::string reported_for;  // the leading city's CBS code or party id
  std::string report_note;
  std::string effective_at;
  std::string effective_by;
  int effective_version = 0;  // the agreement's new version
  std::string closed_at;      // rejected or withdrawn
  std::string closed_by;
  std::string closing_reason;
};

// What a proposal names (the API's fields).
struct AmendmentProposal {
  std::string theme_id;      // with letter: an agreement of the theme
  std::string letter;        //
  std::string article;       // or an article of the general part ("6b")
  std::string current_text;  // article: its text as it stands
  std::string proposer;      // CBS code, or party id for an administrator
  std::string text;
  std::string reason;
};

class Amendments {
 public:
  explicit Amendments(storage::Database& database) : database_(database) {}

  // 9a: records the proposal. PermissionDenied unless caller is a city
  // editor of proposal.proposer (a city) or an administrator and the
  // proposer is a party; InvalidArgument naming the field otherwise (an
  // unknown theme or agreement among them).
  Result<Amendment> Propose(const Principal& caller,
                            const AmendmentProposal& proposal);

  // 9b, 9c: a participant agrees ("agree") or objects ("object"). party
  // names the party an administrator acts for (ignored for a city editor,
  // who answers for their city).
  Result<Amendment> Respond(const Principal& caller, std::int64_t id,
                            std::string_view party, std::string_view position,
                            std::string_view comment);

  // 9b: the administrative meeting meeting_id consented (general part).
  Result<Amendment> Consent(const Principal& caller, std::int64_t id,
                            std::int64_t meeting_id);

  // 9d: the leading city reports the agreement to Stedenlink (theme).
  Result<Amendment> Report(const Principal& caller, std::int64_t id,
                           std::string_view note);

  // 9d: Stedenlink applies the amendment; for an agreement, its text.
  Result<Amendment> TakeEffect(const Principal& caller, std::int64_t id);

  // The proposer withdraws its proposal.
  Result<Amendment> Withdraw(const Principal& caller, std::int64_t id,
                             std::string_view reason);

  // One amendment; NotFound when there is none with that id.
  Result<Amendment> Get(std::int64_t id);

  // The amendments, newest first; theme_id ("general" for the general
  // part) and state narrow when not empty. InvalidArgument for an unknown
  // state, NotFound for an unknown theme.
  Result<std::vector<Amendment>> List(std::string_view theme_id,
                                      std::string_view state);

 private:
  storage::Database& database_;
};

// The amendments that took effect, as publications (art. 9e).
std::unique_ptr<PublicationSource> AmendmentPublicationSource();

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_AMENDMENTS_H_
