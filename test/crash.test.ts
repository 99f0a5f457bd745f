import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { recordFromTurtle, stableId, isRecordType } from '../shared/model/index.js';
import { ROOT } from './helpers/cli.js';
import { tempHome } from './helpers/home.js';

const FILES = 12;
const EVENTS = 400;
const ROUNDS = 14;

const t = tempHome('locker-crash-');
afterAll(() => t.cleanup());

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function makeFiles(dir: string, round: number, ids: Map<string, string[]>): string[] {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let f = 0; f < FILES; f++) {
    const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//crash test//EN'];
    const list: string[] = [];
    for (let e = 0; e < EVENTS; e++) {
      const uid = `crash-${round}-${f}-${e}@example.org`;
      list.push(stableId('event', `uid:${uid}`));
      const day = String((e % 28) + 1).padStart(2, '0');
      lines.push('BEGIN:VEVENT', `UID:${uid}`, `DTSTART:202603${day}T0930${String(e % 60).padStart(2, '0')}Z`, `SUMMARY:Meeting ${f}/${e} in Zürich`, `DESCRIPTION:${'Agenda item. '.repeat(5)}`, 'END:VEVENT');
    }
    lines.push('END:VCALENDAR', '');
    const name = `cal-${round}-${String(f).padStart(2, '0')}.ics`;
    writeFileSync(path.join(dir, name), lines.join('\r\n'));
    ids.set(name, list);
    names.push(name);
  }
  return names;
}

interface Round {
  readonly acked: string[];
  readonly finished: boolean;
  /** Time from the child's "start" (store open) to its exit: the part a kill should land in. */
  readonly workMs: number;
}

function runChild(home: string, files: string[], killAfterMs: number | undefined): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), path.join(ROOT, 'test/helpers/import-child.ts'), home, ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let buf = '';
    let err = '';
    let finished = false;
    let startedAt = 0;
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'start') {
          startedAt = performance.now();
          if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        }
        else if (line.startsWith('ack ')) acked.push(line.slice(4));
        else if (line === 'done') finished = true;
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`child failed (${code}): ${err}`));
      else resolve({ acked, finished, workMs: startedAt ? performance.now() - startedAt : 0 });
    });
  });
}

/** Opens the store the way Locker does and checks it: intact, every record complete and readable. */
function inspect(home: string): Set<string> {
  const db = new Database(path.join(home, 'locker.db'));
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = db.prepare('SELECT id, type, title, rdf FROM records WHERE deleted = 0').all() as Array<{ id: string; type: string; title: string; rdf: string }>;
    const fts = (db.prepare("SELECT count(*) AS n FROM records_fts WHERE records_fts MATCH 'zurich'").get() as { n: number }).n;
    expect(fts).toBe(rows.length);
    for (const r of rows) {
      expect(isRecordType(r.type)).toBe(true);
      if (!isRecordType(r.type)) continue;
      const rec = recordFromTurtle(r.type, r.id, r.rdf);
      expect(rec.quads.length).toBeGreaterThan(5);
      expect(r.title).toMatch(/^Meeting \d+\/\d+ in Zürich$/);
    }
    return new Set(rows.map((r) => r.id));
  } finally {
    db.close();
  }
}

describe('durability', () => {
  it(`survives kill -9 at random points of a long import, ${ROUNDS} times, losing nothing acknowledged`, async () => {
    const dir = path.join(t.home, 'files');
    const home = path.join(t.home, 'home');
    const ids = new Map<string, string[]>();
    const random = rng(20261124);
    const everAcked = new Set<string>();
    let killedMidway = 0;
    // Round 0 runs to the end and tells how long the work of a round takes (from the store being open, so a
    // slow process start on a loaded machine doesn't push kills past the end); later rounds are killed within it.
    let duration = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      // New files each round, so every kill lands among real writes, not re-imports of unchanged data.
      const names = makeFiles(dir, round, ids);
      const r = await runChild(home, names.map((n) => path.join(dir, n)), round === 0 ? undefined : Math.floor(random() * duration * 0.9));
      if (round === 0) duration = r.workMs;
      if (!r.finished) killedMidway++;
      r.acked.forEach((a) => everAcked.add(a));
      const present = inspect(home);
      for (const [name, list] of ids) {
        const have = list.filter((id) => present.has(id)).length;
        // A file is all there or not there at all; and if it was acknowledged, it is there.
        expect([0, list.length], `${name} after round ${round}`).toContain(have);
        if (everAcked.has(name)) expect(have, `${name} was acknowledged`).toBe(list.length);
      }
    }
    expect(killedMidway).toBeGreaterThan(ROUNDS / 2);
    // Afterwards every file imports completely.
    const all = [...ids.keys()];
    const last = await runChild(home, all.map((n) => path.join(dir, n)), undefined);
    expect(last.finished).toBe(true);
    expect(inspect(home).size).toBe(all.length * EVENTS);
  }, 300_000);
});
