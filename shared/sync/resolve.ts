import { recordFromTurtle, validateRecord, formatProblems, type LockerRecord } from '../model/index.js';
import type { Store } from '../store/index.js';
import { merge3, singleValued } from './merge.js';

export type ResolveChoice = 'local' | 'remote' | 'merged';

export type ResolveOutcome =
  | { readonly kind: 'ok'; readonly id: string; readonly kept: ResolveChoice; readonly result: 'kept-local' | 'took-remote' | 'deleted' | 'restored' | 'merged' }
  | { readonly kind: 'absent'; readonly id: string }
  | { readonly kind: 'invalid'; readonly message: string };

/**
 * Settles a conflict. `local` keeps this locker's version (the pod's is
 * overwritten at the next sync); `remote` takes the pod's; `merged` keeps
 * both sides' separate changes and, on the overlapping fields, the local
 * value (both values where the field may hold several). Nothing is written
 * to the pod here: the next sync does that, with the pod's version as base.
 */
export async function resolveConflict(store: Store, id: string, keep: ResolveChoice): Promise<ResolveOutcome> {
  const c = store.sync.conflict(id);
  if (!c) return { kind: 'absent', id };
  const stored = store.get(id);
  if (!stored) return { kind: 'absent', id };
  const remote = c.remoteRdf !== undefined ? recordFromTurtle(c.type, id, c.remoteRdf) : undefined;
  let merged: LockerRecord | undefined;
  if (keep === 'merged' && remote && !c.localDeleted) {
    const local = store.getRecord(id);
    if (!local) return { kind: 'absent', id };
    const baseText = store.sync.baseRdf(id);
    const base = baseText !== undefined ? recordFromTurtle(c.type, id, baseText) : undefined;
    const m = merge3(base?.quads, local.quads, remote.quads, singleValued(c.type));
    merged = { id, type: c.type, quads: m.kind === 'clean' ? m.quads : m.union };
    const checked = await validateRecord(merged);
    if (!checked.ok) return { kind: 'invalid', message: `the merged record is not valid: ${formatProblems(checked.problems)}; keep local or remote instead, then edit` };
  }
  return store.transaction((): ResolveOutcome => {
    const sync = store.sync;
    if (keep === 'remote' || (keep === 'merged' && c.localDeleted)) {
      if (!remote) {
        sync.remove(id);
        return { kind: 'ok', id, kept: keep, result: 'deleted' };
      }
      sync.acceptRemote(remote, c.remoteRdf ?? '', '', c.remoteEtag, c.remoteModified);
      // acceptRemote compares hashes to decide synced/modified: set the base to exactly what the record now is
      const now = store.get(id);
      if (now) sync.setBase(id, c.remoteRdf ?? '', now.contentHash, c.remoteEtag, c.remoteModified);
      return { kind: 'ok', id, kept: keep, result: c.localDeleted ? 'restored' : 'took-remote' };
    }
    // keep local (or merged with a local version)
    if (!remote) {
      // The pod deleted it: create it there again.
      sync.clearConflict(id);
      sync.clearBase(id);
      return { kind: 'ok', id, kept: keep, result: 'kept-local' };
    }
    if (c.localDeleted) {
      sync.clearConflict(id);
      sync.setBase(id, c.remoteRdf ?? '', '', c.remoteEtag, c.remoteModified);
      return { kind: 'ok', id, kept: keep, result: 'deleted' };
    }
    const local = store.getRecord(id);
    if (!local) return { kind: 'absent', id };
    const next: LockerRecord = merged ?? local;
    sync.clearConflict(id);
    sync.acceptMerged(next, c.remoteRdf ?? '', '', c.remoteEtag, c.remoteModified);
    return { kind: 'ok', id, kept: keep, result: keep === 'merged' ? 'merged' : 'kept-local' };
  });
}
