// The storage contract on both engines: the same tests against an SQLite
// file and against a PostgreSQL database (a parameter of the tests, not a
// second copy). What a caller of Database relies on — types, transactions,
// snapshots, failures, migrations, plugins' confinement, and other nodes'
// changes — must not depend on the engine underneath.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/storage/database.h"
#include "core/storage/postgres_database.h"
#include "tests/support/postgres_test_database.h"
#include "tests/support/test_support.h"

namespace smartercities::storage {
namespace {

using ::testing::HasSubstr;

enum class Engine { kSqlite, kPostgres };

std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

class EngineTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kPostgres) {
      postgres_ = std::make_unique<testing::PostgresTestDatabase>();
      if (postgres_->url().empty()) {
        if (testing::PostgresTestDatabase::Required()) {
          FAIL() << postgres_->unavailable();
        }
        GTEST_SKIP() << postgres_->unavailable();
      }
    }
    database_ = OpenNode();
    ASSERT_NE(database_, nullptr);
  }

  void TearDown() override {
    database_.reset();
    postgres_.reset();
  }

  // Another Database object on the same data: another node on PostgreSQL,
  // another process's view of the same file on SQLite.
  std::unique_ptr<Database> OpenNode() {
    Result<std::unique_ptr<Database>> opened =
        GetParam() == Engine::kSqlite
            ? OpenSqlite({(dir_.path() / "test.db").string()})
            : OpenPostgres({postgres_->url()});
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    if (!opened.ok()) return nullptr;
    return std::move(opened).value();
  }

  Status Exec(const std::string& sql, std::vector<Value> params = {}) {
    return database_->Write(
        [&](Connection& db) { return db.Execute(sql, params); });
  }

  Status Script(const std::string& sql) {
    return database_->Write(
        [&](Connection& db) { return db.ExecuteScript(sql); });
  }

  // The first column of the first row as text ("NULL" for NULL).
  std::string One(Database& database, const std::string& sql,
                  std::vector<Value> params = {}) {
    std::string value;
    Status status = database.Read([&](Connection& db) {
      return db.Execute(sql, params, [&](const Row& row) {
        value = row.OptionalText(row.names()[0]).value_or("NULL");
        return false;
      });
    });
    EXPECT_TRUE(status.ok()) << status.message();
    return value;
  }
  std::string One(const std::string& sql, std::vector<Value> params = {}) {
    return One(*database_, sql, std::move(params));
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::PostgresTestDatabase> postgres_;
  std::unique_ptr<Database> database_;
};

TEST_P(EngineTest, ValuesComeBackWithTheirTypes) {
  ASSERT_TRUE(
      Script("CREATE TABLE t (i INTEGER, r REAL, s TEXT, n TEXT)").ok());
  const std::int64_t big = 9'007'199'254'740'993;  // not exact as a double
  ASSERT_TRUE(Exec("INSERT INTO t (i, r, s, n) VALUES (?1, ?2, ?3, ?4)",
                   {big, 0.1, std::string("Zoë's straat \"één\""), nullptr})
                  .ok());
  std::vector<Row> rows;
  Status status = database_->Read([&](Connection& db) {
    auto result = db.Query("SELECT i, r, s, n FROM t", {});
    if (!result.ok()) return result.status();
    rows = std::move(result).value();
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<std::int64_t>(rows[0].Get("i")), big);
  EXPECT_EQ(std::get<double>(rows[0].Get("r")), 0.1);
  EXPECT_EQ(std::get<std::string>(rows[0].Get("s")), "Zoë's straat \"één\"");
  EXPECT_TRUE(rows[0].IsNull("n"));
  // A count is an integer on both.
  EXPECT_EQ(One("SELECT COUNT(*) AS n FROM t"), "1");
  // Text compared with an integer column takes the column's type.
  EXPECT_EQ(One("SELECT s FROM t WHERE i = ?1", {std::to_string(big)}),
            "Zoë's straat \"één\"");
}

TEST_P(EngineTest, IdsAreHandedOutAndTheLastWriteIsDescribed) {
  ASSERT_TRUE(
      Script("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
          .ok());
  std::int64_t first = 0;
  std::int64_t second = 0;
  std::int64_t changed = 0;
  Status status = database_->Write([&](Connection& db) -> Status {
    Status inserted = db.Execute("INSERT INTO items (name) VALUES (?1)",
                                 std::vector<Value>{"a"});
    if (!inserted.ok()) return inserted;
    first = db.LastInsertId();
    inserted = db.Execute("INSERT INTO items (name) VALUES (?1)",
                          std::vector<Value>{"b"});
    if (!inserted.ok()) return inserted;
    second = db.LastInsertId();
    Status updated = db.Execute("UPDATE items SET name = name || 'x'", {});
    changed = db.Changes();
    return updated;
  });
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_GT(first, 0);
  EXPECT_EQ(second, first + 1);
  EXPECT_EQ(changed, 2);
  EXPECT_EQ(One("SELECT name FROM items WHERE id = ?1", {second}), "bx");
}

TEST_P(EngineTest, AFailedOrThrowingWriteLeavesNothingBehind) {
  ASSERT_TRUE(Script("CREATE TABLE t (a TEXT)").ok());
  Status status = database_->Write([](Connection& db) -> Status {
    Status inserted = db.Execute("INSERT INTO t VALUES ('kept?')", {});
    if (!inserted.ok()) return inserted;
    return Status::InvalidArgument("the caller changed its mind");
  });
  EXPECT_EQ(status.message(), "the caller changed its mind");
  EXPECT_THROW((void)database_->Write([](Connection& db) -> Status {
    (void)db.Execute("INSERT INTO t VALUES ('thrown')", {});
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "0");
  // The write connection works after both.
  ASSERT_TRUE(Exec("INSERT INTO t VALUES ('after')").ok());
  EXPECT_EQ(One("SELECT a FROM t"), "after");
}

TEST_P(EngineTest, WritesDoNotNestAndReadsCannotWrite) {
  ASSERT_TRUE(Script("CREATE TABLE t (a TEXT)").ok());
  Status inner;
  Status outer = database_->Write([&](Connection&) {
    inner = database_->Write([](Connection&) { return Status::Ok(); });
    return Status::Ok();
  });
  EXPECT_TRUE(outer.ok());
  EXPECT_EQ(inner.code(), StatusCode::kFailedPrecondition);
  Status read = database_->Read([](Connection& db) {
    return db.Execute("INSERT INTO t VALUES ('x')", {});
  });
  EXPECT_EQ(read.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(read.message(), HasSubstr("Database::Write"));
  // Callers cannot end the host's transaction.
  Status commit =
      database_->Write([](Connection& db) { return db.Execute("COMMIT", {}); });
  EXPECT_FALSE(commit.ok());
}

TEST_P(EngineTest, FailuresNameTheStatementAndMapToCodes) {
  ASSERT_TRUE(
      Script("CREATE TABLE t (code TEXT PRIMARY KEY, n INTEGER NOT NULL)")
          .ok());
  ASSERT_TRUE(Exec("INSERT INTO t VALUES ('a', 1)").ok());
  Status twice = Exec("INSERT INTO t VALUES ('a', 2)");
  EXPECT_EQ(twice.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(twice.message(), HasSubstr("'INSERT INTO t VALUES ('a', 2)'"));
  // In SQLite's words on both engines: the SDK's registers name the fields
  // of a duplicate from them.
  EXPECT_THAT(twice.message(), HasSubstr("UNIQUE constraint failed: t.code"));
  ASSERT_TRUE(
      Script("CREATE TABLE pairs (a TEXT, b TEXT, UNIQUE (a, b))").ok());
  ASSERT_TRUE(Exec("INSERT INTO pairs VALUES ('x', 'y')").ok());
  EXPECT_THAT(Exec("INSERT INTO pairs VALUES ('x', 'y')").message(),
              HasSubstr("UNIQUE constraint failed: pairs.a, pairs.b"));
  Status missing = Exec("INSERT INTO t (code) VALUES ('b')");
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  // SQL the engine refuses is the program's fault, not the caller's: a 500
  // whose words stay in the log.
  Status unknown = Exec("SELECT nothing FROM nowhere");
  EXPECT_EQ(unknown.code(), StatusCode::kInternal);
  EXPECT_THAT(unknown.message(), HasSubstr("nowhere"));
  EXPECT_EQ(Exec("SELEKT 1").code(), StatusCode::kInternal);
  EXPECT_EQ(Exec("INSERT INTO t VALUES (?1, ?2)", {std::string("c")}).code(),
            StatusCode::kInternal);
  EXPECT_EQ(Exec("SELECT 1; SELECT 2").code(), StatusCode::kInternal);
  // The connection goes on after each of them.
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "1");
  // Nothing of the failed writes is stored.
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "1");
}

TEST_P(EngineTest, AReadSeesOneSnapshotWhileAnotherNodeCommits) {
  ASSERT_TRUE(Script("CREATE TABLE t (a INTEGER)").ok());
  ASSERT_TRUE(Exec("INSERT INTO t VALUES (1)").ok());
  std::unique_ptr<Database> other = OpenNode();
  ASSERT_NE(other, nullptr);
  std::string before;
  std::string after;
  Status status = database_->Read([&](Connection& db) -> Status {
    auto count = [&](std::string* out) {
      return db.Execute("SELECT COUNT(*) FROM t", {}, [&](const Row& row) {
        *out = row.Text(row.names()[0]);
        return false;
      });
    };
    Status counted = count(&before);
    if (!counted.ok()) return counted;
    std::thread writer([&] {
      EXPECT_TRUE(other
                      ->Write([](Connection& w) {
                        return w.Execute("INSERT INTO t VALUES (2)", {});
                      })
                      .ok());
    });
    writer.join();
    return count(&after);
  });
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(before, "1");
  EXPECT_EQ(after, "1");
  EXPECT_EQ(One("SELECT COUNT(*) FROM t"), "2");
}

TEST_P(EngineTest, ManyRowsGoInThroughOnePreparedStatement) {
  ASSERT_TRUE(Script("CREATE TABLE t (n INTEGER, label TEXT)").ok());
  Status status = database_->Write([](Connection& db) -> Status {
    auto statement = db.PrepareStatement("INSERT INTO t VALUES (?1, ?2)");
    if (!statement.ok()) return statement.status();
    std::string label;
    for (std::int64_t n = 1; n <= 500; ++n) {
      label = "row " + std::to_string(n);
      std::vector<ValueView> params{n, std::string_view(label)};
      auto changed = (*statement)->Run(params);
      if (!changed.ok()) return changed.status();
      if (*changed != 1) return Status::Internal("one row each");
    }
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(One("SELECT SUM(n) FROM t"), "125250");
  std::vector<std::string> seen;
  status = database_->Read([&](Connection& db) {
    return db.ExecuteViews(
        "SELECT n, label FROM t WHERE n > ?1 ORDER BY n",
        std::vector<Value>{std::int64_t{497}},
        [&](std::span<const ValueView> row) {
          seen.push_back(std::to_string(std::get<std::int64_t>(row[0])) + "=" +
                         std::string(std::get<std::string_view>(row[1])));
          return seen.size() < 2;
        });
  });
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_THAT(seen, ::testing::ElementsAre("498=row 498", "499=row 499"));
}

TEST_P(EngineTest, APartOfALongTextIsReadByItsRowsId) {
  ASSERT_TRUE(
      Script("CREATE TABLE texts (id INTEGER PRIMARY KEY, body TEXT)").ok());
  std::string body(50'000, 'a');
  body.replace(40'000, 5, "hello");
  ASSERT_TRUE(Exec("INSERT INTO texts (id, body) VALUES (7, ?1)", {body}).ok());
  Status status = database_->Read([](Connection& db) -> Status {
    auto part = db.ReadPart("texts", "body", 7, 40'000, 5);
    if (!part.ok()) return part.status();
    EXPECT_EQ(part->bytes, "hello");
    EXPECT_EQ(part->whole, 50'000u);
    auto missing = db.ReadPart("texts", "body", 8, 0, 5);
    EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.message();
}

const Migration kFirst{1, "parks", "CREATE TABLE parks (name TEXT NOT NULL);"};
const Migration kSecond{2, "one park",
                        "INSERT INTO parks VALUES ('Vondelpark');"};

TEST_P(EngineTest, MigrationsApplyOnceInOrderAndAFailureLeavesNoTrace) {
  std::vector<Migration> migrations{kFirst, kSecond};
  ASSERT_TRUE(database_->Migrate({"core", ""}, migrations).ok());
  ASSERT_TRUE(database_->Migrate({"core", ""}, migrations).ok());
  EXPECT_EQ(One("SELECT COUNT(*) FROM parks"), "1");
  EXPECT_EQ(*database_->SchemaVersion("core"), 2);

  migrations.push_back({3, "broken",
                        "CREATE TABLE trees (name TEXT);\n"
                        "INSERT INTO nowhere VALUES (1);"});
  Status failed = database_->Migrate({"core", ""}, migrations);
  EXPECT_FALSE(failed.ok());
  EXPECT_THAT(failed.message(), HasSubstr("core migration 3 (broken)"));
  EXPECT_THAT(failed.message(), HasSubstr("nowhere"));
  EXPECT_EQ(*database_->SchemaVersion("core"), 2);
  EXPECT_EQ(Exec("SELECT * FROM trees").code(), StatusCode::kInternal);

  std::vector<Migration> gap{kFirst, {3, "gap", "SELECT 1;"}};
  EXPECT_THAT(database_->Migrate({"core", ""}, gap).message(),
              HasSubstr("leaves a gap (migration 2 is missing)"));
  // A node with an older build refuses the newer schema.
  std::vector<Migration> older{kFirst};
  Status refused = database_->Migrate({"core", ""}, older);
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(),
              HasSubstr("the database has core migration 2 but this build "
                        "knows 1..1; a newer build wrote it"));
}

TEST_P(EngineTest, NodesMigratingTogetherApplyEachMigrationOnce) {
  std::vector<std::unique_ptr<Database>> nodes;
  for (int i = 0; i < 3; ++i) nodes.push_back(OpenNode());
  // Without the lock, a second run of migration 1 would fail (the table
  // exists) and of migration 2 would insert a second row.
  std::vector<Migration> migrations{kFirst, kSecond};
  std::vector<Status> results(nodes.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    threads.emplace_back([&, i] {
      results[i] = nodes[i]->Migrate({"core", ""}, migrations);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Status& result : results) {
    EXPECT_TRUE(result.ok()) << result.message();
  }
  EXPECT_EQ(One("SELECT COUNT(*) FROM parks"), "1");
  EXPECT_EQ(One("SELECT COUNT(*) FROM schema_migrations"), "2");
}

class PluginEngineTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::vector<Migration> core{
        {1, "cities and accounts",
         "CREATE TABLE accounts (name TEXT, secret TEXT);\n"
         "INSERT INTO accounts VALUES ('admin', 'hunter2');\n"
         "CREATE TABLE cities (code TEXT, name TEXT, hidden INTEGER);\n"
         "INSERT INTO cities VALUES ('GM0794', 'Helmond', 0), "
         "('GM9999', 'Nergens', 1);\n"
         "CREATE VIEW public_cities AS SELECT code, name FROM cities "
         "WHERE hidden = 0;"}};
    ASSERT_TRUE(database_->Migrate({"core", ""}, core).ok());
    std::vector<Migration> other{
        {1, "items",
         "CREATE TABLE other_stad_items (a TEXT);\n"
         "INSERT INTO other_stad_items VALUES ('not yours');"}};
    Status migrated = database_->Migrate(kOther, other);
    ASSERT_TRUE(migrated.ok()) << migrated.message();
    std::vector<Migration> mine{
        {1, "parks",
         "CREATE TABLE groene_stad_parks (id INTEGER PRIMARY KEY, "
         "name TEXT NOT NULL UNIQUE, city TEXT);\n"
         "CREATE INDEX groene_stad_parks_city ON groene_stad_parks (city);"}};
    migrated = database_->Migrate(kScope, mine);
    ASSERT_TRUE(migrated.ok()) << migrated.message();
  }

  Status AsPlugin(const std::string& sql, std::string* value = nullptr) {
    return database_->Write([&](Connection& db) {
      db.SetScope(kScope);
      return db.Execute(sql, {}, [&](const Row& row) {
        if (value != nullptr) *value = row.Text(row.names()[0]);
        return false;
      });
    });
  }

  const AccessScope kScope{"groene-stad", "groene_stad_"};
  const AccessScope kOther{"other-stad", "other_stad_"};
};

TEST_P(PluginEngineTest, APluginUsesItsOwnTablesAndThePublicViews) {
  ASSERT_TRUE(AsPlugin("INSERT INTO groene_stad_parks (name, city) "
                       "VALUES ('Warande', 'GM0794')")
                  .ok());
  std::string value;
  Status read = AsPlugin(
      "SELECT p.name || ' in ' || c.name FROM groene_stad_parks p "
      "JOIN public_cities c ON c.code = p.city",
      &value);
  ASSERT_TRUE(read.ok()) << read.message();
  EXPECT_EQ(value, "Warande in Helmond");
  ASSERT_TRUE(AsPlugin("SELECT COUNT(*) FROM public_cities", &value).ok());
  EXPECT_EQ(value, "1");  // the view's rows, not the table's
}

TEST_P(PluginEngineTest, APluginIsRefusedTheCoresAndOtherPluginsTables) {
  for (const std::string sql :
       {"SELECT secret FROM accounts", "SELECT hidden FROM cities",
        "SELECT a FROM other_stad_items", "DELETE FROM accounts",
        "INSERT INTO other_stad_items VALUES ('mine now')"}) {
    SCOPED_TRACE(sql);
    std::string value;
    Status status = AsPlugin(sql, &value);
    EXPECT_EQ(status.code(), StatusCode::kPermissionDenied) << status.message();
    EXPECT_THAT(status.message(), HasSubstr("groene-stad"));
    EXPECT_EQ(value, "");
  }
  EXPECT_EQ(One("SELECT COUNT(*) FROM accounts"), "1");
  EXPECT_EQ(One("SELECT a FROM other_stad_items"), "not yours");
}

TEST_P(PluginEngineTest, APluginCannotTakeTheHostsRightsBack) {
  // Each a way out on one engine or the other; none may work on either.
  for (const std::string sql : {"RESET ROLE", "SET ROLE postgres",
                                "SELECT set_config('role', 'postgres', false)",
                                "SELECT pg_advisory_lock(1)", "COMMIT",
                                "SELECT * FROM pg_catalog.pg_tables"}) {
    SCOPED_TRACE(sql);
    EXPECT_FALSE(AsPlugin(sql).ok());
    // The same transaction goes on refusing what the plugin may not read.
    Status status = database_->Write([&](Connection& db) {
      db.SetScope(kScope);
      (void)db.Execute(sql, {});
      return db.Execute("SELECT secret FROM accounts", {});
    });
    EXPECT_FALSE(status.ok());
  }
  // The host has its rights after the plugin's transaction.
  EXPECT_EQ(One("SELECT secret FROM accounts"), "hunter2");
}

TEST_P(EngineTest, AWriteOnOneNodeIsSeenOnAnotherWithinASecond) {
  ASSERT_TRUE(Script("CREATE TABLE figures (v INTEGER);"
                     "CREATE TABLE sessions (token TEXT);")
                  .ok());
  std::unique_ptr<Database> other = OpenNode();
  ASSERT_NE(other, nullptr);
  database_->SetPrivateTables({"sessions"});
  other->SetPrivateTables({"sessions"});
  other->PollExternalChanges();

  // On the writing node, before Write returns; private tables do not count.
  std::uint64_t generation = database_->Generation();
  ASSERT_TRUE(Exec("INSERT INTO sessions VALUES ('s')").ok());
  EXPECT_EQ(database_->Generation(), generation);
  std::uint64_t figures = database_->TableGeneration("figures");
  ASSERT_TRUE(Exec("INSERT INTO figures VALUES (1)").ok());
  EXPECT_GT(database_->Generation(), generation);
  EXPECT_GT(database_->TableGeneration("figures"), figures);

  // On the other node, within a second.
  std::uint64_t seen = other->Generation();
  std::uint64_t seen_figures = other->TableGeneration("figures");
  ASSERT_TRUE(Exec("INSERT INTO figures VALUES (2)").ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (other->Generation() == seen &&
         std::chrono::steady_clock::now() < deadline) {
    other->PollExternalChanges();  // SQLite's way; a no-op on PostgreSQL
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GT(other->Generation(), seen);
  EXPECT_GT(other->TableGeneration("figures"), seen_figures);
  EXPECT_EQ(One(*other, "SELECT COUNT(*) FROM figures"), "2");
}

// Records what it sees; refuses the commit when asked to.
class RecordingObserver : public WriteObserver {
 public:
  bool Watches(std::string_view table) const override {
    return table != "unwatched";
  }
  Status BeforeCommit(Connection& connection,
                      std::span<const RowChange> changes) override {
    seen.assign(changes.begin(), changes.end());
    if (refuse) return Status::FailedPrecondition("refused by the observer");
    // What it writes itself is part of the Write, and not observed.
    return connection.Execute("INSERT INTO trail VALUES (?1)",
                              std::vector<Value>{std::int64_t{
                                  static_cast<std::int64_t>(changes.size())}});
  }
  std::vector<RowChange> seen;
  bool refuse = false;
};

TEST_P(EngineTest, AnObserverSeesEveryChangedRowBeforeTheCommit) {
  ASSERT_TRUE(Script("CREATE TABLE parks (id INTEGER PRIMARY KEY, "
                     "name TEXT NOT NULL, area REAL);"
                     "CREATE TABLE unwatched (a TEXT);"
                     "CREATE TABLE trail (n INTEGER);"
                     "INSERT INTO parks (name, area) VALUES ('Oud', 2.5), "
                     "('Weg', NULL);")
                  .ok());
  RecordingObserver observer;
  std::int64_t drawn = 0;
  {
    ScopedWriteObserver scoped(&observer);
    Status status = database_->Write([&](Connection& db) -> Status {
      // The capture does not disturb the id an insert drew.
      Status first = db.Execute("INSERT INTO parks (name) VALUES ('Id')", {});
      if (!first.ok()) return first;
      drawn = db.LastInsertId();
      Status dropped = db.Execute("DELETE FROM parks WHERE name = 'Id'", {});
      if (!dropped.ok()) return dropped;
      for (const char* sql :
           {"INSERT INTO parks (id, name, area) VALUES (3, 'Nieuw', 1.5)",
            "UPDATE parks SET name = 'Vernieuwd' WHERE id = 1",
            "DELETE FROM parks WHERE id = 2",
            "INSERT INTO unwatched VALUES ('x')"}) {
        Status done = db.Execute(sql, {});
        if (!done.ok()) return done;
      }
      return Status::Ok();
    });
    ASSERT_TRUE(status.ok()) << status.message();
  }
  EXPECT_GT(drawn, 0);
  // The Id row came and went; the three changes after it are seen in order.
  ASSERT_EQ(observer.seen.size(), 5u);
  EXPECT_EQ(observer.seen[0].rowid, drawn);
  observer.seen.erase(observer.seen.begin(), observer.seen.begin() + 2);
  const RowChange& inserted = observer.seen[0];
  EXPECT_EQ(inserted.kind, RowChange::Kind::kInsert);
  EXPECT_EQ(inserted.table, "parks");
  EXPECT_EQ(inserted.rowid, 3);
  EXPECT_THAT(inserted.columns, ::testing::ElementsAre("id", "name", "area"));
  EXPECT_TRUE(inserted.before.empty());
  EXPECT_EQ(inserted.after,
            (std::vector<Value>{std::int64_t{3}, std::string("Nieuw"), 1.5}));
  const RowChange& updated = observer.seen[1];
  EXPECT_EQ(updated.kind, RowChange::Kind::kUpdate);
  EXPECT_EQ(updated.before,
            (std::vector<Value>{std::int64_t{1}, std::string("Oud"), 2.5}));
  EXPECT_EQ(updated.after, (std::vector<Value>{std::int64_t{1},
                                               std::string("Vernieuwd"), 2.5}));
  const RowChange& deleted = observer.seen[2];
  EXPECT_EQ(deleted.kind, RowChange::Kind::kDelete);
  EXPECT_EQ(deleted.before,
            (std::vector<Value>{std::int64_t{2}, std::string("Weg"), nullptr}));
  EXPECT_TRUE(deleted.after.empty());
  EXPECT_EQ(One("SELECT n FROM trail"), "5");

  // A refusal undoes the whole Write; a Write without an observer is not
  // captured.
  observer.refuse = true;
  {
    ScopedWriteObserver scoped(&observer);
    Status refused = Exec("INSERT INTO parks (id, name) VALUES (4, 'Nooit')");
    EXPECT_EQ(refused.message(), "refused by the observer");
  }
  EXPECT_EQ(One("SELECT COUNT(*) FROM parks WHERE id = 4"), "0");
  observer.seen.clear();
  ASSERT_TRUE(Exec("INSERT INTO parks (id, name) VALUES (5, 'Stil')").ok());
  EXPECT_TRUE(observer.seen.empty());
}

INSTANTIATE_TEST_SUITE_P(BothEngines, EngineTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         EngineName);
INSTANTIATE_TEST_SUITE_P(BothEngines, PluginEngineTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         EngineName);

}  // namespace
}  // namespace smartercities::storage
