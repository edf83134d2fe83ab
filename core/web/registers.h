// registers.h — the theme modules' registers as the site sees them: a
// module's public GET /api/v1/themes/<id>/<name> with a POST beside it.
// Thread-safe (reads the router and the catalog).
#ifndef SMARTERCITIES_CORE_WEB_REGISTERS_H_
#define SMARTERCITIES_CORE_WEB_REGISTERS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/model.h"
#include "core/web/site.h"

namespace smartercities::web {

struct Register {
  std::string theme;
  domain::LocalizedText theme_name;
  std::string name;        // "business-parks"
  std::string api_path;    // "/api/v1/themes/bedrijvige-stad/business-parks"
  std::string permission;  // of its POST: "city-editor" or "theme-editor"
  // The JSON Schema of its POST body when the module declares one (a
  // register declared with the SDK does), so that the form of an empty
  // register knows its fields; empty otherwise.
  std::string input_schema;
};

// Every register of the enabled modules, by theme then name.
std::vector<Register> Registers(Site& site);

std::optional<Register> FindRegister(Site& site, std::string_view theme,
                                     std::string_view name);

}  // namespace smartercities::web

#endif  // SMARTERCITIES_CORE_WEB_REGISTERS_H_
