// postgres_test_database.h — a fresh, empty PostgreSQL database per test, on
// the server scripts/test starts for the whole run (pg_virtualenv sets
// PGHOST, PGPORT, PGUSER and PGPASSWORD; libpq reads them).
//
// Without a server the tests that need one are skipped, saying why, unless
// SMARTERCITIES_REQUIRE_POSTGRES=1 (scripts/test sets it): then they fail,
// so that a run that should have tested PostgreSQL cannot pass without it.
#ifndef SMARTERCITIES_TESTS_SUPPORT_POSTGRES_TEST_DATABASE_H_
#define SMARTERCITIES_TESTS_SUPPORT_POSTGRES_TEST_DATABASE_H_

#include <string>

namespace smartercities::testing {

class PostgresTestDatabase {
 public:
  // Creates a database with a name of its own; url() is empty and
  // unavailable() says why when there is no server to make it on.
  PostgresTestDatabase();
  // Drops the database, ending any connection still open to it.
  ~PostgresTestDatabase();
  PostgresTestDatabase(const PostgresTestDatabase&) = delete;
  PostgresTestDatabase& operator=(const PostgresTestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& unavailable() const { return unavailable_; }
  // True when the run must test PostgreSQL (SMARTERCITIES_REQUIRE_POSTGRES).
  static bool Required();

 private:
  std::string name_;
  std::string url_;
  std::string unavailable_;
};

}  // namespace smartercities::testing

#endif  // SMARTERCITIES_TESTS_SUPPORT_POSTGRES_TEST_DATABASE_H_
