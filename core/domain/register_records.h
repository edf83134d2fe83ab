// register_records.h — what the core reads of a theme plugin's register
// (smartercities/register.h) when its manifest entry says "export" or
// "search": the record's fields with their columns and types, checked
// against what the plugin described and the table it stores them in, the
// open-data dataset of its records and the knowledge base's entries for
// them.
//
// A plugin cannot use FTS5 or write the core's downloads itself; the core
// reads the register's table directly (plugins/<theme>/theme.json names
// it) in the same read transaction as everything else.
//
// Plain data and stateless functions; thread-safe.
#ifndef SMARTERCITIES_CORE_DOMAIN_REGISTER_RECORDS_H_
#define SMARTERCITIES_CORE_DOMAIN_REGISTER_RECORDS_H_

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/model.h"
#include "core/domain/open_data.h"

namespace smartercities::domain {

// One field of a register's record, as the plugin described it.
struct RegisterField {
  std::string key;     // the JSON key: "fibreSince"
  std::string column;  // its column: "fibre_since"
  ColumnType type = ColumnType::kString;
  std::string description;  // from the record's schema; may be empty
  bool required = false;    // a record always has it
  bool is_city = false;     // the CBS code of a city (Field::City)
  bool is_text = false;     // free text (Field::Text, Field::MultilineText)
};

// A register of an enabled module whose records the core reads.
struct PublishedRegister {
  std::string theme;       // "bedrijvige-stad"
  std::string theme_name;  // "Bedrijvige Stad"
  RegisterDeclaration declaration;
  std::vector<RegisterField> fields;  // in key order

  // "bedrijvige-stad-business-parks": the theme and the path.
  std::string DatasetId() const;
  // "/api/v1/themes/bedrijvige-stad/business-parks".
  std::string RecordsUrl() const;
  // The field of the record's city, or null.
  const RegisterField* CityField() const;
};

// Checks the export and search of manifest.registers[index] against the
// record the plugin described (record_schema: the JSON Schema of the
// answer of GET path/{id}; input_schema: that of POST path's body, whose
// "required" says which fields a record always has) and the columns of
// its table. Returns the register, or InvalidArgument naming the register
// and the field: "registers[0] (/business-parks) search: \"size\" is not a
// field of the record; the fields are city, fibreSince, ...".
Result<PublishedRegister> ResolveRegister(
    const ThemeManifest& manifest, std::size_t index,
    std::string_view record_schema, std::string_view input_schema,
    const std::set<std::string, std::less<>>& table_columns);

// The open-data dataset of an exported register: its id, every field, demo
// and updatedAt, and the record's API address; never who wrote a record.
ExportDataset RegisterDataset(const PublishedRegister& published);

// The statement that reads a searched register's records as the knowledge
// base's entries (knowledge_search.h): columns id, title (the first search
// field), body (the others, space-separated) and city (NULL without a city
// field), every value as text, "" for NULL. Both engines accept it.
std::string SearchEntriesSelect(const PublishedRegister& published);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_REGISTER_RECORDS_H_
