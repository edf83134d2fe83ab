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

class Checker {
 public:
  Checker(const json& root, std::vector<std::string>& problems)
      : root_(root), problems_(problems) {}

  void Check(const json& schema, const json& value, const std::string& path) {
    if (schema.contains("$ref")) {
      std::string ref = schema["$ref"].get<std::string>();
      constexpr std::string_view kDefs = "#/$defs/";
      if (ref.rfind(kDefs, 0) == 0) {
        Check(root_["$defs"][ref.substr(kDefs.size())], value, path);
      }
      return;
    }
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
        std::vector<std::string> named;
        for (const auto& t : types) {
          named.push_back((t == "array" || t == "object" || t == "integer")
                              ? "an " + t
                              : "a " + t);
        }
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
        Problem(path, "must be " + Join(quoted) + ", got " + value.dump());
        return;
      }
    }
    if (value.is_string()) CheckString(schema, value.get<std::string>(), path);
    if (value.is_number()) CheckNumber(schema, value.get<double>(), path);
    if (value.is_array()) CheckArray(schema, value, path);
    if (value.is_object()) CheckObject(schema, value, path);
  }

 private:
  void Problem(const std::string& path, const std::string& what) {
    problems_.push_back((path.empty() ? "the manifest" : path) + ": " + what);
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
    if (schema.contains("minLength") &&
        text.size() < schema["minLength"].get<std::size_t>()) {
      Problem(path, text.empty()
                        ? "must not be empty"
                        : "is shorter than " + schema["minLength"].dump() +
                              " characters");
    }
    if (schema.contains("maxLength") &&
        text.size() > schema["maxLength"].get<std::size_t>()) {
      StringProblem(
          schema, path, text,
          "is longer than " + schema["maxLength"].dump() + " characters");
      return;
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
                  const std::string& path) {
    if (schema.contains("minItems") &&
        array.size() < schema["minItems"].get<std::size_t>()) {
      Problem(path, "must have at least " + schema["minItems"].dump() +
                        (schema["minItems"] == 1 ? " item" : " items"));
    }
    if (auto items = schema.find("items"); items != schema.end()) {
      for (std::size_t i = 0; i < array.size(); ++i) {
        Check(*items, array[i], path + "[" + std::to_string(i) + "]");
      }
    }
    if (schema.value("uniqueItems", false)) {
      for (std::size_t i = 1; i < array.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
          if (array[i] == array[j]) {
            Problem(path + "[" + std::to_string(i) + "]",
                    array[i].dump() + " is named twice");
            break;
          }
        }
      }
    }
  }

  void CheckObject(const json& schema, const json& object,
                   const std::string& path) {
    std::string prefix = path.empty() ? "" : path + ".";
    if (auto required = schema.find("required"); required != schema.end()) {
      for (const auto& name : *required) {
        if (!object.contains(name.get<std::string>())) {
          Problem(prefix + name.get<std::string>(), "is required");
        }
      }
    }
    const json empty = json::object();
    const json& properties =
        schema.contains("properties") ? schema["properties"] : empty;
    for (const auto& [key, value] : object.items()) {
      if (auto names = schema.find("propertyNames"); names != schema.end()) {
        Check(*names, key, prefix + key);
      }
      if (properties.contains(key)) {
        Check(properties[key], value, prefix + key);
      } else if (auto extra = schema.find("additionalProperties");
                 extra != schema.end()) {
        if (*extra == false) {
          Problem(prefix + key, "unknown field (see docs/manifest.md)");
        } else if (extra->is_object()) {
          Check(*extra, value, prefix + key);
        }
      }
    }
  }

  const json& root_;
  std::vector<std::string>& problems_;
};

}  // namespace

std::vector<std::string> CheckAgainstSchema(const json& schema,
                                            const json& instance) {
  std::vector<std::string> problems;
  Checker(schema, problems).Check(schema, instance, "");
  return problems;
}

const json& ManifestSchema() {
  static const json kSchema = json::parse(ManifestSchemaText());
  return kSchema;
}

}  // namespace smartercities::domain
