#include "core/storage/authorizer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace smartercities::storage {
namespace {

const AccessScope kPlugin{"onze-stad", "onze_stad_"};

bool Allowed(int action, const char* a1, const char* a2 = nullptr,
             const char* a4 = nullptr, const AccessScope& scope = kPlugin) {
  AuthorizerState state;
  return AuthorizePluginAction(scope, action, a1, a2, "main", a4, state);
}

TEST(AuthorizerTest, TheCoreMayDoAnything) {
  EXPECT_TRUE(Allowed(SQLITE_PRAGMA, "journal_mode", nullptr, nullptr, {}));
  EXPECT_TRUE(Allowed(SQLITE_READ, "users", "name", nullptr, {}));
}

TEST(AuthorizerTest, APluginReadsItsOwnTablesAndPublicViews) {
  EXPECT_TRUE(Allowed(SQLITE_READ, "onze_stad_datasets", "title"));
  EXPECT_TRUE(Allowed(SQLITE_READ, "public_cities", "name"));
  EXPECT_TRUE(Allowed(SQLITE_READ, "cities", "name", "public_cities"));
  EXPECT_FALSE(Allowed(SQLITE_READ, "cities", "name"));
  EXPECT_FALSE(Allowed(SQLITE_READ, "cities", "name", "onze_stad_view"));
  EXPECT_FALSE(Allowed(SQLITE_READ, "onze_stadx", "a"));
}

TEST(AuthorizerTest, APluginChangesOnlyItsOwnObjects) {
  EXPECT_TRUE(Allowed(SQLITE_INSERT, "onze_stad_datasets"));
  EXPECT_FALSE(Allowed(SQLITE_UPDATE, "api_tokens", "role"));
  EXPECT_TRUE(
      Allowed(SQLITE_CREATE_INDEX, "onze_stad_i", "onze_stad_datasets"));
  EXPECT_FALSE(Allowed(SQLITE_CREATE_INDEX, "onze_stad_i", "cities"));
  EXPECT_TRUE(Allowed(SQLITE_CREATE_INDEX, "sqlite_autoindex_onze_stad_d_1",
                      "onze_stad_d"));
  EXPECT_FALSE(
      Allowed(SQLITE_CREATE_INDEX, "sqlite_autoindex_cities_1", "cities"));
  EXPECT_FALSE(Allowed(SQLITE_CREATE_TRIGGER, "onze_stad_t", "cities"));
  EXPECT_TRUE(Allowed(SQLITE_ALTER_TABLE, "main", "onze_stad_datasets"));
  EXPECT_FALSE(Allowed(SQLITE_ALTER_TABLE, "main", "cities"));
}

TEST(AuthorizerTest, CountingThroughAPublicViewOnly) {
  AuthorizerState state;
  EXPECT_FALSE(AuthorizePluginAction(kPlugin, SQLITE_READ, "cities", "",
                                     nullptr, nullptr, state));
  EXPECT_TRUE(AuthorizePluginAction(kPlugin, SQLITE_READ, "cities", "code",
                                    "main", "public_cities", state));
  EXPECT_TRUE(AuthorizePluginAction(kPlugin, SQLITE_READ, "cities", "", nullptr,
                                    nullptr, state));
}

TEST(AuthorizerTest, SchemaReadsOnlyAfterOwnDdl) {
  AuthorizerState state;
  EXPECT_FALSE(AuthorizePluginAction(kPlugin, SQLITE_READ, "sqlite_master",
                                     "sql", "main", nullptr, state));
  EXPECT_TRUE(AuthorizePluginAction(kPlugin, SQLITE_ALTER_TABLE, "main",
                                    "onze_stad_datasets", nullptr, nullptr,
                                    state));
  EXPECT_TRUE(AuthorizePluginAction(kPlugin, SQLITE_READ, "sqlite_master",
                                    "sql", "main", nullptr, state));
}

TEST(AuthorizerTest, APluginNeverControlsTheConnection) {
  for (int action :
       {SQLITE_PRAGMA, SQLITE_ATTACH, SQLITE_DETACH, SQLITE_TRANSACTION,
        SQLITE_SAVEPOINT, SQLITE_CREATE_VTABLE}) {
    EXPECT_FALSE(Allowed(action, "x", "y")) << action;
  }
  EXPECT_FALSE(Allowed(SQLITE_FUNCTION, nullptr, "load_extension"));
  EXPECT_TRUE(Allowed(SQLITE_FUNCTION, nullptr, "lower"));
}

}  // namespace
}  // namespace smartercities::storage
