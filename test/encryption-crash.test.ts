/**
 * Encrypting a plain locker in place and changing the passphrase, killed
 * (SIGKILL) at random moments: the locker always reopens, with every record,
 * with the old or the new secret — never neither. Plus the states a kill can
 * leave, built one by one.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCalendar } from '../bench/generate.js';
import { encryptLocker, finishConversion, openLocker, unlockKey, type Locker } from '../shared/api/index.js';
import { DataKey, generateRecoveryKey, readKeys, wrapWithPassphrase, wrapWithRecovery, writeKeys } from '../shared/crypto/index.js';
import { encryptDatabaseFile, isPlainDatabase } from '../shared/store/index.js';
import { withSeed } from './helpers/faults.js';
import { BIN } from './helpers/cli.js';
import { tempHome } from './helpers/home.js';
import { snapshotOf } from './helpers/sync.js';

const PASS = 'old passphrase here';
const NEXT = 'new passphrase here';
const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

let template: { home: string; snapshot: Map<string, string> };

beforeAll(async () => {
  const { home, cleanup } = tempHome('locker-enc-template-');
  cleanups.push(cleanup);
  const ics = path.join(home, 'big.ics');
  writeFileSync(ics, generateCalendar(20_000, 7));
  const o = openLocker(home, {});
  if (o.kind !== 'ok') throw new Error(o.message);
  const r = await o.locker.importFiles([ics]);
  expect(r.errors).toEqual([]);
  template = { home, snapshot: snapshotOf(o.locker) };
  o.locker.close();
}, 120_000);

function copyOfTemplate(): string {
  const { home, cleanup } = tempHome('locker-enc-crash-');
  cleanups.push(cleanup);
  copyFileSync(path.join(template.home, 'locker.db'), path.join(home, 'locker.db'));
  return home;
}

function child(home: string, args: string[], env: NodeJS.ProcessEnv, killAfterMs: number): Promise<{ killed: boolean; code: number | null }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCKER_') && !k.startsWith('VITEST')));
  const c = spawn(process.execPath, [BIN, '--home', home, ...args], { env: { ...clean, LOCKER_VAULT: 'plain', ...env }, stdio: 'ignore' });
  return new Promise((resolve) => {
    let killed = false;
    const t = setTimeout(() => {
      killed = c.exitCode === null;
      c.kill('SIGKILL');
    }, killAfterMs);
    c.once('exit', (code) => {
      clearTimeout(t);
      resolve({ killed, code });
    });
  });
}

async function openWith(home: string, passphrase: string): Promise<Locker | undefined> {
  const k = await unlockKey(home, { kind: 'passphrase', passphrase });
  if (k.kind === 'plain') {
    const o = openLocker(home, {});
    return o.kind === 'ok' ? o.locker : undefined;
  }
  if (k.kind !== 'ok') return undefined;
  const o = openLocker(home, {}, { key: k.key });
  if (o.kind !== 'ok') throw new Error(o.message);
  return o.locker;
}

describe('kill -9 while encrypting and re-keying', () => {
  it('encrypting in place, killed at random moments, always reopens whole — plain or encrypted, never broken', { timeout: 600_000 }, async () => {
    await withSeed('enc-convert', async (random) => {
      const seen = new Set<string>();
      for (let i = 0; i < 8; i++) {
        const home = copyOfTemplate();
        const r = await child(home, ['init', '--encrypt'], { LOCKER_PASSPHRASE: PASS }, Math.floor(400 + random() * 2600));
        const keys = readKeys(home);
        seen.add(`${r.killed ? 'killed' : 'finished'}:${keys.kind === 'ok' ? keys.keys.state : 'no-keys'}:${isPlainDatabase(path.join(home, 'locker.db')) ? 'plain-db' : 'encrypted-db'}`);
        // Whatever the moment: the passphrase opens it (finishing the encryption if it was started), with every record.
        const l = await openWith(home, PASS);
        expect(l, `run ${i}`).toBeDefined();
        if (!l) continue;
        expect(snapshotOf(l)).toEqual(template.snapshot);
        l.close();
        if (keys.kind === 'ok') {
          expect(isPlainDatabase(path.join(home, 'locker.db'))).toBe(false);
          expect(readKeys(home)).toMatchObject({ kind: 'ok', keys: { state: 'ready' } });
        }
        expect(readdirSync(home).filter((f) => f.includes('encrypting'))).toEqual([]);
      }
      console.log(`conversion kill outcomes: ${[...seen].join(', ')}`);
    });
  });

  it('changing the passphrase, killed at random moments: the old or the new one opens it, with everything', { timeout: 300_000 }, async () => {
    const home = copyOfTemplate();
    const made = await encryptLocker(home, { passphrase: PASS });
    expect(made.kind).toBe('ok');
    await withSeed('enc-rekey', async (random) => {
      let current = PASS;
      for (let i = 0; i < 8; i++) {
        const next = current === PASS ? NEXT : PASS;
        await child(home, ['passphrase', 'change'], { LOCKER_PASSPHRASE: current, LOCKER_NEW_PASSPHRASE: next }, Math.floor(300 + random() * 1500));
        const withNext = await openWith(home, next);
        const l = withNext ?? (await openWith(home, current));
        expect(l, `run ${i}`).toBeDefined();
        if (!l) continue;
        expect(snapshotOf(l)).toEqual(template.snapshot);
        l.close();
        if (withNext) current = next;
      }
    });
    // A temporary key file left by a kill is cleared by the next change.
    const last = await child(home, ['passphrase', 'change'], { LOCKER_PASSPHRASE: (await openWith(home, PASS)) ? PASS : NEXT, LOCKER_NEW_PASSPHRASE: 'final passphrase here' }, 60_000);
    expect(last.code).toBe(0);
    expect(readdirSync(home).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  for (const point of ['keys-written', 'copied', 'rekeyed', 'renamed']) {
    it(`killed at "${point}" of an encryption, the locker reopens whole with the passphrase`, { timeout: 60_000 }, async () => {
      const home = copyOfTemplate();
      const r = await child(home, ['init', '--encrypt'], { LOCKER_PASSPHRASE: PASS, LOCKER_TEST_CRASH_AT: point }, 60_000);
      expect(r.code).toBeNull(); // killed (SIGKILL), not finished
      expect(readKeys(home)).toMatchObject({ kind: 'ok', keys: { state: 'converting' } });
      expect(isPlainDatabase(path.join(home, 'locker.db'))).toBe(point !== 'renamed');
      expect(openLocker(home, {}).kind).toBe('locked');
      const l = await openWith(home, PASS);
      expect(l && snapshotOf(l)).toEqual(template.snapshot);
      l?.close();
      expect(isPlainDatabase(path.join(home, 'locker.db'))).toBe(false);
      expect(readKeys(home)).toMatchObject({ keys: { state: 'ready' } });
      expect(readdirSync(home).filter((f) => f.includes('encrypting'))).toEqual([]);
    });
  }
});

describe('the states an interrupted encryption can leave', () => {
  async function keysFor(key: DataKey, state: 'converting' | 'ready') {
    return { format: 'locker-keys' as const, version: 1 as const, cipher: 'sqlcipher4' as const, state, created: new Date().toISOString(), wraps: { passphrase: await wrapWithPassphrase(key, PASS, { logN: 12, r: 8, p: 1 }), recovery: wrapWithRecovery(key, generateRecoveryKey()) } };
  }

  it('key stored, database still plain (killed before the swap): locked until the passphrase is given, then finished', async () => {
    const home = copyOfTemplate();
    const key = DataKey.generate();
    writeKeys(home, await keysFor(key, 'converting'));
    writeFileSync(path.join(home, 'locker.db.encrypting'), 'half a copy');
    expect(openLocker(home, {}).kind).toBe('locked');
    const l = await openWith(home, PASS);
    expect(l && snapshotOf(l)).toEqual(template.snapshot);
    l?.close();
    expect(isPlainDatabase(path.join(home, 'locker.db'))).toBe(false);
    expect(existsSync(path.join(home, 'locker.db.encrypting'))).toBe(false);
    expect(readKeys(home)).toMatchObject({ keys: { state: 'ready' } });
  });

  it('database swapped, key file not yet marked ready (killed after the swap): opens and is marked ready', async () => {
    const home = copyOfTemplate();
    const key = DataKey.generate();
    writeKeys(home, await keysFor(key, 'converting'));
    const done = encryptDatabaseFile(path.join(home, 'locker.db'), key);
    expect(done).toMatchObject({ kind: 'ok', records: template.snapshot.size });
    const l = await openWith(home, PASS);
    expect(l && snapshotOf(l)).toEqual(template.snapshot);
    l?.close();
    expect(readKeys(home)).toMatchObject({ keys: { state: 'ready' } });
  });

  it('`init --encrypt` while another process has the locker open: refused, no key file left, no recovery key issued', async () => {
    const home = copyOfTemplate();
    const other = openLocker(home, {});
    if (other.kind !== 'ok') throw new Error(other.message);
    try {
      const r = await encryptLocker(home, { passphrase: PASS, scryptLogN: 12 });
      expect(r.kind).toBe('in-use');
      expect(r.kind !== 'ok' && r.message).toContain('nothing was changed');
      expect(readKeys(home).kind).toBe('absent');
      expect(isPlainDatabase(path.join(home, 'locker.db'))).toBe(true);
    } finally {
      other.locker.close();
    }
    // Nothing half-done: the locker is plain and opens without a key.
    const again = openLocker(home, {});
    expect(again.kind).toBe('ok');
    if (again.kind === 'ok') again.locker.close();
  });

  it('refuses to encrypt while another process has the locker open, and changes nothing', async () => {
    const home = copyOfTemplate();
    const other = openLocker(home, {});
    if (other.kind !== 'ok') throw new Error(other.message);
    try {
      const key = DataKey.generate();
      writeKeys(home, await keysFor(key, 'converting'));
      const r = finishConversion(home, key);
      expect(r.kind).toBe('in-use');
      expect(isPlainDatabase(path.join(home, 'locker.db'))).toBe(true);
      expect(snapshotOf(other.locker)).toEqual(template.snapshot);
    } finally {
      other.locker.close();
    }
  });
});
