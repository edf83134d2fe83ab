// sandbox.h — a scratch platform for trying plugin files: a temporary
// directory with a plugin directory and a database holding the core's
// tables and the covenant's cities, a catalogue, a router, and a plugin host
// over them that loads through the real loader. Everything is removed with
// the object. `smartercities plugin check`, the test kit and the host's own
// tests use it.
//
// Thread-safety: not thread-safe; the host it starts is (plugin_host.h).
#ifndef SMARTERCITIES_CORE_PLUGINS_SANDBOX_H_
#define SMARTERCITIES_CORE_PLUGINS_SANDBOX_H_

#include <filesystem>
#include <memory>
#include <string_view>

#include "core/base/status.h"
#include "core/domain/catalog.h"
#include "core/http/router.h"
#include "core/plugins/plugin_host.h"
#include "core/storage/database.h"

namespace smartercities::plugins {

class Sandbox {
 public:
  // Makes the directory (named after purpose, e.g. "check") and the
  // database. Fails naming what could not be made.
  static Result<std::unique_ptr<Sandbox>> Create(std::string_view purpose);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path plugin_dir() const { return dir_ / "plugins"; }

  // Copies a plugin library into the plugin directory, with its sidecar
  // manifest when there is one. Fails naming the file it cannot read.
  Status AddPlugin(const std::filesystem::path& library);

  // Starts a plugin host over the plugin directory (loading every library
  // in it) with a new router, after stopping the one started before.
  // options.plugin_dir is set here. Only an unreadable plugin directory
  // fails; a plugin that does not load is shown by host().Modules().
  Status StartHost(PluginHostOptions options = {});
  // Stops the host (calling every module's shutdown).
  void StopHost();

  storage::Database& database() { return *database_; }
  domain::Catalog& catalog() { return *catalog_; }
  const std::shared_ptr<http::Router>& router() const { return router_; }
  // The host of the last StartHost; only between StartHost and StopHost.
  PluginHost& host() { return *host_; }

 private:
  explicit Sandbox(std::filesystem::path dir) : dir_(std::move(dir)) {}

  std::filesystem::path dir_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<domain::Catalog> catalog_;
  std::shared_ptr<http::Router> router_;
  std::unique_ptr<PluginHost> host_;
};

}  // namespace smartercities::plugins

#endif  // SMARTERCITIES_CORE_PLUGINS_SANDBOX_H_
