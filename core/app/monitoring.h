// monitoring.h — what the platform offers monitoring besides the API: the
// token that lets a scraper read /metrics and the modules in /readyz, and
// an optional listener of its own for /healthz, /readyz and /metrics, on an
// address only the monitoring reaches (loopback, a management network).
//
// Thread-safety: free functions without shared state.
#ifndef SMARTERCITIES_CORE_APP_MONITORING_H_
#define SMARTERCITIES_CORE_APP_MONITORING_H_

#include <memory>
#include <string>

#include "core/app/config.h"
#include "core/base/status.h"
#include "core/http/router.h"
#include "core/http/server.h"

namespace smartercities::app {

// The token in config.metrics_token_file (its first line), or "" when none
// is configured. InvalidArgument naming the file when it cannot be read, is
// readable by others than its owner, or holds fewer than 16 characters.
Result<std::string> ReadMetricsToken(const Config& config);

// A plain-HTTP server on config.monitoring_address for the routes of
// router, bound (Listen) but not started; null when no address is
// configured. Fails as Server::Listen does, naming the setting.
Result<std::unique_ptr<http::Server>> ListenForMonitoring(
    const Config& config, std::shared_ptr<http::Router> router);

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_MONITORING_H_
