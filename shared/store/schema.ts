/** The SQLite schema. One row per record; side tables for time, emails and binaries; FTS5 for search. */
export const SCHEMA_VERSION = 5;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS records (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  start_text TEXT,
  start_ms INTEGER,
  end_ms INTEGER,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  rdf TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  -- sync: the version last agreed with the pod (for the 3-way merge) and its ETag
  base_rdf TEXT,
  base_etag TEXT,
  sync_state TEXT NOT NULL DEFAULT 'local' CHECK (sync_state IN ('local', 'synced', 'modified', 'deleted', 'conflict')),
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  -- the pod's dc:modified (ms) of the version in base_rdf: a container listing showing another time means the pod changed
  remote_modified INTEGER,
  -- a write in flight: the text a PUT may have stored on the pod before the process died (so it isn't mistaken for someone else's)
  pushing_rdf TEXT
) STRICT;

CREATE INDEX IF NOT EXISTS records_type_start ON records (type, start_ms) WHERE deleted = 0;
CREATE INDEX IF NOT EXISTS records_start ON records (start_ms) WHERE deleted = 0;
CREATE INDEX IF NOT EXISTS records_sync ON records (sync_state) WHERE sync_state <> 'synced';
-- The timeline's order (newest first, undated last), so that a page of it is read from the index, not sorted.
CREATE INDEX IF NOT EXISTS records_timeline ON records ((start_ms IS NULL), start_ms DESC, title COLLATE NOCASE, id) WHERE deleted = 0;
CREATE INDEX IF NOT EXISTS records_type_timeline ON records (type, (start_ms IS NULL), start_ms DESC, title COLLATE NOCASE, id) WHERE deleted = 0;

CREATE TABLE IF NOT EXISTS record_emails (
  record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('self', 'attendee')),
  PRIMARY KEY (record_id, email, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS record_emails_email ON record_emails (email, role);

CREATE TABLE IF NOT EXISTS binaries (
  name TEXT PRIMARY KEY,
  media_type TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  bytes BLOB NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS record_binaries (
  record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  PRIMARY KEY (record_id, name)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS record_binaries_name ON record_binaries (name);

-- Both versions of a record that changed on both sides in overlapping ways, until the person picks.
CREATE TABLE IF NOT EXISTS conflicts (
  id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
  remote_rdf TEXT,
  remote_etag TEXT,
  remote_modified INTEGER,
  remote_deleted INTEGER NOT NULL DEFAULT 0 CHECK (remote_deleted IN (0, 1)),
  fields TEXT NOT NULL DEFAULT '[]',
  detected_ms INTEGER NOT NULL
) STRICT;

-- Binaries already on the pod (content-addressed, so never rewritten).
CREATE TABLE IF NOT EXISTS binaries_on_pod (
  name TEXT PRIMARY KEY
) STRICT;

-- Grants: who may do what with which records on the pod, why and until when. The pod holds the rules and the
-- ledger; this table remembers which rules are the grant's own, so revoking removes exactly those.
CREATE TABLE IF NOT EXISTS grants (
  id TEXT PRIMARY KEY,
  agent TEXT NOT NULL,
  client TEXT,
  targets TEXT NOT NULL,
  modes TEXT NOT NULL,
  purpose TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  until_ms INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'revoking', 'revoked', 'expired')),
  ended_ms INTEGER,
  pod_root TEXT NOT NULL,
  access_control TEXT NOT NULL,
  ledger TEXT NOT NULL,
  request TEXT
) STRICT;

-- Records deleted here, or deleted on the pod and so here, kept for 30 days to be restored; the binaries
-- they link to are kept as long (the binaries' clean-up skips them).
CREATE TABLE IF NOT EXISTS trash (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  rdf TEXT NOT NULL,
  deleted_ms INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('here', 'pod'))
) STRICT;
CREATE INDEX IF NOT EXISTS trash_deleted ON trash (deleted_ms);
CREATE TABLE IF NOT EXISTS trash_binaries (
  id TEXT NOT NULL REFERENCES trash (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  PRIMARY KEY (id, name)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS trash_binaries_name ON trash_binaries (name);

CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5 (
  title, body,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3 4'
);
`;

/** Steps from an older schema to this one (run in one transaction, in order). */
export const MIGRATIONS: Readonly<Record<number, string>> = {
  // 1 → 2: sync with a pod
  2: `ALTER TABLE records ADD COLUMN remote_modified INTEGER; ALTER TABLE records ADD COLUMN pushing_rdf TEXT;`,
  // 2 → 3: the timeline's order as indexes (SCHEMA_SQL creates them)
  3: ``,
  // 3 → 4: the trash (SCHEMA_SQL creates it)
  4: ``,
  // 4 → 5: an index no query used (type, updated_ms), which every write kept up to date
  5: `DROP INDEX IF EXISTS records_type_updated;`,
};
