#include <smartercities/testkit.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <random>
#include <stdexcept>

#include "core/domain/catalog.h"
#include "core/domain/city_list.h"
#include "core/domain/core_schema.h"
#include "core/http/router.h"
#include "core/plugins/plugin_host.h"
#include "core/storage/database.h"

namespace smartercities::testkit {

struct Harness::Impl {
  std::filesystem::path dir;
  std::unique_ptr<storage::Database> database;
  std::unique_ptr<domain::Catalog> catalog;
  std::shared_ptr<http::Router> router;
  std::unique_ptr<plugins::PluginHost> host;
  plugins::ModuleInfo Module() const {
    auto modules = host->Modules();
    return modules.empty() ? plugins::ModuleInfo{} : modules.front();
  }
};

namespace {

[[noreturn]] void Throw(const std::string& message) {
  throw std::runtime_error("smartercities testkit: " + message);
}

}  // namespace

Harness::Harness(const std::string& library_path)
    : impl_(std::make_unique<Impl>()) {
  spdlog::set_level(spdlog::level::warn);
  std::random_device random;
  impl_->dir = std::filesystem::temp_directory_path() /
               ("smartercities-testkit-" + std::to_string(::getpid()) + "-" +
                std::to_string(random()));
  std::filesystem::create_directories(impl_->dir / "plugins");
  std::error_code ec;
  std::filesystem::path library(library_path);
  std::filesystem::copy_file(library,
                             impl_->dir / "plugins" / library.filename(), ec);
  if (ec) Throw("cannot read '" + library_path + "': " + ec.message());
  auto database = storage::OpenSqlite({(impl_->dir / "test.db").string()});
  if (!database.ok()) Throw(database.status().message());
  impl_->database = std::move(database).value();
  Status status =
      impl_->database->Migrate({"core", ""}, domain::CoreMigrations());
  auto cities = domain::ParseCities(domain::SeedCitiesCsv(), "data/cities.csv");
  if (!status.ok() || !cities.ok()) Throw("cannot prepare the database");
  status = domain::StoreCities(*impl_->database, *cities);
  if (!status.ok()) Throw(status.message());
  impl_->catalog = std::make_unique<domain::Catalog>(*impl_->database);
  impl_->router = std::make_shared<http::Router>();
  plugins::PluginHostOptions options;
  options.plugin_dir = impl_->dir / "plugins";
  impl_->host = std::make_unique<plugins::PluginHost>(
      options, *impl_->database, impl_->router, *impl_->catalog);
  status = impl_->host->LoadAll();
  if (!status.ok()) Throw(status.message());
  plugins::ModuleInfo module = impl_->Module();
  if (module.state != plugins::ModuleState::kEnabled) {
    Throw("the plugin did not start: " + module.reason);
  }
}

Harness::~Harness() {
  impl_->host->ShutdownAll();
  impl_->host.reset();
  impl_->database.reset();
  std::error_code ec;
  std::filesystem::remove_all(impl_->dir, ec);
}

Response Harness::Call(const std::string& method, const std::string& target,
                       const std::string& body, const std::string& content_type,
                       bool as_administrator) {
  http::Request request;
  request.method = method;
  request.target = target;
  std::string raw_path = target.substr(0, target.find('?'));
  auto path = http::PercentDecode(raw_path);
  if (!path) return {400, {}, "malformed percent escape in the path"};
  request.path = *path;
  if (auto query_start = target.find('?'); query_start != std::string::npos) {
    auto query = http::ParseQuery(target.substr(query_start + 1));
    if (!query) return {400, {}, "malformed percent escape in the query"};
    request.query = *query;
  }
  request.body = body;
  request.request_id = "testkit";
  if (!body.empty()) request.headers.emplace_back("content-type", content_type);
  auto match = impl_->router->Find(method, request.path);
  http::Response response;
  if (!match.route) {
    response = http::Response::Problem(404, "Not Found", request.path);
  } else if (match.route->options.permission != "public" && !as_administrator) {
    response = http::Response::Problem(401, "Unauthorized",
                                       "this route needs an administrator");
  } else {
    if (as_administrator) {
      request.headers.emplace_back("x-smartercities-principal",
                                   "token:testkit-admin");
      request.headers.emplace_back("x-smartercities-role", "admin");
    }
    request.path_params = match.path_params;
    response = match.route->handler(request);
  }
  Response out{response.status, {}, response.body};
  for (const auto& [name, value] : response.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(c));
    out.headers[lower] = value;
  }
  return out;
}

std::vector<Row> Harness::Query(const std::string& sql) const {
  std::vector<Row> rows;
  Status status = impl_->database->Read([&](storage::Connection& db) {
    return db.Execute(sql, {}, [&](const storage::Row& row) {
      Row out;
      for (std::size_t i = 0; i < row.size(); ++i) {
        out[row.names()[i]] = row.OptionalText(row.names()[i]).value_or("");
      }
      rows.push_back(std::move(out));
      return true;
    });
  });
  if (!status.ok()) Throw(status.message());
  return rows;
}

std::string Harness::id() const { return impl_->Module().id; }
std::string Harness::state() const {
  return std::string(plugins::ToString(impl_->Module().state));
}
std::string Harness::reason() const { return impl_->Module().reason; }

}  // namespace smartercities::testkit
