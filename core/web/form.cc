#include "core/web/form.h"

#include <cctype>

namespace smartercities::web {

std::optional<http::Pairs> ParseForm(std::string_view body) {
  // The same encoding as a query string ('+' for a space).
  return http::ParseQuery(body);
}

bool IsFormType(std::string_view content_type) {
  std::string type;
  for (char c : content_type.substr(0, content_type.find(';'))) {
    if (c == ' ' || c == '\t') continue;
    type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return type == kFormType;
}

std::optional<std::string> FormField(const http::Pairs& fields,
                                     std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace smartercities::web
