// Encrypted store vs plain store, same data, same run: import throughput and search latency.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openLocker, unlockKey } from '../shared/api/index.js';
import { generateCalendar } from './generate.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const PASSPHRASE = 'bench passphrase, not secret';
const QUERIES = ['dentist', 'lunch', 'zürich', 'müller', 'team meeting', 'doctor prescription', 'zu', 'den', 'kra', 'caf', 'reh', 'pro'];

function importInChild(home: string, file: string, encrypted: boolean): number {
  const c = spawnSync(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), path.join(ROOT, 'bench/import-child.ts'), home, file], {
    encoding: 'utf8',
    env: { ...process.env, ...(encrypted ? { BENCH_PASSPHRASE: PASSPHRASE } : {}) },
    maxBuffer: 1 << 24,
  });
  if (c.status !== 0) throw new Error(`import (${encrypted ? 'encrypted' : 'plain'}): ${c.stderr.trim().split('\n').pop() ?? ''}`);
  return (JSON.parse(c.stdout) as { ms: number }).ms;
}

async function searchMs(home: string, encrypted: boolean): Promise<number[]> {
  const key = encrypted ? await unlockKey(home, { kind: 'passphrase', passphrase: PASSPHRASE }) : undefined;
  const opened = openLocker(home, {}, key?.kind === 'ok' ? { key: key.key } : {});
  if (opened.kind !== 'ok') throw new Error(opened.message);
  const times: number[] = [];
  for (let i = 0; i < 240; i++) {
    const s = performance.now();
    opened.locker.search(QUERIES[i % QUERIES.length] ?? 'x');
    times.push(performance.now() - s);
  }
  opened.locker.close();
  return times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function benchEncrypted(dir: string, n: number, log: (s: string) => void): Promise<Record<string, number | boolean>> {
  const file = path.join(dir, 'encrypted-bench.ics');
  writeFileSync(file, generateCalendar(n, 11));
  log(`encrypted vs plain store: importing ${n} events into each`);
  // Alternate, twice each, and keep the better run of each (less noise from the machine).
  const plainMs: number[] = [];
  const encMs: number[] = [];
  for (let round = 0; round < 2; round++) {
    plainMs.push(importInChild(path.join(dir, `plain-${round}`), file, false));
    encMs.push(importInChild(path.join(dir, `enc-${round}`), file, true));
  }
  const plainPerS = n / (Math.min(...plainMs) / 1000);
  const encPerS = n / (Math.min(...encMs) / 1000);
  log('encrypted vs plain store: search');
  const plainSearch = median(await searchMs(path.join(dir, 'plain-0'), false));
  const encSearch = median(await searchMs(path.join(dir, 'enc-0'), true));
  const importRatio = encPerS / plainPerS;
  const searchRatio = plainSearch / encSearch;
  return {
    encrypted_records: n,
    plain_import_per_s: Math.round(plainPerS),
    encrypted_import_per_s: Math.round(encPerS),
    encrypted_import_ratio: Math.round(importRatio * 1000) / 1000,
    plain_search_p50_ms: Math.round(plainSearch * 1000) / 1000,
    encrypted_search_p50_ms: Math.round(encSearch * 1000) / 1000,
    /** plain latency / encrypted latency: the encrypted store's search throughput relative to the plain one. */
    encrypted_search_ratio: Math.round(searchRatio * 1000) / 1000,
    encrypted_within_0_8: importRatio >= 0.8 && searchRatio >= 0.8,
  };
}
