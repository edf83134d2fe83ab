// authorizer.h — what a statement run for a plugin may touch, decided per
// action that SQLite reports to its authorizer callback.
//
// A plugin (an AccessScope with a table_prefix) may create, read, change,
// alter and drop tables, indexes, views and triggers whose names start with
// its prefix, and read views whose names start with "public_" (and, through
// them, the tables behind them). The bookkeeping SQLite does in its schema
// table for the plugin's own DDL is allowed. Everything else is refused:
// other tables, PRAGMA, ATTACH, transactions, virtual tables, ANALYZE,
// load_extension, renaming a table out of the prefix. The core (an empty
// prefix) may do anything.
//
// Thread-safety: AuthorizePluginAction is a pure function of its arguments;
// an AuthorizerState belongs to one connection and one statement at a time.
#ifndef SMARTERCITIES_CORE_STORAGE_AUTHORIZER_H_
#define SMARTERCITIES_CORE_STORAGE_AUTHORIZER_H_

#include <set>
#include <string>
#include <string_view>

#include "core/storage/database.h"

namespace smartercities::storage {

// What the callbacks of one statement have told so far; SQLite reports some
// actions only in a context that earlier callbacks established. Start each
// statement with a fresh state.
struct AuthorizerState {
  // The text of the statement being prepared, from its first character (it
  // may run on into later statements of a script). Not owned: it must stay
  // valid while SQLite prepares or re-prepares the statement.
  std::string_view sql;

  // The plugin's own DDL seen in this statement, which decides what SQLite
  // may read of its schema table on the statement's behalf.
  enum class Ddl { kNone, kCreate, kAlterOrDrop };
  Ddl ddl = Ddl::kNone;
  // The statement renames a table and its new name has been checked.
  bool rename_checked = false;
  // Tables read through a public view, and the view of the latest SELECT:
  // SQLite's count(*) and "SELECT 1" shortcuts read the table behind a view
  // again with an empty column name and no view.
  std::set<std::string> through_public_views;
  std::string last_select_view;

  // What the last refusal refused ("read table 'users'"), for the message.
  std::string denied;
};

// The decision for one authorizer callback of a statement run in scope:
// true allows, false refuses and records the reason in state.denied.
// action and arg1..arg4 are exactly what SQLite passed (arguments may be
// null); state carries what earlier callbacks of the statement reported.
bool AuthorizePluginAction(const AccessScope& scope, int action,
                           const char* arg1, const char* arg2, const char* arg3,
                           const char* arg4, AuthorizerState& state);

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_AUTHORIZER_H_
