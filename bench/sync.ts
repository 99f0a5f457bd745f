// Sync figures for `npm run bench`: first sync vs raw parallel PUTs, re-sync of unchanged records, k changes among many.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openLocker, type Locker } from '../shared/api/index.js';
import { loginWithClientCredentials, type PodSession } from '../shared/auth/index.js';
import { createCssAccount, startCss } from '../shared/localpod/index.js';
import { discoverPod, newStats, pool, type PodLayout, type TransferStats } from '../shared/pod/index.js';
import { syncLocker } from '../shared/sync/index.js';
import { generateCalendar } from './generate.js';
import { freePort } from '../test/helpers/css-global.js';

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);


async function lockerWith(dir: string, name: string, n: number, seed: number): Promise<Locker> {
  const home = path.join(dir, name);
  mkdirSync(home, { recursive: true });
  const file = path.join(dir, `${name}.ics`);
  writeFileSync(file, generateCalendar(n, seed));
  const o = openLocker(home, {});
  if (o.kind !== 'ok') throw new Error(o.message);
  const s = await o.locker.importFiles([file]);
  if (s.imported !== n) throw new Error(`imported ${s.imported} of ${n}`);
  return o.locker;
}

async function timedSync(locker: Locker, session: PodSession, layout: PodLayout, stats: TransferStats) {
  const t = performance.now();
  const r = await syncLocker({ store: locker.store, pod: { fetch: session.fetch, stats }, layout });
  const ms = performance.now() - t;
  if (r.kind !== 'ok') throw new Error(r.message);
  if (r.summary.errors.length) throw new Error(JSON.stringify(r.summary.errors.slice(0, 2)));
  return { ms, summary: r.summary };
}

export async function benchSync(dir: string): Promise<Record<string, number | boolean>> {
  const small = Number(process.env['BENCH_SYNC_RECORDS'] ?? 1000);
  const big = Number(process.env['BENCH_RESYNC_RECORDS'] ?? 10_000);
  const port = await freePort();
  const baseUrl = `http://localhost:${port}/`;
  log(`starting a Community Solid Server on ${baseUrl}`);
  const css = await startCss({ flavour: 'wac', dataDir: path.join(dir, 'css'), baseUrl, port });
  if (css.kind !== 'ok') throw new Error(css.message);
  const sessions: PodSession[] = [];
  try {
    const login = async (podName: string) => {
      const acc = await createCssAccount(baseUrl, podName);
      if (acc.kind !== 'ok') throw new Error(acc.message);
      const l = await loginWithClientCredentials({ issuer: baseUrl, clientId: acc.account.clientId, clientSecret: acc.account.clientSecret });
      if (l.kind !== 'ok') throw new Error(l.message);
      sessions.push(l.session);
      const d = await discoverPod({ fetch: l.session.fetch }, l.session.webId);
      if (d.kind !== 'ok') throw new Error(d.message);
      return { session: l.session, layout: d.layout, pod: acc.account.podUrl };
    };

    log(`first sync of ${small} records vs raw PUTs of the same documents (concurrency 8)`);
    const a = await login('first');
    const la = await lockerWith(dir, 'first', small, 11);
    const docs = [...la.store.iterate()].map((r) => r.rdf);
    const tRaw = performance.now();
    await pool(docs, 8, async (body, i) => {
      const res = await a.session.fetch(`${a.pod}baseline/r${i}.ttl`, { method: 'PUT', headers: { 'content-type': 'text/turtle', 'if-none-match': '*' }, body });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`raw PUT: ${res.status}`);
    });
    const rawPerS = small / ((performance.now() - tRaw) / 1000);
    const first = await timedSync(la, a.session, a.layout, newStats());
    const syncPerS = small / (first.ms / 1000);
    la.close();

    log(`re-sync of ${big} unchanged records, then ${10} changes among them`);
    const b = await login('big');
    const lb = await lockerWith(dir, 'big', big, 12);
    const initial = await timedSync(lb, b.session, b.layout, newStats());
    const unchangedStats = newStats();
    const unchanged = await timedSync(lb, b.session, b.layout, unchangedStats);
    const ids = lb.list({ type: 'event', limit: 10 }).map((e) => e.id);
    for (const [i, id] of ids.entries()) {
      const out = await lb.edit(id, [{ name: 'description', value: `changed ${i}` }]);
      if (out.kind !== 'ok') throw new Error('edit failed');
    }
    const changedStats = newStats();
    const changed = await timedSync(lb, b.session, b.layout, changedStats);
    lb.close();
    // What 10 changes cost on their own: the same work minus the fixed listing cost of an unchanged re-sync.
    const perChangeMs = (changed.ms - unchanged.ms) / ids.length;
    const perRecordFirstMs = initial.ms / big;
    return {
      sync_records: small,
      raw_put_per_s: Math.round(rawPerS),
      sync_put_per_s: Math.round(syncPerS),
      sync_ratio: Math.round((syncPerS / rawPerS) * 1000) / 1000,
      resync_records: big,
      first_sync_big_ms: Math.round(initial.ms),
      resync_unchanged_ms: Math.round(unchanged.ms),
      resync_unchanged_requests: unchangedStats.requests,
      resync_unchanged_document_transfers: Math.max(0, (unchangedStats.byMethod['GET'] ?? 0) - Object.keys(b.layout.containers).length) + (unchangedStats.byMethod['PUT'] ?? 0),
      sync_10_changes_ms: Math.round(changed.ms),
      sync_10_changes_requests: changedStats.requests,
      sync_10_changes_vs_unchanged_ratio: Math.round((changed.ms / unchanged.ms) * 100) / 100,
      sync_per_change_ms: Math.round(perChangeMs * 10) / 10,
      sync_per_record_first_ms: Math.round(perRecordFirstMs * 10) / 10,
      sync_targets_met_ratio: syncPerS / rawPerS >= 0.8,
      sync_targets_met_resync: unchanged.ms < 2000 && unchangedStats.requests <= 8,
    };
  } finally {
    for (const s of sessions) await s.close();
    await css.css.stop();
  }
}
