// register.h — a register: a table of records (per city, most often) with
// the five routes a theme's own data needs, each input checked field by
// field, and the permission checks a city editor's write needs.
//
//   sdk::Register projects_{{
//       .table = "mijn_thema_projects",
//       .path = "/projects",
//       .fields = {sdk::Field::City().Required(),
//                  sdk::Field::Text("name").Required(),
//                  sdk::Field::Date("startedOn"),
//                  sdk::Field::Integer("homes", 0, 100000)}}};
//
//   sdk::Status Init(sdk::Host& host) override {
//     return projects_.Mount(host);
//   }
//
// Mount gives the plugin:
//   - the table: created when missing, with a column per field (the key in
//     snake_case unless the field names its column) and id INTEGER PRIMARY
//     KEY, is_demo, updated_at and updated_by; a field added later gets its
//     column added. A table the manifest's migrations create is used as it
//     is, so its constraints (UNIQUE, CHECK) stay the plugin's.
//   - the routes: GET path (paged with ?page= and ?pageSize=, filtered with
//     ?city= when a field is a city), POST path (201), GET path/{id},
//     PUT path/{id} and DELETE path/{id} (204). The manifest declares them
//     in one entry, "registers": [{"path": "/projects", "title":
//     "projects", "write": "city-editor"}], with who may write.
//   - the checks: a body must be a JSON object of the declared fields; each
//     value is checked by its field's type and rules, and a problem names
//     the field ("homes: must be from 0 to 100000, got -1"); the host has
//     checked the route's permission and the city a body names, and the
//     register checks the city a stored record has before PUT and DELETE
//     (403 for a city editor of another city). A write that would break a
//     UNIQUE constraint answers 409 naming the fields.
//   - the OpenAPI document: the record's and the body's JSON Schema, the
//     query parameters and the answers each route gives.
//
// Records are answered as JSON objects with their keys in alphabetical
// order: the fields, "id", "demo" (whether it belongs to the demo sample)
// and "updatedAt".
//
// Header-only over the C ABI, standard library only. Thread-safety: after
// Mount the register is only read; its handlers may run on several threads
// at once. It must outlive the plugin's routes: make it a member of the
// theme class.
#ifndef SMARTERCITIES_REGISTER_H_
#define SMARTERCITIES_REGISTER_H_

#include <smartercities/json.h>
#include <smartercities/plugin.h>
#include <smartercities/text.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smartercities::sdk {

// Whether text is a calendar date YYYY-MM-DD (a year from 1900 to 2099, a
// day the month has).
inline bool IsCalendarDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  auto number = [&](std::size_t from, std::size_t count) {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  int year = number(0, 4);
  int month = number(5, 2);
  int day = number(8, 2);
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= days;
}

// Whether text is an http:// or https:// URL without white space.
inline bool IsHttpUrl(std::string_view text) {
  std::string_view rest;
  if (text.substr(0, 7) == "http://") {
    rest = text.substr(7);
  } else if (text.substr(0, 8) == "https://") {
    rest = text.substr(8);
  } else {
    return false;
  }
  if (rest.empty()) return false;
  return std::none_of(rest.begin(), rest.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
  });
}

// Reads ?page= (from 1, default 1) and ?pageSize= (1 to 500, default 100);
// writes a 400 naming the parameter and returns false when one is bad.
inline bool ReadPage(const Request& request, Response& response,
                     std::int64_t& page, std::int64_t& page_size) {
  auto read = [&](std::string_view name, std::int64_t fallback,
                  std::int64_t max, std::int64_t& out) {
    auto text = request.Query(name);
    out = fallback;
    if (!text) return true;
    out = ParseDecimalInteger(*text).value_or(0);
    if (out >= 1 && out <= max) return true;
    response.Problem(400, "Bad Request",
                     "query parameter '" + std::string(name) +
                         "' must be a whole number from 1 to " +
                         std::to_string(max));
    return false;
  };
  return read("page", 1, 1000000, page) &&
         read("pageSize", 100, 500, page_size);
}

// The time now in UTC, as the platform writes it: "2014-10-01T12:00:00Z".
inline std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

enum class FieldType {
  kText,           // one line of text
  kMultilineText,  // text that may hold line breaks and tabs
  kInteger,        // a whole number within [min, max]
  kReal,           // a number within [min, max]
  kBool,           // true or false (stored as 0 or 1)
  kDate,           // a calendar date YYYY-MM-DD
  kCity,           // the CBS code of a covenant city ("GM0344")
  kChoice,         // one of choices
  kUrl,            // an http(s) URL
};

// One field of a record: its JSON key, its column, its type and rules.
// Made with the factories and refined with the modifiers, each of which
// returns a changed copy:
//   sdk::Field::Integer("homes", 0, 100000).Required()
struct Field {
  std::string key;     // the JSON key, lowerCamelCase
  std::string column;  // the table's column; the key in snake_case
  FieldType type = FieldType::kText;
  bool required = false;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::size_t max_characters = 500;  // for text, URLs and choices
  std::vector<std::string> choices;  // for kChoice
  std::string description;           // for the OpenAPI document

  static Field Text(std::string key, std::size_t max_characters = 500) {
    Field field = Make(std::move(key), FieldType::kText);
    field.max_characters = max_characters;
    return field;
  }
  static Field MultilineText(std::string key,
                             std::size_t max_characters = 5000) {
    Field field = Make(std::move(key), FieldType::kMultilineText);
    field.max_characters = max_characters;
    return field;
  }
  static Field Integer(std::string key, double min, double max) {
    Field field = Make(std::move(key), FieldType::kInteger);
    field.min = min;
    field.max = max;
    return field;
  }
  static Field Real(std::string key, double min, double max) {
    Field field = Make(std::move(key), FieldType::kReal);
    field.min = min;
    field.max = max;
    return field;
  }
  static Field Bool(std::string key) {
    return Make(std::move(key), FieldType::kBool);
  }
  static Field Date(std::string key) {
    return Make(std::move(key), FieldType::kDate);
  }
  static Field City(std::string key = "city") {
    return Make(std::move(key), FieldType::kCity);
  }
  static Field Choice(std::string key, std::vector<std::string> choices) {
    Field field = Make(std::move(key), FieldType::kChoice);
    field.choices = std::move(choices);
    return field;
  }
  static Field Url(std::string key) {
    return Make(std::move(key), FieldType::kUrl);
  }

  // A record must have it (not null; text not empty).
  Field Required() const {
    Field field = *this;
    field.required = true;
    return field;
  }
  // Stored in column instead of the key in snake_case.
  Field Column(std::string name) const {
    Field field = *this;
    field.column = std::move(name);
    return field;
  }
  // What the field means, for the OpenAPI document.
  Field Describe(std::string text) const {
    Field field = *this;
    field.description = std::move(text);
    return field;
  }

  // "startedOn" -> "started_on".
  static std::string SnakeCase(std::string_view key) {
    std::string out;
    for (char c : key) {
      if (c >= 'A' && c <= 'Z') {
        out += '_';
        out += static_cast<char>(c - 'A' + 'a');
      } else {
        out += c;
      }
    }
    return out;
  }

 private:
  static Field Make(std::string key, FieldType type) {
    Field field;
    field.column = SnakeCase(key);
    field.key = std::move(key);
    field.type = type;
    return field;
  }
};

// A record that passed the checks of each field, for a check across fields
// (RegisterSpec::check). Each accessor returns nullopt for a field the
// record leaves empty (null).
class Record {
 public:
  explicit Record(const JsonValue& object) : object_(object) {}
  std::optional<double> Number(std::string_view key) const {
    const JsonValue* value = object_.Find(key);
    if (value == nullptr || !value->is_number()) return std::nullopt;
    return value->number();
  }
  std::optional<std::string> Text(std::string_view key) const {
    const JsonValue* value = object_.Find(key);
    if (value == nullptr || !value->is_string()) return std::nullopt;
    return value->text();
  }
  std::optional<bool> Bool(std::string_view key) const {
    const JsonValue* value = object_.Find(key);
    if (value == nullptr || !value->is_bool()) return std::nullopt;
    return value->boolean();
  }
  // The value as JSON text ("12", "\"GM0344\"", "null"), for messages.
  std::string Shown(std::string_view key) const {
    const JsonValue* value = object_.Find(key);
    return value == nullptr ? "null" : value->Dump();
  }

 private:
  const JsonValue& object_;
};

// What a register is.
struct RegisterSpec {
  // The table; its name starts with the theme's table prefix (the id with
  // '-' as '_', then '_').
  std::string table;
  // The collection's path relative to the theme's prefix ("/projects"); the
  // manifest declares it in "registers".
  std::string path;
  std::vector<Field> fields;
  // A check across the fields of a record that passed each field's checks:
  // the problem, naming the fields, or nullopt when the record holds
  // together.
  std::function<std::optional<std::string>(const Record&)> check = nullptr;
};

class Register {
 public:
  explicit Register(RegisterSpec spec) : spec_(std::move(spec)) {}
  Register(const Register&) = delete;
  Register& operator=(const Register&) = delete;

  // Makes or completes the table, registers the five routes and describes
  // them for the OpenAPI document. Only during Init. Fails naming what: a
  // table outside the theme's prefix, a route the manifest does not
  // declare.
  Status Mount(Host& host) {
    host_ = &host;
    for (const Field& field : spec_.fields) {
      if (field.key.empty() || field.column.empty()) {
        return Status::InvalidArgument("register " + spec_.path +
                                       ": a field without a key");
      }
    }
    Status status = EnsureTable();
    if (!status.ok()) return status;
    const std::string item = spec_.path + "/{id}";
    struct Mounted {
      const char* method;
      std::string path;
      void (Register::*handler)(const Request&, Response&) const;
    };
    for (const Mounted& route : {Mounted{"GET", spec_.path, &Register::List},
                                 Mounted{"POST", spec_.path, &Register::Create},
                                 Mounted{"GET", item, &Register::Read},
                                 Mounted{"PUT", item, &Register::Replace},
                                 Mounted{"DELETE", item, &Register::Delete}}) {
      auto handler = route.handler;
      status = host.Route(route.method, route.path,
                          [this, handler](const Request& q, Response& r) {
                            (this->*handler)(q, r);
                          });
      if (!status.ok()) return status;
    }
    return Describe(host);
  }

  const RegisterSpec& spec() const { return spec_; }

  // Every record as stored, optionally only those of one city, in id order.
  Result<std::vector<Row>> Rows(
      const std::optional<std::string>& city = std::nullopt) const {
    std::string sql = "SELECT * FROM " + spec_.table;
    std::vector<Value> params;
    if (city && CityField() != nullptr) {
      sql += " WHERE " + CityField()->column + " = ?1";
      params.push_back(*city);
    }
    sql += " ORDER BY id";
    return host_->Query(sql, params);
  }

  // A stored record as the register answers it (a JSON object).
  std::string RecordJson(const Row& row) const {
    std::map<std::string, std::string> members;
    members["id"] = std::to_string(row.Integer("id"));
    for (const Field& field : spec_.fields) {
      std::string& out = members[field.key];
      if (!row.Has(field.column) || row.IsNull(field.column)) {
        out = "null";
      } else if (field.type == FieldType::kBool) {
        out = row.Integer(field.column) != 0 ? "true" : "false";
      } else if (field.type == FieldType::kInteger) {
        out = std::to_string(row.Integer(field.column));
      } else if (field.type == FieldType::kReal) {
        out = JsonNumber(row.Real(field.column));
      } else {
        out = JsonString(row.Text(field.column));
      }
    }
    members["demo"] =
        row.Has("is_demo") && row.Integer("is_demo") != 0 ? "true" : "false";
    members["updatedAt"] = row.Has("updated_at") && !row.IsNull("updated_at")
                               ? JsonString(row.Text("updated_at"))
                               : "null";
    return Object(members);
  }

 private:
  static std::string Object(const std::map<std::string, std::string>& members) {
    std::string out = "{";
    for (const auto& [key, value] : members) {
      if (out.size() > 1) out += ',';
      out += JsonString(key);
      out += ':';
      out += value;
    }
    return out + "}";
  }

  const Field* CityField() const {
    for (const Field& field : spec_.fields) {
      if (field.type == FieldType::kCity) return &field;
    }
    return nullptr;
  }

  static const char* ColumnType(FieldType type) {
    switch (type) {
      case FieldType::kInteger:
      case FieldType::kBool:
        return "INTEGER";
      case FieldType::kReal:
        return "REAL";
      default:
        return "TEXT";
    }
  }

  // Creates the table when it is missing and adds the column of a field
  // that the table lacks.
  Status EnsureTable() const {
    std::string columns = "id INTEGER PRIMARY KEY";
    for (const Field& field : spec_.fields) {
      columns += ", ";
      columns += field.column;
      columns += ' ';
      columns += ColumnType(field.type);
      if (field.required) columns += " NOT NULL";
    }
    columns +=
        ", is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)), "
        "updated_at TEXT NOT NULL, updated_by TEXT NOT NULL";
    auto created = host_->Execute("CREATE TABLE IF NOT EXISTS " + spec_.table +
                                  " (" + columns + ")");
    if (!created.ok()) {
      return {created.status().code(),
              "register " + spec_.path + ": cannot make table " + spec_.table +
                  ": " + created.status().message()};
    }
    for (const Field& field : spec_.fields) {
      auto probe = host_->Query("SELECT " + field.column + " FROM " +
                                spec_.table + " LIMIT 0");
      if (probe.ok()) continue;
      auto added =
          host_->Execute("ALTER TABLE " + spec_.table + " ADD COLUMN " +
                         field.column + " " + ColumnType(field.type));
      if (!added.ok()) {
        return {added.status().code(), "register " + spec_.path +
                                           ": cannot add column " +
                                           field.column + " to " + spec_.table +
                                           ": " + added.status().message()};
      }
    }
    return Status::Ok();
  }

  // The JSON Schema of one field's value.
  static std::string FieldSchema(const Field& field, bool for_input) {
    std::map<std::string, std::string> schema;
    std::string type;
    switch (field.type) {
      case FieldType::kInteger:
        type = "integer";
        break;
      case FieldType::kReal:
        type = "number";
        break;
      case FieldType::kBool:
        type = "boolean";
        break;
      default:
        type = "string";
    }
    schema["type"] = field.required && for_input
                         ? JsonString(type)
                         : "[" + JsonString(type) + ",\"null\"]";
    if (field.type == FieldType::kInteger || field.type == FieldType::kReal) {
      if (std::isfinite(field.min)) schema["minimum"] = JsonNumber(field.min);
      if (std::isfinite(field.max)) schema["maximum"] = JsonNumber(field.max);
    }
    switch (field.type) {
      case FieldType::kText:
      case FieldType::kMultilineText:
        schema["maxLength"] = std::to_string(field.max_characters);
        if (field.required) schema["minLength"] = "1";
        break;
      case FieldType::kDate:
        schema["format"] = "\"date\"";
        break;
      case FieldType::kCity:
        schema["pattern"] = "\"^GM[0-9]{4}$\"";
        break;
      case FieldType::kUrl:
        schema["format"] = "\"uri\"";
        break;
      case FieldType::kChoice: {
        std::string choices = "[";
        for (const std::string& choice : field.choices) {
          if (choices.size() > 1) choices += ',';
          choices += JsonString(choice);
        }
        if (!field.required || !for_input) choices += ",null";
        schema["enum"] = choices + "]";
        break;
      }
      default:
        break;
    }
    if (!field.description.empty()) {
      schema["description"] = JsonString(field.description);
    }
    return Object(schema);
  }

  std::string InputSchema() const {
    std::map<std::string, std::string> properties;
    std::string required = "[";
    for (const Field& field : spec_.fields) {
      properties[field.key] = FieldSchema(field, true);
      if (field.required) {
        if (required.size() > 1) required += ',';
        required += JsonString(field.key);
      }
    }
    return Object({{"type", "\"object\""},
                   {"additionalProperties", "false"},
                   {"properties", Object(properties)},
                   {"required", required + "]"}});
  }

  std::string RecordSchema() const {
    std::map<std::string, std::string> properties;
    for (const Field& field : spec_.fields) {
      properties[field.key] = FieldSchema(field, false);
    }
    properties["id"] = "{\"type\":\"integer\"}";
    properties["demo"] =
        "{\"type\":\"boolean\",\"description\":\"part of the demo sample\"}";
    properties["updatedAt"] = "{\"type\":\"string\",\"format\":\"date-time\"}";
    std::string required = "[\"demo\",\"id\"";
    for (const Field& field : spec_.fields) {
      required += ',';
      required += JsonString(field.key);
    }
    return Object({{"type", "\"object\""},
                   {"properties", Object(properties)},
                   {"required", required + "]"}});
  }

  Status Describe(Host& host) const {
    const std::string item = spec_.path + "/{id}";
    const std::string record = RecordSchema();
    RouteDoc list;
    list.response_schema = Object(
        {{"type", "\"object\""},
         {"properties",
          Object({{"items", "{\"type\":\"array\",\"items\":" + record + "}"},
                  {"total", "{\"type\":\"integer\"}"},
                  {"page", "{\"type\":\"integer\"}"},
                  {"pageSize", "{\"type\":\"integer\"}"}})}});
    list.query = {{"page", "the page, from 1 (default 1)"},
                  {"pageSize", "records per page, 1 to 500 (default 100)"}};
    if (const Field* city = CityField()) {
      list.query.emplace_back(
          "city", "only the records of this city (CBS code) in " + city->key);
    }
    RouteDoc create;
    create.success_status = 201;
    create.request_schema = InputSchema();
    create.response_schema = record;
    create.responses = {
        {"409",
         "a record with the same unique value exists; change that "
         "one instead"}};
    RouteDoc read;
    read.response_schema = record;
    RouteDoc replace;
    replace.request_schema = InputSchema();
    replace.response_schema = record;
    replace.responses = {
        {"403", "the record belongs to a city the caller does not report for"},
        {"409", "a record with the same unique value exists"}};
    RouteDoc remove;
    remove.success_status = 204;
    remove.responses = {
        {"403", "the record belongs to a city the caller does not report for"}};
    for (auto [method, path, doc] :
         {std::tuple{"GET", spec_.path, &list},
          std::tuple{"POST", spec_.path, &create},
          std::tuple{"GET", item, &read}, std::tuple{"PUT", item, &replace},
          std::tuple{"DELETE", item, &remove}}) {
      Status status = host.Describe(method, path, *doc);
      if (!status.ok()) return status;
    }
    return Status::Ok();
  }

  // "from 0.0 to 100.0" or "at least 1.0", as the platform writes reals.
  static std::string Range(const Field& field) {
    if (std::isinf(field.max)) return "at least " + JsonNumber(field.min);
    return "from " + JsonNumber(field.min) + " to " + JsonNumber(field.max);
  }

  // The problem with value for field, or nullopt when it is acceptable.
  std::optional<std::string> Check(const Field& field,
                                   const JsonValue& value) const {
    const std::string& key = field.key;
    if (value.is_null()) {
      if (field.required) return key + ": is required";
      return std::nullopt;
    }
    switch (field.type) {
      case FieldType::kBool:
        if (!value.is_bool()) return key + ": must be true or false";
        return std::nullopt;
      case FieldType::kInteger:
      case FieldType::kReal: {
        if (!value.is_number()) return key + ": must be a number";
        if (field.type == FieldType::kInteger && !value.is_integer()) {
          return key + ": must be a whole number";
        }
        double number = value.number();
        if (!std::isfinite(number) || number < field.min ||
            number > field.max) {
          return key + ": must be " + Range(field) + ", got " + value.Dump();
        }
        return std::nullopt;
      }
      default:
        break;
    }
    if (!value.is_string()) return key + ": must be text";
    const std::string& text = value.text();
    TextRules rules;
    rules.min_characters = field.required ? 1 : 0;
    rules.max_characters = field.max_characters;
    rules.multiline = field.type == FieldType::kMultilineText;
    if (auto problem = TextProblem(text, rules)) return key + ": " + *problem;
    std::string shown = Printable(text);
    if (field.type == FieldType::kDate && !IsCalendarDate(text)) {
      return key + ": must be a date YYYY-MM-DD, got \"" + shown + "\"";
    }
    if (field.type == FieldType::kUrl && !IsHttpUrl(text)) {
      return key + ": must be an http(s) URL, got \"" + shown + "\"";
    }
    if (field.type == FieldType::kChoice) {
      bool known = false;
      std::string options;
      for (const std::string& choice : field.choices) {
        known = known || choice == text;
        if (!options.empty()) options += ", ";
        options += choice;
      }
      if (!known) {
        return key + ": must be one of " + options + ", got \"" + shown + "\"";
      }
    }
    if (field.type == FieldType::kCity) {
      auto found = host_->Query(
          "SELECT 1 FROM public_cities WHERE cbs_code = ?1", {text});
      if (found.ok() && found->empty()) {
        return key + ": \"" + shown +
               "\" is not a city of the covenant; use a CBS code from GET "
               "/api/v1/cities";
      }
      if (!found.ok()) found.value();  // the platform's 500
    }
    return std::nullopt;
  }

  static Value ToValue(const JsonValue& value) {
    switch (value.type()) {
      case JsonValue::Type::kBool:
        return std::int64_t{value.boolean() ? 1 : 0};
      case JsonValue::Type::kNumber:
        if (value.is_integer()) return value.integer();
        return value.number();
      case JsonValue::Type::kString:
        return value.text();
      default:
        return nullptr;
    }
  }

  // Reads a full record from the body; writes a 400 and returns nullopt when
  // anything is wrong, naming the field.
  std::optional<std::vector<Value>> ReadBody(const Request& request,
                                             Response& response) const {
    auto parsed = ParseJson(request.body());
    if (auto* problem = std::get_if<std::string>(&parsed)) {
      response.Problem(400, "Bad Request", *problem);
      return std::nullopt;
    }
    const JsonValue& body = std::get<JsonValue>(parsed);
    if (!body.is_object()) {
      response.Problem(400, "Bad Request", "the body must be a JSON object");
      return std::nullopt;
    }
    for (const auto& [key, value] : body.members()) {
      bool known = false;
      for (const Field& field : spec_.fields) known = known || field.key == key;
      if (!known) {
        std::string keys;
        for (const Field& field : spec_.fields) {
          if (!keys.empty()) keys += ", ";
          keys += field.key;
        }
        response.Problem(
            400, "Bad Request",
            Printable(key) + ": unknown field; the fields are " + keys);
        return std::nullopt;
      }
    }
    std::vector<Value> values;
    const JsonValue null;
    for (const Field& field : spec_.fields) {
      const JsonValue* value = body.Find(field.key);
      if (auto problem = Check(field, value != nullptr ? *value : null)) {
        response.Problem(400, "Bad Request", *problem);
        return std::nullopt;
      }
      values.push_back(ToValue(value != nullptr ? *value : null));
    }
    if (spec_.check) {
      if (auto problem = spec_.check(Record(body))) {
        response.Problem(400, "Bad Request", *problem);
        return std::nullopt;
      }
    }
    return values;
  }

  // The row named by the path's {id}; writes the 404 and returns nullopt
  // when there is none.
  std::optional<Row> Existing(const Request& request,
                              Response& response) const {
    std::string_view text = request.Param("id").value_or("");
    std::optional<std::int64_t> id = ParseDecimalInteger(text);
    if (!id || *id <= 0) {
      response.Problem(
          404, "Not Found",
          "there is no record '" + Printable(text) + "' in " + spec_.path);
      return std::nullopt;
    }
    auto row = Find(*id);
    if (!row) {
      response.Problem(
          404, "Not Found",
          "there is no record " + std::to_string(*id) + " in " + spec_.path);
    }
    return row;
  }

  std::optional<Row> Find(std::int64_t id) const {
    auto rows =
        host_->Query("SELECT * FROM " + spec_.table + " WHERE id = ?1", {id})
            .value();
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  void List(const Request& request, Response& response) const {
    std::int64_t page = 1;
    std::int64_t page_size = 100;
    if (!ReadPage(request, response, page, page_size)) return;
    std::optional<std::string> city;
    if (auto filter = request.Query("city")) city = std::string(*filter);
    std::vector<Row> rows = Rows(city).value();
    std::string items = "[";
    std::size_t shown = 0;
    for (std::size_t i = static_cast<std::size_t>((page - 1) * page_size);
         i < rows.size() && shown < static_cast<std::size_t>(page_size);
         ++i, ++shown) {
      if (shown > 0) items += ',';
      items += RecordJson(rows[i]);
    }
    response.Json(200, Object({{"items", items + "]"},
                               {"total", std::to_string(rows.size())},
                               {"page", std::to_string(page)},
                               {"pageSize", std::to_string(page_size)}}));
  }

  void Read(const Request& request, Response& response) const {
    if (auto row = Existing(request, response)) {
      response.Json(200, RecordJson(*row));
    }
  }

  static std::string Who(const Request& request) {
    std::string caller(request.caller().name);
    return caller.empty() ? "unknown" : caller;
  }

  // Runs a write; a record that would duplicate another one (a UNIQUE
  // constraint, such as one status per city) is the caller's conflict, 409,
  // naming the fields; any other failure is the platform's 500.
  bool Store(Response& response, const Result<Execution>& written) const {
    if (written.ok()) return true;
    const std::string& message = written.status().message();
    constexpr std::string_view kUnique = "UNIQUE constraint failed: ";
    std::size_t at = message.find(kUnique);
    if (at == std::string::npos) written.value();  // throws: a 500
    // "t.city, t.name" -> "city and name", by the fields' keys.
    std::string named;
    std::string_view rest =
        std::string_view(message).substr(at + kUnique.size());
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      std::string_view part = rest.substr(0, comma);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      std::size_t end = part.find_first_of(" ;(");
      part = part.substr(0, end);
      std::string column(part.substr(part.find('.') + 1));
      for (const Field& field : spec_.fields) {
        if (field.column == column) column = field.key;
      }
      if (!named.empty()) named += " and ";
      named += column;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    response.Problem(409, "Conflict",
                     "there is a record with this " + named +
                         " already; change that one (PUT " + spec_.path +
                         "/{id}) instead of adding another");
    return false;
  }

  void Create(const Request& request, Response& response) const {
    auto values = ReadBody(request, response);
    if (!values) return;
    std::string columns;
    std::string marks;
    for (std::size_t i = 0; i < spec_.fields.size(); ++i) {
      columns += spec_.fields[i].column;
      columns += ", ";
      marks += '?';
      marks += std::to_string(i + 1);
      marks += ", ";
    }
    std::size_t n = spec_.fields.size();
    values->push_back(UtcNow());
    values->push_back(Who(request));
    auto written = host_->Execute(
        "INSERT INTO " + spec_.table + " (" + columns +
            "updated_at, updated_by, is_demo) VALUES (" + marks + "?" +
            std::to_string(n + 1) + ", ?" + std::to_string(n + 2) + ", 0)",
        *values);
    if (!Store(response, written)) return;
    auto row = Find(written->last_insert_id);
    if (!row) {
      throw Error(Status::Error("the new record of " + spec_.path +
                                " cannot be read back"));
    }
    response.Json(201, RecordJson(*row));
  }

  // Writes a 403 and returns false when the caller may not change the
  // stored record (a city editor and another city's record).
  bool MayChange(const Request& request, const Row& row,
                 Response& response) const {
    const Field* city = CityField();
    if (city == nullptr || row.IsNull(city->column)) return true;
    std::string owner = row.Text(city->column);
    if (request.MayChangeCity(owner)) return true;
    response.Problem(403, "Forbidden",
                     "record " + std::to_string(row.Integer("id")) +
                         " belongs to city " + owner +
                         "; your account may change only records of " +
                         std::string(request.caller().scope));
    return false;
  }

  void Replace(const Request& request, Response& response) const {
    auto row = Existing(request, response);
    if (!row || !MayChange(request, *row, response)) return;
    std::int64_t id = row->Integer("id");
    auto values = ReadBody(request, response);
    if (!values) return;
    std::string sets;
    for (std::size_t i = 0; i < spec_.fields.size(); ++i) {
      sets += spec_.fields[i].column;
      sets += " = ?";
      sets += std::to_string(i + 1);
      sets += ", ";
    }
    std::size_t n = spec_.fields.size();
    values->push_back(UtcNow());
    values->push_back(Who(request));
    values->push_back(id);
    auto written = host_->Execute(
        "UPDATE " + spec_.table + " SET " + sets + "updated_at = ?" +
            std::to_string(n + 1) + ", updated_by = ?" + std::to_string(n + 2) +
            ", is_demo = 0 WHERE id = ?" + std::to_string(n + 3),
        *values);
    if (!Store(response, written)) return;
    response.Json(200, RecordJson(*Find(id)));
  }

  void Delete(const Request& request, Response& response) const {
    auto row = Existing(request, response);
    if (!row || !MayChange(request, *row, response)) return;
    host_
        ->Execute("DELETE FROM " + spec_.table + " WHERE id = ?1",
                  {row->Integer("id")})
        .value();
    response.SetStatus(204);
  }

  RegisterSpec spec_;
  Host* host_ = nullptr;
};

}  // namespace smartercities::sdk

#endif  // SMARTERCITIES_REGISTER_H_
