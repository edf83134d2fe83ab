#include "core/storage/postgres_database.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/base/time_format.h"
#include "core/storage/migration_rules.h"

namespace smartercities::storage {
namespace {

// The advisory lock every Write holds until it commits (any number; this is
// "smartercities" in the first 8 bytes of its ASCII).
constexpr std::int64_t kWriteLock = 0x736d617274657263;
// After how many writes with changed rows the write connection's table of
// them is truncated.
constexpr int kEmptyChangesEvery = 1000;
constexpr const char* kChannel = "smartercities_changes";
constexpr std::size_t kMaxIdleReaders = 32;

// The reads in progress on this thread, so that a nested Read shares the
// outer one's snapshot.
struct ActiveRead {
  const PostgresDatabase* database;
  PostgresConnection* connection;
};
thread_local std::vector<ActiveRead> active_reads;

// The databases this thread is writing to, so that a nested Write fails
// instead of waiting for the lock it holds itself.
thread_local std::vector<const PostgresDatabase*> writing_to;

// Sends the changed table's name to every node at commit. PostgreSQL folds
// the same name sent twice in one transaction into one notification.
constexpr const char* kSetUp = R"sql(
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'nocase') THEN
    CREATE COLLATION public.nocase (provider = icu,
      locale = 'und-u-ks-level2', deterministic = false);
  END IF;
END $$;
CREATE TABLE IF NOT EXISTS schema_migrations (
  owner TEXT NOT NULL,
  version BIGINT NOT NULL,
  description TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  PRIMARY KEY (owner, version));
-- SQLite's functions that the core's SQL uses, with SQLite's results.
CREATE OR REPLACE FUNCTION public.json_each(document text)
  RETURNS TABLE (key text, value text, type text)
  LANGUAGE sql IMMUTABLE AS $$
  SELECT (e.n - 1)::text, e.v #>> '{}', json_typeof(e.v)
    FROM json_array_elements(CASE WHEN json_typeof(document::json) = 'array'
                             THEN document::json ELSE '[]' END)
         WITH ORDINALITY AS e(v, n)
  UNION ALL
  SELECT o.key, o.value #>> '{}', json_typeof(o.value)
    FROM json_each(CASE WHEN json_typeof(document::json) = 'object'
                   THEN document::json ELSE '{}' END) AS o
$$;
CREATE OR REPLACE FUNCTION public.json_group_array_step(state jsonb,
                                                        value anyelement)
  RETURNS jsonb LANGUAGE sql IMMUTABLE AS
  $$ SELECT state || jsonb_build_array(value) $$;
CREATE OR REPLACE AGGREGATE public.json_group_array(anyelement) (
  SFUNC = public.json_group_array_step, STYPE = jsonb, INITCOND = '[]');
CREATE OR REPLACE FUNCTION public.group_concat_step(state text, value text,
                                                    separator text)
  RETURNS text LANGUAGE sql IMMUTABLE STRICT AS
  $$ SELECT state || separator || value $$;
CREATE OR REPLACE AGGREGATE public.group_concat(text, text) (
  SFUNC = public.group_concat_step, STYPE = text);
CREATE OR REPLACE FUNCTION public.pragma_table_info(table_name text)
  RETURNS TABLE (cid integer, name text, type text, "notnull" integer,
                 dflt_value text, pk integer)
  LANGUAGE sql STABLE AS $$
  SELECT (a.attnum - 1)::integer, a.attname::text,
         format_type(a.atttypid, a.atttypmod),
         CASE WHEN a.attnotnull THEN 1 ELSE 0 END,
         pg_get_expr(d.adbin, d.adrelid),
         COALESCE((SELECT array_position(i.indkey::int2[], a.attnum)
                     FROM pg_index i
                    WHERE i.indrelid = a.attrelid AND i.indisprimary), 0)
    FROM pg_attribute a
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE a.attrelid = to_regclass(table_name) AND a.attnum > 0
     AND NOT a.attisdropped
   ORDER BY a.attnum
$$;
CREATE OR REPLACE VIEW public.sqlite_schema AS
  SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'i' THEN 'index'
                        ELSE 'table' END AS type,
         c.relname::text AS name, c.relname::text AS tbl_name,
         NULL::text AS sql
    FROM pg_class c
   WHERE c.relkind IN ('r', 'p', 'v', 'i')
     AND c.relnamespace = ANY (SELECT oid FROM pg_namespace
                                WHERE nspname = ANY (current_schemas(false)));
CREATE OR REPLACE FUNCTION public.smartercities_capture_row()
  RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog AS $$
DECLARE n bigint;
BEGIN
  IF current_setting('smartercities.capture', true) = 'on' THEN
    -- Numbered by a setting of the transaction, not a sequence: lastval()
    -- must still give the id the caller's INSERT drew.
    n := COALESCE(NULLIF(current_setting('smartercities.capture_seq', true),
                         ''), '0')::bigint + 1;
    PERFORM set_config('smartercities.capture_seq', n::text, true);
    INSERT INTO pg_temp.smartercities_row_changes (seq, tbl, kind, before,
                                                   after)
    VALUES (n, TG_TABLE_NAME, TG_OP,
            CASE WHEN TG_OP <> 'INSERT' THEN row_to_json(OLD)::text END,
            CASE WHEN TG_OP <> 'DELETE' THEN row_to_json(NEW)::text END);
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION public.smartercities_notify_change()
  RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('smartercities_changes', TG_TABLE_NAME);
  RETURN NULL;
END $$;
)sql";

// Gives every table without it the trigger that tells the other nodes of
// its changes, and the plugins' roles the right to read the public_ views.
constexpr const char* kAfterMigration = R"sql(
DO $$
DECLARE t record;
BEGIN
  FOR t IN
    SELECT c.oid::regclass AS name FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p')
       AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg\_%'
       AND NOT EXISTS (SELECT 1 FROM pg_trigger g
                        WHERE g.tgrelid = c.oid
                          AND g.tgname = 'smartercities_notify')
  LOOP
    EXECUTE format('CREATE TRIGGER smartercities_notify AFTER INSERT OR '
                   'UPDATE OR DELETE OR TRUNCATE ON %s FOR EACH STATEMENT '
                   'EXECUTE FUNCTION public.smartercities_notify_change()',
                   t.name);
    -- The knowledge base's index is derived from captured tables, and the
    -- audit trail leaves it out: capturing it would copy every document's
    -- text once more in each write that indexes it.
    IF t.name::text NOT LIKE 'search\_index%' THEN
      EXECUTE format('CREATE TRIGGER smartercities_capture AFTER INSERT OR '
                     'UPDATE OR DELETE ON %s FOR EACH ROW '
                     'EXECUTE FUNCTION public.smartercities_capture_row()',
                     t.name);
    END IF;
  END LOOP;
  FOR t IN
    SELECT r.rolname, v.viewname FROM pg_roles r CROSS JOIN pg_views v
     WHERE r.rolname LIKE 'smartercities\_plugin\_%'
       AND v.schemaname = 'public' AND v.viewname LIKE 'public\_%'
  LOOP
    EXECUTE format('GRANT SELECT ON public.%I TO %I', t.viewname, t.rolname);
  END LOOP;
END $$;
)sql";

// The columns and values of a row as row_to_json wrote it, in the table's
// column order.
void RowFromJson(const std::string& text, std::vector<std::string>* columns,
                 std::vector<Value>* values) {
  nlohmann::ordered_json row =
      nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!row.is_object()) return;
  for (const auto& [column, value] : row.items()) {
    columns->push_back(column);
    // Assigned, then moved in: GCC 12 warns of a variant built in place.
    Value converted;
    if (value.is_number_integer()) {
      converted = value.get<std::int64_t>();
    } else if (value.is_number_float()) {
      converted = value.get<double>();
    } else if (value.is_string()) {
      converted = value.get<std::string>();
    } else if (value.is_boolean()) {
      converted = std::int64_t{value.get<bool>() ? 1 : 0};
    } else if (!value.is_null()) {
      converted = value.dump();
    }
    values->push_back(std::move(converted));
  }
}

class WritingMark {
 public:
  explicit WritingMark(const PostgresDatabase* database) {
    writing_to.push_back(database);
  }
  ~WritingMark() { writing_to.pop_back(); }
  WritingMark(const WritingMark&) = delete;
  WritingMark& operator=(const WritingMark&) = delete;
};

std::string Quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// The write connection: listening to the channel (its own commits'
// notifications come back with the commit's answer), with the temporary
// table where the trigger smartercities_capture_row writes the rows a Write
// changes while the Write sets smartercities.capture. The Write takes them
// out again (DELETE ... RETURNING) before it commits, so the table is empty
// between writes. Not ON COMMIT DELETE ROWS: that truncates the table and
// its TOAST index at every commit that used it, a catalogue update that
// cost 0.55 ms of each write's 0.9 ms COMMIT.
Result<std::unique_ptr<PostgresConnection>> ConnectWriter(
    const std::string& url) {
  auto writer = PostgresConnection::Connect(url);
  if (!writer.ok()) return writer.status();
  Status status = (*writer)->Command(std::string("LISTEN ") + kChannel);
  if (status.ok()) {
    status = (*writer)->Command(
        "CREATE TEMP TABLE smartercities_row_changes (seq BIGINT NOT NULL, "
        "tbl TEXT NOT NULL, kind TEXT NOT NULL, before TEXT, after TEXT)");
  }
  if (!status.ok()) return status;
  return writer;
}

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(const PostgresOptions& options) {
  auto database = PostgresDatabase::Open(options);
  if (!database.ok()) return database.status();
  return std::unique_ptr<Database>(std::move(database).value());
}

bool IsPostgresUrl(std::string_view location) {
  return location.starts_with("postgresql://") ||
         location.starts_with("postgres://");
}

std::string RedactedUrl(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  std::size_t start = scheme + 3;
  std::size_t at = url.find('@', start);
  std::size_t slash = url.find('/', start);
  if (at == std::string_view::npos ||
      (slash != std::string_view::npos && slash < at)) {
    return std::string(url);
  }
  std::size_t colon = url.find(':', start);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon)) + ":***" +
         std::string(url.substr(at));
}

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(
    const PostgresOptions& options) {
  std::string context = "opening " + RedactedUrl(options.url);
  auto writer = ConnectWriter(options.url);
  if (!writer.ok()) return writer.status().WithContext(context);
  // Under the write lock: two nodes starting together would otherwise both
  // create the table.
  Status status = (*writer)->Begin(false);
  if (status.ok()) {
    status = (*writer)->Command("SELECT pg_advisory_xact_lock(" +
                                std::to_string(kWriteLock) + ")");
  }
  if (status.ok()) status = (*writer)->Command(kSetUp);
  if (status.ok()) {
    status = (*writer)->Commit();
  } else {
    (*writer)->Rollback();
  }
  if (!status.ok()) return status.WithContext(context);
  std::unique_ptr<PostgresDatabase> database(
      new PostgresDatabase(options, std::move(writer).value()));
  status = database->LoadSearchPath();
  if (!status.ok()) return status.WithContext(context);
  database->listener_ = std::thread([db = database.get()] { db->Listen(); });
  return database;
}

PostgresDatabase::PostgresDatabase(PostgresOptions options,
                                   std::unique_ptr<PostgresConnection> writer)
    : options_(std::move(options)),
      writer_(std::move(writer)),
      writer_pid_(writer_->backend_pid()) {}

PostgresDatabase::~PostgresDatabase() {
  stopping_ = true;
  if (listener_.joinable()) listener_.join();
}

void PostgresDatabase::SetPrivateTables(
    std::set<std::string, std::less<>> tables) {
  std::unique_lock lock(tables_mutex_);
  private_tables_ = std::move(tables);
}

std::uint64_t PostgresDatabase::TableGeneration(std::string_view table) const {
  std::shared_lock lock(tables_mutex_);
  auto it = table_generations_.find(table);
  std::uint64_t own = it == table_generations_.end() ? 0 : it->second;
  return own + every_table_generation_.load();
}

void PostgresDatabase::CountChanges(
    const std::vector<PostgresConnection::Notification>& all,
    int sender_filter) {
  bool public_change = false;
  bool any = false;
  {
    std::unique_lock lock(tables_mutex_);
    for (const auto& notification : all) {
      if (notification.channel != kChannel) continue;
      if (sender_filter != 0 && notification.sender == sender_filter) continue;
      any = true;
      ++table_generations_[notification.payload];
      if (!private_tables_.contains(notification.payload)) public_change = true;
    }
  }
  if (sender_filter != 0 && any) external_changes_.fetch_add(1);
  if (public_change) generation_.fetch_add(1);
}

void PostgresDatabase::Listen() {
  std::unique_ptr<PostgresConnection> connection;
  auto backoff = std::chrono::milliseconds(100);
  while (!stopping_) {
    if (!connection) {
      auto connected = PostgresConnection::Connect(options_.url);
      Status status =
          connected.ok()
              ? (*connected)->Command(std::string("LISTEN ") + kChannel)
              : connected.status();
      if (!status.ok()) {
        spdlog::warn("storage: cannot listen for other nodes' changes: {}",
                     status.message());
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        continue;
      }
      connection = std::move(connected).value();
      backoff = std::chrono::milliseconds(100);
      // Whatever changed while nobody listened is unknown: every table
      // counts as changed.
      every_table_generation_.fetch_add(1);
      generation_.fetch_add(1);
    }
    pollfd waiting{connection->socket(), POLLIN, 0};
    int ready = poll(&waiting, 1, 200);
    if (ready < 0) continue;
    if (ready > 0 && !connection->ConsumeInput()) {
      connection.reset();
      continue;
    }
    CountChanges(connection->TakeNotifications(), writer_pid_.load());
  }
}

Status PostgresDatabase::LoadSearchPath() {
  std::string path = "public";
  std::lock_guard lock(write_mutex_);
  auto rows = writer_->Query(
      "SELECT n.nspname AS name FROM pg_namespace n "
      "JOIN pg_roles r ON r.oid = n.nspowner "
      "WHERE r.rolname LIKE 'smartercities\\_plugin\\_%' ORDER BY 1",
      {});
  if (!rows.ok()) return rows.status().WithContext("listing plugin schemas");
  for (const Row& row : *rows) path += ", " + QuoteIdentifier(row.Text("name"));
  std::lock_guard path_lock(search_path_mutex_);
  search_path_ = path;
  writer_->SetHostSearchPath(path);
  return Status::Ok();
}

std::string PostgresDatabase::SearchPath() const {
  std::lock_guard lock(search_path_mutex_);
  return search_path_;
}

Result<std::unique_ptr<PostgresConnection>> PostgresDatabase::TakeReader() {
  std::unique_ptr<PostgresConnection> reader;
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    }
  }
  if (!reader) {
    auto connected = PostgresConnection::Connect(options_.url);
    if (!connected.ok()) return connected.status();
    reader = std::move(connected).value();
  }
  reader->SetHostSearchPath(SearchPath());
  return reader;
}

void PostgresDatabase::GiveBack(std::unique_ptr<PostgresConnection> reader) {
  if (reader->in_transaction() || !reader->ConsumeInput()) return;
  std::lock_guard lock(readers_mutex_);
  if (idle_readers_.size() < kMaxIdleReaders) {
    idle_readers_.push_back(std::move(reader));
  }
}

Status PostgresDatabase::Read(const std::function<Status(Connection&)>& fn) {
  for (const ActiveRead& read : active_reads) {
    if (read.database == this) return fn(*read.connection);
  }
  auto reader = TakeReader();
  if (!reader.ok()) return reader.status();
  std::unique_ptr<PostgresConnection> connection = std::move(reader).value();
  Status status = connection->Begin(true);
  if (status.code() == StatusCode::kUnavailable) {
    // The server ended the pooled connection (it restarted, or an
    // administrator ended it), and likely the others too. Nothing has run
    // yet: a new connection may begin again.
    {
      std::lock_guard lock(readers_mutex_);
      idle_readers_.clear();
    }
    auto fresh = TakeReader();
    if (!fresh.ok()) return fresh.status();
    connection = std::move(fresh).value();
    status = connection->Begin(true);
  }
  if (!status.ok()) return status;
  active_reads.push_back({this, connection.get()});
  try {
    status = fn(*connection);
  } catch (...) {
    active_reads.pop_back();
    connection->Rollback();
    GiveBack(std::move(connection));
    throw;
  }
  active_reads.pop_back();
  // A read-only transaction has nothing to commit; a failed one is over.
  Status ended = connection->Commit();
  if (status.ok() && !ended.ok()) status = ended;
  GiveBack(std::move(connection));
  return status;
}

Status PostgresDatabase::Write(const std::function<Status(Connection&)>& fn) {
  for (const PostgresDatabase* database : writing_to) {
    if (database == this) {
      return Status::FailedPrecondition(
          "a write transaction is already open on this thread; Write does "
          "not nest");
    }
  }
  WriteObserver* observer = ScopedWriteObserver::Current();
  WritingMark mark(this);
  std::lock_guard lock(write_mutex_);
  // One round trip: BEGIN, the lock, and the capture of changed rows when
  // someone observes them.
  std::string start =
      "SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) + ")";
  if (observer != nullptr) start += "; SET LOCAL smartercities.capture = 'on'";
  Status status = writer_->Begin(false, start);
  if (status.code() == StatusCode::kUnavailable) {
    // The write connection is gone (the server restarted, or ended it);
    // nothing of this Write has run, so it may begin on a new one.
    status = ReconnectWriter();
    if (status.ok()) status = writer_->Begin(false, start);
  }
  if (!status.ok()) return status;
  try {
    status = fn(*writer_);
  } catch (...) {
    writer_->Rollback();
    throw;
  }
  bool taken = false;
  if (status.ok() && observer != nullptr) {
    writer_->SetScope({});
    status = ObserveChanges(*observer, &taken);
  }
  // Tables created outside a migration get their change trigger too.
  if (status.ok() && writer_->TakeCreatedTables()) {
    writer_->SetScope({});
    status = writer_->Command(kAfterMigration);
  }
  if (!status.ok()) {
    writer_->Rollback();
    return status;
  }
  status = writer_->Commit();
  // Its own commit's notifications arrive with the commit's answer.
  CountChanges(writer_->TakeNotifications(), 0);
  // The rows taken out stay in the temporary table as dead rows, which no
  // autovacuum visits; emptied now and then, outside any transaction.
  if (status.ok() && taken && ++writes_since_emptied_ >= kEmptyChangesEvery) {
    writes_since_emptied_ = 0;
    Status emptied =
        writer_->Command("TRUNCATE pg_temp.smartercities_row_changes");
    if (!emptied.ok()) {
      spdlog::warn("storage: could not empty the table of changed rows: {}",
                   emptied.message());
    }
  }
  return status;
}

Status PostgresDatabase::ReconnectWriter() {
  auto writer = ConnectWriter(options_.url);
  if (!writer.ok()) {
    return writer.status().WithContext(
        "connecting again after the write connection was lost");
  }
  writer_ = std::move(writer).value();
  writer_->SetHostSearchPath(SearchPath());
  writer_pid_.store(writer_->backend_pid());
  return Status::Ok();
}

Status PostgresDatabase::ObserveChanges(WriteObserver& observer, bool* taken) {
  std::vector<std::pair<std::int64_t, RowChange>> numbered;
  Status status = writer_->Command("SET LOCAL smartercities.capture = 'off'");
  if (!status.ok()) return status;
  status = writer_->Execute(
      "DELETE FROM pg_temp.smartercities_row_changes RETURNING seq, tbl, "
      "kind, before, after",
      {}, [&](const Row& row) {
        *taken = true;
        std::string table = row.Text("tbl");
        if (!observer.Watches(table)) return true;
        RowChange change;
        change.table = std::move(table);
        std::string kind = row.Text("kind");
        change.kind = kind == "INSERT"   ? RowChange::Kind::kInsert
                      : kind == "UPDATE" ? RowChange::Kind::kUpdate
                                         : RowChange::Kind::kDelete;
        if (auto before = row.OptionalText("before")) {
          RowFromJson(*before, &change.columns, &change.before);
        }
        if (auto after = row.OptionalText("after")) {
          change.columns.clear();
          RowFromJson(*after, &change.columns, &change.after);
        }
        const std::vector<Value>& values =
            change.after.empty() ? change.before : change.after;
        for (std::size_t i = 0; i < change.columns.size(); ++i) {
          if (change.columns[i] != "id" && change.columns[i] != "rowid") {
            continue;
          }
          if (const auto* id = std::get_if<std::int64_t>(&values[i])) {
            change.rowid = *id;
          }
        }
        numbered.emplace_back(row.Integer("seq"), std::move(change));
        return true;
      });
  if (!status.ok()) return status.WithContext("reading the changed rows");
  // In the order they changed.
  std::sort(numbered.begin(), numbered.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<RowChange> changes;
  changes.reserve(numbered.size());
  for (auto& [seq, change] : numbered) changes.push_back(std::move(change));
  if (changes.empty()) return Status::Ok();
  status = observer.BeforeCommit(*writer_, changes);
  writer_->SetScope({});
  return status;
}

Status PostgresDatabase::PreparePluginSchema(const AccessScope& scope) {
  std::string role = PluginRole(scope);
  std::string schema = PluginSchema(scope);
  if (schema.empty()) {
    return Status::InvalidArgument("plugin '" + scope.owner +
                                   "' has no table prefix to name its schema");
  }
  std::string sql =
      "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " +
      Quoted(role) + ") THEN CREATE ROLE " + QuoteIdentifier(role) +
      " NOLOGIN; END IF; END $$; GRANT " + QuoteIdentifier(role) +
      " TO CURRENT_USER; CREATE SCHEMA IF NOT EXISTS " +
      QuoteIdentifier(schema) + " AUTHORIZATION " + QuoteIdentifier(role) +
      "; GRANT USAGE ON SCHEMA public TO " + QuoteIdentifier(role) +
      "; REVOKE CREATE ON SCHEMA public FROM PUBLIC;";
  Status status = Write([&](Connection& connection) -> Status {
    auto& db = static_cast<PostgresConnection&>(connection);
    Status made = db.Command(sql);
    if (!made.ok()) return made;
    return db.Command(kAfterMigration);
  });
  if (!status.ok()) return status;
  return LoadSearchPath();
}

Status PostgresDatabase::Migrate(const AccessScope& scope,
                                 std::span<const Migration> migrations) {
  std::string owner = scope.owner.empty() ? "core" : scope.owner;
  if (Status order = CheckMigrationOrder(owner, migrations); !order.ok()) {
    return order;
  }
  auto applied = SchemaVersion(owner);
  if (!applied.ok()) return applied.status();
  if (Status newer = CheckNotNewer(owner, *applied, migrations.size());
      !newer.ok()) {
    return newer;
  }
  if (!scope.table_prefix.empty()) {
    Status status = PreparePluginSchema(scope);
    if (!status.ok()) {
      return status.WithContext("preparing the schema of plugin '" + owner +
                                "'");
    }
  }
  return ApplyInOrder(owner, migrations, *applied,
                      [&](const Migration& migration) {
                        Status status = ApplyMigration(scope, owner, migration);
                        // A schema change may alter any table's rows
                        // without the change being traced to them.
                        every_table_generation_.fetch_add(1);
                        return status;
                      });
}

Status PostgresDatabase::ApplyMigration(const AccessScope& scope,
                                        const std::string& owner,
                                        const Migration& migration) {
  return Write([&](Connection& connection) -> Status {
    auto& db = static_cast<PostgresConnection&>(connection);
    bool done = false;
    Status status = db.Execute(
        "SELECT 1 FROM schema_migrations WHERE owner = ?1 AND version = ?2",
        std::vector<Value>{owner, std::int64_t{migration.version}},
        [&](const Row&) {
          done = true;
          return false;
        });
    if (!status.ok()) return status;
    // Another node applied it while this one waited for the write lock.
    if (done) return Status::Ok();
    db.SetScope(scope);
    status = db.ExecuteScript(migration.postgres_sql.empty()
                                  ? migration.sql
                                  : migration.postgres_sql);
    db.SetScope({});
    if (!status.ok()) return status;
    // New tables' triggers, and the plugins' rights to new public_ views.
    status = db.Command(kAfterMigration);
    if (!status.ok()) return status;
    return db.Execute(
        "INSERT INTO schema_migrations (owner, version, description, "
        "applied_at) VALUES (?1, ?2, ?3, ?4)",
        std::vector<Value>{owner, std::int64_t{migration.version},
                           migration.description, NowUtc()});
  });
}

Result<int> PostgresDatabase::SchemaVersion(std::string_view owner) {
  std::int64_t version = 0;
  Status status = Read([&](Connection& db) {
    db.SetScope({});
    return db.Execute(
        "SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations "
        "WHERE owner = ?1",
        std::vector<Value>{std::string(owner)}, [&](const Row& row) {
          version = row.Integer("version");
          return false;
        });
  });
  if (!status.ok()) return status;
  return static_cast<int>(version);
}

Status PostgresDatabase::Backup(const std::string& path) {
  return Status::FailedPrecondition(
      "cannot write a backup to '" + path +
      "' from a PostgreSQL database: back it up with PostgreSQL's own tools "
      "(pg_dump, pg_basebackup; docs/admin-guide.md)");
}

Result<std::string> PostgresDatabase::IntegrityCheck() {
  return Status::FailedPrecondition(
      "PostgreSQL checks its own pages (data checksums, the amcheck "
      "extension); the platform's integrity check is SQLite's");
}

}  // namespace smartercities::storage
