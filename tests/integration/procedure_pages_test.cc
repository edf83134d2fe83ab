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
    config_.port = 0;
    config_.data_dir = dir_.path() / "data";
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

}  // namespace
}  // namespace smartercities
