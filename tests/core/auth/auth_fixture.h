// auth_fixture.h — a scratch database with the core schema and the
// covenant's cities, for the account and audit tests.
#ifndef SMARTERCITIES_TESTS_CORE_AUTH_AUTH_FIXTURE_H_
#define SMARTERCITIES_TESTS_CORE_AUTH_AUTH_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>

#include "core/domain/city_list.h"
#include "core/domain/core_schema.h"
#include "core/storage/database.h"
#include "tests/support/test_support.h"

namespace smartercities::testing {

class AuthDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = storage::OpenSqlite({(dir_.path() / "test.db").string()});
    ASSERT_TRUE(database.ok()) << database.status().message();
    database_ = std::move(database).value();
    ASSERT_TRUE(
        database_->Migrate({"core", ""}, domain::CoreMigrations()).ok());
    auto cities =
        domain::ParseCities(domain::SeedCitiesCsv(), "data/cities.csv");
    ASSERT_TRUE(cities.ok());
    ASSERT_TRUE(domain::StoreCities(*database_, *cities).ok());
    // One theme, so that theme editors have a scope.
    ASSERT_TRUE(database_
                    ->Write([](storage::Connection& db) {
                      return db.Execute(
                          "INSERT INTO themes (id, version, name_nl, "
                          "introduction_nl, challenges, leaders, panels, "
                          "synced_at) VALUES ('groene-stad', '1.0.0', "
                          "'Groene Stad', 'x', '[]', '[]', '[]', "
                          "'2026-01-01T00:00:00Z')",
                          {});
                    })
                    .ok());
  }

  std::filesystem::path file() const { return dir_.path() / "test.db"; }

  TempDir dir_;
  std::unique_ptr<storage::Database> database_;
};

}  // namespace smartercities::testing

#endif  // SMARTERCITIES_TESTS_CORE_AUTH_AUTH_FIXTURE_H_
