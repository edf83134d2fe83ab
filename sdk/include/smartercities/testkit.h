// testkit.h — test a theme plugin without starting the platform.
//
// A Harness loads a built plugin through the platform's real loader into a
// fresh temporary data directory and database (with the covenant's cities),
// switches it on, and lets a test call its routes and look at its tables:
//
//   smartercities::testkit::Harness harness("build/libmy_theme.so");
//   auto response = harness.Call("GET", "/api/v1/themes/mijn-thema/greeting");
//   assert(response.status == 200);
//
// Link with SmarterCities::testkit (from find_package(SmarterCitiesSDK)).
// This is test code: failures to set up throw std::runtime_error with the
// loader's reason. A Harness is not thread-safe; use one per test.
#ifndef SMARTERCITIES_TESTKIT_H_
#define SMARTERCITIES_TESTKIT_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#if defined(__GNUC__)
#define SC_TESTKIT_EXPORT __attribute__((visibility("default")))
#else
#define SC_TESTKIT_EXPORT
#endif

namespace smartercities::testkit {

// A response as the platform would send it (without the headers the HTTP
// server adds to every response).
struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// One result row: column name to value as text ("" for NULL).
using Row = std::map<std::string, std::string>;

class SC_TESTKIT_EXPORT Harness {
 public:
  // Loads and starts the plugin at library_path. Throws std::runtime_error
  // naming the reason when the platform would not load it.
  explicit Harness(const std::string& library_path);
  ~Harness();
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  // Calls a route as the platform would: the route's permission is checked
  // first (as_administrator sends the administrator's identity), path
  // parameters and the query are decoded. Unknown paths answer 404.
  Response Call(const std::string& method, const std::string& target,
                const std::string& body = "",
                const std::string& content_type = "application/json",
                bool as_administrator = false);

  // Runs a read-only SQL statement on the plugin's database, for checking
  // what a call stored.
  std::vector<Row> Query(const std::string& sql) const;

  // The module's id, lifecycle state ("enabled", ...) and reason.
  std::string id() const;
  std::string state() const;
  std::string reason() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smartercities::testkit

#endif  // SMARTERCITIES_TESTKIT_H_
