// testkit.h — test a theme plugin without starting the platform.
//
// A Harness loads a built plugin through the platform's real loader into a
// fresh temporary data directory and database (with the covenant's cities),
// switches it on, and lets a test call its routes as any caller, through
// the platform's real access control, and look at its tables:
//
//   namespace testkit = smartercities::testkit;
//   testkit::Harness harness("build/libmy_theme.so");
//   auto list = harness.Call("GET", "/api/v1/themes/mijn-thema/projects");
//   assert(list.status == 200);
//   auto mine = harness.Call("POST", "/api/v1/themes/mijn-thema/projects",
//                            R"({"city": "GM0344", "name": "Wijkpanel"})",
//                            testkit::Caller::CityEditor("GM0344"));
//   assert(mine.status == 201);
//   auto theirs = harness.Call("POST", "/api/v1/themes/mijn-thema/projects",
//                              R"({"city": "GM0307", "name": "Wijkpanel"})",
//                              testkit::Caller::CityEditor("GM0344"));
//   assert(theirs.status == 403);
//
// Header-only over the kit's C interface (sc_testkit.h), so that a test
// built with any compiler and standard library links the kit. Link with
// SmarterCities::testkit (from find_package(SmarterCitiesSDK)).
//
// This is test code: failures to set up throw std::runtime_error with the
// platform's reason. A Harness is not thread-safe; use one per test.
#ifndef SMARTERCITIES_TESTKIT_H_
#define SMARTERCITIES_TESTKIT_H_

#include <smartercities/sc_testkit.h>

#include <cctype>
#include <charconv>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smartercities::testkit {

// A response as the platform would send it (without the headers the HTTP
// server adds to every response).
struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  // A header by its lower-case name, or "".
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// One result row: column name to value as text ("" for NULL).
using Row = std::map<std::string, std::string>;

// Who calls a route: a role and the scope it is limited to.
struct Caller {
  std::string role;   // "" (the public), "admin", "theme-editor", ...
  std::string scope;  // a theme id or a CBS code

  static Caller Public() { return {}; }
  static Caller Admin() { return {"admin", ""}; }
  // An editor of theme (its id).
  static Caller ThemeEditor(std::string theme) {
    return {"theme-editor", std::move(theme)};
  }
  // An editor who reports for city (its CBS code, "GM0344").
  static Caller CityEditor(std::string city) {
    return {"city-editor", std::move(city)};
  }
};

class Harness {
 public:
  // Loads and starts the plugin at library_path. Throws std::runtime_error
  // naming the reason when the platform would not load or start it.
  explicit Harness(const std::string& library_path) {
    sc_str error{};
    kit_ = sc_testkit_open(ToC(library_path), &error);
    if (kit_ == nullptr) Throw(error);
  }
  ~Harness() { sc_testkit_close(kit_); }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  // Calls a route as caller: the platform's access control decides first
  // (401, 403), then the plugin answers. Unknown paths answer 404. Throws
  // std::runtime_error for a caller the platform would not give a token.
  Response Call(const std::string& method, const std::string& target,
                const std::string& body = "",
                const Caller& caller = Caller::Public(),
                const std::string& content_type = "application/json") {
    sc_testkit_request request{};
    request.struct_size = sizeof(request);
    request.method = ToC(method);
    request.target = ToC(target);
    request.body = ToC(body);
    request.content_type = ToC(content_type);
    request.role = ToC(caller.role);
    request.scope = ToC(caller.scope);
    Response response;
    sc_response_writer writer{sizeof(writer), &response, &SetStatus, &SetHeader,
                              &AppendBody};
    sc_str error{};
    if (sc_testkit_call(kit_, &request, &writer, &error) != SC_OK) {
      Throw(error);
    }
    return response;
  }
  // As the first test kit had it: the public, or an administrator.
  Response Call(const std::string& method, const std::string& target,
                const std::string& body, const std::string& content_type,
                bool as_administrator = false) {
    return Call(method, target, body,
                as_administrator ? Caller::Admin() : Caller::Public(),
                content_type);
  }

  // Runs a read-only SQL statement on the plugin's database, for checking
  // what a call stored.
  std::vector<Row> Query(const std::string& sql) const {
    std::vector<Row> rows;
    sc_str error{};
    if (sc_testkit_query(kit_, ToC(sql), &CollectRow, &rows, &error) != SC_OK) {
      Throw(error);
    }
    return rows;
  }

  // The module's id, lifecycle state ("enabled", ...), reason, the kind of
  // its failure ("" when none) and the ABI it was built for ("1.1").
  std::string id() const { return Module("id"); }
  std::string state() const { return Module("state"); }
  std::string reason() const { return Module("reason"); }
  std::string failure() const { return Module("failure"); }
  std::string abi() const { return Module("abi"); }

 private:
  static sc_str ToC(std::string_view text) {
    return {text.data(), text.size()};
  }
  static std::string FromC(sc_str text) {
    return text.data == nullptr ? std::string()
                                : std::string(text.data, text.size);
  }
  [[noreturn]] static void Throw(sc_str error) {
    throw std::runtime_error("smartercities testkit: " + FromC(error));
  }
  std::string Module(std::string_view field) const {
    return FromC(sc_testkit_module(kit_, ToC(field)));
  }
  static void SetStatus(void* context, int status) {
    static_cast<Response*>(context)->status = status;
  }
  static void SetHeader(void* context, sc_str name, sc_str value) {
    std::string lower = FromC(name);
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    static_cast<Response*>(context)->headers[lower] = FromC(value);
  }
  static void AppendBody(void* context, sc_str data) {
    static_cast<Response*>(context)->body += FromC(data);
  }
  static int CollectRow(void* context, const sc_str* names,
                        const sc_value* columns, std::size_t num_columns) {
    Row row;
    for (std::size_t i = 0; i < num_columns; ++i) {
      std::string value;
      switch (columns[i].type) {
        case SC_VALUE_INTEGER:
          value = std::to_string(columns[i].integer);
          break;
        case SC_VALUE_REAL: {
          // As the platform shows a real: shortest form, "130.0" not "130".
          char buffer[64];
          auto written =
              std::to_chars(buffer, buffer + sizeof buffer, columns[i].real);
          value.assign(buffer, written.ptr);
          if (value.find_first_of(".en") == std::string::npos) value += ".0";
          break;
        }
        case SC_VALUE_TEXT:
          value = FromC(columns[i].text);
          break;
        default:
          break;
      }
      row[FromC(names[i])] = std::move(value);
    }
    static_cast<std::vector<Row>*>(context)->push_back(std::move(row));
    return 0;
  }

  sc_testkit* kit_ = nullptr;
};

}  // namespace smartercities::testkit

#endif  // SMARTERCITIES_TESTKIT_H_
