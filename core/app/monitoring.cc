#include "core/app/monitoring.h"

#include <sys/stat.h>

#include <fstream>

namespace smartercities::app {

Result<std::string> ReadMetricsToken(const Config& config) {
  if (config.metrics_token_file.empty()) return std::string();
  const std::string file = config.metrics_token_file.string();
  std::ifstream in(config.metrics_token_file);
  std::string token;
  if (!in || !std::getline(in, token)) {
    return Status::InvalidArgument("--metrics-token-file: '" + file +
                                   "' cannot be read");
  }
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.size() < 16) {
    return Status::InvalidArgument(
        "--metrics-token-file: the token in '" + file +
        "' is shorter than 16 characters; write a long random one, e.g. "
        "'openssl rand -hex 32 > " +
        file + "'");
  }
  struct stat info {};
  if (::stat(file.c_str(), &info) == 0 &&
      (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Status::InvalidArgument("--metrics-token-file: '" + file +
                                   "' can be read by others; 'chmod 600 " +
                                   file + "'");
  }
  return token;
}

Result<std::unique_ptr<http::Server>> ListenForMonitoring(
    const Config& config, std::shared_ptr<http::Router> router) {
  if (config.monitoring_address.empty()) {
    return std::unique_ptr<http::Server>();
  }
  http::ServerConfig server_config;
  Status parsed =
      ParseHostPort(config.monitoring_address, "--monitoring-address",
                    server_config.address, server_config.port);
  if (!parsed.ok()) return parsed;
  // Health checks and scrapes only: one thread of each kind is plenty.
  server_config.io_threads = 1;
  server_config.worker_threads = 1;
  server_config.module_threads = 1;
  server_config.password_threads = 1;
  auto server = std::make_unique<http::Server>(
      server_config, std::move(router), std::make_shared<http::Metrics>());
  Status listening = server->Listen();
  if (!listening.ok()) return listening.WithContext("--monitoring-address");
  return server;
}

}  // namespace smartercities::app
