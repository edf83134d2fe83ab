// postgres_database.h — the PostgreSQL implementation of Database, for
// several nodes sharing one database server.
//
// Connections: one write connection that this node's writers take in turn,
// and read connections from a pool, one per Read in progress. Every Write
// also holds a transaction-level advisory lock, so that writers on all nodes
// take their turns as SQLite's writers do (BEGIN IMMEDIATE): what a Write
// reads it can rely on until it commits. Read() is one REPEATABLE READ,
// READ ONLY transaction: one snapshot for the whole of fn.
//
// Other nodes' writes: every table the migrations create gets a statement
// trigger that sends the table's name on the channel smartercities_changes
// (NOTIFY, delivered at commit). A listener thread on its own connection
// counts them in Generation and TableGeneration as they arrive, so a change
// on one node is seen by the others within milliseconds, without polling.
// This node's own writes are counted before Write returns, from the
// notifications its write connection receives for its own commit.
//
// Plugins: each plugin's migrations run in its own schema under its own
// role (PluginSchema, PluginRole), made by Migrate; the role may use its
// schema and read the public_ views, nothing else (PostgresConnection).
//
// Write observers (the audit trail) see the rows a Write changed as a row
// trigger on every table captured them (smartercities_capture_row), into a
// temporary table of the write connection, in the order they changed.
//
// Not here (see docs/postgresql.md): Backup and IntegrityCheck (PostgreSQL's
// own tools do both) and the full-text search functions of FTS5.
//
// Thread-safety: as Database.
#ifndef SMARTERCITIES_CORE_STORAGE_POSTGRES_DATABASE_H_
#define SMARTERCITIES_CORE_STORAGE_POSTGRES_DATABASE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/storage/database.h"
#include "core/storage/postgres_connection.h"

namespace smartercities::storage {

struct PostgresOptions {
  // A libpq connection URI: postgresql://user:password@host:port/database.
  std::string url;
};

// As PostgresDatabase::Open, behind the interface.
Result<std::unique_ptr<Database>> OpenPostgres(const PostgresOptions& options);

// True when location names a PostgreSQL database (postgresql:// or
// postgres://) rather than an SQLite file.
bool IsPostgresUrl(std::string_view location);

// The URL without its password, for messages and logs.
std::string RedactedUrl(std::string_view url);

class PostgresDatabase final : public Database {
 public:
  Engine engine() const override { return Engine::kPostgres; }
  // Connects, creates schema_migrations and the change trigger's function
  // when missing, and starts listening for other nodes' changes. Fails
  // naming the server and the reason.
  static Result<std::unique_ptr<PostgresDatabase>> Open(
      const PostgresOptions& options);
  ~PostgresDatabase() override;
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  Status Read(const std::function<Status(Connection&)>& fn) override;
  Status Write(const std::function<Status(Connection&)>& fn) override;
  Status Migrate(const AccessScope& scope,
                 std::span<const Migration> migrations) override;
  Result<int> SchemaVersion(std::string_view owner) override;
  // Refused: PostgreSQL's own tools (pg_dump, pg_basebackup) back it up.
  Status Backup(const std::string& path) override;
  // Refused: PostgreSQL checks its pages itself (data checksums, amcheck).
  Result<std::string> IntegrityCheck() override;
  std::uint64_t Generation() const override { return generation_.load(); }
  std::uint64_t TableGeneration(std::string_view table) const override;
  // The listener counts other nodes' changes as they come; nothing to do.
  void PollExternalChanges() override {}
  void SetPrivateTables(std::set<std::string, std::less<>> tables) override;

  // The changes of other nodes (or processes) counted so far.
  std::uint64_t num_external_changes() const {
    return external_changes_.load();
  }

 private:
  explicit PostgresDatabase(PostgresOptions options,
                            std::unique_ptr<PostgresConnection> writer);
  // Takes an idle read connection, or connects a new one.
  Result<std::unique_ptr<PostgresConnection>> TakeReader();
  void GiveBack(std::unique_ptr<PostgresConnection> reader);
  Status ApplyMigration(const AccessScope& scope, const std::string& owner,
                        const Migration& migration);
  // Reads which plugin schemas exist, for the host's search path.
  Status LoadSearchPath();
  std::string SearchPath() const;
  // Replaces a lost write connection with a new one (under write_mutex_).
  Status ReconnectWriter();
  // Hands observer the rows this Write changed in the tables it watches,
  // taking them out of the write connection's table of changed rows; *taken
  // says whether there were any.
  Status ObserveChanges(WriteObserver& observer, bool* taken);
  // Makes the plugin's role and schema when missing.
  Status PreparePluginSchema(const AccessScope& scope);
  // Counts the tables named by notifications; sender_filter, when not 0,
  // leaves out those this node's write connection sent.
  void CountChanges(const std::vector<PostgresConnection::Notification>& all,
                    int sender_filter);
  void Listen();

  const PostgresOptions options_;
  std::mutex write_mutex_;
  std::unique_ptr<PostgresConnection> writer_;
  // Its server process, for the listener (which leaves out what it sent).
  std::atomic<int> writer_pid_{0};
  // Writes whose changed rows were taken since the table of changed rows
  // was last emptied (under write_mutex_).
  int writes_since_emptied_ = 0;
  mutable std::mutex search_path_mutex_;
  std::string search_path_ = "public";
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_readers_;

  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::uint64_t> external_changes_{0};
  mutable std::shared_mutex tables_mutex_;
  std::map<std::string, std::uint64_t, std::less<>> table_generations_;
  std::atomic<std::uint64_t> every_table_generation_{0};
  std::set<std::string, std::less<>> private_tables_;

  std::atomic<bool> stopping_{false};
  std::thread listener_;
};

}  // namespace smartercities::storage

#endif  // SMARTERCITIES_CORE_STORAGE_POSTGRES_DATABASE_H_
