#include "core/domain/manifest_parser.h"

#include <smartercities/text.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "core/domain/core_schema.h"
#include "core/domain/json_schema.h"
#include "core/storage/database.h"

namespace smartercities::domain {
namespace {

// The first of the platform's own tables, views, indexes and triggers, or of
// SQLite's and the public views' names, that starts with prefix: a plugin
// with that prefix could reach it.
std::optional<std::string> CoreNameUnderPrefix(const std::string& prefix) {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names = {"sqlite_", "public_",
                                      "schema_migrations"};
    static const std::regex kCreate(
        R"(CREATE\s+(?:UNIQUE\s+)?(?:TABLE|VIEW|INDEX|TRIGGER)\s+([A-Za-z_0-9]+))");
    for (const auto& migration : CoreMigrations()) {
      for (std::sregex_iterator
               it(migration.sql.begin(), migration.sql.end(), kCreate),
           end;
           it != end; ++it) {
        names.push_back((*it)[1]);
      }
    }
    return names;
  }();
  for (const std::string& name : kNames) {
    if (name.starts_with(prefix) ||
        (name.ends_with("_") && prefix.starts_with(name))) {
      return (name.ends_with("_") ? "names " + name + "..." : "table " + name);
    }
  }
  return std::nullopt;
}

using nlohmann::json;

constexpr std::size_t kMaxReportedProblems = 20;

// Reading a manifest the schema has checked. Each getter falls back to a
// default for a member that is missing or of another type, so that the
// cross-reference checks below can still run, and report, when the schema
// found something: every problem is reported at once.
std::string Text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

LocalizedText Localized(const json& value) {
  if (!value.is_object()) return {};
  return {Text(value, "nl"), Text(value, "en")};
}

LocalizedText Localized(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? LocalizedText() : Localized(*it);
}

const json& Array(const json& object, const char* key) {
  static const json kEmpty = json::array();
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}

std::vector<std::string> Texts(const json& object, const char* key) {
  std::vector<std::string> out;
  for (const json& item : Array(object, key)) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<double> Number(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string Index(const std::string& field, std::size_t i) {
  return field + "[" + std::to_string(i) + "].";
}

std::optional<Permission> PermissionOf(const std::string& text) {
  for (Permission permission : {Permission::kPublic, Permission::kAuthenticated,
                                Permission::kCityEditor,
                                Permission::kThemeEditor, Permission::kAdmin}) {
    if (ToString(permission) == text) return permission;
  }
  return std::nullopt;
}

void ReadAgreements(const json& root, ThemeManifest& manifest) {
  for (const json& item : Array(root, "agreements")) {
    if (!item.is_object()) continue;
    Agreement agreement;
    agreement.letter = Text(item, "letter");
    agreement.kind = Text(item, "kind") == "effort" ? AgreementKind::kEffort
                                                    : AgreementKind::kResult;
    agreement.goal = Text(item, "goal");
    agreement.topic = Text(item, "topic");
    agreement.preamble = Text(item, "preamble");
    agreement.text = Text(item, "text");
    agreement.notes = Texts(item, "notes");
    agreement.parties = Texts(item, "parties");
    agreement.indicators = Texts(item, "indicators");
    for (const json& date_item : Array(item, "dates")) {
      if (!date_item.is_object()) continue;
      NamedDate date;
      date.date = Text(date_item, "date");
      date.text = Text(date_item, "text");
      if (std::string kind = Text(date_item, "kind"); !kind.empty()) {
        date.kind = kind;
      }
      agreement.dates.push_back(std::move(date));
    }
    for (const json& number_item : Array(item, "numbers")) {
      if (!number_item.is_object()) continue;
      agreement.numbers.push_back({Number(number_item, "value").value_or(0),
                                   Text(number_item, "unit"),
                                   Text(number_item, "text")});
    }
    manifest.agreements.push_back(std::move(agreement));
  }
}

void ReadIndicators(const json& root, ThemeManifest& manifest) {
  for (const json& item : Array(root, "indicators")) {
    if (!item.is_object()) continue;
    Indicator indicator;
    indicator.id = Text(item, "id");
    indicator.name = Localized(item, "name");
    indicator.description = Localized(item, "description");
    indicator.unit = Text(item, "unit");
    indicator.kind = Text(item, "kind");
    indicator.baseline = Number(item, "baseline");
    indicator.target = Number(item, "target").value_or(0);
    indicator.deadline = Text(item, "deadline");
    indicator.direction = Text(item, "direction");
    // The schema allows only "city" and "network" and reports any other.
    indicator.scope = ParseIndicatorScope(Text(item, "scope"))
                          .value_or(IndicatorScope::kCity);
    indicator.cities = Texts(item, "cities");
    indicator.agreements = Texts(item, "agreements");
    manifest.indicators.push_back(std::move(indicator));
  }
}

RouteDeclaration ReadRoute(const json& item) {
  RouteDeclaration route;
  route.method = Text(item, "method");
  route.path = Text(item, "path");
  route.summary = Text(item, "summary");
  route.permission =
      PermissionOf(Text(item, "permission")).value_or(Permission::kAdmin);
  if (std::string type = Text(item, "bodyType"); !type.empty()) {
    route.body_type = type;
  }
  if (auto limit = Number(item, "bodyLimitBytes"); limit && *limit >= 0) {
    route.body_limit_bytes = static_cast<std::size_t>(*limit);
  }
  route.cache = item.value("cache", true);
  route.status = static_cast<int>(Number(item, "status").value_or(0));
  for (const json& parameter : Array(item, "query")) {
    if (!parameter.is_object()) continue;
    route.query.emplace_back(Text(parameter, "name"),
                             Text(parameter, "description"));
  }
  route.response_types = Texts(item, "responseTypes");
  if (auto schema = item.find("requestSchema"); schema != item.end()) {
    route.request_schema = schema->dump();
  }
  if (auto schema = item.find("responseSchema"); schema != item.end()) {
    route.response_schema = schema->dump();
  }
  if (auto responses = item.find("responses");
      responses != item.end() && responses->is_object()) {
    for (const auto& [status, text] : responses->items()) {
      if (text.is_string()) {
        route.responses.emplace_back(status, text.get<std::string>());
      }
    }
  }
  return route;
}

// The five routes of a register (smartercities/register.h), as the SDK
// serves them.
std::vector<RouteDeclaration> RegisterRoutes(
    const RegisterDeclaration& declared) {
  auto route = [&](const char* method, std::string path, std::string summary,
                   bool writes) {
    RouteDeclaration out;
    out.method = method;
    out.path = std::move(path);
    out.summary = std::move(summary);
    out.permission = writes ? declared.write : Permission::kPublic;
    if (writes && std::string_view(method) != "DELETE") {
      out.body_limit_bytes = declared.body_limit_bytes;
    }
    return out;
  };
  const std::string item = declared.path + "/{id}";
  return {route("GET", declared.path, "List " + declared.title, false),
          route("POST", declared.path, "Add to " + declared.title, true),
          route("GET", item, "One record of " + declared.title, false),
          route("PUT", item, "Replace a record of " + declared.title, true),
          route("DELETE", item, "Remove a record of " + declared.title, true)};
}

void ReadRoutes(const json& root, ThemeManifest& manifest) {
  for (const json& item : Array(root, "routes")) {
    if (item.is_object()) manifest.routes.push_back(ReadRoute(item));
  }
  for (const json& item : Array(root, "registers")) {
    if (!item.is_object()) continue;
    RegisterDeclaration declared;
    declared.path = Text(item, "path");
    declared.title = Text(item, "title");
    declared.write =
        PermissionOf(Text(item, "write")).value_or(Permission::kAdmin);
    if (auto limit = Number(item, "bodyLimitBytes"); limit && *limit >= 0) {
      declared.body_limit_bytes = static_cast<std::size_t>(*limit);
    }
    declared.table = Text(item, "table");
    auto exported = item.find("export");
    declared.exported = exported != item.end() && *exported == true;
    declared.description = Text(item, "description");
    declared.search_fields = Texts(item, "search");
    for (RouteDeclaration& route : RegisterRoutes(declared)) {
      manifest.routes.push_back(std::move(route));
    }
    manifest.registers.push_back(std::move(declared));
  }
}

void ReadPanelsAndStorage(const json& root, ThemeManifest& manifest) {
  for (const json& item : Array(root, "panels")) {
    if (!item.is_object()) continue;
    manifest.panels.push_back({Text(item, "id"), Localized(item, "title"),
                               Text(item, "endpoint"), Text(item, "view")});
  }
  if (auto storage = root.find("storage");
      storage != root.end() && storage->is_object()) {
    manifest.storage_engines = Texts(*storage, "engines");
    for (const json& item : Array(*storage, "migrations")) {
      if (!item.is_object()) continue;
      manifest.migrations.push_back(
          {static_cast<int>(Number(item, "version").value_or(0)),
           Text(item, "description"), Text(item, "sql")});
    }
  }
  manifest.demo = Texts(root, "demo");
}

// What the schema cannot say: names used twice, links between the parts,
// the order of migrations, the table prefix.
void CheckReferences(const json& root, const ThemeManifest& manifest,
                     std::vector<std::string>& problems) {
  auto problem = [&](const std::string& field, const std::string& what) {
    problems.push_back(field + ": " + what);
  };
  if (!manifest.id.empty()) {
    if (auto covered = CoreNameUnderPrefix(manifest.TablePrefix())) {
      problem("id", "its table prefix '" + manifest.TablePrefix() +
                        "' would cover the platform's own " + *covered +
                        "; choose another id");
    }
  }
  std::set<std::string> letters;
  for (std::size_t i = 0; i < manifest.agreements.size(); ++i) {
    const std::string& letter = manifest.agreements[i].letter;
    if (!letter.empty() && !letters.insert(letter).second) {
      problem(Index("agreements", i) + "letter",
              "\"" + letter + "\" is used twice");
    }
  }
  std::set<std::string> indicator_ids;
  for (std::size_t i = 0; i < manifest.indicators.size(); ++i) {
    const Indicator& indicator = manifest.indicators[i];
    std::string path = Index("indicators", i);
    if (!indicator.id.empty()) {
      if (!indicator.id.starts_with(manifest.id + "-")) {
        problem(path + "id", "must start with \"" + manifest.id +
                                 "-\", got \"" + indicator.id + "\"");
      } else if (!indicator_ids.insert(indicator.id).second) {
        problem(path + "id", "\"" + indicator.id + "\" is used twice");
      }
    }
    if (!indicator.cities.empty() && indicator.scope != IndicatorScope::kCity) {
      std::string message = "names cities, so scope must be \"city\", got \"";
      message.append(ToString(indicator.scope)).append("\"");
      problem(path + "cities", message);
    }
    for (const std::string& letter : indicator.agreements) {
      if (!letter.empty() && !letters.contains(letter)) {
        problem(path + "agreements",
                "\"" + letter + "\" is not an agreement of this manifest");
      }
    }
  }
  for (std::size_t i = 0; i < manifest.agreements.size(); ++i) {
    for (const std::string& id : manifest.agreements[i].indicators) {
      if (!indicator_ids.contains(id)) {
        problem(Index("agreements", i) + "indicators",
                "\"" + id + "\" is not an indicator of this manifest");
      }
    }
  }
  // Routes and registers declare each method and path once; a register's
  // problem names the register.
  std::size_t num_routes = Array(root, "routes").size();
  std::set<std::string> seen;
  for (std::size_t i = 0; i < manifest.routes.size(); ++i) {
    const RouteDeclaration& route = manifest.routes[i];
    if (route.method.empty() || route.path.empty()) continue;
    std::string where =
        i < num_routes
            ? "routes[" + std::to_string(i) + "]"
            : "registers[" + std::to_string((i - num_routes) / 5) + "]";
    if (!seen.insert(route.method + " " + route.path).second) {
      problem(where, route.method + " " + route.path + " is declared twice");
    }
  }
  // The core reads an exported or searched register's records from its
  // table, which must be the plugin's own.
  for (std::size_t i = 0; i < manifest.registers.size(); ++i) {
    const RegisterDeclaration& declared = manifest.registers[i];
    std::string path = Index("registers", i);
    bool is_read = declared.exported || !declared.search_fields.empty();
    if (is_read && declared.path.find('{') != std::string::npos) {
      problem(path + "path",
              "a register with \"export\" or \"search\" needs a path "
              "without {parameters}, got \"" +
                  declared.path + "\"");
    }
    if (declared.table.empty()) {
      if (is_read) {
        problem(path + "table",
                "is required when the register has \"export\" or "
                "\"search\": name the table its records are stored in "
                "(RegisterSpec::table)");
      }
    } else if (!manifest.id.empty() &&
               !declared.table.starts_with(manifest.TablePrefix())) {
      problem(path + "table", "must start with \"" + manifest.TablePrefix() +
                                  "\", got \"" + declared.table + "\"");
    }
  }
  for (std::size_t i = 0; i < manifest.panels.size(); ++i) {
    const std::string& endpoint = manifest.panels[i].endpoint;
    if (!endpoint.empty() && manifest.FindRoute("GET", endpoint) == nullptr) {
      problem(Index("panels", i) + "endpoint",
              "\"" + endpoint + "\" is not one of the manifest's GET routes");
    }
  }
  for (std::size_t i = 0; i < manifest.migrations.size(); ++i) {
    if (manifest.migrations[i].version != static_cast<int>(i + 1)) {
      problem("storage." + Index("migrations", i) + "version",
              "must be " + std::to_string(i + 1) +
                  " (versions start at 1 and grow by one)");
    }
  }
  if (!manifest.demo.empty() && manifest.migrations.empty()) {
    problem("demo", "needs tables: declare them in storage.migrations");
  }
}

}  // namespace

namespace {

// The rule for text from outside holds for a plugin's manifest too: no
// control characters but line breaks and tabs, in any value or key.
void FindControlCharacters(const json& value, const std::string& where,
                           std::vector<std::string>& problems) {
  sdk::TextRules rules;
  rules.max_characters = std::numeric_limits<std::size_t>::max();
  rules.multiline = true;
  if (value.is_string()) {
    if (auto problem =
            sdk::TextProblem(value.get_ref<const std::string&>(), rules)) {
      problems.push_back((where.empty() ? "the manifest" : where) + ": " +
                         *problem);
    }
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      std::string path = where.empty() ? key : where + "." + key;
      if (auto problem = sdk::TextProblem(key, rules)) {
        problems.push_back(sdk::Printable(path) + ": " + *problem);
      }
      FindControlCharacters(item, path, problems);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      FindControlCharacters(value[i], where + "[" + std::to_string(i) + "]",
                            problems);
    }
  }
}

}  // namespace

Result<ThemeManifest> ParseManifest(std::string_view text,
                                    std::string_view source,
                                    std::vector<std::string>* problems_out) {
  std::vector<std::string> problems;
  ThemeManifest manifest;
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    // The parser throws out_of_range, not parse_error, for a number too
    // large for a double (1e999).
    try {
      json ignored = json::parse(text);
      (void)ignored;
    } catch (const json::exception& e) {
      problems.push_back(std::string("not valid JSON: ") + e.what());
    }
    if (problems.empty()) problems.push_back("not valid JSON");
  } else if (!root.is_object()) {
    problems.push_back("the manifest must be a JSON object");
  } else {
    FindControlCharacters(root, "", problems);
    // The schema owns the structure: types, required members, enums,
    // patterns. The code below only reads and cross-references.
    for (std::string& problem : CheckAgainstSchema(ManifestSchema(), root)) {
      problems.push_back(std::move(problem));
    }
    manifest.id = Text(root, "id");
    manifest.version = Text(root, "version");
    manifest.name = Localized(root, "name");
    manifest.introduction = Localized(root, "introduction");
    for (const json& challenge : Array(root, "challenges")) {
      manifest.challenges.push_back(Localized(challenge));
    }
    for (const json& leader : Array(root, "leaders")) {
      if (leader.is_object()) {
        manifest.leaders.push_back(
            {Text(leader, "name"), Text(leader, "cbsCode")});
      }
    }
    ReadAgreements(root, manifest);
    ReadIndicators(root, manifest);
    ReadRoutes(root, manifest);
    ReadPanelsAndStorage(root, manifest);
    CheckReferences(root, manifest, problems);
  }
  if (problems_out != nullptr) *problems_out = problems;
  if (problems.empty()) return manifest;
  std::string message = std::string(source) + ": invalid manifest: ";
  for (std::size_t i = 0; i < problems.size() && i < kMaxReportedProblems;
       ++i) {
    if (i > 0) message += "; ";
    message += problems[i];
  }
  if (problems.size() > kMaxReportedProblems) {
    message += "; and " +
               std::to_string(problems.size() - kMaxReportedProblems) + " more";
  }
  return Status::InvalidArgument(message);
}

Status MigratePlugin(storage::Database& database,
                     const ThemeManifest& manifest) {
  std::vector<storage::Migration> migrations;
  for (const PluginMigration& migration : manifest.migrations) {
    migrations.push_back(
        {migration.version, migration.description, migration.sql});
  }
  return database.Migrate({manifest.id, manifest.TablePrefix()}, migrations);
}

std::vector<std::string> CheckMigrations(
    const ThemeManifest& manifest, const std::filesystem::path& scratch_dir) {
  if (manifest.migrations.empty()) return {};
  auto database =
      storage::OpenSqlite({(scratch_dir / "migrations.db").string()});
  if (!database.ok()) return {database.status().message()};
  Status status = (*database)->Migrate({"core", ""}, CoreMigrations());
  if (!status.ok()) return {status.message()};
  status = MigratePlugin(**database, manifest);
  if (status.ok()) return {};
  return {"storage: " + status.message()};
}

}  // namespace smartercities::domain
