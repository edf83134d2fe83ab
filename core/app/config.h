// config.h — the settings of `smartercities serve` and the operator
// commands: defaults that work from the build tree and from an install, then
// a JSON config file, then environment variables, then command-line flags,
// each overriding the one before (command_line.h).
#ifndef SMARTERCITIES_CORE_APP_CONFIG_H_
#define SMARTERCITIES_CORE_APP_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace smartercities::app {

struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::filesystem::path data_dir = "var";
  // A PostgreSQL database (postgresql://user:password@host:5432/name) to
  // keep the data in instead of the SQLite file in data_dir, for several
  // nodes sharing one database (docs/postgresql.md). data_dir still holds
  // the administrator token and the knowledge base's files.
  std::string database_url;
  std::filesystem::path plugin_dir;  // default: next to the executable
  std::filesystem::path web_root;    // default: next to the executable
  // PEM certificate (chain) and private key: with both, the server speaks
  // only HTTPS; with neither, plain HTTP. Checked when the server starts.
  std::filesystem::path tls_cert_file;
  std::filesystem::path tls_key_file;
  int io_threads = 2;
  // Eight, not four: figures sent at once share their commit
  // (Database::WriteGrouped), and more writers at once share more.
  int worker_threads = 8;
  int module_threads = 8;
  int search_threads = 0;  // 0: one per core
  // How many requests of one theme module run or wait at once.
  int module_share = 4;
  int handler_deadline_ms = 10000;
  std::size_t header_limit_bytes = 8 * 1024;
  // The largest file of the knowledge base an editor may upload
  // (docs/knowledge-base.md).
  std::size_t document_limit_bytes = 25 * 1024 * 1024;
  bool enable_new_modules = true;
  bool enable_rescanned_modules = false;
  // The origins ("https://dsa.example.nl", scheme://host[:port], lower
  // case) the platform's pages are served from: a change made with a login
  // session must carry one of them in its Origin header. Empty: the
  // server's own address (see AllowedOrigins).
  std::vector<std::string> public_origins;
  // A request body may take longer than the read timeout while it arrives
  // at least this fast; a slower one gets 408.
  std::size_t body_min_bytes_per_second = 8192;
  // Failed logins from one client within 15 minutes after which its logins
  // are refused; 0 for no limit (behind a proxy that hides the clients'
  // addresses).
  int login_failures_per_client = 20;
  // Who else than administrators sees /metrics and the modules in /readyz:
  // callers that send the token in this file as "Authorization: Bearer",
  // everyone (metrics_public), and anyone who reaches monitoring_address
  // ("127.0.0.1:9100"), a listener of its own for /healthz, /readyz and
  // /metrics only.
  std::filesystem::path metrics_token_file;
  bool metrics_public = false;
  std::string monitoring_address;
  std::string log_format = "text";  // "text" or "json"
  std::string log_level = "info";
  std::map<std::string, std::map<std::string, std::string>> plugin_config;
  // Open data (docs/open-data.md): the address the platform is reached at
  // from outside ("https://dsa.example.nl"), so that the DCAT-AP catalogue
  // names its datasets and downloads by URLs that resolve (empty: the first
  // public origin, else the server's own address); who publishes the data;
  // its licence (an IRI); and the e-mail address of its contact point
  // (empty: the catalogue names none).
  std::string public_base_url;
  std::string catalog_publisher = "Stichting Stedenlink";
  std::string catalog_licence =
      "http://creativecommons.org/publicdomain/zero/1.0/";
  std::string catalog_contact_email;
  // The first administrator's password; empty: taken from the environment
  // variable SMARTERCITIES_ADMIN_PASSWORD, else generated at first start
  // and shown once.
  std::string initial_admin_password;
  // The clock of sessions and login throttling; empty: the system clock.
  // Tests set it to move time.
  std::function<std::chrono::system_clock::time_point()> clock;

  std::filesystem::path DatabaseFile() const {
    return data_dir / "smartercities.db";
  }
  std::filesystem::path AdminTokenFile() const {
    return data_dir / "admin-token";
  }
  // Where the knowledge base's files are kept, each named by its SHA-256.
  std::filesystem::path DocumentsDir() const { return data_dir / "documents"; }
};

// Defaults for an executable at exe_path: plugins and web root looked up
// beside it (build tree: <build>/plugins; install: <prefix>/lib/smartercities
// /plugins and <prefix>/share/smartercities/web).
Config DefaultConfig(const std::filesystem::path& exe_path);

// Applies a JSON config file; every error names the file and the field.
Status ApplyConfigFile(const std::filesystem::path& file, Config& config);

// Sets one setting by its flag name without dashes ("data-dir"), as a
// flag, an environment variable or the config file gives it; `where` names
// that source at the start of the message of a bad value.
Status ApplySetting(std::string_view name, const std::string& value,
                    const std::string& where, Config& config);

// The checks across settings: a TLS certificate without a key, or the other
// way round.
Status CheckConfig(const Config& config);

// The origins a change made with a login session may come from: the
// configured public origins, or else the server's own address as a browser
// names it (scheme://host:port; for a loopback or any-address host also
// localhost, 127.0.0.1 and [::1]). port is the port actually bound.
std::vector<std::string> AllowedOrigins(const Config& config,
                                        std::uint16_t port);

// The address the platform is reached at from outside, without a trailing
// slash: public_base_url, else the first public origin, else the server's
// own address (scheme://host:port) with the bound port.
std::string PublicBaseUrl(const Config& config, std::uint16_t port);

// Splits "host:port" or "[v6]:port"; InvalidArgument naming where.
Status ParseHostPort(const std::string& text, const std::string& where,
                     std::string& host, std::uint16_t& port);

}  // namespace smartercities::app

#endif  // SMARTERCITIES_CORE_APP_CONFIG_H_
