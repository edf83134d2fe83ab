// model.h — the covenant's model as the core holds it: themes with their
// agreements, indicators, routes, panels and storage, as a plugin's manifest
// declares them.
//
// Plain values, copied freely; the host keeps its own copy of every manifest
// so nothing points into a plugin's memory.
#ifndef SMARTERCITIES_CORE_DOMAIN_MODEL_H_
#define SMARTERCITIES_CORE_DOMAIN_MODEL_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smartercities::domain {

// A text the public reads: Dutch always, English when given.
struct LocalizedText {
  std::string nl;
  std::string en;
};

// A leading city ("trekkende stad") or party of a theme.
struct Leader {
  std::string name;
  std::string cbs_code;  // empty for a party that is not a municipality
};

// The day the covenant took effect: the day after it was signed in The Hague
// on 6 March 2013 (article 12).
inline constexpr std::string_view kCovenantEffectiveDate = "2013-03-07";

// Whether date ("YYYY", "YYYY-MM" or "YYYY-MM-DD") lies before the covenant
// took effect, in months: the last month the date covers ("2012" covers up to
// 2012-12) is before the month of kCovenantEffectiveDate. A deadline for which
// this holds was due before the covenant took effect.
bool IsBeforeCovenant(std::string_view date);

// A date the agreement's text names: "2013", "2013-12" or "2013-12-31".
struct NamedDate {
  std::string date;
  std::string text;
  // What the date is: "deadline" (by when the promise is due), "start" (from
  // when it holds: "vanaf 2012") or "context" (when something the text refers
  // to happened, that the agreement does not promise).
  std::string kind = "deadline";
};

// A number the agreement's text promises.
struct NamedNumber {
  double value = 0;
  std::string unit;
  std::string text;
};

enum class AgreementKind { kResult, kEffort };

struct Agreement {
  std::string letter;
  AgreementKind kind = AgreementKind::kResult;
  std::string goal;
  std::string topic;
  // The paragraph that stands between the sub-heading and this agreement in
  // the covenant and introduces it and the agreements after it; empty when
  // there is none.
  std::string preamble;
  std::string text;
  std::vector<std::string> notes;
  std::vector<std::string> parties;
  std::vector<NamedDate> dates;
  std::vector<NamedNumber> numbers;
  std::vector<std::string> indicators;  // indicator ids
};

// Whom an indicator's figures are about: each city ("city", a figure per
// city) or the network as a whole ("network", one figure for all).
enum class IndicatorScope { kCity, kNetwork };

// "city" or "network": the words of the manifest, the API and the database.
std::string_view ToString(IndicatorScope scope);
// The scope a word names; nullopt for any other word.
std::optional<IndicatorScope> ParseIndicatorScope(std::string_view text);

struct Indicator {
  std::string id;
  LocalizedText name;
  LocalizedText description;
  std::string unit;
  std::string kind;  // "quantity" or "milestone"
  std::optional<double> baseline;
  double target = 0;
  std::string deadline;   // "YYYY-MM"
  std::string direction;  // "increase" or "decrease"
  IndicatorScope scope = IndicatorScope::kCity;
  // With scope "city": the CBS codes of the only cities the text concerns
  // (the smart-grid pilots in Amersfoort and Utrecht); empty for every city.
  std::vector<std::string> cities;
  std::vector<std::string> agreements;  // letters
};

// Who may call a route.
enum class Permission {
  kPublic,         // anyone
  kAuthenticated,  // any account or token
  kCityEditor,     // administrators, the theme's editors, the city's editors
  kThemeEditor,    // administrators and the theme's editors
  kAdmin,          // administrators
};

// "public", "authenticated", "city-editor", "theme-editor" or "admin".
std::string_view ToString(Permission permission);

struct RouteDeclaration {
  std::string method;
  std::string path;  // relative to /api/v1/themes/<id>
  std::string summary;
  Permission permission = Permission::kAdmin;
  std::size_t body_limit_bytes = 64 * 1024;
  // The media type of the request body: "application/json" or "text/csv".
  std::string body_type = "application/json";
  // For a public GET: whether its answers may be served from the response
  // cache until the next write to the database (the default). A route whose
  // answer depends on something else (the clock, a file) says false.
  bool cache = true;
  // For the OpenAPI document, all optional: the status of a successful
  // answer (0: 200), the query parameters (name, what it does; a request
  // naming any other gets 400), JSON Schemas of the body and of the
  // successful answer (JSON text), and the further answers by status.
  int status = 0;
  std::vector<std::pair<std::string, std::string>> query;
  // The media types a successful answer comes in, the default first; empty
  // means application/json. An Accept that allows none of them gets 406.
  std::vector<std::string> response_types;
  std::string request_schema;
  std::string response_schema;
  std::vector<std::pair<std::string, std::string>> responses;
};

struct Panel {
  std::string id;
  LocalizedText title;
  std::string endpoint;
  std::string view;  // "table", "chart", "map" or "figures"
};

// A register of the SDK (smartercities/register.h): its collection's path,
// what it holds and who may write it. The manifest parser declares its five
// routes in ThemeManifest::routes.
struct RegisterDeclaration {
  std::string path;   // relative to /api/v1/themes/<id>: "/projects"
  std::string title;  // "projects", for the routes' summaries
  Permission write = Permission::kAdmin;
  std::size_t body_limit_bytes = 64 * 1024;
  // The table its records are stored in (RegisterSpec::table); the
  // manifest names it when the core reads the records (export or search).
  std::string table;
  // Whether its records are open data: the dataset "<theme>-<path>" of the
  // bulk downloads and the catalogue (docs/open-data.md), described by
  // description.
  bool exported = false;
  std::string description;
  // The keys of the text fields whose words the knowledge base's search
  // finds (docs/knowledge-base.md); empty: not searched.
  std::vector<std::string> search_fields;
};

struct PluginMigration {
  int version = 0;
  std::string description;
  std::string sql;
};

// Everything a theme's manifest (theme.json) declares.
struct ThemeManifest {
  std::string id;
  std::string version;
  LocalizedText name;
  LocalizedText introduction;
  std::vector<LocalizedText> challenges;
  std::vector<Leader> leaders;
  std::vector<Agreement> agreements;
  std::vector<Indicator> indicators;
  // The declared routes, the five of each register included.
  std::vector<RouteDeclaration> routes;
  std::vector<RegisterDeclaration> registers;
  std::vector<Panel> panels;
  std::vector<PluginMigration> migrations;
  // The storage engines its own SQL is written for, as storage.engines
  // names them ("sqlite", "postgresql"); empty when it does not say.
  std::vector<std::string> storage_engines;
  // Statements that insert the theme's sample data, marked is_demo = 1.
  std::vector<std::string> demo;

  // The prefix of the plugin's tables: the id with '-' as '_', then '_'.
  std::string TablePrefix() const;
  // Whether this theme's tables and other's could be confused: one table
  // prefix starts with the other ("groene_stad_" and "groene_stad_x_"), so
  // one plugin could reach the other's tables.
  bool TablesOverlap(const ThemeManifest& other) const;
  // Whether it may be enabled on engine ("sqlite", "postgresql"): when
  // storage.engines names it. Without that declaration a plugin without
  // tables of its own (no storage.migrations: registers and public views
  // only) runs on both, and one with tables on SQLite only, the engine its
  // SQL was written for.
  bool SupportsEngine(std::string_view engine) const;
  // The URL prefix of the theme: /api/v1/themes/<id>.
  std::string RoutePrefix() const;
  const RouteDeclaration* FindRoute(std::string_view method,
                                    std::string_view path) const;
};

std::string_view ToString(AgreementKind kind);

// Compares two MAJOR.MINOR.PATCH versions by their numbers: < 0 when a is
// older than b, 0 when they are the same, > 0 when a is newer. A part that
// is not a number counts as 0.
int CompareVersions(std::string_view a, std::string_view b);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_MODEL_H_
