#include "core/plugins/plugin_host.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/domain/manifest_parser.h"
#include "core/plugins/host_api.h"
#include "core/plugins/module.h"
#include "core/plugins/plugin_file.h"

namespace smartercities::plugins {
namespace {

std::string_view View(sc_str text) {
  return text.data == nullptr ? std::string_view()
                              : std::string_view(text.data, text.size);
}

sc_str ToC(std::string_view text) { return {text.data(), text.size()}; }

// The descriptor fields a plugin of this ABI major must provide.
constexpr std::size_t kMinimumDescriptorSize =
    offsetof(sc_plugin_descriptor, handle) + sizeof(void*);

// Marks why module failed and returns status, for Load's early returns.
Status Refuse(Module& module, LoadFailure failure, Status status) {
  std::lock_guard lock(module.mutex);
  module.failure = failure;
  return status;
}

std::string Describe(const Module& module) {
  return "plugin '" + module.id + "' (" + module.file.string() + ")";
}

// Collects what the plugin writes into an http::Response.
struct ResponseSink {
  http::Response* response;
  static void SetStatus(void* context, int status) {
    static_cast<ResponseSink*>(context)->response->status = status;
  }
  static void SetHeader(void* context, sc_str name, sc_str value) {
    static_cast<ResponseSink*>(context)->response->SetHeader(View(name),
                                                             View(value));
  }
  static void AppendBody(void* context, sc_str data) {
    static_cast<ResponseSink*>(context)->response->body.append(View(data));
  }
};

std::vector<sc_pair> ToPairs(const http::Pairs& pairs) {
  std::vector<sc_pair> out;
  out.reserve(pairs.size());
  for (const auto& [name, value] : pairs) {
    out.push_back({ToC(name), ToC(value)});
  }
  return out;
}

// Whether a request header may reach plugin code: never a credential of
// the caller (a bearer token, the session cookie, the CSRF token) nor a
// header of the host's own (names lower case).
bool PassesToPlugin(std::string_view name) {
  return name != "authorization" && name != "proxy-authorization" &&
         name != "cookie" && name != "x-csrf-token" &&
         !name.starts_with("x-smartercities-");
}

// The headers plugin code sees. A plugin built against ABI 1.0 reads the
// caller from the headers its SDK knew (name, role and scope; never a
// session or CSRF token); a later one reads sc_request's caller fields.
http::Pairs PluginHeaders(const http::Request& request,
                          std::uint32_t abi_minor) {
  http::Pairs headers;
  headers.reserve(request.headers.size() + 3);
  for (const auto& header : request.headers) {
    if (PassesToPlugin(header.first)) headers.push_back(header);
  }
  if (abi_minor == 0 && request.principal) {
    headers.emplace_back("x-smartercities-principal", request.principal->name);
    headers.emplace_back("x-smartercities-role", request.principal->role);
    headers.emplace_back("x-smartercities-scope", request.principal->scope);
  }
  return headers;
}

sc_role RoleOf(const std::string& role) {
  if (role == "admin") return SC_ROLE_ADMIN;
  if (role == "theme-editor") return SC_ROLE_THEME_EDITOR;
  if (role == "city-editor") return SC_ROLE_CITY_EDITOR;
  return SC_ROLE_NONE;
}

// The query parameters a route takes: those its manifest declaration names,
// then those the plugin described that the declaration does not name.
// page and pageSize together make it a paged route.
void DeclareQuery(const domain::RouteDeclaration& declaration,
                  const RouteDescription& description,
                  http::RouteOptions& options) {
  std::vector<http::QueryParam> query;
  auto declare = [&](const std::pair<std::string, std::string>& param) {
    for (const http::QueryParam& known : query) {
      if (known.name == param.first) return;
    }
    http::QueryParam declared;
    declared.name = param.first;
    declared.description = param.second;
    query.push_back(std::move(declared));
  };
  for (const auto& param : declaration.query) declare(param);
  for (const auto& param : description.query) declare(param);
  auto named = [&](std::string_view name) {
    return std::find_if(query.begin(), query.end(),
                        [&](const auto& param) { return param.name == name; });
  };
  if (named("page") != query.end() && named("pageSize") != query.end()) {
    options.paged = true;
    query.erase(named("page"));
    query.erase(named("pageSize"));
  }
  options.query = std::move(query);
}

// The OpenAPI description of a route: its manifest declaration, with what
// the plugin described filling what the declaration leaves out.
http::RouteDoc DocOf(const domain::RouteDeclaration& declaration,
                     const RouteDescription& description) {
  http::RouteDoc doc;
  doc.success_status =
      declaration.status != 0 ? declaration.status : description.success_status;
  doc.request_schema = !declaration.request_schema.empty()
                           ? declaration.request_schema
                           : description.request_schema;
  doc.response_schema = !declaration.response_schema.empty()
                            ? declaration.response_schema
                            : description.response_schema;
  doc.responses = description.responses;
  for (const auto& response : declaration.responses) {
    std::erase_if(doc.responses, [&](const auto& described) {
      return described.first == response.first;
    });
    doc.responses.push_back(response);
  }
  return doc;
}

}  // namespace

std::string_view ToString(ModuleState state) {
  switch (state) {
    case ModuleState::kDiscovered:
      return "discovered";
    case ModuleState::kValidated:
      return "validated";
    case ModuleState::kLoaded:
      return "loaded";
    case ModuleState::kInitialized:
      return "initialized";
    case ModuleState::kEnabled:
      return "enabled";
    case ModuleState::kDisabled:
      return "disabled";
    case ModuleState::kFailed:
      return "failed";
  }
  return "unknown";
}

std::string_view ToString(LoadFailure failure) {
  switch (failure) {
    case LoadFailure::kNone:
      return "";
    case LoadFailure::kFile:
      return "file";
    case LoadFailure::kMarker:
      return "marker";
    case LoadFailure::kAbi:
      return "abi";
    case LoadFailure::kLibrary:
      return "library";
    case LoadFailure::kEntry:
      return "entry";
    case LoadFailure::kDescriptor:
      return "descriptor";
    case LoadFailure::kManifest:
      return "manifest";
    case LoadFailure::kDuplicate:
      return "duplicate";
    case LoadFailure::kEngine:
      return "engine";
    case LoadFailure::kVersion:
      return "version";
    case LoadFailure::kStorage:
      return "storage";
    case LoadFailure::kInit:
      return "init";
    case LoadFailure::kRoutes:
      return "routes";
  }
  return "unknown";
}

PluginHost::PluginHost(PluginHostOptions options, storage::Database& database,
                       std::shared_ptr<http::Router> router,
                       domain::Catalog& catalog)
    : options_(std::move(options)),
      database_(database),
      router_(std::move(router)),
      catalog_(catalog),
      settings_(database) {}

PluginHost::~PluginHost() { ShutdownAll(); }

Status PluginHost::LoadAll() {
  auto loaded = LoadNew(options_.enable_new_modules);
  return loaded.ok() ? Status::Ok() : loaded.status();
}

Result<std::vector<ModuleInfo>> PluginHost::Rescan() {
  return LoadNew(options_.enable_rescanned_modules);
}

Result<std::vector<ModuleInfo>> PluginHost::LoadNew(bool enable_by_default) {
  std::lock_guard scan_lock(scan_mutex_);
  std::error_code ec;
  if (!std::filesystem::is_directory(options_.plugin_dir, ec)) {
    return Status::NotFound("plugin directory '" +
                            options_.plugin_dir.string() +
                            "' does not exist or is not a directory");
  }
  std::set<std::filesystem::path> known;
  {
    std::lock_guard lock(modules_mutex_);
    for (const auto& module : modules_) known.insert(module->file);
    known.insert(refused_duplicates_.begin(), refused_duplicates_.end());
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(options_.plugin_dir, ec)) {
    if (entry.path().extension() == ".so" && !known.contains(entry.path())) {
      files.push_back(entry.path());
    }
  }
  if (ec) {
    return Status::Unavailable("cannot read plugin directory '" +
                               options_.plugin_dir.string() +
                               "': " + ec.message());
  }
  std::sort(files.begin(), files.end());
  std::vector<ModuleInfo> added;
  for (const auto& file : files) {
    auto module = std::make_shared<Module>(file.stem().string(), file);
    Status status = Load(*module);
    bool duplicate = false;
    if (!status.ok()) {
      std::lock_guard lock(module->mutex);
      module->state = ModuleState::kFailed;
      module->reason = status.message();
      duplicate = module->failure == LoadFailure::kDuplicate;
      spdlog::error("module failed: {}", status.message());
    }
    {
      std::lock_guard lock(modules_mutex_);
      if (duplicate) {
        refused_duplicates_.insert(module->file);
      } else {
        modules_.push_back(module);
      }
    }
    if (status.ok()) Activate(module, enable_by_default);
    added.push_back(InfoOf(*module));
  }
  return added;
}

void PluginHost::Activate(const std::shared_ptr<Module>& module,
                          bool enable_by_default) {
  auto stored = settings_.Find(module->id);
  if (!stored.ok()) {
    Stop(*module, ModuleState::kFailed, stored.status().message());
    return;
  }
  bool enabled = stored->has_value() ? (*stored)->enabled : enable_by_default;
  if (!stored->has_value()) {
    Status store_status = settings_.Store(
        module->id, enabled,
        enabled ? "" : "new modules start disabled; switch it on", "system");
    if (!store_status.ok()) {
      Stop(*module, ModuleState::kFailed, store_status.message());
      return;
    }
  }
  if (enabled) {
    std::lock_guard switch_lock(switch_mutex_);
    Status start_status = Start(module);
    if (!start_status.ok()) {
      spdlog::error("module failed: {}", start_status.message());
    }
  } else {
    std::lock_guard lock(module->mutex);
    module->state = ModuleState::kDisabled;
    module->reason = stored->has_value()
                         ? "switched off by an administrator"
                         : "new modules start disabled; switch it on";
    spdlog::info("module '{}' is disabled", module->id);
  }
}

Status PluginHost::Load(Module& module) {
  Status status = CheckFileSafety(module.file);
  if (!status.ok()) return Refuse(module, LoadFailure::kFile, status);
  auto marker = ReadAbiMarker(module.file);
  if (!marker.ok()) {
    return Refuse(module, LoadFailure::kMarker, marker.status());
  }
  status = CheckAbiCompatible(*marker, module.id, module.file);
  if (!status.ok()) return Refuse(module, LoadFailure::kAbi, status);
  {
    std::lock_guard lock(module.mutex);
    module.state = ModuleState::kValidated;
  }

  boost::dll::fs::error_code load_error;
  module.library.load(
      boost::dll::fs::path(module.file.string()),
      boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local,
      load_error);
  if (load_error) {
    const char* detail = ::dlerror();
    return Refuse(
        module, LoadFailure::kLibrary,
        Status::FailedPrecondition(
            Describe(module) + " cannot be loaded: " +
            (detail != nullptr ? std::string(detail) : load_error.message())));
  }
  if (!module.library.has(SC_PLUGIN_ENTRY_SYMBOL)) {
    return Refuse(
        module, LoadFailure::kEntry,
        Status::InvalidArgument(Describe(module) +
                                " does not export " SC_PLUGIN_ENTRY_SYMBOL
                                "(); declare the plugin with "
                                "SMARTERCITIES_PLUGIN(YourTheme)"));
  }
  auto entry =
      module.library.get<const sc_plugin_descriptor*()>(SC_PLUGIN_ENTRY_SYMBOL);
  const sc_plugin_descriptor* descriptor = entry();
  if (descriptor == nullptr) {
    return Refuse(module, LoadFailure::kEntry,
                  Status::InvalidArgument(Describe(module) +
                                          ": " SC_PLUGIN_ENTRY_SYMBOL
                                          "() returned no descriptor"));
  }
  // struct_size first: no other field may be read before it says the
  // plugin has it.
  if (descriptor->struct_size < kMinimumDescriptorSize) {
    return Refuse(module, LoadFailure::kDescriptor,
                  Status::InvalidArgument(
                      Describe(module) + ": its descriptor is " +
                      std::to_string(descriptor->struct_size) + " bytes; ABI " +
                      std::to_string(SC_ABI_MAJOR) + " needs at least " +
                      std::to_string(kMinimumDescriptorSize)));
  }
  std::memcpy(&module.descriptor, descriptor,
              std::min(descriptor->struct_size, sizeof(sc_plugin_descriptor)));
  module.descriptor.struct_size =
      std::min(descriptor->struct_size, sizeof(sc_plugin_descriptor));
  AbiVersion declared{module.descriptor.abi_major, module.descriptor.abi_minor};
  std::string id(View(module.descriptor.id));
  if (!id.empty()) module.id = id;
  status = CheckAbiCompatible(declared, module.id, module.file);
  if (!status.ok()) return Refuse(module, LoadFailure::kAbi, status);
  if (module.descriptor.init == nullptr ||
      module.descriptor.shutdown == nullptr ||
      module.descriptor.last_error == nullptr ||
      module.descriptor.handle == nullptr) {
    return Refuse(
        module, LoadFailure::kDescriptor,
        Status::InvalidArgument(Describe(module) +
                                ": its descriptor lacks a function "
                                "(init, shutdown, last_error or handle)"));
  }

  auto manifest = domain::ParseManifest(View(module.descriptor.manifest_json),
                                        module.file.string() + " (manifest)");
  if (!manifest.ok()) {
    return Refuse(module, LoadFailure::kManifest, manifest.status());
  }
  if (manifest->id != module.id) {
    return Refuse(
        module, LoadFailure::kManifest,
        Status::InvalidArgument(
            Describe(module) + ": the descriptor's id '" + module.id +
            "' differs from the manifest's id '" + manifest->id + "'"));
  }
  module.manifest = std::move(manifest).value();
  {
    std::lock_guard lock(modules_mutex_);
    for (const auto& other : modules_) {
      std::lock_guard other_lock(other->mutex);
      if (other->id == module.id && other->state != ModuleState::kFailed) {
        return Refuse(
            module, LoadFailure::kDuplicate,
            Status::AlreadyExists(Describe(module) + ": a module with id '" +
                                  module.id + "' is already loaded from " +
                                  other->file.string() +
                                  "; remove one of the two files"));
      }
      if (other->id != module.id && other->state != ModuleState::kFailed &&
          other->state != ModuleState::kDiscovered &&
          module.manifest.TablesOverlap(other->manifest)) {
        return Refuse(
            module, LoadFailure::kDuplicate,
            Status::AlreadyExists(
                Describe(module) + ": its table prefix '" +
                module.manifest.TablePrefix() + "' and the prefix '" +
                other->manifest.TablePrefix() + "' of module '" + other->id +
                "' (" + other->file.string() +
                ") overlap, so one could reach the other's tables; rename "
                "one of the two themes"));
      }
    }
  }
  {
    std::lock_guard lock(module.mutex);
    module.state = ModuleState::kLoaded;
  }

  std::string_view engine = storage::EngineName(database_.engine());
  if (!module.manifest.SupportsEngine(engine)) {
    return Refuse(
        module, LoadFailure::kEngine,
        Status::FailedPrecondition(
            Describe(module) + " is not enabled: this platform stores in " +
            std::string(engine) +
            (module.manifest.storage_engines.empty()
                 ? ", and a plugin with tables of its own "
                   "(storage.migrations) that does not name its engines in "
                   "storage.engines runs on sqlite only"
                 : ", and its storage.engines does not name it") +
            " (docs/manifest.md, \"Storage engines\")"));
  }
  status = catalog_.CheckVersion(module.manifest, module.file.string());
  if (!status.ok()) return Refuse(module, LoadFailure::kVersion, status);

  status = domain::MigratePlugin(database_, module.manifest);
  if (!status.ok()) {
    return Refuse(module, LoadFailure::kStorage,
                  status.WithContext(Describe(module)));
  }
  module.file_digest = domain::FileDigest(module.file);
  status = catalog_.Sync(module.manifest, module.file_digest);
  if (!status.ok()) {
    return Refuse(module, LoadFailure::kStorage,
                  status.WithContext(Describe(module)));
  }

  auto config = options_.config.find(module.id);
  if (config != options_.config.end()) module.context.config = config->second;
  for (const auto& [key, value] : options_.shared_config) {
    module.context.config.try_emplace(key, value);
  }
  module.host_api = MakeHostApi(module, database_);
  module.gate =
      std::make_shared<ModuleGate>(module.id, options_.module_share,
                                   options_.breaker, options_.handler_deadline);
  spdlog::info("module '{}' {} loaded from {}", module.id,
               module.manifest.version, module.file.string());
  return Status::Ok();
}

Status PluginHost::Start(const std::shared_ptr<Module>& module) {
  std::lock_guard lock(module->mutex);
  module->routes.clear();
  module->context.in_init = true;
  void* instance = nullptr;
  int code = module->descriptor.init(&module->host_api, &instance);
  module->context.in_init = false;
  if (code != SC_OK) {
    std::string message(View(module->descriptor.last_error()));
    module->routes.clear();
    module->state = ModuleState::kFailed;
    module->failure = LoadFailure::kInit;
    module->reason = "init failed: " + message;
    return Status::FailedPrecondition(Describe(*module) + ": " +
                                      module->reason);
  }
  auto published = Publish(*module);
  if (!published.ok()) {
    module->descriptor.shutdown(instance);
    module->routes.clear();
    module->state = ModuleState::kFailed;
    module->failure = LoadFailure::kManifest;
    module->reason = "manifest " + published.status().message();
    return Status::FailedPrecondition(Describe(*module) + ": " +
                                      module->reason);
  }
  module->published = std::move(published).value();
  std::weak_ptr<Module> weak = module;
  for (const PluginRoute& route : module->routes) {
    http::RouteOptions options;
    options.body_limit_bytes = route.declaration->body_limit_bytes;
    options.deadline = options_.handler_deadline;
    options.permission = std::string(ToString(route.declaration->permission));
    options.body_type = route.declaration->body_type;
    options.summary = route.declaration->summary;
    options.doc = DocOf(*route.declaration, route.description);
    DeclareQuery(*route.declaration, route.description, options);
    options.response_types = route.declaration->response_types;
    options.tag = module->id;
    options.lane = http::Lane::kModule;
    options.gate = module->gate;
    options.cacheable =
        route.method == "GET" &&
        route.declaration->permission == domain::Permission::kPublic &&
        route.declaration->cache;
    std::uint32_t route_id = route.route_id;
    Status added = router_->Add(http::Route{
        route.method, module->manifest.RoutePrefix() + route.path, module->id,
        [this, weak, route_id](http::Request& request) {
          auto alive = weak.lock();
          if (!alive) {
            return http::Response::Problem(404, "Not Found",
                                           "this theme module is not loaded");
          }
          return Dispatch(alive, route_id, request);
        },
        options});
    if (!added.ok()) {
      router_->RemoveOwner(module->id);
      module->descriptor.shutdown(instance);
      module->routes.clear();
      module->state = ModuleState::kFailed;
      module->failure = LoadFailure::kRoutes;
      module->reason = "route refused: " + added.message();
      return Status::FailedPrecondition(Describe(*module) + ": " +
                                        module->reason);
    }
  }
  module->instance = instance;
  module->state = ModuleState::kEnabled;
  module->failure = LoadFailure::kNone;
  module->reason.clear();
  module->accepting.store(true);
  spdlog::info("module '{}' enabled with {} routes", module->id,
               module->routes.size());
  return Status::Ok();
}

void PluginHost::Stop(Module& module, ModuleState state,
                      const std::string& reason) {
  module.accepting.store(false);
  router_->RemoveOwner(module.id);
  auto deadline = std::chrono::steady_clock::now() + options_.drain_timeout;
  while (module.in_flight.load() > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::lock_guard lock(module.mutex);
  if (module.instance != nullptr) {
    if (module.in_flight.load() == 0) {
      module.descriptor.shutdown(module.instance);
    } else {
      // A handler still runs; shutting down under it would free its state.
      spdlog::warn(
          "module '{}': {} requests still running after {} ms; its shutdown "
          "is skipped",
          module.id, module.in_flight.load(), options_.drain_timeout.count());
    }
    module.instance = nullptr;
  }
  module.routes.clear();
  module.published.clear();
  module.state = state;
  module.reason = reason;
}

Result<std::vector<domain::PublishedRegister>> PluginHost::Publish(
    const Module& module) {
  std::vector<domain::PublishedRegister> out;
  const domain::ThemeManifest& manifest = module.manifest;
  for (std::size_t i = 0; i < manifest.registers.size(); ++i) {
    const domain::RegisterDeclaration& declared = manifest.registers[i];
    if (!declared.exported && declared.search_fields.empty()) continue;
    std::string record_schema;
    std::string input_schema;
    for (const PluginRoute& route : module.routes) {
      if (route.method == "GET" && route.path == declared.path + "/{id}") {
        record_schema = route.description.response_schema;
      } else if (route.method == "POST" && route.path == declared.path) {
        input_schema = route.description.request_schema;
      }
    }
    std::set<std::string, std::less<>> columns;
    Status read = database_.Read([&](storage::Connection& db) {
      std::vector<storage::Value> params = {declared.table};
      return db.Execute("SELECT name FROM pragma_table_info(?1)", params,
                        [&](const storage::Row& row) {
                          columns.insert(row.Text("name"));
                          return true;
                        });
    });
    if (!read.ok()) return read;
    auto resolved = domain::ResolveRegister(manifest, i, record_schema,
                                            input_schema, columns);
    if (!resolved.ok()) return resolved.status();
    out.push_back(std::move(resolved).value());
  }
  return out;
}

std::vector<domain::PublishedRegister> PluginHost::PublishedRegisters() const {
  std::vector<std::shared_ptr<Module>> modules;
  {
    std::lock_guard lock(modules_mutex_);
    modules = modules_;
  }
  std::sort(modules.begin(), modules.end(),
            [](const auto& a, const auto& b) { return a->id < b->id; });
  std::vector<domain::PublishedRegister> out;
  for (const auto& module : modules) {
    if (!module->accepting.load()) continue;
    std::lock_guard lock(module->mutex);
    out.insert(out.end(), module->published.begin(), module->published.end());
  }
  return out;
}

http::Response PluginHost::Dispatch(const std::shared_ptr<Module>& module,
                                    std::uint32_t route_id,
                                    http::Request& request) {
  module->in_flight.fetch_add(1);
  if (!module->accepting.load()) {
    module->in_flight.fetch_sub(1);
    return http::Response::Problem(
        404, "Not Found", "theme module '" + module->id + "' is switched off");
  }
  std::vector<sc_pair> path_params = ToPairs(request.path_params);
  std::vector<sc_pair> query = ToPairs(request.query);
  http::Pairs visible_headers = PluginHeaders(request, module->abi_minor());
  std::vector<sc_pair> headers = ToPairs(visible_headers);
  sc_request c_request{};
  c_request.struct_size = sizeof(sc_request);
  c_request.route_id = route_id;
  c_request.method = ToC(request.method);
  c_request.path = ToC(request.path);
  c_request.path_params = path_params.data();
  c_request.num_path_params = path_params.size();
  c_request.query_params = query.data();
  c_request.num_query_params = query.size();
  c_request.headers = headers.data();
  c_request.num_headers = headers.size();
  c_request.body = ToC(request.body);
  c_request.request_id = ToC(request.request_id);
  if (const auto& caller = request.principal) {
    c_request.caller_kind =
        caller->token_id != 0 ? SC_CALLER_TOKEN : SC_CALLER_ACCOUNT;
    c_request.caller_role = RoleOf(caller->role);
    c_request.caller_id =
        caller->token_id != 0 ? caller->token_id : caller->user_id;
    c_request.caller_name = ToC(caller->name);
    c_request.caller_scope = ToC(caller->scope);
  } else {
    c_request.caller_kind = SC_CALLER_PUBLIC;
    c_request.caller_role = SC_ROLE_NONE;
  }

  http::Response response;
  ResponseSink sink{&response};
  sc_response_writer writer{sizeof(sc_response_writer), &sink,
                            &ResponseSink::SetStatus, &ResponseSink::SetHeader,
                            &ResponseSink::AppendBody};
  int code = module->descriptor.handle(module->instance, &c_request, &writer);
  std::string message;
  if (code != SC_OK)
    message = std::string(View(module->descriptor.last_error()));
  module->in_flight.fetch_sub(1);
  if (code == SC_OK) return response;

  spdlog::error("[{}] request {} {} failed (error id {}): {}", module->id,
                request.method, request.path, request.request_id, message);
  if (module->gate) module->gate->RecordFailure(message);
  http::Response failure = http::Response::Problem(
      500, "Internal Server Error",
      "theme module '" + module->id +
          "' could not answer this request; quote error id " +
          request.request_id + " when you report it");
  nlohmann::json body = nlohmann::json::parse(failure.body, nullptr, false);
  if (body.is_object()) {
    body["errorId"] = request.request_id;
    failure.body = body.dump();
  }
  return failure;
}

std::vector<ModuleInfo> PluginHost::Modules() const {
  std::vector<std::shared_ptr<Module>> modules;
  {
    std::lock_guard lock(modules_mutex_);
    modules = modules_;
  }
  std::vector<ModuleInfo> infos;
  for (const auto& module : modules) infos.push_back(InfoOf(*module));
  std::sort(infos.begin(), infos.end(),
            [](const ModuleInfo& a, const ModuleInfo& b) {
              return a.id != b.id ? a.id < b.id : a.file < b.file;
            });
  return infos;
}

std::optional<ModuleInfo> PluginHost::FindModule(std::string_view id) const {
  auto module = Find(id);
  if (!module) return std::nullopt;
  return InfoOf(*module);
}

Result<ModuleInfo> PluginHost::SetEnabled(std::string_view id, bool enabled,
                                          std::string_view actor) {
  auto module = Find(id);
  if (!module) {
    return Status::NotFound("no module with id '" + std::string(id) + "'");
  }
  std::lock_guard switch_lock(switch_mutex_);
  return SwitchLocked(module, enabled, actor);
}

Result<ModuleInfo> PluginHost::SwitchLocked(
    const std::shared_ptr<Module>& module, bool enabled,
    std::string_view actor) {
  ModuleState state;
  std::string reason;
  {
    std::lock_guard lock(module->mutex);
    state = module->state;
    reason = module->reason;
  }
  if (enabled) {
    if (state == ModuleState::kFailed && !module->is_loaded()) {
      return Status::FailedPrecondition(
          "module '" + module->id +
          "' failed to load and cannot be switched on: " + reason +
          "; fix the plugin file and restart the platform");
    }
    if (state != ModuleState::kEnabled) {
      Status started = Start(module);
      if (!started.ok()) {
        std::string why;
        {
          std::lock_guard lock(module->mutex);
          why = module->reason;
        }
        Status stored = settings_.Store(module->id, false, why, actor);
        if (!stored.ok()) spdlog::error("{}", stored.message());
        return started;
      }
    }
    Status stored = settings_.Store(module->id, true, "", actor);
    if (!stored.ok()) return stored;
  } else {
    std::string why = "switched off by " + std::string(actor);
    if (state == ModuleState::kEnabled) {
      Stop(*module, ModuleState::kDisabled, why);
    } else if (state != ModuleState::kFailed) {
      std::lock_guard lock(module->mutex);
      module->state = ModuleState::kDisabled;
      module->reason = why;
    }
    Status stored = settings_.Store(module->id, false, why, actor);
    if (!stored.ok()) return stored;
  }
  spdlog::info("module '{}' switched {} by {}", module->id,
               enabled ? "on" : "off", actor);
  // Switched on by hand: whatever made it fail before gets a fresh start.
  if (enabled && module->gate) module->gate->Reset();
  if (options_.on_modules_changed) options_.on_modules_changed();
  return InfoOf(*module);
}

void PluginHost::ApplyStoredSettings() {
  std::lock_guard switch_lock(switch_mutex_);
  auto stored = settings_.All();
  if (!stored.ok()) {
    spdlog::error("reading module settings: {}", stored.status().message());
    return;
  }
  std::vector<std::shared_ptr<Module>> modules;
  {
    std::lock_guard lock(modules_mutex_);
    modules = modules_;
  }
  for (const auto& module : modules) {
    auto it = stored->find(module->id);
    if (it == stored->end()) continue;
    const ModuleSettings::Setting& setting = it->second;
    ModuleState state;
    {
      std::lock_guard lock(module->mutex);
      state = module->state;
    }
    bool is_enabled = state == ModuleState::kEnabled;
    if (!module->is_loaded() || is_enabled == setting.enabled) continue;
    // A module whose init failed stays failed until someone switches it on.
    if (state == ModuleState::kFailed && setting.enabled) continue;
    auto result = SwitchLocked(module, setting.enabled, setting.updated_by);
    if (!result.ok()) {
      spdlog::error("module '{}': {}", module->id, result.status().message());
    }
  }
}

bool PluginHost::IsEnabled(std::string_view id) const {
  auto module = Find(id);
  return module && module->accepting.load();
}

PluginHost::EnabledModules PluginHost::Enabled() const {
  EnabledModules out;
  std::lock_guard lock(modules_mutex_);
  for (const auto& module : modules_) {
    if (module->accepting.load()) {
      out.ids.insert(module->id);
    } else {
      out.all = false;
    }
  }
  return out;
}

std::string PluginHost::RenderMetrics() const {
  std::map<std::string_view, int> counts;
  for (ModuleState state :
       {ModuleState::kEnabled, ModuleState::kDisabled, ModuleState::kFailed}) {
    counts[ToString(state)] = 0;
  }
  for (const ModuleInfo& info : Modules()) ++counts[ToString(info.state)];
  std::string out =
      "# HELP smartercities_modules Theme modules by lifecycle state.\n"
      "# TYPE smartercities_modules gauge\n";
  for (const auto& [state, count] : counts) {
    out += "smartercities_modules{state=\"" + std::string(state) + "\"} " +
           std::to_string(count) + "\n";
  }
  out +=
      "# HELP smartercities_module_breaker_open Whether a module's circuit "
      "breaker answers 503 for it now (1) or not (0).\n"
      "# TYPE smartercities_module_breaker_open gauge\n";
  for (const ModuleInfo& info : Modules()) {
    out += "smartercities_module_breaker_open{module=\"" + info.id + "\"} " +
           (info.breaker.state == CircuitBreaker::State::kClosed ? "0" : "1") +
           "\n";
  }
  return out;
}

void PluginHost::ShutdownAll() {
  std::vector<std::shared_ptr<Module>> modules;
  {
    std::lock_guard lock(modules_mutex_);
    modules = modules_;
  }
  std::lock_guard switch_lock(switch_mutex_);
  for (const auto& module : modules) {
    bool running;
    {
      std::lock_guard lock(module->mutex);
      running = module->instance != nullptr;
    }
    if (running) {
      Stop(*module, ModuleState::kDisabled, "the platform is shutting down");
    }
  }
}

ModuleInfo PluginHost::InfoOf(const Module& module) const {
  ModuleInfo info;
  std::lock_guard lock(module.mutex);
  info.id = module.id;
  info.file = module.file.string();
  info.file_digest = module.file_digest;
  info.state = module.state;
  info.reason = module.reason;
  info.failure = module.failure;
  info.enabled = module.state == ModuleState::kEnabled;
  if (module.has_descriptor()) {
    info.version = std::string(View(module.descriptor.version));
    info.abi = std::to_string(module.descriptor.abi_major) + "." +
               std::to_string(module.descriptor.abi_minor);
    info.name = module.manifest.name.nl;
  }
  for (const PluginRoute& route : module.routes) {
    info.routes.push_back(route.method + " " + module.manifest.RoutePrefix() +
                          route.path);
  }
  if (module.gate) {
    info.breaker = module.gate->Describe();
    info.running = module.gate->running();
    info.share = module.gate->share();
  }
  return info;
}

std::shared_ptr<Module> PluginHost::Find(std::string_view id) const {
  std::lock_guard lock(modules_mutex_);
  std::shared_ptr<Module> failed;
  for (const auto& module : modules_) {
    if (module->id != id) continue;
    std::lock_guard module_lock(module->mutex);
    if (module->state != ModuleState::kFailed) return module;
    if (!failed) failed = module;
  }
  return failed;
}

}  // namespace smartercities::plugins
