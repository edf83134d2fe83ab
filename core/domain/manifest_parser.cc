#include "core/domain/manifest_parser.h"

#include <smartercities/text.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "core/domain/core_schema.h"
#include "core/domain/json_schema.h"

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

// std::regex matches by recursion, about a stack frame per character, so a
// string of some ten thousand characters exhausts the stack. Nothing the
// patterns below accept comes near this length.
constexpr std::size_t kMaxMatchedBytes = 256;

bool Matches(const std::string& text, const std::regex& pattern) {
  return text.size() <= kMaxMatchedBytes && std::regex_match(text, pattern);
}

bool IsKebabId(const std::string& text, std::size_t max_size) {
  static const std::regex kPattern("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  return !text.empty() && text.size() <= max_size && Matches(text, kPattern);
}

bool IsSemver(const std::string& text) {
  static const std::regex kPattern(
      R"((0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?)");
  return Matches(text, kPattern);
}

bool IsDate(const std::string& text) {
  static const std::regex kPattern(
      R"((19|20)[0-9]{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?)");
  return Matches(text, kPattern);
}

bool IsMonth(const std::string& text) {
  static const std::regex kPattern(R"((19|20)[0-9]{2}-(0[1-9]|1[0-2]))");
  return Matches(text, kPattern);
}

bool IsCbsCode(const std::string& text) {
  static const std::regex kPattern("GM[0-9]{4}");
  return Matches(text, kPattern);
}

// Checks a route path relative to the theme prefix: "/x", "/x/{id}".
bool IsRoutePath(const std::string& path) {
  static const std::regex kPattern(
      R"((/([a-z0-9]+(-[a-z0-9]+)*|\{[a-zA-Z][a-zA-Z0-9]*\}))+)");
  return Matches(path, kPattern);
}

// Walks a JSON document and records problems with their field paths.
class Reader {
 public:
  explicit Reader(std::vector<std::string>& problems) : problems_(problems) {}

  void Problem(const std::string& field, const std::string& what) {
    problems_.push_back(field + ": " + what);
  }

  // Reads a required or optional string member.
  std::string String(const json& object, const std::string& field,
                     const std::string& path, bool required) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
      if (required) Problem(path + field, "is required");
      return {};
    }
    if (!it->is_string()) {
      Problem(path + field, "must be a string, got " + TypeName(*it));
      return {};
    }
    return it->get<std::string>();
  }

  LocalizedText Localized(const json& object, const std::string& field,
                          const std::string& path, bool required) {
    LocalizedText text;
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
      if (required) Problem(path + field, "is required");
      return text;
    }
    return LocalizedValue(*it, path + field);
  }

  LocalizedText LocalizedValue(const json& value, const std::string& path) {
    LocalizedText text;
    if (!value.is_object()) {
      Problem(path, "must be an object {\"nl\": ..., \"en\": ...}, got " +
                        TypeName(value));
      return text;
    }
    for (const auto& [key, member] : value.items()) {
      if (key != "nl" && key != "en") {
        Problem(path + "." + key, "unknown language; use \"nl\" or \"en\"");
      }
    }
    text.nl = String(value, "nl", path + ".", true);
    text.en = String(value, "en", path + ".", false);
    if (text.nl.empty() && value.contains("nl") && value["nl"].is_string()) {
      Problem(path + ".nl", "must not be empty");
    }
    return text;
  }

  const json* Array(const json& object, const std::string& field,
                    const std::string& path, bool required) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
      if (required) Problem(path + field, "is required");
      return nullptr;
    }
    if (!it->is_array()) {
      Problem(path + field, "must be an array, got " + TypeName(*it));
      return nullptr;
    }
    return &*it;
  }

  std::vector<std::string> StringArray(const json& object,
                                       const std::string& field,
                                       const std::string& path) {
    std::vector<std::string> out;
    const json* array = Array(object, field, path, false);
    if (array == nullptr) return out;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const json& item = (*array)[i];
      if (!item.is_string()) {
        Problem(path + field + "[" + std::to_string(i) + "]",
                "must be a string, got " + TypeName(item));
        continue;
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  std::optional<double> Number(const json& object, const std::string& field,
                               const std::string& path, bool required) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
      if (required) Problem(path + field, "is required");
      return std::nullopt;
    }
    if (!it->is_number()) {
      Problem(path + field, "must be a number, got " + TypeName(*it));
      return std::nullopt;
    }
    return it->get<double>();
  }

  void OnlyKnown(const json& object, const std::set<std::string>& known,
                 const std::string& path) {
    for (const auto& [key, value] : object.items()) {
      if (!known.contains(key)) {
        Problem(path + key, "unknown field (see docs/manifest.md)");
      }
    }
  }

  static std::string TypeName(const json& value) {
    return std::string(value.type_name());
  }

 private:
  std::vector<std::string>& problems_;
};

std::string Index(const std::string& field, std::size_t i) {
  return field + "[" + std::to_string(i) + "].";
}

void ReadLeaders(Reader& reader, const json& root, ThemeManifest& manifest) {
  const json* leaders = reader.Array(root, "leaders", "", true);
  if (leaders == nullptr) return;
  if (leaders->empty()) reader.Problem("leaders", "must name at least one");
  for (std::size_t i = 0; i < leaders->size(); ++i) {
    const json& item = (*leaders)[i];
    std::string path = Index("leaders", i);
    if (!item.is_object()) {
      reader.Problem(path, "must be an object");
      continue;
    }
    reader.OnlyKnown(item, {"name", "cbsCode"}, path);
    Leader leader;
    leader.name = reader.String(item, "name", path, true);
    leader.cbs_code = reader.String(item, "cbsCode", path, false);
    if (!leader.cbs_code.empty() && !IsCbsCode(leader.cbs_code)) {
      reader.Problem(path + "cbsCode",
                     "must be GM followed by four digits, got \"" +
                         leader.cbs_code + "\"");
    }
    manifest.leaders.push_back(std::move(leader));
  }
}

void ReadAgreements(Reader& reader, const json& root, ThemeManifest& manifest) {
  const json* agreements = reader.Array(root, "agreements", "", true);
  if (agreements == nullptr) return;
  std::set<std::string> letters;
  for (std::size_t i = 0; i < agreements->size(); ++i) {
    const json& item = (*agreements)[i];
    std::string path = Index("agreements", i);
    if (!item.is_object()) {
      reader.Problem(path, "must be an object");
      continue;
    }
    reader.OnlyKnown(item,
                     {"letter", "kind", "goal", "topic", "preamble", "text",
                      "notes", "parties", "dates", "numbers", "indicators"},
                     path);
    Agreement agreement;
    agreement.letter = reader.String(item, "letter", path, true);
    if (!agreement.letter.empty() &&
        (agreement.letter.size() != 1 || agreement.letter[0] < 'a' ||
         agreement.letter[0] > 'z')) {
      reader.Problem(path + "letter", "must be one letter a-z, got \"" +
                                          agreement.letter + "\"");
    } else if (!agreement.letter.empty() &&
               !letters.insert(agreement.letter).second) {
      reader.Problem(path + "letter",
                     "\"" + agreement.letter + "\" is used twice");
    }
    std::string kind = reader.String(item, "kind", path, true);
    if (kind == "result") {
      agreement.kind = AgreementKind::kResult;
    } else if (kind == "effort") {
      agreement.kind = AgreementKind::kEffort;
    } else if (item.contains("kind") && item["kind"].is_string()) {
      reader.Problem(path + "kind",
                     "must be \"result\" or \"effort\", got \"" + kind + "\"");
    }
    agreement.goal = reader.String(item, "goal", path, true);
    agreement.topic = reader.String(item, "topic", path, false);
    agreement.preamble = reader.String(item, "preamble", path, false);
    agreement.text = reader.String(item, "text", path, true);
    if (agreement.text.empty() && item.contains("text")) {
      reader.Problem(path + "text", "must not be empty");
    }
    agreement.notes = reader.StringArray(item, "notes", path);
    agreement.parties = reader.StringArray(item, "parties", path);
    agreement.indicators = reader.StringArray(item, "indicators", path);
    if (const json* dates = reader.Array(item, "dates", path, false)) {
      for (std::size_t d = 0; d < dates->size(); ++d) {
        const json& date_item = (*dates)[d];
        std::string date_path = path + Index("dates", d);
        if (!date_item.is_object()) {
          reader.Problem(date_path, "must be an object");
          continue;
        }
        NamedDate date;
        date.date = reader.String(date_item, "date", date_path, true);
        date.text = reader.String(date_item, "text", date_path, false);
        if (!date.date.empty() && !IsDate(date.date)) {
          reader.Problem(
              date_path + "date",
              "must be YYYY, YYYY-MM or YYYY-MM-DD, got \"" + date.date + "\"");
        }
        std::string date_kind =
            reader.String(date_item, "kind", date_path, false);
        if (!date_kind.empty()) date.kind = date_kind;
        if (date.kind != "deadline" && date.kind != "start" &&
            date.kind != "context") {
          reader.Problem(date_path + "kind",
                         "must be \"deadline\", \"start\" or \"context\", "
                         "got \"" +
                             date.kind + "\"");
        }
        agreement.dates.push_back(std::move(date));
      }
    }
    if (const json* numbers = reader.Array(item, "numbers", path, false)) {
      for (std::size_t n = 0; n < numbers->size(); ++n) {
        const json& number_item = (*numbers)[n];
        std::string number_path = path + Index("numbers", n);
        if (!number_item.is_object()) {
          reader.Problem(number_path, "must be an object");
          continue;
        }
        NamedNumber number;
        number.value =
            reader.Number(number_item, "value", number_path, true).value_or(0);
        number.unit = reader.String(number_item, "unit", number_path, true);
        number.text = reader.String(number_item, "text", number_path, false);
        agreement.numbers.push_back(std::move(number));
      }
    }
    manifest.agreements.push_back(std::move(agreement));
  }
}

void ReadIndicators(Reader& reader, const json& root, ThemeManifest& manifest) {
  const json* indicators = reader.Array(root, "indicators", "", false);
  if (indicators == nullptr) return;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < indicators->size(); ++i) {
    const json& item = (*indicators)[i];
    std::string path = Index("indicators", i);
    if (!item.is_object()) {
      reader.Problem(path, "must be an object");
      continue;
    }
    reader.OnlyKnown(
        item,
        {"id", "name", "description", "unit", "kind", "baseline", "target",
         "deadline", "direction", "scope", "cities", "agreements"},
        path);
    Indicator indicator;
    indicator.id = reader.String(item, "id", path, true);
    if (!indicator.id.empty()) {
      if (!IsKebabId(indicator.id, 80) ||
          indicator.id.rfind(manifest.id + "-", 0) != 0) {
        reader.Problem(path + "id", "must be kebab-case and start with \"" +
                                        manifest.id + "-\", got \"" +
                                        indicator.id + "\"");
      } else if (!ids.insert(indicator.id).second) {
        reader.Problem(path + "id", "\"" + indicator.id + "\" is used twice");
      }
    }
    indicator.name = reader.Localized(item, "name", path, true);
    indicator.description = reader.Localized(item, "description", path, false);
    indicator.unit = reader.String(item, "unit", path, true);
    indicator.kind = reader.String(item, "kind", path, true);
    if (!indicator.kind.empty() && indicator.kind != "quantity" &&
        indicator.kind != "milestone") {
      reader.Problem(path + "kind",
                     "must be \"quantity\" or \"milestone\", got \"" +
                         indicator.kind + "\"");
    }
    indicator.baseline = reader.Number(item, "baseline", path, false);
    indicator.target = reader.Number(item, "target", path, true).value_or(0);
    indicator.deadline = reader.String(item, "deadline", path, true);
    if (!indicator.deadline.empty() && !IsMonth(indicator.deadline)) {
      reader.Problem(path + "deadline",
                     "must be YYYY-MM, got \"" + indicator.deadline + "\"");
    }
    indicator.direction = reader.String(item, "direction", path, true);
    if (!indicator.direction.empty() && indicator.direction != "increase" &&
        indicator.direction != "decrease") {
      reader.Problem(path + "direction",
                     "must be \"increase\" or \"decrease\", got \"" +
                         indicator.direction + "\"");
    }
    indicator.scope = reader.String(item, "scope", path, true);
    if (!indicator.scope.empty() && indicator.scope != "city" &&
        indicator.scope != "network") {
      reader.Problem(path + "scope", "must be \"city\" or \"network\", got \"" +
                                         indicator.scope + "\"");
    }
    indicator.cities = reader.StringArray(item, "cities", path);
    std::set<std::string> cities;
    for (std::size_t c = 0; c < indicator.cities.size(); ++c) {
      const std::string& city = indicator.cities[c];
      std::string city_path = path + "cities[" + std::to_string(c) + "]";
      if (!IsCbsCode(city)) {
        reader.Problem(city_path, "must be GM followed by four digits, got \"" +
                                      city + "\"");
      } else if (!cities.insert(city).second) {
        reader.Problem(city_path, "\"" + city + "\" is named twice");
      }
    }
    if (!indicator.cities.empty() && indicator.scope != "city") {
      reader.Problem(path + "cities",
                     "names cities, so scope must be \"city\", got \"" +
                         indicator.scope + "\"");
    }
    indicator.agreements = reader.StringArray(item, "agreements", path);
    if (indicator.agreements.empty() && item.contains("agreements")) {
      reader.Problem(path + "agreements", "must name at least one agreement");
    } else if (!item.contains("agreements")) {
      reader.Problem(path + "agreements", "is required");
    }
    manifest.indicators.push_back(std::move(indicator));
  }
}

void ReadRoutes(Reader& reader, const json& root, ThemeManifest& manifest) {
  const json* routes = reader.Array(root, "routes", "", false);
  if (routes == nullptr) return;
  static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH",
                                                 "DELETE"};
  std::set<std::string> seen;
  for (std::size_t i = 0; i < routes->size(); ++i) {
    const json& item = (*routes)[i];
    std::string path = Index("routes", i);
    if (!item.is_object()) {
      reader.Problem(path, "must be an object");
      continue;
    }
    reader.OnlyKnown(item,
                     {"method", "path", "summary", "permission",
                      "bodyLimitBytes", "bodyType", "cache"},
                     path);
    RouteDeclaration route;
    route.method = reader.String(item, "method", path, true);
    if (!route.method.empty() && !kMethods.contains(route.method)) {
      reader.Problem(path + "method",
                     "must be GET, POST, PUT, PATCH or DELETE, got \"" +
                         route.method + "\"");
    }
    route.path = reader.String(item, "path", path, true);
    if (!route.path.empty() && !IsRoutePath(route.path)) {
      reader.Problem(path + "path",
                     "must start with '/', use kebab-case segments or "
                     "{name} parameters and have no trailing slash, got \"" +
                         route.path + "\"");
    }
    if (!seen.insert(route.method + " " + route.path).second) {
      reader.Problem(path,
                     route.method + " " + route.path + " is declared twice");
    }
    route.summary = reader.String(item, "summary", path, true);
    route.permission = reader.String(item, "permission", path, true);
    static const std::set<std::string> kPermissions = {
        "public", "authenticated", "city-editor", "theme-editor", "admin"};
    if (!route.permission.empty() && !kPermissions.contains(route.permission)) {
      reader.Problem(path + "permission",
                     "must be \"public\", \"authenticated\", \"city-editor\", "
                     "\"theme-editor\" or \"admin\", got \"" +
                         route.permission + "\"");
    }
    route.body_type = reader.String(item, "bodyType", path, false);
    if (route.body_type.empty()) route.body_type = "application/json";
    if (route.body_type != "application/json" &&
        route.body_type != "text/csv") {
      reader.Problem(path + "bodyType",
                     "must be \"application/json\" or \"text/csv\", got \"" +
                         route.body_type + "\"");
    }
    if (auto limit = reader.Number(item, "bodyLimitBytes", path, false)) {
      if (*limit < 0 || *limit > 64.0 * 1024 * 1024) {
        reader.Problem(path + "bodyLimitBytes",
                       "must be between 0 and 67108864");
      } else {
        route.body_limit_bytes = static_cast<std::size_t>(*limit);
      }
    }
    if (item.contains("cache")) {
      if (item["cache"].is_boolean()) {
        route.cache = item["cache"].get<bool>();
      } else {
        reader.Problem(path + "cache", "must be true or false");
      }
    }
    manifest.routes.push_back(std::move(route));
  }
}

void ReadPanels(Reader& reader, const json& root, ThemeManifest& manifest) {
  const json* panels = reader.Array(root, "panels", "", false);
  if (panels == nullptr) return;
  static const std::set<std::string> kViews = {"table", "chart", "map",
                                               "figures"};
  for (std::size_t i = 0; i < panels->size(); ++i) {
    const json& item = (*panels)[i];
    std::string path = Index("panels", i);
    if (!item.is_object()) {
      reader.Problem(path, "must be an object");
      continue;
    }
    reader.OnlyKnown(item, {"id", "title", "endpoint", "view"}, path);
    Panel panel;
    panel.id = reader.String(item, "id", path, true);
    panel.title = reader.Localized(item, "title", path, true);
    panel.endpoint = reader.String(item, "endpoint", path, true);
    panel.view = reader.String(item, "view", path, true);
    if (!panel.view.empty() && !kViews.contains(panel.view)) {
      reader.Problem(
          path + "view",
          "must be table, chart, map or figures, got \"" + panel.view + "\"");
    }
    if (!panel.endpoint.empty() &&
        manifest.FindRoute("GET", panel.endpoint) == nullptr) {
      reader.Problem(
          path + "endpoint",
          "\"" + panel.endpoint + "\" is not one of the manifest's GET routes");
    }
    manifest.panels.push_back(std::move(panel));
  }
}

void ReadStorage(Reader& reader, const json& root, ThemeManifest& manifest) {
  auto it = root.find("storage");
  if (it == root.end() || it->is_null()) return;
  if (!it->is_object()) {
    reader.Problem("storage", "must be an object");
    return;
  }
  reader.OnlyKnown(*it, {"migrations"}, "storage.");
  const json* migrations = reader.Array(*it, "migrations", "storage.", true);
  if (migrations == nullptr) return;
  for (std::size_t i = 0; i < migrations->size(); ++i) {
    const json& item = (*migrations)[i];
    std::string path = "storage." + Index("migrations", i);
    if (!item.is_object()) {
      reader.Problem(path, "must be an object");
      continue;
    }
    reader.OnlyKnown(item, {"version", "description", "sql"}, path);
    PluginMigration migration;
    auto version = reader.Number(item, "version", path, true);
    if (version) {
      if (*version != static_cast<double>(i + 1)) {
        reader.Problem(path + "version",
                       "must be " + std::to_string(i + 1) +
                           " (versions start at 1 and grow by one)");
      }
      migration.version = static_cast<int>(*version);
    }
    migration.description = reader.String(item, "description", path, true);
    migration.sql = reader.String(item, "sql", path, true);
    manifest.migrations.push_back(std::move(migration));
  }
}

// Cross-references between agreements and indicators.
void CheckLinks(Reader& reader, const ThemeManifest& manifest) {
  std::set<std::string> letters;
  for (const Agreement& agreement : manifest.agreements) {
    letters.insert(agreement.letter);
  }
  std::set<std::string> indicator_ids;
  for (const Indicator& indicator : manifest.indicators) {
    indicator_ids.insert(indicator.id);
  }
  for (std::size_t i = 0; i < manifest.agreements.size(); ++i) {
    for (const std::string& id : manifest.agreements[i].indicators) {
      if (!indicator_ids.contains(id)) {
        reader.Problem(Index("agreements", i) + "indicators",
                       "\"" + id + "\" is not an indicator of this manifest");
      }
    }
  }
  for (std::size_t i = 0; i < manifest.indicators.size(); ++i) {
    for (const std::string& letter : manifest.indicators[i].agreements) {
      if (!letters.contains(letter)) {
        reader.Problem(
            Index("indicators", i) + "agreements",
            "\"" + letter + "\" is not an agreement of this manifest");
      }
    }
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
    Reader reader(problems);
    reader.OnlyKnown(root,
                     {"$schema", "id", "version", "name", "introduction",
                      "challenges", "leaders", "agreements", "indicators",
                      "routes", "panels", "storage", "demo"},
                     "");
    manifest.id = reader.String(root, "id", "", true);
    if (!manifest.id.empty() && !IsKebabId(manifest.id, 40)) {
      reader.Problem("id",
                     "must be kebab-case ([a-z][a-z0-9-]*, at most 40 "
                     "characters), got \"" +
                         manifest.id + "\"");
    }
    if (!manifest.id.empty()) {
      if (auto covered = CoreNameUnderPrefix(manifest.TablePrefix())) {
        reader.Problem("id", "its table prefix '" + manifest.TablePrefix() +
                                 "' would cover the platform's own " +
                                 *covered + "; choose another id");
      }
    }
    manifest.version = reader.String(root, "version", "", true);
    if (!manifest.version.empty() && !IsSemver(manifest.version)) {
      reader.Problem("version",
                     "must be a semantic version MAJOR.MINOR.PATCH, "
                     "got \"" +
                         manifest.version + "\"");
    }
    manifest.name = reader.Localized(root, "name", "", true);
    manifest.introduction = reader.Localized(root, "introduction", "", true);
    if (const json* challenges = reader.Array(root, "challenges", "", true)) {
      for (std::size_t i = 0; i < challenges->size(); ++i) {
        manifest.challenges.push_back(reader.LocalizedValue(
            (*challenges)[i], "challenges[" + std::to_string(i) + "]"));
      }
    }
    ReadLeaders(reader, root, manifest);
    ReadAgreements(reader, root, manifest);
    ReadIndicators(reader, root, manifest);
    ReadRoutes(reader, root, manifest);
    ReadPanels(reader, root, manifest);
    ReadStorage(reader, root, manifest);
    manifest.demo = reader.StringArray(root, "demo", "");
    if (!manifest.demo.empty() && manifest.migrations.empty()) {
      reader.Problem("demo",
                     "needs tables: declare them in storage.migrations");
    }
    CheckLinks(reader, manifest);
    // The schema in the SDK is the published form of these rules; anything
    // it finds that the checks above did not name is reported too.
    std::set<std::string> named;
    for (const auto& problem : problems) {
      named.insert(problem.substr(0, problem.find(": ")));
    }
    for (const auto& problem : CheckAgainstSchema(ManifestSchema(), root)) {
      if (!named.contains(problem.substr(0, problem.find(": ")))) {
        problems.push_back(problem);
      }
    }
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

}  // namespace smartercities::domain
