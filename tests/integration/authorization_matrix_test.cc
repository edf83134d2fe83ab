// The authorization matrix: every route the running platform serves, core
// and plugin, called by the public, a city editor of the object's city, a
// city editor of another city, a theme editor of Bedrijvige Stad and an
// administrator, and compared with the policy table below. The table is
// written by hand from the roles in docs/security.md; a route that is not
// in it fails the test, so a new route needs a decision.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "core/app/platform.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/test_support.h"

namespace smartercities {
namespace {

using nlohmann::json;
using testing::Fetch;
using testing::HttpResponse;

enum class Policy {
  kPublic,         // everyone
  kAuthenticated,  // every account and token
  kAdmin,          // administrators only
  kThemeEditor,    // administrators and editors of the route's theme
  kCityEditor,     // ... and editors of the city the request is about
  // Administrators, editors of the route's theme and editors of the theme's
  // leading cities (the agenda's projects, art. 1e).
  kThemeLead,
  // Only editors of the city the request is about: a city's own word (asking
  // to join a theme, responding to a join request), which no administrator
  // or theme editor gives for it.
  kCityOnly,
  // Administrators (for Stedenlink) and editors of the city the request is
  // about, a leading city of the theme: the leading city's steps of the
  // join procedure.
  kLeadingCity,
};

const char* Name(Policy policy) {
  switch (policy) {
    case Policy::kPublic:
      return "public";
    case Policy::kAuthenticated:
      return "authenticated";
    case Policy::kAdmin:
      return "admin";
    case Policy::kThemeEditor:
      return "theme-editor";
    case Policy::kThemeLead:
      return "theme-lead";
    case Policy::kCityOnly:
      return "the city only";
    case Policy::kLeadingCity:
      return "leading city";
    default:
      return "city-editor";
  }
}

// The core's routes.
const std::map<std::string, Policy>& CorePolicy() {
  static const std::map<std::string, Policy> kPolicy = {
      {"GET /healthz", Policy::kPublic},
      {"GET /readyz", Policy::kPublic},
      // Besides administrators, only the monitoring (a token of its own,
      // or the monitoring address); the public gets /readyz without the
      // modules.
      {"GET /metrics", Policy::kAdmin},
      {"GET /api/v1/openapi.json", Policy::kPublic},
      {"GET /api/v1/themes", Policy::kPublic},
      {"GET /api/v1/themes/{theme}", Policy::kPublic},
      {"GET /api/v1/themes/{theme}/agreements", Policy::kPublic},
      {"GET /api/v1/themes/{theme}/agreements/{letter}", Policy::kPublic},
      {"GET /api/v1/themes/{theme}/indicators", Policy::kPublic},
      {"GET /api/v1/indicators/{indicator}", Policy::kPublic},
      {"GET /api/v1/indicators/{indicator}/measurements", Policy::kPublic},
      {"POST /api/v1/indicators/{indicator}/measurements", Policy::kCityEditor},
      // Bulk writes and imports check every row against the caller's role
      // and scope (a city editor's rows must all be of the city); an empty
      // list is everyone's to send.
      {"POST /api/v1/indicators/{indicator}/measurements/import",
       Policy::kAuthenticated},
      {"GET /api/v1/cities/{city}/measurements", Policy::kPublic},
      {"POST /api/v1/cities/{city}/measurements/import",
       Policy::kAuthenticated},
      {"GET /api/v1/measurements", Policy::kPublic},
      {"POST /api/v1/measurements", Policy::kAuthenticated},
      {"POST /api/v1/measurements/import", Policy::kAuthenticated},
      {"GET /api/v1/measurements/corrections", Policy::kAuthenticated},
      {"GET /api/v1/indicators/{indicator}/progress", Policy::kPublic},
      {"GET /api/v1/indicators/{indicator}/comparison", Policy::kPublic},
      {"GET /api/v1/themes/{theme}/progress", Policy::kPublic},
      {"GET /api/v1/cities/{city}/progress", Policy::kPublic},
      {"GET /api/v1/reports", Policy::kPublic},
      {"GET /api/v1/reports/{period}", Policy::kPublic},
      {"GET /api/v1/cities", Policy::kPublic},
      {"GET /api/v1/cities/{city}", Policy::kPublic},
      // Open data: what the public GETs show, in bulk.
      {"GET /api/v1/exports", Policy::kPublic},
      {"GET /api/v1/exports/{file}", Policy::kPublic},
      {"GET /api/v1/catalog.jsonld", Policy::kPublic},
      {"GET /api/v1/catalog.ttl", Policy::kPublic},
      {"GET /api/v1/modules", Policy::kAdmin},
      {"POST /api/v1/modules/rescan", Policy::kAdmin},
      {"PATCH /api/v1/modules/{id}", Policy::kAdmin},
      {"POST /api/v1/sessions", Policy::kPublic},
      {"DELETE /api/v1/sessions/current", Policy::kAuthenticated},
      {"GET /api/v1/me", Policy::kAuthenticated},
      {"PUT /api/v1/me/password", Policy::kAuthenticated},
      {"GET /api/v1/users", Policy::kAdmin},
      {"POST /api/v1/users", Policy::kAdmin},
      {"GET /api/v1/users/{userId}", Policy::kAdmin},
      {"PATCH /api/v1/users/{userId}", Policy::kAdmin},
      {"POST /api/v1/users/{userId}/password-reset", Policy::kAdmin},
      {"GET /api/v1/tokens", Policy::kAdmin},
      {"POST /api/v1/tokens", Policy::kAdmin},
      {"DELETE /api/v1/tokens/{tokenId}", Policy::kAdmin},
      {"GET /api/v1/audit-events", Policy::kAdmin},
      {"GET /api/v1/audit-events/verification", Policy::kAdmin},
      // The rolling agenda (docs/agenda.md): projects are written by the
      // theme's editors and its leading cities' editors; meetings and
      // funding by administrators (Stedenlink). Minutes are in the GETs'
      // answers only for a logged-in caller.
      {"GET /api/v1/themes/{theme}/projects", Policy::kPublic},
      {"POST /api/v1/themes/{theme}/projects", Policy::kThemeLead},
      {"GET /api/v1/themes/{theme}/projects/{projectId}", Policy::kPublic},
      {"PATCH /api/v1/themes/{theme}/projects/{projectId}", Policy::kThemeLead},
      {"GET /api/v1/meetings", Policy::kPublic},
      {"POST /api/v1/meetings", Policy::kAdmin},
      {"GET /api/v1/meetings/rhythm", Policy::kPublic},
      {"GET /api/v1/meetings/{meetingId}", Policy::kPublic},
      {"PATCH /api/v1/meetings/{meetingId}", Policy::kAdmin},
      {"GET /api/v1/funding", Policy::kPublic},
      {"POST /api/v1/funding/costs", Policy::kAdmin},
      {"POST /api/v1/funding/applications", Policy::kAdmin},
      {"POST /api/v1/funding/contributions", Policy::kAdmin},
      {"GET /api/v1/parties", Policy::kPublic},
      {"GET /api/v1/themes/{theme}/participants", Policy::kPublic},
      {"GET /api/v1/themes/{theme}/join-requests", Policy::kPublic},
      {"GET /api/v1/themes/{theme}/join-requests/{requestId}", Policy::kPublic},
      // The join procedure (art. 8), on a request of the other city to
      // join the theme the home city leads.
      {"POST /api/v1/themes/{theme}/join-requests", Policy::kCityOnly},
      {"POST /api/v1/themes/{theme}/join-requests/{requestId}/consultation",
       Policy::kLeadingCity},
      {"POST /api/v1/themes/{theme}/join-requests/{requestId}/responses",
       Policy::kCityOnly},
      {"POST /api/v1/themes/{theme}/join-requests/{requestId}/decision",
       Policy::kLeadingCity},
      {"GET /api/v1/publications", Policy::kPublic},
      {"GET /api/v1/publications.atom", Policy::kPublic},
      // The amendment procedure (art. 9), on an amendment of the home
      // city's theme's agreement a that the home city (a leading city of
      // the theme) proposed. Steps the caller may take but not now (the
      // state) answer 409, which the table counts as allowed.
      {"GET /api/v1/amendments", Policy::kPublic},
      {"GET /api/v1/amendments/{amendmentId}", Policy::kPublic},
      {"GET /api/v1/themes/{theme}/agreements/{letter}/versions",
       Policy::kPublic},
      // A city proposes for itself; administrators for the four parties.
      {"POST /api/v1/amendments", Policy::kCityOnly},
      // The theme's participants: the home city, and an administrator for
      // EZ (an involved party of the theme).
      {"POST /api/v1/amendments/{amendmentId}/responses", Policy::kLeadingCity},
      // The administrative meeting's consent to the general part.
      {"POST /api/v1/amendments/{amendmentId}/consent", Policy::kAdmin},
      // The leading city reports; no party leads this theme.
      {"POST /api/v1/amendments/{amendmentId}/report", Policy::kCityOnly},
      // Stedenlink applies it.
      {"POST /api/v1/amendments/{amendmentId}/effect", Policy::kAdmin},
      // The proposer withdraws it.
      {"POST /api/v1/amendments/{amendmentId}/withdrawal", Policy::kCityOnly},
      // The knowledge base (docs/knowledge-base.md): a document of the home
      // city in the theme, added and removed by administrators, the
      // theme's editors and the city's editors.
      {"GET /api/v1/documents", Policy::kPublic},
      {"POST /api/v1/documents", Policy::kCityEditor},
      {"GET /api/v1/documents/{documentId}", Policy::kPublic},
      {"GET /api/v1/documents/{documentId}/file", Policy::kPublic},
      {"DELETE /api/v1/documents/{documentId}", Policy::kCityEditor},
      {"GET /api/v1/search", Policy::kPublic},
      // The web site's pages and forms (core/web).
      {"GET /", Policy::kPublic},
      {"GET /en", Policy::kPublic},
      {"GET /themas/{theme}", Policy::kPublic},
      {"GET /en/themas/{theme}", Policy::kPublic},
      {"GET /themas/{theme}/afspraken/{letter}", Policy::kPublic},
      {"GET /en/themas/{theme}/afspraken/{letter}", Policy::kPublic},
      {"GET /indicatoren/{indicator}", Policy::kPublic},
      {"GET /en/indicatoren/{indicator}", Policy::kPublic},
      {"GET /steden", Policy::kPublic},
      {"GET /en/steden", Policy::kPublic},
      {"GET /steden/{city}", Policy::kPublic},
      {"GET /en/steden/{city}", Policy::kPublic},
      {"GET /inloggen", Policy::kPublic},
      {"GET /en/inloggen", Policy::kPublic},
      {"GET /beheer/gebruikers", Policy::kAdmin},
      {"GET /beheer/tokens", Policy::kAdmin},
      {"GET /beheer/audit", Policy::kAdmin},
      {"GET /beheer/audit/verificatie", Policy::kAdmin},
      {"POST /beheer/gebruikers", Policy::kAdmin},
      {"POST /beheer/gebruikers/{userId}/status", Policy::kAdmin},
      {"POST /beheer/gebruikers/{userId}/wachtwoord", Policy::kAdmin},
      {"POST /beheer/tokens", Policy::kAdmin},
      {"POST /beheer/tokens/{tokenId}/intrekken", Policy::kAdmin},
      {"GET /en/beheer/gebruikers", Policy::kAdmin},
      {"GET /en/beheer/tokens", Policy::kAdmin},
      {"GET /en/beheer/audit", Policy::kAdmin},
      {"GET /en/beheer/audit/verificatie", Policy::kAdmin},
      {"POST /en/beheer/gebruikers", Policy::kAdmin},
      {"POST /en/beheer/gebruikers/{userId}/status", Policy::kAdmin},
      {"POST /en/beheer/gebruikers/{userId}/wachtwoord", Policy::kAdmin},
      {"POST /en/beheer/tokens", Policy::kAdmin},
      {"POST /en/beheer/tokens/{tokenId}/intrekken", Policy::kAdmin},
      {"GET /invoer/themas/{theme}/{register}", Policy::kAuthenticated},
      {"GET /invoer/themas/{theme}/{register}/{id}", Policy::kAuthenticated},
      {"POST /invoer/themas/{theme}/{register}", Policy::kAuthenticated},
      {"POST /invoer/themas/{theme}/{register}/{id}", Policy::kAuthenticated},
      {"GET /en/invoer/themas/{theme}/{register}", Policy::kAuthenticated},
      {"GET /en/invoer/themas/{theme}/{register}/{id}", Policy::kAuthenticated},
      {"POST /en/invoer/themas/{theme}/{register}", Policy::kAuthenticated},
      {"POST /en/invoer/themas/{theme}/{register}/{id}",
       Policy::kAuthenticated},
      {"GET /rapportages", Policy::kPublic},
      {"GET /en/rapportages", Policy::kPublic},
      {"GET /rapportages/{period}", Policy::kPublic},
      {"GET /en/rapportages/{period}", Policy::kPublic},
      {"GET /rapportages/{period}/rapportage.pdf", Policy::kPublic},
      {"GET /en/rapportages/{period}/rapportage.pdf", Policy::kPublic},
      {"GET /invoer/cijfers", Policy::kAuthenticated},
      {"GET /en/invoer/cijfers", Policy::kAuthenticated},
      // The upload checks every row against the editor's role and scope.
      {"POST /invoer/cijfers", Policy::kAuthenticated},
      {"POST /en/invoer/cijfers", Policy::kAuthenticated},
      {"GET /zoeken", Policy::kPublic},
      {"GET /en/zoeken", Policy::kPublic},
      {"GET /assets/{file}", Policy::kPublic},
      {"GET /indicatoren/{indicator}/cijfers.csv", Policy::kPublic},
      {"POST /inloggen", Policy::kPublic},
      {"POST /uitloggen", Policy::kAuthenticated},
      {"GET /account", Policy::kAuthenticated},
      {"POST /account/wachtwoord", Policy::kAuthenticated},
      {"GET /invoer/{indicator}", Policy::kAuthenticated},
      {"POST /invoer/{indicator}", Policy::kCityEditor},
      {"GET /beheer", Policy::kAdmin},
      {"GET /beheer/modules", Policy::kAdmin},
      {"POST /beheer/modules/rescan", Policy::kAdmin},
      {"POST /beheer/modules/{id}", Policy::kAdmin},
      {"POST /en/inloggen", Policy::kPublic},
      {"POST /en/uitloggen", Policy::kAuthenticated},
      {"GET /en/account", Policy::kAuthenticated},
      {"POST /en/account/wachtwoord", Policy::kAuthenticated},
      {"GET /en/invoer/{indicator}", Policy::kAuthenticated},
      {"POST /en/invoer/{indicator}", Policy::kCityEditor},
      {"GET /en/beheer", Policy::kAdmin},
      {"GET /en/beheer/modules", Policy::kAdmin},
      {"POST /en/beheer/modules/rescan", Policy::kAdmin},
      {"POST /en/beheer/modules/{id}", Policy::kAdmin},

      // The procedures' pages (core/web/procedure_pages.cc,
      // agenda_pages.cc): public pages, forms for any account that say who
      // may write, and form posts that the API behind them decides as for
      // the API's own routes.
      {"GET /themas/{theme}/toetredingen/nieuw", Policy::kAuthenticated},
      {"GET /en/themas/{theme}/toetredingen/nieuw", Policy::kAuthenticated},
      {"POST /themas/{theme}/toetredingen", Policy::kCityOnly},
      {"POST /en/themas/{theme}/toetredingen", Policy::kCityOnly},
      {"GET /themas/{theme}/toetredingen/{requestId}", Policy::kPublic},
      {"GET /en/themas/{theme}/toetredingen/{requestId}", Policy::kPublic},
      {"POST /themas/{theme}/toetredingen/{requestId}/voorleggen",
       Policy::kLeadingCity},
      {"POST /en/themas/{theme}/toetredingen/{requestId}/voorleggen",
       Policy::kLeadingCity},
      {"POST /themas/{theme}/toetredingen/{requestId}/reactie",
       Policy::kCityOnly},
      {"POST /en/themas/{theme}/toetredingen/{requestId}/reactie",
       Policy::kCityOnly},
      {"POST /themas/{theme}/toetredingen/{requestId}/besluit",
       Policy::kLeadingCity},
      {"POST /en/themas/{theme}/toetredingen/{requestId}/besluit",
       Policy::kLeadingCity},
      // The amendment procedure's pages (art. 9): the forms post to
      // /api/v1/amendments as their caller, so each step has the API
      // route's policy (on the same amendment, proposed by the home city).
      {"GET /wijzigingen", Policy::kPublic},
      {"GET /en/wijzigingen", Policy::kPublic},
      {"GET /wijzigingen/nieuw", Policy::kAuthenticated},
      {"GET /en/wijzigingen/nieuw", Policy::kAuthenticated},
      {"GET /wijzigingen/{amendmentId}", Policy::kPublic},
      {"GET /en/wijzigingen/{amendmentId}", Policy::kPublic},
      {"POST /wijzigingen", Policy::kCityOnly},
      {"POST /en/wijzigingen", Policy::kCityOnly},
      {"POST /wijzigingen/{amendmentId}/reactie", Policy::kLeadingCity},
      {"POST /en/wijzigingen/{amendmentId}/reactie", Policy::kLeadingCity},
      {"POST /wijzigingen/{amendmentId}/instemming", Policy::kAdmin},
      {"POST /en/wijzigingen/{amendmentId}/instemming", Policy::kAdmin},
      {"POST /wijzigingen/{amendmentId}/bericht", Policy::kCityOnly},
      {"POST /en/wijzigingen/{amendmentId}/bericht", Policy::kCityOnly},
      {"POST /wijzigingen/{amendmentId}/inwerkingtreding", Policy::kAdmin},
      {"POST /en/wijzigingen/{amendmentId}/inwerkingtreding", Policy::kAdmin},
      {"POST /wijzigingen/{amendmentId}/intrekking", Policy::kCityOnly},
      {"POST /en/wijzigingen/{amendmentId}/intrekking", Policy::kCityOnly},
      {"GET /publicaties", Policy::kPublic},
      {"GET /en/publicaties", Policy::kPublic},
      // The knowledge base's pages: the upload form posts a multipart
      // body to the theme's documents page.
      {"GET /themas/{theme}/documenten", Policy::kPublic},
      {"GET /en/themas/{theme}/documenten", Policy::kPublic},
      {"GET /themas/{theme}/documenten/nieuw", Policy::kAuthenticated},
      {"GET /en/themas/{theme}/documenten/nieuw", Policy::kAuthenticated},
      {"POST /themas/{theme}/documenten", Policy::kCityEditor},
      {"POST /en/themas/{theme}/documenten", Policy::kCityEditor},
      {"GET /themas/{theme}/projecten", Policy::kPublic},
      {"GET /en/themas/{theme}/projecten", Policy::kPublic},
      {"GET /themas/{theme}/projecten/{projectId}", Policy::kPublic},
      {"GET /en/themas/{theme}/projecten/{projectId}", Policy::kPublic},
      {"GET /themas/{theme}/projecten/nieuw", Policy::kAuthenticated},
      {"GET /en/themas/{theme}/projecten/nieuw", Policy::kAuthenticated},
      {"GET /themas/{theme}/projecten/{projectId}/wijzigen",
       Policy::kAuthenticated},
      {"GET /en/themas/{theme}/projecten/{projectId}/wijzigen",
       Policy::kAuthenticated},
      {"POST /themas/{theme}/projecten", Policy::kThemeLead},
      {"POST /en/themas/{theme}/projecten", Policy::kThemeLead},
      {"POST /themas/{theme}/projecten/{projectId}", Policy::kThemeLead},
      {"POST /en/themas/{theme}/projecten/{projectId}", Policy::kThemeLead},
      {"GET /overleggen", Policy::kPublic},
      {"GET /en/overleggen", Policy::kPublic},
      {"GET /overleggen/nieuw", Policy::kAdmin},
      {"GET /en/overleggen/nieuw", Policy::kAdmin},
      {"POST /overleggen", Policy::kAdmin},
      {"POST /en/overleggen", Policy::kAdmin},
      {"GET /overleggen/{meetingId}/wijzigen", Policy::kAdmin},
      {"GET /en/overleggen/{meetingId}/wijzigen", Policy::kAdmin},
      {"POST /overleggen/{meetingId}", Policy::kAdmin},
      {"POST /en/overleggen/{meetingId}", Policy::kAdmin},
      {"GET /financiering", Policy::kPublic},
      {"GET /en/financiering", Policy::kPublic},
      {"GET /financiering/invoer", Policy::kAdmin},
      {"GET /en/financiering/invoer", Policy::kAdmin},
      {"POST /financiering", Policy::kAdmin},
      {"POST /en/financiering", Policy::kAdmin},
  };
  return kPolicy;
}

// The plugins' changes, by theme and the route's first segment: records of
// one city (city editors of that city) or of the theme as a whole (theme
// editors). Every plugin GET is public.
Policy PluginWritePolicy(const std::string& theme, const std::string& base) {
  static const std::map<std::string, Policy> kPolicy = {
      {"bedrijvige-stad /business-parks", Policy::kCityEditor},
      {"bedrijvige-stad /smart-work-centres", Policy::kCityEditor},
      {"zorgende-stad /telemonitoring-pilots", Policy::kCityEditor},
      {"zorgende-stad /avva-implementations", Policy::kCityEditor},
      {"lerende-stad /schools", Policy::kCityEditor},
      {"lerende-stad /ict-certificates", Policy::kCityEditor},
      {"groene-stad /data-centres", Policy::kCityEditor},
      {"groene-stad /smart-grid-pilots", Policy::kCityEditor},
      {"groene-stad /energy-use", Policy::kThemeEditor},
      {"onze-stad /datasets", Policy::kCityEditor},
      {"onze-stad /challenge-entries", Policy::kCityEditor},
      {"veilige-stad /cyber-readiness", Policy::kCityEditor},
      {"veilige-stad /secured-business-parks", Policy::kCityEditor},
      {"regelluwe-stad /city-status", Policy::kCityEditor},
      {"kennisdeling /events", Policy::kThemeEditor},
      {"kennisdeling /newsletters", Policy::kThemeEditor},
      {"open-networks /ngn-availability", Policy::kCityEditor},
      {"open-networks /decentral-meetings", Policy::kThemeEditor},
  };
  auto found = kPolicy.find(theme + " " + base);
  if (found == kPolicy.end()) {
    ADD_FAILURE() << "no policy for changes to " << theme << " " << base
                  << "; add one to the table";
    return Policy::kAdmin;
  }
  return found->second;
}

// Records for registers that the demo sample leaves empty.
const std::map<std::string, json>& Fallbacks() {
  static const std::map<std::string, json> kRecords = {
      {"/challenge-entries",
       {{"city", "GM0794"},
        {"title", "Slimme lantaarnpalen"},
        {"team", "Team Brandevoort"},
        {"submittedOn", "2013-05-01"}}},
  };
  return kRecords;
}

constexpr const char* kTheme = "bedrijvige-stad";  // the theme editor's
constexpr const char* kHomeCity = "GM0794";        // Helmond
constexpr const char* kOtherCity = "GM0855";       // Tilburg

struct Caller {
  std::string name;
  std::string role;  // "" for the public
  std::string scope;
  std::string token;
};

class AuthorizationMatrixTest : public ::testing::Test {
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
    // Every register gets sample records, so that routes with {id} have a
    // record to act on.
    std::ostringstream out;
    Status demo = app::Demo(config_, true, out);
    ASSERT_TRUE(demo.ok()) << demo.message() << out.str();
    std::ifstream in(config_.AdminTokenFile());
    std::getline(in, admin_token_);
  }

  std::string Token(const std::string& role, const std::string& scope) {
    std::string key = role + " " + scope;
    auto found = tokens_.find(key);
    if (found != tokens_.end()) return found->second;
    HttpResponse made =
        Call(admin_token_, "POST", "/api/v1/tokens",
             json{{"name", "matrix " + key}, {"role", role}, {"scope", scope}}
                 .dump());
    EXPECT_EQ(made.status, 201) << made.body;
    std::string token = json::parse(made.body)["token"];
    tokens_[key] = token;
    return token;
  }

  HttpResponse Call(const std::string& token, const std::string& method,
                    const std::string& target, const std::string& body = "",
                    const std::string& type = "application/json") {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    if (!body.empty()) headers["Content-Type"] = type;
    return Fetch(platform_->port(), method, target, headers, body);
  }

  json Get(const std::string& target) {
    HttpResponse response = Call(admin_token_, "GET", target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
    return json::parse(response.body, nullptr, false);
  }

  testing::TempDir dir_;
  testing::TestDatabase database_;
  app::Config config_;
  std::unique_ptr<app::Platform> platform_;
  std::string admin_token_;
  std::map<std::string, std::string> tokens_;
};

// What one route is called with.
struct Request {
  std::string target;
  std::string body;
  std::string type = "application/json";
  std::string city;  // the city the request is about
};

TEST_F(AuthorizationMatrixTest, EveryRouteAllowsExactlyWhatThePolicySays) {
  // Objects for the path parameters.
  json indicators =
      Get(std::string("/api/v1/themes/") + kTheme + "/indicators");
  std::string indicator;
  for (const auto& item : indicators["items"]) {
    if (item["scope"] == "city") {
      indicator = item["id"];
      break;
    }
  }
  ASSERT_FALSE(indicator.empty());
  // The theme's leading cities, and a project and a meeting to act on.
  std::set<std::string> leaders;
  json theme_json = Get(std::string("/api/v1/themes/") + kTheme);
  for (const auto& leader : theme_json["leaders"]) {
    if (leader["cbsCode"].is_string()) leaders.insert(leader["cbsCode"]);
  }
  ASSERT_TRUE(leaders.contains(kHomeCity));
  ASSERT_FALSE(leaders.contains(kOtherCity));
  const json project = {
      {"title", "Matrix"}, {"aim", "Every route checked"}, {"lead", kHomeCity}};
  HttpResponse made_project = Call(
      admin_token_, "POST",
      std::string("/api/v1/themes/") + kTheme + "/projects", project.dump());
  ASSERT_EQ(made_project.status, 201) << made_project.body;
  const json meeting = {{"kind", "official"}, {"date", "2013-04-10"}};
  HttpResponse made_meeting =
      Call(admin_token_, "POST", "/api/v1/meetings", meeting.dump());
  ASSERT_EQ(made_meeting.status, 201) << made_meeting.body;
  const json funding_entry = {{"date", "2013-06-30"},
                              {"amountCents", 100},
                              {"description", "Matrix"},
                              {"documentReference", "M-1"}};
  // A join request of the other city for the home city's theme.
  HttpResponse asked =
      Call(Token("city-editor", kOtherCity), "POST",
           std::string("/api/v1/themes/") + kTheme + "/join-requests",
           json{{"city", kOtherCity}, {"motivation", "matrix"}}.dump());
  ASSERT_EQ(asked.status, 201) << asked.body;
  std::string join_request =
      std::to_string(json::parse(asked.body)["id"].get<int>());
  // An amendment of the theme's agreement a, proposed by the home city.
  const json amendment = {{"theme", kTheme},
                          {"agreement", "a"},
                          {"proposer", kHomeCity},
                          {"text", "Een gewijzigde tekst."},
                          {"reason", "matrix"}};
  HttpResponse proposed = Call(Token("city-editor", kHomeCity), "POST",
                               "/api/v1/amendments", amendment.dump());
  ASSERT_EQ(proposed.status, 201) << proposed.body;
  std::string amendment_id =
      std::to_string(json::parse(proposed.body)["id"].get<int>());
  // A document of the home city in the theme, as a multipart upload.
  auto multipart = [&](const std::string& title) {
    return testing::Multipart({{"title", title},
                               {"kind", "evaluation"},
                               {"author", kHomeCity},
                               {"date", "2014-01-31"},
                               {"theme", kTheme},
                               {"city", kHomeCity}},
                              "matrix.txt", "Een evaluatie.");
  };
  const std::string multipart_type = multipart("").content_type;
  HttpResponse made_document = Call(admin_token_, "POST", "/api/v1/documents",
                                    multipart("Matrix").body, multipart_type);
  ASSERT_EQ(made_document.status, 201) << made_document.body;
  std::string document_id =
      std::to_string(json::parse(made_document.body)["id"].get<int>());

  std::vector<std::shared_ptr<const http::Route>> routes =
      platform_->router().Routes();
  ASSERT_GT(routes.size(), 60u);
  int checked = 0;
  std::vector<std::string> problems;
  for (const auto& route : routes) {
    std::string key = route->method + " " + route->pattern;
    std::string theme;
    Policy policy = Policy::kAdmin;
    static const std::regex kPluginRoute(
        R"(/api/v1/themes/([a-z-]+)(/[a-z-]+).*)");
    std::smatch match;
    if (route->owner != "core") {
      ASSERT_TRUE(std::regex_match(route->pattern, match, kPluginRoute)) << key;
      theme = match[1];
      policy = route->method == "GET" ? Policy::kPublic
                                      : PluginWritePolicy(theme, match[2]);
    } else {
      auto found = CorePolicy().find(key);
      if (found == CorePolicy().end()) {
        problems.push_back(key + ": not in the policy table");
        continue;
      }
      policy = found->second;
      // A document's theme is in its record, not in the path.
      if (route->pattern.find("{indicator}") != std::string::npos ||
          route->pattern.find("{theme}") != std::string::npos ||
          route->pattern.starts_with("/api/v1/documents")) {
        theme = kTheme;
      }
    }

    // Fill the path and make a body.
    Request call;
    call.city = kHomeCity;
    std::string target = route->pattern;
    auto fill = [&](const std::string& name, const std::string& value) {
      std::size_t at = target.find("{" + name + "}");
      if (at != std::string::npos) target.replace(at, name.size() + 2, value);
    };
    fill("theme", kTheme);
    fill("letter", "a");
    fill("indicator", indicator);
    fill("city", kHomeCity);
    fill("period", "2013-H2");
    fill("requestId", join_request);
    fill("amendmentId", amendment_id);
    fill("file", "cities.csv");
    fill("documentId", document_id);
    if (key == "POST /api/v1/documents" ||
        (route->method == "POST" && key.ends_with("/documenten"))) {
      call.body = multipart("Matrix " + std::to_string(checked)).body;
      call.type = multipart_type;
    }
    if (key == "GET /api/v1/search") target += "?q=matrix";
    if (route->owner == "core") fill("id", "kennisdeling");  // modules/{id}
    if (route->pattern.find("{userId}") != std::string::npos) {
      HttpResponse made = Call(
          admin_token_, "POST", "/api/v1/users",
          json{{"username", "u" + std::to_string(checked)}, {"role", "admin"}}
              .dump());
      ASSERT_EQ(made.status, 201) << made.body;
      fill("userId",
           std::to_string(json::parse(made.body)["user"]["id"].get<int>()));
      if (route->method == "PATCH") call.body = R"({"displayName":"Matrix"})";
    }
    if (route->pattern.find("{tokenId}") != std::string::npos) {
      HttpResponse made = Call(admin_token_, "POST", "/api/v1/tokens",
                               R"({"name":"throwaway","role":"admin"})");
      fill("tokenId", std::to_string(json::parse(made.body)["id"].get<int>()));
    }
    if (route->owner != "core" && route->method != "GET") {
      // A sample record of the register, as the body and (for {id}) the
      // record acted on.
      std::string base =
          std::string("/api/v1/themes/") + theme + std::string(match[2]);
      json sample;
      if (route->pattern.find("{id}") != std::string::npos ||
          route->method == "POST") {
        json list = Get(base);
        if (list.is_object() && list.contains("items") &&
            list["items"].empty() && Fallbacks().contains(match[2])) {
          // A register without a demo record gets one.
          HttpResponse made =
              Call(admin_token_, "POST", base, Fallbacks().at(match[2]).dump());
          EXPECT_EQ(made.status, 201) << base << ": " << made.body;
          list = Get(base);
        }
        if (list.is_object() && list.contains("items") &&
            !list["items"].empty()) {
          sample = list["items"][0];
        } else if (route->pattern.find("{id}") != std::string::npos) {
          ADD_FAILURE() << base << " has no record to test " << key
                        << " with; add a fallback record";
          continue;
        }
      }
      if (sample.is_object()) {
        if (sample.contains("id") && sample["id"].is_number())
          fill("id", std::to_string(sample["id"].get<int>()));
        if (sample.contains("city") && sample["city"].is_string())
          call.city = sample["city"];
        for (const char* field : {"id", "demo", "updatedAt", "cityName"})
          sample.erase(field);
        if (route->method != "DELETE") call.body = sample.dump();
      } else if (route->method != "DELETE") {
        call.body = json{{"city", call.city}}.dump();
      }
      if (route->pattern.find("/import") != std::string::npos) {
        call.body = "year,area,electricity\n";
        call.type = "text/csv";
      }
    }
    if (key == "POST /api/v1/indicators/{indicator}/measurements") {
      call.body =
          json{{"city", kHomeCity}, {"period", "2013-06"}, {"value", 3}}.dump();
    }
    if (route->owner == "core" &&
        route->pattern.ends_with("/measurements/import")) {
      call.body = "indicator,city,period,value\n";
      call.type = "text/csv";
    }
    if (key == "POST /api/v1/measurements") call.body = R"({"items":[]})";
    if (key == "POST /api/v1/themes/{theme}/join-requests") {
      call.body = json{{"city", kHomeCity}, {"motivation", "matrix"}}.dump();
    }
    if (key == "POST /api/v1/amendments") call.body = amendment.dump();
    if (key.ends_with("/responses")) call.body = R"({"position":"agree"})";
    if (key.ends_with("/decision")) {
      call.body = R"({"outcome":"refused","reason":"matrix"})";
    }
    // The procedures' forms, as the site's pages send them.
    auto form = [&](const std::string& body) {
      call.body = body;
      call.type = "application/x-www-form-urlencoded";
    };
    if (route->method == "POST" &&
        route->pattern.find("/toetredingen") != std::string::npos) {
      if (key.ends_with("/toetredingen")) {
        form("city=" + std::string(kHomeCity) + "&motivation=matrix");
      } else if (key.ends_with("/voorleggen")) {
        form("note=matrix");
      } else if (key.ends_with("/reactie")) {
        form("position=agree&comment=matrix");
      } else if (key.ends_with("/besluit")) {
        form("outcome=refused&reason=matrix");
      }
    }
    if (route->method == "POST" &&
        route->pattern.find("/wijzigingen") != std::string::npos) {
      if (key.ends_with("/wijzigingen")) {
        form("target=agreement&agreement=" + std::string(kTheme) +
             "%2Fa&proposer=" + std::string(kHomeCity) +
             "&text=Een+gewijzigde+tekst.&reason=matrix");
      } else if (key.ends_with("/reactie")) {
        form("party=ez&position=agree&comment=matrix");
      } else if (key.ends_with("/instemming")) {
        form("meeting=" +
             std::to_string(json::parse(made_meeting.body)["id"].get<int>()));
      } else if (key.ends_with("/bericht")) {
        form("note=matrix");
      } else if (key.ends_with("/intrekking")) {
        form("reason=matrix");
      } else if (key.ends_with("/inwerkingtreding")) {
        form("");
      }
    }
    if (route->method == "POST" &&
        route->pattern.find("/projecten") != std::string::npos) {
      form("title=Matrix&aim=Every+form+checked&lead=" +
           std::string(kHomeCity));
    }
    if (route->method == "POST" &&
        (route->pattern.ends_with("/overleggen") ||
         route->pattern.ends_with("/overleggen/{meetingId}"))) {
      form("kind=official&date=2013-04-10");
    }
    if (route->method == "POST" && route->pattern.ends_with("/financiering")) {
      form(
          "kind=cost&date=2013-06-30&amount=1&description=Matrix&"
          "documentReference=M-1");
    }
    if (key.ends_with("/invoer/{indicator}") && route->method == "POST") {
      call.body = "city=" + std::string(kHomeCity) + "&period=2013-06&value=3";
      call.type = "application/x-www-form-urlencoded";
    }
    fill("projectId",
         std::to_string(json::parse(made_project.body)["id"].get<int>()));
    fill("meetingId",
         std::to_string(json::parse(made_meeting.body)["id"].get<int>()));
    if (key == "POST /api/v1/themes/{theme}/projects")
      call.body = project.dump();
    if (key == "PATCH /api/v1/themes/{theme}/projects/{projectId}") {
      call.body = R"({"aim":"Changed by the matrix"})";
    }
    if (key == "POST /api/v1/meetings") call.body = meeting.dump();
    if (key == "PATCH /api/v1/meetings/{meetingId}") {
      call.body = R"({"decisions":["Matrix"]})";
    }
    if (key.starts_with("POST /api/v1/funding/")) {
      call.body = funding_entry.dump();
    }
    if (key == "POST /api/v1/sessions") {
      call.body = R"({"username":"admin","password":"beheer-Kanaal-tulp-93"})";
    }
    if (key == "POST /api/v1/users") {
      call.body = json{
          {"username", "made" + std::to_string(checked)},
          {"role", "city-editor"},
          {"scope",
           kHomeCity}}.dump();
    }
    if (key == "POST /api/v1/tokens") {
      call.body = R"({"name":"matrix","role":"admin"})";
    }
    if (key == "PATCH /api/v1/modules/{id}") call.body = R"({"enabled":true})";
    if (key == "PUT /api/v1/me/password") {
      call.body = R"({"currentPassword":"x","newPassword":"y"})";
    }
    call.target = target;

    std::string other_city = call.city == kOtherCity ? kHomeCity : kOtherCity;
    std::vector<Caller> callers = {
        {"the public", "", "", ""},
        {"a city editor of " + other_city, "city-editor", other_city,
         Token("city-editor", other_city)},
        {std::string("a theme editor of ") + kTheme, "theme-editor", kTheme,
         Token("theme-editor", kTheme)},
        {"a city editor of " + call.city, "city-editor", call.city,
         Token("city-editor", call.city)},
        {"an administrator", "admin", "", admin_token_},
    };
    for (const Caller& caller : callers) {
      bool allowed = false;
      switch (policy) {
        case Policy::kPublic:
          allowed = true;
          break;
        case Policy::kAuthenticated:
          allowed = !caller.role.empty();
          break;
        case Policy::kAdmin:
          allowed = caller.role == "admin";
          break;
        case Policy::kThemeEditor:
          allowed = caller.role == "admin" ||
                    (caller.role == "theme-editor" && caller.scope == theme);
          break;
        case Policy::kThemeLead:
          allowed =
              caller.role == "admin" ||
              (caller.role == "theme-editor" && caller.scope == theme) ||
              (caller.role == "city-editor" && leaders.contains(caller.scope));
          break;
        case Policy::kCityOnly:
          allowed = caller.role == "city-editor" && caller.scope == call.city;
          break;
        case Policy::kLeadingCity:
          allowed = caller.role == "admin" ||
                    (caller.role == "city-editor" && caller.scope == call.city);
          break;
        case Policy::kCityEditor:
          allowed = caller.role == "admin" ||
                    (caller.role == "theme-editor" && caller.scope == theme) ||
                    (caller.role == "city-editor" && caller.scope == call.city);
          break;
      }
      HttpResponse response =
          Call(caller.token, route->method, call.target, call.body, call.type);
      bool refused = response.status == 401 || response.status == 403;
      std::string what = key + " (" + Name(policy) + ") by " + caller.name +
                         " -> " + std::to_string(response.status) + " " +
                         response.body.substr(0, 160);
      if (allowed && refused) problems.push_back("unexpected deny: " + what);
      if (!allowed && !refused) problems.push_back("unexpected allow: " + what);
      if (!allowed && caller.role.empty() && response.status != 401)
        problems.push_back("the public must get 401: " + what);
      if (response.status >= 500) problems.push_back("server error: " + what);
      ++checked;
    }
  }
  EXPECT_GT(checked, 300);
  for (const std::string& problem : problems) ADD_FAILURE() << problem;
}

TEST_F(AuthorizationMatrixTest, ARouteWithoutAPermissionIsRefusedToEveryone) {
  http::RouteOptions options;  // no permission declared
  Status added =
      const_cast<http::Router&>(platform_->router())
          .Add({"GET", "/api/v1/undeclared", "core",
                [](http::Request&) { return http::Response::Json(200, "{}"); },
                options});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(Call("", "GET", "/api/v1/undeclared").status, 403);
  EXPECT_EQ(Call(admin_token_, "GET", "/api/v1/undeclared").status, 403);
}

}  // namespace
}  // namespace smartercities
