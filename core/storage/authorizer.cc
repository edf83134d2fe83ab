#include "core/storage/authorizer.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <optional>

#include "core/storage/search_functions.h"

namespace smartercities::storage {
namespace {

constexpr std::string_view kPublicPrefix = "public_";

std::string_view View(const char* text) {
  return text == nullptr ? std::string_view() : std::string_view(text);
}

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// SQLite compares names without regard to ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return Lower(x) == Lower(y); });
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

bool IsSchemaTable(std::string_view name) {
  return EqualsIgnoreCase(name, "sqlite_master") ||
         EqualsIgnoreCase(name, "sqlite_schema") ||
         EqualsIgnoreCase(name, "sqlite_temp_master") ||
         EqualsIgnoreCase(name, "sqlite_temp_schema");
}

bool IsSequenceTable(std::string_view name) {
  return EqualsIgnoreCase(name, "sqlite_sequence");
}

// Functions that reach outside the database or into SQLite's internals.
bool IsForbiddenFunction(std::string_view name) {
  constexpr std::array<std::string_view, 6> kForbidden = {
      "load_extension", "fts3_tokenizer", "readfile", "writefile", "edit",
      // What the core's last search on the connection kept.
      kSearchBestRowsFunction};
  return std::any_of(kForbidden.begin(), kForbidden.end(),
                     [&](std::string_view forbidden) {
                       return EqualsIgnoreCase(name, forbidden);
                     });
}

// A prefix that would cover SQLite's objects, the public views or the
// migration records is not a namespace of one plugin.
bool IsReservedPrefix(std::string_view prefix) {
  return StartsWithIgnoreCase(prefix, kPublicPrefix) ||
         StartsWithIgnoreCase(prefix, "sqlite_") ||
         StartsWithIgnoreCase("schema_migrations", prefix);
}

struct Token {
  enum class Kind { kWord, kQuoted, kPunctuation };
  Kind kind;
  std::string text;
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// The next token of sql from pos, split as SQLite's tokenizer splits words,
// quoted names and punctuation; spaces and comments are skipped. nullopt at
// the end or inside an unterminated quote.
std::optional<Token> NextToken(std::string_view sql, std::size_t& pos) {
  while (pos < sql.size()) {
    if (IsSpace(sql[pos])) {
      ++pos;
    } else if (sql.substr(pos, 2) == "--") {
      pos = std::min(sql.find('\n', pos), sql.size());
    } else if (sql.substr(pos, 2) == "/*") {
      std::size_t end = sql.find("*/", pos + 2);
      pos = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  if (pos >= sql.size()) return std::nullopt;
  char first = sql[pos];
  if (first == '"' || first == '`' || first == '\'' || first == '[') {
    char close = first == '[' ? ']' : first;
    std::string text;
    for (std::size_t i = pos + 1; i < sql.size(); ++i) {
      if (sql[i] != close) {
        text += sql[i];
      } else if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
        text += close;
        ++i;
      } else {
        pos = i + 1;
        return Token{Token::Kind::kQuoted, std::move(text)};
      }
    }
    return std::nullopt;
  }
  if (IsIdChar(first)) {
    std::size_t start = pos;
    while (pos < sql.size() && IsIdChar(sql[pos])) ++pos;
    return Token{Token::Kind::kWord,
                 std::string(sql.substr(start, pos - start))};
  }
  ++pos;
  return Token{Token::Kind::kPunctuation, std::string(1, first)};
}

// The new name of "ALTER TABLE [schema.]name RENAME TO new_name", or nullopt
// when sql is another statement (RENAME COLUMN, ADD, DROP).
std::optional<std::string> RenameTarget(std::string_view sql) {
  std::size_t pos = 0;
  auto keyword = [](const std::optional<Token>& token, std::string_view word) {
    return token && token->kind == Token::Kind::kWord &&
           EqualsIgnoreCase(token->text, word);
  };
  auto is_name = [](const std::optional<Token>& token) {
    return token && token->kind != Token::Kind::kPunctuation;
  };
  if (!keyword(NextToken(sql, pos), "ALTER") ||
      !keyword(NextToken(sql, pos), "TABLE")) {
    return std::nullopt;
  }
  if (!is_name(NextToken(sql, pos))) return std::nullopt;
  std::optional<Token> next = NextToken(sql, pos);
  if (next && next->kind == Token::Kind::kPunctuation && next->text == ".") {
    if (!is_name(NextToken(sql, pos))) return std::nullopt;
    next = NextToken(sql, pos);
  }
  if (!keyword(next, "RENAME") || !keyword(NextToken(sql, pos), "TO")) {
    return std::nullopt;
  }
  std::optional<Token> target = NextToken(sql, pos);
  if (!is_name(target)) return std::nullopt;
  return target->text;
}

bool Deny(AuthorizerState& state, std::string what) {
  state.denied = std::move(what);
  return false;
}

// Built by appending: GCC 12 at -O3 reports a false -Wrestrict for
// "'" + std::string (GCC bug 105329).
std::string Quoted(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '\'';
  out += name;
  out += '\'';
  return out;
}

// What a DDL action does, for messages.
std::string_view DdlWhat(int action) {
  switch (action) {
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_TABLE:
      return "create table";
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_TABLE:
      return "drop table";
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_TEMP_VIEW:
      return "create view";
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_TEMP_VIEW:
      return "drop view";
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TEMP_INDEX:
      return "create index";
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TEMP_INDEX:
      return "drop index";
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
      return "create trigger";
    default:
      return "drop trigger";
  }
}

bool IsCreate(int action) {
  switch (action) {
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool AuthorizePluginAction(const AccessScope& scope, int action,
                           const char* arg1, const char* arg2,
                           const char* /*arg3*/, const char* arg4,
                           AuthorizerState& state) {
  const std::string& prefix = scope.table_prefix;
  if (prefix.empty()) return true;
  if (IsReservedPrefix(prefix)) {
    return Deny(state, "use the table prefix " + Quoted(prefix) +
                           ", which covers names no plugin owns");
  }
  std::string_view first = View(arg1);
  std::string_view second = View(arg2);
  std::string_view view = View(arg4);
  auto own = [&](std::string_view name) {
    // SQLite names the indexes behind UNIQUE and PRIMARY KEY constraints
    // sqlite_autoindex_<table>_<n>.
    constexpr std::string_view kAutoIndex = "sqlite_autoindex_";
    if (StartsWithIgnoreCase(name, kAutoIndex)) {
      name.remove_prefix(kAutoIndex.size());
    }
    return StartsWithIgnoreCase(name, prefix);
  };
  auto is_public_view = [&](std::string_view name) {
    // A view of the plugin's own is no public view, whatever its name.
    return StartsWithIgnoreCase(name, kPublicPrefix) && !own(name);
  };
  auto ddl_done = [&](int ddl_action) {
    state.ddl = IsCreate(ddl_action) ? AuthorizerState::Ddl::kCreate
                                     : AuthorizerState::Ddl::kAlterOrDrop;
    return true;
  };
  switch (action) {
    case SQLITE_SELECT:
      state.last_select_view = std::string(view);
      return true;
    case SQLITE_RECURSIVE:
      return true;
    case SQLITE_FUNCTION:
      if (IsForbiddenFunction(second)) {
        return Deny(state, "call " + std::string(second) + "()");
      }
      if (EqualsIgnoreCase(second, "sqlite_rename_table") &&
          !state.rename_checked) {
        return Deny(state, "rename a table to a name that cannot be checked");
      }
      return true;
    case SQLITE_READ:
      if (own(first) || StartsWithIgnoreCase(first, kPublicPrefix)) {
        return true;
      }
      if (is_public_view(view)) {
        state.through_public_views.insert(std::string(first));
        return true;
      }
      if (arg2 != nullptr && second.empty() &&
          state.through_public_views.contains(std::string(first)) &&
          is_public_view(state.last_select_view)) {
        return true;
      }
      // SQLite reads its schema table to alter and drop the plugin's
      // objects, and only the new row's rowid to create one.
      if (IsSchemaTable(first) &&
          (state.ddl == AuthorizerState::Ddl::kAlterOrDrop ||
           (state.ddl == AuthorizerState::Ddl::kCreate && second == "ROWID"))) {
        return true;
      }
      if (IsSequenceTable(first) &&
          state.ddl == AuthorizerState::Ddl::kAlterOrDrop) {
        return true;
      }
      return Deny(state, "read table " + Quoted(first));
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
      if (own(first)) return true;
      // SQLite refuses direct writes to its schema table, so these come
      // from its bookkeeping for the plugin's DDL, which it reports before
      // the DDL itself.
      if (IsSchemaTable(first)) return true;
      // Renaming or dropping a table with AUTOINCREMENT changes its row in
      // sqlite_sequence; any other write there could reset or exhaust
      // another table's counter.
      if (IsSequenceTable(first) &&
          state.ddl == AuthorizerState::Ddl::kAlterOrDrop) {
        return true;
      }
      return Deny(state, "write table " + Quoted(first));
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_TEMP_VIEW:
      if (!own(first)) {
        return Deny(state, std::string(DdlWhat(action)) + " " + Quoted(first));
      }
      return ddl_done(action);
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_TEMP_TRIGGER:
      if (!own(first) || !own(second)) {
        return Deny(state, std::string(DdlWhat(action)) + " " + Quoted(first) +
                               " on table " + Quoted(second));
      }
      return ddl_done(action);
    case SQLITE_ALTER_TABLE:
      if (!own(second)) return Deny(state, "alter table " + Quoted(second));
      if (std::optional<std::string> target = RenameTarget(state.sql)) {
        if (!own(*target)) {
          return Deny(state, "rename table " + Quoted(second) + " to " +
                                 Quoted(*target));
        }
        state.rename_checked = true;
      }
      return ddl_done(action);
    case SQLITE_REINDEX:
      // CREATE INDEX reports its new index as reindexed.
      if (own(first)) return true;
      return Deny(state, "reindex " + Quoted(first));
    case SQLITE_PRAGMA:
      return Deny(state, "run PRAGMA " + std::string(first));
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
      return Deny(state, "attach or detach a database");
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
      return Deny(state, "control the transaction (the host does)");
    case SQLITE_CREATE_VTABLE:
    case SQLITE_DROP_VTABLE:
      return Deny(state, "create or drop virtual table " + Quoted(first));
    case SQLITE_ANALYZE:
      return Deny(state, "run ANALYZE");
    default:
      return Deny(state, "perform SQLite action " + std::to_string(action));
  }
}

}  // namespace smartercities::storage
