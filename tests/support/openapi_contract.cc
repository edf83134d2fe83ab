#include "tests/support/openapi_contract.h"

#include <map>
#include <mutex>
#include <regex>
#include <sstream>

namespace smartercities::testing {
namespace {

using nlohmann::json;

constexpr int kMaxErrors = 10;

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  std::string current;
  std::istringstream in(path);
  while (std::getline(in, current, '/')) {
    if (!current.empty()) out.push_back(current);
  }
  return out;
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(c));
  return text;
}

// The media type without its parameters, in lower case.
std::string MediaType(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return Lower(type);
}

bool IsJsonType(const std::string& type) {
  return type == "application/json" || type.ends_with("+json");
}

std::string TypeName(const json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "boolean";
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  if (value.is_string()) return "string";
  if (value.is_array()) return "array";
  return "object";
}

bool HasType(const json& value, const std::string& type) {
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  return false;
}

// Compiled patterns, shared by every check of the process.
bool Matches(const std::string& pattern, const std::string& text) {
  static std::mutex mutex;
  static std::map<std::string, std::regex> compiled;
  std::lock_guard lock(mutex);
  auto it = compiled.find(pattern);
  if (it == compiled.end()) {
    it = compiled.emplace(pattern, std::regex(pattern)).first;
  }
  return std::regex_search(text, it->second);
}

bool MatchesFormat(const std::string& format, const std::string& text) {
  if (format == "date") return Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", text);
  if (format == "date-time") {
    return Matches(
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
        "(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$",
        text);
  }
  if (format == "uri") return Matches("^[a-z][a-z0-9+.-]*:", text);
  if (format == "email") return Matches("^[^@\\s]+@[^@\\s]+$", text);
  return true;
}

// The number of characters of UTF-8 text.
std::size_t Characters(const std::string& text) {
  std::size_t count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace

OpenApiContract::OpenApiContract(json document)
    : document_(std::move(document)) {
  if (document_.contains("servers") && document_["servers"].is_array() &&
      !document_["servers"].empty()) {
    base_path_ = document_["servers"][0].value("url", "");
  }
}

const json& OpenApiContract::Resolve(const json& schema) const {
  const json* current = &schema;
  for (int hops = 0;
       hops < 8 && current->is_object() && current->contains("$ref") &&
       (*current)["$ref"].is_string();
       ++hops) {
    std::string ref = (*current)["$ref"];
    if (!ref.starts_with("#/")) break;
    const json* target = &document_;
    for (const std::string& part : Segments(ref.substr(1))) {
      if (!target->is_object() || !target->contains(part)) {
        static const json kMissing = json{{"x-missing-ref", ref}};
        return kMissing;
      }
      target = &(*target)[part];
    }
    current = target;
  }
  return *current;
}

std::vector<std::string> OpenApiContract::Validate(const json& schema,
                                                   const json& value) const {
  std::vector<std::string> errors;
  ValidateInto(schema, value, "$", 0, true, errors);
  if (errors.size() > kMaxErrors) errors.resize(kMaxErrors);
  return errors;
}

void OpenApiContract::CollectProperties(const json& raw_schema,
                                        std::set<std::string>& names,
                                        bool& open, bool& described,
                                        int depth) const {
  const json& schema = Resolve(raw_schema);
  if (!schema.is_object() || depth > 16) return;
  if (schema.contains("properties")) {
    described = true;
    for (const auto& [name, ignored] : schema["properties"].items()) {
      names.insert(name);
    }
  }
  if (schema.contains("additionalProperties")) {
    described = true;
    if (schema["additionalProperties"] != false) open = true;
  }
  for (const char* combinator : {"allOf", "anyOf", "oneOf"}) {
    if (!schema.contains(combinator)) continue;
    for (const json& part : schema[combinator]) {
      CollectProperties(part, names, open, described, depth + 1);
    }
  }
}

void OpenApiContract::ValidateInto(const json& raw_schema, const json& value,
                                   const std::string& where, int depth,
                                   bool closed,
                                   std::vector<std::string>& errors) const {
  if (errors.size() > kMaxErrors || depth > 64) return;
  const json& schema = Resolve(raw_schema);
  if (!schema.is_object()) return;
  if (schema.contains("x-missing-ref")) {
    errors.push_back(where + ": the schema refers to " +
                     schema["x-missing-ref"].get<std::string>() +
                     ", which the document lacks");
    return;
  }
  if (value.is_null() && schema.value("nullable", false)) return;
  if (schema.contains("allOf")) {
    for (const json& part : schema["allOf"]) {
      ValidateInto(part, value, where, depth + 1, false, errors);
    }
  }
  for (const char* combinator : {"anyOf", "oneOf"}) {
    if (!schema.contains(combinator)) continue;
    int passing = 0;
    std::string first_reason;
    for (const json& part : schema[combinator]) {
      std::vector<std::string> part_errors;
      ValidateInto(part, value, where, depth + 1, false, part_errors);
      if (part_errors.empty()) {
        ++passing;
      } else if (first_reason.empty()) {
        first_reason = part_errors.front();
      }
    }
    bool one = std::string_view(combinator) == "oneOf";
    if (passing == 0 || (one && passing > 1)) {
      errors.push_back(where + ": matches " + std::to_string(passing) +
                       " of the " + combinator + " alternatives" +
                       (first_reason.empty() ? "" : " (" + first_reason + ")"));
    }
  }
  if (schema.contains("enum") && schema["enum"].is_array()) {
    bool found = false;
    for (const json& allowed : schema["enum"]) found |= allowed == value;
    if (!found) {
      errors.push_back(where + ": " + value.dump() + " is not one of " +
                       schema["enum"].dump());
      return;
    }
  }
  if (schema.contains("type") && schema["type"].is_string()) {
    std::string type = schema["type"];
    if (!HasType(value, type)) {
      errors.push_back(
          where + ": expected " + type + ", got " + TypeName(value) +
          (value.is_null() ? " (the schema is not nullable)" : ""));
      return;
    }
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (schema.contains("format") &&
        !MatchesFormat(schema["format"].get<std::string>(), text)) {
      errors.push_back(where + ": \"" + text.substr(0, 60) + "\" is not a " +
                       schema["format"].get<std::string>());
    }
    if (schema.contains("pattern") &&
        !Matches(schema["pattern"].get<std::string>(), text)) {
      errors.push_back(where + ": \"" + text.substr(0, 60) +
                       "\" does not match " +
                       schema["pattern"].get<std::string>());
    }
    if (schema.contains("minLength") &&
        Characters(text) < schema["minLength"].get<std::size_t>()) {
      errors.push_back(where + ": shorter than " + schema["minLength"].dump() +
                       " characters");
    }
    if (schema.contains("maxLength") &&
        Characters(text) > schema["maxLength"].get<std::size_t>()) {
      errors.push_back(where + ": longer than " + schema["maxLength"].dump() +
                       " characters");
    }
  }
  if (value.is_number()) {
    double number = value.get<double>();
    if (schema.contains("minimum") &&
        number < schema["minimum"].get<double>()) {
      errors.push_back(where + ": " + value.dump() + " is below the minimum " +
                       schema["minimum"].dump());
    }
    if (schema.contains("maximum") &&
        number > schema["maximum"].get<double>()) {
      errors.push_back(where + ": " + value.dump() + " is above the maximum " +
                       schema["maximum"].dump());
    }
  }
  if (value.is_array()) {
    if (schema.contains("minItems") &&
        value.size() < schema["minItems"].get<std::size_t>()) {
      errors.push_back(where + ": fewer than " + schema["minItems"].dump() +
                       " items");
    }
    if (schema.contains("maxItems") &&
        value.size() > schema["maxItems"].get<std::size_t>()) {
      errors.push_back(where + ": more than " + schema["maxItems"].dump() +
                       " items");
    }
    if (schema.contains("items")) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        ValidateInto(schema["items"], value[i],
                     where + "[" + std::to_string(i) + "]", depth + 1, true,
                     errors);
      }
    }
  }
  if (value.is_object()) {
    if (schema.contains("required")) {
      for (const json& name : schema["required"]) {
        if (!value.contains(name.get<std::string>())) {
          errors.push_back(where + ": the required property " +
                           name.get<std::string>() + " is missing");
        }
      }
    }
    const json* properties =
        schema.contains("properties") ? &schema["properties"] : nullptr;
    const json* additional = schema.contains("additionalProperties")
                                 ? &schema["additionalProperties"]
                                 : nullptr;
    std::set<std::string> names;
    bool open = false;
    bool described = false;
    if (closed) CollectProperties(schema, names, open, described, 0);
    for (const auto& [name, member] : value.items()) {
      std::string at = where + "." + name;
      if (properties != nullptr && properties->contains(name)) {
        ValidateInto((*properties)[name], member, at, depth + 1, true, errors);
      } else if (additional != nullptr && additional->is_object()) {
        ValidateInto(*additional, member, at, depth + 1, true, errors);
      } else if (closed && described && !open && !names.contains(name)) {
        errors.push_back(at + ": a property the schema does not describe");
      }
    }
  }
}

std::optional<std::string> OpenApiContract::MatchPath(
    const std::string& path) const {
  if (!document_.contains("paths")) return std::nullopt;
  std::vector<std::string> wanted = Segments(path);
  std::optional<std::string> best;
  std::vector<bool> best_literals;
  for (const auto& [pattern, item] : document_["paths"].items()) {
    std::vector<std::string> parts = Segments(pattern);
    if (parts.size() != wanted.size()) continue;
    std::vector<bool> literals;
    bool fits = true;
    for (std::size_t i = 0; i < parts.size() && fits; ++i) {
      bool parameter = parts[i].size() > 2 && parts[i].front() == '{' &&
                       parts[i].back() == '}';
      if (!parameter && parts[i] != wanted[i]) fits = false;
      literals.push_back(!parameter);
    }
    if (!fits) continue;
    // Left to right, a literal segment wins over a parameter.
    if (!best || literals > best_literals) {
      best = pattern;
      best_literals = literals;
    }
  }
  return best;
}

std::vector<std::string> OpenApiContract::Check(
    const Exchange& exchange) const {
  std::vector<std::string> problems;
  std::string path = exchange.target.substr(0, exchange.target.find('?'));
  if (base_path_.empty() || !path.starts_with(base_path_ + "/")) {
    return problems;
  }
  std::string relative = path.substr(base_path_.size());
  std::string method = Lower(exchange.method);
  std::string what = exchange.method + " " + path + " -> " +
                     std::to_string(exchange.status) + ": ";
  std::optional<std::string> pattern = MatchPath(relative);
  if (!pattern) {
    if (exchange.status >= 200 && exchange.status < 300) {
      problems.push_back(what + "the document describes no such path");
    }
    return problems;
  }
  const json& item = document_["paths"][*pattern];
  bool head = method == "head";
  std::string operation_method = head ? "get" : method;
  if (!item.contains(operation_method)) {
    // Answered by the router (405) or not served.
    if (exchange.status >= 200 && exchange.status < 300 &&
        method != "options") {
      problems.push_back(what + "the document describes no " + exchange.method +
                         " on " + *pattern);
    }
    return problems;
  }
  const json& operation = item[operation_method];
  const json& responses = operation["responses"];
  std::string status = std::to_string(exchange.status);
  const json* response = nullptr;
  if (responses.contains(status)) {
    response = &responses[status];
  } else if (std::string range = status.substr(0, 1) + "XX";
             responses.contains(range)) {
    response = &responses[range];
  } else if (responses.contains("default")) {
    response = &responses["default"];
  }
  if (exchange.status == 304) return problems;
  if (response == nullptr) {
    std::string documented;
    for (const auto& [code, ignored] : responses.items()) {
      documented += documented.empty() ? code : ", " + code;
    }
    problems.push_back(what + "the operation on " + *pattern +
                       " documents no " + status + " (it documents " +
                       documented + ")");
    return problems;
  }
  const json& described = Resolve(*response);
  std::string type = MediaType(exchange.content_type);
  if (!head && !described.contains("content")) {
    if (!exchange.body.empty()) {
      problems.push_back(what + "a body of " + type +
                         " where the document describes none");
    }
  } else if (!head) {
    const json& content = described["content"];
    std::string listed = type;
    if (!content.contains(listed)) {
      listed = type.substr(0, type.find('/')) + "/*";
    }
    if (!content.contains(listed)) listed = "*/*";
    if (!content.contains(listed)) {
      problems.push_back(what + "answered in " +
                         (type.empty() ? std::string("no media type") : type) +
                         ", which the document does not list for " + status +
                         " (it lists " + content.dump().substr(0, 200) + ")");
    } else if (IsJsonType(type) && listed == type &&
               content[type].contains("schema")) {
      json body = json::parse(exchange.body, nullptr, false);
      if (body.is_discarded()) {
        problems.push_back(what + "the " + type + " body is not JSON");
      } else {
        for (const std::string& error :
             Validate(content[type]["schema"], body)) {
          problems.push_back(what + "response " + error);
        }
      }
    }
  }
  if (exchange.status >= 200 && exchange.status < 300 &&
      operation.contains("requestBody") && !exchange.request_body.empty()) {
    std::string sent = MediaType(exchange.request_content_type);
    const json& content = Resolve(operation["requestBody"])["content"];
    if (!content.contains(sent)) {
      problems.push_back(what + "a request body of " + sent +
                         " was accepted; the document lists " +
                         content.dump().substr(0, 200));
    } else if (IsJsonType(sent) && content[sent].contains("schema")) {
      json body = json::parse(exchange.request_body, nullptr, false);
      if (!body.is_discarded()) {
        for (const std::string& error :
             Validate(content[sent]["schema"], body)) {
          problems.push_back(what + "accepted a request body whose " + error);
        }
      }
    }
  }
  return problems;
}

}  // namespace smartercities::testing
