// content_negotiation.h — which form of an answer a request asks for with
// its Accept header (RFC 9110, section 12.5.1): JSON or CSV for figures;
// JSON, HTML or PDF for a progress report; and whether it allows any of the
// forms a route answers in at all. Stateless and thread-safe.
#ifndef SMARTERCITIES_CORE_HTTP_CONTENT_NEGOTIATION_H_
#define SMARTERCITIES_CORE_HTTP_CONTENT_NEGOTIATION_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/message.h"

namespace smartercities::http {

// The media type out of offered (in the server's order of preference, the
// first being the default) that accept ranks highest: a higher q wins, then
// an exact type over "text/*" over "*/*", then the server's order. An empty
// Accept header takes the first. nullopt when accept allows none of them
// (406).
std::optional<std::string> Negotiate(
    std::string_view accept, std::initializer_list<const char*> offered);
std::optional<std::string> Negotiate(std::string_view accept,
                                     const std::vector<std::string>& offered);

// The 406 answer that names what this endpoint offers.
Response NotAcceptable(std::initializer_list<const char*> offered);
Response NotAcceptable(const std::vector<std::string>& offered);

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_CONTENT_NEGOTIATION_H_
