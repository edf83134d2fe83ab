// plugin.h — the C++ side of the Smarter Cities plugin SDK.
//
// A theme plugin is a class derived from smartercities::sdk::Theme plus one
// line, SMARTERCITIES_PLUGIN(MyTheme), in one .cc file. The wrapper turns the
// class into the C ABI of sc_plugin.h: it catches every exception at the
// boundary and reports it as an error code and message, so no exception ever
// reaches the host.
//
//   class MyTheme : public smartercities::sdk::Theme {
//    public:
//     smartercities::sdk::Status Init(smartercities::sdk::Host& host) override
//     {
//       return host.Route("GET", "/items", [&host](const Request& req,
//                                                  Response& res) {
//         res.Json(200, "{\"items\":[],\"total\":0}");
//       });
//     }
//   };
//   SMARTERCITIES_PLUGIN(MyTheme)
//
// Threads: handlers may run on several threads at once; Host is thread-safe.
// The theme object lives from Init until Shutdown; the host destroys it.
#ifndef SMARTERCITIES_PLUGIN_H_
#define SMARTERCITIES_PLUGIN_H_

#include <smartercities/sc_plugin.h>
#include <smartercities/text.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace smartercities::sdk {

inline sc_str ToC(std::string_view text) { return {text.data(), text.size()}; }
inline std::string_view FromC(sc_str text) {
  return text.data == nullptr ? std::string_view()
                              : std::string_view(text.data, text.size);
}

// The outcome of an operation: ok, or a code and a message a person can act
// on. Cheap to copy.
class Status {
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

  bool ok() const { return code_ == SC_OK; }
  sc_status code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  sc_status code_ = SC_OK;
  std::string message_;
};

// Thrown by Database calls that fail; the wrapper turns it into a 500 when a
// handler does not catch it. Plugins may catch it to answer otherwise.
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

// An HTTP request to one of the plugin's routes. Valid during the handler
// call only; copy what you keep.
class Request {
 public:
  explicit Request(const sc_request& request) : request_(request) {}

  std::string_view method() const { return FromC(request_.method); }
  std::string_view path() const { return FromC(request_.path); }
  std::string_view body() const { return FromC(request_.body); }
  std::string_view request_id() const { return FromC(request_.request_id); }

  // A path parameter ({name} in the route), or nullopt.
  std::optional<std::string_view> Param(std::string_view name) const {
    return Find(request_.path_params, request_.num_path_params, name);
  }
  // A query parameter, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const {
    return Find(request_.query_params, request_.num_query_params, name);
  }
  // A header by its lower-case name, or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const {
    return Find(request_.headers, request_.num_headers, name);
  }

  // Who is calling, as the host established before the handler runs (a
  // client cannot set these): the name ("user:anna", "token:export"), the
  // role ("admin", "theme-editor", "city-editor"; empty for the public) and
  // the scope (the theme id or CBS code the role is limited to).
  std::string_view caller() const {
    return Header("x-smartercities-principal").value_or("");
  }
  std::string_view caller_role() const {
    return Header("x-smartercities-role").value_or("");
  }
  std::string_view caller_scope() const {
    return Header("x-smartercities-scope").value_or("");
  }
  // Whether the caller may change records of city (a CBS code). The host
  // has checked a city named in the path or body already; a handler that
  // changes a stored record must also check the city the record has now,
  // which only the plugin knows.
  bool MayChangeCity(std::string_view city) const {
    std::string_view role = caller_role();
    if (role == "admin" || role == "theme-editor") return true;
    return role == "city-editor" && caller_scope() == city;
  }

 private:
  static std::optional<std::string_view> Find(const sc_pair* pairs,
                                              std::size_t count,
                                              std::string_view name) {
    for (std::size_t i = 0; i < count; ++i) {
      if (FromC(pairs[i].name) == name) return FromC(pairs[i].value);
    }
    return std::nullopt;
  }
  const sc_request& request_;
};

// Escapes text for a JSON string literal (without the quotes). Bytes that
// are not UTF-8 become U+FFFD, so that the result is always valid JSON, even
// for text a client sent that the handler did not check.
inline std::string JsonEscape(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 8);
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t start = position;
    std::optional<char32_t> c = NextCodePoint(text, position);
    if (!c) {
      out += "\\ufffd";
      ++position;
      continue;
    }
    switch (*c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (*c < 0x20) {
          out += "\\u00";
          out += kHex[(*c >> 4) & 0xf];
          out += kHex[*c & 0xf];
        } else {
          out.append(text.substr(start, position - start));
        }
    }
  }
  return out;
}

// The response a handler writes. Valid during the handler call only.
class Response {
 public:
  explicit Response(const sc_response_writer& writer) : writer_(writer) {}

  void SetStatus(int status) { writer_.set_status(writer_.context, status); }
  void SetHeader(std::string_view name, std::string_view value) {
    writer_.set_header(writer_.context, ToC(name), ToC(value));
  }
  void Append(std::string_view data) {
    writer_.append_body(writer_.context, ToC(data));
  }
  // A JSON body with the given status.
  void Json(int status, std::string_view json) {
    SetStatus(status);
    SetHeader("content-type", "application/json");
    Append(json);
  }
  // An RFC 9457 problem response; detail should tell the reader what to do.
  void Problem(int status, std::string_view title, std::string_view detail) {
    SetStatus(status);
    SetHeader("content-type", "application/problem+json");
    Append("{\"status\":" + std::to_string(status) + ",\"title\":\"" +
           JsonEscape(title) + "\",\"detail\":\"" + JsonEscape(detail) + "\"}");
  }

 private:
  const sc_response_writer& writer_;
};

using Handler = std::function<void(const Request&, Response&)>;

// The host's services for one plugin. Thread-safe. Valid from Init until
// Shutdown returns.
class Host {
 public:
  explicit Host(const sc_host_api& api) : api_(api) {}

  // Registers a handler for method and path (relative to the theme's
  // prefix). Only during Init. Fails when the manifest does not declare the
  // route or it is registered already.
  Status Route(std::string_view method, std::string_view path,
               Handler handler) {
    auto route_id = static_cast<std::uint32_t>(handlers_.size());
    sc_str error{};
    int code = api_.register_route(api_.host_context, ToC(method), ToC(path),
                                   route_id, &error);
    if (code != SC_OK) {
      return {static_cast<sc_status>(code), std::string(FromC(error))};
    }
    handlers_.push_back(std::move(handler));
    return Status::Ok();
  }

  void Log(sc_log_level level, std::string_view message) const {
    api_.log(api_.host_context, level, ToC(message));
  }

  // The operator's configuration value for key, or nullopt.
  std::optional<std::string> Config(std::string_view key) const {
    sc_str value = api_.config(api_.host_context, ToC(key));
    if (value.data == nullptr) return std::nullopt;
    return std::string(FromC(value));
  }

  // Runs one statement and returns its rows. Throws sdk::Error on failure
  // (a refused table, a constraint, a syntax error). Inside Transaction, pass
  // the transaction handle so the statement is part of it.
  std::vector<Row> Query(std::string_view sql,
                         const std::vector<Value>& params = {},
                         sc_transaction* transaction = nullptr) const {
    std::vector<sc_value> c_params;
    c_params.reserve(params.size());
    for (const Value& param : params) c_params.push_back(ToCValue(param));
    std::vector<Row> rows;
    sc_str error{};
    int code =
        api_.execute(api_.host_context, transaction, ToC(sql), c_params.data(),
                     c_params.size(), &CollectRow, &rows, &error);
    if (code != SC_OK) {
      throw Error({static_cast<sc_status>(code), std::string(FromC(error))});
    }
    return rows;
  }

  // Runs body in one write transaction; commits when it returns normally,
  // rolls back when it throws (and rethrows as sdk::Error).
  void Transaction(const std::function<void(sc_transaction*)>& body) const {
    struct Context {
      const std::function<void(sc_transaction*)>* body;
      std::string message;
    } context{&body, {}};
    sc_str error{};
    int code = api_.transaction(
        api_.host_context,
        [](void* raw, sc_transaction* transaction) -> int {
          auto* ctx = static_cast<Context*>(raw);
          try {
            (*ctx->body)(transaction);
            return SC_OK;
          } catch (const Error& e) {
            ctx->message = e.what();
            return e.status().code() == SC_OK ? SC_ERROR : e.status().code();
          } catch (const std::exception& e) {
            ctx->message = e.what();
            return SC_ERROR;
          } catch (...) {
            ctx->message = "unknown exception in transaction";
            return SC_ERROR;
          }
        },
        &context, &error);
    if (code != SC_OK) {
      std::string message =
          context.message.empty() ? std::string(FromC(error)) : context.message;
      throw Error({static_cast<sc_status>(code), message});
    }
  }

  // The handler registered under route_id; used by the wrapper.
  const Handler* HandlerFor(std::uint32_t route_id) const {
    return route_id < handlers_.size() ? &handlers_[route_id] : nullptr;
  }

 private:
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
      out.text = ToC(*text);
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
      row_names.emplace_back(FromC(names[i]));
      switch (columns[i].type) {
        case SC_VALUE_INTEGER:
          values.emplace_back(columns[i].integer);
          break;
        case SC_VALUE_REAL:
          values.emplace_back(columns[i].real);
          break;
        case SC_VALUE_TEXT:
          values.emplace_back(std::string(FromC(columns[i].text)));
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
  explicit Instance(const sc_host_api& host_api) : api(host_api), host(api) {}
};

template <typename ThemeClass>
int Init(const sc_host_api* api, void** instance_out) {
  try {
    if (api == nullptr || instance_out == nullptr) {
      return Fail(SC_INVALID_ARGUMENT, "init called without a host table");
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
    const Handler* handler = instance->host.HandlerFor(request->route_id);
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
