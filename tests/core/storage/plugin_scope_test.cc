// A plugin's statements through real SQL: what it may do with its own
// tables and the public views, and that everything else is refused with the
// table named, at prepare and at re-prepare, on both kinds of connection.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/core/storage/database_fixture.h"

namespace smartercities::storage {
namespace {

using ::testing::HasSubstr;

class PluginScopeTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    Status status = database_->Write([](Connection& db) {
      return db.ExecuteScript(R"sql(
        CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
        INSERT INTO users (name) VALUES ('secret');
        CREATE TABLE cities (code TEXT, name TEXT, hidden INTEGER);
        INSERT INTO cities VALUES ('GM0794', 'Helmond', 0), ('X', 'Y', 1);
        CREATE VIEW public_cities AS
          SELECT code, name FROM cities WHERE hidden = 0;
        CREATE TABLE other_stad_items (a);
      )sql");
    });
    ASSERT_TRUE(status.ok()) << status.message();
  }

  // Runs sql as the plugin in a write transaction of its own.
  Status AsPlugin(const std::string& sql) {
    return database_->Write([&](Connection& db) {
      db.SetScope(kScope);
      return db.Execute(sql, {});
    });
  }

  // Runs sql as the plugin on the read connection; the first column of the
  // first row goes to value.
  Status ReadAsPlugin(const std::string& sql, std::string* value = nullptr) {
    return database_->Read([&](Connection& db) {
      db.SetScope(kScope);
      return db.Execute(sql, {}, [&](const Row& row) {
        if (value != nullptr) *value = row.Text(row.names()[0]);
        return false;
      });
    });
  }

  const AccessScope kScope{"groene-stad", "groene_stad_"};
};

TEST_F(PluginScopeTest, APluginUsesItsOwnTablesIndexesViewsAndTriggers) {
  for (const char* sql : {
           "CREATE TABLE groene_stad_parks (id INTEGER PRIMARY KEY "
           "AUTOINCREMENT, name TEXT UNIQUE, code TEXT)",
           "CREATE INDEX groene_stad_parks_code ON groene_stad_parks (code)",
           "CREATE TABLE groene_stad_log (what TEXT)",
           "CREATE TRIGGER groene_stad_parks_log AFTER INSERT ON "
           "groene_stad_parks BEGIN INSERT INTO groene_stad_log VALUES "
           "(NEW.name); END",
           "CREATE VIEW groene_stad_named AS SELECT name FROM "
           "groene_stad_parks",
           "INSERT INTO groene_stad_parks (name, code) SELECT 'park', code "
           "FROM public_cities",
           "ALTER TABLE groene_stad_parks ADD COLUMN area REAL",
           "ALTER TABLE groene_stad_parks RENAME COLUMN area TO hectares",
           "UPDATE groene_stad_parks SET hectares = 1",
           "ALTER TABLE groene_stad_parks DROP COLUMN hectares",
           "DELETE FROM groene_stad_parks WHERE name = 'none'",
           "DROP INDEX groene_stad_parks_code",
           "CREATE TEMP TABLE groene_stad_scratch (a)",
           "DROP TABLE groene_stad_scratch",
       }) {
    Status status = AsPlugin(sql);
    EXPECT_TRUE(status.ok()) << sql << ": " << status.message();
  }
  std::string value;
  EXPECT_TRUE(ReadAsPlugin("SELECT name FROM groene_stad_named", &value).ok());
  EXPECT_EQ(value, "park");
  EXPECT_TRUE(ReadAsPlugin("SELECT what FROM groene_stad_log", &value).ok());
  EXPECT_EQ(value, "park");
}

TEST_F(PluginScopeTest, APluginRenamesAndDropsItsOwnTables) {
  ASSERT_TRUE(AsPlugin("CREATE TABLE groene_stad_old (id INTEGER PRIMARY KEY "
                       "AUTOINCREMENT, a)")
                  .ok());
  ASSERT_TRUE(AsPlugin("INSERT INTO groene_stad_old (a) VALUES (1)").ok());
  Status renamed =
      AsPlugin("ALTER TABLE groene_stad_old RENAME TO groene_stad_new");
  EXPECT_TRUE(renamed.ok()) << renamed.message();
  EXPECT_EQ(One("SELECT name FROM sqlite_sequence WHERE name LIKE 'groene%'"),
            "groene_stad_new");
  Status dropped = AsPlugin("DROP TABLE groene_stad_new");
  EXPECT_TRUE(dropped.ok()) << dropped.message();
  EXPECT_EQ(One("SELECT COUNT(*) FROM sqlite_sequence WHERE name LIKE "
                "'groene%'"),
            "0");
}

TEST_F(PluginScopeTest, APluginReadsPublicViewsInEveryShape) {
  for (const char* sql : {
           "SELECT count(code) FROM public_cities",
           "SELECT count(*) FROM public_cities",
           "SELECT 1 FROM public_cities",
           "SELECT EXISTS (SELECT 1 FROM public_cities)",
           "SELECT count(*) FROM (SELECT * FROM public_cities)",
       }) {
    std::string value;
    Status status = ReadAsPlugin(sql, &value);
    EXPECT_TRUE(status.ok()) << sql << ": " << status.message();
    EXPECT_EQ(value, "1") << sql;
  }
}

TEST_F(PluginScopeTest, APluginIsRefusedEverythingElseWithTheNameGiven) {
  ASSERT_TRUE(AsPlugin("CREATE TABLE groene_stad_t (a)").ok());
  struct Case {
    const char* sql;
    const char* refusal;
  };
  for (const Case& c : std::vector<Case>{
           {"SELECT * FROM users", "read table 'users'"},
           {"SELECT count(*) FROM users", "read table 'users'"},
           {"SELECT (SELECT count(*) FROM public_cities), (SELECT count(*) "
            "FROM cities)",
            "read table 'cities'"},
           {"SELECT * FROM other_stad_items", "read table 'other_stad_items'"},
           {"SELECT * FROM sqlite_schema", "read table 'sqlite_master'"},
           {"INSERT INTO cities VALUES ('x', 'y', 0)", "write table 'cities'"},
           {"INSERT INTO groene_stad_t SELECT name FROM users",
            "read table 'users'"},
           {"UPDATE users SET name = 'x'", "write table 'users'"},
           {"DELETE FROM other_stad_items", "write table 'other_stad_items'"},
           {"UPDATE sqlite_sequence SET seq = 9223372036854775807",
            "write table 'sqlite_sequence'"},
           {"CREATE TABLE parks (a)", "create table 'parks'"},
           {"CREATE VIEW public_leak AS SELECT * FROM users",
            "create view 'public_leak'"},
           {"CREATE TABLE groene_stad_copy AS SELECT sql FROM sqlite_schema",
            "read table 'sqlite_master'"},
           {"DROP TABLE users", "drop table 'users'"},
           {"CREATE INDEX groene_stad_i ON cities (code)",
            "create index 'groene_stad_i' on table 'cities'"},
           {"CREATE TEMP TRIGGER groene_stad_tr AFTER INSERT ON cities BEGIN "
            "SELECT 1; END",
            "on table 'cities'"},
           {"ALTER TABLE users ADD COLUMN x", "alter table 'users'"},
           {"ALTER TABLE groene_stad_t RENAME TO users2",
            "rename table 'groene_stad_t' to 'users2'"},
           {"ALTER TABLE groene_stad_t RENAME TO public_t",
            "rename table 'groene_stad_t' to 'public_t'"},
           {"PRAGMA writable_schema = 1", "run PRAGMA writable_schema"},
           {"SELECT * FROM pragma_table_info('users')",
            "table 'sqlite_master'"},
           {"ATTACH DATABASE ':memory:' AS x", "attach"},
           {"SAVEPOINT x", "control the transaction"},
           {"SELECT load_extension('libx')", "call load_extension()"},
           {"CREATE VIRTUAL TABLE groene_stad_fts USING fts5 (a)",
            "virtual table"},
           {"ANALYZE groene_stad_t", "run ANALYZE"},
       }) {
    Status status = AsPlugin(c.sql);
    EXPECT_EQ(status.code(), StatusCode::kPermissionDenied)
        << c.sql << ": " << status.message();
    EXPECT_THAT(status.message(), HasSubstr(c.refusal)) << c.sql;
    EXPECT_THAT(status.message(), HasSubstr("plugin 'groene-stad' may not "))
        << c.sql;
    EXPECT_THAT(status.message(),
                HasSubstr("(only tables starting with 'groene_stad_' and "
                          "views starting with 'public_')"))
        << c.sql;
  }
  EXPECT_EQ(One("SELECT COUNT(*) FROM users"), "1");
  EXPECT_EQ(One("SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('users2', "
                "'public_t', 'public_leak', 'parks', 'groene_stad_copy')"),
            "0");
}

TEST_F(PluginScopeTest, SqliteRefusesDirectWritesToItsSchemaTable) {
  Status status = AsPlugin("DELETE FROM sqlite_master");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("may not be modified"));
  EXPECT_EQ(One("SELECT COUNT(*) FROM users"), "1");
}

TEST_F(PluginScopeTest, APluginsOwnViewOrTriggerCannotReachFurther) {
  // The core made these, as a careless migration might.
  ASSERT_TRUE(Exec("CREATE TABLE groene_stad_t (a)").ok());
  ASSERT_TRUE(Exec("CREATE VIEW groene_stad_v AS SELECT name FROM users").ok());
  ASSERT_TRUE(Exec("CREATE TRIGGER groene_stad_tr AFTER INSERT ON "
                   "groene_stad_t BEGIN DELETE FROM users; END")
                  .ok());
  Status through_view = ReadAsPlugin("SELECT * FROM groene_stad_v");
  EXPECT_EQ(through_view.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(through_view.message(), HasSubstr("read table 'users'"));
  Status trigger = AsPlugin("INSERT INTO groene_stad_t VALUES (1)");
  EXPECT_EQ(trigger.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(trigger.message(), HasSubstr("write table 'users'"));
  EXPECT_EQ(One("SELECT COUNT(*) FROM users"), "1");
}

TEST_F(PluginScopeTest, TheRefusalHoldsWhenACachedStatementIsPreparedAgain) {
  ASSERT_TRUE(AsPlugin("CREATE TABLE groene_stad_t (name TEXT)").ok());
  ASSERT_TRUE(AsPlugin("INSERT INTO groene_stad_t VALUES ('own')").ok());
  ASSERT_TRUE(
      AsPlugin("CREATE VIEW groene_stad_v AS SELECT name FROM groene_stad_t")
          .ok());
  const std::string sql = "SELECT name FROM groene_stad_v";
  std::string value;
  ASSERT_TRUE(ReadAsPlugin(sql, &value).ok());
  EXPECT_EQ(value, "own");
  Status on_writer = database_->Write([&](Connection& db) {
    db.SetScope(kScope);
    return db.Execute(sql, {});
  });
  ASSERT_TRUE(on_writer.ok()) << on_writer.message();

  // The core changes the schema; both cached statements must be prepared
  // again, under the plugin's scope.
  ASSERT_TRUE(database_
                  ->Write([](Connection& db) {
                    return db.ExecuteScript(
                        "DROP VIEW groene_stad_v; CREATE VIEW groene_stad_v AS "
                        "SELECT name FROM users;");
                  })
                  .ok());
  value.clear();
  Status on_reader = ReadAsPlugin(sql, &value);
  EXPECT_EQ(on_reader.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(on_reader.message(), HasSubstr("read table 'users'"));
  EXPECT_EQ(value, "");
  on_writer = database_->Write([&](Connection& db) {
    db.SetScope(kScope);
    return db.Execute(sql, {});
  });
  EXPECT_EQ(on_writer.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(on_writer.message(), HasSubstr("read table 'users'"));
}

TEST_F(PluginScopeTest, TheCoreStatementCacheNeverServesAPlugin) {
  EXPECT_EQ(One("SELECT name FROM users"), "secret");
  EXPECT_EQ(ReadAsPlugin("SELECT name FROM users").code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(One("SELECT name FROM users"), "secret");
}

TEST_F(PluginScopeTest, TheScopeEndsWithTheTransaction) {
  ASSERT_EQ(AsPlugin("SELECT * FROM users").code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(Exec("SELECT * FROM users").ok());
  ASSERT_EQ(ReadAsPlugin("SELECT * FROM users").code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(One("SELECT name FROM users"), "secret");
}

TEST_F(PluginScopeTest, AnInnerReadHandsBackTheOuterScope) {
  Status status = database_->Read([&](Connection& db) {
    db.SetScope(kScope);
    Status inner = database_->Read([](Connection& same) {
      same.SetScope({});
      return same.Execute("SELECT * FROM users", {});
    });
    EXPECT_TRUE(inner.ok()) << inner.message();
    return db.Execute("SELECT * FROM users", {});
  });
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
}

TEST_F(PluginScopeTest, PluginMigrationsAreScopedToo) {
  std::vector<Migration> sneaky = {
      {1, "own table", "CREATE TABLE groene_stad_t (a);"},
      {2, "sneaky", "DELETE FROM users;"}};
  Status status = database_->Migrate(kScope, sneaky);
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("groene-stad migration 2 (sneaky)"));
  EXPECT_THAT(status.message(), HasSubstr("write table 'users'"));
  EXPECT_EQ(*database_->SchemaVersion("groene-stad"), 1);
  EXPECT_EQ(One("SELECT COUNT(*) FROM users"), "1");
}

TEST_F(PluginScopeTest, APrefixThatCoversOthersNamesIsRefused) {
  Status status = database_->Read([](Connection& db) {
    db.SetScope({"public-x", "public_x_"});
    return db.Execute("SELECT 1", {});
  });
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("covers names no plugin owns"));
}

}  // namespace
}  // namespace smartercities::storage
