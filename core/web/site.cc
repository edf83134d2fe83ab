#include "core/web/site.h"

#include <spdlog/spdlog.h>

#include <cctype>

namespace smartercities::web {
namespace {

using nlohmann::json;

// The problem's detail, or the whole body when it is not a problem.
std::string ProblemDetail(const http::Response& response) {
  json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("detail") &&
      body["detail"].is_string()) {
    return body["detail"].get<std::string>();
  }
  return "";
}

}  // namespace

Language LanguageOf(std::string_view path) {
  return path == "/en" || path.starts_with("/en/") ? Language::kEnglish
                                                   : Language::kDutch;
}

std::string Localize(std::string_view path, Language language) {
  std::string dutch(path);
  if (LanguageOf(path) == Language::kEnglish) {
    dutch = path.size() <= 3 ? "/" : std::string(path.substr(3));
  }
  if (language == Language::kDutch) return dutch;
  return dutch == "/" ? "/en" : "/en" + dutch;
}

Site::Site(SiteOptions options, storage::Database& database,
           domain::Catalog& catalog, plugins::PluginHost& modules,
           auth::Accounts& accounts, auth::TokenService& tokens,
           std::shared_ptr<http::Router> router, PageRenderer pages,
           Assets assets)
    : options_(std::move(options)),
      database_(database),
      catalog_(catalog),
      modules_(modules),
      accounts_(accounts),
      tokens_(tokens),
      router_(std::move(router)),
      pages_(std::move(pages)),
      assets_(std::move(assets)) {}

Result<std::unique_ptr<Site>> Site::Create(
    SiteOptions options, storage::Database& database, domain::Catalog& catalog,
    plugins::PluginHost& modules, auth::Accounts& accounts,
    auth::TokenService& tokens, std::shared_ptr<http::Router> router) {
  auto pages = PageRenderer::Load();
  if (!pages.ok()) return pages.status();
  Assets assets = Assets::Load(options.web_root);
  std::unique_ptr<Site> site(
      new Site(std::move(options), database, catalog, modules, accounts, tokens,
               std::move(router), std::move(*pages), std::move(assets)));
  // The built styles and scripts, from memory, on the I/O thread.
  http::RouteOptions asset_options;
  asset_options.permission = "public";
  asset_options.lane = http::Lane::kInline;
  asset_options.body_limit_bytes = 0;
  asset_options.tag = kRouteTag;
  asset_options.summary = "The site's built styles and scripts";
  Site* self = site.get();
  Status status = site->router_->Add({"GET", "/assets/{file}", "core",
                                      [self](http::Request& request) {
                                        return self->assets_.Serve(
                                            request.Param("file"), request);
                                      },
                                      asset_options});
  if (!status.ok()) return status;
  for (auto* add :
       {&RegisterPublicPages, &RegisterAccountPages, &RegisterAdminPages,
        &RegisterRegisterPages, &RegisterReportPages, &RegisterProcedurePages,
        &RegisterAgendaPages, &RegisterDocumentPages}) {
    status = (*add)(*site);
    if (!status.ok()) return status;
  }
  return site;
}

json Site::BaseModel(const http::Request& request, Language language,
                     const std::string& title, bool personal) const {
  std::string other_path =
      Localize(request.path, language == Language::kDutch ? Language::kEnglish
                                                          : Language::kDutch);
  std::size_t query = request.target.find('?');
  if (query != std::string::npos) other_path += request.target.substr(query);
  const json& t = pages_.Translations(language);
  json model = {
      {"title", title},
      {"siteName", t["site"]["name"]},
      {"css", assets_.Url("site.css")},
      {"js", assets_.Url("site.js")},
      {"home", Localize("/", language)},
      {"otherLanguage",
       {{"url", other_path},
        {"code", language == Language::kDutch ? "en" : "nl"},
        {"label", t["language"]["switch"]}}},
      {"accountUrl", Localize("/account", language)},
      {"loginUrl", Localize("/inloggen", language)},
  };
  // The main navigation: each section of the site, marked current on its
  // own pages.
  struct Section {
    const char* path;
    const char* label;
  };
  json nav = json::array();
  for (const Section& section :
       {Section{"/", "dashboard"}, Section{"/steden", "cities"},
        Section{"/rapportages", "reports"}, Section{"/overleggen", "meetings"},
        Section{"/financiering", "funding"},
        Section{"/wijzigingen", "amendments"},
        Section{"/publicaties", "publications"},
        Section{"/zoeken", "search"}}) {
    std::string url = Localize(section.path, language);
    bool current = std::string_view(section.path) == "/"
                       ? request.path == url
                       : request.path.find(section.path) != std::string::npos;
    nav.push_back({{"url", url},
                   {"label", t["nav"][section.label]},
                   {"current", current}});
  }
  model["nav"] = std::move(nav);
  if (personal) {
    if (request.principal) {
      const std::string& name = request.principal->name;
      const std::string& role = request.principal->role;
      model["user"] = {
          {"name", name.starts_with("user:") ? name.substr(5) : name},
          {"role", role},
          {"scope", request.principal->scope},
          {"isAdmin", role == "admin"},
          {"csrf", request.principal->csrf_token},
          {"logoutUrl", Localize("/uitloggen", language)}};
    }
  }
  return model;
}

http::Response Site::Page(std::string_view name, Language language, json model,
                          int status) const {
  http::Response response;
  response.status = status;
  response.SetHeader("Content-Type", "text/html; charset=utf-8");
  response.body = pages_.Render(name, language, std::move(model));
  if (response.body.empty()) {
    spdlog::error("web: template '{}' is missing", name);
    response.status = 500;
  }
  return response;
}

http::Response Site::ErrorPage(const http::Request& request, Language language,
                               int status, const std::string& message) const {
  const json& t = pages_.Translations(language);
  std::string key = status == 404   ? "notFound"
                    : status == 403 ? "forbidden"
                    : status == 401 ? "unauthorized"
                    : status >= 500 ? "serverError"
                                    : "badRequest";
  json model = BaseModel(request, language, t["error"][key]["title"], true);
  model["heading"] = t["error"][key]["title"];
  model["explanation"] = t["error"][key]["text"];
  model["detail"] = message;
  if (status == 500) {
    // A server fault is told in the server's words (a statement, a file);
    // those are for the operator's log, and the visitor gets an id to quote.
    spdlog::error("web: {} {} failed (error id {}): {}", request.method,
                  request.path, request.request_id, message);
    std::string reference = t["error"]["serverError"]["reference"];
    std::size_t at = reference.find("{id}");
    if (at != std::string::npos) {
      reference.replace(at, 4, request.request_id);
    }
    model["detail"] = reference;
  }
  model["status"] = status;
  http::Response response = Page("error", language, std::move(model), status);
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

http::Response Site::LoginForm(const http::Request& request, Language language,
                               const json& extra, int status) const {
  const json& t = pages_.Translations(language);
  json model = BaseModel(request, language,
                         t["login"]["title"].get<std::string>(), true);
  model["action"] = Localize("/inloggen", language);
  model.merge_patch(extra);
  http::Response response = Page("login", language, std::move(model), status);
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

http::Response Site::CallApi(const http::Request& outer,
                             const std::string& method,
                             const std::string& target, const json& body,
                             const http::Pairs& extra_headers) const {
  http::Request inner;
  inner.method = method;
  inner.target = target;
  std::size_t query = target.find('?');
  inner.path = target.substr(0, query);
  if (query != std::string::npos) {
    inner.query =
        http::ParseQuery(target.substr(query + 1)).value_or(http::Pairs());
  }
  inner.request_id = outer.request_id;
  inner.remote_address = outer.remote_address;
  for (const char* name : {"cookie", "origin", "host", "authorization"}) {
    if (auto value = outer.Header(name)) {
      inner.headers.emplace_back(name, std::string(*value));
    }
  }
  // The form's token, which the authorization point checked for the page's
  // own route already.
  if (outer.principal && outer.principal->by_session()) {
    inner.headers.emplace_back("x-csrf-token", outer.principal->csrf_token);
  }
  for (const auto& header : extra_headers) inner.headers.push_back(header);
  if (!body.is_null()) {
    inner.headers.emplace_back("content-type", "application/json");
    inner.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  http::RouteMatch match = router_->Find(method, inner.path);
  if (!match.route) {
    return http::Response::Problem(404, "Not Found",
                                   "there is nothing at " + inner.path);
  }
  inner.path_params = std::move(match.path_params);
  const http::Route& route = *match.route;
  if (route.options.gate) {
    if (auto refused = route.options.gate->Enter()) return *refused;
  }
  http::Response response;
  try {
    response = dispatcher_ ? dispatcher_(inner, route) : route.handler(inner);
  } catch (...) {
    if (route.options.gate) route.options.gate->Leave(500, false);
    throw;
  }
  if (route.options.gate) route.options.gate->Leave(response.status, false);
  return response;
}

Status Site::AddPage(
    const std::string& path, http::RouteOptions options,
    std::function<http::Response(http::Request&, Language)> handler) {
  options.tag = kRouteTag;
  options.body_limit_bytes = 0;
  for (Language language : {Language::kDutch, Language::kEnglish}) {
    Status status = router_->Add({"GET", Localize(path, language), "core",
                                  [handler, language](http::Request& request) {
                                    return handler(request, language);
                                  },
                                  options});
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

Status Site::AddRoute(const std::string& method, const std::string& path,
                      http::RouteOptions options, http::Handler handler) {
  options.tag = kRouteTag;
  return router_->Add({method, path, "core", std::move(handler), options});
}

http::Response Site::ExplainRefusal(const http::Request& request,
                                    const http::Route& route,
                                    http::Response response) const {
  if (route.options.tag != kRouteTag || response.status < 400 ||
      route.pattern.starts_with("/assets/")) {
    return response;
  }
  auto type = response.Header("content-type");
  if (!type || !type->starts_with("application/problem+json")) {
    return response;
  }
  Language language = LanguageOf(request.path);
  if (response.status == 401 && request.method == "GET") {
    const json& t = pages_.Translations(language);
    return LoginForm(request, language,
                     {{"back", request.target},
                      {"message", t["login"]["needed"]},
                      {"messageIsInfo", true}},
                     401);
  }
  return ErrorPage(request, language, response.status, ProblemDetail(response));
}

}  // namespace smartercities::web
