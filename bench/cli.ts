// Issue 19, points 1 and 2: the CLI as a user feels it, process start included.
// - cold `locker --help`, `search`, `list`, `show` against `node -e 0` in the same run (ratio, target ≤ 3);
// - `locker import` of a 50,000-event calendar through the CLI (records/s, target ≥ 8,000) against the
//   same import in-process in the same run (target ≥ 10,000/s).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateCalendar } from './generate.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const LOCKER = path.join(ROOT, 'bin/locker.js');
type Figures = Record<string, number | boolean | Record<string, number | boolean>>;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Wall-clock ms of one process, failing loudly when it fails. */
function timed(args: string[]): { ms: number; stdout: string } {
  const s = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, LOCKER_FROM_SOURCE: '' } });
  const ms = performance.now() - s;
  if (r.status !== 0) throw new Error(`${args.slice(1).join(' ')}: ${r.stderr.trim().split('\n').pop() ?? ''}`);
  return { ms, stdout: r.stdout };
}

export async function benchCli(dir: string, log: (s: string) => void): Promise<Figures> {
  const events = Number(process.env['BENCH_CLI_EVENTS'] ?? 50_000);
  const file = path.join(dir, 'cli-calendar.ics');
  writeFileSync(file, generateCalendar(events));

  log(`CLI: importing ${events} events through locker import, and in-process`);
  const cliHome = path.join(dir, 'cli-home');
  const cliImport = timed([LOCKER, '--home', cliHome, 'import', file, '--json']);
  const inProcess = JSON.parse(timed([path.join(ROOT, 'bin/run-ts.js'), path.join(ROOT, 'bench/import-child.ts'), path.join(dir, 'cli-home-2'), file]).stdout) as { ms: number; imported: number };
  if (inProcess.imported !== events) throw new Error(`in-process import: ${inProcess.imported} of ${events}`);

  log('CLI: cold starts against node -e 0');
  const runs = 7;
  const sample = (args: string[]) => median(Array.from({ length: runs }, () => timed(args).ms));
  const node = sample(['-e', '0']);
  const help = sample([LOCKER, '--help']);
  const search = sample([LOCKER, '--home', cliHome, 'search', 'dentist']);
  const list = sample([LOCKER, '--home', cliHome, 'list', '--type', 'event', '--limit', '20']);
  const hits = JSON.parse(timed([LOCKER, '--home', cliHome, 'search', 'dentist', '--json']).stdout) as Array<{ id: string }>;
  const show = sample([LOCKER, '--home', cliHome, 'show', hits[0]?.id ?? 'none']);

  const cliPerS = events / (cliImport.ms / 1000);
  const inPerS = events / (inProcess.ms / 1000);
  const ratios = { cli_help_ratio: help / node, cli_search_ratio: search / node, cli_list_ratio: list / node, cli_show_ratio: show / node };
  const targets = { cli_help_ratio: 3, cli_search_ratio: 3, cli_list_ratio: 3, cli_show_ratio: 3, cli_import_per_s: 8000, cli_in_process_import_per_s: 10000 };
  return {
    cli_node_e0_ms: round(node),
    cli_help_ms: round(help),
    cli_search_cold_ms: round(search),
    cli_list_ms: round(list),
    cli_show_ms: round(show),
    ...Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, round(v)])),
    cli_import_events: events,
    cli_import_per_s: Math.round(cliPerS),
    cli_in_process_import_per_s: Math.round(inPerS),
    cli_import_process_overhead_ratio: round(inPerS / cliPerS),
    cli_targets: targets,
    cli_targets_met: {
      ...Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, v <= 3])),
      cli_import_per_s: cliPerS >= targets.cli_import_per_s,
      cli_in_process_import_per_s: inPerS >= targets.cli_in_process_import_per_s,
    },
  };
}
