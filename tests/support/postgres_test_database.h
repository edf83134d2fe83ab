// postgres_test_database.h — a fresh, empty PostgreSQL database per test, on
// the server scripts/test starts for the whole run (pg_virtualenv sets
// PGHOST, PGPORT, PGUSER and PGPASSWORD; libpq reads them).
//
// Without a server the tests that need one are skipped, saying why, unless
// SMARTERCITIES_REQUIRE_POSTGRES=1 (scripts/test sets it): then they fail,
// so that a run that should have tested PostgreSQL cannot pass without it.
#ifndef SMARTERCITIES_TESTS_SUPPORT_POSTGRES_TEST_DATABASE_H_
#define SMARTERCITIES_TESTS_SUPPORT_POSTGRES_TEST_DATABASE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

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

// The engine the integration suites run on. tests/CMakeLists.txt registers
// a suite marked BOTH_ENGINES twice: as it is, on SQLite, and with
// SMARTERCITIES_TEST_ENGINE=postgresql, its tests named "postgresql.…".
bool TestOnPostgres();

// The database of one platform under test: nothing on SQLite (the data
// directory holds its file), a fresh PostgreSQL database otherwise. A suite
// keeps it for as long as its platform runs and gives its url() to the
// platform (Config::database_url, or serve's --database):
//
//   testing::TestDatabase database_;   // declared before the platform
//   SMARTERCITIES_SKIP_WITHOUT_DATABASE(database_);
//   config.database_url = database_.url();
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // "" on SQLite; postgresql:///… on PostgreSQL.
  const std::string& url() const;
  // Why there is no database to test on; "" when there is one.
  const std::string& unavailable() const;
  // serve's arguments for this database: none, or {"--database", url}.
  std::vector<std::string> ServeArguments() const;
  // Runs sql on the PostgreSQL database, with the plugins' schemas on the
  // search path; the first column of each row as text (NULL as ""). A
  // failure is added to the test's failures.
  std::vector<std::string> QueryPostgres(const std::string& sql) const;

 private:
  std::unique_ptr<PostgresTestDatabase> postgres_;
};

}  // namespace smartercities::testing

// Skips the test (or the suite, in SetUpTestSuite) when its database cannot
// be made, saying why; fails instead when PostgreSQL is required.
#define SMARTERCITIES_SKIP_WITHOUT_DATABASE(database)                   \
  do {                                                                  \
    if (!(database).unavailable().empty()) {                            \
      if (::smartercities::testing::PostgresTestDatabase::Required()) { \
        FAIL() << (database).unavailable();                             \
      }                                                                 \
      GTEST_SKIP() << (database).unavailable();                         \
    }                                                                   \
  } while (false)

#endif  // SMARTERCITIES_TESTS_SUPPORT_POSTGRES_TEST_DATABASE_H_
