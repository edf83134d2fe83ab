// form.h — the fields of an HTML form body
// (application/x-www-form-urlencoded): name=value pairs joined by '&',
// percent-encoded, with '+' for a space; and of a form that uploads a file
// (multipart/form-data). Stateless; thread-safe.
#ifndef SMARTERCITIES_CORE_WEB_FORM_H_
#define SMARTERCITIES_CORE_WEB_FORM_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

inline constexpr std::string_view kMultipartType = "multipart/form-data";

// One part of a multipart/form-data body (RFC 7578): a field, or a file
// with its name.
struct FormPart {
  std::string name;
  std::optional<std::string> filename;  // set for a file
  std::string data;
};

// The parts of a multipart/form-data body whose Content-Type (with its
// boundary parameter) is content_type, in order; nullopt when the body is
// not well-formed.
std::optional<std::vector<FormPart>> ParseMultipartForm(
    std::string_view body, std::string_view content_type);

// Whether a Content-Type value is kMultipartType (parameters ignored).
bool IsMultipartType(std::string_view content_type);

// The fields (not the files) of a multipart body, as ParseForm gives a
// form's; nullopt when the body is not well-formed.
std::optional<http::Pairs> MultipartFields(std::string_view body,
                                           std::string_view content_type);

// The first field called name, or nullopt.
std::optional<std::string> FormField(const http::Pairs& fields,
                                     std::string_view name);

}  // namespace smartercities::web

#endif  // SMARTERCITIES_CORE_WEB_FORM_H_
