// JSON rendering with nlohmann::json of R4's page: the figures of one
// indicator for 40 cities over 60 months, 500 of them to a page — the shape
// GET /api/v1/indicators/{id}/measurements?pageSize=500 answers. Building the
// whole list as json values and dumping a page of it is the floor under what
// that endpoint costs when it renders per request.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using nlohmann::json;

constexpr int kNumCities = 40;
constexpr int kNumMonths = 60;
constexpr std::size_t kPageSize = 500;

json Figure(int city, int month) {
  char code[8];
  std::snprintf(code, sizeof(code), "GM%04d", 100 + city);
  char period[8];
  std::snprintf(period, sizeof(period), "%04d-%02d", 2013 + month / 12,
                month % 12 + 1);
  json out = {{"indicator", "regelluwe-stad-e-invoices"},
              {"period", period},
              {"value", static_cast<double>((city * 7 + month) % 100) + 0.5},
              {"demo", false},
              {"recordedAt", "2026-11-30T12:00:00Z"}};
  out["city"] = code;
  out["source"] = "benchmark";
  return out;
}

json AllFigures() {
  json items = json::array();
  for (int city = 0; city < kNumCities; ++city) {
    for (int month = 0; month < kNumMonths; ++month) {
      items.push_back(Figure(city, month));
    }
  }
  return items;
}

json Page(const json& all) {
  json items = json::array();
  for (std::size_t i = 0; i < all.size() && i < kPageSize; ++i) {
    items.push_back(all[i]);
  }
  return {{"items", items},
          {"total", all.size()},
          {"page", 1},
          {"pageSize", kPageSize}};
}

// Building the 2,400 values, copying a page and dumping it: per request.
void BM_BuildAndDumpMeasurementsPage(benchmark::State& state) {
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string body = Page(AllFigures()).dump();
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_BuildAndDumpMeasurementsPage)->Unit(benchmark::kMicrosecond);

// Dumping a page that is already built: the cost of serialising alone.
void BM_DumpMeasurementsPage(benchmark::State& state) {
  json page = Page(AllFigures());
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string body = page.dump();
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_DumpMeasurementsPage)->Unit(benchmark::kMicrosecond);

}  // namespace
