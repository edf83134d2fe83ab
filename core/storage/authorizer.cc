#include "core/storage/authorizer.h"

#include <sqlite3.h>

namespace smartercities::storage {
namespace {

std::string_view View(const char* text) {
  return text == nullptr ? std::string_view() : std::string_view(text);
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         text.substr(0, prefix.size()) == prefix;
}

bool IsSchemaTable(std::string_view name) {
  return name == "sqlite_master" || name == "sqlite_schema" ||
         name == "sqlite_temp_master" || name == "sqlite_temp_schema";
}

bool Deny(AuthorizerState& state, std::string what) {
  state.denied = std::move(what);
  return false;
}

}  // namespace

bool AuthorizePluginAction(const AccessScope& scope, int action,
                           const char* arg1, const char* arg2,
                           const char* /*arg3*/, const char* arg4,
                           AuthorizerState& state) {
  if (scope.table_prefix.empty()) return true;
  std::string_view first = View(arg1);
  std::string_view second = View(arg2);
  std::string_view view = View(arg4);
  auto own = [&](std::string_view name) {
    // SQLite names the indexes behind UNIQUE and PRIMARY KEY constraints
    // sqlite_autoindex_<table>_<n>.
    constexpr std::string_view kAutoIndex = "sqlite_autoindex_";
    if (StartsWith(name, kAutoIndex)) name.remove_prefix(kAutoIndex.size());
    return StartsWith(name, scope.table_prefix);
  };
  auto ddl = [&](bool allowed, std::string_view name) {
    if (!allowed) {
      return Deny(state, "create or drop '" + std::string(name) + "'");
    }
    state.own_ddl = true;
    return true;
  };
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE:
      return true;
    case SQLITE_FUNCTION:
      if (second == "load_extension") {
        return Deny(state, "call load_extension()");
      }
      return true;
    case SQLITE_READ:
      if (own(first) || StartsWith(first, "public_")) return true;
      if (StartsWith(view, "public_")) {
        state.through_public_views.insert(std::string(first));
        return true;
      }
      if (second.empty() && arg2 != nullptr &&
          state.through_public_views.contains(std::string(first))) {
        return true;
      }
      if (IsSchemaTable(first) && state.own_ddl) return true;
      return Deny(state, "read table '" + std::string(first) + "'");
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
      // SQLite itself refuses direct writes to its schema table; these are
      // its own bookkeeping for the plugin's DDL.
      if (own(first) || IsSchemaTable(first) || first == "sqlite_sequence") {
        return true;
      }
      return Deny(state, "write table '" + std::string(first) + "'");
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_TEMP_VIEW:
      return ddl(own(first), first);
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_TEMP_TRIGGER:
      return ddl(own(first) && own(second), own(first) ? second : first);
    case SQLITE_ALTER_TABLE:
      return ddl(own(second), second);
    case SQLITE_REINDEX:
    case SQLITE_ANALYZE:
      if (own(first)) return true;
      return Deny(state, "reindex or analyze '" + std::string(first) + "'");
    case SQLITE_PRAGMA:
      return Deny(state, "run PRAGMA " + std::string(first));
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
      return Deny(state, "attach or detach a database");
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
      return Deny(state, "control transactions (the host does)");
    default:
      return Deny(state, "perform SQLite action " + std::to_string(action));
  }
}

}  // namespace smartercities::storage
