import { call, callOnExit } from '../api/client.js';

/**
 * Deletes wait out their Undo window here. A record waiting to be deleted is
 * left out of lists; closing or reloading the window deletes it at once (the
 * person was told it is deleted), so nothing is lost or kept by surprise.
 */
const waiting = new Map<string, ReturnType<typeof setTimeout>>();

export function isPendingDelete(id: string): boolean {
  return waiting.has(id);
}

export function deleteLater(id: string, ms: number, done: (r: { ok: true } | { ok: false; message: string }) => void): { undo: () => void } {
  const timer = setTimeout(() => {
    waiting.delete(id);
    call('records.delete', { id }).then(
      () => done({ ok: true }),
      (e: unknown) => done({ ok: false, message: e instanceof Error ? e.message : String(e) }),
    );
  }, ms);
  waiting.set(id, timer);
  return {
    undo: () => {
      clearTimeout(timer);
      waiting.delete(id);
    },
  };
}

window.addEventListener('pagehide', () => {
  for (const [id, timer] of waiting) {
    clearTimeout(timer);
    callOnExit('records.delete', { id });
  }
  waiting.clear();
});
