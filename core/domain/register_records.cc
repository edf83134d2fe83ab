#include "core/domain/register_records.h"

#include <nlohmann/json.hpp>

namespace smartercities::domain {
namespace {

using nlohmann::json;

// The members every record has besides its fields.
bool IsFixedMember(std::string_view key) {
  return key == "id" || key == "demo" || key == "updatedAt";
}

// "fibreSince" -> "fibre_since", as the SDK names a field's column.
std::string SnakeCase(std::string_view key) {
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

// "fibreSince" -> "Fibre since", a column's title for people.
std::string TitleOf(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c >= 'A' && c <= 'Z') {
      out += ' ';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') {
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  }
  return out;
}

// The JSON type of a property's schema: "string" for {"type": ["string",
// "null"]} too.
std::string TypeOf(const json& property) {
  auto type = property.find("type");
  if (type == property.end()) return "";
  if (type->is_string()) return type->get<std::string>();
  if (type->is_array()) {
    for (const json& item : *type) {
      if (item.is_string() && item != "null") return item.get<std::string>();
    }
  }
  return "";
}

std::string Quoted(std::string_view name) {
  std::string out = "\"";
  out += name;
  out += '"';
  return out;
}

std::string Joined(const std::vector<RegisterField>& fields) {
  std::string out;
  for (const RegisterField& field : fields) {
    if (!out.empty()) out += ", ";
    out += field.key;
  }
  return out;
}

}  // namespace

std::string PublishedRegister::DatasetId() const {
  std::string out = theme;
  for (char c : declaration.path) out += c == '/' ? '-' : c;
  return out;
}

std::string PublishedRegister::RecordsUrl() const {
  std::string out = "/api/v1/themes/";
  out += theme;
  out += declaration.path;
  return out;
}

const RegisterField* PublishedRegister::CityField() const {
  for (const RegisterField& field : fields) {
    if (field.is_city) return &field;
  }
  return nullptr;
}

Result<PublishedRegister> ResolveRegister(
    const ThemeManifest& manifest, std::size_t index,
    std::string_view record_schema, std::string_view input_schema,
    const std::set<std::string, std::less<>>& table_columns) {
  const RegisterDeclaration& declared = manifest.registers.at(index);
  std::string where = "registers[";
  where += std::to_string(index);
  where += "] (";
  where += declared.path;
  where += ")";
  auto fail = [&](std::string_view member, const std::string& what) {
    std::string message = where;
    if (!member.empty()) {
      message += ' ';
      message += member;
    }
    message += ": ";
    message += what;
    return Status::InvalidArgument(message);
  };
  if (table_columns.empty()) {
    std::string what = "its table \"";
    what += declared.table;
    what += "\" does not exist; name the table of its RegisterSpec";
    return fail("table", what);
  }
  json record = json::parse(record_schema, nullptr, false);
  auto properties =
      record.is_object() ? record.find("properties") : record.end();
  if (properties == record.end() || !properties->is_object()) {
    return fail("",
                "the plugin did not describe its record (GET " + declared.path +
                    "/{id} has no JSON Schema); mount it with sdk::Register");
  }
  std::set<std::string, std::less<>> required;
  json input = json::parse(input_schema, nullptr, false);
  if (input.is_object() && input.contains("required") &&
      input["required"].is_array()) {
    for (const json& key : input["required"]) {
      if (key.is_string()) required.insert(key.get<std::string>());
    }
  }

  PublishedRegister out;
  out.theme = manifest.id;
  out.theme_name = manifest.name.nl;
  out.declaration = declared;
  for (const auto& [key, property] : properties->items()) {
    if (IsFixedMember(key) || !property.is_object()) continue;
    RegisterField field;
    field.key = key;
    field.column = SnakeCase(key);
    field.description = property.value("description", "");
    field.required = required.contains(key);
    std::string type = TypeOf(property);
    if (type == "integer") {
      field.type = ColumnType::kInteger;
    } else if (type == "number") {
      field.type = ColumnType::kDecimal;
    } else if (type == "boolean") {
      field.type = ColumnType::kBoolean;
    } else {
      std::string format = property.value("format", "");
      if (format == "date") {
        field.type = ColumnType::kDate;
      } else if (format == "uri") {
        field.type = ColumnType::kUrl;
      }
      field.is_city = property.value("pattern", "") == "^GM[0-9]{4}$";
      field.is_text = type == "string" && format.empty() && !field.is_city &&
                      !property.contains("enum");
    }
    if (!table_columns.contains(field.column)) {
      std::string what = "the field \"";
      what += key;
      what += "\" has no column \"";
      what += field.column;
      what += "\" in table ";
      what += declared.table;
      what +=
          "; the core reads a field from the column named after its key "
          "(Field::Column is not supported with export or search)";
      return fail("table", what);
    }
    out.fields.push_back(std::move(field));
  }
  for (const char* column : {"id", "is_demo", "updated_at"}) {
    if (!table_columns.contains(column)) {
      std::string what = "table ";
      what += declared.table;
      what += " has no column \"";
      what += column;
      what += "\"; it must be the table of the register's RegisterSpec";
      return fail("table", what);
    }
  }
  for (const std::string& key : declared.search_fields) {
    const RegisterField* found = nullptr;
    for (const RegisterField& field : out.fields) {
      if (field.key == key) found = &field;
    }
    if (found == nullptr) {
      std::string what = "\"";
      what += key;
      what += "\" is not a field of the record; the fields are ";
      what += Joined(out.fields);
      return fail("search", what);
    }
    if (!found->is_text) {
      std::string what = "\"";
      what += key;
      what +=
          "\" is not a text field (Field::Text or Field::MultilineText); "
          "only text is searched";
      return fail("search", what);
    }
  }
  return out;
}

ExportDataset RegisterDataset(const PublishedRegister& published) {
  const RegisterDeclaration& declared = published.declaration;
  ExportDataset dataset;
  dataset.id = published.DatasetId();
  dataset.title = published.theme_name;
  dataset.title += ": ";
  dataset.title += declared.title;
  if (declared.description.empty()) {
    dataset.description = "The records of the register of ";
    dataset.description += declared.title;
    dataset.description += " of the theme ";
    dataset.description += published.theme_name;
    dataset.description += ", as ";
    dataset.description += published.RecordsUrl();
    dataset.description += " gives them.";
  } else {
    dataset.description = declared.description;
  }
  dataset.columns.push_back({"id", "Record",
                             "The record's number in the register.",
                             ColumnType::kInteger, true});
  for (const RegisterField& field : published.fields) {
    std::string description = field.description;
    if (description.empty()) {
      description = "The record's ";
      description += field.key;
      description += '.';
    }
    dataset.columns.push_back({field.key, TitleOf(field.key), description,
                               field.type, field.required});
  }
  dataset.columns.push_back(
      {"demo", "Demo",
       "true for a record of the sample the platform starts with, not "
       "reported by a city.",
       ColumnType::kBoolean, true});
  dataset.columns.push_back({"updatedAt", "Updated at",
                             "When the record was last changed.",
                             ColumnType::kDateTime, true});
  dataset.columns.push_back(
      {"url", "API address", "The record in the API.", ColumnType::kUrl, true});
  dataset.primary_key = {"id"};
  dataset.tables = {declared.table, "modules"};

  std::string sql = "SELECT id";
  for (const RegisterField& field : published.fields) {
    sql += ", ";
    sql += Quoted(field.column);
  }
  sql += ", is_demo, updated_at, ?1 || '/' || id FROM ";
  sql += Quoted(declared.table);
  sql += " ORDER BY id";
  std::string theme = published.theme;
  std::string url = published.RecordsUrl();
  dataset.read = [sql, theme, url](storage::Connection& db,
                                   const ExportScope& scope,
                                   const ExportRowSink& on_row) {
    if (!scope.theme_enabled(theme)) return Status::Ok();
    std::vector<storage::Value> params = {url};
    return db.Execute(sql, params, [&](const storage::Row& row) {
      on_row(row.values());
      return true;
    });
  };
  return dataset;
}

std::string SearchEntriesSelect(const PublishedRegister& published) {
  const std::vector<std::string>& keys = published.declaration.search_fields;
  auto column_of = [&](const std::string& key) {
    std::string out = "COALESCE(CAST(";
    for (const RegisterField& field : published.fields) {
      if (field.key == key) out += Quoted(field.column);
    }
    out += " AS TEXT), '')";
    return out;
  };
  std::string sql = "SELECT id, " + column_of(keys.at(0)) + " AS title, ";
  if (keys.size() == 1) sql += "''";
  for (std::size_t i = 1; i < keys.size(); ++i) {
    if (i > 1) sql += " || ' ' || ";
    sql += column_of(keys[i]);
  }
  sql += " AS body, ";
  const RegisterField* city = published.CityField();
  sql += city != nullptr ? "CAST(" + Quoted(city->column) + " AS TEXT)"
                         : std::string("NULL");
  sql += " AS city FROM ";
  sql += Quoted(published.declaration.table);
  return sql;
}

}  // namespace smartercities::domain
