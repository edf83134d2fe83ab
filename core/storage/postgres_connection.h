// postgres_connection.h — one libpq connection to PostgreSQL, behind the
// Connection interface.
//
// Statements are spelled for PostgreSQL by ToPostgresSql, prepared once per
// SQL text, scope and kind of parameters, and run with text parameters.
// Columns come back as the Value their type asks for: integers of every
// width and booleans as integers, floating point and numeric as reals,
// bytea as its bytes, the rest as text.
//
// A plugin's scope (SetScope) runs the statements that follow as the
// plugin's role, with its schema first on the search path, until the
// transaction ends or the scope is reset: PostgreSQL itself then refuses
// every table but the plugin's own and the public_ views granted to it.
// Because the connection's own user could take its rights back (SET ROLE,
// set_config), a plugin's statements are also checked before they run: only
// reading and writing rows and defining its own tables, indexes and views.
//
// Thread-safety: none; a connection is used by one thread at a time.
#ifndef SMARTERCITIES_CORE_STORAGE_POSTGRES_CONNECTION_H_
#define SMARTERCITIES_CORE_STORAGE_POSTGRES_CONNECTION_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/database.h"

// libpq's connection, declared here so that its header stays in the .cc.
struct pg_conn;

namespace smartercities::storage {

// The schema and role a plugin's scope runs under on PostgreSQL: its table
// prefix without the final '_' ("groene_stad_" gives schema "groene_stad"
// and role "smartercities_plugin_groene_stad").
std::string PluginSchema(const AccessScope& scope);
std::string PluginRole(const AccessScope& scope);

// A name in double quotes for SQL, its own quotes doubled.
std::string QuoteIdentifier(std::string_view name);

class PostgresConnection final : public Connection {
 public:
  Engine engine() const override { return Engine::kPostgres; }
  // Connects to url (a libpq connection URI). Fails with Unavailable,
  // naming the server (never the password) and libpq's reason.
  static Result<std::unique_ptr<PostgresConnection>> Connect(
      const std::string& url);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Status Execute(std::string_view sql, std::span<const Value> params,
                 const RowCallback& on_row = nullptr) override;
  Status ExecuteViews(std::string_view sql, std::span<const Value> params,
                      const RowViewCallback& on_row) override;
  Result<std::vector<Row>> Query(std::string_view sql,
                                 std::span<const Value> params) override;
  Status ExecuteScript(std::string_view sql) override;
  Result<std::unique_ptr<Statement>> PrepareStatement(
      std::string_view sql) override;
  std::int64_t Changes() const override { return changes_; }
  // The value the last INSERT drew from an identity column or sequence on
  // this connection (lastval()), 0 when none has.
  std::int64_t LastInsertId() const override;
  void SetScope(AccessScope scope) override;
  // Reads the row whose column "id" is rowid: PostgreSQL has no rowid, and
  // the core's tables of long texts key their rows by id.
  Result<ValuePart> ReadPart(std::string_view table, std::string_view column,
                             std::int64_t rowid, std::size_t offset,
                             std::size_t length) override;

  // The host's own commands (LISTEN, GRANT, ...), without parameters and
  // unchecked, under the scope set (the host's, unless a plugin's is).
  Status Command(std::string_view sql);
  // The schemas the host's statements see, in order: public, then every
  // plugin's (their tables' names start with their prefixes, so none
  // hides another's). Applied from the next statement in the host's scope.
  void SetHostSearchPath(const std::string& path);
  // True once after a statement that created a table ran here (the host
  // gives new tables their change trigger before the commit).
  bool TakeCreatedTables();
  // Begins a transaction; read_only ones see one snapshot throughout
  // (REPEATABLE READ). The scope is reset. then: the host's own statements
  // (as Command's) to run inside it at once, in the same round trip; when
  // one fails, the transaction is rolled back and Begin fails.
  Status Begin(bool read_only, std::string_view then = {});
  // Commits, or rolls back; either way the transaction is over and the
  // scope is reset.
  Status Commit();
  void Rollback();
  bool in_transaction() const { return in_transaction_; }

  // Notifications received so far (payloads of channel), and which backend
  // sent each; consumed.
  struct Notification {
    std::string channel;
    std::string payload;
    int sender = 0;
  };
  std::vector<Notification> TakeNotifications();
  // The server process serving this connection.
  int backend_pid() const;
  // The socket, for waiting on notifications; -1 when closed.
  int socket() const;
  // Reads what the server sent without waiting; false when the connection
  // is broken.
  bool ConsumeInput();

 private:
  class PreparedStatement;
  friend class PreparedStatement;

  explicit PostgresConnection(pg_conn* connection);
  // The prepared statement's name for sql with params of these kinds,
  // preparing it first when needed; checks a plugin's statement.
  Result<std::string> Prepare(std::string_view sql,
                              const std::vector<unsigned>& types);
  // Runs a prepared statement; rows go to on_row as views.
  Status RunPrepared(std::string_view sql, const std::string& name,
                     std::span<const ValueView> params,
                     const RowViewCallback& on_row);
  Status Run(std::string_view sql, std::span<const ValueView> params,
             const RowViewCallback& on_row);
  // What no caller may run (transactions), and what a plugin may not, or
  // OK; notes a CREATE TABLE.
  Status CheckStatement(std::string_view sql);
  // Runs sql as it is, whatever the scope.
  Status Raw(std::string_view sql);
  // Applies scope_ to the session when it changed since it was applied.
  Status ApplyScope();
  Status Failure(std::string_view sql, const void* result) const;

  pg_conn* connection_;
  AccessScope scope_;
  bool scope_applied_ = true;
  bool in_transaction_ = false;
  bool aborted_ = false;
  bool created_tables_ = false;
  std::string host_search_path_ = "public";
  std::int64_t changes_ = 0;
  std::uint64_t next_statement_ = 0;
  std::map<std::string, std::string, std::less<>> statements_;
  // The columns of the result RunPrepared is handing out.
  std::vector<std::string> column_names_;
};

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_POSTGRES_CONNECTION_H_
