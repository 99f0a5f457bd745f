// A million records (issue 19, point 3): a generated mixed locker (events, mail, places and tracks, purchases,
// health) in the formats Locker imports, imported through the real path in a process of its own; then search
// (the queries of bench/run.ts, prefixes included), the timeline, cold start and the UI against the 1M home, and
// the database's size per record. Each figure has its target next to it and a baseline from the same run: the
// same queries on a 100k locker of the same mix, and raw FTS5 queries on the same database.
//
//   node --expose-gc bin/run-ts.js bench/million.ts        prints one JSON object (progress on stderr)
//   BENCH_MILLION_RECORDS=200000 …                          a smaller locker while developing
//   BENCH_MILLION_BASELINE=0 …                              without the 100k baseline; BENCH_SKIP_UI=1 without the UI
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { openLocker } from '../shared/api/index.js';
import { toFtsQuery } from '../shared/search/index.js';
import { rng, writeMixedLocker, type MixedFile } from './generate.js';
import { benchUi } from './ui.js';

const ROOT = path.resolve(import.meta.dirname, '..');
type Figures = Record<string, number | boolean | object>;

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** The query mix of bench/run.ts: single words, two words, prefixes of two or three letters. */
const PLAIN = ['dentist', 'lunch', 'zürich', 'zurich', 'müller', 'passport', 'yoga', 'concert', 'kraków', 'agenda', 'online', 'café'];
const MULTI = ['team meeting', 'dinner ann', 'choir rehearsal', 'doctor prescription', 'flight passport'];
const PREFIXES = ['zu', 'mü', 'den', 'rev', 'pa', 'kra', 'caf', 'reh', 'bir', 'wor', 'sta', 'pro'];

function queries(n: number): Array<{ q: string; prefix: boolean }> {
  const r = rng(7);
  const out: Array<{ q: string; prefix: boolean }> = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 3;
    const list = kind === 0 ? PLAIN : kind === 1 ? MULTI : PREFIXES;
    out.push({ q: list[Math.floor(r() * list.length)] ?? 'x', prefix: kind === 2 });
  }
  return out;
}

interface ImportChild {
  ms: number;
  imported: number;
  skipped: number;
  errors: Array<{ file: string; message: string }>;
  rss_mb: number;
  samples: Array<{ s: number; rss_mb: number; heap_mb: number }>;
  perFormat: Record<string, { files: number; ms: number; imported: number }>;
}

function importInChild(home: string, files: readonly MixedFile[]): ImportChild {
  const paths = [...new Set(files.map((f) => f.path))];
  const child = spawnSync(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), path.join(ROOT, 'bench/million-import.ts'), home, ...paths], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.status !== 0) throw new Error(`import: ${child.stderr.trim().split('\n').slice(-25).join(' | ')}`);
  return JSON.parse(child.stdout) as ImportChild;
}

function dbBytes(home: string): number {
  const db = path.join(home, 'locker.db');
  return statSync(db).size + (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0);
}

/** Where the bytes are: tables and indexes (SQLite's dbstat), FTS5's shadow tables summed as one. */
function sizeBreakdown(home: string): Record<string, number> {
  const db = new Database(path.join(home, 'locker.db'), { readonly: true });
  try {
    const rows = db.prepare<[], { name: string; bytes: number }>('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all();
    const out: Record<string, number> = {};
    for (const r of rows) {
      const key = r.name.startsWith('records_fts') ? 'records_fts (all)' : r.name.startsWith('sqlite_autoindex_records') ? 'records id index' : r.name;
      out[key] = (out[key] ?? 0) + r.bytes;
    }
    for (const k of Object.keys(out)) if ((out[k] ?? 0) < 1 << 20) delete out[k];
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, round(v / 1048576, 1)]));
  } catch {
    return {};
  } finally {
    db.close();
  }
}

/** The queries of run.ts through Locker's search, and the same through raw FTS5 on the same database. */
function measureSearch(home: string): Figures {
  const opened = openLocker(home, {});
  if (opened.kind !== 'ok') throw new Error(opened.message);
  const locker = opened.locker;
  const qs = queries(300);
  // One warm-up pass over the distinct queries (the first touch of each doclist reads it from disk).
  for (const q of new Set(qs.map((x) => x.q))) locker.search(q);
  const times: number[] = [];
  const prefixTimes: number[] = [];
  const byQuery = new Map<string, number[]>();
  for (const { q, prefix } of qs) {
    const s = performance.now();
    locker.search(q);
    const ms = performance.now() - s;
    times.push(ms);
    if (prefix) prefixTimes.push(ms);
    byQuery.set(q, [...(byQuery.get(q) ?? []), ms]);
  }
  const slowest = [...byQuery.entries()].map(([q, xs]) => [q, round(quantile(xs, 0.5), 1)] as const).sort((a, b) => b[1] - a[1]).slice(0, 5);

  // Timeline and lists.
  const time = (f: () => unknown, n = 5) => {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      f();
      xs.push(performance.now() - s);
    }
    return round(quantile(xs, 0.5), 2);
  };
  const firstPage = time(() => locker.list({ limit: 500 }));
  const deepPage = time(() => locker.list({ limit: 500, offset: 500_000 }), 3);
  const counts = time(() => locker.store.counts());
  const ranges: number[] = [];
  for (let i = 0; i < 50; i++) {
    const from = Date.UTC(2015 + (i % 10), i % 12, 1);
    const s = performance.now();
    locker.list({ fromMs: from, toMs: from + 91 * 86400000 });
    ranges.push(performance.now() - s);
  }
  locker.close();

  // Baselines on the same file: the first 50 FTS5 matches, unranked (the least any search can do), and SQLite's own
  // ranking of every match by bm25 (what a plain `ORDER BY rank` costs).
  const raw = new Database(path.join(home, 'locker.db'), { readonly: true });
  const first50 = raw.prepare<[string], { rowid: number }>('SELECT rowid FROM records_fts WHERE records_fts MATCH ? LIMIT 50');
  const ranked = raw.prepare<[string], { rowid: number }>('SELECT rowid FROM records_fts WHERE records_fts MATCH ? ORDER BY bm25(records_fts, 10.0, 1.0) LIMIT 50');
  const rawFirst: number[] = [];
  const rawRanked: number[] = [];
  const distinct = [...new Set(qs.map((x) => x.q))];
  for (let pass = 0; pass < 3; pass++) {
    for (const q of distinct) {
      const m = toFtsQuery(q)?.all;
      if (!m) continue;
      let s = performance.now();
      first50.all(m);
      rawFirst.push(performance.now() - s);
      if (pass === 0) {
        s = performance.now();
        ranked.all(m);
        rawRanked.push(performance.now() - s);
      }
    }
  }
  raw.close();
  return {
    search_p50_ms: round(quantile(times, 0.5), 3),
    search_p95_ms: round(quantile(times, 0.95), 3),
    search_prefix_p95_ms: round(quantile(prefixTimes, 0.95), 3),
    search_slowest_p50_ms: Object.fromEntries(slowest),
    raw_fts_first50_p95_ms: round(quantile(rawFirst, 0.95), 3),
    raw_fts_bm25_all_p95_ms: round(quantile(rawRanked, 0.95), 3),
    list_first_page_500_ms: firstPage,
    list_page_at_500k_ms: deepPage,
    counts_ms: counts,
    list_range_ms: round(quantile(ranges, 0.5), 3),
  };
}

function coldStart(home: string): { cold_start_ms: number; cold_first_search_ms: number; cold_process_ms: number } {
  const colds: Array<{ cold_start_ms: number; first_search_ms: number; wall: number }> = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    const c = spawnSync(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), path.join(ROOT, 'bench/cold.ts'), home], { encoding: 'utf8' });
    const wall = performance.now() - s;
    if (c.status !== 0) throw new Error(`cold start: ${c.stderr}`);
    colds.push({ ...(JSON.parse(c.stdout) as { cold_start_ms: number; first_search_ms: number }), wall });
  }
  return {
    cold_start_ms: round(quantile(colds.map((c) => c.cold_start_ms), 0.5)),
    cold_first_search_ms: round(quantile(colds.map((c) => c.first_search_ms), 0.5)),
    cold_process_ms: round(quantile(colds.map((c) => c.wall), 0.5)),
  };
}

/** One locker of `n` records: generate, import (own process), measure. */
async function oneLocker(dir: string, n: number, log: (s: string) => void, ui: boolean): Promise<Figures> {
  const files = path.join(dir, 'files');
  const home = path.join(dir, 'home');
  log(`${n}: generating the files`);
  let t = performance.now();
  const mixed = await writeMixedLocker(files, n);
  const genMs = performance.now() - t;
  const byType: Record<string, number> = {};
  for (const f of mixed) byType[f.type] = (byType[f.type] ?? 0) + f.records;
  log(`${n}: importing ${mixed.length} files (${JSON.stringify(byType)})`);
  const imp = importInChild(home, mixed);
  if (imp.errors.length) throw new Error(`import: ${JSON.stringify(imp.errors.slice(0, 3))}`);
  log(`${n}: imported ${imp.imported} in ${Math.round(imp.ms / 1000)} s, peak RSS ${Math.round(imp.rss_mb)} MB`);
  rmSync(files, { recursive: true, force: true });
  const bytes = dbBytes(home);
  log(`${n}: search and lists`);
  t = performance.now();
  const search = measureSearch(home);
  log(`${n}: cold start`);
  const cold = coldStart(home);
  const uiFigures = ui ? await benchUi(home, log) : {};
  return {
    records: imp.imported,
    records_by_type: byType,
    files: mixed.length,
    generate_s: round(genMs / 1000, 1),
    import_s: round(imp.ms / 1000, 1),
    import_per_s: Math.round(imp.imported / (imp.ms / 1000)),
    import_by_format: Object.fromEntries(Object.entries(imp.perFormat).map(([k, v]) => [k, { records: v.imported, per_s: Math.round(v.imported / Math.max(0.001, v.ms / 1000)) }])),
    import_skipped: imp.skipped,
    rss_mb: round(imp.rss_mb, 1),
    rss_samples_mb: imp.samples.filter((_, i, a) => i % Math.max(1, Math.ceil(a.length / 20)) === 0).map((s) => [s.s, s.rss_mb]),
    db_mb: round(bytes / 1048576, 1),
    db_bytes_per_record: Math.round(bytes / imp.imported),
    db_breakdown_mb: sizeBreakdown(home),
    ...search,
    ...cold,
    ...uiFigures,
  };
}

export async function benchMillion(dir: string, log: (s: string) => void): Promise<Figures> {
  const n = Number(process.env['BENCH_MILLION_RECORDS'] ?? 1_000_000);
  const big = await oneLocker(path.join(dir, 'million'), n, log, !process.env['BENCH_SKIP_UI']);
  rmSync(path.join(dir, 'million'), { recursive: true, force: true });
  let base: Figures = {};
  if (process.env['BENCH_MILLION_BASELINE'] !== '0') {
    base = await oneLocker(path.join(dir, 'million-base'), Math.round(n / 10), log, false);
    rmSync(path.join(dir, 'million-base'), { recursive: true, force: true });
  }
  const num = (f: Figures, k: string) => (typeof f[k] === 'number' ? (f[k] as number) : NaN);
  const targets = {
    rss_mb: num(big, 'rss_mb') <= 600,
    search_p95_ms: num(big, 'search_p95_ms') <= 20,
    search_prefix_p95_ms: num(big, 'search_prefix_p95_ms') <= 20,
    ui_first_paint_ms: 'ui_first_paint_ms' in big ? num(big, 'ui_first_paint_ms') <= 1500 : 'skipped',
    cold_start_ms: num(big, 'cold_start_ms') <= 1000,
  };
  const out: Figures = {
    million_cores: os.availableParallelism(),
    ...Object.fromEntries(Object.entries(big).map(([k, v]) => [`million_${k}`, v])),
    million_targets: { rss_mb: 600, search_p95_ms: 20, search_prefix_p95_ms: 20, ui_first_paint_ms: 1500, cold_start_ms: 1000 },
    million_targets_met: targets,
    million_all_targets_met: Object.values(targets).every((v) => v !== false),
  };
  if (Object.keys(base).length) {
    out['million_baseline_records'] = num(base, 'records');
    for (const k of ['import_per_s', 'rss_mb', 'db_bytes_per_record', 'search_p50_ms', 'search_p95_ms', 'search_prefix_p95_ms', 'list_first_page_500_ms', 'counts_ms', 'cold_start_ms']) out[`million_baseline_${k}`] = num(base, k);
    out['million_search_p95_ratio_to_baseline'] = round(num(big, 'search_p95_ms') / num(base, 'search_p95_ms'), 2);
  }
  return out;
}

/** Run on its own (`bin/run-ts.js bench/million.ts`): the loader drops the entry from process.argv, so the command line is read back from /proc. */
function invokedDirectly(): boolean {
  const me = path.resolve(import.meta.dirname, 'million.ts');
  let args = process.argv;
  try {
    args = readFileSync('/proc/self/cmdline', 'utf8').split('\0');
  } catch {
    // not Linux: process.argv (right when run without the loader)
  }
  return args.some((a) => a.length > 0 && path.resolve(a) === me);
}

if (invokedDirectly()) {
  const log = (s: string) => process.stderr.write(`bench million: ${s}\n`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'locker-million-'));
  try {
    process.stdout.write(`${JSON.stringify(await benchMillion(dir, log))}\n`);
  } catch (e) {
    log(`failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
