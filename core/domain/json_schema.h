// json_schema.h — checks a JSON document against a JSON Schema and reports
// every place where it breaks it, for the subset that the theme manifest's
// schema (draft 2020-12) and the OpenAPI 3.0 document's request schemas use:
// type (one or a list), nullable, enum, required, properties,
// additionalProperties (false or a schema), propertyNames, items, minItems,
// maxItems, uniqueItems, minLength, maxLength, pattern, format (date,
// date-time, email and uri; others are not checked), minimum, maximum,
// allOf, anyOf, oneOf, readOnly (refused in a request when asked) and $ref,
// to "#/$defs/..." of the schema itself or, through a resolver, to any other
// target ("#/components/schemas/..."). A string schema may carry
// "errorMessage", the words a breach of its pattern or maxLength is reported
// with ("must be YYYY-MM, got \"2015\""). Other keywords are ignored. A
// pattern is matched only against strings of at most 1024 characters; a
// longer one is reported as too long to match.
// Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_DOMAIN_JSON_SCHEMA_H_
#define SMARTERCITIES_CORE_DOMAIN_JSON_SCHEMA_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace smartercities::domain {

// One place where a document breaks its schema.
struct SchemaBreach {
  // Where, as "agreements[1].kind" or "title"; empty for the whole
  // document.
  std::string path;
  // What is wrong, in words a person can act on: "is required", "must be a
  // date as 2013-04-01, got \"2013-02-30\"".
  std::string reason;

  friend bool operator==(const SchemaBreach&, const SchemaBreach&) = default;
};

// The schema a "$ref" names, or null when it names none; the resolved
// schema must outlive the check.
using SchemaResolver =
    std::function<const nlohmann::json*(std::string_view ref)>;

struct SchemaCheckOptions {
  // Resolves every $ref that is not "#/$defs/..."; without one, such a
  // $ref is reported as a breach of the schema itself.
  SchemaResolver resolver;
  // A request body: a property the schema marks readOnly is refused.
  bool refuse_read_only = false;
  // The reason given for a property that additionalProperties: false
  // refuses.
  std::string unknown_field_reason = "is not a field this takes";
  // Whether that reason goes on to name the fields the object takes (when
  // it takes at most 20).
  bool name_known_fields = true;
};

// Every place where instance breaks schema, in document order; empty when
// it conforms.
std::vector<SchemaBreach> FindSchemaBreaches(
    const nlohmann::json& schema, const nlohmann::json& instance,
    const SchemaCheckOptions& options = {});

// Every place where a theme manifest breaks schema, as "path: problem"
// ("agreements[1].kind: must be ...", "the manifest: ..." for the whole
// document); empty when it conforms.
std::vector<std::string> CheckAgainstSchema(const nlohmann::json& schema,
                                            const nlohmann::json& instance);

// The manifest schema shipped in the SDK (sdk/schema/theme.schema.json),
// built into the executable.
const nlohmann::json& ManifestSchema();

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_JSON_SCHEMA_H_
