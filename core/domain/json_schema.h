// json_schema.h — checks a JSON document against a JSON Schema, for the
// subset of draft 2020-12 the theme manifest's schema uses: type, enum,
// required, properties, additionalProperties (false or a schema),
// propertyNames, items, minItems, uniqueItems, minLength, maxLength,
// pattern, minimum, maximum and $ref to "#/$defs/...". A string schema may
// carry "errorMessage", the words a breach of its pattern or maxLength is
// reported with ("must be YYYY-MM, got \"2015\""). Other keywords are
// ignored. A pattern is matched only against strings of at most 1024
// characters; a longer one is reported as too long to match.
// Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_DOMAIN_JSON_SCHEMA_H_
#define SMARTERCITIES_CORE_DOMAIN_JSON_SCHEMA_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace smartercities::domain {

// Every place where instance breaks schema, as "path: problem" with paths
// such as "agreements[1].kind"; empty when it conforms.
std::vector<std::string> CheckAgainstSchema(const nlohmann::json& schema,
                                            const nlohmann::json& instance);

// The manifest schema shipped in the SDK (sdk/schema/theme.schema.json),
// built into the executable.
const nlohmann::json& ManifestSchema();

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_JSON_SCHEMA_H_
