// plugin.h — the C++ side of the Smarter Cities plugin SDK.
//
// A theme plugin is a class derived from smartercities::sdk::Theme plus one
// line, SMARTERCITIES_PLUGIN(MyTheme), in one .cc file. The wrapper turns the
// class into the C ABI of sc_plugin.h: it catches every exception at the
// boundary and reports it as an error code and message, so no exception ever
// reaches the host.
//
//   #include <smartercities/plugin.h>
//
//   namespace sdk = smartercities::sdk;
//
//   class MyTheme : public sdk::Theme {
//    public:
//     sdk::Status Init(sdk::Host& host) override {
//       return host.Route("GET", "/items", [&host](const sdk::Request&,
//                                                  sdk::Response& response) {
//         auto rows = host.Query("SELECT COUNT(*) AS n FROM public_cities");
//         if (!rows.ok()) {
//           return response.Problem(503, "Service Unavailable",
//                                   rows.status().message());
//         }
//         response.Json(200, "{\"cities\":" + rows->front().Text("n") + "}");
//       });
//     }
//   };
//
//   SMARTERCITIES_PLUGIN(MyTheme)
//
// Errors. Every Host call reports failure one way, as a returned value: a
// [[nodiscard]] Status or Result<T>. Result<T>::value() throws sdk::Error
// when it holds a failure, for a handler that wants the platform's 500 for
// anything unexpected; the wrapper catches it.
//
// Threads: handlers may run on several threads at once; Host is thread-safe.
// The theme object lives from Init until Shutdown; the host destroys it.
// Ownership: Request and Response are views of the host's data, valid during
// the handler call only.
#ifndef SMARTERCITIES_PLUGIN_H_
#define SMARTERCITIES_PLUGIN_H_

#include <smartercities/sc_plugin.h>
#include <smartercities/text.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace smartercities::sdk {

namespace detail {

inline sc_str ToC(std::string_view text) { return {text.data(), text.size()}; }
inline std::string_view FromC(sc_str text) {
  return text.data == nullptr ? std::string_view()
                              : std::string_view(text.data, text.size);
}
// Whether a struct of struct_size bytes reaches the end of a field that
// ends field_end bytes into it (for fields added in a later minor).
constexpr bool Covers(std::size_t struct_size, std::size_t field_end) {
  return struct_size >= field_end;
}
struct HandlerAccess;

}  // namespace detail

// The outcome of an operation: ok, or a code and a message a person can act
// on. Cheap to copy.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(sc_status code, std::string message)
      : code_(code), message_(std::move(message)) {}
  static Status Ok() { return {}; }
  static Status Error(std::string message) {
    return {SC_ERROR, std::move(message)};
  }
  static Status InvalidArgument(std::string message) {
    return {SC_INVALID_ARGUMENT, std::move(message)};
  }
  static Status NotFound(std::string message) {
    return {SC_NOT_FOUND, std::move(message)};
  }
  static Status Conflict(std::string message) {
    return {SC_CONFLICT, std::move(message)};
  }
  static Status PermissionDenied(std::string message) {
    return {SC_PERMISSION_DENIED, std::move(message)};
  }

  bool ok() const { return code_ == SC_OK; }
  sc_status code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  sc_status code_ = SC_OK;
  std::string message_;
};

// Thrown by Result<T>::value() when the result is a failure; the wrapper
// turns it into a 500 when a handler does not catch it.
class Error : public std::exception {
 public:
  explicit Error(Status status) : status_(std::move(status)) {}
  const char* what() const noexcept override {
    return status_.message().c_str();
  }
  const Status& status() const { return status_; }

 private:
  Status status_;
};

// A value of type T, or the Status that says why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit
  // status must not be ok.
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit
    if (status_.ok()) status_ = Status::Error("a result without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  // The value; throws sdk::Error with the status when there is none.
  T& value() & {
    if (!value_) throw Error(status_);
    return *value_;
  }
  const T& value() const& {
    if (!value_) throw Error(status_);
    return *value_;
  }
  // By value, so that `for (auto& row : host.Query(...).value())` does not
  // iterate over a destroyed temporary.
  T value() && {
    if (!value_) throw Error(status_);
    return std::move(*value_);
  }
  // The value; only when ok().
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

// A value bound to or read from SQL: NULL, integer, real or text.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

// One result row. Columns keep the order of the SELECT.
class Row {
 public:
  Row(std::vector<std::string> names, std::vector<Value> values)
      : names_(std::move(names)), values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  const std::string& Name(std::size_t i) const { return names_.at(i); }
  const Value& At(std::size_t i) const { return values_.at(i); }
  // The column called name; throws std::out_of_range if there is none.
  const Value& operator[](std::string_view name) const {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return values_[i];
    }
    throw std::out_of_range("no column '" + std::string(name) + "'");
  }
  bool Has(std::string_view name) const {
    for (const std::string& column : names_) {
      if (column == name) return true;
    }
    return false;
  }
  bool IsNull(std::string_view name) const {
    return std::holds_alternative<std::nullptr_t>((*this)[name]);
  }
  std::string Text(std::string_view name) const {
    const Value& value = (*this)[name];
    if (auto* text = std::get_if<std::string>(&value)) return *text;
    if (auto* integer = std::get_if<std::int64_t>(&value)) {
      return std::to_string(*integer);
    }
    if (auto* real = std::get_if<double>(&value)) return std::to_string(*real);
    return {};
  }
  std::int64_t Integer(std::string_view name) const {
    const Value& value = (*this)[name];
    if (auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
    if (auto* real = std::get_if<double>(&value)) {
      return static_cast<std::int64_t>(*real);
    }
    return 0;
  }
  double Real(std::string_view name) const {
    const Value& value = (*this)[name];
    if (auto* real = std::get_if<double>(&value)) return *real;
    if (auto* integer = std::get_if<std::int64_t>(&value)) {
      return static_cast<double>(*integer);
    }
    return 0.0;
  }

 private:
  std::vector<std::string> names_;
  std::vector<Value> values_;
};

// The caller's role.
enum class Role {
  kPublic,       // nobody logged in
  kAdmin,        // an administrator
  kThemeEditor,  // edits the theme named by Caller::scope
  kCityEditor,   // reports for the city (CBS code) named by Caller::scope
};

// The role as the platform spells it: "admin", "theme-editor",
// "city-editor"; "" for the public.
inline std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kThemeEditor:
      return "theme-editor";
    case Role::kCityEditor:
      return "city-editor";
    case Role::kPublic:
      break;
  }
  return "";
}

// Who calls a route, as the host's access control established it before
// the handler runs. A plugin never sees the caller's credentials.
struct Caller {
  enum class Kind { kPublic, kAccount, kToken };
  Kind kind = Kind::kPublic;
  // The account's or the token's id; 0 for the public.
  std::int64_t id = 0;
  // "user:anna", "token:helmond-export"; empty for the public.
  std::string_view name;
  Role role = Role::kPublic;
  // The theme id (theme editor) or CBS code (city editor) the role is
  // limited to; empty otherwise.
  std::string_view scope;

  bool is_public() const { return kind == Kind::kPublic; }
  // Whether the caller may change records of city (a CBS code): an
  // administrator, an editor of this theme (the host has checked the
  // theme), or the city editor of that city.
  bool MayChangeCity(std::string_view city) const {
    if (role == Role::kAdmin || role == Role::kThemeEditor) return true;
    return role == Role::kCityEditor && scope == city;
  }
};

// An HTTP request to one of the plugin's routes. Valid during the handler
// call only; copy what you keep.
class Request {
 public:
  explicit Request(const sc_request& request) : request_(request) {}

  std::string_view method() const { return detail::FromC(request_.method); }
  std::string_view path() const { return detail::FromC(request_.path); }
  std::string_view body() const { return detail::FromC(request_.body); }
  std::string_view request_id() const {
    return detail::FromC(request_.request_id);
  }

  // A path parameter ({name} in the route), or nullopt.
  std::optional<std::string_view> Param(std::string_view name) const {
    return Find(request_.path_params, request_.num_path_params, name);
  }
  // A query parameter, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const {
    return Find(request_.query_params, request_.num_query_params, name);
  }
  // A header by its lower-case name, or nullopt. Credentials (Authorization,
  // Cookie, the CSRF token) are never among the headers.
  std::optional<std::string_view> Header(std::string_view name) const {
    return Find(request_.headers, request_.num_headers, name);
  }

  // Who calls (the public when the host did not say).
  Caller caller() const {
    Caller caller;
    if (!detail::Covers(request_.struct_size,
                        offsetof(sc_request, caller_scope) + sizeof(sc_str))) {
      return caller;
    }
    switch (request_.caller_kind) {
      case SC_CALLER_ACCOUNT:
        caller.kind = Caller::Kind::kAccount;
        break;
      case SC_CALLER_TOKEN:
        caller.kind = Caller::Kind::kToken;
        break;
      default:
        return caller;
    }
    switch (request_.caller_role) {
      case SC_ROLE_ADMIN:
        caller.role = Role::kAdmin;
        break;
      case SC_ROLE_THEME_EDITOR:
        caller.role = Role::kThemeEditor;
        break;
      case SC_ROLE_CITY_EDITOR:
        caller.role = Role::kCityEditor;
        break;
      default:
        caller.role = Role::kPublic;
    }
    caller.id = request_.caller_id;
    caller.name = detail::FromC(request_.caller_name);
    caller.scope = detail::FromC(request_.caller_scope);
    return caller;
  }
  // Whether the caller may change records of city (a CBS code). The host
  // has checked a city named in the path or body already; a handler that
  // changes a stored record must also check the city the record has now,
  // which only the plugin knows.
  bool MayChangeCity(std::string_view city) const {
    return caller().MayChangeCity(city);
  }

 private:
  static std::optional<std::string_view> Find(const sc_pair* pairs,
                                              std::size_t count,
                                              std::string_view name) {
    for (std::size_t i = 0; i < count; ++i) {
      if (detail::FromC(pairs[i].name) == name) {
        return detail::FromC(pairs[i].value);
      }
    }
    return std::nullopt;
  }
  const sc_request& request_;
};

// The response a handler writes. Valid during the handler call only.
class Response {
 public:
  explicit Response(const sc_response_writer& writer) : writer_(writer) {}

  void SetStatus(int status) { writer_.set_status(writer_.context, status); }
  void SetHeader(std::string_view name, std::string_view value) {
    writer_.set_header(writer_.context, detail::ToC(name), detail::ToC(value));
  }
  void Append(std::string_view data) {
    writer_.append_body(writer_.context, detail::ToC(data));
  }
  // A JSON body with the given status.
  void Json(int status, std::string_view json) {
    SetStatus(status);
    SetHeader("content-type", "application/json");
    Append(json);
  }
  // An RFC 9457 problem response: {"type", "title", "status", "detail"}.
  // detail should tell the reader what to do; type is a URI that names the
  // kind of problem ("about:blank": the status says it all).
  void Problem(int status, std::string_view title, std::string_view detail,
               std::string_view type = "about:blank") {
    SetStatus(status);
    SetHeader("content-type", "application/problem+json");
    std::string body = "{\"type\":\"";
    body += JsonEscape(type);
    body += "\",\"title\":\"";
    body += JsonEscape(title);
    body += "\",\"status\":";
    body += std::to_string(status);
    body += ",\"detail\":\"";
    body += JsonEscape(detail);
    body += "\"}";
    Append(body);
  }

 private:
  const sc_response_writer& writer_;
};

using Handler = std::function<void(const Request&, Response&)>;

// What the OpenAPI document says of a route beyond its manifest
// declaration (Host::Describe). Empty members leave the manifest's.
struct RouteDoc {
  int success_status = 0;       // 200, 201 or 204
  std::string request_schema;   // JSON Schema of the body, as JSON text
  std::string response_schema;  // JSON Schema of the success answer's body
  std::vector<std::pair<std::string, std::string>> query;  // name, meaning
  // Further answers: status ("409") and when it is given.
  std::vector<std::pair<std::string, std::string>> responses;
};

// What a statement did (Host::Execute).
struct Execution {
  std::vector<Row> rows;
  std::int64_t last_insert_id = 0;  // rowid of the last row it inserted
  std::int64_t changes = 0;         // rows inserted, updated or deleted
};

// The host's services for one plugin. Thread-safe. Valid from Init until
// Shutdown returns. Every call reports failure as its returned value.
class Host {
 public:
  explicit Host(const sc_host_api& api) : api_(api) {}

  // Registers a handler for method and path (relative to the theme's
  // prefix). Only during Init. Fails (SC_INVALID_ARGUMENT) when the
  // manifest does not declare the route, SC_CONFLICT when it is registered
  // already.
  Status Route(std::string_view method, std::string_view path,
               Handler handler) {
    auto route_id = static_cast<std::uint32_t>(handlers_.size());
    sc_str error{};
    int code = api_.register_route(api_.host_context, detail::ToC(method),
                                   detail::ToC(path), route_id, &error);
    if (code != SC_OK) return Failed(code, error);
    handlers_.push_back(std::move(handler));
    return Status::Ok();
  }

  // Tells the OpenAPI document more about a route registered in this Init:
  // its schemas, query parameters and further answers.
  Status Describe(std::string_view method, std::string_view path,
                  const RouteDoc& doc) {
    if (!detail::Covers(api_.struct_size,
                        offsetof(sc_host_api, describe_route) +
                            sizeof(api_.describe_route)) ||
        api_.describe_route == nullptr) {
      return Status::Error("this host does not take route descriptions");
    }
    std::vector<sc_pair> query;
    for (const auto& [name, text] : doc.query) {
      query.push_back({detail::ToC(name), detail::ToC(text)});
    }
    std::vector<sc_pair> responses;
    for (const auto& [status, text] : doc.responses) {
      responses.push_back({detail::ToC(status), detail::ToC(text)});
    }
    sc_route_description description{};
    description.struct_size = sizeof(description);
    description.success_status = doc.success_status;
    description.request_schema = detail::ToC(doc.request_schema);
    description.response_schema = detail::ToC(doc.response_schema);
    description.query = query.data();
    description.num_query = query.size();
    description.responses = responses.data();
    description.num_responses = responses.size();
    sc_str error{};
    int code = api_.describe_route(api_.host_context, detail::ToC(method),
                                   detail::ToC(path), &description, &error);
    return code == SC_OK ? Status::Ok() : Failed(code, error);
  }

  void Log(sc_log_level level, std::string_view message) const {
    api_.log(api_.host_context, level, detail::ToC(message));
  }

  // The operator's configuration value for key, or nullopt.
  std::optional<std::string> Config(std::string_view key) const {
    sc_str value = api_.config(api_.host_context, detail::ToC(key));
    if (value.data == nullptr) return std::nullopt;
    return std::string(detail::FromC(value));
  }

  // Runs one statement and returns its rows, or why it failed (a refused
  // table: SC_PERMISSION_DENIED naming it; a duplicate: SC_CONFLICT; another
  // constraint: SC_INVALID_ARGUMENT; SQL the engine refuses: SC_ERROR).
  // Inside Transaction, pass the transaction handle so the statement is
  // part of it.
  Result<std::vector<Row>> Query(std::string_view sql,
                                 const std::vector<Value>& params = {},
                                 sc_transaction* transaction = nullptr) const {
    auto executed = Execute(sql, params, transaction);
    if (!executed.ok()) return executed.status();
    return std::move(executed->rows);
  }

  // Runs one statement and returns its rows, the id of the last row it
  // inserted (the new row's INTEGER PRIMARY KEY) and how many rows it
  // changed; or why it failed.
  Result<Execution> Execute(std::string_view sql,
                            const std::vector<Value>& params = {},
                            sc_transaction* transaction = nullptr) const {
    std::vector<sc_value> c_params;
    c_params.reserve(params.size());
    for (const Value& param : params) c_params.push_back(ToCValue(param));
    Execution execution;
    sc_statement_result result{};
    result.struct_size = sizeof(result);
    sc_str error{};
    int code;
    if (detail::Covers(api_.struct_size,
                       offsetof(sc_host_api, execute_returning) +
                           sizeof(api_.execute_returning)) &&
        api_.execute_returning != nullptr) {
      code = api_.execute_returning(
          api_.host_context, transaction, detail::ToC(sql), c_params.data(),
          c_params.size(), &CollectRow, &execution.rows, &result, &error);
    } else {
      code = api_.execute(api_.host_context, transaction, detail::ToC(sql),
                          c_params.data(), c_params.size(), &CollectRow,
                          &execution.rows, &error);
    }
    if (code != SC_OK) return Failed(code, error);
    execution.last_insert_id = result.last_insert_id;
    execution.changes = result.changes;
    return execution;
  }

  // Runs body in one write transaction: it commits when body returns an ok
  // Status, and rolls back when body returns a failure or throws (the
  // exception's message becomes the returned Status).
  Status Transaction(const std::function<Status(sc_transaction*)>& body) const {
    struct Context {
      const std::function<Status(sc_transaction*)>* body;
      Status failure;
    } context{&body, {}};
    sc_str error{};
    int code = api_.transaction(
        api_.host_context,
        [](void* raw, sc_transaction* transaction) -> int {
          auto* ctx = static_cast<Context*>(raw);
          try {
            ctx->failure = (*ctx->body)(transaction);
          } catch (const Error& e) {
            ctx->failure = e.status();
          } catch (const std::exception& e) {
            ctx->failure = Status::Error(e.what());
          } catch (...) {
            ctx->failure = Status::Error("unknown exception in transaction");
          }
          if (ctx->failure.ok()) return SC_OK;
          return ctx->failure.code();
        },
        &context, &error);
    if (code == SC_OK) return Status::Ok();
    if (!context.failure.ok()) return context.failure;
    return Failed(code, error);
  }

 private:
  friend struct detail::HandlerAccess;

  static Status Failed(int code, sc_str error) {
    return {code == SC_OK ? SC_ERROR : static_cast<sc_status>(code),
            std::string(detail::FromC(error))};
  }
  static sc_value ToCValue(const Value& value) {
    sc_value out{};
    if (auto* integer = std::get_if<std::int64_t>(&value)) {
      out.type = SC_VALUE_INTEGER;
      out.integer = *integer;
    } else if (auto* real = std::get_if<double>(&value)) {
      out.type = SC_VALUE_REAL;
      out.real = *real;
    } else if (auto* text = std::get_if<std::string>(&value)) {
      out.type = SC_VALUE_TEXT;
      out.text = detail::ToC(*text);
    } else {
      out.type = SC_VALUE_NULL;
    }
    return out;
  }
  static int CollectRow(void* context, const sc_str* names,
                        const sc_value* columns, std::size_t num_columns) {
    auto* rows = static_cast<std::vector<Row>*>(context);
    std::vector<std::string> row_names;
    std::vector<Value> values;
    row_names.reserve(num_columns);
    values.reserve(num_columns);
    for (std::size_t i = 0; i < num_columns; ++i) {
      row_names.emplace_back(detail::FromC(names[i]));
      switch (columns[i].type) {
        case SC_VALUE_INTEGER:
          values.emplace_back(columns[i].integer);
          break;
        case SC_VALUE_REAL:
          values.emplace_back(columns[i].real);
          break;
        case SC_VALUE_TEXT:
          values.emplace_back(std::string(detail::FromC(columns[i].text)));
          break;
        default:
          values.emplace_back(nullptr);
      }
    }
    rows->emplace_back(std::move(row_names), std::move(values));
    return 0;
  }

  const sc_host_api& api_;
  std::vector<Handler> handlers_;
};

// The base class of a theme plugin. Init registers the theme's routes;
// returning a failed Status (or throwing) makes the host roll back every
// route it registered and mark the module failed with the message.
class Theme {
 public:
  virtual ~Theme() = default;
  virtual Status Init(Host& host) = 0;
  virtual void Shutdown() {}
};

namespace detail {

// The wrapper's way to the handlers a Host registered.
struct HandlerAccess {
  static const Handler* For(const Host& host, std::uint32_t route_id) {
    return route_id < host.handlers_.size() ? &host.handlers_[route_id]
                                            : nullptr;
  }
};

inline std::string& LastError() {
  thread_local std::string message;
  return message;
}
inline int Fail(sc_status code, std::string message) {
  LastError() = std::move(message);
  return code;
}

// What the wrapper keeps per loaded plugin: the host table, the theme.
struct Instance {
  sc_host_api api;
  Host host;
  std::unique_ptr<Theme> theme;
  explicit Instance(const sc_host_api& host_api) : api(), host(api) {
    // The host's table may be older (shorter) than this SDK's; what it does
    // not cover stays zero.
    std::size_t size =
        host_api.struct_size < sizeof(api) ? host_api.struct_size : sizeof(api);
    std::memcpy(&api, &host_api, size);
    api.struct_size = size;
  }
};

template <typename ThemeClass>
int Init(const sc_host_api* api, void** instance_out) {
  try {
    if (api == nullptr || instance_out == nullptr) {
      return Fail(SC_INVALID_ARGUMENT, "init called without a host table");
    }
    if (api->struct_size <
        offsetof(sc_host_api, transaction) + sizeof(api->transaction)) {
      return Fail(SC_INVALID_ARGUMENT,
                  "the host's table is smaller than ABI 1.0's");
    }
    auto instance = std::make_unique<Instance>(*api);
    instance->theme = std::make_unique<ThemeClass>();
    Status status = instance->theme->Init(instance->host);
    if (!status.ok()) {
      return Fail(status.code() == SC_OK ? SC_ERROR : status.code(),
                  status.message());
    }
    *instance_out = instance.release();
    return SC_OK;
  } catch (const std::exception& e) {
    return Fail(SC_ERROR, std::string("init threw: ") + e.what());
  } catch (...) {
    return Fail(SC_ERROR, "init threw an unknown exception");
  }
}

inline void Shutdown(void* raw) {
  std::unique_ptr<Instance> instance(static_cast<Instance*>(raw));
  try {
    if (instance && instance->theme) instance->theme->Shutdown();
  } catch (...) {
    // Shutdown has no way to report; the instance is freed regardless.
  }
}

inline sc_str LastErrorC() { return ToC(LastError()); }

inline int Handle(void* raw, const sc_request* request,
                  const sc_response_writer* writer) {
  try {
    auto* instance = static_cast<Instance*>(raw);
    const Handler* handler =
        HandlerAccess::For(instance->host, request->route_id);
    if (handler == nullptr) {
      return Fail(SC_NOT_FOUND, "no handler for route id " +
                                    std::to_string(request->route_id));
    }
    Request req(*request);
    Response res(*writer);
    (*handler)(req, res);
    return SC_OK;
  } catch (const Error& e) {
    return Fail(SC_ERROR, e.what());
  } catch (const std::exception& e) {
    return Fail(SC_ERROR, std::string("handler threw: ") + e.what());
  } catch (...) {
    return Fail(SC_ERROR, "handler threw an unknown exception");
  }
}

}  // namespace detail
}  // namespace smartercities::sdk

// The embedded manifest; smartercities_add_theme_plugin() generates these.
extern "C" const char sc_embedded_manifest[];
extern "C" const std::size_t sc_embedded_manifest_size;
extern "C" const char sc_embedded_id[];
extern "C" const char sc_embedded_version[];

#define SC_STRINGIFY_IMPL(x) #x
#define SC_STRINGIFY(x) SC_STRINGIFY_IMPL(x)

// Declares ThemeClass as this library's plugin. Use once, in one .cc file.
#define SMARTERCITIES_PLUGIN(ThemeClass)                                   \
  extern "C" __attribute__((section(SC_ABI_MARKER_SECTION), used))         \
  const char sc_abi_marker[] = SC_ABI_MARKER_PREFIX SC_STRINGIFY(          \
      SC_ABI_MAJOR) "." SC_STRINGIFY(SC_ABI_MINOR);                        \
  extern "C" SC_EXPORT const sc_plugin_descriptor* sc_plugin_entry(void) { \
    static const sc_plugin_descriptor descriptor = {                       \
        sizeof(sc_plugin_descriptor),                                      \
        SC_ABI_MAJOR,                                                      \
        SC_ABI_MINOR,                                                      \
        {sc_embedded_id, std::char_traits<char>::length(sc_embedded_id)},  \
        {sc_embedded_version,                                              \
         std::char_traits<char>::length(sc_embedded_version)},             \
        {sc_embedded_manifest, sc_embedded_manifest_size},                 \
        &::smartercities::sdk::detail::Init<ThemeClass>,                   \
        &::smartercities::sdk::detail::Shutdown,                           \
        &::smartercities::sdk::detail::LastErrorC,                         \
        &::smartercities::sdk::detail::Handle};                            \
    return &descriptor;                                                    \
  }

#endif  // SMARTERCITIES_PLUGIN_H_
