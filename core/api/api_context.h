// api_context.h — what the core's JSON endpoints need, handed to each
// Register*Routes function by the app. The referenced objects outlive the
// server; nothing here is owned.
#ifndef SMARTERCITIES_CORE_API_API_CONTEXT_H_
#define SMARTERCITIES_CORE_API_API_CONTEXT_H_

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/auth/accounts.h"
#include "core/auth/token_service.h"
#include "core/domain/catalog.h"
#include "core/domain/publications.h"
#include "core/http/metrics.h"
#include "core/http/router.h"
#include "core/plugins/plugin_host.h"
#include "core/report/progress_report.h"
#include "core/storage/database.h"
#include "core/web/page_renderer.h"

namespace smartercities::api {

// The API's semantic version, sent as the API-Version header and in the
// OpenAPI document. The major is the /api/v1 in every path.
inline constexpr const char* kApiVersion = "1.0.0";

// What the open-data downloads and the DCAT-AP catalogue say about
// themselves (config.h, docs/open-data.md).
struct OpenDataSettings {
  // "https://dsa.example.nl", without a trailing slash.
  std::string base_url;
  std::string publisher = "Stichting Stedenlink";
  std::string licence = "http://creativecommons.org/publicdomain/zero/1.0/";
  std::string contact_email;  // empty: no contact point
  // Where download files are written while they are sent (empty: the
  // system's temporary directory).
  std::string temp_dir;
};

struct ApiContext {
  storage::Database& database;
  domain::Catalog& catalog;
  plugins::PluginHost& modules;
  std::shared_ptr<http::Router> router;
  std::shared_ptr<http::Metrics> metrics;
  auth::Accounts* accounts = nullptr;
  auth::TokenService* tokens = nullptr;
  // The login cookie's name and attributes (Secure under TLS).
  std::string session_cookie = "sc_session";
  bool tls = false;
  // Who sees /metrics and the modules in /readyz besides administrators:
  // callers that send this token as a bearer token (empty: none), everyone.
  std::string metrics_token;
  bool metrics_public = false;
  // The templates and translations of the progress report's HTML and PDF.
  const web::PageRenderer* pages = nullptr;
  // The sections the covenant's procedures add to the progress report.
  const report::ReportSections* report_sections = nullptr;
  // What the covenant's procedures publish (art. 8, 9e); null: nothing.
  const domain::Publications* publications = nullptr;
  OpenDataSettings open_data = {};
  // The knowledge base's files, each named by its SHA-256 (empty: no
  // document routes), and the largest file an upload may hold.
  std::filesystem::path documents_dir = {};
  std::size_t document_limit_bytes = 25 * 1024 * 1024;
};

// Each adds its resource's routes to context.router (owner "core").
Status RegisterHealthRoutes(ApiContext& context);
Status RegisterThemeRoutes(ApiContext& context);
Status RegisterCityRoutes(ApiContext& context);
Status RegisterModuleRoutes(ApiContext& context);
Status RegisterMeasurementRoutes(ApiContext& context);
Status RegisterProgressRoutes(ApiContext& context);
Status RegisterReportRoutes(ApiContext& context);
Status RegisterOpenApiRoute(ApiContext& context);
Status RegisterSessionRoutes(ApiContext& context);
Status RegisterUserRoutes(ApiContext& context);
Status RegisterTokenRoutes(ApiContext& context);
Status RegisterAuditRoutes(ApiContext& context);
// Projects, meetings and funding: the rolling agenda (agenda_api.cc).
Status RegisterAgendaRoutes(ApiContext& context);
Status RegisterParticipationRoutes(ApiContext& context);
Status RegisterPublicationRoutes(ApiContext& context);
// The amendment procedure and an agreement's versions (amendments_api.cc).
Status RegisterAmendmentRoutes(ApiContext& context);
// The knowledge base's documents and the full-text search over them and
// the agenda's texts (documents_api.cc).
Status RegisterDocumentRoutes(ApiContext& context);

// The bulk downloads and the DCAT-AP catalogue (exports_api.cc).
Status RegisterExportRoutes(ApiContext& context);

// All of the above.
Status RegisterCoreRoutes(ApiContext& context);

// /healthz, /readyz and /metrics with every detail, for the monitoring
// listener's own router.
Status RegisterMonitoringRoutes(ApiContext& context, http::Router& router);

// Whether request may see /metrics and the modules in /readyz.
bool MayMonitor(const ApiContext& context, const http::Request& request);

// The theme called id if its module is enabled, otherwise NotFound (a
// disabled theme is not part of the agenda's answers).
Result<domain::ThemeManifest> LoadTheme(ApiContext& context,
                                        std::string_view id);

}  // namespace smartercities::api

#endif  // SMARTERCITIES_CORE_API_API_CONTEXT_H_
