// record_register.h — a register of records in one plugin table, with the
// five endpoints a theme's own data needs: list (paged, filtered by city),
// read, create, replace and delete, every input checked field by field.
//
// Used by the in-tree theme plugins; it builds on the public SDK only (and
// nlohmann/json, which those plugins link privately). The table must have
// the columns the fields name plus id INTEGER PRIMARY KEY, is_demo,
// updated_at and updated_by; the routes must be declared in the manifest.
//
// Thread-safety: after Mount, the register is only read; handlers may run
// on several threads at once.
#ifndef SMARTERCITIES_PLUGINS_COMMON_RECORD_REGISTER_H_
#define SMARTERCITIES_PLUGINS_COMMON_RECORD_REGISTER_H_

#include <smartercities/plugin.h>
#include <smartercities/text.h>

#include <cmath>
#include <ctime>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace smartercities::themes {

namespace sdk = smartercities::sdk;
using nlohmann::json;

// Serialises an answer without ever throwing: a stored byte sequence that is
// not UTF-8 comes out as U+FFFD rather than failing every read of the
// register.
inline std::string Serialise(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

enum class FieldType {
  kText,
  kInteger,
  kReal,
  kBool,
  kDate,
  kCity,
  kChoice,
  kUrl
};

// One field of a record: its JSON key, its column and what it may hold.
struct Field {
  std::string key;
  std::string column;
  FieldType type = FieldType::kText;
  bool required = false;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  // for kChoice
  std::size_t max_length = 500;      // for text, in characters
  // Whether text may run over several lines (a description); other text is
  // one line without control characters.
  bool multiline = false;
};

// Field makers, so a register reads as a list of declarations.
inline Field Text(std::string key, std::string column, bool required = false) {
  Field field;
  field.key = std::move(key);
  field.column = std::move(column);
  field.required = required;
  return field;
}
inline Field Typed(FieldType type, std::string key, std::string column,
                   bool required = false) {
  Field field = Text(std::move(key), std::move(column), required);
  field.type = type;
  return field;
}
inline Field Number(FieldType type, std::string key, std::string column,
                    double min, double max, bool required = false) {
  Field field = Typed(type, std::move(key), std::move(column), required);
  field.min = min;
  field.max = max;
  return field;
}
// Text of several lines, such as a description.
inline Field MultilineText(std::string key, std::string column,
                           bool required = false) {
  Field field = Text(std::move(key), std::move(column), required);
  field.multiline = true;
  return field;
}
inline Field Choice(std::string key, std::string column,
                    std::vector<std::string> choices, bool required = false) {
  Field field =
      Typed(FieldType::kChoice, std::move(key), std::move(column), required);
  field.choices = std::move(choices);
  return field;
}

inline std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

inline bool IsCalendarDate(const std::string& text) {
  static const std::regex kDate(
      R"((19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))");
  if (!std::regex_match(text, kDate)) return false;
  std::tm parts{};
  parts.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  parts.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  parts.tm_mday = std::stoi(text.substr(8, 2));
  std::tm normalized = parts;
  timegm(&normalized);
  return normalized.tm_mday == parts.tm_mday;
}

// Reads ?page= and ?pageSize=; writes a 400 and returns false when bad.
inline bool ReadPage(const sdk::Request& request, sdk::Response& response,
                     std::int64_t& page, std::int64_t& page_size) {
  auto read = [&](std::string_view name, std::int64_t fallback,
                  std::int64_t max, std::int64_t& out) {
    auto text = request.Query(name);
    out = fallback;
    if (!text) return true;
    out = sdk::ParseDecimalInteger(*text).value_or(0);
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

inline sdk::Value ToValue(const json& value) {
  if (value.is_null()) return nullptr;
  if (value.is_boolean()) return std::int64_t{value.get<bool>() ? 1 : 0};
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number()) return value.get<double>();
  return value.get<std::string>();
}

// For the "share of X per city" figures: per city, how many records a
// register holds and how many have flag_column set, and the same for the
// network, against target_percent.
inline json ShareByCity(const sdk::Host& host, const std::string& table,
                        const std::string& flag_column,
                        const std::string& count_key,
                        const std::string& flagged_key, double target_percent) {
  auto rows = host.Query(
      "SELECT t.city AS city, c.name AS name, COUNT(*) AS total, SUM(t." +
      flag_column + ") AS flagged, MAX(t.is_demo) AS demo FROM " + table +
      " t JOIN public_cities c ON c.cbs_code = t.city GROUP BY t.city ORDER "
      "BY c.name");
  auto share = [](std::int64_t part, std::int64_t whole) {
    return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  };
  json items = json::array();
  std::int64_t total = 0;
  std::int64_t flagged = 0;
  for (const auto& row : rows) {
    std::int64_t city_total = row.Integer("total");
    std::int64_t city_flagged = row.Integer("flagged");
    total += city_total;
    flagged += city_flagged;
    double percent = share(city_flagged, city_total);
    items.push_back({{"city", row.Text("city")},
                     {"cityName", row.Text("name")},
                     {count_key, city_total},
                     {flagged_key, city_flagged},
                     {"sharePercent", percent},
                     {"targetReached", percent >= target_percent},
                     {"demo", row.Integer("demo") != 0}});
  }
  json network = {{count_key, total}, {flagged_key, flagged}};
  network["sharePercent"] =
      total == 0 ? json(nullptr) : json(share(flagged, total));
  return {{"items", items},
          {"total", items.size()},
          {"network", network},
          {"targetPercent", target_percent}};
}

// A check across the fields of a record that passed the checks of each
// field: the problem (naming the fields), or nullopt when the record holds
// together.
using RecordCheck = std::function<std::optional<std::string>(const json&)>;

class RecordRegister {
 public:
  RecordRegister(std::string table, std::string path, std::vector<Field> fields,
                 RecordCheck check = nullptr)
      : table_(std::move(table)),
        path_(std::move(path)),
        fields_(std::move(fields)),
        check_(std::move(check)) {}

  // Registers GET/POST path and GET/PUT/DELETE path/{id}.
  sdk::Status Mount(sdk::Host& host) {
    host_ = &host;
    sdk::Status status = host.Route(
        "GET", path_,
        [this](const sdk::Request& q, sdk::Response& r) { List(q, r); });
    if (status.ok())
      status = host.Route(
          "POST", path_,
          [this](const sdk::Request& q, sdk::Response& r) { Create(q, r); });
    if (status.ok())
      status = host.Route(
          "GET", path_ + "/{id}",
          [this](const sdk::Request& q, sdk::Response& r) { Read(q, r); });
    if (status.ok())
      status = host.Route(
          "PUT", path_ + "/{id}",
          [this](const sdk::Request& q, sdk::Response& r) { Replace(q, r); });
    if (status.ok())
      status = host.Route(
          "DELETE", path_ + "/{id}",
          [this](const sdk::Request& q, sdk::Response& r) { Delete(q, r); });
    return status;
  }

  // Every record as JSON, optionally only those of one city.
  std::vector<json> All(
      const std::optional<std::string>& city = std::nullopt) const {
    std::string sql = "SELECT * FROM " + table_;
    std::vector<sdk::Value> params;
    if (city && CityField() != nullptr) {
      sql += " WHERE " + CityField()->column + " = ?1";
      params.push_back(*city);
    }
    sql += " ORDER BY id";
    std::vector<json> out;
    for (const auto& row : host_->Query(sql, params))
      out.push_back(ToJson(row));
    return out;
  }

 private:
  const Field* CityField() const {
    for (const Field& field : fields_) {
      if (field.type == FieldType::kCity) return &field;
    }
    return nullptr;
  }

  json ToJson(const sdk::Row& row) const {
    json out = {{"id", row.Integer("id")}};
    for (const Field& field : fields_) {
      if (row.IsNull(field.column)) {
        out[field.key] = nullptr;
      } else if (field.type == FieldType::kBool) {
        out[field.key] = row.Integer(field.column) != 0;
      } else if (field.type == FieldType::kInteger) {
        out[field.key] = row.Integer(field.column);
      } else if (field.type == FieldType::kReal) {
        out[field.key] = row.Real(field.column);
      } else {
        out[field.key] = row.Text(field.column);
      }
    }
    out["demo"] = row.Integer("is_demo") != 0;
    out["updatedAt"] = row.Text("updated_at");
    return out;
  }

  // The problem with value for field, or nullopt when it is acceptable.
  std::optional<std::string> Check(const Field& field,
                                   const json& value) const {
    const std::string& key = field.key;
    if (value.is_null()) {
      if (field.required) return key + ": is required";
      return std::nullopt;
    }
    switch (field.type) {
      case FieldType::kBool:
        if (!value.is_boolean()) return key + ": must be true or false";
        return std::nullopt;
      case FieldType::kInteger:
      case FieldType::kReal: {
        if (!value.is_number()) return key + ": must be a number";
        double number = value.get<double>();
        if (field.type == FieldType::kInteger && !value.is_number_integer()) {
          return key + ": must be a whole number";
        }
        if (!std::isfinite(number) || number < field.min ||
            number > field.max) {
          std::string range = std::isinf(field.max)
                                  ? "at least " + json(field.min).dump()
                                  : "from " + json(field.min).dump() + " to " +
                                        json(field.max).dump();
          return key + ": must be " + range + ", got " + value.dump();
        }
        return std::nullopt;
      }
      default:
        break;
    }
    if (!value.is_string()) return key + ": must be text";
    const std::string text = value.get<std::string>();
    sdk::TextRules rules;
    rules.min_characters = field.required ? 1 : 0;
    rules.max_characters = field.max_length;
    rules.multiline = field.multiline && field.type == FieldType::kText;
    if (auto problem = sdk::TextProblem(text, rules)) {
      return key + ": " + *problem;
    }
    std::string shown = sdk::Printable(text);
    if (field.type == FieldType::kDate && !IsCalendarDate(text)) {
      return key + ": must be a date YYYY-MM-DD, got \"" + shown + "\"";
    }
    if (field.type == FieldType::kUrl &&
        !std::regex_match(text, std::regex(R"(https?://[^\s]+)"))) {
      return key + ": must be an http(s) URL, got \"" + shown + "\"";
    }
    if (field.type == FieldType::kChoice) {
      bool known = false;
      std::string options;
      for (const auto& choice : field.choices) {
        known = known || choice == text;
        options += (options.empty() ? "" : ", ") + choice;
      }
      if (!known)
        return key + ": must be one of " + options + ", got \"" + shown + "\"";
    }
    if (field.type == FieldType::kCity &&
        host_->Query("SELECT 1 FROM public_cities WHERE cbs_code = ?1", {text})
            .empty()) {
      return key + ": \"" + shown +
             "\" is not a city of the covenant; use a CBS code from GET "
             "/api/v1/cities";
    }
    return std::nullopt;
  }

  // Reads a full record from the body; writes a 400 and returns nullopt when
  // anything is wrong, naming the field.
  std::optional<std::vector<sdk::Value>> ReadBody(
      const sdk::Request& request, sdk::Response& response) const {
    json body = json::parse(request.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      response.Problem(400, "Bad Request", "the body must be a JSON object");
      return std::nullopt;
    }
    for (const auto& [key, value] : body.items()) {
      bool known = false;
      for (const Field& field : fields_) known = known || field.key == key;
      if (!known) {
        std::string keys;
        for (const Field& field : fields_)
          keys += (keys.empty() ? "" : ", ") + field.key;
        response.Problem(
            400, "Bad Request",
            sdk::Printable(key) + ": unknown field; the fields are " + keys);
        return std::nullopt;
      }
    }
    std::vector<sdk::Value> values;
    for (const Field& field : fields_) {
      json value = body.contains(field.key) ? body[field.key] : json(nullptr);
      if (auto problem = Check(field, value)) {
        response.Problem(400, "Bad Request", *problem);
        return std::nullopt;
      }
      values.push_back(ToValue(value));
    }
    if (check_) {
      if (auto problem = check_(body)) {
        response.Problem(400, "Bad Request", *problem);
        return std::nullopt;
      }
    }
    return values;
  }

  std::optional<std::int64_t> Id(const sdk::Request& request,
                                 sdk::Response& response) const {
    std::string_view text = request.Param("id").value_or("");
    std::optional<std::int64_t> id = sdk::ParseDecimalInteger(text);
    if (id && *id > 0) return id;
    response.Problem(
        404, "Not Found",
        "there is no record '" + sdk::Printable(text) + "' in " + path_);
    return std::nullopt;
  }

  // The row named by the path's {id}; writes the 404 and returns nullopt
  // when there is none.
  std::optional<sdk::Row> Existing(const sdk::Request& request,
                                   sdk::Response& response) const {
    auto id = Id(request, response);
    if (!id) return std::nullopt;
    auto row = Find(*id);
    if (!row) {
      response.Problem(
          404, "Not Found",
          "there is no record " + std::to_string(*id) + " in " + path_);
    }
    return row;
  }

  std::optional<sdk::Row> Find(std::int64_t id) const {
    auto rows =
        host_->Query("SELECT * FROM " + table_ + " WHERE id = ?1", {id});
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  void List(const sdk::Request& request, sdk::Response& response) const {
    std::int64_t page = 1;
    std::int64_t page_size = 100;
    if (!ReadPage(request, response, page, page_size)) return;
    std::optional<std::string> city;
    if (auto filter = request.Query("city")) city = std::string(*filter);
    std::vector<json> all = All(city);
    json items = json::array();
    for (std::size_t i = static_cast<std::size_t>((page - 1) * page_size);
         i < all.size() && items.size() < static_cast<std::size_t>(page_size);
         ++i) {
      items.push_back(all[i]);
    }
    response.Json(200,
                  json{{"items", items},
                       {"total", all.size()},
                       {"page", page},
                       {"pageSize", page_size}}
                      .dump(-1, ' ', false, json::error_handler_t::replace));
  }

  void Read(const sdk::Request& request, sdk::Response& response) const {
    if (auto row = Existing(request, response)) {
      response.Json(200, Serialise(ToJson(*row)));
    }
  }

  std::string Who(const sdk::Request& request) const {
    std::string caller(request.caller());
    return caller.empty() ? "unknown" : caller;
  }

  void Create(const sdk::Request& request, sdk::Response& response) const {
    auto values = ReadBody(request, response);
    if (!values) return;
    std::string columns;
    std::string marks;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      columns += fields_[i].column + ", ";
      // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict
      // for "?" + std::string (GCC bug 105329).
      marks += '?';
      marks += std::to_string(i + 1);
      marks += ", ";
    }
    std::size_t n = fields_.size();
    values->push_back(UtcNow());
    values->push_back(Who(request));
    std::vector<sdk::Row> rows;
    if (!Store(response, [&] {
          rows = host_->Query("INSERT INTO " + table_ + " (" + columns +
                                  "updated_at, updated_by, is_demo) VALUES (" +
                                  marks + "?" + std::to_string(n + 1) + ", ?" +
                                  std::to_string(n + 2) + ", 0) RETURNING id",
                              *values);
        })) {
      return;
    }
    response.Json(201, Serialise(ToJson(*Find(rows.front().Integer("id")))));
  }

  // Runs a write; a record that would duplicate another one (a UNIQUE
  // column such as one status per city) is the caller's conflict, 409, not
  // a fault of the plugin. Other failures propagate (500).
  template <typename Write>
  bool Store(sdk::Response& response, Write write) const {
    try {
      write();
      return true;
    } catch (const sdk::Error& error) {
      std::string message = error.what();
      std::size_t at = message.find("UNIQUE constraint failed: ");
      if (at == std::string::npos) throw;
      std::string column = message.substr(at + 26);
      column = column.substr(column.find('.') + 1);
      for (const Field& field : fields_) {
        if (field.column == column) column = field.key;
      }
      response.Problem(409, "Conflict",
                       "there is a record with this " + column +
                           " already; change that one (PUT " + path_ +
                           "/{id}) instead of adding another");
      return false;
    }
  }

  // Writes a 403 and returns false when the caller may not change the
  // stored record (a city editor and another city's record).
  bool MayChange(const sdk::Request& request, const sdk::Row& row,
                 sdk::Response& response) const {
    const Field* city = CityField();
    if (city == nullptr || row.IsNull(city->column)) return true;
    std::string owner = row.Text(city->column);
    if (request.MayChangeCity(owner)) return true;
    response.Problem(403, "Forbidden",
                     "record " + std::to_string(row.Integer("id")) +
                         " belongs to city " + owner +
                         "; your account may change only records of " +
                         std::string(request.caller_scope()));
    return false;
  }

  void Replace(const sdk::Request& request, sdk::Response& response) const {
    auto row = Existing(request, response);
    if (!row || !MayChange(request, *row, response)) return;
    std::int64_t id = row->Integer("id");
    auto values = ReadBody(request, response);
    if (!values) return;
    std::string sets;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      sets += fields_[i].column + " = ?" + std::to_string(i + 1) + ", ";
    }
    std::size_t n = fields_.size();
    values->push_back(UtcNow());
    values->push_back(Who(request));
    values->push_back(id);
    if (!Store(response, [&] {
          host_->Query("UPDATE " + table_ + " SET " + sets + "updated_at = ?" +
                           std::to_string(n + 1) + ", updated_by = ?" +
                           std::to_string(n + 2) +
                           ", is_demo = 0 WHERE id = ?" + std::to_string(n + 3),
                       *values);
        })) {
      return;
    }
    response.Json(200, Serialise(ToJson(*Find(id))));
  }

  void Delete(const sdk::Request& request, sdk::Response& response) const {
    auto row = Existing(request, response);
    if (!row || !MayChange(request, *row, response)) return;
    host_->Query("DELETE FROM " + table_ + " WHERE id = ?1",
                 {row->Integer("id")});
    response.SetStatus(204);
  }

  std::string table_;
  std::string path_;
  std::vector<Field> fields_;
  RecordCheck check_;
  sdk::Host* host_ = nullptr;
};

}  // namespace smartercities::themes

#endif  // SMARTERCITIES_PLUGINS_COMMON_RECORD_REGISTER_H_
