import { docIri, TYPES, type LockerRecord, type RecordType } from '../model/index.js';
import { deleteResource, getResource, HttpError, pool, putResource, recordUrl, type PodContext, type PodLayout } from '../pod/index.js';
import type { Store } from '../store/index.js';
import type { SyncSummary } from './engine.js';
import { sameGraph } from './merge.js';
import { parseRemoteRecord, podTurtle } from './remote-doc.js';

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

/** Which layout of Locker's documents the pod has: set once everything is where today's code looks for it. */
export const LAYOUT_KEY = 'sync.layout';
export const CURRENT_LAYOUT = 'contact-folders';

export interface MoveOptions {
  readonly store: Store;
  readonly pod: PodContext;
  readonly layout: PodLayout;
  readonly concurrency: number;
  readonly summary: SyncSummary;
}

/**
 * Moves contacts written before each had a folder of its own
 * (`contacts/<id>.ttl`) to their folder (`contacts/Person/<id>/index.ttl`):
 * the pod's copy as it is — an edit another app made there since the last
 * sync moves with it, and the pull that follows merges it as usual — then the
 * flat copy is deleted, only if it did not change in between. One record at a
 * time, so a sync stopped half-way moves the rest next time; the pod counts
 * as moved once none is left.
 */
export async function moveFlatContacts(o: MoveOptions): Promise<void> {
  const { store, pod, layout, summary } = o;
  if (store.sync.meta(LAYOUT_KEY) === CURRENT_LAYOUT) return;
  const rows = store.sync.rows().filter((r) => r.type === 'contact' && r.hasBase);
  let failed = 0;
  await pool(rows, o.concurrency, async (r) => {
    const flat = `${layout.containers.contact}${r.id}.ttl`;
    try {
      const got = await getResource(pod, flat);
      // Gone: deleted there, or moved by an earlier sync. The pull decides which.
      if (got.kind !== 'ok') return;
      let body: string;
      try {
        body = podTurtle(layout, parseRemoteRecord('contact', r.id, got.body, layout, flat));
      } catch (e) {
        // Not Turtle: moved as it is; the pull then finds it damaged and Locker writes its own version back.
        summary.skipped.push({ url: flat, message: `not valid Turtle (${e instanceof Error ? e.message : String(e)}): moved as it is` });
        body = got.body;
      }
      // 412: an earlier, interrupted sync wrote it already.
      await putResource(pod, recordUrl(layout, 'contact', r.id), body, 'text/turtle', { mode: 'create' });
      store.transaction(() => store.sync.forgetRemoteAddress(r.id));
      const del = await deleteResource(pod, flat, got.etag);
      if (del.kind === 'precondition-failed') summary.skipped.push({ url: flat, message: 'changed by another app while Locker moved it to its own folder: left in place' });
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      failed++;
      summary.errors.push({ url: flat, message: e.message });
    }
  });
  if (failed === 0) store.transaction(() => store.sync.setMeta(LAYOUT_KEY, CURRENT_LAYOUT));
}

export interface FlatMove {
  readonly type: RecordType;
  readonly id: string;
  /** The flat document as listed in the type's container. */
  readonly url: string;
}

export type FlatOutcome =
  /** Now in its shard (moved now, or by an interrupted sync before): read there like any record. */
  | { readonly kind: 'moved' }
  /** Not a Locker record, or two differing copies: the flat document is left alone. */
  | { readonly kind: 'left'; readonly why: string }
  /** A request failed: the record stays where it is until the next sync (nothing else is done to it in this one). */
  | { readonly kind: 'failed'; readonly message: string };

/**
 * Moves one record written before shards (`<container><id>.ttl`) into its
 * shard (`<container><shard>/<id>.ttl`), as it is on the pod — another app's
 * edit moves with it, and the pull that follows merges it as usual: the copy
 * in the shard is created only if absent, and the flat one deleted only if
 * it did not change meanwhile (If-Match). Killed at any step, the next sync
 * finds either the flat copy alone (moved again), both (the shard's copy is
 * compared and the flat one deleted when they are the same graph; a copy
 * there that holds no record — a PUT cut off by the kill — is replaced by the
 * flat one first), or the shard's alone (done): nothing is lost or doubled.
 */
export async function moveFlatRecord(pod: PodContext, layout: PodLayout, m: FlatMove): Promise<FlatOutcome> {
  try {
    const got = await getResource(pod, m.url);
    if (got.kind !== 'ok') return { kind: 'moved' };
    let record: LockerRecord;
    try {
      record = parseRemoteRecord(m.type, m.id, got.body, layout, m.url);
    } catch (e) {
      return { kind: 'left', why: `not valid Turtle (${e instanceof Error ? e.message : String(e)})` };
    }
    if (!holdsRecord(record, m.type, m.id)) return { kind: 'left', why: `no Locker ${m.type} record in it` };
    const target = recordUrl(layout, m.type, m.id);
    const body = podTurtle(layout, record);
    const put = await putResource(pod, target, body, 'text/turtle', { mode: 'create' });
    if (put.kind === 'precondition-failed') {
      // Already in the shard (an interrupted move, or another replica's): the flat copy goes only if it says the same.
      const there = await getResource(pod, target);
      if (there.kind === 'ok') {
        let inShard: LockerRecord | undefined;
        try {
          inShard = parseRemoteRecord(m.type, m.id, there.body, layout);
        } catch (e) {
          if (!(e instanceof Error)) throw e;
        }
        if (!inShard || !holdsRecord(inShard, m.type, m.id)) {
          // A write cut off half-way (a killed sync leaves an empty or truncated document): the flat copy is the record.
          const again = await putResource(pod, target, body, 'text/turtle', there.etag ? { mode: 'update', etag: there.etag } : { mode: 'overwrite' });
          if (again.kind === 'precondition-failed') return { kind: 'failed', message: `${target} changed while Locker repaired it: tried again next sync` };
        } else if (!sameGraph(inShard.quads, record.quads)) {
          return { kind: 'left', why: `a different copy of ${m.id} is in its shard already (${target}): both are kept, the one in the shard is the record` };
        }
      }
    }
    const del = await deleteResource(pod, m.url, got.etag);
    if (del.kind === 'precondition-failed') return { kind: 'left', why: `changed by another app while Locker moved it into its shard: the old copy is left in place` };
    return { kind: 'moved' };
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return { kind: 'failed', message: e.message };
  }
}

/** The document holds the record it is named for: its subject, typed as Locker writes it. */
function holdsRecord(record: LockerRecord, type: RecordType, id: string): boolean {
  const subject = `${docIri(type, id)}#it`;
  return record.quads.some((q) => q.subject.value === subject && q.predicate.value === RDF_TYPE && q.object.value === TYPES[type].class);
}
