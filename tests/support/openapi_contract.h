// openapi_contract.h — checks an HTTP exchange against an OpenAPI 3.0
// document: the path and method are described, the status is one the
// operation documents, the media type is one it answers in for that status,
// and a JSON body validates against the schema given there. Every response
// the integration tests receive through Fetch goes through this check
// against the document of the server that sent it (test_support.cc), so
// that a test fails when the code and /api/v1/openapi.json drift apart.
//
// The schemas are read strictly, as a typed client reads them: an object
// schema that lists properties allows no others unless it says
// additionalProperties; an integer is a JSON integer.
#ifndef SMARTERCITIES_TESTS_SUPPORT_OPENAPI_CONTRACT_H_
#define SMARTERCITIES_TESTS_SUPPORT_OPENAPI_CONTRACT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace smartercities::testing {

// What the contract is checked on: one request and the answer to it.
struct Exchange {
  std::string method;
  std::string target;  // path and query, as sent
  std::string request_content_type;
  std::string request_body;
  int status = 0;
  std::string content_type;  // of the response
  std::string body;          // of the response, without transfer framing
};

class OpenApiContract {
 public:
  explicit OpenApiContract(nlohmann::json document);

  // The ways exchange breaks the document, one line each, empty when it
  // keeps it. A path outside the document's server URL, or one it does not
  // describe answered with 404, is not the document's business. A request
  // body is checked only when the answer was a success (the request was
  // accepted, so it is one a client may send).
  std::vector<std::string> Check(const Exchange& exchange) const;

  // The errors of value against schema, each naming where ("$.items[2].id").
  std::vector<std::string> Validate(const nlohmann::json& schema,
                                    const nlohmann::json& value) const;

  // The document's path template that matches path ("/themes/{theme}"), as
  // the server's router picks it: a literal segment wins over a parameter.
  std::optional<std::string> MatchPath(const std::string& path) const;

 private:
  // closed: whether a property that neither the schema nor its allOf,
  // anyOf and oneOf parts describe is an error here (false while checking
  // one part of a composition: its siblings may describe it).
  void ValidateInto(const nlohmann::json& schema, const nlohmann::json& value,
                    const std::string& where, int depth, bool closed,
                    std::vector<std::string>& errors) const;
  // The property names schema and its composed parts describe; open when
  // one of them allows other properties.
  void CollectProperties(const nlohmann::json& schema,
                         std::set<std::string>& names, bool& open,
                         bool& described, int depth) const;
  const nlohmann::json& Resolve(const nlohmann::json& schema) const;

  nlohmann::json document_;
  std::string base_path_;  // "/api/v1", from servers[0].url
};

}  // namespace smartercities::testing

#endif  // SMARTERCITIES_TESTS_SUPPORT_OPENAPI_CONTRACT_H_
