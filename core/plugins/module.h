// module.h — one theme plugin as the host holds it: its file, library,
// descriptor, manifest, state and the routes it registered.
//
// Thread-safety: state, reason and instance are guarded by mutex; in_flight
// and accepting are atomics read on the request path without the lock. The
// library stays mapped until the Module is destroyed at host shutdown.
#ifndef SMARTERCITIES_CORE_PLUGINS_MODULE_H_
#define SMARTERCITIES_CORE_PLUGINS_MODULE_H_

#include <smartercities/sc_plugin.h>

#include <atomic>
#include <boost/dll/shared_library.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/domain/model.h"
#include "core/plugins/module_gate.h"
#include "core/storage/database.h"

namespace smartercities::plugins {

enum class ModuleState {
  kDiscovered,
  kValidated,
  kLoaded,
  kInitialized,
  kEnabled,
  kDisabled,
  kFailed,
};

std::string_view ToString(ModuleState state);

// A route the plugin registered during init.
struct PluginRoute {
  std::string method;
  std::string path;  // relative to the theme prefix
  std::uint32_t route_id = 0;
  const domain::RouteDeclaration* declaration = nullptr;
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

  std::string id;  // the file's stem until the descriptor is read
  std::filesystem::path file;
  boost::dll::shared_library library;
  sc_plugin_descriptor descriptor{};  // copied up to its struct_size
  domain::ThemeManifest manifest;
  sc_host_api host_api{};
  PluginContext context;

  mutable std::mutex mutex;
  ModuleState state = ModuleState::kDiscovered;
  std::string reason;  // why it is failed or disabled
  void* instance = nullptr;
  std::vector<PluginRoute> routes;
  // The module's share and circuit breaker; made when it is loaded, kept
  // across switches.
  std::shared_ptr<ModuleGate> gate;

  std::atomic<bool> accepting{false};
  std::atomic<int> in_flight{0};
};

}  // namespace smartercities::plugins

#endif  // SMARTERCITIES_CORE_PLUGINS_MODULE_H_
