// `npm run bench`: one flat JSON object on stdout; progress on stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';
import { openLocker } from '../shared/api/index.js';
import { generateCalendar, rng } from './generate.js';
import { benchSync } from './sync.js';
import { benchEncrypted } from './encrypted.js';
import { benchHealth } from './health.js';
import { benchImporters } from './importers.js';
import { benchUi } from './ui.js';
import { benchCli } from './cli.js';
import { benchMillion } from './million.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const N = Number(process.env['BENCH_RECORDS'] ?? 100_000);
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const dir = mkdtempSync(path.join(os.tmpdir(), 'locker-bench-'));
try {
  const home = path.join(dir, 'home');
  const file = path.join(dir, 'calendar.ics');
  log(`generating ${N} events`);
  const text = generateCalendar(N);
  writeFileSync(file, text);

  log('baseline: ICAL.parse alone');
  const t = performance.now();
  ICAL.parse(text);
  const parseMs = performance.now() - t;

  log('import through the real path, in a process of its own');
  const child = spawnSync(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), path.join(ROOT, 'bench/import-child.ts'), home, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`import: ${child.stderr.trim().split('\n').pop() ?? ''}`);
  const imp = JSON.parse(child.stdout) as { ms: number; imported: number; errors: unknown[]; rss_mb: number };
  if (imp.errors.length || imp.imported !== N) throw new Error(`import: ${child.stdout.slice(0, 300)}`);
  const importMs = imp.ms;
  const opened = openLocker(home, {});
  if (opened.kind !== 'ok') throw new Error(opened.message);
  const locker = opened.locker;

  log('search');
  const r = rng(7);
  const plain = ['dentist', 'lunch', 'zürich', 'zurich', 'müller', 'passport', 'yoga', 'concert', 'kraków', 'agenda', 'online', 'café'];
  const multi = ['team meeting', 'dinner ann', 'choir rehearsal', 'doctor prescription', 'flight passport'];
  const prefixes = ['zu', 'mü', 'den', 'rev', 'pa', 'kra', 'caf', 'reh', 'bir', 'wor', 'sta', 'pro'];
  const times: number[] = [];
  const prefixTimes: number[] = [];
  for (let i = 0; i < 300; i++) {
    const kind = i % 3;
    const q = kind === 0 ? plain[Math.floor(r() * plain.length)] : kind === 1 ? multi[Math.floor(r() * multi.length)] : prefixes[Math.floor(r() * prefixes.length)];
    const s = performance.now();
    locker.search(q ?? 'x');
    const ms = performance.now() - s;
    times.push(ms);
    if (kind === 2) prefixTimes.push(ms);
  }

  const ranges: number[] = [];
  for (let i = 0; i < 50; i++) {
    const from = Date.UTC(2015 + (i % 10), i % 12, 1);
    const s = performance.now();
    locker.list({ fromMs: from, toMs: from + 91 * 86400000 });
    ranges.push(performance.now() - s);
  }
  locker.close();
  // Peak memory of the import process (the heaviest work); the bench process itself also holds the generated file.
  const rssMb = imp.rss_mb;

  log('cold start');
  const colds: Array<{ cold_start_ms: number; wall: number }> = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    const c = spawnSync(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), path.join(ROOT, 'bench/cold.ts'), home], { encoding: 'utf8' });
    const wall = performance.now() - s;
    if (c.status !== 0) throw new Error(`cold start: ${c.stderr}`);
    colds.push({ ...(JSON.parse(c.stdout) as { cold_start_ms: number }), wall });
  }

  log('CLI search');
  const cli: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    const c = spawnSync(process.execPath, [path.join(ROOT, 'bin/locker.js'), '--home', home, 'search', 'dentist', '--json'], { encoding: 'utf8' });
    cli.push(performance.now() - s);
    if (c.status !== 0) throw new Error(`cli search: ${c.stderr}`);
  }

  const uiFigures = process.env['BENCH_SKIP_UI'] ? {} : await benchUi(home, log);
  const syncFigures = process.env['BENCH_SKIP_SYNC'] ? {} : await benchSync(dir, log);
  const healthFigures = process.env['BENCH_SKIP_HEALTH'] ? {} : await benchHealth(dir, log);
  const importerFigures = await benchImporters(dir, log);
  const cliFigures = process.env['BENCH_SKIP_CLI'] ? {} : await benchCli(dir, log);
  // A million records takes many minutes: only with BENCH_MILLION=1 (the default bench stays at 100k).
  const millionFigures = process.env['BENCH_MILLION'] === '1' ? await benchMillion(dir, log) : {};
  const encryptedFigures = await benchEncrypted(dir, Math.min(N, Number(process.env['BENCH_ENCRYPTED_RECORDS'] ?? 30_000)), log);

  const db = path.join(home, 'locker.db');
  const dbMb = (statSync(db).size + (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0)) / 1024 / 1024;
  const importPerS = N / (importMs / 1000);
  const parsePerS = N / (parseMs / 1000);
  const cold = quantile(colds.map((c) => c.cold_start_ms), 0.5);
  const p95 = quantile(times, 0.95);
  const result = {
    cores: os.availableParallelism(),
    records: N,
    import_per_s: Math.round(importPerS),
    ical_parse_per_s: Math.round(parsePerS),
    import_ratio: round(importPerS / parsePerS, 3),
    cold_start_ms: round(cold),
    cold_process_ms: round(quantile(colds.map((c) => c.wall), 0.5)),
    search_p50_ms: round(quantile(times, 0.5), 3),
    search_p95_ms: round(p95, 3),
    search_prefix_p95_ms: round(quantile(prefixTimes, 0.95), 3),
    list_range_ms: round(quantile(ranges, 0.5), 3),
    cli_search_ms: round(quantile(cli, 0.5)),
    rss_mb: round(rssMb, 1),
    bench_process_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
    db_mb: round(dbMb, 1),
    ...uiFigures,
    ...syncFigures,
    ...encryptedFigures,
    ...healthFigures,
    ...importerFigures,
    ...cliFigures,
    ...millionFigures,
    targets_met: { encrypted_within_0_8: encryptedFigures['encrypted_within_0_8'] === true, import_per_s: importPerS >= 5000, cold_start_ms: cold <= 1000, search_p95_ms: p95 <= 10, rss_mb: rssMb <= 500 },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (e) {
  process.stderr.write(`bench: failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
