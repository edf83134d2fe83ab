#include "tests/support/postgres_test_database.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string_view>

namespace smartercities::testing {
namespace {

// Runs sql on the server's maintenance database; the error, or "".
std::string OnServer(const std::string& sql) {
  PGconn* connection = PQconnectdb("dbname=postgres connect_timeout=5");
  std::string error;
  if (PQstatus(connection) != CONNECTION_OK) {
    error = PQerrorMessage(connection);
  } else {
    PGresult* result = PQexec(connection, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK &&
        PQresultStatus(result) != PGRES_TUPLES_OK) {
      error = PQresultErrorMessage(result);
    }
    PQclear(result);
  }
  PQfinish(connection);
  while (!error.empty() && error.back() == '\n') error.pop_back();
  return error;
}

}  // namespace

bool PostgresTestDatabase::Required() {
  const char* required = std::getenv("SMARTERCITIES_REQUIRE_POSTGRES");
  return required != nullptr && std::string_view(required) == "1";
}

PostgresTestDatabase::PostgresTestDatabase() {
  static std::atomic<int> counter{0};
  name_ = "smartercities_test_" + std::to_string(getpid()) + "_" +
          std::to_string(++counter);
  std::string error = OnServer("CREATE DATABASE " + name_);
  if (!error.empty()) {
    unavailable_ = "no PostgreSQL server to test on (" + error +
                   "); scripts/test starts one with pg_virtualenv";
    name_.clear();
    return;
  }
  // Host, port, user and password come from the environment, as above.
  url_ = "postgresql:///" + name_;
}

PostgresTestDatabase::~PostgresTestDatabase() {
  if (!name_.empty()) {
    (void)OnServer("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
}

bool TestOnPostgres() {
  const char* engine = std::getenv("SMARTERCITIES_TEST_ENGINE");
  return engine != nullptr && std::string_view(engine) == "postgresql";
}

TestDatabase::TestDatabase() {
  if (TestOnPostgres()) postgres_ = std::make_unique<PostgresTestDatabase>();
}

TestDatabase::~TestDatabase() = default;

const std::string& TestDatabase::url() const {
  static const std::string kNone;
  return postgres_ ? postgres_->url() : kNone;
}

const std::string& TestDatabase::unavailable() const {
  static const std::string kNone;
  return postgres_ ? postgres_->unavailable() : kNone;
}

std::vector<std::string> TestDatabase::ServeArguments() const {
  if (url().empty()) return {};
  return {"--database", url()};
}

std::vector<std::string> TestDatabase::QueryPostgres(
    const std::string& sql) const {
  std::vector<std::string> rows;
  if (url().empty()) {
    ADD_FAILURE() << "QueryPostgres without a PostgreSQL database: " << sql;
    return rows;
  }
  PGconn* connection = PQconnectdb(url().c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to " << url() << ": "
                  << PQerrorMessage(connection);
    PQfinish(connection);
    return rows;
  }
  // Every schema but the server's own, so that plugins' tables are found.
  PGresult* path = PQexec(
      connection,
      "SELECT set_config('search_path', string_agg(quote_ident(nspname), "
      "',' ORDER BY nspname = 'public' DESC, nspname), false) FROM "
      "pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> "
      "'information_schema'");
  PQclear(path);
  PGresult* result = PQexec(connection, sql.c_str());
  if (PQresultStatus(result) == PGRES_TUPLES_OK) {
    for (int row = 0; row < PQntuples(result); ++row) {
      rows.emplace_back(PQgetvalue(result, row, 0));
    }
  } else {
    ADD_FAILURE() << PQresultErrorMessage(result) << " in " << sql;
  }
  PQclear(result);
  PQfinish(connection);
  return rows;
}

}  // namespace smartercities::testing
