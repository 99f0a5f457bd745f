import type Database from 'better-sqlite3-multiple-ciphers';
import { isRecordType, type LockerRecord, type RecordType } from '../model/index.js';
import type { BinaryWrite, SyncState } from './store.js';

/** What sync needs to know of every record, without its RDF. */
export interface SyncRow {
  readonly id: string;
  readonly type: RecordType;
  readonly state: SyncState;
  readonly deleted: boolean;
  readonly hasBase: boolean;
  readonly baseEtag: string | undefined;
  readonly remoteModified: number | undefined;
  readonly contentHash: string;
  readonly inConflict: boolean;
}

export interface ConflictRow {
  readonly id: string;
  readonly type: RecordType;
  readonly title: string;
  /** The pod's version (Turtle, local IRIs), or undefined when the pod deleted it. */
  readonly remoteRdf: string | undefined;
  readonly remoteEtag: string | undefined;
  readonly remoteModified: number | undefined;
  readonly localDeleted: boolean;
  /** The fields both sides changed differently (predicate IRIs). */
  readonly fields: readonly string[];
  readonly detectedMs: number;
}

interface RawSyncRow {
  id: string;
  type: string;
  sync_state: SyncState;
  deleted: number;
  has_base: number;
  base_etag: string | null;
  remote_modified: number | null;
  content_hash: string;
  in_conflict: number;
}

/**
 * Sync bookkeeping over the records table: bases, ETags, the pod's modified
 * times, conflicts and which binaries the pod has. Every method is one
 * transaction, so a checkpoint is never ahead of the data it covers.
 */
export class SyncTable {
  private readonly stmts;

  constructor(
    private readonly db: Database.Database,
    private readonly putRecord: (record: LockerRecord, now: number, binaries: readonly BinaryWrite[]) => void,
    private readonly hardRemove: (id: string) => void,
  ) {
    this.stmts = {
      rows: db.prepare<[], RawSyncRow>(
        `SELECT r.id, r.type, r.sync_state, r.deleted, (r.base_rdf IS NOT NULL) AS has_base, r.base_etag, r.remote_modified, r.content_hash,
                (c.id IS NOT NULL) AS in_conflict
         FROM records r LEFT JOIN conflicts c ON c.id = r.id`,
      ),
      row: db.prepare<[string], RawSyncRow>(
        `SELECT r.id, r.type, r.sync_state, r.deleted, (r.base_rdf IS NOT NULL) AS has_base, r.base_etag, r.remote_modified, r.content_hash,
                (c.id IS NOT NULL) AS in_conflict
         FROM records r LEFT JOIN conflicts c ON c.id = r.id WHERE r.id = ?`,
      ),
      setSynced: db.prepare(
        `UPDATE records SET base_rdf = @base, base_etag = @etag, remote_modified = @modified, pushing_rdf = NULL,
           sync_state = CASE WHEN deleted = 1 THEN 'deleted' WHEN content_hash = @hash THEN 'synced' ELSE 'modified' END
         WHERE id = @id`,
      ),
      setRemoteMeta: db.prepare('UPDATE records SET remote_modified = ?, base_etag = COALESCE(?, base_etag) WHERE id = ?'),
      forgetRemoteAddress: db.prepare('UPDATE records SET base_etag = NULL, remote_modified = NULL WHERE id = ?'),
      forgetConflictAddress: db.prepare('UPDATE conflicts SET remote_etag = NULL, remote_modified = NULL WHERE id = ?'),
      clearBase: db.prepare("UPDATE records SET base_rdf = NULL, base_etag = NULL, remote_modified = NULL, sync_state = 'local' WHERE id = ? AND deleted = 0"),
      putConflict: db.prepare(
        `INSERT INTO conflicts (id, remote_rdf, remote_etag, remote_modified, remote_deleted, fields, detected_ms) VALUES (@id, @rdf, @etag, @modified, @deleted, @fields, @now)
         ON CONFLICT (id) DO UPDATE SET remote_rdf = @rdf, remote_etag = @etag, remote_modified = @modified, remote_deleted = @deleted, fields = @fields`,
      ),
      conflictState: db.prepare("UPDATE records SET sync_state = 'conflict' WHERE id = ?"),
      conflicts: db.prepare<[], { id: string; type: string; title: string; remote_rdf: string | null; remote_etag: string | null; remote_modified: number | null; remote_deleted: number; fields: string; detected_ms: number; deleted: number }>(
        `SELECT c.*, r.type, r.title, r.deleted FROM conflicts c JOIN records r ON r.id = c.id ORDER BY c.detected_ms, c.id`,
      ),
      deleteConflict: db.prepare('DELETE FROM conflicts WHERE id = ?'),
      restoreState: db.prepare(
        "UPDATE records SET sync_state = CASE WHEN deleted = 1 THEN 'deleted' WHEN base_rdf IS NULL THEN 'local' ELSE 'modified' END WHERE id = ? AND sync_state = 'conflict'",
      ),
      binariesToPush: db.prepare<[], { name: string; media_type: string }>(
        `SELECT b.name, b.media_type FROM binaries b WHERE b.name NOT IN (SELECT name FROM binaries_on_pod)
           AND b.name IN (SELECT rb.name FROM record_binaries rb JOIN records r ON r.id = rb.record_id WHERE r.deleted = 0)`,
      ),
      binaryOnPod: db.prepare('INSERT OR IGNORE INTO binaries_on_pod (name) VALUES (?)'),
      hasBinary: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM binaries WHERE name = ?'),
      metaGet: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      metaSet: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      pending: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM (SELECT 1 FROM records WHERE sync_state IN ('local', 'modified', 'deleted') LIMIT 1)"),
      repair: db.prepare(
        `UPDATE records SET base_rdf = COALESCE(base_rdf, ''), base_etag = ?, remote_modified = ?,
           sync_state = CASE WHEN deleted = 1 THEN 'deleted' ELSE 'modified' END WHERE id = ?`,
      ),
      setPushing: db.prepare('UPDATE records SET pushing_rdf = rdf WHERE id = ? AND deleted = 0'),
      pushingOf: db.prepare<[string], { pushing_rdf: string | null }>('SELECT pushing_rdf FROM records WHERE id = ?'),
      baseOf: db.prepare<[string], { base_rdf: string | null }>('SELECT base_rdf FROM records WHERE id = ?'),
    };
  }

  private tx<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn).immediate();
  }

  private static toRow(r: RawSyncRow): SyncRow | undefined {
    if (!isRecordType(r.type)) return undefined;
    return {
      id: r.id,
      type: r.type,
      state: r.sync_state,
      deleted: r.deleted === 1,
      hasBase: r.has_base === 1,
      baseEtag: r.base_etag ?? undefined,
      remoteModified: r.remote_modified ?? undefined,
      contentHash: r.content_hash,
      inConflict: r.in_conflict === 1,
    };
  }

  /** How many records wait to be synced (not counting conflicts), and how many are in conflict: two counts, no rows loaded. */
  stateCounts(): { pending: number; conflicts: number } {
    const pending = this.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM records r WHERE r.sync_state <> 'synced' AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.id = r.id)").get()?.n ?? 0;
    const conflicts = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM records r JOIN conflicts c ON c.id = r.id').get()?.n ?? 0;
    return { pending, conflicts };
  }

  rows(): SyncRow[] {
    const out: SyncRow[] = [];
    for (const r of this.stmts.rows.all()) {
      const row = SyncTable.toRow(r);
      if (row) out.push(row);
    }
    return out;
  }

  row(id: string): SyncRow | undefined {
    const r = this.stmts.row.get(id);
    return r ? SyncTable.toRow(r) : undefined;
  }

  /** Whether any record waits to be pushed (conflicts excluded: they wait for the person). */
  hasPending(): boolean {
    return (this.stmts.pending.get()?.n ?? 0) > 0;
  }

  /** Notes, before writing records to the pod, what each write will store there (one transaction for all). */
  markPushing(ids: readonly string[]): void {
    this.tx(() => {
      for (const id of ids) this.stmts.setPushing.run(id);
    });
  }

  /** The text of a write that may have reached the pod before the process died. */
  pushingRdf(id: string): string | undefined {
    return this.stmts.pushingOf.get(id)?.pushing_rdf ?? undefined;
  }

  baseRdf(id: string): string | undefined {
    return this.stmts.baseOf.get(id)?.base_rdf ?? undefined;
  }

  /** Takes the pod's version as both the local record and the base (nothing changed locally). */
  acceptRemote(record: LockerRecord, remoteRdf: string, contentHash: string, etag: string | undefined, modifiedMs: number | undefined, binaries: readonly BinaryWrite[] = [], now = Date.now()): void {
    this.tx(() => {
      this.putRecord(record, now, binaries);
      for (const b of binaries) this.stmts.binaryOnPod.run(b.name);
      this.stmts.setSynced.run({ id: record.id, base: remoteRdf, etag: etag ?? null, modified: modifiedMs ?? null, hash: contentHash });
      this.stmts.deleteConflict.run(record.id);
    });
  }

  /**
   * Records a new base agreed with the pod. The record becomes `synced` if
   * its content still hashes to `agreedHash` (nobody edited it meanwhile),
   * else `modified` (pushed again next time).
   */
  setBase(id: string, baseRdf: string, agreedHash: string, etag: string | undefined, modifiedMs: number | undefined): void {
    this.tx(() => {
      this.stmts.setSynced.run({ id, base: baseRdf, etag: etag ?? null, modified: modifiedMs ?? null, hash: agreedHash });
    });
  }

  /** Writes a merged record locally over a new base (pushed next). */
  acceptMerged(record: LockerRecord, remoteRdf: string, remoteHash: string, etag: string | undefined, modifiedMs: number | undefined, binaries: readonly BinaryWrite[] = [], now = Date.now()): void {
    this.tx(() => {
      this.putRecord(record, now, binaries);
      for (const b of binaries) this.stmts.binaryOnPod.run(b.name);
      this.stmts.setSynced.run({ id: record.id, base: remoteRdf, etag: etag ?? null, modified: modifiedMs ?? null, hash: remoteHash });
      this.stmts.deleteConflict.run(record.id);
    });
  }

  /** The pod's modified time (and ETag, when known) of the version already in base. */
  setRemoteMeta(id: string, modifiedMs: number | undefined, etag: string | undefined): void {
    this.stmts.setRemoteMeta.run(modifiedMs ?? null, etag ?? null, id);
  }

  /**
   * The pod's copy is damaged (empty, or not a record at all — e.g. a PUT cut
   * off mid-body, which CSS stores as it got it): keep the local version and
   * write it over that copy (conditionally, on the damaged copy's ETag).
   */
  markForRepair(id: string, etag: string | undefined, modifiedMs: number | undefined): void {
    this.stmts.repair.run(etag ?? null, modifiedMs ?? null, id);
  }

  /**
   * The record's pod document moved (same content, a new address): its ETag and modified time there are
   * forgotten, in its conflict too, so the next sync reads them from the new address before writing.
   */
  forgetRemoteAddress(id: string): void {
    this.tx(() => {
      this.stmts.forgetRemoteAddress.run(id);
      this.stmts.forgetConflictAddress.run(id);
    });
  }

  /** Forgets that the record was ever on the pod: it will be created there again. */
  clearBase(id: string): void {
    this.stmts.clearBase.run(id);
  }

  /** Removes a record for good (deleted on the pod, or its deletion pushed). */
  remove(id: string): void {
    this.tx(() => this.hardRemove(id));
  }

  putConflict(c: { id: string; remoteRdf: string | undefined; remoteEtag: string | undefined; remoteModified: number | undefined; fields: readonly string[] }, now = Date.now()): void {
    this.tx(() => {
      this.stmts.putConflict.run({
        id: c.id,
        rdf: c.remoteRdf ?? null,
        etag: c.remoteEtag ?? null,
        modified: c.remoteModified ?? null,
        deleted: c.remoteRdf === undefined ? 1 : 0,
        fields: JSON.stringify(c.fields),
        now,
      });
      this.stmts.conflictState.run(c.id);
    });
  }

  conflicts(): ConflictRow[] {
    const out: ConflictRow[] = [];
    for (const r of this.stmts.conflicts.all()) {
      if (!isRecordType(r.type)) continue;
      out.push({
        id: r.id,
        type: r.type,
        title: r.title,
        remoteRdf: r.remote_deleted === 1 ? undefined : (r.remote_rdf ?? undefined),
        remoteEtag: r.remote_etag ?? undefined,
        remoteModified: r.remote_modified ?? undefined,
        localDeleted: r.deleted === 1,
        fields: JSON.parse(r.fields) as string[],
        detectedMs: r.detected_ms,
      });
    }
    return out;
  }

  conflict(id: string): ConflictRow | undefined {
    return this.conflicts().find((c) => c.id === id);
  }

  /** Drops the conflict record; the record's state goes back to what its data says. */
  clearConflict(id: string): void {
    this.tx(() => {
      this.stmts.deleteConflict.run(id);
      this.stmts.restoreState.run(id);
    });
  }

  binariesToPush(): Array<{ name: string; mediaType: string }> {
    return this.stmts.binariesToPush.all().map((b) => ({ name: b.name, mediaType: b.media_type }));
  }

  markBinaryOnPod(name: string): void {
    this.stmts.binaryOnPod.run(name);
  }

  hasBinary(name: string): boolean {
    return (this.stmts.hasBinary.get(name)?.n ?? 0) > 0;
  }

  meta(key: string): string | undefined {
    return this.stmts.metaGet.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmts.metaSet.run(key, value);
  }

  /**
   * Forgets everything known about a pod (when moving to another one): every
   * live record is pushed anew, tombstones meant for the old pod are dropped,
   * the old pod itself is left untouched.
   */
  reset(): void {
    this.tx(() => {
      for (const r of this.db.prepare<[], { id: string }>('SELECT id FROM records WHERE deleted = 1').all()) this.hardRemove(r.id);
      this.db.exec("UPDATE records SET base_rdf = NULL, base_etag = NULL, remote_modified = NULL, pushing_rdf = NULL, sync_state = 'local'");
      this.db.exec('DELETE FROM conflicts');
      this.db.exec('DELETE FROM binaries_on_pod');
    });
  }
}
