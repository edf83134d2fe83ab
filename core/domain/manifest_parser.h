// manifest_parser.h — reads and validates a theme manifest (theme.json).
//
// The format is described in docs/manifest.md. Validation collects every
// problem, each naming the source and the field:
//   "plugins/x/theme.json: agreements[3].kind: must be \"result\" or
//    \"effort\", got \"resul\""
// Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_DOMAIN_MANIFEST_PARSER_H_
#define SMARTERCITIES_CORE_DOMAIN_MANIFEST_PARSER_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/model.h"

namespace smartercities::domain {

struct ManifestProblems {
  std::vector<std::string> problems;  // each "field: what is wrong"
};

// Parses json into a manifest. On failure the Status is InvalidArgument and
// its message lists every problem (up to 20) prefixed with source; problems,
// when not null, receives them all.
Result<ThemeManifest> ParseManifest(
    std::string_view json, std::string_view source,
    std::vector<std::string>* problems = nullptr);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_MANIFEST_PARSER_H_
