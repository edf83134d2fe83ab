// plugin_host.h — discovers, validates, loads and runs the theme plugins.
//
// Lifecycle of each module: discovered → validated (file safety, ABI marker,
// before any of its code runs) → loaded (dlopen with RTLD_NOW | RTLD_LOCAL,
// descriptor and manifest checked) → initialized (migrations, init, routes
// mounted) → enabled ⇄ disabled; or failed(reason) at any step. One module's
// failure never stops the host or the others. Whether a module is enabled is
// stored in the database and survives restarts. Disabling stops routing, lets
// requests in flight finish, then calls the plugin's shutdown; libraries are
// never unloaded while the host runs.
//
// A module's handlers run on the server's module lane, each module within
// its share, behind its circuit breaker (module_gate.h). A request to a
// plugin route that fails (the plugin returns an error or throws inside the
// wrapper) gets a 500 problem with an errorId; a module that keeps failing
// is answered 503 for a while by its breaker, whose state Modules() shows.
// Nothing a caller does changes a module's stored setting: only an
// administrator switches a module off.
//
// A plugin never sees a credential: Dispatch hands it the request's headers
// without Authorization, Cookie, the CSRF token and the host's own
// x-smartercities-* headers, and the caller as sc_request's typed fields.
//
// Thread-safety: all public methods may be called from any thread. Lock
// order, outermost first: scan_mutex_, switch_mutex_, modules_mutex_,
// Module::mutex. No lock is held while a request is dispatched to a plugin;
// init and shutdown run under switch_mutex_ and the module's mutex.
#ifndef SMARTERCITIES_CORE_PLUGINS_PLUGIN_HOST_H_
#define SMARTERCITIES_CORE_PLUGINS_PLUGIN_HOST_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/domain/catalog.h"
#include "core/domain/register_records.h"
#include "core/http/router.h"
#include "core/plugins/circuit_breaker.h"
#include "core/plugins/module_info.h"
#include "core/plugins/module_settings.h"
#include "core/storage/database.h"

namespace smartercities::plugins {

struct PluginHostOptions {
  std::filesystem::path plugin_dir;
  // Whether a module seen for the first time at start-up starts enabled.
  bool enable_new_modules = true;
  // Whether a module that a rescan finds starts enabled.
  bool enable_rescanned_modules = false;
  // When a module's breaker opens, and for how long (circuit_breaker.h).
  CircuitBreaker::Options breaker;
  // How many requests of one module run or wait for a thread at once.
  int module_share = 4;
  std::chrono::milliseconds handler_deadline{10000};
  // How long disabling waits for requests in flight before shutdown.
  std::chrono::milliseconds drain_timeout{5000};
  // Configuration per plugin id, handed out through sc_host_api.config.
  std::map<std::string, std::map<std::string, std::string>> config;
  // Settings every module gets unless its own configuration sets them
  // (publicBaseUrl, catalogPublisher: docs/plugin-guide.md).
  std::map<std::string, std::string> shared_config;
  // Called after a module was switched on or off, so that what was rendered
  // from the set of modules (the response cache) is rendered again.
  std::function<void()> on_modules_changed;
};

class Module;

class PluginHost {
 public:
  PluginHost(PluginHostOptions options, storage::Database& database,
             std::shared_ptr<http::Router> router, domain::Catalog& catalog);
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // Loads every *.so in the plugin directory, in name order. Problems are
  // logged and shown per module; only an unreadable directory is an error.
  Status LoadAll();

  // Loads the libraries that appeared in the plugin directory since the last
  // scan, without touching the modules already loaded or the requests they
  // serve. New modules start disabled unless enable_rescanned_modules is
  // set (a stored setting for the id wins). Returns the new modules, failed
  // ones included with their reason.
  Result<std::vector<ModuleInfo>> Rescan();

  // Every module, in id order. A file refused because its id is taken
  // (LoadFailure::kDuplicate) is no module: it is logged, returned by the
  // scan that found it, and left alone by later rescans.
  std::vector<ModuleInfo> Modules() const;
  std::optional<ModuleInfo> FindModule(std::string_view id) const;

  // Switches a module on or off now and stores the setting. NotFound for an
  // unknown id; FailedPrecondition when enabling a module that failed to
  // load (the reason says why); the failure of a plugin's init is returned.
  Result<ModuleInfo> SetEnabled(std::string_view id, bool enabled,
                                std::string_view actor);

  // Brings every loaded module in line with the setting stored in the
  // database (written by `smartercities modules enable|disable`).
  void ApplyStoredSettings();

  // Whether the theme's module is enabled right now.
  bool IsEnabled(std::string_view id) const;

  // The ids of the modules enabled right now, and whether that is every
  // module (failed ones count as not enabled): cheaper than Modules() for
  // a filter asked on every request.
  struct EnabledModules {
    std::set<std::string> ids;
    bool all = true;
  };
  EnabledModules Enabled() const;

  // The registers of the enabled modules whose manifests declare "export"
  // or "search" (register_records.h), in module id order.
  std::vector<domain::PublishedRegister> PublishedRegisters() const;

  // Prometheus lines: smartercities_modules{state="enabled"} N.
  std::string RenderMetrics() const;

  // Disables every module (calling their shutdown). Idempotent.
  void ShutdownAll();

 private:
  // The steps before init; on failure sets module.failure and returns why.
  Status Load(Module& module);
  Result<std::vector<ModuleInfo>> LoadNew(bool enable_by_default);
  void Activate(const std::shared_ptr<Module>& module, bool enable_by_default);
  Result<ModuleInfo> SwitchLocked(const std::shared_ptr<Module>& module,
                                  bool enabled, std::string_view actor);
  Status Start(const std::shared_ptr<Module>& module);
  // The registers of a module that just ran its init whose records the
  // core reads, or the problem with their declaration.
  Result<std::vector<domain::PublishedRegister>> Publish(const Module& module);
  void Stop(Module& module, ModuleState state, const std::string& reason);
  http::Response Dispatch(const std::shared_ptr<Module>& module,
                          std::uint32_t route_id, http::Request& request);
  ModuleInfo InfoOf(const Module& module) const;
  std::shared_ptr<Module> Find(std::string_view id) const;

  PluginHostOptions options_;
  storage::Database& database_;
  std::shared_ptr<http::Router> router_;
  domain::Catalog& catalog_;
  ModuleSettings settings_;
  mutable std::mutex modules_mutex_;
  std::vector<std::shared_ptr<Module>> modules_;
  // Files refused because another module has their id; guarded by
  // modules_mutex_.
  std::set<std::filesystem::path> refused_duplicates_;
  // Serialises enable/disable so two switches of one module cannot interleave.
  std::mutex switch_mutex_;
  // Serialises scans so a file is never loaded twice.
  std::mutex scan_mutex_;
};

}  // namespace smartercities::plugins

#endif  // SMARTERCITIES_CORE_PLUGINS_PLUGIN_HOST_H_
