import { closeSync, existsSync, mkdirSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { indexRecord, recordFromTurtle, recordToTurtle, isRecordType, type BinaryWrite, type LockerRecord, type RecordIndex, type RecordType } from '../model/index.js';
import { toFtsQuery } from '../search/index.js';
import { MIGRATIONS, SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import { SyncTable } from './sync.js';
import { GrantTable } from './grants.js';

export type SyncState = 'local' | 'synced' | 'modified' | 'deleted' | 'conflict';

/** One line of a listing: what `locker list --json` prints. */
export interface RecordSummary {
  readonly id: string;
  readonly type: RecordType;
  readonly title: string;
  readonly start?: string;
  /** ISO 8601. */
  readonly updated: string;
}

export interface StoredRecord {
  readonly id: string;
  readonly type: RecordType;
  readonly title: string;
  readonly startText: string | undefined;
  readonly createdMs: number;
  readonly updatedMs: number;
  /** Turtle, relative to the record's own document. */
  readonly rdf: string;
  readonly contentHash: string;
  readonly base: { readonly rdf: string; readonly etag: string | undefined } | undefined;
  readonly syncState: SyncState;
  readonly deleted: boolean;
}

/** Binaries are a model type (importers make them); the store keeps them content-addressed. */
export type { BinaryWrite } from '../model/index.js';

export type PutOutcome = 'created' | 'updated' | 'unchanged';

export interface ListQuery {
  readonly type?: RecordType | undefined;
  /** Inclusive lower bound on the record's time, ms since epoch. */
  readonly fromMs?: number | undefined;
  /** Exclusive upper bound. */
  readonly toMs?: number | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

export interface SearchQuery {
  readonly type?: RecordType | undefined;
  readonly limit?: number | undefined;
}

export type OpenResult = { readonly kind: 'ok'; readonly store: Store } | { readonly kind: 'error'; readonly message: string } | { readonly kind: 'wrong-key'; readonly message: string };

/** How many full-text hits get ranked by bm25 at most: ranking every hit of a common word is what costs time at 100k records. */
const RANK_WINDOW = 2000;

/** How long a deleted record stays in the trash. */
export const TRASH_DAYS = 30;

/** Deleted here (by the person), or deleted on the pod by another app or device and so removed here. */
export type TrashSource = 'here' | 'pod';

export interface TrashEntry {
  readonly id: string;
  readonly type: RecordType;
  readonly title: string;
  readonly deletedMs: number;
  readonly source: TrashSource;
}

interface TrashRow {
  id: string;
  type: string;
  title: string;
  rdf: string;
  deleted_ms: number;
  source: string;
}

interface RecordRow {
  seq: number;
  id: string;
  type: string;
  title: string;
  start_text: string | null;
  start_ms: number | null;
  created_ms: number;
  updated_ms: number;
  rdf: string;
  content_hash: string;
  base_rdf: string | null;
  base_etag: string | null;
  sync_state: SyncState;
  deleted: number;
}

type SummaryRow = Pick<RecordRow, 'id' | 'type' | 'title' | 'start_text' | 'updated_ms'>;

function toSummary(r: SummaryRow): RecordSummary {
  return {
    id: r.id,
    type: r.type as RecordType,
    title: r.title,
    ...(r.start_text !== null && { start: r.start_text }),
    updated: new Date(r.updated_ms).toISOString(),
  };
}

export interface OpenStoreOptions {
  /** The data key of an encrypted locker; without it the file must be a plain SQLite database. */
  readonly key?: DataKeyLike | undefined;
}

/** What the store needs of a data key (see shared/crypto's DataKey). */
export interface DataKeyLike {
  hex(): string;
}

/** Opens (creating if needed) the locker database at `file`. */
export function openStore(file: string, opts: OpenStoreOptions = {}): OpenResult {
  let db: Database.Database | undefined;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file);
    if (opts.key) applyKey(db, opts.key);
    // Nothing spills to temporary files in the clear (sorts, big indexes): temporary data stays in memory.
    db.pragma('temp_store = MEMORY');
    db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before it is acknowledged (WAL is already safe against kill -9 with NORMAL).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const version = (db.pragma('user_version', { simple: true }) as number) ?? 0;
    if (version > SCHEMA_VERSION) {
      db.close();
      return { kind: 'error', message: `this locker was written by a newer version of Locker (schema ${version}); update Locker to open it` };
    }
    if (version < SCHEMA_VERSION) {
      const conn = db;
      conn.transaction(() => {
        if (version > 0) for (let v = version + 1; v <= SCHEMA_VERSION; v++) conn.exec(MIGRATIONS[v] ?? '');
        conn.exec(SCHEMA_SQL);
        conn.pragma(`user_version = ${SCHEMA_VERSION}`);
      }).immediate();
    }
    const store = new Store(db);
    // What was deleted more than 30 days ago leaves the trash when the locker opens.
    store.purgeTrash();
    return { kind: 'ok', store };
  } catch (e) {
    db?.close();
    const message = e instanceof Error ? e.message : String(e);
    if (opts.key && /not a database/i.test(message)) return { kind: 'wrong-key', message: `${file} cannot be read with this key` };
    return { kind: 'error', message: /not a database|malformed/i.test(message) ? `${file} is not a Locker database (${message})` : `cannot open ${file}: ${message}` };
  }
}

/** SQLCipher 4 pages with the raw 256-bit data key (no key derivation inside SQLite: the key is already random). */
export function applyKey(db: Database.Database, key: DataKeyLike): void {
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${key.hex()}'"`);
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/** True when `file` starts with SQLite's plain header (an unencrypted database); false for an encrypted one or a missing/empty file. */
export function isPlainDatabase(file: string): boolean {
  if (!existsSync(file)) return false;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, 16, 0);
    return n === 16 && head.toString('latin1') === SQLITE_MAGIC;
  } finally {
    closeSync(fd);
  }
}

/**
 * The local store: SQLite (WAL) is the source of truth. Every write method
 * runs in one transaction: it happened completely or not at all.
 */
export class Store {
  private readonly stmts;
  /** Sync bookkeeping (bases, ETags, conflicts) over the same database. */
  readonly sync: SyncTable;
  /** Grants given to apps and bots. */
  readonly grants: GrantTable;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      byId: db.prepare<[string], RecordRow>('SELECT * FROM records WHERE id = ?'),
      // What a write needs to know of the row it replaces (not its RDF texts, which can be large).
      headById: db.prepare<[string], Pick<RecordRow, 'seq' | 'type' | 'content_hash' | 'deleted'>>('SELECT seq, type, content_hash, deleted FROM records WHERE id = ?'),
      insert: db.prepare(
        `INSERT INTO records (id, type, title, start_text, start_ms, end_ms, created_ms, updated_ms, rdf, content_hash)
         VALUES (@id, @type, @title, @start_text, @start_ms, @end_ms, @now, @now, @rdf, @content_hash)`,
      ),
      update: db.prepare(
        `UPDATE records SET type = @type, title = @title, start_text = @start_text, start_ms = @start_ms, end_ms = @end_ms,
           updated_ms = @now, rdf = @rdf, content_hash = @content_hash, deleted = 0,
           sync_state = CASE WHEN base_rdf IS NULL THEN 'local' WHEN sync_state = 'conflict' THEN 'conflict' ELSE 'modified' END
         WHERE id = @id`,
      ),
      ftsInsert: db.prepare('INSERT INTO records_fts (rowid, title, body) VALUES (?, ?, ?)'),
      ftsDelete: db.prepare('DELETE FROM records_fts WHERE rowid = ?'),
      emailsDelete: db.prepare('DELETE FROM record_emails WHERE record_id = ?'),
      emailInsert: db.prepare('INSERT OR IGNORE INTO record_emails (record_id, email, role) VALUES (?, ?, ?)'),
      linksDelete: db.prepare('DELETE FROM record_binaries WHERE record_id = ?'),
      linkInsert: db.prepare('INSERT OR IGNORE INTO record_binaries (record_id, name) VALUES (?, ?)'),
      binaryInsert: db.prepare('INSERT OR IGNORE INTO binaries (name, media_type, sha256, size, bytes) VALUES (?, ?, ?, ?, ?)'),
      binaryGet: db.prepare<[string], { name: string; media_type: string; sha256: string; size: number; bytes: Buffer }>('SELECT * FROM binaries WHERE name = ?'),
      orphans: db.prepare('DELETE FROM binaries WHERE name NOT IN (SELECT name FROM record_binaries) AND name NOT IN (SELECT name FROM trash_binaries)'),
      trashPut: db.prepare('INSERT INTO trash (id, type, title, rdf, deleted_ms, source) VALUES (?, ?, ?, ?, ?, ?)'),
      trashLinks: db.prepare('INSERT OR IGNORE INTO trash_binaries (id, name) SELECT record_id, name FROM record_binaries WHERE record_id = ?'),
      trashDrop: db.prepare('DELETE FROM trash WHERE id = ?'),
      trashGet: db.prepare<[string], TrashRow>('SELECT id, type, title, rdf, deleted_ms, source FROM trash WHERE id = ?'),
      trashList: db.prepare<[], Omit<TrashRow, 'rdf'>>('SELECT id, type, title, deleted_ms, source FROM trash ORDER BY deleted_ms DESC, id'),
      trashPurge: db.prepare('DELETE FROM trash WHERE deleted_ms < ?'),
      hardDelete: db.prepare('DELETE FROM records WHERE id = ?'),
      tombstone: db.prepare("UPDATE records SET deleted = 1, sync_state = 'deleted', updated_ms = ? WHERE id = ?"),
      counts: db.prepare<[], { type: string; n: number }>('SELECT type, count(*) AS n FROM records WHERE deleted = 0 GROUP BY type'),
      byEmail: db.prepare<[string, string], { record_id: string }>('SELECT record_id FROM record_emails WHERE email = ? AND role = ?'),
    };
    this.grants = new GrantTable(db);
    this.sync = new SyncTable(
      db,
      (record, now, binaries) => {
        for (const b of binaries) this.stmts.binaryInsert.run(b.name, b.mediaType, b.sha256, b.bytes.byteLength, Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength));
        this.putOne(record, indexRecord(record), now);
        this.stmts.orphans.run();
      },
      (id) => this.removeRow(id),
    );
  }

  /** Removes a row and everything indexed for it (no tombstone). A live record (the pod deleted it) goes to the trash first. */
  private removeRow(id: string): void {
    const existing = this.stmts.byId.get(id);
    if (!existing) return;
    if (existing.deleted === 0) {
      this.toTrash(existing, 'pod', Date.now());
      this.stmts.ftsDelete.run(existing.seq);
    }
    this.stmts.emailsDelete.run(id);
    this.stmts.linksDelete.run(id);
    this.stmts.hardDelete.run(id);
    this.stmts.orphans.run();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Deletes every record, binary, conflict, grant and sync note (the schema
   * stays), then rewrites the file (VACUUM) and empties the WAL, so the old
   * bytes are not left in free pages on disk. Returns how many records there were.
   */
  wipe(): { readonly records: number; readonly binaries: number } {
    const count = (sql: string): number => (this.db.prepare<[], { n: number }>(sql).get()?.n ?? 0);
    const before = { records: count('SELECT count(*) AS n FROM records WHERE deleted = 0'), binaries: count('SELECT count(*) AS n FROM binaries') };
    const secureDelete = this.db.pragma('secure_delete', { simple: true }) as number;
    this.db.pragma('secure_delete = ON');
    this.transaction(() => {
      this.db.exec(`INSERT INTO records_fts (records_fts) VALUES ('delete-all');
        DELETE FROM conflicts; DELETE FROM record_binaries; DELETE FROM record_emails; DELETE FROM records;
        DELETE FROM binaries; DELETE FROM binaries_on_pod; DELETE FROM grants; DELETE FROM meta;
        DELETE FROM trash_binaries; DELETE FROM trash;`);
    });
    this.db.exec('VACUUM');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.pragma(`secure_delete = ${secureDelete ? 'ON' : 'OFF'}`);
    return before;
  }

  /**
   * A transaction that spans several calls (an import writes a file in batches
   * between awaits). The caller must hold the locker's write lock until
   * `commit` or `rollback`.
   */
  begin(): void {
    this.db.exec('BEGIN IMMEDIATE');
  }

  commit(): void {
    this.db.exec('COMMIT');
  }

  rollback(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  /** Runs `fn` in one IMMEDIATE transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn).immediate();
  }

  get(id: string): StoredRecord | undefined {
    const r = this.stmts.byId.get(id);
    if (!r || !isRecordType(r.type)) return undefined;
    return {
      id: r.id,
      type: r.type,
      title: r.title,
      startText: r.start_text ?? undefined,
      createdMs: r.created_ms,
      updatedMs: r.updated_ms,
      rdf: r.rdf,
      contentHash: r.content_hash,
      base: r.base_rdf === null ? undefined : { rdf: r.base_rdf, etag: r.base_etag ?? undefined },
      syncState: r.sync_state,
      deleted: r.deleted === 1,
    };
  }

  /** The record as RDF, or undefined when absent or deleted. */
  getRecord(id: string): LockerRecord | undefined {
    const r = this.get(id);
    return r && !r.deleted ? recordFromTurtle(r.type, r.id, r.rdf) : undefined;
  }

  /**
   * Writes records (and the binaries they link to) in one transaction.
   * A record whose content is unchanged is left alone (`unchanged`).
   */
  putRecords(records: readonly LockerRecord[], binaries: readonly BinaryWrite[] = [], now: number = Date.now()): PutOutcome[] {
    return this.transaction(() => {
      for (const b of binaries) this.stmts.binaryInsert.run(b.name, b.mediaType, b.sha256, b.bytes.byteLength, Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength));
      const outcomes = records.map((record) => this.putOne(record, indexRecord(record), now));
      if (outcomes.some((o) => o === 'updated')) this.stmts.orphans.run();
      return outcomes;
    });
  }

  private putOne(record: LockerRecord, index: RecordIndex, now: number): PutOutcome {
    const existing = this.stmts.headById.get(record.id);
    if (existing && existing.deleted === 0 && existing.content_hash === index.contentHash && existing.type === record.type) return 'unchanged';
    const row = {
      id: record.id,
      type: record.type,
      title: index.title,
      start_text: index.startText ?? null,
      start_ms: index.startMs ?? null,
      end_ms: index.endMs ?? null,
      now,
      rdf: recordToTurtle(record),
      content_hash: index.contentHash,
    };
    let seq: number;
    // Made again (imported, restored): no longer in the trash.
    if (!existing || existing.deleted === 1) this.stmts.trashDrop.run(record.id);
    if (existing) {
      this.stmts.update.run(row);
      if (existing.deleted === 0) this.stmts.ftsDelete.run(existing.seq);
      this.stmts.emailsDelete.run(record.id);
      this.stmts.linksDelete.run(record.id);
      seq = existing.seq;
    } else {
      seq = Number(this.stmts.insert.run(row).lastInsertRowid);
    }
    this.stmts.ftsInsert.run(seq, index.title, index.body);
    for (const e of index.emails) this.stmts.emailInsert.run(record.id, e.email, e.role);
    for (const b of index.binaries) this.stmts.linkInsert.run(record.id, b);
    return existing ? 'updated' : 'created';
  }

  /** Deletes a record. One never synced disappears; a synced one becomes a tombstone so sync can delete it on the pod. */
  delete(id: string, now: number = Date.now()): { readonly kind: 'deleted' } | { readonly kind: 'absent' } {
    return this.transaction(() => {
      const existing = this.stmts.byId.get(id);
      if (!existing || existing.deleted === 1) return { kind: 'absent' } as const;
      this.toTrash(existing, 'here', now);
      this.stmts.ftsDelete.run(existing.seq);
      this.stmts.emailsDelete.run(id);
      this.stmts.linksDelete.run(id);
      if (existing.base_rdf === null) this.stmts.hardDelete.run(id);
      else this.stmts.tombstone.run(now, id);
      this.stmts.orphans.run();
      return { kind: 'deleted' } as const;
    });
  }

  /** Keeps a record about to be deleted (and its binaries) in the trash, in place of an older copy. Call before its binary links are removed. */
  private toTrash(row: RecordRow, source: TrashSource, now: number): void {
    this.stmts.trashDrop.run(row.id);
    this.stmts.trashPut.run(row.id, row.type, row.title, row.rdf, now, source);
    this.stmts.trashLinks.run(row.id);
  }

  /** What the trash holds, most recently deleted first. */
  trash(): TrashEntry[] {
    const out: TrashEntry[] = [];
    for (const r of this.stmts.trashList.all()) {
      if (!isRecordType(r.type)) continue;
      out.push({ id: r.id, type: r.type, title: r.title, deletedMs: r.deleted_ms, source: r.source === 'pod' ? 'pod' : 'here' });
    }
    return out;
  }

  /**
   * Puts a record from the trash back, as a change made here: the next sync writes it to the pod again.
   * `exists`: a record with that id is in the locker again (made anew or imported since): the trash keeps its copy.
   */
  restoreFromTrash(id: string, now: number = Date.now()): { readonly kind: 'restored'; readonly type: RecordType; readonly title: string } | { readonly kind: 'absent' } | { readonly kind: 'exists' } {
    return this.transaction(() => {
      const t = this.stmts.trashGet.get(id);
      if (!t || !isRecordType(t.type)) return { kind: 'absent' } as const;
      const live = this.stmts.byId.get(id);
      if (live && live.deleted === 0) return { kind: 'exists' } as const;
      const record = recordFromTurtle(t.type, t.id, t.rdf);
      this.putOne(record, indexRecord(record), now);
      this.stmts.trashDrop.run(id);
      this.stmts.orphans.run();
      return { kind: 'restored', type: t.type, title: t.title } as const;
    });
  }

  /** Empties the trash of what was deleted before `beforeMs` (30 days ago by default), and the binaries only those records linked to. */
  purgeTrash(beforeMs: number = Date.now() - TRASH_DAYS * 86_400_000): number {
    return this.transaction(() => {
      const n = this.stmts.trashPurge.run(beforeMs).changes;
      if (n > 0) this.stmts.orphans.run();
      return n;
    });
  }

  /** Records the version last agreed with the pod (used by sync's 3-way merge). */
  list(q: ListQuery = {}): RecordSummary[] {
    const where = ['deleted = 0'];
    const params: Array<string | number> = [];
    if (q.type) {
      where.push('type = ?');
      params.push(q.type);
    }
    if (q.fromMs !== undefined) {
      where.push('start_ms >= ?');
      params.push(q.fromMs);
    }
    if (q.toMs !== undefined) {
      where.push('start_ms < ?');
      params.push(q.toMs);
    }
    const ranged = q.fromMs !== undefined || q.toMs !== undefined;
    const order = ranged ? 'start_ms ASC' : '(start_ms IS NULL), start_ms DESC, title COLLATE NOCASE, id';
    const limit = q.limit ?? -1;
    const sql = `SELECT id, type, title, start_text, updated_ms FROM records WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return this.db
      .prepare<Array<string | number>, SummaryRow>(sql)
      .all(...params, limit, q.offset ?? 0)
      .map(toSummary);
  }

  /**
   * Full-text search, best first. Words match as prefixes, without accents.
   * bm25 (title weighted ×10) ranks a bounded window of hits: the newest
   * matches plus the newest title matches.
   */
  search(text: string, q: SearchQuery = {}): RecordSummary[] {
    const fts = toFtsQuery(text);
    if (!fts) return [];
    // One letter matches most of a big locker and says nothing to rank by: the newest matches, unranked (a few ms, not tens).
    if ([...text.trim()].length === 1) {
      const newest = this.db.prepare<[string, string | null, string | null, number], SummaryRow>(
        'SELECT r.id, r.type, r.title, r.start_text, r.updated_ms FROM records_fts f JOIN records r ON r.seq = f.rowid WHERE records_fts MATCH ? AND r.deleted = 0 AND (? IS NULL OR r.type = ?) ORDER BY f.rowid DESC LIMIT ?',
      );
      return newest.all(fts.all, q.type ?? null, q.type ?? null, q.limit ?? 50).map(toSummary);
    }
    const window = this.db.prepare<[string, number], { rowid: number; score: number }>(
      'SELECT rowid, bm25(records_fts, 10.0, 1.0) AS score FROM records_fts WHERE records_fts MATCH ? ORDER BY rowid DESC LIMIT ?',
    );
    const hits = new Map<number, number>();
    for (const h of window.all(fts.all, RANK_WINDOW)) hits.set(h.rowid, h.score);
    if (hits.size >= RANK_WINDOW) for (const h of window.all(fts.titleOnly, RANK_WINDOW)) hits.set(h.rowid, h.score);
    if (hits.size === 0) return [];
    const ranked = [...hits.entries()].sort((a, b) => a[1] - b[1] || b[0] - a[0]);
    const limit = q.limit ?? 50;
    const out: RecordSummary[] = [];
    const byseq = this.db.prepare<[number], SummaryRow & { deleted: number }>('SELECT id, type, title, start_text, updated_ms, deleted FROM records WHERE seq = ?');
    for (const [seq] of ranked) {
      const row = byseq.get(seq);
      if (!row || row.deleted === 1 || (q.type && row.type !== q.type)) continue;
      out.push(toSummary(row));
      if (out.length >= limit) break;
    }
    return out;
  }

  counts(): Partial<Record<RecordType, number>> {
    const out: Partial<Record<RecordType, number>> = {};
    for (const r of this.stmts.counts.all()) if (isRecordType(r.type)) out[r.type] = r.n;
    return out;
  }

  /** Ids of records that carry `email` in the given role. */
  idsByEmail(email: string, role: 'self' | 'attendee'): string[] {
    return this.stmts.byEmail.all(email.toLowerCase(), role).map((r) => r.record_id);
  }

  getBinary(name: string): { readonly mediaType: string; readonly sha256: string; readonly bytes: Uint8Array } | undefined {
    const b = this.stmts.binaryGet.get(name);
    return b ? { mediaType: b.media_type, sha256: b.sha256, bytes: new Uint8Array(b.bytes) } : undefined;
  }

  binariesOf(id: string): string[] {
    return this.db.prepare<[string], { name: string }>('SELECT name FROM record_binaries WHERE record_id = ? ORDER BY name').all(id).map((r) => r.name);
  }

  /** Every live record, in insertion order, without loading them all at once. */
  *iterate(): Generator<StoredRecord> {
    const stmt = this.db.prepare<[], { id: string }>('SELECT id FROM records WHERE deleted = 0 ORDER BY seq');
    const ids = stmt.all().map((r) => r.id);
    for (const id of ids) {
      const r = this.get(id);
      if (r) yield r;
    }
  }

  /** The document IRI a record has in this locker (before a pod is connected). */}
