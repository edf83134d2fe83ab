// platform.h — the whole running platform wired together: database, core
// schema and cities, administrator token, theme modules, API routes and the
// HTTP server. `smartercities serve` is Platform::Start plus waiting for a
// signal; the integration tests start it the same way.
//
// Thread-safety: Start and Stop from one thread; the accessors may be used
// from any thread while it runs.
#ifndef SMARTERCITIES_CORE_APP_PLATFORM_H_
#define SMARTERCITIES_CORE_APP_PLATFORM_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/app/access_control.h"
#include "core/app/config.h"
#include "core/auth/accounts.h"
#include "core/auth/passwords.h"
#include "core/auth/token_service.h"
#include "core/base/status.h"
#include "core/domain/catalog.h"
#include "core/domain/publications.h"
#include "core/http/response_cache.h"
#include "core/http/server.h"
#include "core/plugins/plugin_host.h"
#include "core/report/progress_report.h"
#include "core/storage/database.h"
#include "core/web/site.h"

namespace smartercities::app {

class Platform {
 public:
  // Opens (creating) the data directory and database, migrates, seeds the
  // cities, loads the modules and starts serving. admin_token_created is set
  // when this start created the administrator token.
  static Result<std::unique_ptr<Platform>> Start(const Config& config);
  ~Platform();

  std::uint16_t port() const { return server_->port(); }
  bool admin_token_created() const { return admin_token_created_; }
  // The first administrator's password when this start created the
  // account with a generated one (to show once); empty otherwise.
  const std::string& generated_admin_password() const {
    return generated_admin_password_;
  }
  plugins::PluginHost& modules() { return *modules_; }
  storage::Database& database() { return *database_; }
  // Every route served now, core and plugin (for tests and tools).
  const http::Router& router() const { return *router_; }

  // Finishes requests in flight, stops the server and the modules.
  void Stop();

 private:
  Platform() = default;
  Status Init(const Config& config);
  void WatchModuleSettings();
  void HandleOperatorRequests();

  Config config_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<domain::Catalog> catalog_;
  std::unique_ptr<auth::TokenService> tokens_;
  std::unique_ptr<auth::PasswordHasher> hasher_;
  std::unique_ptr<auth::Accounts> accounts_;
  std::unique_ptr<AccessControl> access_;
  std::shared_ptr<http::Router> router_;
  std::shared_ptr<http::Metrics> metrics_;
  std::shared_ptr<http::ResponseCache> cache_;
  std::unique_ptr<plugins::PluginHost> modules_;
  std::unique_ptr<struct ApiState> api_;
  std::unique_ptr<web::Site> site_;
  // The progress report's templates, and the sections the covenant's
  // procedures add to it (the agenda's projects and meetings).
  std::unique_ptr<web::PageRenderer> report_pages_;
  report::ReportSections report_sections_;
  // The procedures' publications (art. 8, 9e): each procedure adds its
  // source at start-up.
  std::unique_ptr<domain::Publications> publications_;
  std::unique_ptr<http::Server> server_;
  // The listener of --monitoring-address, when configured.
  std::shared_ptr<http::Router> monitoring_router_;
  std::unique_ptr<http::Server> monitoring_;
  bool admin_token_created_ = false;
  std::string generated_admin_password_;
  std::atomic<bool> stopping_{false};
  std::thread watcher_;
};

// Prints the modules found in plugin_dir (from their sidecar manifests, no
// plugin code is run) with the settings stored in data_dir's database.
Status ListModules(const Config& config, std::ostream& out);

// Stores the enabled setting of a module found in plugin_dir; a running
// server applies it within two seconds.
Status SetModuleEnabled(const Config& config, const std::string& id,
                        bool enabled, std::ostream& out);

// How long `smartercities modules rescan` waits for a running server's
// answer: the server looks for requests every two seconds.
inline constexpr std::chrono::milliseconds kRescanWait{6000};

// Asks a running server on the same data directory to rescan its plugin
// directory, waits up to `wait` for its answer and prints it: one line per
// new file (the module it loaded, or the file it refused and why), then how
// many it loaded. Without an answer in time (no server runs), withdraws the
// request and says so; that is not a failure. A scan the server could not
// make (no plugin directory) is returned as kUnavailable.
Status RequestRescan(const Config& config, std::ostream& out,
                     std::chrono::milliseconds wait = kRescanWait);

// Loads (load true) or removes the demo sample: figures for every indicator
// and each theme's own sample records, all marked as demo.
Status Demo(const Config& config, bool load, std::ostream& out);

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_PLATFORM_H_
