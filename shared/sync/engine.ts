import { docIri, indexRecord, recordFromTurtle, recordToTurtle, sha256Hex, TYPES, type LockerRecord, type RecordType } from '../model/index.js';
import { getBytes, getResource, headResource, HttpError, httpFailure, idOfListed, inFolders, listContainer, listingUrl, podError, pool, putResource, deleteResource, recordFolder, recordUrl, sharded, shardOfListed, type Member, type PodContext, type PodFailure, type PodLayout } from '../pod/index.js';
import type { BinaryWrite, Store, SyncRow } from '../store/index.js';
import { merge3, sameGraph, singleValued } from './merge.js';
import { maintainAddressBook } from './address-book.js';
import { CURRENT_LAYOUT, LAYOUT_KEY, moveFlatContacts, moveFlatRecord, type FlatMove } from './migrate.js';
import { SCAN_RECORDS_PER_SYNC, SCAN_SHARDS_PER_SYNC, forgetShards, loadShardState, registerShards, saveShardState, shardOfRecord, shardsToList, TOUCH_PREFIX, touchShards, type ShardSeen } from './shards.js';
import { parseRemoteRecord, podBody, SAFE_BINARY } from './remote-doc.js';

export type SyncPhase = 'listing' | 'moving' | 'pulling' | 'pushing' | 'confirming' | 'verifying' | 'done';

export interface SyncProgress {
  readonly phase: SyncPhase;
  readonly done: number;
  readonly total: number;
}

export interface SyncIssue {
  readonly url: string;
  readonly message: string;
}

/** What `locker sync --json` prints (plus details). */
export interface SyncSummary {
  pushed: number;
  pulled: number;
  conflicts: number;
  /** Records removed locally because the pod deleted them / removed from the pod because they were deleted here. */
  deletedLocal: number;
  deletedRemote: number;
  /** Pod documents that are not Locker records (other names, unreadable Turtle): left alone. */
  skipped: SyncIssue[];
  /** Requests that failed after their retries. */
  errors: SyncIssue[];
  /**
   * Deletions made on the pod that this sync did not apply here because there were too many at once (more
   * than a few, or a whole container): another app's mistake must not empty the locker. Applied with
   * `deletions: 'accept'`, undone on the pod (the records written back) with `deletions: 'restore'`.
   */
  held?: { readonly count: number; readonly records: ReadonlyArray<{ readonly id: string; readonly type: RecordType; readonly title: string }> };
  /** Set when this sync copied the locker to a newly connected pod: counts per type, local and on the pod. */
  moved?: { readonly from: string | undefined; readonly verified: boolean; readonly counts: Record<string, { local: number; pod: number }> };
  /** Records moved on the pod from the layout before shards into their shards in this sync. */
  relocated?: number;
  /** Containers listed in this sync (the types' containers and the shards that changed or were due). */
  listed?: number;
}

export interface SyncOptions {
  readonly store: Store;
  readonly pod: PodContext;
  readonly layout: PodLayout;
  /** Requests in flight (8 is fastest on CSS here). */
  readonly concurrency?: number;
  readonly onProgress?: (p: SyncProgress) => void;
  /** What to do with deletions on the pod too many to apply quietly: hold them (the default), accept them, or restore them on the pod. */
  readonly deletions?: 'hold' | 'accept' | 'restore';
  /** List every shard, not only those that changed or are due (what another app edited in place is seen now). */
  readonly full?: boolean;
  /** Records' worth of unchanged shards listed per sync to see other apps' edits in place (default SCAN_RECORDS_PER_SYNC). */
  readonly scanRecords?: number;
}

/** One type's listing in a sync. */
interface TypeListing {
  /** false: the type's container itself is gone from the pod. */
  readonly present: boolean;
  /** Members of the listed containers (Person/ for contacts; the listed shards for the others), with the container listed. */
  readonly members: Array<{ readonly member: Member; readonly container: string }>;
  /** Sharded types: the shards in the type's container, with their listed modified time. */
  readonly shards: Map<string, number | undefined>;
  /** Sharded types: the shards listed in this sync (only their records' absence means anything). */
  readonly judgedShards: Set<string> | undefined;
  /** Documents of the layout before shards (`<container><id>.ttl`). */
  readonly flat: Member[];
}

/** A failed sync keeps what it did before it stopped, and why it stopped (the pod's code and HTTP status, or `internal`). */
export type SyncResult = { readonly kind: 'ok'; readonly summary: SyncSummary } | (PodFailure & { readonly summary?: SyncSummary });

const TURTLE = 'text/turtle';
const ROOT_KEY = 'sync.root';
const ETAG_SCHEME_KEY = 'sync.etag-scheme';
const LAST_SYNC_KEY = 'sync.last';
/** Documents of other apps found in Locker's containers, said once (in the sync that first meets them) and in the audit. */
const FOREIGN_KEY = 'sync.foreign';
const MAX_FOREIGN_KEPT = 10_000;

const MAX_ATTEMPTS = 4;
/** Deletions on the pod applied here without asking, per sync; more (or a whole container) are held. */
const QUIET_DELETIONS = 5;
/** Records named in `held` (the count says how many there are). */
const HELD_LISTED = 200;
/** Up to this many pushed documents in a container are confirmed with a HEAD each, more with one listing. */
const HEAD_CONFIRM_LIMIT = 32;

/** The other apps' documents sync has met in Locker's containers (left alone, never overwritten or deleted). */
export function foreignDocuments(store: Store): string[] {
  try {
    const v: unknown = JSON.parse(store.sync.meta(FOREIGN_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((u): u is string => typeof u === 'string') : [];
  } catch (e) {
    if (e instanceof SyntaxError) return [];
    throw e;
  }
}

interface Pushed {
  readonly type: RecordType;
  readonly dateMs: number | undefined;
  readonly size: number;
}

/** A document is a record when its main subject has the record's class. */
function isRecord(r: LockerRecord): boolean {
  const subject = `${docIri(r.type, r.id)}#it`;
  return r.quads.some((q) => q.subject.value === subject && q.predicate.value === RDF_TYPE && q.object.value === TYPES[r.type].class);
}

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * One two-way sync of a locker with its pod: list the containers (remote
 * changes show as new `dc:modified` times), fetch only what changed, merge
 * it with local changes against the stored base, then push local changes
 * with conditional requests. Every record's outcome is committed on its
 * own, so an interrupted sync resumes where it stopped.
 */
class SyncRun {
  private readonly store: Store;
  private readonly pod: PodContext;
  private readonly layout: PodLayout;
  private readonly concurrency: number;
  private readonly summary: SyncSummary = { pushed: 0, pulled: 0, conflicts: 0, deletedLocal: 0, deletedRemote: 0, skipped: [], errors: [] };
  /** Other apps' documents already said in an earlier sync, and those met in this one. */
  private foreignKnown = new Set<string>();
  private foreignNow: string[] = [];
  /** Records of ours, unchanged here, that the pod no longer has (confirmed by a 404): applied, held or restored after the pull. */
  private remoteDeletions: Array<{ id: string; type: RecordType }> = [];
  /** Containers that had records of ours and are gone from the pod as a whole. */
  private vanished = new Set<RecordType>();
  private readonly pushed = new Map<string, Pushed>();
  /** Shards as known before this sync, and as known after it. */
  private readonly shardState: Map<string, ShardSeen>;
  private readonly shardStateNext = new Map<string, ShardSeen>();
  /** Records moved into their shards in this sync, and those that could not be (left alone until the next). */
  private readonly movedIds = new Map<string, RecordType>();
  private readonly unmoved = new Set<string>();
  /** Shards where this sync edited documents in place (their time is moved for other replicas). */
  private readonly editedShards = new Set<string>();
  /** Shards this sync created documents in (maybe creating the shard). */
  private readonly createdIn = new Map<RecordType, Set<string>>();
  private leftTouches: string[] = [];
  private shardCounts: Map<string, number> | undefined;
  private etagScheme: 'modified-ms' | 'opaque' | undefined;

  constructor(private readonly opts: SyncOptions) {
    this.store = opts.store;
    this.pod = opts.pod;
    this.layout = opts.layout;
    this.concurrency = opts.concurrency ?? 8;
    const scheme = this.store.sync.meta(ETAG_SCHEME_KEY);
    this.etagScheme = scheme === 'modified-ms' || scheme === 'opaque' ? scheme : undefined;
    this.shardState = loadShardState(this.store);
  }

  private progress(phase: SyncPhase, done: number, total: number): void {
    this.opts.onProgress?.({ phase, done, total });
  }

  private docUrl(type: RecordType, id: string): string {
    return recordUrl(this.layout, type, id);
  }

  /** An ETag for a version whose `dc:modified` we know, where the server's ETags are built from it (CSS). */
  private etagFor(modifiedMs: number | undefined): string | undefined {
    return this.etagScheme === 'modified-ms' && modifiedMs !== undefined ? `"${modifiedMs}-${TURTLE}"` : undefined;
  }

  private learnEtagScheme(etag: string | undefined, modifiedMs: number | undefined): void {
    if (this.etagScheme !== undefined || !etag || modifiedMs === undefined) return;
    const m = /^(?:W\/)?"(\d{10,})-/.exec(etag);
    this.etagScheme = m && Math.floor(Number(m[1]) / 1000) === Math.floor(modifiedMs / 1000) ? 'modified-ms' : 'opaque';
    this.store.sync.setMeta(ETAG_SCHEME_KEY, this.etagScheme);
  }

  async run(): Promise<SyncResult> {
    try {
      const moved = this.prepare();
      this.foreignKnown = new Set(foreignDocuments(this.store));
      this.foreignNow = [];
      await moveFlatContacts({ store: this.store, pod: this.pod, layout: this.layout, concurrency: this.concurrency, summary: this.summary });
      const listings = await this.list();
      this.summary.listed = [...listings.values()].reduce((n, l) => n + 1 + (l.judgedShards?.size ?? 0), 0);
      await this.moveFlat(listings);
      await this.pull(listings);
      await this.push();
      this.summary.errors.push(...(await touchShards(this.pod, this.editedShards, this.concurrency)));
      await this.confirm();
      await this.afterPush(listings);
      this.summary.errors.push(...(await maintainAddressBook({ store: this.store, pod: this.pod, layout: this.layout })));
      if (moved.moved) this.summary.moved = { from: moved.from, ...(await this.verify()) };
      this.store.sync.setMeta(LAST_SYNC_KEY, new Date().toISOString());
      this.summary.conflicts = this.store.sync.conflicts().length;
      this.progress('done', 1, 1);
      return { kind: 'ok', summary: this.summary };
    } catch (e) {
      this.summary.conflicts = this.store.sync.conflicts().length;
      const failure = e instanceof HttpError ? httpFailure(e) : podError('internal', message(e));
      return { ...failure, summary: this.summary };
    }
  }

  /** A locker synced with another pod before is copied to this one in full; the old pod is left as it is. */
  private prepare(): { moved: boolean; from: string | undefined } {
    const previous = this.store.sync.meta(ROOT_KEY);
    if (previous === this.layout.root) return { moved: false, from: undefined };
    if (previous !== undefined && this.store.sync.conflicts().length > 0) {
      throw new Error(`this locker has unresolved conflicts with ${previous}: resolve them (locker conflicts) before syncing with another pod`);
    }
    this.store.transaction(() => {
      if (previous !== undefined) this.store.sync.reset();
      this.store.sync.setMeta(ROOT_KEY, this.layout.root);
      forgetShards(this.store);
      this.store.sync.setMeta(ETAG_SCHEME_KEY, '');
      // A pod this locker has not synced with gets today's layout straight away: nothing to move.
      this.store.sync.setMeta(LAYOUT_KEY, CURRENT_LAYOUT);
    });
    this.etagScheme = undefined;
    this.shardState.clear();
    return { moved: previous !== undefined, from: previous };
  }

  /**
   * Lists what changed on the pod. Contacts: their `Person/` folder. Sharded types: the type's container
   * (its shards with their modified times, and documents of the layout before shards, which are moved into
   * their shards now), then only the shards that changed, are new or are due for a full look.
   */
  private async list(): Promise<Map<RecordType, TypeListing>> {
    const types = Object.keys(this.layout.containers) as RecordType[];
    const out = new Map<RecordType, TypeListing>();
    const now = Date.now();
    const scanBudget = { left: this.opts.scanRecords ?? SCAN_RECORDS_PER_SYNC, shards: SCAN_SHARDS_PER_SYNC };
    let done = 0;
    let total = types.length;
    this.progress('listing', 0, total);
    const shardJobs: Array<{ type: RecordType; url: string; listedModified: number | undefined }> = [];
    await pool(types, this.concurrency, async (type) => {
      const url = listingUrl(this.layout, type);
      const top = await listContainer(this.pod, url);
      const entry: TypeListing = { present: top.kind === 'ok', members: [], judgedShards: sharded(type) ? new Set() : undefined, shards: new Map(), flat: [] };
      out.set(type, entry);
      if (top.kind === 'ok') {
        if (!sharded(type)) entry.members.push(...top.members.map((m) => ({ member: m, container: url })));
        else {
          for (const m of top.members) {
            if (shardOfListed(this.layout, type, m) !== undefined) entry.shards.set(m.url, m.modifiedMs);
            else if (!m.isContainer && idOfListed(this.layout, type, m, url)) entry.flat.push(m);
            else entry.members.push({ member: m, container: url });
          }
          for (const shard of shardsToList({ present: entry.shards, state: this.shardState, now, full: this.opts.full === true, scanBudget })) {
            shardJobs.push({ type, url: shard, listedModified: entry.shards.get(shard) });
          }
        }
      }
      this.progress('listing', ++done, total);
    });
    total += shardJobs.length;
    await pool(shardJobs, this.concurrency, async (job) => {
      const entry = out.get(job.type);
      const listed = await listContainer(this.pod, job.url);
      if (entry) {
        entry.judgedShards?.add(job.url);
        if (listed.kind === 'ok') {
          entry.members.push(...listed.members.map((m) => ({ member: m, container: job.url })));
          // Its own time as the listing gives it: the time its parent lists while nothing is created or deleted in it.
          this.shardStateNext.set(job.url, { m: listed.modifiedMs ?? job.listedModified, at: now, n: listed.members.length });
        } else entry.shards.delete(job.url);
      }
      this.progress('listing', ++done, total);
    });
    // Shards seen this time and not listed keep what was known of them; shards gone are forgotten.
    for (const [type, entry] of out) {
      if (!sharded(type)) continue;
      for (const url of entry.shards.keys()) {
        const before = this.shardState.get(url);
        if (!this.shardStateNext.has(url) && before) this.shardStateNext.set(url, before);
      }
    }
    return out;
  }

  /** Moves documents of the layout before shards into their shards (see moveFlatRecord). */
  private async moveFlat(listings: Map<RecordType, TypeListing>): Promise<void> {
    const jobs: FlatMove[] = [];
    for (const [type, entry] of listings) {
      for (const m of entry.flat) {
        const id = idOfListed(this.layout, type, m, this.layout.containers[type]);
        if (id) jobs.push({ type, id, url: m.url });
      }
    }
    if (jobs.length === 0) return;
    let done = 0;
    this.progress('moving', 0, jobs.length);
    await pool(jobs, this.concurrency, async (job) => {
      const outcome = await moveFlatRecord(this.pod, this.layout, job);
      if (outcome.kind === 'moved') {
        this.summary.relocated = (this.summary.relocated ?? 0) + 1;
        this.movedIds.set(job.id, job.type);
        // Its old address (ETag, time) is no address of the new copy: the pull reads it there.
        this.store.transaction(() => this.store.sync.forgetRemoteAddress(job.id));
      } else if (outcome.kind === 'left') {
        this.noteForeign(job.url, outcome.why);
        // A record whose copy in the shard is the record (the flat one differs): still ours, read there.
        if (this.store.sync.row(job.id)) this.movedIds.set(job.id, job.type);
      } else {
        this.summary.errors.push({ url: job.url, message: outcome.message });
        this.unmoved.add(job.id);
      }
      this.progress('moving', ++done, jobs.length);
    });
  }

  private async pull(listings: Map<RecordType, TypeListing>): Promise<void> {
    const rows = new Map<string, SyncRow>();
    for (const r of this.store.sync.rows()) rows.set(r.id, r);
    // A container (or a shard) that had records of ours and is gone as a whole: its deletions are held (settleRemoteDeletions).
    for (const r of rows.values()) {
      if (!r.hasBase || this.unmoved.has(r.id) || this.movedIds.has(r.id)) continue;
      const l = listings.get(r.type);
      if (!l) continue;
      if (!l.present || (l.judgedShards && !l.shards.has(shardOfRecord(this.layout, r.type, r.id)))) this.vanished.add(r.type);
    }
    const seen = new Set<string>();
    const toFetch: Array<{ id: string; type: RecordType; url: string; modified: number | undefined }> = [];
    for (const [type, listing] of listings) {
      const folders = inFolders(type);
      for (const { member: m, container } of listing.members) {
        if (m.isContainer && !folders) continue;
        if (!folders && m.url.slice(container.length).startsWith(TOUCH_PREFIX)) {
          // Left by a sync stopped between creating and deleting it.
          this.leftTouches.push(m.url);
          continue;
        }
        const id = idOfListed(this.layout, type, m, container);
        // In a shard, only the records whose shard it is (a copy elsewhere is not where Locker reads them).
        if (!id || (listing.judgedShards && container !== shardOfRecord(this.layout, type, id))) {
          this.noteForeign(m.url, folders ? 'not a folder <id>/ holding index.ttl' : listing.judgedShards ? 'not <id>.ttl in the shard of its id' : 'its name is not <id>.ttl');
          continue;
        }
        if (seen.has(id)) {
          this.summary.skipped.push({ url: m.url, message: `a record with id ${id} is already in another container` });
          continue;
        }
        seen.add(id);
        const row = rows.get(id);
        if (row && row.type !== type) {
          this.summary.skipped.push({ url: m.url, message: `the local record ${id} is a ${row.type}` });
          continue;
        }
        // A folder's listed time does not change when the card in it is edited: cards in folders are read every sync.
        const unchanged = !folders && row !== undefined && row.hasBase && m.modifiedMs !== undefined && row.remoteModified === m.modifiedMs;
        if (!unchanged) toFetch.push({ id, type, url: this.docUrl(type, id), modified: folders ? undefined : m.modifiedMs });
      }
    }
    // Moved into their shards in this sync: read there (once; the pull finds them the same as their base).
    for (const [id, type] of this.movedIds) {
      if (seen.has(id)) continue;
      seen.add(id);
      toFetch.push({ id, type, url: this.docUrl(type, id), modified: undefined });
    }
    // Missing from a listing that would show them: deleted on the pod. Each is confirmed by a 404 before it is
    // applied, so a damaged listing can never delete anything here. Records in shards not listed this time
    // are not judged; records that could not be moved yet wait for the next sync.
    for (const r of rows.values()) {
      if (!r.hasBase || seen.has(r.id) || this.unmoved.has(r.id)) continue;
      const l = listings.get(r.type);
      if (!l) continue;
      const shard = l.judgedShards ? shardOfRecord(this.layout, r.type, r.id) : undefined;
      if (l.present && shard !== undefined && l.shards.has(shard) && !l.judgedShards?.has(shard)) continue;
      toFetch.push({ id: r.id, type: r.type, url: this.docUrl(r.type, r.id), modified: undefined });
    }
    const total = toFetch.length;
    let done = 0;
    this.progress('pulling', 0, total);
    await pool(toFetch, this.concurrency, async (item) => {
      try {
        await this.fetchAndApply(item.id, item.type, item.modified);
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        this.summary.errors.push({ url: item.url, message: e.message });
        this.unsettled(item.type, item.id);
      }
      this.progress('pulling', ++done, total);
    });
    this.settleRemoteDeletions();
    const now = this.foreignNow.slice(0, MAX_FOREIGN_KEPT);
    if (now.length !== this.foreignKnown.size || now.some((u) => !this.foreignKnown.has(u))) this.store.transaction(() => this.store.sync.setMeta(FOREIGN_KEY, JSON.stringify(now)));
  }

  /** Another app's document in one of Locker's containers: left alone, and said once rather than on every sync. */
  private noteForeign(url: string, why: string): void {
    this.foreignNow.push(url);
    if (!this.foreignKnown.has(url)) this.summary.skipped.push({ url, message: `not a Locker record (${why}): left alone; said once, and listed in the audit` });
  }

  /** GETs one record from the pod and folds it into the local store. Returns false when it could not be read as a record. */
  private async fetchAndApply(id: string, type: RecordType, listedModified?: number): Promise<boolean> {
    const url = this.docUrl(type, id);
    for (let attempt = 0; ; attempt++) {
      const got = await getResource(this.pod, url);
      if (got.kind === 'absent') {
        const row = this.store.sync.row(id);
        // An unchanged record of ours is what a deletion there would take from here: decided after the pull.
        if (row && row.hasBase && !row.deleted && !row.inConflict && row.state === 'synced') this.remoteDeletions.push({ id, type });
        else this.applyRemoteDeleted(id);
        return true;
      }
      this.learnEtagScheme(got.etag, got.modifiedMs);
      let remote: LockerRecord;
      try {
        remote = parseRemoteRecord(type, id, got.body, this.layout);
      } catch (e) {
        // A body cut short in transit parses badly too: read it once more before calling it broken.
        if (attempt < 1) continue;
        this.summary.skipped.push({ url, message: `not valid Turtle (${message(e)}); Locker writes its own version back` });
        this.store.transaction(() => {
          if (this.store.sync.row(id)) this.store.sync.markForRepair(id, got.etag, this.modifiedOf(got.etag, listedModified));
        });
        return false;
      }
      const modified = this.modifiedOf(got.etag, listedModified);
      if (!isRecord(remote)) {
        // A document of another app that happens to have a Locker-like name, never known here: left alone.
        if (!this.store.sync.row(id)) {
          this.noteForeign(url, `no Locker ${type} record in it`);
          return false;
        }
        // Empty, or no record in it: a damaged copy of a record of ours (a write cut off mid-body is stored like that by CSS).
        this.summary.skipped.push({ url, message: `the pod's copy is empty or not a Locker ${type} record; Locker writes its own version back` });
        this.store.transaction(() => this.store.sync.markForRepair(id, got.etag, modified));
        return false;
      }
      const binaries = await this.missingBinaries(remote);
      this.applyRemote(remote, got.etag, modified, binaries);
      return true;
    }
  }

  /**
   * The listing-comparable modified time of a fetched version: exact from a
   * CSS-style ETag; else the time the listing showed (if the document changed
   * again in between, the next listing differs and it is read again — an
   * extra read, never a missed change).
   */
  private modifiedOf(etag: string | undefined, listed: number | undefined): number | undefined {
    if (this.etagScheme === 'modified-ms' && etag) {
      const m = /^(?:W\/)?"(\d{10,})-/.exec(etag);
      if (m) return Number(m[1]);
    }
    return listed;
  }

  /** Fetches the binaries a pulled record links to that this locker doesn't have yet (only from the pod's own `files/`). */
  private async missingBinaries(record: LockerRecord): Promise<BinaryWrite[]> {
    const out: BinaryWrite[] = [];
    for (const name of indexRecord(record).binaries) {
      if (!SAFE_BINARY.test(name) || this.store.sync.hasBinary(name)) continue;
      const url = `${this.layout.files}${encodeURIComponent(name)}`;
      const got = await getBytes(this.pod, url);
      if (got.kind === 'absent') continue;
      out.push({ name, mediaType: got.contentType ?? 'application/octet-stream', sha256: sha256Hex(got.bytes), bytes: got.bytes });
    }
    return out;
  }

  /** Folds the pod's version of a record into the store: take it, merge it, or hold a conflict. */
  private applyRemote(remote: LockerRecord, etag: string | undefined, modified: number | undefined, binaries: BinaryWrite[]): void {
    const sync = this.store.sync;
    const remoteRdf = recordToTurtle(remote);
    const remoteHash = indexRecord(remote).contentHash;
    this.store.transaction(() => {
      const row = sync.row(remote.id);
      // A write of ours that reached the pod before a crash is our own new base, not someone else's edit.
      const pushing = row ? sync.pushingRdf(remote.id) : undefined;
      const ourWriteLanded = row !== undefined && pushing !== undefined && sameGraph(recordFromTurtle(row.type, row.id, pushing).quads, remote.quads);
      const baseText = row ? (ourWriteLanded ? pushing : sync.baseRdf(remote.id)) : undefined;
      const base = baseText !== undefined && row ? recordFromTurtle(row.type, row.id, baseText) : undefined;
      if (!row) {
        sync.acceptRemote(remote, remoteRdf, remoteHash, etag, modified, binaries);
        this.summary.pulled++;
        return;
      }
      if (row.inConflict) {
        // Settled elsewhere the way this side has it (another replica kept this version): the conflict is over.
        const local = row.deleted ? undefined : this.store.getRecord(row.id);
        if (local && sameGraph(local.quads, remote.quads)) {
          sync.acceptRemote(remote, remoteRdf, remoteHash, etag, modified, binaries);
          return;
        }
        const existing = sync.conflict(row.id);
        sync.putConflict({ id: row.id, remoteRdf, remoteEtag: etag, remoteModified: modified, fields: existing?.fields ?? [] });
        return;
      }
      if (base && sameGraph(base.quads, remote.quads)) {
        // The pod has the version we agreed on (only its timestamp is news), or our own create that landed before a crash.
        if (row.hasBase && !ourWriteLanded) sync.setRemoteMeta(row.id, modified, etag);
        else sync.setBase(row.id, remoteRdf, remoteHash, etag, modified);
        return;
      }
      if (row.deleted) {
        sync.putConflict({ id: row.id, remoteRdf, remoteEtag: etag, remoteModified: modified, fields: [] });
        return;
      }
      if (row.state === 'synced') {
        sync.acceptRemote(remote, remoteRdf, remoteHash, etag, modified, binaries);
        this.summary.pulled++;
        return;
      }
      const local = this.store.getRecord(row.id);
      if (!local) return;
      const merged = merge3(base?.quads, local.quads, remote.quads, singleValued(row.type));
      if (merged.kind === 'conflict') {
        sync.putConflict({ id: row.id, remoteRdf, remoteEtag: etag, remoteModified: modified, fields: merged.fields });
        return;
      }
      const record: LockerRecord = { id: row.id, type: row.type, quads: merged.quads };
      if (sameGraph(merged.quads, remote.quads)) sync.acceptRemote(remote, remoteRdf, remoteHash, etag, modified, binaries);
      else if (sameGraph(merged.quads, local.quads)) sync.setBase(row.id, remoteRdf, remoteHash, etag, modified);
      else sync.acceptMerged(record, remoteRdf, remoteHash, etag, modified, binaries);
      this.summary.pulled++;
    });
  }

  /**
   * A few deletions on the pod are applied here; more than QUIET_DELETIONS at once, or any from a container
   * that is gone as a whole, are held (and listed in the summary) unless the person accepted them, or asked
   * for them to be undone: then the records are written back to the pod by this sync's push.
   */
  private settleRemoteDeletions(): void {
    const all = this.remoteDeletions;
    if (all.length === 0) return;
    const mass = all.length > QUIET_DELETIONS || all.some((d) => this.vanished.has(d.type));
    const choice = this.opts.deletions ?? 'hold';
    if (!mass || choice === 'accept') {
      for (const d of all) this.applyRemoteDeleted(d.id);
      return;
    }
    if (choice === 'restore') {
      this.store.transaction(() => {
        for (const d of all) this.store.sync.clearBase(d.id);
      });
      return;
    }
    // The next sync sees the same deletions, to hold them once more, or to apply or undo them as the person decides.
    for (const d of all) this.unsettled(d.type, d.id);
    this.summary.held = {
      count: all.length,
      records: all.slice(0, HELD_LISTED).map((d) => ({ id: d.id, type: d.type, title: this.store.get(d.id)?.title ?? d.id })),
    };
  }

  /**
   * A record this sync saw changed on the pod but did not settle (its read failed, its deletion is held):
   * its shard is not taken as known, so the next sync lists it again instead of trusting its time.
   */
  private unsettled(type: RecordType, id: string): void {
    if (sharded(type)) this.shardStateNext.delete(shardOfRecord(this.layout, type, id));
  }

  private applyRemoteDeleted(id: string): void {
    const sync = this.store.sync;
    this.store.transaction(() => {
      const row = sync.row(id);
      if (!row) return;
      if (row.inConflict) {
        const existing = sync.conflict(id);
        sync.putConflict({ id, remoteRdf: undefined, remoteEtag: undefined, remoteModified: undefined, fields: existing?.fields ?? [] });
        return;
      }
      if (!row.hasBase) return; // never on the pod: it will be created there
      if (row.deleted || row.state === 'synced') {
        sync.remove(id);
        this.summary.deletedLocal += row.deleted ? 0 : 1;
        return;
      }
      // Edited here, deleted there: keep both sides until the person picks.
      sync.putConflict({ id, remoteRdf: undefined, remoteEtag: undefined, remoteModified: undefined, fields: [] });
    });
  }

  private async push(): Promise<void> {
    const binaries = this.store.sync.binariesToPush();
    const rows = this.store.sync.rows().filter((r) => !r.inConflict && !this.unmoved.has(r.id) && (r.state === 'local' || r.state === 'modified' || r.state === 'deleted'));
    const total = binaries.length + rows.length;
    let done = 0;
    this.progress('pushing', 0, total);
    await pool(binaries, this.concurrency, async (b) => {
      const url = `${this.layout.files}${encodeURIComponent(b.name)}`;
      try {
        const bin = this.store.getBinary(b.name);
        if (bin) {
          await putResource(this.pod, url, bin.bytes, b.mediaType, { mode: 'create' }); // 412: already there (content-addressed)
          this.store.sync.markBinaryOnPod(b.name);
        }
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        this.summary.errors.push({ url, message: e.message });
      }
      this.progress('pushing', ++done, total);
    });
    // Write-ahead: remember what each write will store, so a crash between the PUT and its bookkeeping isn't taken for a conflict.
    this.store.sync.markPushing(rows.filter((r) => !r.deleted).map((r) => r.id));
    await pool(rows, this.concurrency, async (r) => {
      try {
        await this.pushOne(r.id, r.type);
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        this.summary.errors.push({ url: this.docUrl(r.type, r.id), message: e.message });
      }
      this.progress('pushing', ++done, total);
    });
  }

  /** Pushes one record with a conditional request; on 412 fetches, merges and tries again. */
  private async pushOne(id: string, type: RecordType): Promise<void> {
    const url = this.docUrl(type, id);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const row = this.store.sync.row(id);
      if (!row || row.inConflict || row.state === 'synced' || row.state === 'conflict') return;
      if (row.deleted) {
        if (!row.hasBase) return;
        if (!row.baseEtag) {
          await this.fetchAndApply(id, type);
          continue;
        }
        const del = await deleteResource(this.pod, url, row.baseEtag);
        if (del.kind === 'precondition-failed') {
          await this.fetchAndApply(id, type);
          continue;
        }
        // The card's folder goes too when nothing else is in it (a server refuses to delete a folder that is not empty).
        const folder = recordFolder(this.layout, type, id);
        if (folder) await deleteEmptyFolder(this.pod, folder);
        this.store.sync.remove(id);
        this.summary.deletedRemote++;
        return;
      }
      const stored = this.store.get(id);
      if (!stored) return;
      if (row.hasBase && !row.baseEtag) {
        // We don't know the pod's current ETag: read it (and anything new) first.
        await this.fetchAndApply(id, type);
        continue;
      }
      const body = podBody(this.layout, type, id, stored.rdf);
      const put = await putResource(this.pod, url, body, TURTLE, row.hasBase ? { mode: 'update', etag: row.baseEtag } : { mode: 'create' });
      if (put.kind === 'precondition-failed') {
        await this.fetchAndApply(id, type);
        continue;
      }
      this.store.sync.setBase(id, stored.rdf, stored.contentHash, put.etag, undefined);
      this.pushed.set(id, { type, dateMs: put.dateMs, size: byteLength(body) });
      if (sharded(type)) {
        const shard = shardOfRecord(this.layout, type, id);
        if (row.hasBase) this.editedShards.add(shard);
        else {
          const set = this.createdIn.get(type) ?? new Set<string>();
          set.add(shard);
          this.createdIn.set(type, set);
        }
      }
      this.summary.pushed++;
      return;
    }
    throw new HttpError(412, url, `PUT ${url}: the pod kept changing while Locker tried to write (gave up after ${MAX_ATTEMPTS} attempts; the next sync tries again)`);
  }

  /**
   * Learns the pod's modified time of what was just pushed (CSS returns no
   * ETag on PUT): a HEAD each for a few documents, one listing per container
   * for many. A time later than the PUT's answer, or another size, means
   * someone else wrote since: left unconfirmed, the next sync reads it.
   */
  private async confirm(): Promise<void> {
    if (this.pushed.size === 0) return;
    // By the container that lists them (a type's shard).
    const byType = new Map<string, { type: RecordType; ids: string[] }>();
    for (const [id, p] of this.pushed) {
      // Cards in folders are read at every sync anyway (their folder's listing says nothing of edits).
      if (inFolders(p.type)) continue;
      const container = shardOfRecord(this.layout, p.type, id);
      const list = byType.get(container);
      if (list) list.ids.push(id);
      else byType.set(container, { type: p.type, ids: [id] });
    }
    let done = 0;
    this.progress('confirming', 0, byType.size);
    if (this.etagScheme === undefined) await this.probeEtagScheme();
    const ours = (p: Pushed, modifiedMs: number, size: number | undefined) =>
      (p.dateMs === undefined || Math.floor(modifiedMs / 1000) <= Math.floor(p.dateMs / 1000)) && (size === undefined || size === p.size);
    await pool([...byType.entries()], this.concurrency, async ([container, { type, ids }]) => {
      // A listing costs about a HEAD plus a third of a millisecond per member here (and tells the shard's state):
      // HEADs only for a few documents in a large shard.
      const members = this.shardState.get(container)?.n ?? 0;
      if (ids.length <= HEAD_CONFIRM_LIMIT && ids.length * 100 <= members && this.etagScheme === 'modified-ms') {
        await pool(ids, this.concurrency, async (id) => {
          const p = this.pushed.get(id);
          const head = await headResource(this.pod, this.docUrl(type, id));
          const etag = head.kind === 'ok' ? (head.headers.get('etag') ?? undefined) : undefined;
          const m = etag ? /^(?:W\/)?"(\d{10,})-/.exec(etag) : null;
          if (!p || !m || head.kind !== 'ok') return;
          const len = head.headers.get('content-length');
          if (ours(p, Number(m[1]), len === null ? undefined : Number(len))) this.store.sync.setRemoteMeta(id, Number(m[1]), etag);
        });
      } else {
        const listed = await listContainer(this.pod, container);
        if (listed.kind === 'ok') {
          let known = 0;
          this.store.transaction(() => {
            for (const m of listed.members) {
              const id = idOfListed(this.layout, type, m, container);
              const p = id ? this.pushed.get(id) : undefined;
              if (id && p && m.modifiedMs !== undefined && ours(p, m.modifiedMs, m.size)) this.store.sync.setRemoteMeta(id, m.modifiedMs, this.etagFor(m.modifiedMs));
              // A member this locker has at exactly that version (what another app wrote meanwhile is not).
              const row = id ? this.store.sync.row(id) : undefined;
              if (row?.hasBase && row.remoteModified !== undefined && row.remoteModified === m.modifiedMs) known++;
            }
          });
          // Listed after the writes, and all of it known here: the next sync lists it only when something is
          // created or deleted in it meanwhile. Anything else in it (another app's write since the pull) is read then.
          if (sharded(type) && listed.modifiedMs !== undefined && known === listed.members.length && known === this.recordsInShard(container)) {
            this.shardStateNext.set(container, { m: listed.modifiedMs, at: Date.now(), n: listed.members.length });
          }
        }
      }
      this.progress('confirming', ++done, byType.size);
    });
  }

  /** How many records of ours (on the pod as far as this locker knows) a shard holds. */
  private recordsInShard(shard: string): number {
    if (!this.shardCounts) {
      this.shardCounts = new Map();
      for (const r of this.store.sync.rows()) {
        if (!r.hasBase || r.deleted || !sharded(r.type)) continue;
        const url = shardOfRecord(this.layout, r.type, r.id);
        this.shardCounts.set(url, (this.shardCounts.get(url) ?? 0) + 1);
      }
    }
    return this.shardCounts.get(shard) ?? 0;
  }

  /** One HEAD of a pushed document tells whether this server's ETags are built from the modified time. */
  private async probeEtagScheme(): Promise<void> {
    const [id, p] = [...this.pushed.entries()].find(([, q]) => !inFolders(q.type)) ?? [];
    if (!id || !p) return;
    const url = this.docUrl(p.type, id);
    const head = await headResource(this.pod, url);
    if (head.kind !== 'ok') return;
    const listed = await listContainer(this.pod, shardOfRecord(this.layout, p.type, id));
    const member = listed.kind === 'ok' ? listed.members.find((m) => m.url === url) : undefined;
    const etag = head.headers.get('etag') ?? undefined;
    if (etag && member?.modifiedMs !== undefined) {
      const m = /^(?:W\/)?"(\d{10,})-/.exec(etag);
      this.etagScheme = m && Number(m[1]) === member.modifiedMs ? 'modified-ms' : 'opaque';
      this.store.sync.setMeta(ETAG_SCHEME_KEY, this.etagScheme);
    }
  }

  /** Locker's records of a type on the pod (every shard listed). */
  private async countOnPod(type: RecordType): Promise<number> {
    const top = await listContainer(this.pod, listingUrl(this.layout, type));
    if (top.kind !== 'ok') return 0;
    if (!sharded(type)) return top.members.filter((m) => idOfListed(this.layout, type, m)).length;
    const shards = top.members.filter((m) => shardOfListed(this.layout, type, m) !== undefined).map((m) => m.url);
    const counts = await pool(shards, this.concurrency, async (url) => {
      const listed = await listContainer(this.pod, url);
      return listed.kind === 'ok' ? listed.members.filter((m) => { const id = idOfListed(this.layout, type, m, url); return id !== undefined && shardOfRecord(this.layout, type, id) === url; }).length : 0;
    });
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * After the push and its confirmation: markers left by a stopped sync are removed, what is known of the
   * shards is saved, and every shard is registered in the type index.
   */
  private async afterPush(listings: Map<RecordType, TypeListing>): Promise<void> {
    await pool(this.leftTouches, this.concurrency, async (url) => {
      try {
        await deleteResource(this.pod, url);
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        this.summary.errors.push({ url, message: e.message });
      }
    });
    this.store.transaction(() => saveShardState(this.store, this.shardStateNext));
    const shards = new Map<RecordType, Set<string>>();
    for (const [type, l] of listings) if (l.judgedShards) shards.set(type, new Set(l.shards.keys()));
    for (const [type, created] of this.createdIn) {
      const set = shards.get(type) ?? new Set<string>();
      for (const url of created) set.add(url);
      shards.set(type, set);
    }
    this.summary.errors.push(...(await registerShards(this.store, this.pod, this.layout, shards)));
  }

  /** After moving to a new pod: the pod holds as many records of each type as the locker. */
  private async verify(): Promise<{ verified: boolean; counts: Record<string, { local: number; pod: number }> }> {
    const local = this.store.counts();
    const counts: Record<string, { local: number; pod: number }> = {};
    let verified = true;
    const types = Object.keys(this.layout.containers) as RecordType[];
    this.progress('verifying', 0, types.length);
    await pool(types, this.concurrency, async (type) => {
      const pod = await this.countOnPod(type);
      const n = local[type] ?? 0;
      if (n > 0 || pod > 0) counts[TYPES[type].container] = { local: n, pod };
      if (pod < n) verified = false;
    });
    return { verified, counts };
  }
}

/** Deletes a folder that should be empty now; one that another app put files into (409) is left alone. */
async function deleteEmptyFolder(pod: PodContext, url: string): Promise<void> {
  try {
    await deleteResource(pod, url, undefined);
  } catch (e) {
    if (!(e instanceof HttpError) || e.status !== 409) throw e;
  }
}

export function lastSync(store: Store): string | undefined {
  return store.sync.meta(LAST_SYNC_KEY);
}

export async function syncLocker(opts: SyncOptions): Promise<SyncResult> {
  return new SyncRun(opts).run();
}

