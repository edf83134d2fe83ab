// The site's pages for the covenant's procedures (core/web/
// procedure_pages.cc, agenda_pages.cc) through a real socket with the nine
// theme plugins: each form posts to the API in-process as its caller, so a
// refusal the API gives comes back as the page with the API's reason, next
// to the field it names; the public pages are cacheable and change with the
// data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/app/platform.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResponse;
using ::testing::Not;

constexpr const char* kTheme = "bedrijvige-stad";  // led by GM0772, GM0794
constexpr const char* kHelmond = "GM0794";
constexpr const char* kTilburg = "GM0855";

// A path as the templates write it in an attribute (mustache escapes '/').
std::string InHtml(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '/') {
      out += "&#x2F;";
    } else {
      out += c;
    }
  }
  return out;
}

class ProcedurePagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SMARTERCITIES_SKIP_WITHOUT_DATABASE(database_);
    config_.port = 0;
    config_.data_dir = dir_.path() / "data";
    config_.database_url = database_.url();
    config_.plugin_dir = testing::ThemePluginDir();
    config_.web_root = "";
    config_.initial_admin_password = "beheer-Kanaal-tulp-93";
    auto platform = app::Platform::Start(config_);
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value();
    std::ifstream in(config_.AdminTokenFile());
    std::getline(in, admin_);
  }

  std::string Token(const std::string& role, const std::string& scope) {
    HttpResponse made = Fetch(
        platform_->port(), "POST", "/api/v1/tokens",
        {{"Authorization", "Bearer " + admin_},
         {"Content-Type", "application/json"}},
        json{{"name", role + " " + scope}, {"role", role}, {"scope", scope}}
            .dump());
    EXPECT_EQ(made.status, 201) << made.body;
    return json::parse(made.body)["token"];
  }

  // A form of the site, sent as a token's holder (a token needs no CSRF
  // field; the site's own pages send one with a login session).
  HttpResponse PostForm(const std::string& token, const std::string& target,
                        const std::string& body) {
    return Fetch(platform_->port(), "POST", target,
                 {{"Authorization", "Bearer " + token},
                  {"Content-Type", "application/x-www-form-urlencoded"}},
                 body);
  }

  HttpResponse Get(const std::string& target, const std::string& token = "") {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return Fetch(platform_->port(), "GET", target, headers);
  }

  testing::TempDir dir_;
  testing::TestDatabase database_;
  app::Config config_;
  std::unique_ptr<app::Platform> platform_;
  std::string admin_;
};

TEST_F(ProcedurePagesTest, AJoinThroughTheFormsShowsEachRefusalWithItsReason) {
  std::string tilburg = Token("city-editor", kTilburg);
  std::string helmond = Token("city-editor", kHelmond);
  std::string base = std::string("/themas/") + kTheme + "/toetredingen";

  // An empty motivation: the API's message next to the field.
  HttpResponse empty =
      PostForm(tilburg, base, std::string("city=") + kTilburg + "&motivation=");
  EXPECT_EQ(empty.status, 422);
  EXPECT_THAT(empty.body, HasSubstr("id=\"veld-motivation-fout\""));
  EXPECT_THAT(empty.body, HasSubstr("motivation"));
  EXPECT_THAT(empty.body, HasSubstr("aria-invalid=\"true\""));

  // Asking for another city is refused with the API's reason.
  HttpResponse other = PostForm(
      helmond, base, std::string("city=") + kTilburg + "&motivation=namens");
  EXPECT_EQ(other.status, 403);
  EXPECT_THAT(other.body, HasSubstr("data-problem"));

  HttpResponse asked = PostForm(
      tilburg, base,
      std::string("city=") + kTilburg + "&motivation=Glasvezel+voor+iedereen");
  ASSERT_EQ(asked.status, 303) << asked.body;
  std::string location = asked.Header("location");
  ASSERT_THAT(location, HasSubstr(base + "/"));
  std::string page = location.substr(0, location.find('?'));

  // Asking again while the request is open: 409, naming the state.
  HttpResponse again = PostForm(
      tilburg, base, std::string("city=") + kTilburg + "&motivation=nogmaals");
  EXPECT_EQ(again.status, 409);
  EXPECT_THAT(again.body, HasSubstr("requested"));

  // The request's page offers the leading city exactly the consultation,
  // the city asking nothing, and the public a way to log in.
  HttpResponse as_leader = Get(page, helmond);
  ASSERT_EQ(as_leader.status, 200);
  EXPECT_THAT(as_leader.body, HasSubstr("data-testid=\"consult-form\""));
  EXPECT_THAT(as_leader.body, Not(HasSubstr("data-testid=\"decide-form\"")));
  HttpResponse as_asker = Get(page, tilburg);
  EXPECT_THAT(as_asker.body, Not(HasSubstr("<form class=\"sc-form\"")));
  EXPECT_THAT(as_asker.body, HasSubstr("data-testid=\"no-step\""));
  HttpResponse as_public = Get(page);
  EXPECT_EQ(as_public.status, 200);
  EXPECT_THAT(as_public.body, Not(HasSubstr("<form class=\"sc-form\"")));
  EXPECT_EQ(as_public.Header("cache-control"), "no-store");

  // The city asking cannot put its own request to the involved cities, and
  // the leading city cannot decide before it has.
  HttpResponse consult_by_asker =
      PostForm(tilburg, page + "/voorleggen", "note=");
  EXPECT_EQ(consult_by_asker.status, 403);
  EXPECT_THAT(consult_by_asker.body, HasSubstr("GM0794"));
  HttpResponse early =
      PostForm(helmond, page + "/besluit", "outcome=accepted&reason=snel");
  EXPECT_EQ(early.status, 409);
  EXPECT_THAT(early.body, HasSubstr("data-problem"));

  ASSERT_EQ(PostForm(helmond, page + "/voorleggen", "note=").status, 303);
  // An unknown position is named next to its field.
  HttpResponse bad_position =
      PostForm(helmond, page + "/reactie", "position=misschien&comment=");
  EXPECT_EQ(bad_position.status, 422);
  EXPECT_THAT(bad_position.body, HasSubstr("id=\"veld-position-fout\""));
  ASSERT_EQ(
      PostForm(helmond, page + "/reactie", "position=object&comment=Te+vroeg")
          .status,
      303);
  // Responding twice is refused.
  EXPECT_EQ(PostForm(helmond, page + "/reactie", "position=agree").status, 409);
  ASSERT_EQ(PostForm(helmond, page + "/besluit",
                     "outcome=refused&reason=Eerst+de+pilots+afronden")
                .status,
            303);
  HttpResponse decided = Get(page);
  EXPECT_THAT(decided.body, HasSubstr("data-state=\"refused\""));
  EXPECT_THAT(decided.body, HasSubstr("Eerst de pilots afronden"));
  EXPECT_THAT(decided.body, HasSubstr("Te vroeg"));
}

TEST_F(ProcedurePagesTest, TheThemePageIsCachedAndShowsANewRequest) {
  std::string path = std::string("/themas/") + kTheme;
  HttpResponse before = Get(path);
  ASSERT_EQ(before.status, 200);
  std::string etag = before.Header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(Get(path).Header("etag"), etag);
  EXPECT_THAT(before.body, Not(HasSubstr("data-join-state")));
  ASSERT_EQ(PostForm(Token("city-editor", kTilburg), path + "/toetredingen",
                     std::string("city=") + kTilburg + "&motivation=graag")
                .status,
            303);
  HttpResponse after = Get(path);
  EXPECT_NE(after.Header("etag"), etag);
  EXPECT_THAT(after.body, HasSubstr("data-join-state=\"requested\""));
  EXPECT_THAT(after.body, HasSubstr("Tilburg"));
}

TEST_F(ProcedurePagesTest, TheMeetingsPageFlagsAYearShortOfTheRhythm) {
  for (const char* date : {"2013-04-10", "2013-06-12", "2013-09-18"}) {
    ASSERT_EQ(PostForm(admin_, "/overleggen",
                       std::string("kind=official&date=") + date)
                  .status,
              303);
  }
  HttpResponse page = Get("/overleggen");
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("data-testid=\"rhythm-2013\" "
                                   "data-kept=\"false\""));
  EXPECT_THAT(page.body, HasSubstr("3 / 4"));
  // Each shortfall named in the page's language, with its article.
  EXPECT_THAT(page.body, HasSubstr("data-testid=\"shortfall-6a\""));
  EXPECT_THAT(page.body, HasSubstr("Te weinig ambtelijk overleg"));
  EXPECT_THAT(Get("/en/overleggen").body,
              HasSubstr("Too few official meetings"));
  EXPECT_THAT(page.body, Not(HasSubstr("official meetings in 2013")));
  // A city editor may not record a meeting.
  HttpResponse refused = PostForm(Token("city-editor", kHelmond), "/overleggen",
                                  "kind=official&date=2013-11-20");
  EXPECT_EQ(refused.status, 403);
  HttpResponse wrong_kind =
      PostForm(admin_, "/overleggen", "kind=borrel&date=2013-11-20");
  EXPECT_EQ(wrong_kind.status, 422);
  EXPECT_THAT(wrong_kind.body, HasSubstr("id=\"veld-kind-fout\""));
}

TEST_F(ProcedurePagesTest, AContributionPastTheLimitIsRefusedWithTheRule) {
  ASSERT_EQ(PostForm(admin_, "/financiering",
                     "kind=cost&date=2013-06-30&amount=3.000.000,00&"
                     "description=Kosten&documentReference=K-1")
                .status,
            303);
  ASSERT_EQ(PostForm(admin_, "/financiering",
                     "kind=contribution&date=2013-07-01&amount=999.999,99&"
                     "description=Bijdrage&documentReference=B-1")
                .status,
            303);
  HttpResponse over = PostForm(admin_, "/financiering",
                               "kind=contribution&date=2013-07-02&amount=0,02&"
                               "description=Te+veel&documentReference=B-2");
  EXPECT_EQ(over.status, 422);
  EXPECT_THAT(over.body, HasSubstr("0.01"));
  HttpResponse bad_amount = PostForm(admin_, "/financiering",
                                     "kind=cost&date=2013-07-02&amount=veel&"
                                     "description=X&documentReference=K-2");
  EXPECT_EQ(bad_amount.status, 422);
  EXPECT_THAT(bad_amount.body, HasSubstr("id=\"veld-amount-fout\""));
  HttpResponse page = Get("/financiering");
  EXPECT_THAT(page.body, HasSubstr("€ 999.999,99"));
  EXPECT_THAT(page.body, HasSubstr("€ 0,01"));
  // Each entry with its document.
  EXPECT_THAT(page.body, HasSubstr("K-1"));
  EXPECT_THAT(page.body, HasSubstr("B-1"));
  EXPECT_THAT(page.body, Not(HasSubstr("B-2")));
}

TEST_F(ProcedurePagesTest, AnAmendmentThroughTheFormsShowsEachRefusal) {
  std::string helmond = Token("city-editor", kHelmond);
  std::string eindhoven = Token("city-editor", "GM0772");
  std::string tilburg = Token("city-editor", kTilburg);
  std::string proposal = std::string("target=agreement&agreement=") + kTheme +
                         "%2Fa&proposer=" + kHelmond +
                         "&text=Een+nieuwe+tekst+voor+afspraak+a.";

  // An empty reason: the API's message next to the field.
  HttpResponse empty = PostForm(helmond, "/wijzigingen", proposal + "&reason=");
  EXPECT_EQ(empty.status, 422);
  EXPECT_THAT(empty.body, HasSubstr("id=\"veld-reason-fout\""));
  EXPECT_THAT(empty.body, HasSubstr("aria-invalid=\"true\""));
  // What was typed stays in the form.
  EXPECT_THAT(empty.body, HasSubstr("Een nieuwe tekst voor afspraak a."));
  // No agreement chosen: named next to the agreement's field.
  HttpResponse no_agreement =
      PostForm(helmond, "/wijzigingen",
               std::string("target=agreement&agreement=&proposer=") + kHelmond +
                   "&text=x&reason=y");
  EXPECT_EQ(no_agreement.status, 422);
  EXPECT_THAT(no_agreement.body, HasSubstr("id=\"veld-agreement-fout\""));
  // Proposing for another city is refused with the API's reason.
  HttpResponse other =
      PostForm(tilburg, "/wijzigingen", proposal + "&reason=namens");
  EXPECT_EQ(other.status, 403);
  EXPECT_THAT(other.body, HasSubstr("data-problem"));

  HttpResponse proposed =
      PostForm(helmond, "/wijzigingen", proposal + "&reason=Actueler");
  ASSERT_EQ(proposed.status, 303) << proposed.body;
  std::string location = proposed.Header("location");
  ASSERT_THAT(location, HasSubstr("/wijzigingen/"));
  std::string page = location.substr(0, location.find('?'));
  std::string id = page.substr(page.rfind('/') + 1);

  // The page offers each caller exactly their step: the other leading
  // city and an administrator (for EZ) respond, the proposer may withdraw,
  // Tilburg has none, the public may log in.
  HttpResponse as_eindhoven = Get(page, eindhoven);
  ASSERT_EQ(as_eindhoven.status, 200);
  EXPECT_THAT(as_eindhoven.body, HasSubstr("data-testid=\"respond-form\""));
  EXPECT_THAT(as_eindhoven.body, Not(HasSubstr("data-testid=\"report-form\"")));
  HttpResponse as_admin = Get(page, admin_);
  EXPECT_THAT(as_admin.body, HasSubstr("id=\"veld-party\""));
  EXPECT_THAT(as_admin.body, Not(HasSubstr("data-testid=\"effect-form\"")));
  HttpResponse as_helmond = Get(page, helmond);
  EXPECT_THAT(as_helmond.body, HasSubstr("data-testid=\"withdraw-form\""));
  EXPECT_THAT(as_helmond.body, Not(HasSubstr("data-testid=\"respond-form\"")));
  EXPECT_THAT(Get(page, tilburg).body, HasSubstr("data-testid=\"no-step\""));
  HttpResponse as_public = Get(page);
  EXPECT_EQ(as_public.status, 200);
  EXPECT_THAT(as_public.body, Not(HasSubstr("<form class=\"sc-form\"")));
  EXPECT_EQ(as_public.Header("cache-control"), "no-store");
  EXPECT_THAT(as_public.body, HasSubstr("<ins>"));

  // A city that takes no part cannot respond; the leading city cannot
  // report before every party agreed; an unknown position is named.
  HttpResponse by_tilburg =
      PostForm(tilburg, page + "/reactie", "position=agree");
  EXPECT_EQ(by_tilburg.status, 403);
  EXPECT_THAT(by_tilburg.body, HasSubstr("GM0772"));
  HttpResponse early = PostForm(helmond, page + "/bericht", "note=");
  EXPECT_EQ(early.status, 409);
  EXPECT_THAT(early.body, HasSubstr("data-problem"));
  HttpResponse bad_position =
      PostForm(eindhoven, page + "/reactie", "position=misschien");
  EXPECT_EQ(bad_position.status, 422);
  EXPECT_THAT(bad_position.body, HasSubstr("id=\"veld-position-fout\""));
  // A city editor cannot put it into effect, nor consent for the meeting.
  EXPECT_EQ(PostForm(helmond, page + "/inwerkingtreding", "").status, 403);
  EXPECT_EQ(PostForm(admin_, page + "/instemming", "meeting=1").status, 409);

  // Every party still awaited agrees: cities for themselves, an
  // administrator for a party.
  json amendment = json::parse(Get("/api/v1/amendments/" + id).body);
  for (const auto& party : amendment["awaiting"]) {
    std::string code = party.get<std::string>();
    bool is_city = code.starts_with("GM");
    HttpResponse agreed = PostForm(
        is_city ? Token("city-editor", code) : admin_, page + "/reactie",
        (is_city ? std::string() : "party=" + code + "&") + "position=agree");
    ASSERT_EQ(agreed.status, 303) << code << ": " << agreed.body;
  }
  EXPECT_EQ(PostForm(eindhoven, page + "/reactie", "position=agree").status,
            409);
  EXPECT_THAT(Get(page, helmond).body,
              HasSubstr("data-testid=\"report-form\""));
  ASSERT_EQ(PostForm(helmond, page + "/bericht", "note=Akkoord").status, 303);
  ASSERT_EQ(PostForm(admin_, page + "/inwerkingtreding", "").status, 303);
  HttpResponse done = Get(page);
  EXPECT_THAT(done.body, HasSubstr("data-state=\"in-effect\""));
  EXPECT_THAT(done.body, HasSubstr("Akkoord"));
  // Withdrawing after it took effect is refused.
  EXPECT_EQ(PostForm(helmond, page + "/intrekking", "reason=toch").status, 409);

  // The agreement's page shows the new text and no open amendment; the
  // list and the publications link to the amendment's page.
  HttpResponse agreement =
      Get(std::string("/themas/") + kTheme + "/afspraken/a");
  EXPECT_THAT(agreement.body, HasSubstr("Een nieuwe tekst voor afspraak a."));
  EXPECT_THAT(agreement.body,
              Not(HasSubstr("data-testid=\"open-amendments\"")));
  EXPECT_THAT(
      Get("/wijzigingen").body,
      HasSubstr("data-amendment=\"" + id + "\" data-state=\"in-effect\""));
  EXPECT_THAT(Get(std::string("/wijzigingen?thema=") + kTheme).body,
              HasSubstr("data-amendment=\"" + id + "\""));
  EXPECT_THAT(Get("/wijzigingen?thema=algemeen").body,
              Not(HasSubstr("data-amendment=\"" + id + "\"")));
  EXPECT_THAT(Get("/publicaties").body,
              HasSubstr("href=\"" + InHtml(page) + "\""));
  EXPECT_THAT(Get("/en/publicaties").body,
              HasSubstr("href=\"" + InHtml("/en" + page) + "\""));
}

TEST_F(ProcedurePagesTest, TheAgreementPageLinksToItsOpenAmendment) {
  std::string path = std::string("/themas/") + kTheme + "/afspraken/b";
  EXPECT_THAT(Get(path).body,
              Not(HasSubstr("data-testid=\"open-amendments\"")));
  HttpResponse proposed =
      PostForm(Token("city-editor", kHelmond), "/wijzigingen",
               std::string("target=agreement&agreement=") + kTheme +
                   "%2Fb&proposer=" + kHelmond + "&text=Anders.&reason=Beter");
  ASSERT_EQ(proposed.status, 303) << proposed.body;
  std::string location = proposed.Header("location");
  std::string page = location.substr(0, location.find('?'));
  HttpResponse after = Get(path);
  EXPECT_THAT(after.body, HasSubstr("data-testid=\"open-amendments\""));
  EXPECT_THAT(after.body, HasSubstr("href=\"" + InHtml(page) + "\""));
  // The form opened from the agreement starts from its current text.
  HttpResponse form =
      Get(std::string("/wijzigingen/nieuw?thema=") + kTheme + "&afspraak=b",
          Token("city-editor", kHelmond));
  ASSERT_EQ(form.status, 200);
  EXPECT_THAT(form.body, HasSubstr("value=\"" + std::string(kTheme) +
                                   "&#x2F;b\" selected"));
}

TEST_F(ProcedurePagesTest, AnAmendmentOfTheGeneralPartThroughTheForms) {
  // The administrative meeting that will consent (art. 6b), recorded on
  // the site.
  ASSERT_EQ(PostForm(admin_, "/overleggen",
                     "kind=administrative&date=2013-10-01&"
                     "reportPeriod=2013-H1")
                .status,
            303);
  json meetings = json::parse(Get("/api/v1/meetings").body);
  ASSERT_EQ(meetings["total"], 1);
  std::string meeting = std::to_string(meetings["items"][0]["id"].get<int>());

  // G32 proposes a change of article 6b (art. 9a), through an
  // administrator acting for it.
  HttpResponse proposed = PostForm(
      admin_, "/wijzigingen",
      "target=article&article=6b&proposer=g32&"
      "currentText=Partijen+zullen+tenminste+twee+keer+per+jaar+bestuurlijk+"
      "overleg+voeren.&"
      "text=Partijen+zullen+tenminste+drie+keer+per+jaar+bestuurlijk+overleg+"
      "voeren.&reason=Vaker+overleg");
  ASSERT_EQ(proposed.status, 303) << proposed.body;
  std::string location = proposed.Header("location");
  std::string page = location.substr(0, location.find('?'));
  HttpResponse shown = Get(page, admin_);
  ASSERT_EQ(shown.status, 200);
  EXPECT_THAT(shown.body, HasSubstr("data-testid=\"consent\""));
  EXPECT_THAT(shown.body, HasSubstr("twee</del>"));
  EXPECT_THAT(shown.body, HasSubstr("drie</ins>"));

  // The meeting cannot consent before EZ agreed (9b); a city cannot answer
  // for EZ; then EZ's agreement through an administrator.
  HttpResponse early =
      PostForm(admin_, page + "/instemming", "meeting=" + meeting);
  EXPECT_EQ(early.status, 409);
  EXPECT_THAT(early.body, HasSubstr("data-problem"));
  EXPECT_EQ(PostForm(Token("city-editor", kHelmond), page + "/reactie",
                     "position=agree")
                .status,
            403);
  ASSERT_EQ(
      PostForm(admin_, page + "/reactie", "party=ez&position=agree").status,
      303);
  // The consent form offers the administrative meeting by its date.
  HttpResponse consent_form = Get(page, admin_);
  EXPECT_THAT(consent_form.body, HasSubstr("data-testid=\"consent-form\""));
  EXPECT_THAT(consent_form.body,
              HasSubstr("<option value=\"" + meeting + "\">"));
  EXPECT_EQ(PostForm(admin_, page + "/instemming", "meeting=").status, 422);
  ASSERT_EQ(PostForm(admin_, page + "/instemming", "meeting=" + meeting).status,
            303);
  // No leading city reports the general part: Stedenlink puts it into
  // effect straight away (9d).
  HttpResponse agreed = Get(page, admin_);
  EXPECT_THAT(agreed.body, HasSubstr("data-state=\"agreed\""));
  EXPECT_THAT(agreed.body, Not(HasSubstr("data-testid=\"report-form\"")));
  EXPECT_THAT(agreed.body, HasSubstr("data-testid=\"effect-form\""));
  ASSERT_EQ(PostForm(admin_, page + "/inwerkingtreding", "").status, 303);

  EXPECT_THAT(Get(page).body, HasSubstr("data-state=\"in-effect\""));
  std::string id = page.substr(page.rfind('/') + 1);
  EXPECT_THAT(Get("/wijzigingen?thema=algemeen").body,
              HasSubstr("data-amendment=\"" + id + "\""));
  EXPECT_THAT(Get(std::string("/wijzigingen?thema=") + kTheme).body,
              Not(HasSubstr("data-amendment=\"" + id + "\"")));
  HttpResponse publications = Get("/publicaties");
  EXPECT_THAT(publications.body, HasSubstr("href=\"" + InHtml(page) + "\""));
  EXPECT_THAT(publications.body, HasSubstr("artikel 6b"));
}

TEST_F(ProcedurePagesTest, AProjectsOpenActionAndFundingThroughTheForm) {
  std::string helmond = Token("city-editor", kHelmond);
  std::string base = std::string("/themas/") + kTheme + "/projecten";
  std::string project =
      "title=Glasvezel+op+bedrijventerreinen&aim=Snel+internet&lead=" +
      std::string(kHelmond) + "&status=proposed&proposedOn=2013-05-01";
  std::string action = std::string("&concretisesAgreement=") + kTheme +
                       "%2Fa&concretisesParty=" + kHelmond +
                       "&concretisesAction=Een+plan+voor+de+glasvezel";
  // The form has one empty row for a funding source.
  HttpResponse form = Get(base + "/nieuw", helmond);
  ASSERT_EQ(form.status, 200);
  EXPECT_THAT(form.body, HasSubstr("data-testid=\"source-0\""));
  EXPECT_THAT(form.body, Not(HasSubstr("data-testid=\"source-1\"")));
  EXPECT_THAT(form.body, HasSubstr("id=\"veld-concretisesAgreement\""));

  // An amount that is not one is named next to its row's field, and what
  // was typed stays.
  HttpResponse bad_amount =
      PostForm(helmond, base,
               project + action +
                   "&sourceRows=2&source-0-kind=eu&source-0-name=Horizon&"
                   "source-0-amount=veel&source-1-kind=&source-1-name=");
  EXPECT_EQ(bad_amount.status, 422);
  EXPECT_THAT(bad_amount.body, HasSubstr("id=\"veld-source-0-amount-fout\""));
  EXPECT_THAT(bad_amount.body, HasSubstr("value=\"veel\""));
  EXPECT_THAT(bad_amount.body, HasSubstr("Een plan voor de glasvezel"));
  // The API's refusal of a source's field lands on that row: the second
  // filled-in row has a kind but no name.
  HttpResponse no_name = PostForm(
      helmond, base,
      project + action +
          "&sourceRows=3&source-0-kind=eu&source-0-name=Horizon&"
          "source-1-kind=&source-1-name=&source-2-kind=own&source-2-name=");
  EXPECT_EQ(no_name.status, 422);
  EXPECT_THAT(no_name.body, HasSubstr("id=\"veld-source-2-name-fout\""));
  // An open action of another theme's agreement is refused at its field.
  HttpResponse other_theme = PostForm(
      helmond, base,
      project + "&concretisesAgreement=zorgende-stad%2Fa&concretisesParty=" +
          kHelmond + "&concretisesAction=x&sourceRows=0");
  EXPECT_EQ(other_theme.status, 422);
  EXPECT_THAT(other_theme.body,
              HasSubstr("id=\"veld-concretisesAgreement-fout\""));

  HttpResponse saved =
      PostForm(helmond, base,
               project + action +
                   "&sourceRows=2&source-0-kind=eu&source-0-name=Horizon+2020&"
                   "source-0-amount=250.000,00&source-0-status=requested&"
                   "source-0-ezSupport=true&source-0-document=H2020-17&"
                   "source-1-kind=municipal&source-1-name=Gemeente+Helmond");
  ASSERT_EQ(saved.status, 303) << saved.body;
  std::string page = saved.Header("location");
  std::string id = page.substr(page.rfind('/') + 1);
  json stored = json::parse(
      Get(std::string("/api/v1/themes/") + kTheme + "/projects/" + id).body);
  EXPECT_EQ(stored["concretises"]["agreement"], std::string(kTheme) + "/a");
  EXPECT_EQ(stored["concretises"]["party"], kHelmond);
  ASSERT_EQ(stored["fundingSources"].size(), 2u);
  EXPECT_EQ(stored["fundingSources"][0]["amountCents"], 25000000);
  EXPECT_EQ(stored["fundingSources"][0]["status"], "requested");
  EXPECT_EQ(stored["fundingSources"][0]["ezSupport"], true);
  EXPECT_EQ(stored["fundingSources"][1]["kind"], "municipal");
  EXPECT_NE(stored["fundingSources"][1]["ezSupport"], true);

  // The project's page names the kind and the state in Dutch.
  HttpResponse shown = Get(page);
  EXPECT_THAT(shown.body, HasSubstr("Horizon 2020 (Europees, aangevraagd)"));
  EXPECT_THAT(shown.body, HasSubstr("Een plan voor de glasvezel"));
  // The theme's agenda lists the open action with the project that made it
  // concrete (4d).
  HttpResponse agenda = Get(base);
  EXPECT_THAT(agenda.body, HasSubstr("Een plan voor de glasvezel (Helmond, "));
  EXPECT_THAT(agenda.body,
              HasSubstr(">Afspraak a</a>): <a class=\"utrecht-link\" href=\"" +
                        InHtml(page) +
                        "\">Glasvezel op bedrijventerreinen</a>, voorgesteld"));

  // The change form starts from what is stored, with an empty row more;
  // emptying the open action and a row's fields removes them.
  HttpResponse change = Get(page + "/wijzigen", helmond);
  ASSERT_EQ(change.status, 200);
  EXPECT_THAT(change.body, HasSubstr("value=\"€ 250.000,00\""));
  EXPECT_THAT(change.body, HasSubstr("data-testid=\"source-2\""));
  EXPECT_THAT(change.body, HasSubstr("name=\"sourceRows\" value=\"3\""));
  ASSERT_EQ(PostForm(helmond, page,
                     project + "&sourceRows=2&source-0-kind=eu&"
                               "source-0-name=Horizon+2020&"
                               "source-0-status=granted")
                .status,
            303);
  stored = json::parse(
      Get(std::string("/api/v1/themes/") + kTheme + "/projects/" + id).body);
  EXPECT_TRUE(stored["concretises"].is_null());
  ASSERT_EQ(stored["fundingSources"].size(), 1u);
  EXPECT_EQ(stored["fundingSources"][0]["status"], "granted");
  EXPECT_FALSE(stored["fundingSources"][0].contains("amountCents") &&
               !stored["fundingSources"][0]["amountCents"].is_null());
}

TEST_F(ProcedurePagesTest, AMeetingIsChangedOnTheSite) {
  ASSERT_EQ(PostForm(admin_, "/overleggen",
                     "kind=official&date=2013-04-10&parties=ez")
                .status,
            303);
  json meetings = json::parse(Get("/api/v1/meetings").body);
  ASSERT_EQ(meetings["total"], 1);
  std::string id = std::to_string(meetings["items"][0]["id"].get<int>());
  std::string edit = "/overleggen/" + id + "/wijzigen";
  EXPECT_THAT(Get("/overleggen").body, HasSubstr("href=\"" + InHtml(edit)));

  // Only administrators change a meeting (for Stedenlink).
  EXPECT_EQ(Get(edit, Token("city-editor", kHelmond)).status, 403);
  EXPECT_EQ(PostForm(Token("city-editor", kHelmond), "/overleggen/" + id,
                     "kind=official&date=2013-04-10")
                .status,
            403);
  EXPECT_EQ(Get("/overleggen/999/wijzigen", admin_).status, 404);
  HttpResponse form = Get(edit, admin_);
  ASSERT_EQ(form.status, 200);
  EXPECT_THAT(form.body, HasSubstr("value=\"2013-04-10\""));
  EXPECT_THAT(form.body, HasSubstr("value=\"ez\" checked"));

  // The minutes and decisions come after the meeting.
  HttpResponse bad = PostForm(admin_, "/overleggen/" + id,
                              "kind=official&date=2013-13-10&parties=ez");
  EXPECT_EQ(bad.status, 422);
  EXPECT_THAT(bad.body, HasSubstr("id=\"veld-date-fout\""));
  ASSERT_EQ(PostForm(admin_, "/overleggen/" + id,
                     "kind=official&date=2013-04-10&parties=ez&parties=g4&"
                     "decisions=Het+werkplan+is+vastgesteld.&"
                     "minutes=Verslag+van+het+overleg")
                .status,
            303);
  HttpResponse page = Get("/overleggen");
  EXPECT_THAT(page.body, HasSubstr("Het werkplan is vastgesteld."));
  // Minutes are for logged-in callers only.
  EXPECT_THAT(page.body, Not(HasSubstr("Verslag van het overleg")));
  json stored = json::parse(Get("/api/v1/meetings/" + id, admin_).body);
  EXPECT_EQ(stored["minutes"], "Verslag van het overleg");
  EXPECT_EQ(stored["attendees"]["parties"].size(), 2u);
  // The change form shows the minutes again to the administrator.
  EXPECT_THAT(Get(edit, admin_).body, HasSubstr("Verslag van het overleg"));
}

}  // namespace
}  // namespace smartercities
