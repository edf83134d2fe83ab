// Router::Find over the platform's route table: the core's routes and every
// in-tree theme's routes (read from plugins/*/theme.json), as a running
// platform with the nine themes has them.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/http/router.h"

namespace {

using smartercities::http::Request;
using smartercities::http::Response;
using smartercities::http::Route;
using smartercities::http::Router;

const std::vector<std::pair<std::string, std::string>>& CoreRoutes() {
  static const std::vector<std::pair<std::string, std::string>> kRoutes = {
      {"GET", "/healthz"},
      {"GET", "/readyz"},
      {"GET", "/metrics"},
      {"GET", "/api/v1/openapi.json"},
      {"GET", "/api/v1/themes"},
      {"GET", "/api/v1/themes/{theme}"},
      {"GET", "/api/v1/themes/{theme}/agreements"},
      {"GET", "/api/v1/themes/{theme}/agreements/{letter}"},
      {"GET", "/api/v1/themes/{theme}/indicators"},
      {"GET", "/api/v1/indicators/{indicator}"},
      {"GET", "/api/v1/indicators/{indicator}/measurements"},
      {"POST", "/api/v1/indicators/{indicator}/measurements"},
      {"GET", "/api/v1/cities"},
      {"GET", "/api/v1/cities/{city}"},
      {"GET", "/api/v1/modules"},
      {"PATCH", "/api/v1/modules/{id}"},
      {"POST", "/api/v1/modules/rescan"},
      {"POST", "/api/v1/sessions"},
      {"DELETE", "/api/v1/sessions/current"},
      {"GET", "/api/v1/me"},
      {"PUT", "/api/v1/me/password"},
      {"GET", "/api/v1/tokens"},
      {"POST", "/api/v1/tokens"},
      {"DELETE", "/api/v1/tokens/{tokenId}"},
      {"GET", "/api/v1/users"},
      {"POST", "/api/v1/users"},
      {"GET", "/api/v1/users/{userId}"},
      {"PATCH", "/api/v1/users/{userId}"},
      {"POST", "/api/v1/users/{userId}/password-reset"},
      {"GET", "/api/v1/audit-events"},
      {"GET", "/api/v1/audit-events/verification"},
  };
  return kRoutes;
}

Router& PlatformRouter() {
  static Router* router = [] {
    auto* built = new Router;
    auto add = [built](const std::string& method, const std::string& pattern,
                       const std::string& owner) {
      Route route;
      route.method = method;
      route.pattern = pattern;
      route.owner = owner;
      route.handler = [](Request&) { return Response{}; };
      route.options.permission = "public";
      static_cast<void>(built->Add(std::move(route)));
    };
    for (const auto& [method, pattern] : CoreRoutes()) {
      add(method, pattern, "core");
    }
    std::filesystem::path plugins =
        std::filesystem::path(SMARTERCITIES_SOURCE_DIR) / "plugins";
    for (const auto& entry : std::filesystem::directory_iterator(plugins)) {
      std::ifstream file(entry.path() / "theme.json");
      if (!file) continue;
      nlohmann::json manifest = nlohmann::json::parse(file);
      std::string id = manifest.at("id").get<std::string>();
      for (const auto& route :
           manifest.value("routes", nlohmann::json::array())) {
        add(route.at("method").get<std::string>(),
            "/api/v1/themes/" + id + route.at("path").get<std::string>(), id);
      }
    }
    return built;
  }();
  return *router;
}

void BM_FindThemes(benchmark::State& state) {
  Router& router = PlatformRouter();
  for (auto _ : state) {
    benchmark::DoNotOptimize(router.Find("GET", "/api/v1/themes"));
  }
  state.counters["routes"] = static_cast<double>(router.Routes().size());
}
BENCHMARK(BM_FindThemes);

void BM_FindHealthz(benchmark::State& state) {
  Router& router = PlatformRouter();
  for (auto _ : state) {
    benchmark::DoNotOptimize(router.Find("GET", "/healthz"));
  }
}
BENCHMARK(BM_FindHealthz);

void BM_FindMeasurements(benchmark::State& state) {
  Router& router = PlatformRouter();
  for (auto _ : state) {
    benchmark::DoNotOptimize(router.Find(
        "GET", "/api/v1/indicators/regelluwe-stad-e-invoices/measurements"));
  }
}
BENCHMARK(BM_FindMeasurements);

void BM_FindPluginRoute(benchmark::State& state) {
  Router& router = PlatformRouter();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        router.Find("GET", "/api/v1/themes/groene-stad/data-centres"));
  }
}
BENCHMARK(BM_FindPluginRoute);

void BM_FindNothing(benchmark::State& state) {
  Router& router = PlatformRouter();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        router.Find("GET", "/api/v1/no-such-thing/at-all"));
  }
}
BENCHMARK(BM_FindNothing);

}  // namespace
