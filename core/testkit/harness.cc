// The test kit's C interface (sdk/include/smartercities/sc_testkit.h): a
// scratch platform (plugins::Sandbox) with one plugin, called through the
// platform's real access control with real API tokens. No exception leaves
// these functions.
#include <smartercities/sc_testkit.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "core/app/access_control.h"
#include "core/auth/accounts.h"
#include "core/auth/passwords.h"
#include "core/auth/token_service.h"
#include "core/plugins/sandbox.h"

struct sc_testkit {
  std::string library;  // the file the test named
  std::unique_ptr<smartercities::plugins::Sandbox> sandbox;
  std::unique_ptr<smartercities::auth::PasswordHasher> hasher;
  std::unique_ptr<smartercities::auth::Accounts> accounts;
  std::unique_ptr<smartercities::auth::TokenService> tokens;
  std::unique_ptr<smartercities::app::AccessControl> access;
  // The API token made for each role and scope a test called as.
  std::map<std::pair<std::string, std::string>, std::string> tokens_by_caller;
  std::string module_field;  // what sc_testkit_module returned last
  int calls = 0;
};

namespace smartercities::testkit {
namespace {

std::string_view View(sc_str text) {
  return text.data == nullptr ? std::string_view()
                              : std::string_view(text.data, text.size);
}

sc_str ToC(std::string_view text) { return {text.data(), text.size()}; }

// The message behind an sc_str* error: valid until the next call on the
// thread, as sc_testkit.h promises.
int Fail(sc_str* error, int code, std::string message) {
  thread_local std::string last;
  last = std::move(message);
  if (error != nullptr) *error = ToC(last);
  return code;
}

// text with the scratch copy's path replaced by the file the test named.
std::string NameTheFile(std::string text, const std::string& copy,
                        const std::string& original) {
  for (std::size_t at = text.find(copy); at != std::string::npos;
       at = text.find(copy, at + original.size())) {
    text.replace(at, copy.size(), original);
  }
  return text;
}

plugins::ModuleInfo ModuleOf(sc_testkit& kit) {
  auto modules = kit.sandbox->host().Modules();
  return modules.empty() ? plugins::ModuleInfo{} : modules.front();
}

void Write(const http::Response& response, const sc_response_writer& writer) {
  writer.set_status(writer.context, response.status);
  for (const auto& [name, value] : response.headers) {
    writer.set_header(writer.context, ToC(name), ToC(value));
  }
  writer.append_body(writer.context, ToC(response.body));
}

// The bearer token of a caller with role and scope, made the first time.
Result<std::string> TokenFor(sc_testkit& kit, const std::string& role,
                             const std::string& scope) {
  auto key = std::make_pair(role, scope);
  auto it = kit.tokens_by_caller.find(key);
  if (it != kit.tokens_by_caller.end()) return it->second;
  std::string name = "testkit-" + role + (scope.empty() ? "" : "-" + scope);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '-';
  }
  auto created = kit.tokens->Create(name, role, scope, "testkit");
  if (!created.ok()) return created.status();
  kit.tokens_by_caller[key] = created->second;
  return created->second;
}

http::Response Call(sc_testkit& kit, const sc_testkit_request& in,
                    std::string* refused_caller) {
  http::Request request;
  request.method = std::string(View(in.method));
  request.target = std::string(View(in.target));
  request.request_id = "testkit-" + std::to_string(++kit.calls);
  request.remote_address = "127.0.0.1";
  std::string_view target = View(in.target);
  std::size_t query_start = target.find('?');
  auto path = http::PercentDecode(target.substr(0, query_start));
  if (!path) {
    return http::Response::Problem(400, "Bad Request",
                                   "malformed percent escape in the path");
  }
  request.path = *path;
  if (query_start != std::string_view::npos) {
    auto query = http::ParseQuery(target.substr(query_start + 1));
    if (!query) {
      return http::Response::Problem(400, "Bad Request",
                                     "malformed percent escape in the query");
    }
    request.query = *query;
  }
  request.body = std::string(View(in.body));
  for (std::size_t i = 0; i < in.num_headers; ++i) {
    std::string name(View(in.headers[i].name));
    for (char& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    request.headers.emplace_back(name, std::string(View(in.headers[i].value)));
  }
  if (!request.body.empty() && !request.Header("content-type")) {
    std::string_view type = View(in.content_type);
    request.headers.emplace_back(
        "content-type", type.empty() ? "application/json" : std::string(type));
  }
  std::string role(View(in.role));
  if (!role.empty()) {
    auto token = TokenFor(kit, role, std::string(View(in.scope)));
    if (!token.ok()) {
      *refused_caller = token.status().message();
      return {};
    }
    request.headers.emplace_back("authorization", "Bearer " + *token);
  }

  http::RouteMatch match =
      kit.sandbox->router()->Find(request.method, request.path);
  if (!match.route) {
    if (!match.allowed_methods.empty()) {
      std::string allow;
      for (const auto& method : match.allowed_methods) {
        allow += (allow.empty() ? "" : ", ") + method;
      }
      http::Response response = http::Response::Problem(
          405, "Method Not Allowed",
          request.path + " takes " + allow + ", not " + request.method);
      response.SetHeader("Allow", allow);
      return response;
    }
    return http::Response::Problem(404, "Not Found",
                                   "there is nothing at " + request.path);
  }
  const http::Route& route = *match.route;
  if (request.body.size() > route.options.body_limit_bytes) {
    return http::Response::Problem(
        413, "Content Too Large",
        "the body is larger than this endpoint accepts (" +
            std::to_string(route.options.body_limit_bytes) + " bytes)");
  }
  request.path_params = std::move(match.path_params);
  const auto& gate = route.options.gate;
  if (gate) {
    if (auto refused = gate->Enter()) return *refused;
  }
  http::Response response = kit.access->Intercept(request, route);
  if (gate) gate->Leave(response.status, false);
  return response;
}

}  // namespace
}  // namespace smartercities::testkit

namespace testkit = smartercities::testkit;
namespace plugins = smartercities::plugins;

extern "C" {

SC_TESTKIT_API sc_testkit* sc_testkit_open(sc_str library_path, sc_str* error) {
  try {
    spdlog::set_level(spdlog::level::warn);
    auto kit = std::make_unique<sc_testkit>();
    kit->library = std::string(testkit::View(library_path));
    auto sandbox = plugins::Sandbox::Create("testkit");
    if (!sandbox.ok()) {
      testkit::Fail(error, SC_ERROR, sandbox.status().message());
      return nullptr;
    }
    kit->sandbox = std::move(sandbox).value();
    smartercities::Status status = kit->sandbox->AddPlugin(kit->library);
    if (status.ok()) status = kit->sandbox->StartHost();
    if (!status.ok()) {
      testkit::Fail(error, SC_ERROR, status.message());
      return nullptr;
    }
    plugins::ModuleInfo module = testkit::ModuleOf(*kit);
    if (module.state != plugins::ModuleState::kEnabled) {
      std::string copy = (kit->sandbox->plugin_dir() /
                          std::filesystem::path(kit->library).filename())
                             .string();
      testkit::Fail(
          error, SC_ERROR,
          "the plugin did not start (" +
              std::string(plugins::ToString(module.failure)) +
              "): " + testkit::NameTheFile(module.reason, copy, kit->library));
      return nullptr;
    }
    smartercities::storage::Database& database = kit->sandbox->database();
    kit->hasher = std::make_unique<smartercities::auth::PasswordHasher>();
    kit->accounts =
        std::make_unique<smartercities::auth::Accounts>(database, *kit->hasher);
    kit->tokens = std::make_unique<smartercities::auth::TokenService>(database);
    kit->access = std::make_unique<smartercities::app::AccessControl>(
        database, kit->sandbox->catalog(), *kit->accounts, *kit->tokens,
        /*tls=*/false, std::vector<std::string>{});
    return kit.release();
  } catch (const std::exception& e) {
    testkit::Fail(error, SC_ERROR, e.what());
  } catch (...) {
    testkit::Fail(error, SC_ERROR, "unknown failure");
  }
  return nullptr;
}

SC_TESTKIT_API void sc_testkit_close(sc_testkit* kit) {
  try {
    delete kit;
  } catch (...) {
    // Nothing to report to; the scratch directory may stay behind.
  }
}

SC_TESTKIT_API int sc_testkit_call(sc_testkit* kit,
                                   const sc_testkit_request* request,
                                   const sc_response_writer* response,
                                   sc_str* error) {
  try {
    if (kit == nullptr || request == nullptr || response == nullptr) {
      return testkit::Fail(error, SC_INVALID_ARGUMENT,
                           "sc_testkit_call needs a kit, a request and a "
                           "response writer");
    }
    if (request->struct_size < offsetof(sc_testkit_request, num_headers) +
                                   sizeof(request->num_headers)) {
      return testkit::Fail(error, SC_INVALID_ARGUMENT,
                           "the request's struct_size is too small");
    }
    std::string refused_caller;
    smartercities::http::Response answer =
        testkit::Call(*kit, *request, &refused_caller);
    if (!refused_caller.empty()) {
      return testkit::Fail(error, SC_INVALID_ARGUMENT,
                           "the platform gives no token for role '" +
                               std::string(testkit::View(request->role)) +
                               "' and scope '" +
                               std::string(testkit::View(request->scope)) +
                               "': " + refused_caller);
    }
    testkit::Write(answer, *response);
    return SC_OK;
  } catch (const std::exception& e) {
    return testkit::Fail(error, SC_ERROR, e.what());
  } catch (...) {
    return testkit::Fail(error, SC_ERROR, "unknown failure");
  }
}

SC_TESTKIT_API int sc_testkit_query(sc_testkit* kit, sc_str sql,
                                    sc_row_callback on_row, void* row_context,
                                    sc_str* error) {
  try {
    std::vector<sc_str> names;
    std::vector<sc_value> columns;
    smartercities::Status status = kit->sandbox->database().Read(
        [&](smartercities::storage::Connection& db) {
          return db.Execute(
              testkit::View(sql), {},
              [&](const smartercities::storage::Row& row) {
                names.clear();
                columns.clear();
                for (std::size_t i = 0; i < row.size(); ++i) {
                  names.push_back(testkit::ToC(row.names()[i]));
                  sc_value column{};
                  const smartercities::storage::Value& value = row.At(i);
                  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
                    column.type = SC_VALUE_INTEGER;
                    column.integer = *integer;
                  } else if (const auto* real = std::get_if<double>(&value)) {
                    column.type = SC_VALUE_REAL;
                    column.real = *real;
                  } else if (const auto* text =
                                 std::get_if<std::string>(&value)) {
                    column.type = SC_VALUE_TEXT;
                    column.text = testkit::ToC(*text);
                  } else {
                    column.type = SC_VALUE_NULL;
                  }
                  columns.push_back(column);
                }
                return on_row == nullptr ||
                       on_row(row_context, names.data(), columns.data(),
                              columns.size()) == 0;
              });
        });
    if (!status.ok()) return testkit::Fail(error, SC_ERROR, status.message());
    return SC_OK;
  } catch (const std::exception& e) {
    return testkit::Fail(error, SC_ERROR, e.what());
  } catch (...) {
    return testkit::Fail(error, SC_ERROR, "unknown failure");
  }
}

SC_TESTKIT_API sc_str sc_testkit_module(sc_testkit* kit, sc_str field) {
  try {
    plugins::ModuleInfo module = testkit::ModuleOf(*kit);
    std::string_view name = testkit::View(field);
    if (name == "id") {
      kit->module_field = module.id;
    } else if (name == "state") {
      kit->module_field = std::string(plugins::ToString(module.state));
    } else if (name == "reason") {
      kit->module_field = module.reason;
    } else if (name == "failure") {
      kit->module_field = std::string(plugins::ToString(module.failure));
    } else if (name == "abi") {
      kit->module_field = module.abi;
    } else {
      return {nullptr, 0};
    }
    return testkit::ToC(kit->module_field);
  } catch (...) {
    return {nullptr, 0};
  }
}

}  // extern "C"
