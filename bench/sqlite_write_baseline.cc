// R7's baseline (docs/performance.md): writes the rows that
// POST /api/v1/indicators/{id}/measurements writes — one figure in
// `measurements` and its row in `audit_log`, with the audit trail's hash
// chain — in a plain SQLite loop, one transaction per figure, WAL and
// synchronous=NORMAL, for a given time. The figures follow the same sequence
// as bench/lua/post_measurements.lua, so both sides write the same rows.
//
//   smartercities_bench_sqlite_writes --db FILE --seconds S
//       --indicators ID[,ID...] --cities CODE[,CODE...]
//       --last-period YYYY-MM --months N
//
// Prints one JSON object: {"rows", "seconds", "rowsPerSecond", "p50Ms",
// "p99Ms"}. Exit code 1 with a message on standard error when a statement
// fails.
#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string db_path;
  double seconds = 1;
  std::vector<std::string> indicators;
  std::vector<std::string> cities;
  int last_year = 2012;
  int last_month = 12;
  int num_months = 1;
};

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--db") {
      options.db_path = value;
    } else if (flag == "--seconds") {
      options.seconds = std::stod(value);
    } else if (flag == "--indicators") {
      options.indicators = SplitCommas(value);
    } else if (flag == "--cities") {
      options.cities = SplitCommas(value);
    } else if (flag == "--last-period") {
      if (std::sscanf(value.c_str(), "%d-%d", &options.last_year,
                      &options.last_month) != 2) {
        throw std::invalid_argument("--last-period: give YYYY-MM, got '" +
                                    value + "'");
      }
    } else if (flag == "--months") {
      options.num_months = std::stoi(value);
    } else {
      throw std::invalid_argument("unknown flag '" + flag + "'");
    }
  }
  if (options.db_path.empty() || options.indicators.empty() ||
      options.cities.empty() || options.num_months < 1) {
    throw std::invalid_argument(
        "give --db, --indicators, --cities and --months (see the file's "
        "header comment)");
  }
  return options;
}

// The k-th figure of the sequence: indicator, city, period. The same as
// bench/lua/post_measurements.lua.
struct Figure {
  std::string indicator;
  std::string city;
  std::string period;
};

Figure FigureAt(const Options& options, long long k) {
  long long per_indicator =
      static_cast<long long>(options.cities.size()) * options.num_months;
  Figure figure;
  figure.indicator =
      options.indicators[static_cast<std::size_t>(k / per_indicator) %
                         options.indicators.size()];
  figure.city = options.cities[static_cast<std::size_t>(
      (k / options.num_months) %
      static_cast<long long>(options.cities.size()))];
  int months_back = static_cast<int>(k % options.num_months);
  int month_index =
      options.last_year * 12 + (options.last_month - 1) - months_back;
  char period[16];
  std::snprintf(period, sizeof(period), "%04d-%02d", month_index / 12,
                month_index % 12 + 1);
  figure.period = period;
  return figure;
}

std::string NowUtc() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(
      digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[sizeof(digest) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return hex;
}

class Database {
 public:
  explicit Database(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) !=
        SQLITE_OK) {
      throw std::runtime_error("cannot open " + path + ": " +
                               sqlite3_errmsg(db_));
    }
    Execute("PRAGMA journal_mode=WAL");
    Execute("PRAGMA synchronous=NORMAL");
    Execute("PRAGMA foreign_keys=ON");
    Execute("PRAGMA busy_timeout=5000");
  }
  ~Database() { sqlite3_close_v2(db_); }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void Execute(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error != nullptr ? error : "unknown error";
      sqlite3_free(error);
      throw std::runtime_error(std::string(sql) + ": " + message);
    }
  }

  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement,
                           nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string(sql) + ": " + sqlite3_errmsg(db_));
    }
    return statement;
  }

  // Runs a prepared statement to its end and resets it.
  void Step(sqlite3_stmt* statement) {
    int code = sqlite3_step(statement);
    while (code == SQLITE_ROW) code = sqlite3_step(statement);
    sqlite3_reset(statement);
    if (code != SQLITE_DONE) {
      throw std::runtime_error(std::string(sqlite3_sql(statement)) + ": " +
                               sqlite3_errmsg(db_));
    }
  }

  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

void BindText(sqlite3_stmt* statement, int index, const std::string& text) {
  sqlite3_bind_text(statement, index, text.data(),
                    static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

int Run(const Options& options) {
  Database db(options.db_path);
  std::int64_t seq = 0;
  std::string prev_hash(64, '0');
  {
    sqlite3_stmt* last =
        db.Prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (sqlite3_step(last) == SQLITE_ROW) {
      seq = sqlite3_column_int64(last, 0);
      prev_hash = reinterpret_cast<const char*>(sqlite3_column_text(last, 1));
    }
    sqlite3_finalize(last);
  }
  sqlite3_stmt* begin = db.Prepare("BEGIN IMMEDIATE");
  sqlite3_stmt* commit = db.Prepare("COMMIT");
  sqlite3_stmt* insert_figure = db.Prepare(
      "INSERT INTO measurements (indicator_id, city, period, value, source, "
      "is_demo, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, NULL, 0, "
      "?5, 'token:bootstrap-admin')");
  sqlite3_stmt* insert_audit = db.Prepare(
      "INSERT INTO audit_log (seq, at, actor, role, action, object, "
      "old_value, new_value, request_id, prev_hash, hash) VALUES (?1, ?2, "
      "'token:bootstrap-admin', 'admin', 'insert', ?3, NULL, ?4, ?5, ?6, ?7)");

  std::vector<double> latencies_ms;
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(options.seconds));
  long long k = 0;
  for (auto now = start; now < end; ++k) {
    Figure figure = FigureAt(options, k);
    double value = static_cast<double>(k % 1000) / 10.0;
    std::string at = NowUtc();
    db.Step(begin);
    BindText(insert_figure, 1, figure.indicator);
    BindText(insert_figure, 2, figure.city);
    BindText(insert_figure, 3, figure.period);
    sqlite3_bind_double(insert_figure, 4, value);
    BindText(insert_figure, 5, at);
    db.Step(insert_figure);
    std::int64_t id = sqlite3_last_insert_rowid(db.handle());
    char new_value[512];
    std::snprintf(new_value, sizeof(new_value),
                  "{\"city\":\"%s\",\"id\":%lld,\"indicator_id\":\"%s\","
                  "\"is_demo\":0,\"period\":\"%s\",\"recorded_at\":\"%s\","
                  "\"recorded_by\":\"token:bootstrap-admin\",\"source\":null,"
                  "\"value\":%g}",
                  figure.city.c_str(), static_cast<long long>(id),
                  figure.indicator.c_str(), figure.period.c_str(), at.c_str(),
                  value);
    std::string object = "measurements/" + std::to_string(id);
    std::string request_id = "bench-" + std::to_string(k);
    ++seq;
    std::string hash = Sha256Hex(std::to_string(seq) + at + object + new_value +
                                 request_id + prev_hash);
    sqlite3_bind_int64(insert_audit, 1, seq);
    BindText(insert_audit, 2, at);
    BindText(insert_audit, 3, object);
    BindText(insert_audit, 4, new_value);
    BindText(insert_audit, 5, request_id);
    BindText(insert_audit, 6, prev_hash);
    BindText(insert_audit, 7, hash);
    db.Step(insert_audit);
    db.Step(commit);
    prev_hash = hash;
    auto done = Clock::now();
    latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(done - now).count());
    now = done;
  }
  double elapsed_s =
      std::chrono::duration<double>(Clock::now() - start).count();
  for (sqlite3_stmt* statement : {begin, commit, insert_figure, insert_audit}) {
    sqlite3_finalize(statement);
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto percentile = [&](double share) {
    if (latencies_ms.empty()) return 0.0;
    auto index = static_cast<std::size_t>(
        share * static_cast<double>(latencies_ms.size() - 1));
    return latencies_ms[index];
  };
  std::printf(
      "{\"rows\": %lld, \"seconds\": %.3f, \"rowsPerSecond\": %.1f, "
      "\"p50Ms\": %.3f, \"p99Ms\": %.3f}\n",
      k, elapsed_s, static_cast<double>(k) / elapsed_s, percentile(0.5),
      percentile(0.99));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (sodium_init() < 0) throw std::runtime_error("libsodium did not start");
    return Run(ParseOptions(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "smartercities_bench_sqlite_writes: " << e.what() << "\n";
    return 1;
  }
}
