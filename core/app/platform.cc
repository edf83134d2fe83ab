#include "core/app/platform.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <sstream>

#include "core/api/api_context.h"
#include "core/app/data_directory.h"
#include "core/app/monitoring.h"
#include "core/auth/audit.h"
#include "core/base/time_format.h"
#include "core/domain/amendments.h"
#include "core/domain/demo_data.h"
#include "core/domain/join_requests.h"
#include "core/domain/meetings.h"
#include "core/plugins/module_settings.h"
#include "core/report/core_sections.h"

namespace smartercities::app {

struct ApiState {
  api::ApiContext context;
};

namespace {

// The first administrator's password as configured: the config's, else the
// environment's; empty to generate one.
std::string FirstAdministratorPassword(const Config& config) {
  if (!config.initial_admin_password.empty()) {
    return config.initial_admin_password;
  }
  const char* from_env = std::getenv("SMARTERCITIES_ADMIN_PASSWORD");
  return from_env == nullptr ? std::string() : std::string(from_env);
}

// What could still fail once the data directory has been touched, checked
// before it is: a start that cannot finish creates nothing.
Status CheckBeforeCreating(const Config& config,
                           const std::string& first_password) {
  if (!first_password.empty()) {
    if (auto problem = auth::PasswordProblem(first_password, "admin")) {
      return Status::InvalidArgument(
          "SMARTERCITIES_ADMIN_PASSWORD, the first administrator's "
          "password: " +
          *problem);
    }
  }
  return PrepareDataDirectory(config, std::cerr);
}

// How many answered rescan requests the server keeps.
constexpr std::int64_t kKeptRescanAnswers = 10;

// What a rescan found, as the server answers a rescan request of the command
// line: the facts POST /api/v1/modules/rescan gives of each file, or the
// reason the scan failed.
//   {"items": [{"id", "file", "state", "enabled", "reason", "failure"}],
//    "total": N}  or  {"error": "..."}
std::string RescanAnswer(
    const Result<std::vector<plugins::ModuleInfo>>& found) {
  if (!found.ok()) {
    return nlohmann::json{{"error", found.status().message()}}.dump();
  }
  nlohmann::json items = nlohmann::json::array();
  for (const plugins::ModuleInfo& info : *found) {
    nlohmann::json item = {
        {"id", info.id},
        {"version", info.version},
        {"file", info.file},
        {"state", std::string(plugins::ToString(info.state))},
        {"enabled", info.enabled}};
    item["reason"] = info.reason.empty() ? nlohmann::json(nullptr)
                                         : nlohmann::json(info.reason);
    item["failure"] = info.failure == plugins::LoadFailure::kNone
                          ? nlohmann::json(nullptr)
                          : nlohmann::json(plugins::ToString(info.failure));
    items.push_back(std::move(item));
  }
  return nlohmann::json{{"items", items}, {"total", items.size()}}.dump();
}

}  // namespace

Result<std::unique_ptr<Platform>> Platform::Start(const Config& config) {
  std::unique_ptr<Platform> platform(new Platform());
  Status status = platform->Init(config);
  if (!status.ok()) return status;
  return platform;
}

Status Platform::Init(const Config& config) {
  config_ = config;
  // The port and the TLS files are checked first, so that a start that
  // cannot serve creates nothing: no database, no account, no token.
  router_ = std::make_shared<http::Router>();
  metrics_ = std::make_shared<http::Metrics>();
  http::ServerConfig server_config;
  server_config.address = config.host;
  server_config.port = config.port;
  server_config.io_threads = config.io_threads;
  server_config.worker_threads = config.worker_threads;
  server_config.search_threads = config.search_threads;
  server_config.module_threads = config.module_threads;
  server_config.access_log_json = config.log_format == "json";
  server_config.access_log =
      config.log_level == "debug" || config.log_level == "info";
  server_config.header_limit_bytes = config.header_limit_bytes;
  server_config.body_min_bytes_per_second = config.body_min_bytes_per_second;
  server_config.web_root = config.web_root.string();
  server_config.tls_cert_file = config.tls_cert_file.string();
  server_config.tls_key_file = config.tls_key_file.string();
  server_config.default_headers = {{"API-Version", api::kApiVersion}};
  server_ = std::make_unique<http::Server>(server_config, router_, metrics_);
  Status status = server_->Listen();
  if (!status.ok()) return status;
  monitoring_router_ = std::make_shared<http::Router>();
  auto monitoring = ListenForMonitoring(config, monitoring_router_);
  if (!monitoring.ok()) return monitoring.status();
  monitoring_ = std::move(monitoring).value();
  auto metrics_token = ReadMetricsToken(config);
  if (!metrics_token.ok()) return metrics_token.status();
  std::string first_password = FirstAdministratorPassword(config);
  status = CheckBeforeCreating(config, first_password);
  if (!status.ok()) return status;

  auto database = OpenDataDirectory(config, ThemeSync::kByHost, std::cerr);
  if (!database.ok()) return database.status();
  database_ = std::move(database).value();
  // Logins, sessions and the audit trail change nothing the public reads:
  // writing them must not make the cached public answers stale.
  database_->SetPrivateTables({"audit_log", "login_failures", "login_notices",
                               "operator_requests", "sessions"});

  tokens_ = std::make_unique<auth::TokenService>(*database_);
  hasher_ = std::make_unique<auth::PasswordHasher>();
  auth::SessionLimits limits;
  limits.max_failures_per_client = config.login_failures_per_client;
  accounts_ = std::make_unique<auth::Accounts>(*database_, *hasher_,
                                               config.clock, limits);
  {
    // What the first start creates is in the audit trail like every other
    // account and token.
    auth::AuditRecorder recorder({"system", "system", "first-start"});
    storage::ScopedWriteObserver observe(&recorder);
    auto created = tokens_->EnsureBootstrapAdmin(config.AdminTokenFile());
    if (!created.ok()) return created.status();
    admin_token_created_ = *created;
    auto first_admin = accounts_->EnsureFirstAdministrator(first_password);
    if (!first_admin.ok()) return first_admin.status();
    if (*first_admin && first_password.empty()) {
      generated_admin_password_ = **first_admin;
    }
  }

  catalog_ = std::make_unique<domain::Catalog>(*database_);
  // Public answers are rendered once per change of the data (or of the set
  // of modules) and served from memory until the next.
  cache_ = std::make_shared<http::ResponseCache>(
      [database = database_.get()] { return database->Generation(); });
  server_->SetResponseCache(cache_);
  plugins::PluginHostOptions options;
  options.plugin_dir = config.plugin_dir;
  options.enable_new_modules = config.enable_new_modules;
  options.enable_rescanned_modules = config.enable_rescanned_modules;
  options.handler_deadline =
      std::chrono::milliseconds(config.handler_deadline_ms);
  options.config = config.plugin_config;
  // Every module may name the platform's open data by resolvable URLs and
  // its publisher (Onze Stad's DCAT-AP catalogue), unless configured
  // otherwise for it.
  options.shared_config = {
      {"publicBaseUrl", PublicBaseUrl(config, server_->port())},
      {"catalogPublisher", config.catalog_publisher}};
  options.module_share = config.module_share;
  options.on_modules_changed = [cache = cache_] { cache->Invalidate(); };
  modules_ = std::make_unique<plugins::PluginHost>(options, *database_, router_,
                                                   *catalog_);
  status = modules_->LoadAll();
  if (!status.ok()) {
    // Without the plugin directory the core still serves; say why no theme
    // is there.
    spdlog::error("{}", status.message());
  }
  metrics_->AddCollector([this] { return modules_->RenderMetrics(); });

  bool tls = !config.tls_cert_file.empty();
  access_ = std::make_unique<AccessControl>(
      *database_, *catalog_, *accounts_, *tokens_, tls,
      AllowedOrigins(config, server_->port()));
  api_ = std::make_unique<ApiState>(
      ApiState{{*database_, *catalog_, *modules_, router_, metrics_,
                accounts_.get(), tokens_.get(), access_->CookieName(), tls,
                *metrics_token, config.metrics_public}});
  api_->context.documents_dir = config.DocumentsDir();
  api_->context.document_limit_bytes = config.document_limit_bytes;
  auto report_pages = web::PageRenderer::Load();
  if (!report_pages.ok()) return report_pages.status();
  report_pages_ =
      std::make_unique<web::PageRenderer>(std::move(report_pages).value());
  api_->context.pages = report_pages_.get();
  report::AddCoreSections(report_sections_);
  api_->context.report_sections = &report_sections_;
  publications_ = std::make_unique<domain::Publications>(*database_);
  publications_->AddSource(domain::JoinPublicationSource());
  publications_->AddSource(domain::AmendmentPublicationSource());
  publications_->AddSource(domain::MeetingDecisionPublicationSource());
  api_->context.publications = publications_.get();
  api_->context.open_data.base_url = PublicBaseUrl(config, server_->port());
  api_->context.open_data.publisher = config.catalog_publisher;
  api_->context.open_data.licence = config.catalog_licence;
  api_->context.open_data.contact_email = config.catalog_contact_email;
  status = api::RegisterCoreRoutes(api_->context);
  if (!status.ok()) return status;
  if (monitoring_) {
    status = api::RegisterMonitoringRoutes(api_->context, *monitoring_router_);
    if (status.ok()) status = monitoring_->Start();
    if (!status.ok()) return status;
  }
  auto site = web::Site::Create(
      {config.web_root, access_->CookieName(), tls, config.DocumentsDir(),
       config.document_limit_bytes},
      *database_, *catalog_, *modules_, *accounts_, *tokens_, router_);
  if (!site.ok()) return site.status();
  site_ = std::move(site).value();
  // The site's pages that call the API do so through the same check.
  site_->SetDispatcher(
      [this](http::Request& request, const http::Route& route) {
        return access_->Intercept(request, route);
      });

  server_->SetInterceptor(
      [this](http::Request& request, const http::Route& route) {
        // The site shows a refusal as a page (or the way to log in).
        return site_->ExplainRefusal(request, route,
                                     access_->Intercept(request, route));
      });
  status = server_->Start();
  if (!status.ok()) return status;
  watcher_ = std::thread([this] { WatchModuleSettings(); });
  return Status::Ok();
}

void Platform::WatchModuleSettings() {
  // The CLI (`smartercities modules enable|disable`, `demo load`, ...) and,
  // on PostgreSQL, the other nodes write to the database; the running
  // server notices within 100 ms that the data changed (so no cached answer
  // outlives it), follows module settings and rescan requests as soon as
  // their tables changed, and every two seconds whatever happened.
  std::uint64_t seen = 0;
  auto watched = [this] {
    return database_->TableGeneration("modules") +
           database_->TableGeneration("operator_requests");
  };
  while (!stopping_.load()) {
    for (int i = 0; i < 20 && !stopping_.load(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      database_->PollExternalChanges();
      if (watched() != seen) break;
    }
    if (stopping_.load()) break;
    seen = watched();
    modules_->ApplyStoredSettings();
    HandleOperatorRequests();
  }
}

void Platform::HandleOperatorRequests() {
  std::vector<std::int64_t> pending;
  Status looked = database_->Read([&](storage::Connection& db) {
    return db.Execute(
        "SELECT id FROM operator_requests "
        "WHERE kind = 'rescan' AND answered_at IS NULL ORDER BY id",
        {}, [&](const storage::Row& row) {
          pending.push_back(row.Integer("id"));
          return true;
        });
  });
  // Most of the time there is nothing to do, and nothing is written.
  if (!looked.ok() || pending.empty()) return;
  // One scan answers every request waiting for it.
  auto added = modules_->Rescan();
  std::string answer = RescanAnswer(added);
  if (added.ok()) {
    auto refused = std::count_if(
        added->begin(), added->end(), [](const plugins::ModuleInfo& info) {
          return info.state == plugins::ModuleState::kFailed;
        });
    spdlog::info(
        "rescan requested from the command line: new files {}, refused {}",
        added->size(), refused);
  } else {
    spdlog::error("rescan: {}", added.status().message());
  }
  std::string now = NowUtc();
  Status answered = database_->Write([&](storage::Connection& db) {
    // The answers of earlier rescans have been read by now; the latest few
    // stay for a command that is slow to look.
    Status pruned = db.Execute(
        "DELETE FROM operator_requests WHERE answered_at IS NOT NULL AND id "
        "NOT IN (SELECT id FROM operator_requests WHERE answered_at IS NOT "
        "NULL ORDER BY id DESC LIMIT ?1)",
        std::vector<storage::Value>{kKeptRescanAnswers});
    if (!pruned.ok()) return pruned;
    for (std::int64_t id : pending) {
      // A command that gave up waiting has deleted its request.
      Status status = db.Execute(
          "UPDATE operator_requests SET answered_at = ?2, answer = ?3 "
          "WHERE id = ?1 AND answered_at IS NULL",
          std::vector<storage::Value>{id, now, answer});
      if (!status.ok()) return status;
    }
    return Status::Ok();
  });
  if (!answered.ok()) {
    spdlog::error("rescan: cannot store the answer: {}", answered.message());
  }
}

void Platform::Stop() {
  if (stopping_.exchange(true)) return;
  if (watcher_.joinable()) watcher_.join();
  if (monitoring_) monitoring_->Stop();
  if (server_) server_->Stop();
  if (modules_) modules_->ShutdownAll();
}

Platform::~Platform() { Stop(); }

namespace {

Result<std::map<std::string, bool>> StoredSettings(storage::Database& db) {
  auto stored = plugins::ModuleSettings(db).All();
  if (!stored.ok()) return stored.status();
  std::map<std::string, bool> settings;
  for (const auto& [id, setting] : *stored) settings[id] = setting.enabled;
  return settings;
}

}  // namespace

Status ListModules(const Config& config, std::ostream& out) {
  auto database = OpenDataDirectory(config, ThemeSync::kFromSidecars, out);
  if (!database.ok()) return database.status();
  auto settings = StoredSettings(**database);
  if (!settings.ok()) return settings.status();
  auto modules = ReadSidecars(config.plugin_dir);
  out << std::left << std::setw(18) << "ID" << std::setw(10) << "VERSION"
      << std::setw(10) << "SETTING"
      << "FILE\n";
  for (const auto& module : modules) {
    auto it = settings->find(module.id);
    std::string setting = it == settings->end()
                              ? (config.enable_new_modules ? "new" : "new-off")
                              : (it->second ? "enabled" : "disabled");
    out << std::setw(18) << module.id << std::setw(10)
        << (module.version.empty() ? "-" : module.version) << std::setw(10)
        << setting << module.file.string() << "\n";
    if (!module.problem.empty()) out << "  problem: " << module.problem << "\n";
  }
  if (modules.empty()) {
    out << "no modules in " << config.plugin_dir.string() << "\n";
  }
  return Status::Ok();
}

Status SetModuleEnabled(const Config& config, const std::string& id,
                        bool enabled, std::ostream& out) {
  auth::AuditRecorder recorder({"cli", "operator", "cli"});
  storage::ScopedWriteObserver observe(&recorder);
  auto modules = ReadSidecars(config.plugin_dir);
  bool known = std::any_of(modules.begin(), modules.end(),
                           [&](const SidecarModule& m) { return m.id == id; });
  auto database = OpenDataDirectory(config, ThemeSync::kFromSidecars, out);
  if (!database.ok()) return database.status();
  auto settings = StoredSettings(**database);
  if (!settings.ok()) return settings.status();
  if (!known && !settings->contains(id)) {
    std::string ids;
    for (const auto& module : modules)
      ids += (ids.empty() ? "" : ", ") + module.id;
    return Status::NotFound("no module '" + id + "' in " +
                            config.plugin_dir.string() +
                            (ids.empty() ? "" : " (there are: " + ids + ")"));
  }
  Status status =
      plugins::ModuleSettings(**database)
          .Store(id, enabled, enabled ? "" : "switched off by cli", "cli");
  if (!status.ok()) return status;
  out << "module '" << id << "' " << (enabled ? "enabled" : "disabled")
      << "; a running server applies this within two seconds\n";
  return Status::Ok();
}

Status Demo(const Config& config, bool load, std::ostream& out) {
  auth::AuditRecorder recorder({"cli", "operator", "cli"});
  storage::ScopedWriteObserver observe(&recorder);
  auto database = OpenDataDirectory(config, ThemeSync::kFromSidecars, out);
  if (!database.ok()) return database.status();
  std::vector<domain::ThemeManifest> themes;
  for (auto& module : ReadSidecars(config.plugin_dir)) {
    if (module.manifest) themes.push_back(*module.manifest);
  }
  auto summary = load ? domain::LoadDemo(**database, themes)
                      : domain::RemoveDemo(**database, themes);
  if (!summary.ok()) return summary.status();
  out << (load ? "loaded" : "removed")
      << " the demo sample: " << summary->measurements << " figures and "
      << summary->theme_rows << " theme records across " << themes.size()
      << " themes\n";
  return Status::Ok();
}

namespace {

// "1 new module", "2 new modules".
std::string Count(std::size_t count, const std::string& singular,
                  const std::string& plural) {
  std::string text = std::to_string(count);
  text.append(" ").append(count == 1 ? singular : plural);
  return text;
}

// Prints what the server's rescan found, one line per file, then the count.
Status PrintRescanAnswer(const std::string& text, std::ostream& out) {
  nlohmann::json answer = nlohmann::json::parse(text, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) {
    std::string message = "rescan: the server's answer is not JSON: ";
    message.append(text.substr(0, 200));
    return Status::Internal(message);
  }
  if (answer.contains("error")) {
    std::string message = "rescan: the server could not scan: ";
    message.append(answer["error"].is_string()
                       ? answer["error"].get<std::string>()
                       : answer["error"].dump());
    return Status::Unavailable(message);
  }
  std::size_t loaded = 0;
  std::size_t refused = 0;
  for (const nlohmann::json& item : answer.value("items", nlohmann::json())) {
    if (!item.is_object()) continue;
    std::string id = item.value("id", "");
    std::string file = item.value("file", "");
    std::string state = item.value("state", "");
    if (state == "failed") {
      ++refused;
      out << "refused: " << id << " " << file << "\n";
      auto reason = item.find("reason");
      if (reason != item.end() && reason->is_string()) {
        out << "  problem: " << reason->get<std::string>() << "\n";
      }
      continue;
    }
    ++loaded;
    out << "new: " << id << " " << file << " (" << state;
    if (!item.value("enabled", false)) {
      out << "; 'smartercities modules enable " << id << "' switches it on";
    }
    out << ")\n";
  }
  out << "rescan: the server ";
  if (loaded == 0 && refused == 0) {
    out << "found no new modules\n";
    return Status::Ok();
  }
  out << "loaded "
      << (loaded == 0 ? std::string("no new modules")
                      : Count(loaded, "new module", "new modules"));
  if (refused > 0) out << " and refused " << Count(refused, "file", "files");
  out << "\n";
  return Status::Ok();
}

}  // namespace

Status RequestRescan(const Config& config, std::ostream& out,
                     std::chrono::milliseconds wait) {
  // The server loads the files and syncs their themes itself: the command
  // only asks, and reports the answer.
  auto database = OpenDataDirectory(config, ThemeSync::kByHost, out);
  if (!database.ok()) return database.status();
  storage::Database& db = **database;
  std::int64_t request_id = 0;
  Status status = db.Write([&](storage::Connection& connection) {
    Status inserted = connection.Execute(
        "INSERT INTO operator_requests (kind, requested_at, requested_by) "
        "VALUES ('rescan', ?1, 'cli')",
        std::vector<storage::Value>{NowUtc()});
    request_id = connection.LastInsertId();
    return inserted;
  });
  if (!status.ok()) return status;

  auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    // The request's row: answered, waiting, or gone (pruned by the server
    // long after it answered).
    bool exists = false;
    std::optional<std::string> answer;
    status = db.Read([&](storage::Connection& connection) {
      return connection.Execute(
          "SELECT answered_at, answer FROM operator_requests WHERE id = ?1",
          std::vector<storage::Value>{request_id},
          [&](const storage::Row& row) {
            exists = true;
            if (row.OptionalText("answered_at")) {
              answer = row.OptionalText("answer").value_or("");
            }
            return false;
          });
    });
    if (!status.ok()) return status;
    if (answer) return PrintRescanAnswer(*answer, out);
    if (!exists) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      // Withdrawn, so that a server started later does not scan for a
      // command that no longer waits; unless the answer came meanwhile.
      std::int64_t withdrawn = 0;
      status = db.Write([&](storage::Connection& connection) {
        Status deleted = connection.Execute(
            "DELETE FROM operator_requests WHERE id = ?1 AND answered_at IS "
            "NULL",
            std::vector<storage::Value>{request_id});
        withdrawn = connection.Changes();
        return deleted;
      });
      if (!status.ok()) return status;
      if (withdrawn == 0) continue;
      out << "rescan: no running server took the request within "
          << std::chrono::duration_cast<std::chrono::seconds>(wait).count()
          << " seconds; the server loads the new files when it next starts\n";
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  out << "rescan: the server answered, but its answer is no longer stored; "
         "'smartercities modules list' shows the modules\n";
  return Status::Ok();
}

}  // namespace smartercities::app
