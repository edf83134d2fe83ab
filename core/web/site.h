// site.h — the web site: the public pages (dashboard, theme, agreement,
// indicator, city, search), logging in and out, the editors' figure entry
// and the administrators' pages, each an HTML page rendered on the server
// from a template over the same domain objects the API reads.
//
// Dutch pages live at /…, the same pages in English under /en/…; the page
// is a function of its URL and the stored data only, so the public ones are
// cacheable routes (the response cache keeps them until the data changes).
// Pages for a logged-in user are not cached and run on the core lane; the
// login form posts to the password lane. Every route declares its
// permission and passes the platform's one authorization point, forms
// included (they carry the session's CSRF token in a hidden field).
//
// Thread-safety: after Create, all handlers may run on many threads.
#ifndef SMARTERCITIES_CORE_WEB_SITE_H_
#define SMARTERCITIES_CORE_WEB_SITE_H_

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/auth/accounts.h"
#include "core/auth/token_service.h"
#include "core/base/status.h"
#include "core/domain/catalog.h"
#include "core/http/router.h"
#include "core/plugins/plugin_host.h"
#include "core/storage/database.h"
#include "core/web/assets.h"
#include "core/web/page_renderer.h"

namespace smartercities::web {

// The tag of every route of the site (for the authorization point's
// answers, which the site turns into pages).
inline constexpr const char* kRouteTag = "web";

struct SiteOptions {
  std::filesystem::path web_root;  // where the built assets are; may be empty
  std::string session_cookie = "sc_session";
  bool tls = false;
  // The knowledge base's files (Config::DocumentsDir) and the largest one
  // the upload form accepts.
  std::filesystem::path documents_dir;
  std::size_t document_limit_bytes = 25 * 1024 * 1024;
};

class Site {
 public:
  // Loads the templates, translations and assets, and adds the site's
  // routes to router (owner "core", tag kRouteTag).
  static Result<std::unique_ptr<Site>> Create(
      SiteOptions options, storage::Database& database,
      domain::Catalog& catalog, plugins::PluginHost& modules,
      auth::Accounts& accounts, auth::TokenService& tokens,
      std::shared_ptr<http::Router> router);

  // The page to show instead of a refusal of the authorization point
  // (401, 403, 415, ...) on one of the site's routes, with the same status:
  // a GET without a login gets the login form, which leads back to the
  // page; anything else gets an HTML page that says what happened. Other
  // responses pass unchanged.
  http::Response ExplainRefusal(const http::Request& request,
                                const http::Route& route,
                                http::Response response) const;

  // What the page handlers share. Not part of the site's interface for
  // other subsystems.
  storage::Database& database() { return database_; }
  domain::Catalog& catalog() { return catalog_; }
  plugins::PluginHost& modules() { return modules_; }
  auth::Accounts& accounts() { return accounts_; }
  auth::TokenService& tokens() { return tokens_; }
  const PageRenderer& pages() const { return pages_; }
  const Assets& assets() const { return assets_; }
  const SiteOptions& options() const { return options_; }
  http::Router& router() { return *router_; }

  // The model every page starts from: language, the assets, the URL of the
  // same page in the other language, the navigation, and (for pages that
  // are not cached) the logged-in user with the CSRF token for forms.
  nlohmann::json BaseModel(const http::Request& request, Language language,
                           const std::string& title, bool personal) const;

  // A rendered page as a response (text/html).
  http::Response Page(std::string_view name, Language language,
                      nlohmann::json model, int status = 200) const;

  // The login form; extra is merged into its model (fields, errors,
  // message, back: where to go after logging in).
  http::Response LoginForm(const http::Request& request, Language language,
                           const nlohmann::json& extra, int status) const;

  // A page that says something went wrong (404, 403, ...).
  http::Response ErrorPage(const http::Request& request, Language language,
                           int status, const std::string& message) const;

  // How a request to a route is run with the caller's identity checked: the
  // platform's authorization point. Set once, before serving.
  using Dispatcher =
      std::function<http::Response(http::Request&, const http::Route&)>;
  void SetDispatcher(Dispatcher dispatcher) {
    dispatcher_ = std::move(dispatcher);
  }

  // Calls an API route in-process for a page, as the caller of outer (its
  // cookie, Origin and the CSRF token of its form go along), through the
  // same authorization point as any API request, and a theme module's
  // route within the module's share. body, when not null, is sent as JSON.
  // extra_headers go along as well (an Accept header, say).
  http::Response CallApi(const http::Request& outer, const std::string& method,
                         const std::string& target,
                         const nlohmann::json& body = nullptr,
                         const http::Pairs& extra_headers = {}) const;

  // Adds a GET page at path (Dutch) and at /en + path (English).
  Status AddPage(
      const std::string& path, http::RouteOptions options,
      std::function<http::Response(http::Request&, Language)> handler);
  // Adds one route of the site (a form's POST, the CSV download).
  Status AddRoute(const std::string& method, const std::string& path,
                  http::RouteOptions options, http::Handler handler);

 private:
  Site(SiteOptions options, storage::Database& database,
       domain::Catalog& catalog, plugins::PluginHost& modules,
       auth::Accounts& accounts, auth::TokenService& tokens,
       std::shared_ptr<http::Router> router, PageRenderer pages, Assets assets);

  SiteOptions options_;
  storage::Database& database_;
  domain::Catalog& catalog_;
  plugins::PluginHost& modules_;
  auth::Accounts& accounts_;
  auth::TokenService& tokens_;
  std::shared_ptr<http::Router> router_;
  PageRenderer pages_;
  Assets assets_;
  Dispatcher dispatcher_;
};

// The language of a request's path: English under /en.
Language LanguageOf(std::string_view path);
// The site's path in a language: "/themas/x" or "/en/themas/x"; "/" and
// "/en" for the dashboard.
std::string Localize(std::string_view path, Language language);

// Route registrations, one per group of pages.
Status RegisterPublicPages(Site& site);
Status RegisterAccountPages(Site& site);
Status RegisterAdminPages(Site& site);
Status RegisterRegisterPages(Site& site);
Status RegisterReportPages(Site& site);
Status RegisterProcedurePages(Site& site);
Status RegisterAgendaPages(Site& site);
// The knowledge base: a theme's documents and the upload form.
Status RegisterDocumentPages(Site& site);

}  // namespace smartercities::web

#endif  // SMARTERCITIES_CORE_WEB_SITE_H_
