import { deleteResource, getResource, HttpError, pool, putResource, recordUrl, type PodContext, type PodLayout } from '../pod/index.js';
import type { Store } from '../store/index.js';
import type { SyncSummary } from './engine.js';
import { parseRemoteRecord, podTurtle } from './remote-doc.js';

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
