// The amendment procedure of article 9 through the real server with the
// nine theme plugins: an amendment of a theme's agreement (agreed by every
// involved party, reported by the leading city, applied by Stedenlink), one
// of the general part (EZ's agreement and the administrative meeting's
// consent), every step refused to the wrong party and out of order, the new
// version of the agreement's text that a later manifest does not overwrite,
// the publication as JSON and Atom, and the progress report's sections.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/app/platform.h"
#include "core/domain/catalog.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;

// Led by Eindhoven and Helmond; EZ is an involved party (art. 1g).
constexpr const char* kTheme = "bedrijvige-stad";
constexpr const char* kEindhoven = "GM0772";
constexpr const char* kHelmond = "GM0794";
constexpr const char* kTilburg = "GM0855";

std::vector<std::string> Strings(const json& array) {
  std::vector<std::string> out;
  for (const json& item : array) out.push_back(item.get<std::string>());
  return out;
}

class AmendmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SMARTERCITIES_SKIP_WITHOUT_DATABASE(database_);
    config_.port = 0;
    config_.data_dir = dir_.path() / "data";
    config_.database_url = database_.url();
    config_.plugin_dir = testing::ThemePluginDir();
    config_.web_root = "";
    config_.initial_admin_password = "beheer-Kanaal-tulp-93";
    Start();
    std::ifstream in(config_.AdminTokenFile());
    std::getline(in, admin_);
    helmond_ = Token("city-editor", kHelmond);
    eindhoven_ = Token("city-editor", kEindhoven);
    tilburg_ = Token("city-editor", kTilburg);
    theme_editor_ = Token("theme-editor", kTheme);
  }

  void Start() {
    auto platform = app::Platform::Start(config_);
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value();
  }

  HttpResponse Call(const std::string& token, const std::string& method,
                    const std::string& target, const json& body = nullptr) {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    std::string text;
    if (!body.is_null()) {
      headers["Content-Type"] = "application/json";
      text = body.dump();
    }
    return Fetch(platform_->port(), method, target, headers, text);
  }

  json Get(const std::string& target) {
    HttpResponse response = Call("", "GET", target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
    return json::parse(response.body, nullptr, false);
  }

  std::string Token(const std::string& role, const std::string& scope) {
    HttpResponse made =
        Call(admin_, "POST", "/api/v1/tokens",
             {{"name", role + " " + scope}, {"role", role}, {"scope", scope}});
    EXPECT_EQ(made.status, 201) << made.body;
    return json::parse(made.body)["token"];
  }

  static std::string Path(std::int64_t id, const std::string& step = "") {
    std::string path = "/api/v1/amendments/" + std::to_string(id);
    if (!step.empty()) path += "/" + step;
    return path;
  }

  std::string AgreementPath(const std::string& letter) {
    return std::string("/api/v1/themes/") + kTheme + "/agreements/" + letter;
  }

  // Helmond proposes new_text for the theme's agreement letter.
  json ProposeAsHelmond(const std::string& letter,
                        const std::string& new_text) {
    HttpResponse proposed =
        Call(helmond_, "POST", "/api/v1/amendments",
             {{"theme", kTheme},
              {"agreement", letter},
              {"proposer", kHelmond},
              {"text", new_text},
              {"reason", "De pilot is verlengd tot eind 2014."}});
    EXPECT_EQ(proposed.status, 201) << proposed.body;
    return json::parse(proposed.body, nullptr, false);
  }

  testing::TempDir dir_;
  testing::TestDatabase database_;
  app::Config config_;
  std::unique_ptr<app::Platform> platform_;
  std::string admin_;
  std::string helmond_;
  std::string eindhoven_;
  std::string tilburg_;
  std::string theme_editor_;
};

TEST_F(AmendmentTest, AProposalNamesItsTargetProposerTextAndReason) {
  const std::string amendments = "/api/v1/amendments";
  json good = {{"theme", kTheme},
               {"agreement", "a"},
               {"proposer", kHelmond},
               {"text", "Een nieuwe tekst."},
               {"reason", "Bijgesteld in overleg."}};
  EXPECT_EQ(Call("", "POST", amendments, good).status, 401);
  // A city proposes through its own editors (art. 9a) ...
  HttpResponse other_city = Call(tilburg_, "POST", amendments, good);
  EXPECT_EQ(other_city.status, 403);
  EXPECT_THAT(other_city.body, HasSubstr("city editor of GM0794"));
  EXPECT_EQ(Call(admin_, "POST", amendments, good).status, 403);
  EXPECT_EQ(Call(theme_editor_, "POST", amendments, good).status, 403);
  // ... a party through an administrator.
  json for_ez = good;
  for_ez["proposer"] = "ez";
  HttpResponse not_admin = Call(helmond_, "POST", amendments, for_ez);
  EXPECT_EQ(not_admin.status, 403);
  EXPECT_THAT(not_admin.body, HasSubstr("an administrator proposes for EZ"));

  auto refused_field = [&](json body, const std::string& field) {
    HttpResponse response = Call(helmond_, "POST", amendments, body);
    EXPECT_EQ(response.status, 400) << field << ": " << response.body;
    EXPECT_THAT(response.body, HasSubstr(field + ":")) << response.body;
    EXPECT_EQ(response.Header("Content-Type"), "application/problem+json");
  };
  json no_reason = good;
  no_reason.erase("reason");
  refused_field(no_reason, "reason");
  json no_text = good;
  no_text["text"] = "  ";
  refused_field(no_text, "text");
  json both = good;
  both["article"] = "6b";
  refused_field(both, "article");
  json unknown = good;
  unknown["agreement"] = "zz";
  refused_field(unknown, "agreement");
  json no_theme = good;
  no_theme["theme"] = "geen-thema";
  refused_field(no_theme, "theme");
  json article = {{"article", "14"},
                  {"currentText", "Tekst."},
                  {"proposer", kHelmond},
                  {"text", "Nieuwe tekst."},
                  {"reason", "Reden."}};
  refused_field(article, "article");
  article["article"] = "6b";
  article.erase("currentText");
  refused_field(article, "currentText");
  HttpResponse unknown_field =
      Call(helmond_, "POST", amendments, {{"proposer", kHelmond}, {"x", 1}});
  EXPECT_EQ(unknown_field.status, 400);
  EXPECT_THAT(unknown_field.body, HasSubstr("x"));

  // The proposal records the text it starts from: the agreement's current
  // version, and the word diff to the new text.
  json agreement = Get(AgreementPath("b"));
  std::string current = agreement["text"];
  std::string changed = current + " Ook in 2014.";
  json amendment = ProposeAsHelmond("b", changed);
  ASSERT_TRUE(amendment.is_object());
  EXPECT_EQ(amendment["state"], "proposed");
  EXPECT_EQ(amendment["target"], "agreement");
  EXPECT_EQ(amendment["theme"], kTheme);
  EXPECT_EQ(amendment["agreement"], "b");
  EXPECT_EQ(amendment["proposerName"], "Helmond");
  EXPECT_EQ(amendment["baseText"], current);
  EXPECT_EQ(amendment["baseVersion"], 1);
  EXPECT_EQ(amendment["text"], changed);
  const json& diff = amendment["diff"];
  ASSERT_EQ(diff.size(), 2u) << diff.dump();
  EXPECT_EQ(diff[0]["same"], true);
  EXPECT_EQ(diff[1]["text"], "Ook in 2014.");
  EXPECT_EQ(diff[1]["ins"], true);
  // The proposer's proposal is its agreement; the other participants'
  // word is awaited, leading city first, then EZ.
  ASSERT_EQ(amendment["responses"].size(), 1u);
  EXPECT_EQ(amendment["responses"][0]["party"], kHelmond);
  EXPECT_EQ(amendment["responses"][0]["position"], "agree");
  EXPECT_THAT(Strings(amendment["awaiting"]), ElementsAre(kEindhoven, "ez"));
  std::int64_t id = amendment["id"];
  EXPECT_EQ(Get(Path(id))["diff"], diff);
  EXPECT_EQ(Get("/api/v1/amendments?theme=bedrijvige-stad")["total"], 1);
  EXPECT_EQ(Get("/api/v1/amendments?state=proposed")["total"], 1);
  EXPECT_EQ(Get("/api/v1/amendments?theme=general")["total"], 0);
  EXPECT_EQ(Get("/api/v1/amendments?theme=groene-stad")["total"], 0);
  HttpResponse bad_state = Call("", "GET", "/api/v1/amendments?state=maybe");
  EXPECT_EQ(bad_state.status, 400);
  EXPECT_THAT(bad_state.body, HasSubstr("state"));
  EXPECT_EQ(Call("", "GET", "/api/v1/amendments?theme=geen-thema").status, 400);
  EXPECT_EQ(Call("", "GET", "/api/v1/amendments/99").status, 404);
  EXPECT_EQ(Call("", "GET", "/api/v1/amendments/x").status, 404);
  // Proposing does not change the agreement.
  EXPECT_EQ(Get(AgreementPath("b"))["text"], current);
}

TEST_F(AmendmentTest, EachStepOfAThemeAmendmentIsTakenOnlyByItsPartyInOrder) {
  json amendment = ProposeAsHelmond("a", "Een gewijzigde afspraak.");
  std::int64_t id = amendment["id"];
  std::string original = Get(AgreementPath("a"))["text"];

  // Out of order: nothing to report, consent to or apply yet.
  HttpResponse early = Call(helmond_, "POST", Path(id, "report"));
  EXPECT_EQ(early.status, 409);
  EXPECT_THAT(early.body, HasSubstr("is proposed and awaits the word of "
                                    "GM0772, ez"));
  EXPECT_EQ(Call(admin_, "POST", Path(id, "effect")).status, 409);
  HttpResponse consent =
      Call(admin_, "POST", Path(id, "consent"), {{"meeting", 1}});
  EXPECT_EQ(consent.status, 409);
  EXPECT_THAT(consent.body, HasSubstr("art. 9c"));

  // Only the theme's participants respond (art. 9c), each once.
  HttpResponse outsider =
      Call(tilburg_, "POST", Path(id, "responses"), {{"position", "agree"}});
  EXPECT_EQ(outsider.status, 403);
  EXPECT_THAT(outsider.body, HasSubstr("GM0772, GM0794, ez"));
  EXPECT_EQ(Call(theme_editor_, "POST", Path(id, "responses"),
                 {{"position", "agree"}})
                .status,
            403);
  EXPECT_EQ(
      Call("", "POST", Path(id, "responses"), {{"position", "agree"}}).status,
      401);
  HttpResponse no_party =
      Call(admin_, "POST", Path(id, "responses"), {{"position", "agree"}});
  EXPECT_EQ(no_party.status, 400);
  EXPECT_THAT(no_party.body, HasSubstr("party:"));
  EXPECT_EQ(Call(admin_, "POST", Path(id, "responses"),
                 {{"party", "g4"}, {"position", "agree"}})
                .status,
            403);
  HttpResponse proposer_again =
      Call(helmond_, "POST", Path(id, "responses"), {{"position", "agree"}});
  EXPECT_EQ(proposer_again.status, 409);
  EXPECT_THAT(proposer_again.body, HasSubstr("each party responds once"));
  HttpResponse bad =
      Call(eindhoven_, "POST", Path(id, "responses"), {{"position", "maybe"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("position:"));

  HttpResponse ez = Call(admin_, "POST", Path(id, "responses"),
                         {{"party", "ez"}, {"position", "agree"}});
  ASSERT_EQ(ez.status, 201) << ez.body;
  EXPECT_EQ(json::parse(ez.body)["state"], "proposed");
  EXPECT_THAT(Strings(json::parse(ez.body)["awaiting"]),
              ElementsAre(kEindhoven));
  EXPECT_EQ(Call(admin_, "POST", Path(id, "responses"),
                 {{"party", "ez"}, {"position", "object"}})
                .status,
            409);
  HttpResponse agreed = Call(eindhoven_, "POST", Path(id, "responses"),
                             {{"position", "agree"}, {"comment", "Akkoord."}});
  ASSERT_EQ(agreed.status, 201) << agreed.body;
  amendment = json::parse(agreed.body);
  EXPECT_EQ(amendment["state"], "agreed");
  EXPECT_TRUE(amendment["awaiting"].empty());
  EXPECT_TRUE(amendment["agreedAt"].is_string());
  HttpResponse late =
      Call(eindhoven_, "POST", Path(id, "responses"), {{"position", "agree"}});
  EXPECT_EQ(late.status, 409);
  EXPECT_THAT(late.body, HasSubstr("was agreed on"));

  // Stedenlink applies a theme's amendment only once the leading city
  // reported it (art. 9d).
  HttpResponse unreported = Call(admin_, "POST", Path(id, "effect"));
  EXPECT_EQ(unreported.status, 409);
  EXPECT_THAT(unreported.body, HasSubstr("after the leading city reported"));

  // Only a leading city reports.
  HttpResponse not_leading = Call(tilburg_, "POST", Path(id, "report"));
  EXPECT_EQ(not_leading.status, 403);
  EXPECT_THAT(not_leading.body, HasSubstr("Helmond GM0794"));
  EXPECT_EQ(Call(admin_, "POST", Path(id, "report")).status, 403);
  EXPECT_EQ(Call(theme_editor_, "POST", Path(id, "report")).status, 403);
  HttpResponse reported = Call(eindhoven_, "POST", Path(id, "report"),
                               {{"note", "Alle partijen akkoord."}});
  ASSERT_EQ(reported.status, 200) << reported.body;
  amendment = json::parse(reported.body);
  EXPECT_EQ(amendment["state"], "reported");
  EXPECT_EQ(amendment["report"]["by"], kEindhoven);
  HttpResponse twice = Call(helmond_, "POST", Path(id, "report"));
  EXPECT_EQ(twice.status, 409);
  EXPECT_THAT(twice.body, HasSubstr("was reported to Stedenlink"));

  // Only Stedenlink applies it.
  EXPECT_EQ(Call(helmond_, "POST", Path(id, "effect")).status, 403);
  EXPECT_EQ(Call(theme_editor_, "POST", Path(id, "effect")).status, 403);

  // Only the proposer withdraws, before it takes effect, once.
  HttpResponse not_proposer = Call(eindhoven_, "POST", Path(id, "withdrawal"));
  EXPECT_EQ(not_proposer.status, 403);
  EXPECT_THAT(not_proposer.body, HasSubstr("only the proposer"));
  EXPECT_EQ(Call(admin_, "POST", Path(id, "withdrawal")).status, 403);
  HttpResponse withdrawn = Call(helmond_, "POST", Path(id, "withdrawal"),
                                {{"reason", "Toch niet nodig."}});
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  amendment = json::parse(withdrawn.body);
  EXPECT_EQ(amendment["state"], "withdrawn");
  EXPECT_EQ(amendment["closed"]["reason"], "Toch niet nodig.");
  HttpResponse gone = Call(admin_, "POST", Path(id, "effect"));
  EXPECT_EQ(gone.status, 409);
  EXPECT_THAT(gone.body, HasSubstr("was withdrawn"));
  EXPECT_EQ(Call(helmond_, "POST", Path(id, "withdrawal")).status, 409);

  // Nothing took effect: the text is as it was, nothing is published.
  EXPECT_EQ(Get(AgreementPath("a"))["text"], original);
  EXPECT_EQ(Get(AgreementPath("a"))["history"].size(), 1u);
  EXPECT_EQ(Get("/api/v1/publications")["total"], 0);
}

TEST_F(AmendmentTest, OneObjectionOfAnInvolvedPartyRejectsTheAmendment) {
  json amendment = ProposeAsHelmond("a", "Een gewijzigde afspraak.");
  std::int64_t id = amendment["id"];
  HttpResponse objected = Call(admin_, "POST", Path(id, "responses"),
                               {{"party", "ez"},
                                {"position", "object"},
                                {"comment", "Eerst de evaluatie afwachten."}});
  ASSERT_EQ(objected.status, 201) << objected.body;
  amendment = json::parse(objected.body);
  EXPECT_EQ(amendment["state"], "rejected");
  EXPECT_THAT(amendment["closed"]["reason"].get<std::string>(),
              HasSubstr("Eerst de evaluatie afwachten."));
  HttpResponse after =
      Call(eindhoven_, "POST", Path(id, "responses"), {{"position", "agree"}});
  EXPECT_EQ(after.status, 409);
  EXPECT_THAT(after.body, HasSubstr("was rejected"));
  EXPECT_EQ(Call(helmond_, "POST", Path(id, "withdrawal")).status, 409);
  EXPECT_EQ(Call(eindhoven_, "POST", Path(id, "report")).status, 409);
  EXPECT_EQ(Get("/api/v1/amendments?state=rejected")["total"], 1);
}

TEST_F(AmendmentTest, TheGeneralPartNeedsEzAndTheAdministrativeMeeting) {
  HttpResponse proposed =
      Call(admin_, "POST", "/api/v1/amendments",
           {{"article", "6b"},
            {"currentText",
             "Partijen zullen op basis van een door Stedenlink op te stellen "
             "voortgangsrapportage tenminste twee keer per jaar bestuurlijk "
             "overleg voeren."},
            {"proposer", "g32"},
            {"text",
             "Partijen zullen op basis van een door Stedenlink op te stellen "
             "voortgangsrapportage tenminste drie keer per jaar bestuurlijk "
             "overleg voeren."},
            {"reason", "Het tempo van de agenda vraagt vaker overleg."}});
  ASSERT_EQ(proposed.status, 201) << proposed.body;
  json amendment = json::parse(proposed.body);
  std::int64_t id = amendment["id"];
  EXPECT_EQ(amendment["target"], "article");
  EXPECT_TRUE(amendment["theme"].is_null());
  EXPECT_EQ(amendment["proposerName"], "G32-stedennetwerk");
  EXPECT_THAT(Strings(amendment["awaiting"]), ElementsAre("ez"));
  bool changed_word = false;
  for (const json& run : amendment["diff"]) {
    changed_word = changed_word ||
                   (run.contains("del") && run["text"] == "twee") ||
                   (run.contains("ins") && run["text"] == "drie");
  }
  EXPECT_TRUE(changed_word) << amendment["diff"].dump();
  EXPECT_EQ(Get("/api/v1/amendments?theme=general")["total"], 1);

  // EZ's word first (art. 9b), given by an administrator for EZ.
  HttpResponse city =
      Call(helmond_, "POST", Path(id, "responses"), {{"position", "agree"}});
  EXPECT_EQ(city.status, 403);
  EXPECT_THAT(city.body, HasSubstr("in agreement with EZ"));
  HttpResponse meeting_made =
      Call(admin_, "POST", "/api/v1/meetings",
           {{"kind", "administrative"}, {"date", "2013-10-01"}});
  ASSERT_EQ(meeting_made.status, 201) << meeting_made.body;
  std::int64_t meeting = json::parse(meeting_made.body)["id"];
  HttpResponse without_ez =
      Call(admin_, "POST", Path(id, "consent"), {{"meeting", meeting}});
  EXPECT_EQ(without_ez.status, 409);
  EXPECT_THAT(without_ez.body, HasSubstr("record EZ's agreement first"));
  HttpResponse ez = Call(admin_, "POST", Path(id, "responses"),
                         {{"party", "ez"}, {"position", "agree"}});
  ASSERT_EQ(ez.status, 201) << ez.body;
  EXPECT_EQ(json::parse(ez.body)["state"], "proposed");

  // Then the administrative meeting's consent (art. 6b), by its id.
  EXPECT_EQ(Call(helmond_, "POST", Path(id, "consent"), {{"meeting", meeting}})
                .status,
            403);
  HttpResponse official_made =
      Call(admin_, "POST", "/api/v1/meetings",
           {{"kind", "official"}, {"date", "2013-09-01"}});
  ASSERT_EQ(official_made.status, 201) << official_made.body;
  HttpResponse official =
      Call(admin_, "POST", Path(id, "consent"),
           {{"meeting", json::parse(official_made.body)["id"]}});
  EXPECT_EQ(official.status, 400);
  EXPECT_THAT(official.body, HasSubstr("meeting:"));
  EXPECT_THAT(official.body, HasSubstr("is official"));
  EXPECT_EQ(
      Call(admin_, "POST", Path(id, "consent"), {{"meeting", 999}}).status,
      400);
  EXPECT_EQ(Call(admin_, "POST", Path(id, "consent")).status, 400);
  EXPECT_EQ(
      Call(admin_, "POST", Path(id, "consent"), {{"meeting", "een"}}).status,
      400);
  HttpResponse consented =
      Call(admin_, "POST", Path(id, "consent"), {{"meeting", meeting}});
  ASSERT_EQ(consented.status, 200) << consented.body;
  amendment = json::parse(consented.body);
  EXPECT_EQ(amendment["state"], "agreed");
  EXPECT_EQ(amendment["consent"]["meeting"], meeting);
  EXPECT_EQ(amendment["consent"]["meetingDate"], "2013-10-01");
  EXPECT_EQ(
      Call(admin_, "POST", Path(id, "consent"), {{"meeting", meeting}}).status,
      409);
  // No leading city reports the general part.
  HttpResponse report = Call(helmond_, "POST", Path(id, "report"));
  EXPECT_EQ(report.status, 409);
  EXPECT_THAT(report.body, HasSubstr("general part"));

  EXPECT_EQ(Call(helmond_, "POST", Path(id, "effect")).status, 403);
  HttpResponse applied = Call(admin_, "POST", Path(id, "effect"));
  ASSERT_EQ(applied.status, 200) << applied.body;
  amendment = json::parse(applied.body);
  EXPECT_EQ(amendment["state"], "in-effect");
  EXPECT_TRUE(amendment["effect"]["version"].is_null());
  EXPECT_EQ(Call(admin_, "POST", Path(id, "effect")).status, 409);
  HttpResponse withdraw = Call(admin_, "POST", Path(id, "withdrawal"));
  EXPECT_EQ(withdraw.status, 409);
  EXPECT_THAT(withdraw.body, HasSubstr("took effect"));

  json publications = Get("/api/v1/publications");
  ASSERT_EQ(publications["total"], 1);
  EXPECT_EQ(publications["items"][0]["kind"], "amendment");
  EXPECT_TRUE(publications["items"][0]["theme"].is_null());
  EXPECT_EQ(publications["items"][0]["title"]["nl"],
            "Wijziging van artikel 6b van het convenant");
}

// The text of the first node xpath finds in document, or "".
std::string XPathText(xmlDocPtr document, const std::string& xpath) {
  xmlXPathContextPtr context = xmlXPathNewContext(document);
  auto text_of = [](const char* chars) {
    return reinterpret_cast<const xmlChar*>(chars);
  };
  xmlXPathRegisterNs(context, text_of("a"),
                     text_of("http://www.w3.org/2005/Atom"));
  xmlXPathObjectPtr found =
      xmlXPathEvalExpression(text_of(xpath.c_str()), context);
  std::string text;
  if (found != nullptr && found->nodesetval != nullptr &&
      found->nodesetval->nodeNr > 0) {
    xmlChar* content = xmlNodeGetContent(found->nodesetval->nodeTab[0]);
    if (content != nullptr) {
      text = reinterpret_cast<const char*>(content);
      xmlFree(content);
    }
  }
  xmlXPathFreeObject(found);
  xmlXPathFreeContext(context);
  return text;
}

TEST_F(AmendmentTest, AnAgreedAmendmentBecomesTheTextAManifestDoesNotReplace) {
  std::string original = Get(AgreementPath("a"))["text"];
  std::string amended = original + " Dit geldt ook voor 2014.";
  json amendment = ProposeAsHelmond("a", amended);
  std::int64_t id = amendment["id"];
  ASSERT_EQ(Call(admin_, "POST", Path(id, "responses"),
                 {{"party", "ez"}, {"position", "agree"}})
                .status,
            201);
  ASSERT_EQ(
      Call(eindhoven_, "POST", Path(id, "responses"), {{"position", "agree"}})
          .status,
      201);
  ASSERT_EQ(Call(helmond_, "POST", Path(id, "report")).status, 200);
  HttpResponse applied = Call(admin_, "POST", Path(id, "effect"));
  ASSERT_EQ(applied.status, 200) << applied.body;
  amendment = json::parse(applied.body);
  EXPECT_EQ(amendment["state"], "in-effect");
  EXPECT_EQ(amendment["effect"]["version"], 2);
  std::string effective_at = amendment["effect"]["at"];

  // The agreement's text is the amended one, with both versions kept.
  json agreement = Get(AgreementPath("a"));
  EXPECT_EQ(agreement["text"], amended);
  ASSERT_EQ(agreement["history"].size(), 2u);
  EXPECT_EQ(agreement["history"][1]["source"], "amendment");
  json versions = Get(AgreementPath("a") + "/versions");
  EXPECT_EQ(versions["total"], 2);
  EXPECT_EQ(versions["diff"]["from"], 1);
  EXPECT_EQ(versions["diff"]["to"], 2);
  const json& runs = versions["diff"]["runs"];
  ASSERT_FALSE(runs.empty());
  EXPECT_EQ(runs.back()["text"], "Dit geldt ook voor 2014.");
  EXPECT_EQ(runs.back()["ins"], true);
  json same = Get(AgreementPath("a") + "/versions?from=2&to=2");
  ASSERT_EQ(same["diff"]["runs"].size(), 1u);
  EXPECT_EQ(same["diff"]["runs"][0]["same"], true);
  HttpResponse no_version =
      Call("", "GET", AgreementPath("a") + "/versions?from=9");
  EXPECT_EQ(no_version.status, 400);
  EXPECT_THAT(no_version.body, HasSubstr("'from'"));
  EXPECT_EQ(Call("", "GET", AgreementPath("zz") + "/versions").status, 404);
  EXPECT_EQ(
      Get("/api/v1/amendments?theme=bedrijvige-stad&state=in-effect")["total"],
      1);

  // Every step is in the audit trail, with who took it.
  json audit = json::parse(
      Call(admin_, "GET", "/api/v1/audit-events?object=amendments/").body);
  std::set<std::string> actors;
  for (const json& item : audit["items"]) actors.insert(item["actor"]);
  EXPECT_TRUE(actors.contains("token:city-editor " + std::string(kHelmond)))
      << audit.dump();
  EXPECT_TRUE(actors.contains("token:city-editor " + std::string(kEindhoven)));
  // Proposed, agreed (by Eindhoven's response), reported, in effect.
  EXPECT_EQ(audit["total"], 4) << audit.dump();
  EXPECT_EQ(json::parse(Call(admin_, "GET",
                             "/api/v1/audit-events?object=amendment_responses/")
                            .body)["total"],
            3);
  EXPECT_EQ(json::parse(Call(admin_, "GET",
                             "/api/v1/audit-events?object=agreement_versions/")
                            .body)["total"],
            1);

  // Published (art. 9e): as JSON ...
  json publications = Get("/api/v1/publications");
  ASSERT_EQ(publications["total"], 1);
  const json& entry = publications["items"][0];
  std::string entry_id =
      "tag:stedenlink.nl,2013:amendments/" + std::to_string(id);
  EXPECT_EQ(entry["id"], entry_id);
  EXPECT_EQ(entry["kind"], "amendment");
  EXPECT_EQ(entry["theme"], kTheme);
  EXPECT_EQ(entry["url"], Path(id));
  EXPECT_EQ(entry["updated"], effective_at);
  EXPECT_THAT(entry["title"]["nl"].get<std::string>(),
              HasSubstr("afspraak a van"));
  EXPECT_THAT(entry["summary"]["nl"].get<std::string>(),
              HasSubstr("Dit geldt ook voor 2014."));
  // ... and in the Atom feed, which an XML parser reads.
  HttpResponse feed = Call("", "GET", "/api/v1/publications.atom");
  ASSERT_EQ(feed.status, 200);
  xmlDocPtr document =
      xmlReadMemory(feed.body.data(), static_cast<int>(feed.body.size()),
                    "publications.atom", nullptr, XML_PARSE_NONET);
  ASSERT_NE(document, nullptr) << feed.body;
  std::string in_feed = "/a:feed/a:entry[a:id='" + entry_id + "']";
  EXPECT_EQ(XPathText(document, in_feed + "/a:title"),
            entry["title"]["nl"].get<std::string>());
  EXPECT_EQ(XPathText(document, in_feed + "/a:updated"), effective_at);
  EXPECT_EQ(XPathText(document, in_feed + "/a:link/@href"), Path(id));
  EXPECT_EQ(XPathText(document, in_feed + "/a:category/@term"), kTheme);
  xmlFreeDoc(document);

  // The half year's report has the amendment, and a join request of it.
  ASSERT_EQ(Call(tilburg_, "POST",
                 std::string("/api/v1/themes/") + kTheme + "/join-requests",
                 {{"city", kTilburg}, {"motivation", "Tilburg doet mee."}})
                .status,
            201);
  int month = std::stoi(effective_at.substr(5, 2));
  std::string period = effective_at.substr(0, 4) + (month <= 6 ? "-H1" : "-H2");
  json report = Get("/api/v1/reports/" + period);
  std::map<std::string, json> sections;
  for (const json& section : report["sections"]) {
    sections[section["id"]] = section;
  }
  ASSERT_TRUE(sections.contains("amendments")) << report["sections"].dump();
  ASSERT_TRUE(sections.contains("joins"));
  std::string amendments_text = sections["amendments"].dump();
  EXPECT_THAT(amendments_text, HasSubstr("afspraak a van De Bedrijvige Stad"));
  EXPECT_THAT(amendments_text, HasSubstr("in werking"));
  EXPECT_THAT(amendments_text, HasSubstr("Helmond"));
  std::string joins_text = sections["joins"].dump();
  EXPECT_THAT(joins_text, HasSubstr("Tilburg"));
  EXPECT_THAT(joins_text, HasSubstr("aangevraagd"));
  json english = Get("/api/v1/reports/" + period + "?lang=en");
  bool has_english = false;
  for (const json& section : english["sections"]) {
    has_english = has_english ||
                  section["title"] == "Amendments of the agreements (art. 9)";
  }
  EXPECT_TRUE(has_english) << english["sections"].dump();
  // The command line's report has the same sections as the API's.
  std::vector<std::string> args = {
      "report",       period,
      "--format",     "json",
      "--data-dir",   config_.data_dir.string(),
      "--plugin-dir", testing::ThemePluginDir().string()};
  for (const std::string& arg : database_.ServeArguments()) {
    args.push_back(arg);
  }
  testing::CommandResult written = testing::RunCommand(args);
  ASSERT_EQ(written.exit_code, 0) << written.output;
  json from_command = json::parse(written.output, nullptr, false);
  ASSERT_FALSE(from_command.is_discarded()) << written.output;
  std::set<std::string> command_sections;
  for (const json& section : from_command["sections"]) {
    command_sections.insert(section["id"].get<std::string>());
  }
  std::set<std::string> api_sections;
  for (const auto& [section_id, section] : sections) {
    api_sections.insert(section_id);
  }
  EXPECT_EQ(command_sections, api_sections);
  json earlier = Get("/api/v1/reports/2013-H2");
  for (const json& section : earlier["sections"]) {
    EXPECT_NE(section["id"], "amendments");
    EXPECT_NE(section["id"], "joins");
  }

  // A later manifest that changes the agreement's text does not replace
  // the amended text (catalog.h) ...
  {
    domain::Catalog catalog(platform_->database());
    auto theme = catalog.GetTheme(kTheme);
    ASSERT_TRUE(theme.ok() && theme->has_value());
    domain::ThemeManifest manifest = **theme;
    bool found = false;
    for (auto& item : manifest.agreements) {
      if (item.letter != "a") continue;
      item.text = original + " Herzien in de manifest.";
      found = true;
    }
    ASSERT_TRUE(found);
    Status synced = catalog.Sync(manifest);
    ASSERT_TRUE(synced.ok()) << synced.message();
  }
  agreement = Get(AgreementPath("a"));
  EXPECT_EQ(agreement["text"], amended);
  EXPECT_EQ(agreement["history"].size(), 2u);
  // ... nor does the plugin's own manifest when the platform starts again.
  platform_.reset();
  Start();
  agreement = Get(AgreementPath("a"));
  EXPECT_EQ(agreement["text"], amended);
  EXPECT_EQ(agreement["history"].back()["source"], "amendment");
  EXPECT_EQ(Get("/api/v1/publications")["items"][0]["id"], entry_id);
}

}  // namespace
}  // namespace smartercities
