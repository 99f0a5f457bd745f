// Sync figures for `npm run bench`, on one pod of a real Community Solid Server:
//   1. raw parallel authenticated PUTs of the locker's documents into the same shard layout (the baseline),
//   2. the first sync of the same number of records (its ratio to 1),
//   3. a no-op re-sync, and 4. a sync of 10 changes among them,
// each with its requests by method, the time spent per method (summed over the requests in flight), the
// containers listed and the time per phase — what dominates.
// Sizes: BENCH_SYNC_RECORDS (default 5,000); `BENCH_SYNC_RECORDS=100000 npm run bench` is the full
// figure (about an hour on 2 cores: CSS takes ~15 ms of CPU per PUT).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openLocker, type Locker } from '../shared/api/index.js';
import { loginWithClientCredentials, type PodSession } from '../shared/auth/index.js';
import { createCssAccount, startCss } from '../shared/localpod/index.js';
import { discoverPod, newStats, pool, shardOf, type PodLayout, type TransferStats } from '../shared/pod/index.js';
import { syncLocker, type SyncPhase, type SyncSummary } from '../shared/sync/index.js';
import { generateCalendar } from './generate.js';
import { freePort } from '../test/helpers/css-global.js';

type Log = (s: string) => void;
type Figures = Record<string, number | boolean | string | Record<string, number>>;

/** A fetch that adds up, per method, how many requests went out and how long they were in flight. */
function timedFetch(inner: typeof fetch): { fetch: typeof fetch; count: Record<string, number>; ms: Record<string, number>; reset: () => void } {
  const count: Record<string, number> = {};
  const ms: Record<string, number> = {};
  const wrapped: typeof fetch = async (input, init) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const t = performance.now();
    try {
      const res = await inner(input, init);
      const body = await res.arrayBuffer();
      return new Response([101, 204, 205, 304].includes(res.status) ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } finally {
      count[method] = (count[method] ?? 0) + 1;
      ms[method] = (ms[method] ?? 0) + performance.now() - t;
    }
  };
  const reset = () => {
    for (const k of Object.keys(count)) delete count[k];
    for (const k of Object.keys(ms)) delete ms[k];
  };
  return { fetch: wrapped, count, ms, reset };
}

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

const round = (x: number) => Math.round(x);

export async function benchSync(dir: string, log: Log): Promise<Figures> {
  const n = Number(process.env['BENCH_SYNC_RECORDS'] ?? 5000);
  const port = await freePort();
  const baseUrl = `http://localhost:${port}/`;
  log(`sync: starting a Community Solid Server on ${baseUrl}`);
  const css = await startCss({ flavour: 'wac', dataDir: path.join(dir, 'css'), baseUrl, port });
  if (css.kind !== 'ok') throw new Error(css.message);
  let session: PodSession | undefined;
  try {
    const acc = await createCssAccount(baseUrl, 'bench');
    if (acc.kind !== 'ok') throw new Error(acc.message);
    const l = await loginWithClientCredentials({ issuer: baseUrl, clientId: acc.account.clientId, clientSecret: acc.account.clientSecret });
    if (l.kind !== 'ok') throw new Error(l.message);
    session = l.session;
    const timed = timedFetch(l.session.fetch);
    const d = await discoverPod({ fetch: l.session.fetch }, l.session.webId);
    if (d.kind !== 'ok') throw new Error(d.message);
    const layout: PodLayout = d.layout;
    const locker = await lockerWith(dir, 'sync', n, 11);

    const run = async (label: string) => {
      timed.reset();
      const stats: TransferStats = newStats();
      const phases: Partial<Record<SyncPhase, number>> = {};
      let last: { phase: SyncPhase; at: number } | undefined;
      const t = performance.now();
      const r = await syncLocker({
        store: locker.store,
        pod: { fetch: timed.fetch, stats },
        layout,
        onProgress: (p) => {
          const now = performance.now();
          if (last?.phase === p.phase) return;
          if (last) phases[last.phase] = (phases[last.phase] ?? 0) + now - last.at;
          last = { phase: p.phase, at: now };
        },
      });
      const ms = performance.now() - t;
      if (r.kind !== 'ok') throw new Error(`${label}: ${r.message}`);
      if (r.summary.errors.length) throw new Error(`${label}: ${JSON.stringify(r.summary.errors.slice(0, 2))}`);
      const summary: SyncSummary = r.summary;
      log(`sync: ${label} ${round(ms)} ms, ${stats.requests} requests ${JSON.stringify(timed.count)}, listed ${summary.listed ?? 0}`);
      return {
        ms,
        summary,
        requests: stats.requests,
        byMethod: { ...timed.count },
        msByMethod: Object.fromEntries(Object.entries(timed.ms).map(([k, v]) => [k, round(v)])),
        phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, round(v)])),
      };
    };

    log(`sync: raw parallel PUTs of ${n} documents into baseline/<hh>/ (concurrency 8)`);
    const docs = [...locker.store.iterate()].map((r) => ({ id: r.id, body: r.rdf }));
    const tRaw = performance.now();
    await pool(docs, 8, async ({ id, body }) => {
      const res = await l.session.fetch(`${acc.account.podUrl}baseline/${shardOf(id)}/${id}.ttl`, { method: 'PUT', headers: { 'content-type': 'text/turtle', 'if-none-match': '*' }, body });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`raw PUT: ${res.status}`);
    });
    const rawPerS = n / ((performance.now() - tRaw) / 1000);

    log(`sync: first sync of ${n} records`);
    const first = await run('first sync');
    if (first.summary.pushed !== n) throw new Error(`first sync pushed ${first.summary.pushed} of ${n}`);
    const syncPerS = n / (first.ms / 1000);

    const unchanged = await run('no-op re-sync');
    if (unchanged.summary.pushed + unchanged.summary.pulled !== 0) throw new Error(`no-op re-sync moved records: ${JSON.stringify(unchanged.summary)}`);

    const ids = locker.list({ type: 'event', limit: 10 }).map((e) => e.id);
    for (const [i, id] of ids.entries()) {
      const out = await locker.edit(id, [{ name: 'description', value: `changed ${i}` }]);
      if (out.kind !== 'ok') throw new Error('edit failed');
    }
    const changed = await run('10 changes');
    if (changed.summary.pushed !== ids.length) throw new Error(`10 changes pushed ${changed.summary.pushed}`);
    locker.close();

    const ratio = syncPerS / rawPerS;
    return {
      sync_records: n,
      raw_put_per_s: round(rawPerS),
      sync_put_per_s: round(syncPerS),
      sync_ratio: Math.round(ratio * 1000) / 1000,
      sync_first_ms: round(first.ms),
      sync_first_requests: first.byMethod,
      sync_first_ms_by_method: first.msByMethod,
      sync_first_phases_ms: first.phases,
      resync_unchanged_ms: round(unchanged.ms),
      resync_unchanged_requests: unchanged.byMethod,
      resync_unchanged_ms_by_method: unchanged.msByMethod,
      resync_unchanged_listed: unchanged.summary.listed ?? 0,
      resync_unchanged_phases_ms: unchanged.phases,
      sync_10_changes_ms: round(changed.ms),
      sync_10_changes_requests: changed.byMethod,
      sync_10_changes_listed: changed.summary.listed ?? 0,
      sync_10_changes_phases_ms: changed.phases,
      sync_targets: {
        sync_ratio: 0.8,
        // The targets are for 100,000 records; smaller runs are held to the same times.
        resync_unchanged_ms: 10_000,
        sync_10_changes_ms: 5_000,
      },
      sync_targets_met: ratio >= 0.8 && unchanged.ms <= 10_000 && changed.ms <= 5_000,
    };
  } finally {
    await session?.close();
    await css.css.stop();
  }
}
