import { connectWithClientCredentials, openLocker, syncWithPod, type ConnectResult, type Locker, type PodEnv } from '../../shared/api/index.js';
import type { CssAccount } from '../../shared/localpod/index.js';
import type { SyncSummary } from '../../shared/sync/index.js';
import { tempHome } from './home.js';

export const PLAIN: NodeJS.ProcessEnv = { LOCKER_VAULT: 'plain' };

export interface Replica {
  readonly locker: Locker;
  readonly home: string;
  close(): void;
}

/** Connects `locker` to `account`'s pod with client credentials (secrets in a plain file); throws if it cannot. */
export async function connectTo(locker: Locker, account: CssAccount, penv: PodEnv = {}): Promise<Extract<ConnectResult, { kind: 'ok' }>> {
  const r = await connectWithClientCredentials(locker, { issuer: account.issuer, clientId: account.clientId, clientSecret: account.clientSecret }, { env: PLAIN, ...penv });
  if (r.kind !== 'ok') throw new Error(r.message);
  return r;
}

/** A fresh locker connected to `account`'s pod with client credentials. */
export async function replica(account: CssAccount, penv: PodEnv = {}): Promise<Replica> {
  const { home, cleanup } = tempHome('locker-sync-');
  const opened = openLocker(home, {});
  if (opened.kind !== 'ok') throw new Error(opened.message);
  await connectTo(opened.locker, account, penv);
  return {
    locker: opened.locker,
    home,
    close: () => {
      opened.locker.close();
      cleanup();
    },
  };
}

export async function sync(r: Replica, penv: PodEnv = {}): Promise<SyncSummary> {
  const res = await syncWithPod(r.locker, { env: PLAIN, ...penv });
  if (res.kind !== 'ok') throw new Error(`sync failed: ${res.message}`);
  if (res.summary.errors.length) throw new Error(`sync had errors: ${JSON.stringify(res.summary.errors.slice(0, 3))}`);
  return res.summary;
}

/** Every live record of a locker as id → Turtle, for comparing replicas. */
export function snapshotOf(locker: Locker): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of locker.store.iterate()) out.set(r.id, r.rdf);
  return out;
}
