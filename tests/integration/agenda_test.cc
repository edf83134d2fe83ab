// The rolling agenda through the real server, the real theme plugins and a
// real SQLite file: projects of a theme and who may write them (art. 1e,
// 5a, 5d, 4d), meetings and their rhythm (art. 6), and EZ's contribution to
// Stedenlink's costs (art. 7b) at its limits. Every write lands in the
// audit trail with who made it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

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

constexpr const char* kProjects = "/api/v1/themes/bedrijvige-stad/projects";

class AgendaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SMARTERCITIES_SKIP_WITHOUT_DATABASE(database_);
    app::Config config;
    config.port = 0;
    config.data_dir = dir_.path() / "data";
    config.database_url = database_.url();
    config.plugin_dir = testing::ThemePluginDir();
    config.web_root = "";
    config.initial_admin_password = "beheer-Kanaal-tulp-93";
    auto platform = app::Platform::Start(config);
    ASSERT_TRUE(platform.ok()) << platform.status().message();
    platform_ = std::move(platform).value();
    std::ifstream in(config.AdminTokenFile());
    std::getline(in, admin_);
  }

  std::string Token(const std::string& role, const std::string& scope) {
    HttpResponse made = Call(
        admin_, "POST", "/api/v1/tokens",
        json{{"name", role + " " + scope}, {"role", role}, {"scope", scope}}
            .dump());
    EXPECT_EQ(made.status, 201) << made.body;
    return json::parse(made.body)["token"];
  }

  HttpResponse Call(const std::string& token, const std::string& method,
                    const std::string& target, const std::string& body = "") {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return Fetch(platform_->port(), method, target, headers, body);
  }

  json Admin(const std::string& method, const std::string& target,
             const json& body, int expected) {
    HttpResponse response =
        Call(admin_, method, target, body.is_null() ? "" : body.dump());
    EXPECT_EQ(response.status, expected)
        << method << " " << target << " " << body.dump() << ": "
        << response.body;
    return json::parse(response.body, nullptr, false);
  }

  // What a 400 says: its detail and each of its invalidParams as "name:
  // reason".
  static std::string Explained(const json& problem) {
    std::string out = problem.value("detail", "");
    for (const json& param : problem.value("invalidParams", json::array())) {
      out += "; " + param["name"].get<std::string>() + ": " +
             param["reason"].get<std::string>();
    }
    return out;
  }

  static json Project(const std::string& title) {
    return {{"title", title},
            {"aim", "Bedrijventerreinen krijgen glasvezel"},
            {"lead", "GM0794"},
            {"proposedOn", "2013-04-01"},
            {"partners",
             {{"cities", {"GM0772"}},
              {"parties", {"ez"}},
              {"organisations", {"TU Eindhoven"}}}},
            {"agreements", {"bedrijvige-stad/a"}}};
  }

  testing::TempDir dir_;
  testing::TestDatabase database_;
  std::unique_ptr<app::Platform> platform_;
  std::string admin_;
};

TEST_F(AgendaTest, LeadingCitiesThemeEditorsAndAdministratorsWriteProjects) {
  json body = Project("Glasvezel op bedrijventerreinen");
  // Helmond (GM0794) leads Bedrijvige Stad; Tilburg (GM0855) does not.
  for (auto [role, scope] : {std::pair{"city-editor", "GM0794"},
                             std::pair{"theme-editor", "bedrijvige-stad"}}) {
    HttpResponse made =
        Call(Token(role, scope), "POST", kProjects, body.dump());
    EXPECT_EQ(made.status, 201) << role << " " << scope << ": " << made.body;
  }
  for (auto [role, scope] : {std::pair{"city-editor", "GM0855"},
                             std::pair{"theme-editor", "groene-stad"}}) {
    HttpResponse refused =
        Call(Token(role, scope), "POST", kProjects, body.dump());
    EXPECT_EQ(refused.status, 403) << role << " " << scope;
    EXPECT_THAT(refused.body, HasSubstr("leading cities (GM0772, GM0794)"));
  }
  EXPECT_EQ(Call("", "POST", kProjects, body.dump()).status, 401);

  // A leading city of another theme writes there only.
  HttpResponse elsewhere =
      Call(Token("city-editor", "GM0794"), "POST",
           "/api/v1/themes/groene-stad/projects", body.dump());
  EXPECT_EQ(elsewhere.status, 403) << elsewhere.body;

  // The public reads them; the audit trail says who wrote them.
  HttpResponse list = Call("", "GET", kProjects);
  ASSERT_EQ(list.status, 200);
  json items = json::parse(list.body)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["leadKind"], "city");
  EXPECT_EQ(items[0]["partners"]["organisations"][0], "TU Eindhoven");
  EXPECT_EQ(items[0]["updatedBy"], "token:city-editor GM0794");
  json audit =
      Admin("GET", "/api/v1/audit-events?object=projects/1", nullptr, 200);
  ASSERT_FALSE(audit["items"].empty()) << audit.dump();
  EXPECT_EQ(audit["items"][0]["actor"], "token:city-editor GM0794");
  EXPECT_EQ(audit["items"][0]["role"], "city-editor");
}

TEST_F(AgendaTest, ProjectsAreCheckedFieldByField) {
  struct Case {
    json change;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{
           {{{"lead", "GM9999"}}, "lead: there is no city"},
           {{{"lead", "microsoft"}}, "lead: 'microsoft' is neither"},
           {{{"agreements", {"groene-stad/a"}}},
            "agreements[0]: 'groene-stad/a' is not an agreement of theme "
            "bedrijvige-stad"},
           {{{"partners", {{"parties", {"vng"}}}}}, "partners.parties[0]"},
           {{{"status", "finished"}}, "status: must be \"proposed\""},
           {{{"status", "completed"}, {"startedOn", "2013-04-01"}},
            "results: a completed project records its results"},
           {{{"proposedOn", "2013-02-30"}}, "proposedOn: must be a date"},
           {{{"fundingSources",
              {{{"kind", "eu"}, {"name", "EFRO"}, {"amountCents", 12.5}}}}},
            "fundingSources[0].amountCents: must be a whole number"},
           {{{"fundingSources",
              {{{"kind", "own"}, {"name", "Helmond"}, {"ezSupport", true}}}}},
            "fundingSources[0].ezSupport: only for a request to the European"},
           {{{"concretises",
              {{"agreement", "bedrijvige-stad/a"}, {"party", "ez"}}}},
            "concretises.action: is required"},
           {{{"replaces", 99}}, "replaces: there is no project 99"},
       }) {
    json body = Project("Proef");
    body.update(c.change);
    json problem = Admin("POST", kProjects, body, 400);
    EXPECT_THAT(Explained(problem), HasSubstr(c.field)) << c.change.dump();
  }
  // An EU request with EZ's support (7e) and the open action it concretises
  // (4d) are kept as given.
  json body = Project("Europese aanvraag");
  body["fundingSources"] = {{{"kind", "eu"},
                             {"name", "EFRO Kansen voor West"},
                             {"amountCents", 25000000},
                             {"status", "requested"},
                             {"ezSupport", true}}};
  body["concretises"] = {{"agreement", "bedrijvige-stad/a"},
                         {"party", "GM0794"},
                         {"action", "Uitwerken welke terreinen eerst gaan"}};
  json made = Admin("POST", kProjects, body, 201);
  EXPECT_EQ(made["fundingSources"][0]["amountCents"], 25000000);
  EXPECT_EQ(made["concretises"]["party"], "GM0794");
  EXPECT_EQ(made["status"], "proposed");
}

TEST_F(AgendaTest, EveryStatusTransitionThroughTheApi) {
  const std::vector<std::string> statuses = {"proposed", "running", "completed",
                                             "stopped"};
  const std::set<std::pair<std::string, std::string>> allowed = {
      {"proposed", "running"},
      {"proposed", "stopped"},
      {"running", "completed"},
      {"running", "stopped"}};
  // A project in each status, reached by allowed steps.
  auto project_in = [&](const std::string& status) {
    json made = Admin("POST", kProjects, Project("In " + status), 201);
    std::string url =
        std::string(kProjects) + "/" + std::to_string(made["id"].get<int>());
    std::vector<json> steps;
    if (status == "running" || status == "completed")
      steps.push_back({{"status", "running"}, {"startedOn", "2013-05-01"}});
    if (status == "completed")
      steps.push_back({{"status", "completed"}, {"results", "Aangelegd"}});
    if (status == "stopped") steps.push_back({{"status", "stopped"}});
    for (const json& step : steps) Admin("PATCH", url, step, 200);
    return url;
  };
  for (const std::string& from : statuses) {
    for (const std::string& to : statuses) {
      if (from == to) continue;
      std::string url = project_in(from);
      json change = {{"status", to}};
      if (to == "completed") change["results"] = "Twaalf terreinen";
      HttpResponse response = Call(admin_, "PATCH", url, change.dump());
      if (allowed.contains({from, to})) {
        EXPECT_EQ(response.status, 200)
            << from << " -> " << to << ": " << response.body;
        json after = json::parse(response.body);
        EXPECT_EQ(after["status"], to);
        if (to == "running") {
          EXPECT_TRUE(after["startedOn"].is_string());
        }
        if (to == "completed" || to == "stopped") {
          EXPECT_TRUE(after["endedOn"].is_string());
        }
      } else {
        EXPECT_EQ(response.status, 409)
            << from << " -> " << to << ": " << response.body;
        EXPECT_THAT(response.body, HasSubstr("status: a " + from));
      }
    }
  }
  // Completing needs results.
  std::string running = project_in("running");
  json problem = Admin("PATCH", running, {{"status", "completed"}}, 400);
  EXPECT_THAT(problem["detail"].get<std::string>(), HasSubstr("results"));
}

TEST_F(AgendaTest, TheActiveAgendaTheArchiveAndWhatReplacedAProject) {
  json old = Admin("POST", kProjects, Project("Oud"), 201);
  std::string old_url =
      std::string(kProjects) + "/" + std::to_string(old["id"].get<int>());
  // A running project cannot be replaced yet.
  json early = Project("Te vroeg");
  early["replaces"] = old["id"];
  json problem = Admin("POST", kProjects, early, 400);
  EXPECT_THAT(problem["detail"].get<std::string>(), HasSubstr("art. 5d"));

  Admin("PATCH", old_url, {{"status", "running"}}, 200);
  Admin("PATCH", old_url,
        {{"status", "completed"},
         {"results", "Twaalf terreinen aangesloten"},
         {"securing", {{"standards", "Open standaard NL-GF"}}}},
        200);
  json successor = Project("Nieuw");
  successor["replaces"] = old["id"];
  json made = Admin("POST", kProjects, successor, 201);

  json active = json::parse(Call("", "GET", kProjects).body);
  ASSERT_EQ(active["total"], 1);
  EXPECT_EQ(active["items"][0]["title"], "Nieuw");
  json archive = json::parse(
      Call("", "GET", std::string(kProjects) + "?status=completed,stopped")
          .body);
  ASSERT_EQ(archive["total"], 1);
  EXPECT_EQ(archive["items"][0]["replacedBy"], json::array({made["id"]}));
  EXPECT_EQ(archive["items"][0]["securing"]["standards"],
            "Open standaard NL-GF");
  EXPECT_EQ(json::parse(Call("", "GET", std::string(kProjects) + "?status=all")
                            .body)["total"],
            2);
  EXPECT_EQ(Call("", "GET", std::string(kProjects) + "?status=done").status,
            400);
}

json Meeting(const std::string& kind, const std::string& date) {
  return {{"kind", kind},
          {"date", date},
          {"attendees",
           {{"parties", {"ez", "stedenlink"}}, {"cities", {"GM0363"}}}}};
}

TEST_F(AgendaTest, AYearWithThreeOfficialMeetingsIsFlagged) {
  for (const char* date : {"2013-04-10", "2013-06-12", "2013-09-11"}) {
    Admin("POST", "/api/v1/meetings", Meeting("official", date), 201);
  }
  json administrative = Meeting("administrative", "2013-09-30");
  administrative["reportPeriod"] = "2013-H1";
  Admin("POST", "/api/v1/meetings", administrative, 201);
  administrative["date"] = "2013-12-16";
  administrative["reportPeriod"] = "2013-H2";
  Admin("POST", "/api/v1/meetings", administrative, 201);

  json rhythm =
      json::parse(Call("", "GET", "/api/v1/meetings/rhythm?year=2013").body);
  EXPECT_FALSE(rhythm["kept"]);
  EXPECT_EQ(rhythm["official"]["count"], 3);
  EXPECT_TRUE(rhythm["administrative"]["kept"]);
  ASSERT_EQ(rhythm["shortfalls"].size(), 1u);
  EXPECT_THAT(rhythm["shortfalls"][0].get<std::string>(), HasSubstr("6a"));
  // The platform's clock is past mid-2015 and no evaluation was held.
  EXPECT_EQ(rhythm["evaluation"]["status"], "late");

  Admin("POST", "/api/v1/meetings", Meeting("official", "2013-11-20"), 201);
  rhythm =
      json::parse(Call("", "GET", "/api/v1/meetings/rhythm?year=2013").body);
  EXPECT_TRUE(rhythm["kept"]) << rhythm.dump();

  json evaluation = Meeting("administrative", "2015-05-20");
  evaluation["evaluation"] = true;
  json held = Admin("POST", "/api/v1/meetings", evaluation, 201);
  rhythm =
      json::parse(Call("", "GET", "/api/v1/meetings/rhythm?year=2014").body);
  EXPECT_EQ(rhythm["evaluation"]["status"], "done");
  EXPECT_EQ(rhythm["evaluation"]["meeting"], held["id"]);
  EXPECT_FALSE(rhythm["kept"]);  // nothing was held in 2014

  EXPECT_EQ(Call("", "GET", "/api/v1/meetings/rhythm?year=2015").status, 400);
  EXPECT_EQ(Call("", "GET", "/api/v1/meetings/rhythm").status, 400);
}

TEST_F(AgendaTest, ABodyThatBreaksTheSchemaGetsEveryBreachAndNothingIsStored) {
  json body = Project("Proef");
  body["title"] = 5;
  body["status"] = "finished";
  body["partners"]["cities"] = {"GM0772", 794};
  HttpResponse refused = Call(admin_, "POST", kProjects, body.dump());
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.Header("content-type"), "application/problem+json");
  json problem = json::parse(refused.body);
  EXPECT_THAT(problem["detail"].get<std::string>(),
              HasSubstr("the body has 3 problems; nothing was stored"));
  EXPECT_THAT(testing::InvalidParamReasons(refused.body),
              ::testing::ElementsAre(
                  ::testing::Pair("partners.cities[1]",
                                  "must be a string, got integer"),
                  ::testing::Pair("status", HasSubstr("got \"finished\"")),
                  ::testing::Pair("title", "must be a string, got integer")));
  EXPECT_EQ(json::parse(Call("", "GET", std::string(kProjects) + "?status=all")
                            .body)["total"],
            0);

  // A meeting: a date that is not one, a kind there is not, a field there
  // is not.
  json meeting = {{"kind", "dinner"},
                  {"date", "2013-02-30"},
                  {"decisions", {"a"}},
                  {"venue", "Helmond"}};
  HttpResponse refused_meeting =
      Call(admin_, "POST", "/api/v1/meetings", meeting.dump());
  ASSERT_EQ(refused_meeting.status, 400) << refused_meeting.body;
  json meeting_problem = json::parse(refused_meeting.body);
  std::set<std::string> names;
  for (const json& param : meeting_problem["invalidParams"]) {
    names.insert(param["name"].get<std::string>());
  }
  EXPECT_EQ(names, (std::set<std::string>{"date", "kind", "venue"}))
      << refused_meeting.body;
  EXPECT_THAT(Explained(meeting_problem),
              HasSubstr("date: must be a date as 2013-04-01 (YYYY-MM-DD), "
                        "got \"2013-02-30\""));
  EXPECT_EQ(json::parse(Call(admin_, "GET", "/api/v1/meetings").body)["total"],
            0);

  // The same bodies, put right, are stored.
  Admin("POST", kProjects, Project("Proef"), 201);
  Admin("POST", "/api/v1/meetings", Meeting("official", "2013-10-01"), 201);
}

TEST_F(AgendaTest, MeetingsAreRecordedByAdministratorsAndMinutesNeedALogin) {
  json meeting = Meeting("theme-table", "2013-10-01");
  EXPECT_THAT(Admin("POST", "/api/v1/meetings", meeting, 400)["detail"]
                  .get<std::string>(),
              HasSubstr("theme: a theme table meets about one theme"));
  meeting["theme"] = "bedrijvige-stad";
  meeting["minutes"] = "Helmond licht de voortgang toe.";
  meeting["decisions"] = {"Tilburg sluit aan bij de pilot"};
  EXPECT_EQ(Call(Token("theme-editor", "bedrijvige-stad"), "POST",
                 "/api/v1/meetings", meeting.dump())
                .status,
            403);
  json made = Admin("POST", "/api/v1/meetings", meeting, 201);
  std::string url = "/api/v1/meetings/" + std::to_string(made["id"].get<int>());

  json public_view = json::parse(Call("", "GET", url).body);
  EXPECT_FALSE(public_view.contains("minutes"));
  EXPECT_TRUE(public_view["minutesRestricted"]);
  EXPECT_EQ(public_view["decisions"][0], "Tilburg sluit aan bij de pilot");
  json editor_view =
      json::parse(Call(Token("city-editor", "GM0855"), "GET", url).body);
  EXPECT_EQ(editor_view["minutes"], "Helmond licht de voortgang toe.");

  // Field by field.
  json bad = Meeting("official", "2013-10-01");
  bad["reportPeriod"] = "2013-H1";
  EXPECT_THAT(
      Admin("POST", "/api/v1/meetings", bad, 400)["detail"].get<std::string>(),
      HasSubstr("reportPeriod: only an administrative meeting"));
  bad = Meeting("administrative", "2013-05-01");
  bad["reportPeriod"] = "2013-H2";
  EXPECT_THAT(
      Admin("POST", "/api/v1/meetings", bad, 400)["detail"].get<std::string>(),
      HasSubstr("reportPeriod: the report on 2013-H2 cannot"));
  bad = Meeting("official", "2014-06-01");
  bad["evaluation"] = true;
  EXPECT_THAT(
      Admin("POST", "/api/v1/meetings", bad, 400)["detail"].get<std::string>(),
      HasSubstr("evaluation: the joint evaluation of art. 6c"));
  bad = Meeting("official", "2014-06-01");
  bad["attendees"]["cities"] = {"GM0001"};
  EXPECT_THAT(
      Admin("POST", "/api/v1/meetings", bad, 400)["detail"].get<std::string>(),
      HasSubstr("attendees.cities[0]"));

  // Minutes added afterwards.
  json changed =
      Admin("PATCH", url, {{"decisions", {"Eerste", "Tweede"}}}, 200);
  EXPECT_EQ(changed["decisions"].size(), 2u);
  EXPECT_EQ(changed["minutes"], "Helmond licht de voortgang toe.");
  json listed = json::parse(
      Call("", "GET", "/api/v1/meetings?year=2013&kind=theme-table").body);
  EXPECT_EQ(listed["total"], 1);
}

TEST_F(AgendaTest, AMeetingsDecisionsArePublishedAndItsMinutesAreNot) {
  json quiet = Meeting("official", "2013-04-10");
  quiet["minutes"] = "Geen besluiten.";
  Admin("POST", "/api/v1/meetings", quiet, 201);
  json meeting = Meeting("administrative", "2013-06-12");
  meeting["minutes"] = "Vertrouwelijke notulen.";
  meeting["decisions"] = {"De rapportage is vastgesteld",
                          "Tilburg sluit aan bij de pilot"};
  json made = Admin("POST", "/api/v1/meetings", meeting, 201);
  std::string id = std::to_string(made["id"].get<int>());

  json published = json::parse(Call("", "GET", "/api/v1/publications").body);
  std::vector<json> decisions;
  for (const json& entry : published["items"]) {
    if (entry["kind"] == "decision") decisions.push_back(entry);
  }
  ASSERT_EQ(decisions.size(), 1u) << published.dump();
  const json& entry = decisions.front();
  EXPECT_EQ(entry["id"],
            "tag:stedenlink.nl,2013:meetings/" + id + "/decisions");
  EXPECT_EQ(entry["url"], "/api/v1/meetings/" + id);
  EXPECT_THAT(entry["title"]["nl"].get<std::string>(),
              HasSubstr("bestuurlijk overleg van 2013-06-12"));
  EXPECT_THAT(entry["summary"]["nl"].get<std::string>(),
              HasSubstr("Tilburg sluit aan bij de pilot"));
  EXPECT_THAT(published.dump(), Not(HasSubstr("notulen")));

  HttpResponse feed = Call("", "GET", "/api/v1/publications.atom");
  ASSERT_EQ(feed.status, 200);
  EXPECT_THAT(feed.body, HasSubstr("<id>tag:stedenlink.nl,2013:meetings/" + id +
                                   "/decisions</id>"));
}

json Entry(const std::string& date, std::int64_t cents) {
  return {{"date", date},
          {"amountCents", cents},
          {"description", "Kennis- en platformfunctie"},
          {"documentReference", "EZ/DSA/2013-017"}};
}

TEST_F(AgendaTest, EzContributesAtMostOneMillionEuro) {
  // Costs of EUR 2,000,000.02: half of them is more than the limit, so only
  // the limit binds.
  Admin("POST", "/api/v1/funding/costs", Entry("2013-06-30", 200000002), 201);
  Admin("POST", "/api/v1/funding/contributions", Entry("2013-07-01", 99999999),
        201);
  json refused = Admin("POST", "/api/v1/funding/contributions",
                       Entry("2013-08-01", 2), 422);
  EXPECT_THAT(refused["detail"].get<std::string>(),
              HasSubstr("EUR 0.01 remains"));
  EXPECT_THAT(refused["detail"].get<std::string>(), HasSubstr("art. 7b"));
  Admin("POST", "/api/v1/funding/contributions", Entry("2013-08-01", 1), 201);
  refused = Admin("POST", "/api/v1/funding/contributions",
                  Entry("2013-09-01", 1), 422);
  EXPECT_THAT(refused["detail"].get<std::string>(),
              HasSubstr("EUR 0.00 remains"));

  json summary = json::parse(Call("", "GET", "/api/v1/funding").body);
  EXPECT_EQ(summary["contributionsCents"], 100000000);
  EXPECT_EQ(summary["remainingCents"], 0);
  EXPECT_EQ(summary["shareBasisPoints"], 4999);
  EXPECT_EQ(summary["contributions"]["total"], 2);
}

TEST_F(AgendaTest, AShareAboveHalfTheCostsNeedsAJustification) {
  Admin("POST", "/api/v1/funding/costs", Entry("2013-06-30", 100000), 201);
  json half = Admin("POST", "/api/v1/funding/contributions",
                    Entry("2013-07-01", 50000), 201);
  EXPECT_FALSE(half["aboveCoFinancing"]);
  json refused = Admin("POST", "/api/v1/funding/contributions",
                       Entry("2013-07-02", 1), 422);
  EXPECT_THAT(refused["detail"].get<std::string>(), HasSubstr("justification"));
  json justified = Entry("2013-07-02", 1);
  justified["justification"] = "Extra inzet voor de expertmeeting (art. 7d)";
  json above = Admin("POST", "/api/v1/funding/contributions", justified, 201);
  EXPECT_TRUE(above["aboveCoFinancing"]);

  json summary = json::parse(Call("", "GET", "/api/v1/funding").body);
  EXPECT_EQ(summary["shareBasisPoints"], 5000);
  EXPECT_FALSE(summary["withinCoFinancing"]);
  EXPECT_TRUE(summary["contributions"]["items"][1]["aboveCoFinancing"]);

  // Money is whole cents; writes are for administrators.
  json fraction = Entry("2013-07-03", 1);
  fraction["amountCents"] = 0.5;
  EXPECT_THAT(Admin("POST", "/api/v1/funding/costs", fraction, 400)["detail"]
                  .get<std::string>(),
              HasSubstr("amountCents"));
  EXPECT_THAT(Admin("POST", "/api/v1/funding/costs", Entry("2015-01-01", 100),
                    400)["detail"]
                  .get<std::string>(),
              HasSubstr("date: art. 7b"));
  EXPECT_EQ(Call(Token("theme-editor", "bedrijvige-stad"), "POST",
                 "/api/v1/funding/costs", Entry("2013-07-03", 1).dump())
                .status,
            403);
  EXPECT_EQ(
      Call("", "POST", "/api/v1/funding/costs", Entry("2013-07-03", 1).dump())
          .status,
      401);
}

std::string CommandOutput(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"),
                                             pclose);
  std::string text;
  if (!pipe) return text;
  char buffer[4096];
  while (std::size_t got = std::fread(buffer, 1, sizeof(buffer), pipe.get())) {
    text.append(buffer, got);
  }
  return text;
}

TEST_F(AgendaTest, TheProgressReportShowsTheHalfYearsProjectsAndMeetings) {
  json running = Project("Glasvezel Brainport");
  running["status"] = "running";
  running["startedOn"] = "2013-05-01";
  Admin("POST", kProjects, running, 201);
  json completed = Project("Slimme verlichting");
  completed["status"] = "completed";
  completed["startedOn"] = "2013-04-15";
  completed["endedOn"] = "2013-10-31";
  completed["results"] = "Veertig lantaarnpalen met sensoren";
  Admin("POST", kProjects, completed, 201);
  json later = Project("Pas in 2014");
  later["proposedOn"] = "2014-02-01";
  Admin("POST", kProjects, later, 201);
  json administrative = Meeting("administrative", "2013-12-16");
  administrative["reportPeriod"] = "2013-H1";
  administrative["decisions"] = {"Rapportage vastgesteld"};
  Admin("POST", "/api/v1/meetings", administrative, 201);
  Admin("POST", "/api/v1/meetings", Meeting("official", "2014-01-15"), 201);

  json model = json::parse(Call("", "GET", "/api/v1/reports/2013-H2").body);
  std::map<std::string, json> sections;
  for (const json& section : model["sections"]) {
    sections[section["id"]] = section;
  }
  ASSERT_TRUE(sections.contains("projects")) << model["sections"].dump();
  ASSERT_TRUE(sections.contains("meetings"));
  const json& projects = sections["projects"];
  ASSERT_EQ(projects["rows"].size(), 2u) << projects.dump();
  EXPECT_EQ(projects["rows"][0][1], "Glasvezel Brainport");
  EXPECT_EQ(projects["rows"][0][3], "lopend");
  EXPECT_EQ(projects["rows"][1][3], "afgerond");
  EXPECT_EQ(projects["rows"][1][4], "Veertig lantaarnpalen met sensoren");
  const json& meetings = sections["meetings"];
  ASSERT_EQ(meetings["rows"].size(), 1u) << meetings.dump();
  EXPECT_EQ(meetings["rows"][0][3], "2013-H1");
  EXPECT_EQ(meetings["rows"][0][4], "Rapportage vastgesteld");

  // A half year without projects or meetings has neither section.
  json empty = json::parse(Call("", "GET", "/api/v1/reports/2013-H1").body);
  for (const json& section : empty["sections"]) {
    EXPECT_NE(section["id"], "meetings");
  }

  HttpResponse html =
      Fetch(platform_->port(), "GET", "/api/v1/reports/2013-H2?lang=en",
            {{"Accept", "text/html"}});
  ASSERT_EQ(html.status, 200);
  EXPECT_THAT(html.body, HasSubstr("Projects of the rolling agenda"));
  EXPECT_THAT(html.body, HasSubstr("Slimme verlichting"));
  EXPECT_THAT(html.body, HasSubstr("administrative meeting (art. 6b)"));

  HttpResponse pdf = Fetch(platform_->port(), "GET", "/api/v1/reports/2013-H2",
                           {{"Accept", "application/pdf"}});
  ASSERT_EQ(pdf.status, 200);
  std::filesystem::path file = dir_.path() / "report.pdf";
  {
    std::ofstream out(file, std::ios::binary);
    out << pdf.body;
  }
  std::string text = CommandOutput("pdftotext '" + file.string() + "' -");
  EXPECT_THAT(text, HasSubstr("Projecten van de rolling agenda"));
  EXPECT_THAT(text, HasSubstr("Glasvezel Brainport"));
  EXPECT_THAT(text, HasSubstr("Overleg (art. 6)"));
}

}  // namespace
}  // namespace smartercities
