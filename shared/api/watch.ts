import WebSocket from 'ws';
import { findWebSocketService, listingUrl, subscribeWebSocket } from '../pod/index.js';
import { RECORD_TYPES } from '../model/index.js';
import type { SyncResult } from '../sync/index.js';
import type { Locker } from './locker.js';
import { settleGrants } from './grants.js';
import { openPodSession, podContext, podLayout, syncWithPod, type PodEnv } from './pod.js';

export interface WatchOptions {
  /** Poll the pod this often (listings only; catches edits, which container notifications don't report). */
  readonly pollMs?: number;
  /** Look for local changes this often. */
  readonly localCheckMs?: number;
  /** Wait this long after a notification before syncing (changes come in bursts). */
  readonly debounceMs?: number;
  readonly signal: AbortSignal;
  readonly onSync?: (r: SyncResult, reason: string) => void;
  readonly onNotice?: (message: string) => void;
  /** Check for expired grants this often (they are revoked on the pod at once). */
  readonly grantCheckMs?: number;
  readonly onExpired?: (grantIds: readonly string[]) => void;
}

/**
 * `locker sync --watch`: syncs when the pod says a container changed
 * (Solid Notifications, WebSocketChannel2023, where offered), when local
 * records change, and on a polling timer (the fallback, and how edits of
 * existing documents are seen: CSS notifies a container only of members
 * added or removed). Resolves when the signal aborts.
 */
export async function watchPod(locker: Locker, penv: PodEnv, opts: WatchOptions): Promise<void> {
  const opened = await openPodSession(locker.home, penv, locker.dataKey);
  if (opened.kind !== 'ok') throw new Error(opened.message);
  const session = opened.session;
  const sockets = new Set<WebSocket>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again: string | undefined;
  let failedAt = 0;
  const notice = (m: string) => opts.onNotice?.(m);

  const runSync = (reason: string): void => {
    if (opts.signal.aborted) return;
    if (running) {
      again = reason;
      return;
    }
    running = (async () => {
      const r = await syncWithPod(locker, penv, { session, signal: opts.signal });
      failedAt = r.kind === 'error' || r.summary.errors.length > 0 ? Date.now() : 0;
      opts.onSync?.(r, reason);
    })().finally(() => {
      running = undefined;
      if (again !== undefined && !opts.signal.aborted) {
        const next = again;
        again = undefined;
        runSync(next);
      }
    });
  };
  const soon = (reason: string): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => runSync(reason), opts.debounceMs ?? 300);
  };

  const found = await podLayout(locker, session, penv);
  if (found.kind === 'error') throw new Error(found.message);
  const layout = found.layout;
  const ctx = podContext(session, penv, opts.signal);

  const subscribe = async (topic: string, service: string, attempt = 0): Promise<void> => {
    if (opts.signal.aborted) return;
    const ch = await subscribeWebSocket(ctx, service, topic).catch((e: unknown) => ({ kind: 'unsupported' as const, reason: e instanceof Error ? e.message : String(e) }));
    if (ch.kind !== 'ok') {
      notice(`no live updates for ${topic}: ${ch.reason}; polling instead`);
      return;
    }
    const ws = new WebSocket(ch.receiveFrom);
    sockets.add(ws);
    ws.on('message', () => soon('the pod changed'));
    ws.on('error', (e) => notice(`live updates for ${topic} failed: ${e.message}`));
    ws.on('close', () => {
      sockets.delete(ws);
      if (opts.signal.aborted) return;
      // Reconnect with backoff (the channel expired, or the connection dropped); catch up with a sync.
      const delay = Math.min(30_000, 1000 * 2 ** attempt);
      setTimeout(() => {
        void subscribe(topic, service, attempt + 1);
        soon('reconnected');
      }, delay).unref();
    });
    ws.on('open', () => {
      attempt = 0;
    });
  };

  const service = await findWebSocketService(ctx, layout.storage).catch(() => undefined);
  // The containers whose members are records (a contact's folder is a member of `contacts/Person/`).
  if (service) await Promise.all(RECORD_TYPES.map((t) => subscribe(listingUrl(layout, t), service)));
  else notice('this pod offers no WebSocket notifications: polling for changes');

  runSync('start');
  const poll = setInterval(() => runSync('poll'), opts.pollMs ?? (service ? 30_000 : 10_000));
  const local = setInterval(() => {
    // After a failed sync, local changes wait for the next poll rather than retrying every second.
    if (!running && Date.now() - failedAt > (opts.pollMs ?? 30_000) && locker.store.sync.hasPending()) runSync('local change');
  }, opts.localCheckMs ?? 1000);

  // Grants end on time while the app runs: nothing relies on the grantee being honest.
  let settling = false;
  const grantTimer = setInterval(() => {
    if (settling || !locker.store.grants.list().some((g) => g.state !== 'active' || g.untilMs <= Date.now())) return;
    settling = true;
    void locker
      .exclusive(() => settleGrants(locker, ctx, session.webId))
      .then(
        (r) => {
          if (r.expired.length) opts.onExpired?.(r.expired);
        },
        (e: unknown) => notice(`could not revoke expired grants yet: ${e instanceof Error ? e.message : String(e)}`),
      )
      .finally(() => {
        settling = false;
      });
  }, opts.grantCheckMs ?? 15_000);

  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) return resolve();
    opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearInterval(poll);
  clearInterval(local);
  clearInterval(grantTimer);
  if (timer) clearTimeout(timer);
  for (const ws of sockets) ws.terminate();
  await running;
  await session.close();
}
