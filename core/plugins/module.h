// module.h — one theme plugin as the host holds it: its file, library,
// descriptor, manifest, state and the routes it registered. Only the plugin
// host (plugin_host.cc, host_api.cc) sees this; everyone else sees
// ModuleInfo (module_info.h).
//
// Thread-safety: state, failure, reason, instance and routes are guarded by
// mutex; in_flight and accepting are atomics read on the request path
// without the lock. The members set while loading (library, descriptor,
// manifest, host_api, gate) are written once, before the module is shared,
// and only read after. The library stays mapped until the Module is
// destroyed at host shutdown.
#ifndef SMARTERCITIES_CORE_PLUGINS_MODULE_H_
#define SMARTERCITIES_CORE_PLUGINS_MODULE_H_

#include <smartercities/sc_plugin.h>

#include <atomic>
#include <boost/dll/shared_library.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/domain/model.h"
#include "core/domain/register_records.h"
#include "core/plugins/module_gate.h"
#include "core/plugins/module_info.h"
#include "core/storage/database.h"

namespace smartercities::plugins {

// What the OpenAPI document says of a route beyond its manifest
// declaration, as the plugin described it (sc_host_api.describe_route).
struct RouteDescription {
  int success_status = 0;
  std::string request_schema;   // JSON text; empty when not described
  std::string response_schema;  // JSON text
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> responses;
};

// A route the plugin registered during init.
struct PluginRoute {
  std::string method;
  std::string path;  // relative to the theme prefix
  std::uint32_t route_id = 0;
  const domain::RouteDeclaration* declaration = nullptr;
  RouteDescription description;
};

class Module;

// What the host hands the plugin as host_context: everything a host service
// call needs to know about the calling plugin.
struct PluginContext {
  Module* module = nullptr;
  storage::Database* database = nullptr;
  bool in_init = false;
  std::map<std::string, std::string> config;
};

class Module {
 public:
  Module(std::string id_hint, std::filesystem::path library_file)
      : id(std::move(id_hint)), file(std::move(library_file)) {}
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Whether the descriptor was read (its fields up to its struct_size).
  bool has_descriptor() const { return descriptor.struct_size != 0; }
  // Whether loading went through every step (file, ABI, library, manifest,
  // storage) and the host table was made: such a module can be started.
  // A module that failed before that cannot be switched on.
  bool is_loaded() const { return host_api.struct_size != 0; }
  // The plugin's ABI minor (0 for a plugin built against SDK 1.0).
  std::uint32_t abi_minor() const { return descriptor.abi_minor; }

  std::string id;  // the file's stem until the descriptor is read
  std::filesystem::path file;
  std::string file_digest;  // domain::FileDigest(file), when it is loaded
  boost::dll::shared_library library;
  sc_plugin_descriptor descriptor{};  // copied up to its struct_size
  domain::ThemeManifest manifest;
  sc_host_api host_api{};
  PluginContext context;

  mutable std::mutex mutex;
  ModuleState state = ModuleState::kDiscovered;
  LoadFailure failure = LoadFailure::kNone;
  std::string reason;  // why it is failed or disabled
  void* instance = nullptr;
  std::vector<PluginRoute> routes;
  // The registers whose records the core reads (export, search), checked
  // against what the plugin described when it started.
  std::vector<domain::PublishedRegister> published;
  // The module's share and circuit breaker; made when it is loaded, kept
  // across switches.
  std::shared_ptr<ModuleGate> gate;

  std::atomic<bool> accepting{false};
  std::atomic<int> in_flight{0};
};

}  // namespace smartercities::plugins

#endif  // SMARTERCITIES_CORE_PLUGINS_MODULE_H_
