#include "core/plugins/host_api.h"

#include <smartercities/text.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace smartercities::plugins {
namespace {

std::string_view View(sc_str text) {
  return text.data == nullptr ? std::string_view()
                              : std::string_view(text.data, text.size);
}

// The message behind the sc_str* error of the last failed call on this
// thread; valid until the next host call on the thread, as documented.
std::string& ThreadError() {
  thread_local std::string message;
  return message;
}

int Fail(sc_str* error, int code, std::string message) {
  ThreadError() = std::move(message);
  if (error != nullptr) *error = {ThreadError().data(), ThreadError().size()};
  return code;
}

int ToCode(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return SC_OK;
    case StatusCode::kInvalidArgument:
      return SC_INVALID_ARGUMENT;
    case StatusCode::kNotFound:
      return SC_NOT_FOUND;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return SC_CONFLICT;
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated:
      return SC_PERMISSION_DENIED;
    default:
      return SC_ERROR;
  }
}

PluginContext& ContextOf(void* host_context) {
  return *static_cast<PluginContext*>(host_context);
}

// An open transaction as the plugin sees it.
struct TransactionHandle {
  storage::Connection* connection = nullptr;
  PluginContext* context = nullptr;
};

int RegisterRoute(void* host_context, sc_str method, sc_str path,
                  std::uint32_t route_id, sc_str* error) {
  PluginContext& context = ContextOf(host_context);
  Module& module = *context.module;
  std::string method_text(View(method));
  std::string path_text(View(path));
  if (!context.in_init) {
    return Fail(error, SC_CONFLICT,
                "plugin '" + module.id +
                    "': routes can be registered only during init");
  }
  const domain::RouteDeclaration* declaration =
      module.manifest.FindRoute(method_text, path_text);
  if (declaration == nullptr) {
    return Fail(error, SC_INVALID_ARGUMENT,
                "plugin '" + module.id + "': route " + method_text + " " +
                    path_text +
                    " is not declared in the manifest's \"routes\"; declare "
                    "it there (paths are relative to " +
                    module.manifest.RoutePrefix() + ")");
  }
  for (const PluginRoute& route : module.routes) {
    if (route.method == method_text && route.path == path_text) {
      return Fail(error, SC_CONFLICT,
                  "plugin '" + module.id + "': route " + method_text + " " +
                      path_text + " is registered twice");
    }
  }
  module.routes.push_back({method_text, path_text, route_id, declaration, {}});
  return SC_OK;
}

void Log(void* host_context, int level, sc_str message) {
  PluginContext& context = ContextOf(host_context);
  auto text = View(message);
  switch (level) {
    case SC_LOG_DEBUG:
      spdlog::debug("[{}] {}", context.module->id, text);
      break;
    case SC_LOG_WARN:
      spdlog::warn("[{}] {}", context.module->id, text);
      break;
    case SC_LOG_ERROR:
      spdlog::error("[{}] {}", context.module->id, text);
      break;
    default:
      spdlog::info("[{}] {}", context.module->id, text);
      break;
  }
}

sc_str Config(void* host_context, sc_str key) {
  PluginContext& context = ContextOf(host_context);
  auto it = context.config.find(std::string(View(key)));
  if (it == context.config.end()) return {nullptr, 0};
  return {it->second.data(), it->second.size()};
}

// The statement's first word, upper case.
std::string FirstWord(std::string_view sql) {
  std::size_t start = 0;
  while (start < sql.size() &&
         std::isspace(static_cast<unsigned char>(sql[start]))) {
    ++start;
  }
  std::string word;
  for (std::size_t i = start;
       i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i]));
       ++i) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i])));
  }
  return word;
}

bool IsReadOnlySql(std::string_view sql) {
  std::string word = FirstWord(sql);
  return word == "SELECT" || word == "VALUES";
}

// Whether the statement inserts rows, so that the connection's last insert
// rowid is this statement's.
bool IsInsert(std::string_view sql) {
  std::string word = FirstWord(sql);
  return word == "INSERT" || word == "REPLACE";
}

storage::Value ToValue(const sc_value& value) {
  switch (value.type) {
    case SC_VALUE_INTEGER:
      return value.integer;
    case SC_VALUE_REAL:
      return value.real;
    case SC_VALUE_TEXT:
      return std::string(View(value.text));
    default:
      return nullptr;
  }
}

Status RunStatement(storage::Connection& connection,
                    const storage::AccessScope& scope, std::string_view sql,
                    const std::vector<storage::Value>& params,
                    sc_row_callback on_row, void* row_context) {
  connection.SetScope(scope);
  std::vector<sc_str> names;
  std::vector<sc_value> columns;
  Status status =
      connection.Execute(sql, params, [&](const storage::Row& row) -> bool {
        if (on_row == nullptr) return true;
        names.clear();
        columns.clear();
        for (std::size_t i = 0; i < row.size(); ++i) {
          const std::string& name = row.names()[i];
          names.push_back({name.data(), name.size()});
          sc_value column{};
          const storage::Value& value = row.At(i);
          if (const auto* integer = std::get_if<std::int64_t>(&value)) {
            column.type = SC_VALUE_INTEGER;
            column.integer = *integer;
          } else if (const auto* real = std::get_if<double>(&value)) {
            column.type = SC_VALUE_REAL;
            column.real = *real;
          } else if (const auto* text = std::get_if<std::string>(&value)) {
            column.type = SC_VALUE_TEXT;
            column.text = {text->data(), text->size()};
          } else {
            column.type = SC_VALUE_NULL;
          }
          columns.push_back(column);
        }
        return on_row(row_context, names.data(), columns.data(),
                      columns.size()) == 0;
      });
  connection.SetScope({});
  return status;
}

storage::AccessScope ScopeOf(const PluginContext& context) {
  return {context.module->id, context.module->manifest.TablePrefix()};
}

int ExecuteReturning(void* host_context, sc_transaction* transaction,
                     sc_str sql, const sc_value* params, std::size_t num_params,
                     sc_row_callback on_row, void* row_context,
                     sc_statement_result* result, sc_str* error) {
  PluginContext& context = ContextOf(host_context);
  std::vector<storage::Value> values;
  values.reserve(num_params);
  for (std::size_t i = 0; i < num_params; ++i) {
    values.push_back(ToValue(params[i]));
    // Text that is not UTF-8, or holds NUL, would be stored and then break
    // every JSON answer that reads it back.
    const auto* text = std::get_if<std::string>(&values.back());
    if (text != nullptr &&
        (!sdk::IsValidUtf8(*text) || text->find('\0') != std::string::npos)) {
      return Fail(error, SC_INVALID_ARGUMENT,
                  "plugin '" + context.module->id + "': parameter ?" +
                      std::to_string(i + 1) +
                      " is not UTF-8 text without NUL characters (\"" +
                      sdk::Printable(*text) +
                      "\"); check input with sdk::TextProblem before "
                      "storing it");
    }
  }
  storage::AccessScope scope = ScopeOf(context);
  std::string_view statement = View(sql);
  sc_statement_result outcome{};
  // Read right after the statement, on its connection: the audit trail
  // inserts rows of its own before the transaction commits.
  auto run = [&](storage::Connection& connection) {
    Status ran =
        RunStatement(connection, scope, statement, values, on_row, row_context);
    if (ran.ok()) {
      outcome.last_insert_id = IsInsert(statement) && connection.Changes() > 0
                                   ? connection.LastInsertId()
                                   : 0;
      outcome.changes = connection.Changes();
    }
    return ran;
  };
  Status status;
  if (transaction != nullptr) {
    auto* handle = reinterpret_cast<TransactionHandle*>(transaction);
    if (handle->context != &context) {
      return Fail(error, SC_INVALID_ARGUMENT,
                  "the transaction handle belongs to another plugin");
    }
    status = run(*handle->connection);
  } else if (IsReadOnlySql(statement)) {
    status = context.database->Read([&](storage::Connection& connection) {
      Status ran = RunStatement(connection, scope, statement, values, on_row,
                                row_context);
      return ran;
    });
  } else {
    status = context.database->Write(run);
  }
  if (!status.ok()) return Fail(error, ToCode(status), status.message());
  if (result != nullptr && result->struct_size >= sizeof(sc_statement_result)) {
    result->last_insert_id = outcome.last_insert_id;
    result->changes = outcome.changes;
  }
  return SC_OK;
}

int Execute(void* host_context, sc_transaction* transaction, sc_str sql,
            const sc_value* params, std::size_t num_params,
            sc_row_callback on_row, void* row_context, sc_str* error) {
  return ExecuteReturning(host_context, transaction, sql, params, num_params,
                          on_row, row_context, nullptr, error);
}

// Whether text is a JSON object (a JSON Schema), or empty.
bool IsSchemaText(std::string_view text) {
  if (text.empty()) return true;
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  return !parsed.is_discarded() && parsed.is_object();
}

int DescribeRoute(void* host_context, sc_str method, sc_str path,
                  const sc_route_description* description, sc_str* error) {
  PluginContext& context = ContextOf(host_context);
  Module& module = *context.module;
  if (!context.in_init) {
    return Fail(
        error, SC_CONFLICT,
        "plugin '" + module.id + "': routes can be described only during init");
  }
  if (description == nullptr ||
      description->struct_size <
          offsetof(sc_route_description, num_responses) + sizeof(std::size_t)) {
    return Fail(error, SC_INVALID_ARGUMENT,
                "plugin '" + module.id +
                    "': the route description is "
                    "missing or too small");
  }
  std::string method_text(View(method));
  std::string path_text(View(path));
  PluginRoute* route = nullptr;
  for (PluginRoute& registered : module.routes) {
    if (registered.method == method_text && registered.path == path_text) {
      route = &registered;
    }
  }
  if (route == nullptr) {
    return Fail(error, SC_NOT_FOUND,
                "plugin '" + module.id + "': route " + method_text + " " +
                    path_text + " is not registered; register it first");
  }
  const sc_route_description& in = *description;
  if (in.success_status != 0 &&
      (in.success_status < 200 || in.success_status > 299)) {
    return Fail(error, SC_INVALID_ARGUMENT,
                "plugin '" + module.id + "': route " + method_text + " " +
                    path_text +
                    ": the success status must be from 200 to "
                    "299, got " +
                    std::to_string(in.success_status));
  }
  for (sc_str schema : {in.request_schema, in.response_schema}) {
    if (!IsSchemaText(View(schema))) {
      return Fail(error, SC_INVALID_ARGUMENT,
                  "plugin '" + module.id + "': route " + method_text + " " +
                      path_text + ": a schema must be a JSON object");
    }
  }
  RouteDescription out;
  out.success_status = in.success_status;
  out.request_schema = std::string(View(in.request_schema));
  out.response_schema = std::string(View(in.response_schema));
  for (std::size_t i = 0; i < in.num_query; ++i) {
    out.query.emplace_back(View(in.query[i].name), View(in.query[i].value));
  }
  for (std::size_t i = 0; i < in.num_responses; ++i) {
    std::string status(View(in.responses[i].name));
    int code = 0;
    for (char c : status) {
      code = std::isdigit(static_cast<unsigned char>(c)) && code < 1000
                 ? code * 10 + (c - '0')
                 : 1000;
    }
    if (status.size() != 3 || code < 200 || code > 599) {
      return Fail(error, SC_INVALID_ARGUMENT,
                  "plugin '" + module.id + "': route " + method_text + " " +
                      path_text +
                      ": a response's status must be a number "
                      "from 200 to 599, got \"" +
                      sdk::Printable(status) + "\"");
    }
    out.responses.emplace_back(status, View(in.responses[i].value));
  }
  route->description = std::move(out);
  return SC_OK;
}

int Transaction(void* host_context, sc_transaction_body body,
                void* body_context, sc_str* error) {
  PluginContext& context = ContextOf(host_context);
  if (body == nullptr) {
    return Fail(error, SC_INVALID_ARGUMENT, "transaction without a body");
  }
  int body_result = SC_OK;
  Status status =
      context.database->Write([&](storage::Connection& connection) -> Status {
        TransactionHandle handle{&connection, &context};
        body_result =
            body(body_context, reinterpret_cast<sc_transaction*>(&handle));
        if (body_result != SC_OK) {
          return Status::Internal("the plugin rolled the transaction back");
        }
        return Status::Ok();
      });
  if (body_result != SC_OK) {
    return Fail(error, body_result, "the transaction was rolled back");
  }
  if (!status.ok()) return Fail(error, ToCode(status), status.message());
  return SC_OK;
}

}  // namespace

sc_host_api MakeHostApi(Module& module, storage::Database& database) {
  module.context.module = &module;
  module.context.database = &database;
  sc_host_api api{};
  api.struct_size = sizeof(sc_host_api);
  api.abi_major = SC_ABI_MAJOR;
  api.abi_minor = SC_ABI_MINOR;
  api.host_context = &module.context;
  api.register_route = &RegisterRoute;
  api.log = &Log;
  api.config = &Config;
  api.execute = &Execute;
  api.transaction = &Transaction;
  api.execute_returning = &ExecuteReturning;
  api.describe_route = &DescribeRoute;
  return api;
}

}  // namespace smartercities::plugins
