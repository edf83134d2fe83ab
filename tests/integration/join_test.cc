// Participation in the themes and the join procedure of article 8, through
// the real server with the nine theme plugins: the participants the
// covenant names, a city asking to join, the leading city putting it to the
// involved cities, their responses, the decision, and the publication of
// the join as JSON and as an Atom feed read back with libxml2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/app/platform.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using testing::HttpResponse;

constexpr const char* kTheme = "bedrijvige-stad";  // led by Eindhoven, Helmond
constexpr const char* kEindhoven = "GM0772";
constexpr const char* kHelmond = "GM0794";
constexpr const char* kTilburg = "GM0855";
constexpr const char* kAmsterdam = "GM0363";

std::vector<std::string> Strings(const json& array) {
  std::vector<std::string> out;
  for (const json& item : array) out.push_back(item.get<std::string>());
  return out;
}

class JoinTest : public ::testing::Test {
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

  // An API token of a city editor (or another role) with this scope.
  std::string Token(const std::string& role, const std::string& scope) {
    HttpResponse made =
        Call(admin_, "POST", "/api/v1/tokens",
             {{"name", role + " " + scope}, {"role", role}, {"scope", scope}});
    EXPECT_EQ(made.status, 201) << made.body;
    return json::parse(made.body)["token"];
  }

  std::string Path(std::int64_t id, const std::string& step = "") {
    std::string path = std::string("/api/v1/themes/") + kTheme +
                       "/join-requests/" + std::to_string(id);
    if (!step.empty()) path += "/" + step;
    return path;
  }

  // The participant with this id in the theme's list, or null.
  json Participant(const std::string& theme, const std::string& id) {
    json list = Get("/api/v1/themes/" + theme + "/participants");
    for (const json& item : list["items"]) {
      if (item["id"] == id) return item;
    }
    return nullptr;
  }

  testing::TempDir dir_;
  testing::TestDatabase database_;
  app::Config config_;
  std::unique_ptr<app::Platform> platform_;
  std::string admin_;
};

TEST_F(JoinTest, ParticipationStartsFromTheManifestsAndTheCovenantsText) {
  json leading = Participant(kTheme, kHelmond);
  ASSERT_TRUE(leading.is_object());
  EXPECT_EQ(leading["role"], "leading");
  EXPECT_EQ(leading["kind"], "city");
  EXPECT_EQ(leading["name"], "Helmond");
  EXPECT_EQ(leading["since"], "2013-03-07");
  EXPECT_EQ(leading["source"], "manifest");
  EXPECT_EQ(Participant(kTheme, kEindhoven)["role"], "leading");
  // Art. 1g: EZ is an involved party where the theme paragraph gives it
  // working agreements, and not where it does not.
  json ez = Participant(kTheme, "ez");
  ASSERT_TRUE(ez.is_object());
  EXPECT_EQ(ez["kind"], "party");
  EXPECT_EQ(ez["role"], "involved");
  EXPECT_EQ(ez["source"], "covenant");
  EXPECT_TRUE(Participant("groene-stad", "ez").is_null());
  // Regelluwe Stad f names Enschede, Ede and Deventer; Groene Stad g
  // Utrecht.
  for (const char* city : {"GM0153", "GM0228", "GM0150"}) {
    EXPECT_EQ(Participant("regelluwe-stad", city)["role"], "involved") << city;
  }
  EXPECT_EQ(Participant("groene-stad", "GM0344")["role"], "involved");
  // Stedenlink leads Kennisdeling and Open Networks; "partners in de DSA"
  // names no one.
  EXPECT_EQ(Participant("kennisdeling", "stedenlink")["role"], "leading");
  EXPECT_EQ(Get("/api/v1/themes/kennisdeling/participants")["total"], 2);

  json parties = Get("/api/v1/parties");
  ASSERT_EQ(parties["total"], 4);
  EXPECT_EQ(parties["items"][0]["id"], "ez");
  EXPECT_EQ(parties["items"][3]["shortName"], "Stedenlink");

  json helmond = Get(std::string("/api/v1/cities/") + kHelmond);
  ASSERT_EQ(helmond["themes"].size(), 1u) << helmond.dump();
  EXPECT_EQ(helmond["themes"][0]["theme"], kTheme);
  EXPECT_EQ(helmond["themes"][0]["role"], "leading");
  json deventer = Get("/api/v1/cities/GM0150");
  std::vector<std::string> themes;
  for (const json& item : deventer["themes"]) themes.push_back(item["theme"]);
  EXPECT_THAT(themes, ::testing::ElementsAre("lerende-stad", "regelluwe-stad"));

  EXPECT_EQ(Call("", "GET", "/api/v1/themes/no-such-theme/participants").status,
            404);
}

TEST_F(JoinTest, ADisabledThemeHasNoParticipantsAndCannotBeJoined) {
  const std::string theme = "/api/v1/themes/kennisdeling";
  ASSERT_EQ(Call(admin_, "PATCH", "/api/v1/modules/kennisdeling",
                 {{"enabled", false}})
                .status,
            200);
  for (const char* part : {"/participants", "/join-requests"}) {
    HttpResponse answer = Call("", "GET", theme + part);
    EXPECT_EQ(answer.status, 404) << part;
    EXPECT_THAT(answer.body,
                ::testing::HasSubstr("there is no theme 'kennisdeling'"));
  }
  HttpResponse ask =
      Call(Token("city-editor", "GM0855"), "POST", theme + "/join-requests",
           {{"city", "GM0855"}, {"motivation", "Graag"}});
  EXPECT_EQ(ask.status, 404);
  // Enabled again, its participants are back as they were.
  ASSERT_EQ(
      Call(admin_, "PATCH", "/api/v1/modules/kennisdeling", {{"enabled", true}})
          .status,
      200);
  EXPECT_GT(Get(theme + "/participants")["total"].get<int>(), 0);
}

TEST_F(JoinTest, EachStepIsTakenOnlyByItsPartyAndInItsOrder) {
  std::string tilburg = Token("city-editor", kTilburg);
  std::string helmond = Token("city-editor", kHelmond);
  std::string eindhoven = Token("city-editor", kEindhoven);
  std::string amsterdam = Token("city-editor", kAmsterdam);
  std::string theme_editor = Token("theme-editor", kTheme);
  std::string requests =
      std::string("/api/v1/themes/") + kTheme + "/join-requests";
  json ask = {{"city", kTilburg},
              {"motivation", "Tilburg bouwt een ondernemersdossier."}};

  // Only the city itself asks.
  HttpResponse refused = Call(amsterdam, "POST", requests, ask);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_THAT(refused.body, ::testing::HasSubstr("city editor of GM0855"));
  EXPECT_EQ(Call(admin_, "POST", requests, ask).status, 403);
  EXPECT_EQ(Call(theme_editor, "POST", requests, ask).status, 403);
  EXPECT_EQ(Call("", "POST", requests, ask).status, 401);
  HttpResponse empty = Call(tilburg, "POST", requests, {{"city", kTilburg}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_THAT(empty.body, ::testing::HasSubstr("motivation"));
  // A leading city takes part already.
  HttpResponse leader = Call(helmond, "POST", requests,
                             {{"city", kHelmond}, {"motivation", "Nogmaals."}});
  EXPECT_EQ(leader.status, 409);
  EXPECT_THAT(leader.body, ::testing::HasSubstr("leading city since"));

  HttpResponse asked = Call(tilburg, "POST", requests, ask);
  ASSERT_EQ(asked.status, 201) << asked.body;
  json request = json::parse(asked.body);
  std::int64_t id = request["id"];
  EXPECT_EQ(request["state"], "requested");
  EXPECT_EQ(asked.Header("Location"), Path(id));
  HttpResponse twice = Call(tilburg, "POST", requests, ask);
  EXPECT_EQ(twice.status, 409);
  EXPECT_THAT(twice.body, ::testing::HasSubstr("open request"));

  // Out of order: nothing to respond to or decide before the consultation.
  HttpResponse early = Call(eindhoven, "POST", Path(id, "decision"),
                            {{"outcome", "accepted"}, {"reason", "Welkom."}});
  EXPECT_EQ(early.status, 409);
  EXPECT_THAT(early.body, ::testing::HasSubstr("is requested"));
  EXPECT_EQ(
      Call(helmond, "POST", Path(id, "responses"), {{"position", "agree"}})
          .status,
      409);

  // Only the leading city (or an administrator for Stedenlink) consults.
  EXPECT_EQ(Call(tilburg, "POST", Path(id, "consultation")).status, 403);
  HttpResponse not_leader =
      Call(theme_editor, "POST", Path(id, "consultation"));
  EXPECT_EQ(not_leader.status, 403);
  EXPECT_THAT(not_leader.body, ::testing::HasSubstr("Helmond GM0794"));
  HttpResponse consulted = Call(admin_, "POST", Path(id, "consultation"),
                                {{"note", "Graag reacties."}});
  ASSERT_EQ(consulted.status, 200) << consulted.body;
  request = json::parse(consulted.body);
  EXPECT_EQ(request["state"], "in-consultation");
  EXPECT_EQ(request["consultation"]["by"], "stedenlink");
  EXPECT_THAT(Strings(request["awaiting"]),
              ::testing::UnorderedElementsAre(kEindhoven, kHelmond));
  HttpResponse again = Call(helmond, "POST", Path(id, "consultation"));
  EXPECT_EQ(again.status, 409);
  EXPECT_THAT(again.body, ::testing::HasSubstr("in consultation"));

  // The other cities of the theme respond, each once.
  EXPECT_EQ(
      Call(tilburg, "POST", Path(id, "responses"), {{"position", "agree"}})
          .status,
      403);
  EXPECT_EQ(
      Call(amsterdam, "POST", Path(id, "responses"), {{"position", "agree"}})
          .status,
      403);
  EXPECT_EQ(Call(admin_, "POST", Path(id, "responses"), {{"position", "agree"}})
                .status,
            403);
  HttpResponse bad =
      Call(helmond, "POST", Path(id, "responses"), {{"position", "maybe"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, ::testing::HasSubstr("position"));
  HttpResponse objected =
      Call(helmond, "POST", Path(id, "responses"),
           {{"position", "object"}, {"comment", "Eerst de pilot afronden."}});
  ASSERT_EQ(objected.status, 201) << objected.body;
  EXPECT_THAT(Strings(json::parse(objected.body)["awaiting"]),
              ::testing::ElementsAre(kEindhoven));
  HttpResponse repeated =
      Call(helmond, "POST", Path(id, "responses"), {{"position", "agree"}});
  EXPECT_EQ(repeated.status, 409);
  EXPECT_THAT(repeated.body, ::testing::HasSubstr("responds once"));

  // The leading city decides; a refusal keeps the city out and is not a
  // join to publish.
  EXPECT_EQ(Call(tilburg, "POST", Path(id, "decision"),
                 {{"outcome", "accepted"}, {"reason", "Zelf besloten."}})
                .status,
            403);
  HttpResponse no_reason =
      Call(eindhoven, "POST", Path(id, "decision"), {{"outcome", "refused"}});
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_THAT(no_reason.body, ::testing::HasSubstr("reason"));
  HttpResponse decided =
      Call(eindhoven, "POST", Path(id, "decision"),
           {{"outcome", "refused"}, {"reason", "Helmond maakt bezwaar."}});
  ASSERT_EQ(decided.status, 200) << decided.body;
  request = json::parse(decided.body);
  EXPECT_EQ(request["state"], "refused");
  EXPECT_EQ(request["decision"]["by"], kEindhoven);
  EXPECT_EQ(request["responses"][0]["position"], "object");
  EXPECT_TRUE(Participant(kTheme, kTilburg).is_null());
  EXPECT_EQ(Get("/api/v1/publications")["total"], 0);
  HttpResponse after = Call(eindhoven, "POST", Path(id, "decision"),
                            {{"outcome", "accepted"}, {"reason", "Toch."}});
  EXPECT_EQ(after.status, 409);
  EXPECT_THAT(after.body, ::testing::HasSubstr("was refused"));
  // A refused city may ask again.
  EXPECT_EQ(Call(tilburg, "POST", requests, ask).status, 201);
  EXPECT_EQ(Get(requests)["total"], 2);
}

// The text of the first node xpath finds in document, or "".
std::string XPathText(xmlDocPtr document, const char* xpath) {
  xmlXPathContextPtr context = xmlXPathNewContext(document);
  auto text_of = [](const char* chars) {
    return reinterpret_cast<const xmlChar*>(chars);
  };
  xmlXPathRegisterNs(context, text_of("a"),
                     text_of("http://www.w3.org/2005/Atom"));
  xmlXPathObjectPtr found = xmlXPathEvalExpression(text_of(xpath), context);
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

TEST_F(JoinTest, AnAcceptedJoinMakesTheCityInvolvedAndIsPublished) {
  std::string tilburg = Token("city-editor", kTilburg);
  std::string helmond = Token("city-editor", kHelmond);
  std::string requests =
      std::string("/api/v1/themes/") + kTheme + "/join-requests";
  HttpResponse asked =
      Call(tilburg, "POST", requests,
           {{"city", kTilburg},
            {"motivation", "Tilburg bouwt een ondernemersloket."}});
  ASSERT_EQ(asked.status, 201) << asked.body;
  std::int64_t id = json::parse(asked.body)["id"];
  ASSERT_EQ(Call(helmond, "POST", Path(id, "consultation")).status, 200);
  ASSERT_EQ(Call(helmond, "POST", Path(id, "responses"),
                 {{"position", "agree"}, {"comment", "Welkom."}})
                .status,
            201);
  HttpResponse decided =
      Call(helmond, "POST", Path(id, "decision"),
           {{"outcome", "accepted"},
            {"reason", "Past bij afspraak d & \"e\" <ja>."}});
  ASSERT_EQ(decided.status, 200) << decided.body;
  json request = json::parse(decided.body);
  EXPECT_EQ(request["state"], "accepted");
  std::string today =
      request["decision"]["at"].get<std::string>().substr(0, 10);
  EXPECT_EQ(request["joinedOn"], today);

  json joined = Participant(kTheme, kTilburg);
  ASSERT_TRUE(joined.is_object());
  EXPECT_EQ(joined["role"], "involved");
  EXPECT_EQ(joined["since"], today);
  EXPECT_EQ(joined["source"], "join-request");
  EXPECT_EQ(joined["joinRequest"], Path(id));
  json city = Get(std::string("/api/v1/cities/") + kTilburg);
  bool involved = false;
  for (const json& item : city["themes"]) {
    involved =
        involved || (item["theme"] == kTheme && item["role"] == "involved");
  }
  EXPECT_TRUE(involved) << city.dump();
  // The site shows it, on the theme's page and on the city's.
  HttpResponse theme_page = Call("", "GET", std::string("/themas/") + kTheme);
  ASSERT_EQ(theme_page.status, 200);
  EXPECT_THAT(theme_page.body,
              ::testing::HasSubstr(">Tilburg</a>: betrokken, sinds"));
  EXPECT_THAT(theme_page.body,
              ::testing::HasSubstr("Ministerie van Economische Zaken: "
                                   "betrokken, sinds 7 maart 2013"));
  HttpResponse city_page = Call("", "GET", std::string("/steden/") + kTilburg);
  ASSERT_EQ(city_page.status, 200);
  EXPECT_THAT(city_page.body,
              ::testing::HasSubstr("data-testid=\"city-involved-in\""));

  // Now a participant, Tilburg cannot ask again.
  EXPECT_EQ(Call(tilburg, "POST", requests,
                 {{"city", kTilburg}, {"motivation", "Nog eens."}})
                .status,
            409);

  // Every step is in the audit trail, with who took it.
  json audit = json::parse(
      Call(admin_, "GET", "/api/v1/audit-events?object=join_requests/").body);
  std::set<std::string> actors;
  for (const json& item : audit["items"]) actors.insert(item["actor"]);
  EXPECT_EQ(audit["total"], 3) << audit.dump();  // asked, consulted, decided
  EXPECT_TRUE(actors.contains("token:city-editor " + std::string(kTilburg)));
  EXPECT_TRUE(actors.contains("token:city-editor " + std::string(kHelmond)));
  EXPECT_EQ(json::parse(Call(admin_, "GET",
                             "/api/v1/audit-events?object=participations/")
                            .body)["total"],
            1);

  // Published: as JSON ...
  json publications = Get("/api/v1/publications");
  ASSERT_EQ(publications["total"], 1);
  const json& entry = publications["items"][0];
  std::string entry_id =
      "tag:stedenlink.nl,2013:join-requests/" + std::to_string(id);
  EXPECT_EQ(entry["id"], entry_id);
  EXPECT_EQ(entry["kind"], "join");
  EXPECT_EQ(entry["url"], Path(id));
  EXPECT_THAT(entry["title"]["nl"].get<std::string>(),
              ::testing::HasSubstr("Tilburg"));
  EXPECT_THAT(entry["summary"]["nl"].get<std::string>(),
              ::testing::HasSubstr("1 instemmend, 0 bezwaar"));

  // ... and as Atom that an XML parser reads, with RFC 4287's elements.
  HttpResponse feed = Call("", "GET", "/api/v1/publications.atom");
  ASSERT_EQ(feed.status, 200);
  EXPECT_THAT(feed.Header("Content-Type"),
              ::testing::StartsWith("application/atom+xml"));
  xmlDocPtr document =
      xmlReadMemory(feed.body.data(), static_cast<int>(feed.body.size()),
                    "publications.atom", nullptr, XML_PARSE_NONET);
  ASSERT_NE(document, nullptr) << feed.body;
  EXPECT_EQ(XPathText(document, "/a:feed/a:id"),
            "tag:stedenlink.nl,2013:publications");
  EXPECT_FALSE(XPathText(document, "/a:feed/a:title").empty());
  EXPECT_EQ(XPathText(document, "/a:feed/a:updated"),
            entry["updated"].get<std::string>());
  EXPECT_EQ(XPathText(document, "/a:feed/a:link[@rel='self']/@href"),
            "/api/v1/publications.atom");
  EXPECT_FALSE(XPathText(document, "/a:feed/a:author/a:name").empty());
  EXPECT_EQ(XPathText(document, "/a:feed/a:entry/a:id"), entry_id);
  EXPECT_EQ(XPathText(document, "/a:feed/a:entry/a:title"),
            entry["title"]["nl"].get<std::string>());
  EXPECT_EQ(XPathText(document, "/a:feed/a:entry/a:updated"),
            entry["updated"].get<std::string>());
  EXPECT_EQ(XPathText(document, "/a:feed/a:entry/a:link/@href"), Path(id));
  EXPECT_THAT(XPathText(document, "/a:feed/a:entry/a:summary"),
              ::testing::HasSubstr("Past bij afspraak d & \"e\" <ja>."));
  xmlFreeDoc(document);

  // A restart syncs the manifests again: the join stays, nothing doubles.
  platform_.reset();
  Start();
  EXPECT_EQ(Participant(kTheme, kTilburg)["source"], "join-request");
  EXPECT_EQ(
      Get(std::string("/api/v1/themes/") + kTheme + "/participants")["total"],
      4);  // Eindhoven, Helmond, Tilburg, EZ
  EXPECT_EQ(Get("/api/v1/publications")["items"][0]["id"], entry_id);
}

}  // namespace
}  // namespace smartercities
