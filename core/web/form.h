// form.h — the fields of an HTML form body
// (application/x-www-form-urlencoded): name=value pairs joined by '&',
// percent-encoded, with '+' for a space. Stateless; thread-safe.
#ifndef SMARTERCITIES_CORE_WEB_FORM_H_
#define SMARTERCITIES_CORE_WEB_FORM_H_

#include <optional>
#include <string>
#include <string_view>

#include "core/http/message.h"

namespace smartercities::web {

inline constexpr std::string_view kFormType =
    "application/x-www-form-urlencoded";

// The name of the hidden field that carries a login session's CSRF token in
// the site's forms (the API takes it as the X-CSRF-Token header).
inline constexpr std::string_view kCsrfField = "csrf_token";

// The decoded fields in order, or nullopt for a malformed escape.
std::optional<http::Pairs> ParseForm(std::string_view body);

// Whether a Content-Type value is kFormType (parameters ignored).
bool IsFormType(std::string_view content_type);

// The first field called name, or nullopt.
std::optional<std::string> FormField(const http::Pairs& fields,
                                     std::string_view name);

}  // namespace smartercities::web

#endif  // SMARTERCITIES_CORE_WEB_FORM_H_
