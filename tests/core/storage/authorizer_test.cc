// The plugin authorizer's decisions, callback by callback, in the order
// SQLite 3.40 makes them (see plugin_scope_test.cc for the same through SQL).
#include "core/storage/authorizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

namespace smartercities::storage {
namespace {

using ::testing::HasSubstr;

const AccessScope kPlugin{"onze-stad", "onze_stad_"};

// One callback in a fresh statement.
bool Allowed(int action, const char* a1, const char* a2 = nullptr,
             const char* a4 = nullptr, const AccessScope& scope = kPlugin) {
  AuthorizerState state;
  return AuthorizePluginAction(scope, action, a1, a2, "main", a4, state);
}

bool Step(AuthorizerState& state, int action, const char* a1,
          const char* a2 = nullptr, const char* a4 = nullptr) {
  return AuthorizePluginAction(kPlugin, action, a1, a2, "main", a4, state);
}

TEST(AuthorizerTest, TheCoreMayDoAnything) {
  const AccessScope core{"core", ""};
  EXPECT_TRUE(Allowed(SQLITE_PRAGMA, "journal_mode", nullptr, nullptr, core));
  EXPECT_TRUE(Allowed(SQLITE_READ, "users", "name", nullptr, core));
  EXPECT_TRUE(Allowed(SQLITE_ATTACH, "x.db", nullptr, nullptr, core));
  EXPECT_TRUE(Allowed(SQLITE_FUNCTION, nullptr, "load_extension", nullptr, {}));
}

TEST(AuthorizerTest, APluginReadsItsOwnTablesAndPublicViews) {
  EXPECT_TRUE(Allowed(SQLITE_READ, "onze_stad_datasets", "title"));
  EXPECT_TRUE(Allowed(SQLITE_READ, "ONZE_STAD_datasets", "title"));
  EXPECT_TRUE(Allowed(SQLITE_READ, "public_cities", "name"));
  EXPECT_TRUE(Allowed(SQLITE_READ, "cities", "name", "public_cities"));
  EXPECT_FALSE(Allowed(SQLITE_READ, "cities", "name"));
  EXPECT_FALSE(Allowed(SQLITE_READ, "cities", "name", "onze_stad_view"));
  EXPECT_FALSE(Allowed(SQLITE_READ, "onze_stadx", "a"));
  EXPECT_FALSE(Allowed(SQLITE_READ, "andere_stad_items", "a"));
}

TEST(AuthorizerTest, ARefusalSaysWhatWasRefused) {
  AuthorizerState state;
  EXPECT_FALSE(Step(state, SQLITE_READ, "users", "name"));
  EXPECT_EQ(state.denied, "read table 'users'");
  EXPECT_FALSE(Step(state, SQLITE_INSERT, "cities"));
  EXPECT_EQ(state.denied, "write table 'cities'");
  EXPECT_FALSE(Step(state, SQLITE_CREATE_INDEX, "onze_stad_i", "cities"));
  EXPECT_EQ(state.denied, "create index 'onze_stad_i' on table 'cities'");
}

TEST(AuthorizerTest, CountingThroughAPublicViewButNotBesideIt) {
  // SELECT count(*) FROM public_cities
  AuthorizerState state;
  EXPECT_TRUE(Step(state, SQLITE_SELECT, nullptr));
  EXPECT_TRUE(Step(state, SQLITE_READ, "cities", "code", "public_cities"));
  EXPECT_TRUE(Step(state, SQLITE_FUNCTION, nullptr, "count"));
  EXPECT_TRUE(Step(state, SQLITE_SELECT, nullptr, nullptr, "public_cities"));
  EXPECT_TRUE(Step(state, SQLITE_READ, "cities", ""));
  // ..., (SELECT count(*) FROM cities): the same table outside the view.
  EXPECT_TRUE(Step(state, SQLITE_SELECT, nullptr));
  EXPECT_FALSE(Step(state, SQLITE_READ, "cities", ""));

  AuthorizerState direct;
  EXPECT_TRUE(Step(direct, SQLITE_SELECT, nullptr));
  EXPECT_FALSE(Step(direct, SQLITE_READ, "cities", ""));
}

TEST(AuthorizerTest, APluginsOwnViewIsNoPublicViewWhateverItsName) {
  const AccessScope tricky{"public-x", "public_x_"};
  AuthorizerState state;
  EXPECT_FALSE(AuthorizePluginAction(tricky, SQLITE_READ, "users", "name",
                                     "main", "public_x_users", state));
  EXPECT_THAT(state.denied, HasSubstr("prefix 'public_x_'"));
}

TEST(AuthorizerTest, PrefixesThatCoverOthersNamesAreRefused) {
  for (const char* prefix :
       {"public_", "public_x_", "sqlite_", "schema_", "s"}) {
    AuthorizerState state;
    EXPECT_FALSE(AuthorizePluginAction({"p", prefix}, SQLITE_SELECT, nullptr,
                                       nullptr, nullptr, nullptr, state))
        << prefix;
    EXPECT_THAT(state.denied, HasSubstr("covers names no plugin owns"));
  }
}

TEST(AuthorizerTest, APluginCreatesAndDropsOnlyItsOwnObjects) {
  EXPECT_TRUE(Allowed(SQLITE_INSERT, "onze_stad_datasets"));
  EXPECT_FALSE(Allowed(SQLITE_UPDATE, "api_tokens", "role"));
  EXPECT_TRUE(Allowed(SQLITE_CREATE_TABLE, "onze_stad_datasets"));
  EXPECT_TRUE(Allowed(SQLITE_CREATE_TEMP_TABLE, "onze_stad_scratch"));
  EXPECT_FALSE(Allowed(SQLITE_CREATE_TABLE, "datasets"));
  EXPECT_FALSE(Allowed(SQLITE_DROP_TABLE, "cities"));
  EXPECT_TRUE(Allowed(SQLITE_CREATE_VIEW, "onze_stad_v"));
  EXPECT_FALSE(Allowed(SQLITE_CREATE_VIEW, "public_leak"));
  EXPECT_TRUE(
      Allowed(SQLITE_CREATE_INDEX, "onze_stad_i", "onze_stad_datasets"));
  EXPECT_FALSE(Allowed(SQLITE_CREATE_INDEX, "onze_stad_i", "cities"));
  EXPECT_FALSE(Allowed(SQLITE_CREATE_INDEX, "cities_i", "onze_stad_datasets"));
  EXPECT_TRUE(Allowed(SQLITE_CREATE_INDEX, "sqlite_autoindex_onze_stad_d_1",
                      "onze_stad_d"));
  EXPECT_FALSE(
      Allowed(SQLITE_CREATE_INDEX, "sqlite_autoindex_cities_1", "cities"));
  EXPECT_TRUE(Allowed(SQLITE_REINDEX, "onze_stad_i"));
  EXPECT_FALSE(Allowed(SQLITE_REINDEX, "cities_i"));
  EXPECT_TRUE(Allowed(SQLITE_CREATE_TRIGGER, "onze_stad_t", "onze_stad_d"));
  EXPECT_FALSE(Allowed(SQLITE_CREATE_TRIGGER, "onze_stad_t", "cities"));
  EXPECT_FALSE(Allowed(SQLITE_CREATE_TEMP_TRIGGER, "onze_stad_t", "cities"));
}

// The callbacks of CREATE TABLE onze_stad_d (a UNIQUE) in SQLite 3.40.
TEST(AuthorizerTest, CreateTableMayWriteTheSchemaAndReadOnlyTheNewRowid) {
  AuthorizerState state;
  EXPECT_TRUE(Step(state, SQLITE_INSERT, "sqlite_master"));
  EXPECT_TRUE(Step(state, SQLITE_CREATE_TABLE, "onze_stad_d"));
  EXPECT_TRUE(Step(state, SQLITE_INSERT, "sqlite_master"));
  EXPECT_TRUE(Step(state, SQLITE_CREATE_INDEX, "sqlite_autoindex_onze_stad_d_1",
                   "onze_stad_d"));
  EXPECT_TRUE(Step(state, SQLITE_READ, "onze_stad_d", "a"));
  EXPECT_TRUE(Step(state, SQLITE_UPDATE, "sqlite_master", "sql"));
  EXPECT_TRUE(Step(state, SQLITE_READ, "sqlite_master", "ROWID"));
  // CREATE TABLE ... AS SELECT sql FROM sqlite_master would read this.
  EXPECT_FALSE(Step(state, SQLITE_READ, "sqlite_master", "sql"));
}

TEST(AuthorizerTest, AlterAndDropMayReadTheSchemaAndTheirSequenceRow) {
  AuthorizerState before;
  EXPECT_FALSE(Step(before, SQLITE_READ, "sqlite_master", "sql"));
  EXPECT_FALSE(Step(before, SQLITE_UPDATE, "sqlite_sequence", "seq"));
  EXPECT_FALSE(Step(before, SQLITE_DELETE, "sqlite_sequence"));
  EXPECT_FALSE(Step(before, SQLITE_READ, "sqlite_sequence", "name"));

  AuthorizerState drop;
  EXPECT_TRUE(Step(drop, SQLITE_DELETE, "sqlite_master"));
  EXPECT_TRUE(Step(drop, SQLITE_DROP_TABLE, "onze_stad_d"));
  EXPECT_TRUE(Step(drop, SQLITE_DELETE, "onze_stad_d"));
  EXPECT_TRUE(Step(drop, SQLITE_DELETE, "sqlite_sequence"));
  EXPECT_TRUE(Step(drop, SQLITE_READ, "sqlite_sequence", "name"));
  EXPECT_TRUE(Step(drop, SQLITE_READ, "sqlite_master", "tbl_name"));

  AuthorizerState alter;
  alter.sql = "ALTER TABLE onze_stad_d ADD COLUMN b";
  EXPECT_TRUE(AuthorizePluginAction(kPlugin, SQLITE_ALTER_TABLE, "main",
                                    "onze_stad_d", nullptr, nullptr, alter));
  EXPECT_TRUE(Step(alter, SQLITE_READ, "sqlite_master", "sql"));
  EXPECT_TRUE(Step(alter, SQLITE_UPDATE, "sqlite_master", "sql"));
}

bool Alter(std::string_view sql, const char* table, std::string* denied) {
  AuthorizerState state;
  state.sql = sql;
  bool allowed =
      AuthorizePluginAction(kPlugin, SQLITE_ALTER_TABLE, "main", table, nullptr,
                            nullptr, state) &&
      AuthorizePluginAction(kPlugin, SQLITE_FUNCTION, nullptr,
                            "sqlite_rename_table", nullptr, nullptr, state);
  *denied = state.denied;
  return allowed;
}

TEST(AuthorizerTest, ATableIsRenamedOnlyWithinThePrefix) {
  std::string denied;
  EXPECT_TRUE(Alter("ALTER TABLE onze_stad_a RENAME TO onze_stad_b",
                    "onze_stad_a", &denied));
  EXPECT_TRUE(Alter("alter table main.\"onze_stad_a\" rename to [onze_stad_b]",
                    "onze_stad_a", &denied));
  EXPECT_TRUE(
      Alter("ALTER /* c */ TABLE `onze_stad_a` -- c\n RENAME TO "
            "'onze_stad_b'",
            "onze_stad_a", &denied));

  EXPECT_FALSE(Alter("ALTER TABLE onze_stad_a RENAME TO users2", "onze_stad_a",
                     &denied));
  EXPECT_EQ(denied, "rename table 'onze_stad_a' to 'users2'");
  EXPECT_FALSE(Alter("ALTER TABLE onze_stad_a RENAME TO \"public_leak\"",
                     "onze_stad_a", &denied));
  EXPECT_EQ(denied, "rename table 'onze_stad_a' to 'public_leak'");
  EXPECT_FALSE(
      Alter("ALTER TABLE cities RENAME TO onze_stad_c", "cities", &denied));
  EXPECT_EQ(denied, "alter table 'cities'");
}

TEST(AuthorizerTest, ARenameWhoseNewNameCannotBeReadIsRefused) {
  AuthorizerState state;
  state.sql = "ALTER TABLE onze_stad_a RENAME TO \"unterminated";
  EXPECT_TRUE(AuthorizePluginAction(kPlugin, SQLITE_ALTER_TABLE, "main",
                                    "onze_stad_a", nullptr, nullptr, state));
  EXPECT_FALSE(AuthorizePluginAction(kPlugin, SQLITE_FUNCTION, nullptr,
                                     "sqlite_rename_table", nullptr, nullptr,
                                     state));
  EXPECT_THAT(state.denied, HasSubstr("cannot be checked"));
}

TEST(AuthorizerTest, RenamingAColumnIsNoTableRename) {
  AuthorizerState state;
  state.sql = "ALTER TABLE onze_stad_a RENAME \"to\" TO users";
  EXPECT_TRUE(AuthorizePluginAction(kPlugin, SQLITE_ALTER_TABLE, "main",
                                    "onze_stad_a", nullptr, nullptr, state));
  EXPECT_TRUE(AuthorizePluginAction(kPlugin, SQLITE_FUNCTION, nullptr,
                                    "sqlite_rename_column", nullptr, nullptr,
                                    state));
}

TEST(AuthorizerTest, APluginNeverControlsTheConnection) {
  for (int action : {SQLITE_PRAGMA, SQLITE_ATTACH, SQLITE_DETACH,
                     SQLITE_TRANSACTION, SQLITE_SAVEPOINT, SQLITE_CREATE_VTABLE,
                     SQLITE_DROP_VTABLE, SQLITE_ANALYZE}) {
    EXPECT_FALSE(Allowed(action, "x", "y")) << action;
  }
  EXPECT_FALSE(Allowed(SQLITE_FUNCTION, nullptr, "load_extension"));
  EXPECT_FALSE(Allowed(SQLITE_FUNCTION, nullptr, "LOAD_EXTENSION"));
  EXPECT_FALSE(Allowed(SQLITE_FUNCTION, nullptr, "fts3_tokenizer"));
  EXPECT_FALSE(Allowed(SQLITE_FUNCTION, nullptr, "search_best_rows"));
  EXPECT_TRUE(Allowed(SQLITE_FUNCTION, nullptr, "lower"));
  EXPECT_TRUE(Allowed(SQLITE_RECURSIVE, nullptr));
}

}  // namespace
}  // namespace smartercities::storage
