#include "core/domain/core_schema.h"

#include <string>

namespace smartercities::domain {

namespace {

constexpr const char* kAccounts = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE
    CHECK (length(username) BETWEEN 2 AND 64),
  display_name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('admin', 'theme-editor', 'city-editor')),
  scope TEXT,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at TEXT NOT NULL,
  password_changed_at TEXT NOT NULL,
  CHECK ((role = 'admin') = (scope IS NULL))
);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  csrf_token TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens_v2 (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'theme-editor', 'city-editor')),
  scope TEXT,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at TEXT,
  CHECK ((role = 'admin') = (scope IS NULL))
);
INSERT INTO api_tokens_v2 (id, name, role, token_hash, created_at, created_by,
                           revoked_at)
  SELECT id, name, role, token_hash, created_at, 'system', revoked_at
  FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_v2 RENAME TO api_tokens;

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
  object TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  request_id TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_object ON audit_log (object);
CREATE INDEX audit_log_by_actor ON audit_log (actor);
)sql";

constexpr const char* kAuditAppendOnlySqlite =
    R"sql(CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only: a row cannot be changed');
END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only: a row cannot be deleted');
END;
)sql";

constexpr const char* kFigureHistory = R"sql(
CREATE TABLE measurement_imports (
  id INTEGER PRIMARY KEY,
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL,
  file_blake2b TEXT NOT NULL,
  rows INTEGER NOT NULL,
  inserted INTEGER NOT NULL,
  corrected INTEGER NOT NULL,
  unchanged INTEGER NOT NULL
);

ALTER TABLE measurements ADD COLUMN import_id INTEGER;

CREATE TABLE measurement_history (
  id INTEGER PRIMARY KEY,
  indicator_id TEXT NOT NULL,
  city TEXT,
  period TEXT NOT NULL,
  old_value REAL NOT NULL,
  new_value REAL NOT NULL,
  old_source TEXT,
  new_source TEXT,
  old_recorded_at TEXT NOT NULL,
  old_recorded_by TEXT NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  import_id INTEGER
);
CREATE INDEX measurement_history_by_figure
  ON measurement_history (indicator_id, COALESCE(city, ''), period);

)sql";

constexpr const char* kKeepHistorySqlite =
    R"sql(-- Every way of writing a figure keeps what it replaces.
CREATE TRIGGER measurements_keep_history
AFTER UPDATE OF value, source ON measurements
WHEN OLD.value IS NOT NEW.value OR OLD.source IS NOT NEW.source
BEGIN
  INSERT INTO measurement_history (indicator_id, city, period, old_value,
    new_value, old_source, new_source, old_recorded_at, old_recorded_by,
    changed_at, changed_by, import_id)
  VALUES (OLD.indicator_id, OLD.city, OLD.period, OLD.value, NEW.value,
    OLD.source, NEW.source, OLD.recorded_at, OLD.recorded_by,
    NEW.recorded_at, NEW.recorded_by, NEW.import_id);
END;
)sql";

constexpr const char* kDocuments = R"sql(
-- A document of the knowledge base ("kennis- en platformfunctie", art. 7b):
-- its description, what it is attached to, and its file, kept in the data
-- directory under its SHA-256 (documents/<sha256>), never under the name
-- the uploader gave it (file_name is only offered on download). The text
-- taken from the file is held in search_index only; text_status says
-- whether there is any and text_reason why not.
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('project-plan', 'business-case',
    'evaluation', 'minutes', 'presentation', 'reference-list')),
  author TEXT NOT NULL,
  date TEXT NOT NULL,
  language TEXT NOT NULL CHECK (language IN ('nl', 'en')),
  licence TEXT NOT NULL,
  theme_id TEXT REFERENCES themes(id),
  agreement_id TEXT REFERENCES agreements(id),
  indicator_id TEXT REFERENCES indicators(id),
  city TEXT REFERENCES cities(cbs_code),
  project_id INTEGER REFERENCES projects(id),
  meeting_id INTEGER REFERENCES meetings(id),
  file_name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL CHECK (size_bytes > 0),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  text_status TEXT NOT NULL
    CHECK (text_status IN ('extracted', 'empty', 'failed')),
  text_reason TEXT,
  uploaded_at TEXT NOT NULL,
  uploaded_by TEXT NOT NULL
);
CREATE INDEX documents_by_theme ON documents (theme_id, date);
CREATE INDEX documents_by_city ON documents (city, date);
CREATE INDEX documents_by_sha256 ON documents (sha256);

)sql";

constexpr const char* kSearchIndexSqlite =
    R"sql(-- The full-text index: one row per document and per text of the agenda
-- (theme, agreement, indicator, city, project, meeting), stemmed with the
-- Dutch tokenizer (core/storage/dutch_tokenizer.h). type and ref name the
-- object; theme, kind, city and year are the search's filters. They come
-- before title and body, so that reading them for every match does not
-- walk a long document's overflow pages.
CREATE VIRTUAL TABLE search_index USING fts5(
  type UNINDEXED, ref UNINDEXED, theme UNINDEXED, kind UNINDEXED,
  city UNINDEXED, year UNINDEXED, title, body,
  tokenize = 'dutch');
-- Its rank: bm25 with a word in a title weighing four times one in a
-- text. ORDER BY rank lets FTS5 sort by it itself, so that only the rows
-- of the page asked for are read.
INSERT INTO search_index (search_index, rank)
  VALUES ('rank', 'bm25(0, 0, 0, 0, 0, 0, 4.0, 1.0)');
)sql";

constexpr const char* kParticipations = R"sql(
-- Who takes part in a theme (art. 1e-1g): a city (CBS code) or a party
-- (core/domain/parties.h), leading or involved, since a date. source says
-- who recorded it: a manifest's leaders, the covenant's theme paragraph, or
-- an accepted join request (art. 8).
CREATE TABLE participations (
  id INTEGER PRIMARY KEY,
  theme_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('city', 'party')),
  participant TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('leading', 'involved')),
  since TEXT NOT NULL
    CHECK (since GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  source TEXT NOT NULL
    CHECK (source IN ('manifest', 'covenant', 'join-request')),
  join_request_id INTEGER REFERENCES join_requests(id),
  UNIQUE (theme_id, participant)
);
CREATE INDEX participations_by_participant ON participations (participant);

)sql";

constexpr const char* kJoinRequests =
    R"sql(-- A city's request to join a theme as involved city (art. 8), from asking
-- to the leading city's decision.
CREATE TABLE join_requests (
  id INTEGER PRIMARY KEY,
  theme_id TEXT NOT NULL,
  city TEXT NOT NULL REFERENCES cities(cbs_code),
  motivation TEXT NOT NULL,
  state TEXT NOT NULL
    CHECK (state IN ('requested', 'in-consultation', 'accepted', 'refused')),
  requested_at TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  consulted_at TEXT,
  consulted_by TEXT,
  consulted_for TEXT,
  consultation_note TEXT,
  decided_at TEXT,
  decided_by TEXT,
  decided_for TEXT,
  decision_reason TEXT,
  joined_on TEXT
);
CREATE UNIQUE INDEX join_requests_one_open ON join_requests (theme_id, city)
  WHERE state IN ('requested', 'in-consultation');

-- The involved cities' answers when the leading city puts a request to
-- them: one per city.
CREATE TABLE join_request_responses (
  id INTEGER PRIMARY KEY,
  join_request_id INTEGER NOT NULL REFERENCES join_requests(id),
  city TEXT NOT NULL REFERENCES cities(cbs_code),
  position TEXT NOT NULL CHECK (position IN ('agree', 'object')),
  comment TEXT NOT NULL,
  responded_at TEXT NOT NULL,
  responded_by TEXT NOT NULL,
  UNIQUE (join_request_id, city)
);
)sql";

// PostgreSQL's forms of what SQLite writes in its own way: triggers with
// a function of their own, and the knowledge base's index as plain tables
// (postgres_search.h).
constexpr const char* kAuditAppendOnlyPostgres = R"sql(
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: a row cannot be %',
    CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END
    USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
)sql";

constexpr const char* kKeepHistoryPostgres = R"sql(
-- Every way of writing a figure keeps what it replaces.
CREATE FUNCTION measurements_keep_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.value IS DISTINCT FROM NEW.value
     OR OLD.source IS DISTINCT FROM NEW.source THEN
    INSERT INTO measurement_history (indicator_id, city, period, old_value,
      new_value, old_source, new_source, old_recorded_at, old_recorded_by,
      changed_at, changed_by, import_id)
    VALUES (OLD.indicator_id, OLD.city, OLD.period, OLD.value, NEW.value,
      OLD.source, NEW.source, OLD.recorded_at, OLD.recorded_by,
      NEW.recorded_at, NEW.recorded_by, NEW.import_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER measurements_keep_history
  AFTER UPDATE OF value, source ON measurements
  FOR EACH ROW EXECUTE FUNCTION measurements_keep_history();
)sql";

constexpr const char* kSearchIndexPostgres = R"sql(
-- The full-text index's rows, with the columns FTS5's table has.
CREATE TABLE search_index (
  rowid INTEGER PRIMARY KEY,
  type TEXT, ref TEXT, theme TEXT, kind TEXT, city TEXT, year TEXT,
  title TEXT, body TEXT);
)sql";

constexpr const char* kSearchListsPostgres = R"sql(
CREATE TABLE search_index_terms (
  term TEXT PRIMARY KEY,
  documents INTEGER NOT NULL CHECK (documents > 0),
  champions INTEGER NOT NULL CHECK (champions BETWEEN 0 AND documents),
  least REAL
);
CREATE TABLE search_index_champions (
  term TEXT NOT NULL,
  weight REAL NOT NULL,
  entry INTEGER NOT NULL,
  PRIMARY KEY (term, weight, entry)
);
CREATE TABLE search_index_totals (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  documents INTEGER NOT NULL,
  built INTEGER NOT NULL CHECK (built IN (0, 1))
);
INSERT INTO search_index_totals (id, documents, built)
  SELECT 1, 0, CASE WHEN EXISTS (SELECT 1 FROM documents) THEN 0 ELSE 1 END;
)sql";

constexpr const char* kSearchFirstPostgres = R"sql(
ALTER TABLE search_index_champions ADD COLUMN first INTEGER;
ALTER TABLE search_index_totals ADD COLUMN generation INTEGER NOT NULL
  DEFAULT 0;
UPDATE search_index_totals
  SET generation = floor(random() * 4611686018427387904)::bigint,
      built = CASE WHEN EXISTS (SELECT 1 FROM documents) THEN 0 ELSE 1 END;
)sql";
// The knowledge base's index on PostgreSQL (core/domain/postgres_search.h).
constexpr const char* kSearchPostingsPostgres = R"sql(
-- length: the entry's words (title and body); NULL for a row written
-- without its postings (indexed before this migration, or copied from
-- SQLite by migrate-to), which the next search lists.
ALTER TABLE search_index ADD COLUMN length BIGINT;
ALTER TABLE search_index ALTER COLUMN year TYPE BIGINT USING CAST(year AS BIGINT);
CREATE INDEX search_index_unlisted ON search_index (rowid) WHERE length IS NULL;
-- Per term of an entry (a stem of the core's Dutch tokenizer): its
-- occurrences, a title's counted four times, and the byte of the body at
-- which its first word starts (NULL: the title only). Terms compare byte by
-- byte, so that a prefix is a range of the key.
CREATE TABLE search_index_postings (
  term TEXT COLLATE "C" NOT NULL,
  entry BIGINT NOT NULL,
  occurrences DOUBLE PRECISION NOT NULL CHECK (occurrences > 0),
  first_byte BIGINT,
  PRIMARY KEY (term, entry)
);
CREATE INDEX search_index_postings_by_entry ON search_index_postings (entry);
-- The index is derived from tables whose changes are audited: its rows
-- are not captured for the audit trail (core/auth/audit.cc), where a
-- document's whole text would be copied for nothing.
DROP TRIGGER IF EXISTS smartercities_capture ON search_index;
DROP TRIGGER IF EXISTS smartercities_capture ON search_index_terms;
DROP TRIGGER IF EXISTS smartercities_capture ON search_index_champions;
DROP TRIGGER IF EXISTS smartercities_capture ON search_index_totals;
)sql";
}  // namespace

std::vector<storage::Migration> CoreMigrations() {
  return {
      {1, "cities, themes, agreements, indicators, modules, tokens", R"sql(
CREATE TABLE cities (
  cbs_code TEXT PRIMARY KEY CHECK (cbs_code GLOB 'GM[0-9][0-9][0-9][0-9]'),
  name TEXT NOT NULL,
  network TEXT NOT NULL CHECK (network IN ('G4', 'G32')),
  member_since TEXT,
  note TEXT
);
CREATE VIEW public_cities AS SELECT cbs_code, name, network FROM cities;

CREATE TABLE modules (
  id TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  reason TEXT,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

CREATE TABLE themes (
  id TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  name_nl TEXT NOT NULL,
  name_en TEXT,
  introduction_nl TEXT NOT NULL,
  introduction_en TEXT,
  challenges TEXT NOT NULL,
  leaders TEXT NOT NULL,
  panels TEXT NOT NULL,
  synced_at TEXT NOT NULL
);

CREATE TABLE agreements (
  id TEXT PRIMARY KEY,
  theme_id TEXT NOT NULL REFERENCES themes(id),
  letter TEXT NOT NULL,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('result', 'effort')),
  goal TEXT NOT NULL,
  topic TEXT,
  text TEXT NOT NULL,
  manifest_text TEXT NOT NULL,
  notes TEXT NOT NULL,
  parties TEXT NOT NULL,
  dates TEXT NOT NULL,
  numbers TEXT NOT NULL,
  retired_at TEXT,
  UNIQUE (theme_id, letter)
);

CREATE TABLE agreement_versions (
  agreement_id TEXT NOT NULL REFERENCES agreements(id),
  version INTEGER NOT NULL,
  text TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('manifest', 'amendment')),
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (agreement_id, version)
);

CREATE TABLE indicators (
  id TEXT PRIMARY KEY,
  theme_id TEXT NOT NULL REFERENCES themes(id),
  position INTEGER NOT NULL,
  name_nl TEXT NOT NULL,
  name_en TEXT,
  description_nl TEXT,
  description_en TEXT,
  unit TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('quantity', 'milestone')),
  baseline REAL,
  target REAL NOT NULL,
  deadline TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('increase', 'decrease')),
  scope TEXT NOT NULL CHECK (scope IN ('city', 'network')),
  retired_at TEXT
);

CREATE TABLE agreement_indicators (
  agreement_id TEXT NOT NULL REFERENCES agreements(id),
  indicator_id TEXT NOT NULL REFERENCES indicators(id),
  PRIMARY KEY (agreement_id, indicator_id)
);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin')),
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
)sql"},
      {2, "measurements of indicators, per city or for the network", R"sql(
CREATE TABLE measurements (
  id INTEGER PRIMARY KEY,
  indicator_id TEXT NOT NULL REFERENCES indicators(id),
  city TEXT REFERENCES cities(cbs_code),
  period TEXT NOT NULL CHECK (period GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
  value REAL NOT NULL,
  source TEXT,
  is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE UNIQUE INDEX measurements_one_per_period
  ON measurements (indicator_id, COALESCE(city, ''), period);
CREATE VIEW public_measurements AS
  SELECT indicator_id, city, period, value, source, is_demo FROM measurements;
)sql"},
      {3, "requests from the command line to a running server", R"sql(
CREATE TABLE operator_requests (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('rescan')),
  requested_at TEXT NOT NULL,
  requested_by TEXT NOT NULL
);
)sql"},
      {4, "accounts, sessions, scoped API tokens and the audit trail",
       std::string(kAccounts) + kAuditAppendOnlySqlite,
       std::string(kAccounts) + kAuditAppendOnlyPostgres},
      {5, "agreements' preambles, indicators' named cities", R"sql(
ALTER TABLE agreements ADD COLUMN preamble TEXT;
ALTER TABLE indicators ADD COLUMN cities TEXT NOT NULL DEFAULT '[]';
)sql"},
      {6, "failed logins and what to tell the accounts' owners", R"sql(
CREATE TABLE login_failures (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  client TEXT NOT NULL,
  failed_at INTEGER NOT NULL,
  refused INTEGER NOT NULL DEFAULT 0 CHECK (refused IN (0, 1))
);
CREATE INDEX login_failures_by_account ON login_failures (account, failed_at);
CREATE INDEX login_failures_by_client ON login_failures (client, failed_at);
CREATE INDEX login_failures_by_time ON login_failures (failed_at);

CREATE TABLE login_notices (
  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  failures INTEGER NOT NULL DEFAULT 0,
  first_failed_at INTEGER NOT NULL,
  last_failed_at INTEGER NOT NULL,
  last_client TEXT NOT NULL,
  blocked_at INTEGER,
  refused INTEGER NOT NULL DEFAULT 0
);

ALTER TABLE sessions ADD COLUMN notice TEXT;
)sql"},
      {7, "the history of corrected figures, and CSV imports",
       std::string(kFigureHistory) + kKeepHistorySqlite,
       std::string(kFigureHistory) + kKeepHistoryPostgres},
      {8, "the running server's answers to requests from the command line",
       R"sql(
-- A request stays until the server has answered it: answered_at is when,
-- answer what it found (JSON), for the command that asked.
ALTER TABLE operator_requests ADD COLUMN answered_at TEXT;
ALTER TABLE operator_requests ADD COLUMN answer TEXT;
)sql"},
      {9, "participation in the themes and the join procedure (art. 1, 8)",
       std::string(kParticipations) + kJoinRequests,
       // PostgreSQL checks a reference when it is made: the table it names
       // comes first.
       std::string(kJoinRequests) + kParticipations},
      {10,
       "the rolling agenda: projects (art. 5), meetings (art. 6) and EZ's "
       "contribution to Stedenlink's costs (art. 7)",
       R"sql(
-- Lists (partners, agreements, funding sources, attendees, decisions) are
-- JSON arrays, as themes.leaders and agreements.parties are.
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  theme_id TEXT NOT NULL REFERENCES themes(id),
  title TEXT NOT NULL,
  aim TEXT NOT NULL,
  lead TEXT NOT NULL,
  partners TEXT NOT NULL DEFAULT '{}',
  agreements TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL
    CHECK (status IN ('proposed', 'running', 'completed', 'stopped')),
  proposed_on TEXT NOT NULL,
  started_on TEXT,
  ended_on TEXT,
  results TEXT,
  securing TEXT NOT NULL DEFAULT '{}',
  replaces INTEGER REFERENCES projects(id),
  concretises TEXT NOT NULL DEFAULT 'null',
  funding_sources TEXT NOT NULL DEFAULT '[]',
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  CHECK (status != 'completed' OR (results IS NOT NULL AND results != ''))
);
CREATE INDEX projects_by_theme ON projects (theme_id, status);

CREATE TABLE meetings (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL
    CHECK (kind IN ('official', 'administrative', 'theme-table')),
  date TEXT NOT NULL,
  theme_id TEXT REFERENCES themes(id),
  attendees TEXT NOT NULL DEFAULT '{}',
  minutes TEXT,
  decisions TEXT NOT NULL DEFAULT '[]',
  report_period TEXT,
  is_evaluation INTEGER NOT NULL DEFAULT 0 CHECK (is_evaluation IN (0, 1)),
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  CHECK (report_period IS NULL OR kind = 'administrative')
);
CREATE INDEX meetings_by_date ON meetings (date);

CREATE TABLE funding_entries (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('cost', 'application', 'contribution')),
  date TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  description TEXT NOT NULL,
  document_reference TEXT NOT NULL,
  justification TEXT,
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL
);
)sql"},
      {11, "amending the covenant's agreements (art. 5b, 9)", R"sql(
-- A proposal to change an agreement of a theme paragraph (target
-- 'agreement', art. 9c) or an article of the covenant's general part
-- (target 'article', art. 9b), from its proposal (9a) to taking effect
-- (9d) or its end (rejected by an objection, withdrawn by its proposer).
-- base_text is the text it starts from, kept so that its word diff stays
-- what it was when proposed; for an agreement, base_version is the
-- version of agreement_versions that text is.
CREATE TABLE amendments (
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL CHECK (target IN ('agreement', 'article')),
  theme_id TEXT REFERENCES themes(id),
  agreement_id TEXT REFERENCES agreements(id),
  article TEXT,
  proposer TEXT NOT NULL,
  text TEXT NOT NULL,
  reason TEXT NOT NULL,
  base_text TEXT NOT NULL,
  base_version INTEGER,
  state TEXT NOT NULL CHECK (state IN ('proposed', 'agreed', 'reported',
    'in-effect', 'rejected', 'withdrawn')),
  proposed_at TEXT NOT NULL,
  proposed_by TEXT NOT NULL,
  consent_meeting_id INTEGER REFERENCES meetings(id),
  consented_at TEXT,
  consented_by TEXT,
  agreed_at TEXT,
  reported_at TEXT,
  reported_by TEXT,
  reported_for TEXT,
  report_note TEXT,
  effective_at TEXT,
  effective_by TEXT,
  effective_version INTEGER,
  closed_at TEXT,
  closed_by TEXT,
  closing_reason TEXT,
  CHECK ((target = 'agreement') =
         (agreement_id IS NOT NULL AND theme_id IS NOT NULL)),
  CHECK ((target = 'article') = (article IS NOT NULL))
);
CREATE INDEX amendments_by_theme ON amendments (theme_id, state);

-- The involved parties' word on an amendment (art. 9c; for the general
-- part, EZ's, art. 9b): one per party, a city by CBS code, a party by id.
CREATE TABLE amendment_responses (
  id INTEGER PRIMARY KEY,
  amendment_id INTEGER NOT NULL REFERENCES amendments(id),
  party TEXT NOT NULL,
  position TEXT NOT NULL CHECK (position IN ('agree', 'object')),
  comment TEXT NOT NULL,
  responded_at TEXT NOT NULL,
  responded_by TEXT NOT NULL,
  UNIQUE (amendment_id, party)
);
)sql"},
      {12,
       "the knowledge base: documents and the full-text search over them "
       "and the agenda's texts (art. 7b)",
       std::string(kDocuments) + kSearchIndexSqlite,
       std::string(kDocuments) + kSearchIndexPostgres},
      {13, "the knowledge base's best documents per word", R"sql(
-- What a one-word search reads instead of weighing every document with the
-- word (core/domain/search_ranking.h): per term of the index (a stem), how
-- many documents have it and, in search_index_champions, the best of them
-- (all, or the best kChampions) with their weight for it. The agenda's
-- entries are not counted here.
CREATE TABLE search_index_terms (
  term TEXT PRIMARY KEY,
  documents INTEGER NOT NULL CHECK (documents > 0),
  champions INTEGER NOT NULL CHECK (champions BETWEEN 0 AND documents),
  least REAL
) WITHOUT ROWID;
CREATE TABLE search_index_champions (
  term TEXT NOT NULL,
  weight REAL NOT NULL,
  entry INTEGER NOT NULL,
  PRIMARY KEY (term, weight DESC, entry)
) WITHOUT ROWID;
-- How many documents are indexed, and whether the lists above hold them
-- all: not for a database whose documents were indexed before the lists
-- existed; its first search builds them.
CREATE TABLE search_index_totals (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  documents INTEGER NOT NULL,
  built INTEGER NOT NULL CHECK (built IN (0, 1))
);
INSERT INTO search_index_totals (id, documents, built)
  SELECT 1, 0, NOT EXISTS (SELECT 1 FROM documents);
)sql",
       kSearchListsPostgres},
      {14,
       "where a listed document's snippet starts, and the index's generation",
       R"sql(
-- first: the byte offset in the document's text at which the term's
-- first word starts, NULL when only its title has the term; a hit's
-- snippet starts there. The lists are built anew by the first search, with it.
ALTER TABLE search_index_champions ADD COLUMN first INTEGER;
-- generation: replaced by every write that adds or removes a document's
-- entry, so that a search knows whether the lengths it keeps of the
-- entries are still those of the index (core/storage/search_functions.h).
ALTER TABLE search_index_totals ADD COLUMN generation INTEGER NOT NULL
  DEFAULT 0;
UPDATE search_index_totals SET generation = random(),
  built = NOT EXISTS (SELECT 1 FROM documents);
-- The index's segments are merged as soon as two share a level
-- (MergeIndexSegments after each write), not four: a search reads each
-- segment that holds its words, so fewer segments make it faster.
INSERT INTO search_index (search_index, rank) VALUES ('usermerge', 2);
)sql",
       kSearchFirstPostgres},
      {15, "the knowledge base's postings on PostgreSQL",
       "-- Nothing on SQLite: FTS5 keeps search_index's postings itself.\n",
       kSearchPostingsPostgres},
      {16, "the digest of the plugin file each theme was synced from", R"sql(
-- Nodes on one database compare their plugin files' digests with it, so
-- that two builds of the same version are told apart.
ALTER TABLE themes ADD COLUMN file_digest TEXT;
)sql"},
  };
}

}  // namespace smartercities::domain
