// Apple Health: a generated export of BENCH_HEALTH_MB (200 by default) streamed into a fresh locker in a process of its own.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { writeAppleHealth } from './generate.js';

const ROOT = path.resolve(import.meta.dirname, '..');

export async function benchHealth(dir: string, log: (s: string) => void): Promise<Record<string, number | boolean>> {
  const mb = Number(process.env['BENCH_HEALTH_MB'] ?? 200);
  const file = path.join(dir, 'export.xml');
  log(`generating a ${mb} MB Apple Health export`);
  const made = await writeAppleHealth(file, mb * 1024 * 1024, 9);
  log(`importing it (${made.records + made.workouts} records)`);
  const c = spawnSync(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), path.join(ROOT, 'bench/import-child.ts'), path.join(dir, 'health-home'), file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (c.status !== 0) throw new Error(`health import: ${c.stderr.trim().split('\n').pop() ?? ''}`);
  const r = JSON.parse(c.stdout) as { ms: number; imported: number; errors: unknown[]; rss_mb: number };
  if (r.errors.length || r.imported !== made.records + made.workouts) throw new Error(`health import: ${c.stdout.slice(0, 300)}`);
  return {
    health_file_mb: Math.round(made.bytes / 1024 / 1024),
    health_records: r.imported,
    health_import_per_s: Math.round(r.imported / (r.ms / 1000)),
    health_import_mb_per_s: Math.round((made.bytes / 1024 / 1024 / (r.ms / 1000)) * 10) / 10,
    health_rss_mb: Math.round(r.rss_mb),
    health_rss_under_300: r.rss_mb < 300,
  };
}
