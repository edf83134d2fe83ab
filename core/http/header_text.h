// header_text.h — the small text operations HTTP header values need, shared
// by the request parser, the session, content negotiation and the response
// cache. Pure functions: thread-safe.
#ifndef SMARTERCITIES_CORE_HTTP_HEADER_TEXT_H_
#define SMARTERCITIES_CORE_HTTP_HEADER_TEXT_H_

#include <algorithm>
#include <cctype>
#include <string_view>

namespace smartercities::http {

// text without the spaces and tabs around it (RFC 9110's OWS).
inline std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// Whether a and b are the same ASCII text but for case (header names,
// media types, tokens).
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_HEADER_TEXT_H_
