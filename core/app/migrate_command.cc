#include "core/app/migrate_command.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "core/app/data_directory.h"
#include "core/auth/audit.h"
#include "core/domain/core_schema.h"
#include "core/domain/manifest_parser.h"
#include "core/storage/postgres_connection.h"
#include "core/storage/postgres_database.h"

namespace smartercities::app {
namespace {

// FTS5's own tables behind search_index: PostgreSQL's search_index is a
// plain table, and these are FTS5's way of keeping it.
const std::set<std::string, std::less<>> kFtsShadowTables = {
    "search_index_config", "search_index_content", "search_index_data",
    "search_index_docsize", "search_index_idx"};

// One table to copy: its columns, and the tables its rows refer to.
struct Table {
  std::string name;
  std::vector<std::string> columns;
  std::set<std::string> references;
};

// The SQLite database's tables with their columns and references.
Result<std::vector<Table>> ReadTables(storage::Connection& db) {
  std::vector<Table> tables;
  Status status = db.Execute(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
      "'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_migrations' ORDER BY name",
      {}, [&](const storage::Row& row) {
        std::string name = row.Text("name");
        if (!kFtsShadowTables.contains(name)) tables.push_back({name, {}, {}});
        return true;
      });
  if (!status.ok()) return status;
  for (Table& table : tables) {
    std::vector<storage::Value> params{table.name};
    // FTS5's rowid is not one of its columns; PostgreSQL's table has it.
    if (table.name == "search_index") table.columns.push_back("rowid");
    status = db.Execute("SELECT name FROM pragma_table_info(?1) ORDER BY cid",
                        params, [&](const storage::Row& row) {
                          table.columns.push_back(row.Text("name"));
                          return true;
                        });
    if (!status.ok()) return status;
    status = db.Execute(
        "SELECT DISTINCT \"table\" AS name FROM pragma_foreign_key_list(?1)",
        params, [&](const storage::Row& row) {
          std::string referenced = row.Text("name");
          if (referenced != table.name) table.references.insert(referenced);
          return true;
        });
    if (!status.ok()) return status;
  }
  return tables;
}

// tables in an order where every table comes after those it refers to.
std::vector<const Table*> ReferencedFirst(const std::vector<Table>& tables) {
  std::map<std::string, const Table*, std::less<>> by_name;
  for (const Table& table : tables) by_name[table.name] = &table;
  std::vector<const Table*> order;
  std::set<std::string, std::less<>> placed;
  std::function<void(const Table&, int)> place = [&](const Table& table,
                                                     int depth) {
    if (placed.contains(table.name) || depth > 64) return;
    placed.insert(table.name);
    for (const std::string& referenced : table.references) {
      auto it = by_name.find(referenced);
      if (it != by_name.end()) place(*it->second, depth + 1);
    }
    order.push_back(&table);
  };
  for (const Table& table : tables) place(table, 0);
  return order;
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string list;
  for (const std::string& column : columns) {
    if (!list.empty()) list += ", ";
    list += storage::QuoteIdentifier(column);
  }
  return list;
}

// The tables a PostgreSQL database holds besides schema_migrations, up to
// a few, and how many migrations it records.
Status CheckEmpty(storage::Database& target, const std::string& where) {
  std::vector<std::string> tables;
  std::int64_t migrations = 0;
  Status status = target.Read([&](storage::Connection& db) {
    Status read = db.Execute(
        "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON "
        "n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname "
        "NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE "
        "'pg\\_%' AND c.relname <> 'schema_migrations' ORDER BY 1 LIMIT 3",
        {}, [&](const storage::Row& row) {
          tables.push_back(row.Text("name"));
          return true;
        });
    if (!read.ok()) return read;
    return db.Execute("SELECT COUNT(*) AS n FROM schema_migrations", {},
                      [&](const storage::Row& row) {
                        migrations = row.Integer("n");
                        return false;
                      });
  });
  if (!status.ok()) return status;
  if (tables.empty() && migrations == 0) return Status::Ok();
  std::string named;
  for (const std::string& table : tables) {
    named += named.empty() ? "" : ", ";
    named += table;
  }
  return Status::FailedPrecondition(
      "migrate-to: " + where + " is not empty (" +
      (tables.empty() ? std::to_string(migrations) + " migrations recorded"
                      : "it has tables such as " + named) +
      "); it copies into an empty database only, so that nothing there is "
      "overwritten or mixed");
}

}  // namespace

Status MigrateTo(const Config& config, const std::string& url,
                 std::ostream& out) {
  if (!storage::IsPostgresUrl(url)) {
    return Status::InvalidArgument(
        "migrate-to: '" + storage::RedactedUrl(url) +
        "' is not a PostgreSQL URL (postgresql://user@host:5432/name)");
  }
  if (!config.database_url.empty()) {
    return Status::FailedPrecondition(
        "migrate-to: copies the SQLite database of --data-dir, but "
        "--database (or DATABASE_URL) names a PostgreSQL database as the "
        "source; leave it out");
  }
  std::string where = storage::RedactedUrl(url);
  auto source = OpenDataDirectory(config, ThemeSync::kFromSidecars, out);
  if (!source.ok()) return source.status();
  auto target = storage::OpenPostgres({url});
  if (!target.ok()) return target.status();
  if (Status empty = CheckEmpty(**target, where); !empty.ok()) return empty;

  // The same schema as the source: the core's and each plugin's
  // migrations, from the same manifests.
  Status status = (*target)->Migrate({"core", ""}, domain::CoreMigrations());
  if (!status.ok()) return status.WithContext("migrate-to: " + where);
  for (const SidecarModule& module : ReadSidecars(config.plugin_dir)) {
    if (!module.manifest) continue;
    status = domain::MigratePlugin(**target, *module.manifest);
    if (!status.ok()) {
      return status.WithContext("migrate-to: theme '" + module.manifest->id +
                                "'");
    }
  }

  std::map<std::string, std::int64_t> copied;
  std::int64_t rows_copied = 0;
  status = (*source)->Read([&](storage::Connection& from) -> Status {
    auto tables = ReadTables(from);
    if (!tables.ok()) return tables.status();
    std::vector<const Table*> order = ReferencedFirst(*tables);
    return (*target)->Write([&](storage::Connection& to) -> Status {
      // What the migrations stored themselves (search_index_totals' row)
      // makes way for the source's, referring tables first.
      for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Status cleared = to.Execute(
            "DELETE FROM " + storage::QuoteIdentifier((*it)->name), {});
        if (!cleared.ok()) return cleared;
      }
      for (const Table* table : order) {
        std::string placeholders;
        for (std::size_t i = 1; i <= table->columns.size(); ++i) {
          placeholders += (i > 1 ? ", ?" : "?") + std::to_string(i);
        }
        auto insert = to.PrepareStatement(
            "INSERT INTO " + storage::QuoteIdentifier(table->name) + " (" +
            ColumnList(table->columns) + ") VALUES (" + placeholders + ")");
        if (!insert.ok()) {
          return insert.status().WithContext("table " + table->name);
        }
        std::int64_t count = 0;
        Status failed;
        Status read = from.ExecuteViews(
            "SELECT " + ColumnList(table->columns) + " FROM " +
                storage::QuoteIdentifier(table->name) + " ORDER BY 1",
            {}, [&](std::span<const storage::ValueView> row) {
              auto written = (*insert)->Run(row);
              if (!written.ok()) {
                failed = written.status().WithContext(
                    "table " + table->name + ", row " +
                    std::to_string(count + 1));
                return false;
              }
              ++count;
              return true;
            });
        if (!failed.ok()) return failed;
        if (!read.ok()) return read.WithContext("reading " + table->name);
        copied[table->name] = count;
        rows_copied += count;
        // Ids handed out from now on follow the copied ones.
        std::vector<std::string> identities;
        std::vector<storage::Value> params{table->name};
        Status looked = to.Execute(
            "SELECT a.attname::text AS name FROM pg_attribute a WHERE "
            "a.attrelid = to_regclass(?1) AND a.attidentity <> ''",
            params, [&](const storage::Row& row) {
              identities.push_back(row.Text("name"));
              return true;
            });
        if (!looked.ok()) return looked;
        for (const std::string& column : identities) {
          Status set = to.Execute(
              "SELECT setval(pg_get_serial_sequence(?1, ?2), (SELECT "
              "COALESCE(MAX(" +
                  storage::QuoteIdentifier(column) + "), 0) + 1 FROM " +
                  storage::QuoteIdentifier(table->name) + "), false)",
              std::vector<storage::Value>{table->name, column});
          if (!set.ok()) return set;
        }
      }
      return Status::Ok();
    });
  });
  if (!status.ok()) {
    return status.WithContext(
        "migrate-to: copying into " + where +
        " (the copy was rolled back, the schema stays: start again on a new "
        "empty database)");
  }

  // The check: every table as many rows as copied, and the chain intact.
  for (const auto& copy : copied) {
    // Named, not bound: a lambda below reads it.
    const std::string& table = copy.first;
    std::int64_t count = copy.second;
    std::int64_t stored = -1;
    status = (*target)->Read([&](storage::Connection& db) {
      return db.Execute(
          "SELECT COUNT(*) AS n FROM " + storage::QuoteIdentifier(table), {},
          [&](const storage::Row& row) {
            stored = row.Integer("n");
            return false;
          });
    });
    if (!status.ok()) return status;
    if (stored != count) {
      return Status::Internal("migrate-to: table " + table + " holds " +
                              std::to_string(stored) + " rows in " + where +
                              " after copying " + std::to_string(count));
    }
  }
  auto audit = auth::VerifyAuditTrail(**target);
  if (!audit.ok()) return audit.status();
  if (audit->broken_at) {
    return Status::FailedPrecondition(
        "migrate-to: the audit trail in " + where +
        " is broken after the copy: " + audit->problem);
  }
  out << "copied " << rows_copied << " rows of " << copied.size()
      << " tables from " << config.DatabaseFile().string() << " to " << where
      << "; every table has its rows and the audit trail is intact ("
      << audit->rows << " rows)\n";
  return Status::Ok();
}

}  // namespace smartercities::app
