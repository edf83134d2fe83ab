// authorizer.h — what a statement run for a plugin may touch, decided per
// action that SQLite reports to its authorizer callback.
//
// A plugin (AccessScope with a table_prefix) may create, read and change
// tables, indexes, views and triggers whose names start with its prefix, and
// read the core's views whose names start with "public_" (and, through them,
// the tables behind them). SQLite's own bookkeeping of a plugin's DDL is
// allowed. Everything else is refused: other tables, PRAGMA, ATTACH,
// transactions, virtual tables, load_extension. Stateless; thread-safe.
#ifndef SMARTERCITIES_CORE_STORAGE_AUTHORIZER_H_
#define SMARTERCITIES_CORE_STORAGE_AUTHORIZER_H_

#include <set>
#include <string>
#include <string_view>

#include "core/storage/database.h"

namespace smartercities::storage {

struct AuthorizerState {
  // Set once the statement has done DDL on an object of its own; SQLite then
  // reads its schema table on the statement's behalf.
  bool own_ddl = false;
  // Tables the statement reads through a public view; SQLite's count(*)
  // shortcut later reads them again without naming the view.
  std::set<std::string> through_public_views;
  // The object and action of the last refusal, for the error message.
  std::string denied;
};

// Returns true to allow. arg1..arg4 are SQLite's (possibly null) arguments.
bool AuthorizePluginAction(const AccessScope& scope, int action,
                           const char* arg1, const char* arg2, const char* arg3,
                           const char* arg4, AuthorizerState& state);

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_AUTHORIZER_H_
