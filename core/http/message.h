// message.h — the core's own HTTP request and response types.
//
// Handlers in core/api and the plugin bridge see only these; core/http turns
// Beast messages into them and back. Plain values: copy or move freely, not
// thread-safe to mutate from two threads.
#ifndef SMARTERCITIES_CORE_HTTP_MESSAGE_H_
#define SMARTERCITIES_CORE_HTTP_MESSAGE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/principal.h"
#include "core/http/body_file.h"

namespace smartercities::http {

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // as received, e.g. "/api/v1/themes?page=2"
  std::string path;    // percent-decoded path without the query
  Pairs query;         // percent-decoded query parameters, in order
  Pairs headers;       // names in lower case, in order
  Pairs path_params;   // filled by the router from {name} segments
  std::string body;
  std::string request_id;      // unique per request, echoed as X-Request-Id
  std::string remote_address;  // the peer's IP address
  // Who calls, as the authorization point established it before the
  // handler runs; nullopt for the public. Never read from a header.
  std::optional<Principal> principal;

  // The first header called name (lower case), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The first query parameter called name, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
  // The path parameter called name, or an empty view.
  std::string_view Param(std::string_view name) const;
  // The caller's name ("user:anna", "token:export"), or fallback for the
  // public.
  std::string CallerName(std::string_view fallback = "") const;
  // The caller's role and scope; empty for the public.
  std::string_view CallerRole() const;
  std::string_view CallerScope() const;
};

struct Response {
  int status = 200;
  Pairs headers;  // names as they should be sent
  std::string body;
  // A body too large for memory (a bulk download): when set, the answer's
  // body is this file's content and `body` must be empty. Never stored in
  // the response cache.
  std::shared_ptr<const BodyFile> body_file;

  // Sets or replaces a header (case-insensitive name match).
  void SetHeader(std::string_view name, std::string_view value);
  std::optional<std::string_view> Header(std::string_view name) const;

  // A JSON response with Content-Type application/json.
  static Response Json(int status, std::string body);
  // An RFC 9457 problem: {"type","title","status","detail"} with
  // Content-Type application/problem+json. detail says what to do about it.
  static Response Problem(int status, std::string_view title,
                          std::string_view detail);
};

// Percent-decodes text ('+' stays '+'); nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text);
// Splits "a=1&b=x%20y" into decoded pairs; nullopt for a malformed escape.
std::optional<Pairs> ParseQuery(std::string_view query);
// The standard reason phrase for a status code ("Not Found").
std::string_view ReasonPhrase(int status);

}  // namespace smartercities::http

#endif  // SMARTERCITIES_CORE_HTTP_MESSAGE_H_
