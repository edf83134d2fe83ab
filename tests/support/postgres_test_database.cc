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

}  // namespace smartercities::testing
