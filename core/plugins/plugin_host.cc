#include "core/plugins/plugin_host.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/base/time_format.h"
#include "core/domain/manifest_parser.h"
#include "core/plugins/host_api.h"
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

PluginHost::PluginHost(PluginHostOptions options, storage::Database& database,
                       std::shared_ptr<http::Router> router,
                       domain::Catalog& catalog)
    : options_(std::move(options)),
      database_(database),
      router_(std::move(router)),
      catalog_(catalog) {}

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
    if (!status.ok()) {
      std::lock_guard lock(module->mutex);
      module->state = ModuleState::kFailed;
      module->reason = status.message();
      spdlog::error("module failed: {}", status.message());
    }
    {
      std::lock_guard lock(modules_mutex_);
      modules_.push_back(module);
    }
    if (status.ok()) Activate(module, enable_by_default);
    added.push_back(InfoOf(*module));
  }
  return added;
}

void PluginHost::Activate(const std::shared_ptr<Module>& module,
                          bool enable_by_default) {
  auto stored = StoredSetting(module->id);
  if (!stored.ok()) {
    Stop(*module, ModuleState::kFailed, stored.status().message());
    return;
  }
  bool enabled = stored->value_or(enable_by_default);
  if (!stored->has_value()) {
    Status store_status = StoreSetting(
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
  if (!status.ok()) return status;
  auto marker = ReadAbiMarker(module.file);
  if (!marker.ok()) return marker.status();
  status = CheckAbiCompatible(*marker, module.id, module.file);
  if (!status.ok()) return status;
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
    return Status::FailedPrecondition(
        Describe(module) + " cannot be loaded: " +
        (detail != nullptr ? std::string(detail) : load_error.message()));
  }
  if (!module.library.has(SC_PLUGIN_ENTRY_SYMBOL)) {
    return Status::InvalidArgument(Describe(module) +
                                   " does not export " SC_PLUGIN_ENTRY_SYMBOL
                                   "(); declare the plugin with "
                                   "SMARTERCITIES_PLUGIN(YourTheme)");
  }
  auto entry =
      module.library.get<const sc_plugin_descriptor*()>(SC_PLUGIN_ENTRY_SYMBOL);
  const sc_plugin_descriptor* descriptor = entry();
  if (descriptor == nullptr) {
    return Status::InvalidArgument(Describe(module) +
                                   ": " SC_PLUGIN_ENTRY_SYMBOL
                                   "() returned no descriptor");
  }
  AbiVersion declared{descriptor->abi_major, descriptor->abi_minor};
  std::string id(View(descriptor->id));
  if (!id.empty()) module.id = id;
  status = CheckAbiCompatible(declared, module.id, module.file);
  if (!status.ok()) return status;
  if (descriptor->struct_size < kMinimumDescriptorSize) {
    return Status::InvalidArgument(
        Describe(module) + ": its descriptor is " +
        std::to_string(descriptor->struct_size) + " bytes; ABI " +
        std::to_string(SC_ABI_MAJOR) + " needs at least " +
        std::to_string(kMinimumDescriptorSize));
  }
  std::memcpy(&module.descriptor, descriptor,
              std::min(descriptor->struct_size, sizeof(sc_plugin_descriptor)));
  if (module.descriptor.init == nullptr ||
      module.descriptor.shutdown == nullptr ||
      module.descriptor.last_error == nullptr ||
      module.descriptor.handle == nullptr) {
    return Status::InvalidArgument(Describe(module) +
                                   ": its descriptor lacks a function "
                                   "(init, shutdown, last_error or handle)");
  }

  auto manifest = domain::ParseManifest(View(module.descriptor.manifest_json),
                                        module.file.string() + " (manifest)");
  if (!manifest.ok()) return manifest.status();
  if (manifest->id != module.id) {
    return Status::InvalidArgument(
        Describe(module) + ": the descriptor's id '" + module.id +
        "' differs from the manifest's id '" + manifest->id + "'");
  }
  module.manifest = std::move(manifest).value();
  {
    std::lock_guard lock(modules_mutex_);
    for (const auto& other : modules_) {
      if (other->id == module.id && other->state != ModuleState::kFailed) {
        return Status::AlreadyExists(Describe(module) + ": a module with id '" +
                                     module.id + "' is already loaded from " +
                                     other->file.string() +
                                     "; remove one of the two files");
      }
      if (other->id != module.id && other->state != ModuleState::kFailed &&
          other->state != ModuleState::kDiscovered &&
          module.manifest.TablesOverlap(other->manifest)) {
        return Status::AlreadyExists(
            Describe(module) + ": its table prefix '" +
            module.manifest.TablePrefix() + "' and the prefix '" +
            other->manifest.TablePrefix() + "' of module '" + other->id +
            "' (" + other->file.string() +
            ") overlap, so one could reach the other's tables; rename one "
            "of the two themes");
      }
    }
  }
  {
    std::lock_guard lock(module.mutex);
    module.state = ModuleState::kLoaded;
  }

  std::vector<storage::Migration> migrations;
  for (const auto& migration : module.manifest.migrations) {
    migrations.push_back(
        {migration.version, migration.description, migration.sql});
  }
  status =
      database_.Migrate({module.id, module.manifest.TablePrefix()}, migrations);
  if (!status.ok()) return status.WithContext(Describe(module));
  status = catalog_.Sync(module.manifest);
  if (!status.ok()) return status.WithContext(Describe(module));

  auto config = options_.config.find(module.id);
  if (config != options_.config.end()) module.context.config = config->second;
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
    module->reason = "init failed: " + message;
    return Status::FailedPrecondition(Describe(*module) + ": " +
                                      module->reason);
  }
  std::weak_ptr<Module> weak = module;
  for (const PluginRoute& route : module->routes) {
    http::RouteOptions options;
    options.body_limit_bytes = route.declaration->body_limit_bytes;
    options.deadline = options_.handler_deadline;
    options.permission = route.declaration->permission;
    options.body_type = route.declaration->body_type;
    options.summary = route.declaration->summary;
    options.tag = module->id;
    options.lane = http::Lane::kModule;
    options.gate = module->gate;
    options.cacheable = route.method == "GET" &&
                        route.declaration->permission == "public" &&
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
      module->reason = "route refused: " + added.message();
      return Status::FailedPrecondition(Describe(*module) + ": " +
                                        module->reason);
    }
  }
  module->instance = instance;
  module->state = ModuleState::kEnabled;
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
  module.state = state;
  module.reason = reason;
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
  std::vector<sc_pair> headers = ToPairs(request.headers);
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
    if (state == ModuleState::kFailed && module->host_api.struct_size == 0) {
      return Status::FailedPrecondition(
          "module '" + module->id +
          "' failed to load and cannot be switched on: " + reason +
          "; fix the plugin file and restart the platform");
    }
    if (state != ModuleState::kEnabled) {
      Status started = Start(module);
      if (!started.ok()) {
        Status stored = StoreSetting(module->id, false, module->reason, actor);
        if (!stored.ok()) spdlog::error("{}", stored.message());
        return started;
      }
    }
    Status stored = StoreSetting(module->id, true, "", actor);
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
    Status stored = StoreSetting(module->id, false, why, actor);
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
  std::map<std::string, std::pair<bool, std::string>> stored;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute("SELECT id, enabled, updated_by FROM modules", {},
                      [&](const storage::Row& row) {
                        stored[row.Text("id")] = {row.Integer("enabled") != 0,
                                                  row.Text("updated_by")};
                        return true;
                      });
  });
  if (!status.ok()) {
    spdlog::error("reading module settings: {}", status.message());
    return;
  }
  std::vector<std::shared_ptr<Module>> modules;
  {
    std::lock_guard lock(modules_mutex_);
    modules = modules_;
  }
  for (const auto& module : modules) {
    auto it = stored.find(module->id);
    if (it == stored.end()) continue;
    ModuleState state;
    {
      std::lock_guard lock(module->mutex);
      state = module->state;
    }
    bool is_enabled = state == ModuleState::kEnabled;
    bool load_failed =
        state == ModuleState::kFailed && module->host_api.struct_size == 0;
    if (load_failed || is_enabled == it->second.first) continue;
    // A module whose init failed stays failed until someone switches it on.
    if (state == ModuleState::kFailed && it->second.first) continue;
    auto result = SwitchLocked(module, it->second.first, it->second.second);
    if (!result.ok()) {
      spdlog::error("module '{}': {}", module->id, result.status().message());
    }
  }
}

bool PluginHost::IsEnabled(std::string_view id) const {
  auto module = Find(id);
  return module && module->accepting.load();
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

Result<std::optional<bool>> PluginHost::StoredSetting(const std::string& id) {
  std::optional<bool> enabled;
  Status status = database_.Read([&](storage::Connection& db) {
    return db.Execute("SELECT enabled FROM modules WHERE id = ?1",
                      std::vector<storage::Value>{id},
                      [&](const storage::Row& row) {
                        enabled = row.Integer("enabled") != 0;
                        return false;
                      });
  });
  if (!status.ok()) return status;
  return enabled;
}

Status PluginHost::StoreSetting(const std::string& id, bool enabled,
                                const std::string& reason,
                                std::string_view actor) {
  return database_.Write([&](storage::Connection& db) {
    return db.Execute(
        "INSERT INTO modules (id, enabled, reason, updated_at, updated_by) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET "
        "enabled = ?2, reason = ?3, updated_at = ?4, updated_by = ?5",
        std::vector<storage::Value>{
            id, static_cast<std::int64_t>(enabled ? 1 : 0),
            reason.empty() ? storage::Value(nullptr) : storage::Value(reason),
            NowUtc(), std::string(actor)});
  });
}

ModuleInfo PluginHost::InfoOf(const Module& module) const {
  ModuleInfo info;
  std::lock_guard lock(module.mutex);
  info.id = module.id;
  info.file = module.file.string();
  info.state = module.state;
  info.reason = module.reason;
  info.enabled = module.state == ModuleState::kEnabled;
  if (module.descriptor.struct_size != 0) {
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
  for (const auto& module : modules_) {
    if (module->id == id && module->state != ModuleState::kFailed) {
      return module;
    }
  }
  for (const auto& module : modules_) {
    if (module->id == id) return module;
  }
  return nullptr;
}

}  // namespace smartercities::plugins
