import { TYPES, type RecordType } from '../model/index.js';
import { deleteResource, HttpError, patchResource, pool, putResource, shardOf, shardUrl, type PodContext, type PodLayout } from '../pod/index.js';
import type { Store } from '../store/index.js';

/**
 * What sync remembers of each shard container, so that a sync lists only the
 * shards that changed: Community Solid Server changes a container's
 * `dc:modified` (shown in its parent's listing) when a member is created or
 * deleted, not when one is edited in place. So a sync lists a shard when its
 * time in the type's listing moved, when it is new, and — to see other apps'
 * in-place edits — the shards listed longest ago, up to SCAN_SHARDS_PER_SYNC
 * shards and SCAN_RECORDS_PER_SYNC records in all: a sync goes round the
 * shards over several syncs (8 for a locker of 2,000 records, about 20 for
 * 100,000), and `full` lists all now. Listing every one of 256 small shards
 * at every sync would cost ~2–5 s here where one listing costs 20–40 ms. Locker's own edits in
 * place move the shard's time on purpose (`touchShards`), so another replica
 * sees them at its next sync.
 */
const SHARDS_KEY = 'sync.shards';
const REGISTERED_KEY = 'sync.registered-shards';
/** Records in shards listed per sync only to see other apps' edits in place (~2 s of listing on CSS here). */
export const SCAN_RECORDS_PER_SYNC = 5000;
/** Unchanged shards listed per sync, however small (each listing costs ~20–40 ms of the server's time here). */
export const SCAN_SHARDS_PER_SYNC = 32;
/** Locker's marker that moves a shard's modified time (created and deleted at once; a left-over one is removed). */
export const TOUCH_PREFIX = '.locker-touch-';

export interface ShardSeen {
  /** The shard's `dc:modified` in its type's listing when it was last listed. */
  readonly m: number | undefined;
  /** When it was last listed in full (ms). */
  readonly at: number;
  /** How many members it had then. */
  readonly n: number;
}

export function loadShardState(store: Store): Map<string, ShardSeen> {
  const out = new Map<string, ShardSeen>();
  try {
    const v: unknown = JSON.parse(store.sync.meta(SHARDS_KEY) ?? '{}');
    if (v && typeof v === 'object') {
      for (const [url, s] of Object.entries(v as Record<string, unknown>)) {
        if (!s || typeof s !== 'object') continue;
        const { m, at, n } = s as { m?: unknown; at?: unknown; n?: unknown };
        if (typeof at === 'number') out.set(url, { m: typeof m === 'number' ? m : undefined, at, n: typeof n === 'number' ? n : 0 });
      }
    }
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
  }
  return out;
}

/** A pod this locker has not synced with: nothing is known of its shards. */
export function forgetShards(store: Store): void {
  store.sync.setMeta(SHARDS_KEY, '{}');
  store.sync.setMeta(REGISTERED_KEY, '[]');
}

export function saveShardState(store: Store, state: ReadonlyMap<string, ShardSeen>): void {
  store.sync.setMeta(SHARDS_KEY, JSON.stringify(Object.fromEntries(state)));
}

export interface ShardPlanInput {
  /** Shards in the type's listing now, with their listed modified time. */
  readonly present: ReadonlyMap<string, number | undefined>;
  readonly state: ReadonlyMap<string, ShardSeen>;
  readonly now: number;
  /** List every shard (`locker sync --full`). */
  readonly full: boolean;
  /** How many records' worth, and how many, of unchanged shards may still be listed in this sync (shared by all types). */
  readonly scanBudget: { left: number; shards: number };
}

/** The shards (by URL) to list in this sync. */
export function shardsToList(p: ShardPlanInput): string[] {
  const changed: string[] = [];
  const due: Array<{ url: string; at: number; n: number }> = [];
  for (const [url, m] of p.present) {
    const seen = p.state.get(url);
    if (p.full || !seen || m === undefined || seen.m !== m) changed.push(url);
    else due.push({ url, at: seen.at, n: seen.n });
  }
  due.sort((a, b) => a.at - b.at);
  const take: string[] = [];
  for (const d of due) {
    if (p.scanBudget.left <= 0 || p.scanBudget.shards <= 0) break;
    take.push(d.url);
    p.scanBudget.left -= Math.max(1, d.n);
    p.scanBudget.shards--;
  }
  return [...changed, ...take];
}

/**
 * Moves the modified time of shards where Locker edited documents in place,
 * so other replicas list them at their next sync: a marker is created and
 * deleted at once (each of the two moves the time). Failures are returned,
 * not thrown: the edits themselves are on the pod.
 */
export async function touchShards(pod: PodContext, shards: Iterable<string>, concurrency: number): Promise<Array<{ url: string; message: string }>> {
  const errors: Array<{ url: string; message: string }> = [];
  await pool([...shards], concurrency, async (shard) => {
    const marker = `${shard}${TOUCH_PREFIX}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    try {
      await putResource(pod, marker, '', 'text/plain', { mode: 'create' });
      await deleteResource(pod, marker);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      errors.push({ url: marker, message: e.message });
    }
  });
  return errors;
}

/** The shard container a record of a sharded type is written to. */
export function shardOfRecord(layout: Pick<PodLayout, 'containers'>, type: RecordType, id: string): string {
  return shardUrl(layout, type, shardOf(id));
}

function registeredShards(store: Store): Set<string> {
  try {
    const v: unknown = JSON.parse(store.sync.meta(REGISTERED_KEY) ?? '[]');
    return new Set(Array.isArray(v) ? v.filter((u): u is string => typeof u === 'string') : []);
  } catch (e) {
    if (e instanceof SyntaxError) return new Set();
    throw e;
  }
}

/** The Turtle of one type registration of Locker's (both schema.org spellings, as discovery writes them) with one more container. */
export function registrationTurtle(typeIndex: string, type: RecordType, container: string): string {
  const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
  const SOLID = 'http://www.w3.org/ns/solid/terms#';
  const cls = TYPES[type].class;
  const classes = cls.startsWith('http://schema.org/') ? [cls, `https://schema.org/${cls.slice('http://schema.org/'.length)}`] : [cls];
  return classes
    .map((c, i) => `<${typeIndex}#locker-${type}${i === 0 ? '' : '-https'}> <${RDF_TYPE}> <${SOLID}TypeRegistration>; <${SOLID}forClass> <${c}>; <${SOLID}instanceContainer> <${container}>.`)
    .join('\n');
}

/**
 * Registers every shard in the type index, as one more `solid:instanceContainer` of the type's registration,
 * so that an app that lists a registration's containers (one level, as most do) finds every record.
 * Only shards not registered before are added (one PATCH for all of them).
 */
export async function registerShards(store: Store, pod: PodContext, layout: PodLayout, shards: ReadonlyMap<RecordType, Iterable<string>>): Promise<Array<{ url: string; message: string }>> {
  const known = registeredShards(store);
  const inserts: string[] = [];
  const added: string[] = [];
  for (const [type, urls] of shards) {
    for (const url of urls) {
      if (known.has(url)) continue;
      inserts.push(registrationTurtle(layout.typeIndex, type, url));
      added.push(url);
    }
  }
  if (inserts.length === 0) return [];
  try {
    await patchResource(pod, layout.typeIndex, { inserts: inserts.join('\n') });
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return [{ url: layout.typeIndex, message: `could not register ${added.length} shard containers in the type index: ${e.message}` }];
  }
  store.transaction(() => store.sync.setMeta(REGISTERED_KEY, JSON.stringify([...known, ...added])));
  return [];
}
