#include "core/domain/json_schema.h"

#include <smartercities/text.h>

#include <regex>
#include <string_view>
#include <unordered_map>

namespace smartercities::domain {

std::string_view ManifestSchemaText();

namespace {

using nlohmann::json;

std::string TypeOf(const json& value) {
  if (value.is_number_integer() || value.is_number_unsigned()) return "integer";
  if (value.is_number()) return "number";
  return std::string(value.type_name());
}

bool HasType(const json& value, const std::string& type) {
  if (type == "integer") {
    return value.is_number_integer() || value.is_number_unsigned() ||
           (value.is_number_float() &&
            value.get<double>() == static_cast<double>(static_cast<long long>(
                                       value.get<double>())));
  }
  if (type == "number") return value.is_number();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "null") return value.is_null();
  return false;
}

// std::regex matches by recursion, about a stack frame per character, so a
// string of some ten thousand characters exhausts the stack; longer strings
// are refused without matching.
constexpr std::size_t kMaxPatternTextBytes = 1024;

// Compiling a std::regex is slow; each pattern is compiled once per thread.
const std::regex& Compiled(const std::string& pattern) {
  thread_local std::unordered_map<std::string, std::regex> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, std::regex(pattern)).first;
  return it->second;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

// "2013-04-01": a date of the proleptic Gregorian calendar.
bool IsDate(std::string_view text) {
  static const std::regex kDate(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  std::match_results<std::string_view::const_iterator> parts;
  if (!std::regex_match(text.begin(), text.end(), parts, kDate)) return false;
  int year = std::stoi(parts[1].str());
  int month = std::stoi(parts[2].str());
  int day = std::stoi(parts[3].str());
  if (month < 1 || month > 12 || day < 1) return false;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

// "2013-04-01T09:30:00Z" or with an offset: RFC 3339's date-time, which
// names its time zone.
bool IsDateTime(std::string_view text) {
  static const std::regex kDateTime(
      R"(^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$)");
  std::match_results<std::string_view::const_iterator> parts;
  if (!std::regex_match(text.begin(), text.end(), parts, kDateTime)) {
    return false;
  }
  if (!IsDate(std::string_view(&*parts[1].first, parts[1].length()))) {
    return false;
  }
  bool offset_ok = !parts[7].matched || (std::stoi(parts[7].str()) < 24 &&
                                         std::stoi(parts[8].str()) < 60);
  return std::stoi(parts[2].str()) < 24 && std::stoi(parts[3].str()) < 60 &&
         std::stoi(parts[4].str()) <= 60 && offset_ok;
}

bool IsEmail(std::string_view text) {
  static const std::regex kEmail(R"(^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$)");
  return std::regex_match(text.begin(), text.end(), kEmail);
}

bool IsUri(std::string_view text) {
  static const std::regex kUri(R"(^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$)");
  return std::regex_match(text.begin(), text.end(), kUri);
}

// Deeper than this, a chain of $refs is taken to loop.
constexpr int kMaxSchemaDepth = 64;

class Checker {
 public:
  Checker(const json& root, const SchemaCheckOptions& options,
          std::vector<SchemaBreach>& breaches)
      : root_(root), options_(options), breaches_(breaches) {}

  void Check(const json& schema, const json& value, const std::string& path,
             int depth = 0) {
    if (!schema.is_object()) return;
    if (depth > kMaxSchemaDepth) {
      Problem(path, "cannot be checked: the schema refers to itself in a loop");
      return;
    }
    if (auto ref = schema.find("$ref"); ref != schema.end()) {
      const json* target = Resolve(*ref);
      if (target == nullptr) {
        Problem(path,
                "cannot be checked: the schema names " +
                    (ref->is_string() ? ref->get<std::string>() : ref->dump()) +
                    ", which is not defined");
        return;
      }
      Check(*target, value, path, depth + 1);
      return;
    }
    if (value.is_null() && schema.value("nullable", false)) return;
    if (auto type = schema.find("type"); type != schema.end()) {
      std::vector<std::string> types;
      if (type->is_array()) {
        for (const auto& t : *type) types.push_back(t.get<std::string>());
      } else {
        types.push_back(type->get<std::string>());
      }
      bool matches = false;
      for (const auto& t : types) matches = matches || HasType(value, t);
      if (!matches) {
        if (types == std::vector<std::string>{"integer"} && value.is_number()) {
          Problem(path, "must be a whole number, got " + value.dump());
          return;
        }
        std::vector<std::string> named;
        for (const auto& t : types) {
          named.push_back((t == "array" || t == "object" || t == "integer")
                              ? "an " + t
                              : "a " + t);
        }
        if (schema.value("nullable", false)) named.emplace_back("null");
        Problem(path, "must be " + Join(named) + ", got " + TypeOf(value));
        return;
      }
    }
    if (auto choices = schema.find("enum"); choices != schema.end()) {
      bool known = false;
      std::vector<std::string> quoted;
      for (const auto& choice : *choices) {
        known = known || choice == value;
        quoted.push_back(choice.dump());
      }
      if (!known) {
        Problem(path, "must be " + Join(quoted) + ", got " +
                          sdk::Printable(value.dump(), 100));
        return;
      }
    }
    if (value.is_string()) CheckString(schema, value.get<std::string>(), path);
    if (value.is_number()) CheckNumber(schema, value.get<double>(), path);
    if (value.is_array()) CheckArray(schema, value, path, depth);
    if (value.is_object()) CheckObject(schema, value, path, depth);
    CheckComposition(schema, value, path, depth);
  }

 private:
  void Problem(const std::string& path, const std::string& what) {
    breaches_.push_back({path, what});
  }

  // The schema ref names: the root's own "#/$defs/..." or the resolver's.
  const json* Resolve(const json& ref) const {
    if (!ref.is_string()) return nullptr;
    const std::string& name = ref.get_ref<const std::string&>();
    constexpr std::string_view kDefs = "#/$defs/";
    if (name.starts_with(kDefs)) {
      auto defs = root_.find("$defs");
      if (defs == root_.end()) return nullptr;
      auto def = defs->find(name.substr(kDefs.size()));
      return def == defs->end() ? nullptr : &*def;
    }
    return options_.resolver ? options_.resolver(name) : nullptr;
  }

  // schema with its $refs followed, for a look at its keywords.
  const json& Followed(const json& schema) const {
    const json* at = &schema;
    for (int i = 0; i < kMaxSchemaDepth && at->is_object(); ++i) {
      auto ref = at->find("$ref");
      if (ref == at->end()) break;
      const json* target = Resolve(*ref);
      if (target == nullptr) break;
      at = target;
    }
    return *at;
  }

  bool IsReadOnly(const json& schema) const {
    const json& followed = Followed(schema);
    return followed.is_object() && followed.value("readOnly", false);
  }

  // The schema's own words for a string that breaks its pattern or length
  // ("must be YYYY-MM"), with the value; or the generic ones.
  void StringProblem(const json& schema, const std::string& path,
                     const std::string& text, const std::string& generic) {
    if (auto message = schema.find("errorMessage");
        message != schema.end() && message->is_string()) {
      Problem(path, message->get<std::string>() + ", got \"" +
                        sdk::Printable(text, 100) + "\"");
    } else {
      Problem(path, generic);
    }
  }

  void CheckString(const json& schema, const std::string& text,
                   const std::string& path) {
    // Lengths are counted in characters, as a person counts them.
    std::size_t characters = sdk::CharacterCount(text);
    if (schema.contains("minLength") &&
        characters < schema["minLength"].get<std::size_t>()) {
      Problem(path, text.empty()
                        ? "must not be empty"
                        : "must be at least " + schema["minLength"].dump() +
                              " characters, got " + std::to_string(characters));
    }
    if (schema.contains("maxLength") &&
        characters > schema["maxLength"].get<std::size_t>()) {
      StringProblem(schema, path, text,
                    "must be at most " + schema["maxLength"].dump() +
                        " characters, got " + std::to_string(characters));
      return;
    }
    if (auto format = schema.find("format");
        format != schema.end() && format->is_string()) {
      CheckFormat(format->get<std::string>(), text, path);
    }
    if (!schema.contains("pattern")) return;
    const std::string pattern = schema["pattern"].get<std::string>();
    if (text.size() > kMaxPatternTextBytes) {
      StringProblem(schema, path, text,
                    "is too long to match the pattern " + pattern + " (" +
                        std::to_string(text.size()) + " characters, at most " +
                        std::to_string(kMaxPatternTextBytes) + ")");
    } else if (!std::regex_search(text, Compiled(pattern))) {
      StringProblem(schema, path, text,
                    "\"" + sdk::Printable(text, 100) +
                        "\" does not match the pattern " + pattern);
    }
  }

  void CheckFormat(const std::string& format, const std::string& text,
                   const std::string& path) {
    // The formats' own patterns are short; a longer text cannot be one.
    bool too_long = text.size() > kMaxPatternTextBytes;
    std::string got = ", got \"" + sdk::Printable(text, 100) + "\"";
    if (format == "date" && (too_long || !IsDate(text))) {
      Problem(path, "must be a date as 2013-04-01 (YYYY-MM-DD)" + got);
    } else if (format == "date-time" && (too_long || !IsDateTime(text))) {
      Problem(path,
              "must be a date and time with its time zone as "
              "2013-04-01T09:30:00Z or 2013-04-01T11:30:00+02:00" +
                  got);
    } else if (format == "email" && (too_long || !IsEmail(text))) {
      Problem(path, "must be an e-mail address as naam@example.nl" + got);
    } else if (format == "uri" && (too_long || !IsUri(text))) {
      Problem(path,
              "must be an absolute URI as https://example.nl/pagina" + got);
    }
  }

  void CheckNumber(const json& schema, double number, const std::string& path) {
    if (schema.contains("minimum") &&
        number < schema["minimum"].get<double>()) {
      Problem(path, "must be at least " + schema["minimum"].dump());
    }
    if (schema.contains("maximum") &&
        number > schema["maximum"].get<double>()) {
      Problem(path, "must be at most " + schema["maximum"].dump());
    }
  }

  void CheckArray(const json& schema, const json& array,
                  const std::string& path, int depth) {
    if (schema.contains("minItems") &&
        array.size() < schema["minItems"].get<std::size_t>()) {
      Problem(path, "must have at least " + schema["minItems"].dump() +
                        (schema["minItems"] == 1 ? " item" : " items"));
    }
    if (schema.contains("maxItems") &&
        array.size() > schema["maxItems"].get<std::size_t>()) {
      Problem(path, "must have at most " + schema["maxItems"].dump() +
                        (schema["maxItems"] == 1 ? " item" : " items"));
    }
    if (auto items = schema.find("items"); items != schema.end()) {
      for (std::size_t i = 0; i < array.size(); ++i) {
        Check(*items, array[i], path + "[" + std::to_string(i) + "]",
              depth + 1);
      }
    }
    if (schema.value("uniqueItems", false)) {
      for (std::size_t i = 1; i < array.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
          if (array[i] == array[j]) {
            Problem(path + "[" + std::to_string(i) + "]",
                    sdk::Printable(array[i].dump(), 100) + " is named twice");
            break;
          }
        }
      }
    }
  }

  void CheckObject(const json& schema, const json& object,
                   const std::string& path, int depth) {
    std::string prefix = path.empty() ? "" : path + ".";
    const json empty = json::object();
    const json& properties =
        schema.contains("properties") ? schema["properties"] : empty;
    if (auto required = schema.find("required"); required != schema.end()) {
      for (const auto& name : *required) {
        const std::string& key = name.get_ref<const std::string&>();
        if (object.contains(key)) continue;
        // A property the server sets is not the client's to send.
        if (options_.refuse_read_only && properties.contains(key) &&
            IsReadOnly(properties[key])) {
          continue;
        }
        Problem(prefix + key, "is required");
      }
    }
    for (const auto& [key, value] : object.items()) {
      if (auto names = schema.find("propertyNames"); names != schema.end()) {
        Check(*names, key, prefix + key, depth + 1);
      }
      if (properties.contains(key)) {
        if (options_.refuse_read_only && IsReadOnly(properties[key])) {
          Problem(prefix + key, "is set by the server and cannot be sent");
          continue;
        }
        Check(properties[key], value, prefix + key, depth + 1);
      } else if (auto extra = schema.find("additionalProperties");
                 extra != schema.end()) {
        if (*extra == false) {
          std::string reason = options_.unknown_field_reason;
          if (options_.name_known_fields && properties.empty()) {
            reason += " (it takes no fields)";
          } else if (options_.name_known_fields && properties.size() <= 20) {
            std::vector<std::string> names;
            for (const auto& [name, property] : properties.items()) {
              if (options_.refuse_read_only && IsReadOnly(property)) continue;
              names.push_back(name);
            }
            reason += " (it takes ";
            for (std::size_t i = 0; i < names.size(); ++i) {
              if (i > 0) reason += i + 1 == names.size() ? " and " : ", ";
              reason += names[i];
            }
            reason += ")";
          }
          Problem(prefix + key, reason);
        } else if (extra->is_object()) {
          Check(*extra, value, prefix + key, depth + 1);
        }
      }
    }
  }

  // allOf: each part's breaches. anyOf and oneOf: a value that fits no
  // part gets the breaches of the part it comes closest to.
  void CheckComposition(const json& schema, const json& value,
                        const std::string& path, int depth) {
    if (auto all = schema.find("allOf"); all != schema.end()) {
      for (const json& part : *all) Check(part, value, path, depth + 1);
    }
    for (const char* keyword : {"anyOf", "oneOf"}) {
      auto parts = schema.find(keyword);
      if (parts == schema.end() || !parts->is_array() || parts->empty()) {
        continue;
      }
      std::size_t fitting = 0;
      std::vector<SchemaBreach> closest;
      bool first = true;
      for (const json& part : *parts) {
        std::vector<SchemaBreach> found;
        Checker(root_, options_, found).Check(part, value, path, depth + 1);
        if (found.empty()) ++fitting;
        if (first || found.size() < closest.size()) closest = std::move(found);
        first = false;
      }
      if (fitting == 0) {
        breaches_.insert(breaches_.end(), closest.begin(), closest.end());
      } else if (fitting > 1 && std::string_view(keyword) == "oneOf") {
        Problem(path,
                "fits more than one of the forms it may take; send "
                "one of them only");
      }
    }
  }

  const json& root_;
  const SchemaCheckOptions& options_;
  std::vector<SchemaBreach>& breaches_;
};

}  // namespace

std::vector<SchemaBreach> FindSchemaBreaches(
    const json& schema, const json& instance,
    const SchemaCheckOptions& options) {
  std::vector<SchemaBreach> breaches;
  Checker(schema, options, breaches).Check(schema, instance, "");
  return breaches;
}

std::vector<std::string> CheckAgainstSchema(const json& schema,
                                            const json& instance) {
  SchemaCheckOptions options;
  options.unknown_field_reason = "unknown field (see docs/manifest.md)";
  options.name_known_fields = false;
  std::vector<std::string> problems;
  for (const SchemaBreach& breach :
       FindSchemaBreaches(schema, instance, options)) {
    problems.push_back((breach.path.empty() ? "the manifest" : breach.path) +
                       ": " + breach.reason);
  }
  return problems;
}

const json& ManifestSchema() {
  static const json kSchema = json::parse(ManifestSchemaText());
  return kSchema;
}

}  // namespace smartercities::domain
