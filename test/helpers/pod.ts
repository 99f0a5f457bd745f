import { inject } from 'vitest';
import { loginWithClientCredentials, type PodSession } from '../../shared/auth/index.js';
import { createCssAccount, type CssAccount } from '../../shared/localpod/index.js';
import { listContainer, shardOf } from '../../shared/pod/index.js';

export type Flavour = 'wac' | 'acp';

export function cssUrl(flavour: Flavour): string {
  return flavour === 'acp' ? inject('cssAcp') : inject('cssWac');
}

let counter = 0;
/** A new account with its own pod on the run's server (names are unique per run). */
export async function newAccount(flavour: Flavour, prefix = 'u'): Promise<CssAccount> {
  const name = `${prefix}${process.pid}x${++counter}x${Math.floor(Math.random() * 1e6)}`;
  const r = await createCssAccount(cssUrl(flavour), name);
  if (r.kind !== 'ok') throw new Error(r.message);
  return r.account;
}

export async function login(account: CssAccount): Promise<PodSession> {
  const r = await loginWithClientCredentials({ issuer: account.issuer, clientId: account.clientId, clientSecret: account.clientSecret });
  if (r.kind !== 'ok') throw new Error(r.message);
  return r.session;
}

/** A record's document on a pod whose locker root is `<pod>locker/` (where sync writes it: its type's shard). */
export function podDoc(podUrl: string, container: string, id: string): string {
  return `${podUrl}locker/${container}/${shardOf(id)}/${id}.ttl`;
}

/** The names of the documents in a sharded container (every shard listed), as `<shard>/<name>`. */
export async function shardedNames(fetchFn: typeof fetch, container: string): Promise<string[]> {
  const top = await listContainer({ fetch: fetchFn }, container);
  if (top.kind !== 'ok') throw new Error(`no container ${container}`);
  const out: string[] = [];
  for (const m of top.members) {
    if (!m.isContainer) {
      out.push(m.url.slice(container.length));
      continue;
    }
    const inner = await listContainer({ fetch: fetchFn }, m.url);
    if (inner.kind === 'ok') out.push(...inner.members.map((x) => x.url.slice(container.length)));
  }
  return out.sort();
}

/** Deletes a container with everything in it, the way SolidOS deletes a folder (members first). */
export async function deleteRecursively(fetchFn: typeof fetch, url: string): Promise<void> {
  if (url.endsWith('/')) {
    const listed = await listContainer({ fetch: fetchFn }, url);
    if (listed.kind === 'ok') for (const m of listed.members) await deleteRecursively(fetchFn, m.url);
  }
  const res = await fetchFn(url, { method: 'DELETE' });
  if (res.status >= 300 && res.status !== 404) throw new Error(`DELETE ${url}: ${res.status}`);
}
