/**
 * Privacy at rest: an encrypted locker keeps nothing readable on disk, a
 * locked one refuses everything, the passphrase and the recovery key open
 * it, and the unlock agent locks on request, when idle and after sleep.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocker, syncWithPod } from '../shared/api/index.js';
import { detectSleep, keyFromAgent, lockAgent } from '../shared/crypto/index.js';
import { BIN, lockerWith } from './helpers/cli.js';
import { tempHome } from './helpers/home.js';
import { newAccount } from './helpers/pod.js';
import { connectTo, PLAIN } from './helpers/sync.js';

const cleanups: Array<() => void | Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

const PASS = 'correct horse battery staple';
const UNLOCKING = { ...PLAIN, LOCKER_PASSPHRASE: PASS };

function newHome(): string {
  const { home, cleanup } = tempHome('locker-enc-');
  cleanups.push(async () => {
    await lockAgent(home);
    cleanup();
  });
  return home;
}

/** Every file under `dir` (recursively), its raw bytes. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function filesContaining(dir: string, needle: string): string[] {
  const forms = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le'), Buffer.from(needle.toLowerCase(), 'utf8')];
  return allFiles(dir).filter((f) => {
    const bytes = readFileSync(f);
    return forms.some((n) => bytes.includes(n));
  });
}

/** A small JPEG whose comment segment carries `text`. */
function jpegWith(text: string): Buffer {
  const comment = Buffer.from(text, 'latin1');
  const com = Buffer.concat([Buffer.from([0xff, 0xfe, (comment.length + 2) >> 8, (comment.length + 2) & 0xff]), comment]);
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, com, Buffer.from([0xff, 0xd9])]);
}

function plantFiles(dir: string, mark: string): string[] {
  const ics = path.join(dir, 'cal.ics');
  writeFileSync(
    ics,
    ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:enc-1@test', 'DTSTART:20261201T100000Z', 'DTEND:20261201T110000Z', `SUMMARY:Clinic visit ${mark}RECORD`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'),
  );
  const photo = jpegWith(`${mark}PHOTO`).toString('base64');
  const vcf = path.join(dir, 'people.vcf');
  writeFileSync(vcf, ['BEGIN:VCARD', 'VERSION:3.0', 'UID:enc-person@test', 'FN:Ada Example', 'N:Example;Ada;;;', `PHOTO;ENCODING=b;TYPE=JPEG:${photo}`, 'END:VCARD', ''].join('\r\n'));
  const trig = path.join(dir, 'note.trig');
  writeFileSync(
    trig,
    `@base <https://locker.invalid/>.\n@prefix schema: <http://schema.org/>.\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#>.\n<notes/diary1.ttl> { <notes/diary1.ttl#it> a schema:NoteDigitalDocument; schema:name "Diary"; schema:text "Dear diary, ${mark}NOTE"; schema:dateCreated "2026-11-20T08:00:00Z"^^xsd:dateTime. }\n`,
  );
  return [ics, vcf, trig];
}

describe('an encrypted locker', () => {
  it('keeps no planted string anywhere under its home: records, photo bytes, notes, sync bases, login secrets, the WAL of an open store', { timeout: 120_000 }, async () => {
    const home = newHome();
    const { home: files, cleanup } = tempHome('locker-enc-files-');
    cleanups.push(cleanup);
    const mark = `Zq${Date.now().toString(36)}Planted`;
    const init = await lockerWith(UNLOCKING, home, 'init', '--encrypt', '--json');
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ encrypted: true, converted: false });
    const imported = await lockerWith(UNLOCKING, home, 'import', ...plantFiles(files, mark), '--json');
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 3 });

    // Connect and sync (bases and the client secret land in the locker), edit, search — with the store open.
    const account = await newAccount('wac', 'enc');
    const r = await (async () => {
      const { unlockKey } = await import('../shared/api/index.js');
      const k = await unlockKey(home, { kind: 'passphrase', passphrase: PASS });
      if (k.kind !== 'ok') throw new Error('unlock');
      const o = openLocker(home, {}, { key: k.key });
      if (o.kind !== 'ok') throw new Error(o.message);
      return o.locker;
    })();
    try {
      await connectTo(r, account);
      const s = await syncWithPod(r, { env: PLAIN });
      expect(s.kind).toBe('ok');
      expect(r.search(`${mark}NOTE`).length).toBe(1);
      const event = r.list({ type: 'event' })[0];
      expect(event).toBeDefined();
      expect((await r.edit(event?.id ?? '', [{ name: 'description', value: `edited ${mark}EDIT` }])).kind).toBe('ok');
      // While open (WAL not checkpointed): nothing readable.
      expect(filesContaining(home, mark)).toEqual([]);
      expect(filesContaining(home, account.clientSecret)).toEqual([]);
      expect(existsSync(path.join(home, 'secrets.json'))).toBe(false);
    } finally {
      r.close();
    }
    const out = path.join(files, 'backup.locker');
    expect((await lockerWith(UNLOCKING, home, 'export', '--encrypt', '--out', out)).code).toBe(0);
    for (const m of ['RECORD', 'PHOTO', 'NOTE', 'EDIT']) expect(filesContaining(home, `${mark}${m}`)).toEqual([]);
    expect(filesContaining(files, `${mark}`).map((f) => path.basename(f)).sort()).toEqual(['cal.ics', 'note.trig']); // the inputs themselves (photo is base64 in people.vcf); never the backup
    // And the data is all there for the key holder.
    const shown = await lockerWith(UNLOCKING, home, 'search', `${mark}PHOTO`, '--json');
    expect(shown.code).toBe(0);
    const list = JSON.parse((await lockerWith(UNLOCKING, home, 'list', '--json')).stdout) as Array<{ type: string }>;
    expect(list.map((x) => x.type).sort()).toEqual(['contact', 'event', 'note']);
  });

  it('refuses every read and write while locked, with one clear line, and changes nothing', async () => {
    const home = newHome();
    const { home: files, cleanup } = tempHome('locker-enc-files-');
    cleanups.push(cleanup);
    expect((await lockerWith(UNLOCKING, home, 'init', '--encrypt')).code).toBe(0);
    expect((await lockerWith(UNLOCKING, home, 'import', ...plantFiles(files, 'x'))).code).toBe(0);
    const before = readFileSync(path.join(home, 'locker.db'));
    const id = (JSON.parse((await lockerWith(UNLOCKING, home, 'list', '--json')).stdout) as Array<{ id: string }>)[0]?.id ?? '';
    const commands = [
      ['list'],
      ['search', 'clinic'],
      ['show', id],
      ['edit', id, '--set', 'name=changed'],
      ['delete', id],
      ['import', path.join(files, 'cal.ics')],
      ['export', '--out', path.join(files, 'out.trig')],
      ['sync'],
      ['conflicts'],
      ['grants'],
      ['pod', 'status'],
    ];
    for (const args of commands) {
      const r = await lockerWith(PLAIN, home, ...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr.trim(), args.join(' ')).toBe('locker: the locker is locked: run `locker unlock` (or give LOCKER_PASSPHRASE or --key-file)');
    }
    const wrong = await lockerWith({ ...PLAIN, LOCKER_PASSPHRASE: 'not the passphrase' }, home, 'list');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('wrong passphrase');
    expect(existsSync(path.join(files, 'out.trig'))).toBe(false);
    expect(readFileSync(path.join(home, 'locker.db')).equals(before)).toBe(true);
  });

  it('opens with the recovery key when the passphrase is forgotten; a changed passphrase replaces the old one', async () => {
    const home = newHome();
    const init = await lockerWith(UNLOCKING, home, 'init', '--encrypt', '--json');
    const recoveryKey = (JSON.parse(init.stdout) as { recoveryKey: string }).recoveryKey;
    expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    const { home: files, cleanup } = tempHome('locker-enc-files-');
    cleanups.push(cleanup);
    expect((await lockerWith(UNLOCKING, home, 'import', ...plantFiles(files, 'y'))).code).toBe(0);

    const typo = recoveryKey.toLowerCase().replace(/-/g, ' ');
    const changed = await lockerWith({ ...PLAIN, LOCKER_RECOVERY_KEY: typo, LOCKER_NEW_PASSPHRASE: 'a brand new passphrase' }, home, 'passphrase', 'change', '--recovery-key');
    expect(changed.code, changed.stderr).toBe(0);
    expect((await lockerWith(UNLOCKING, home, 'list')).stderr).toContain('wrong passphrase');
    const listed = await lockerWith({ ...PLAIN, LOCKER_PASSPHRASE: 'a brand new passphrase' }, home, 'list', '--json');
    expect(JSON.parse(listed.stdout)).toHaveLength(3);
    const bad = await lockerWith({ ...PLAIN, LOCKER_RECOVERY_KEY: 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA', LOCKER_NEW_PASSPHRASE: 'whatever whatever' }, home, 'passphrase', 'change', '--recovery-key');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('wrong recovery key');
    // The recovery key still works after the change.
    expect((await lockerWith({ ...PLAIN, LOCKER_RECOVERY_KEY: recoveryKey }, home, 'unlock', '--recovery-key', '--for', '1m')).code).toBe(0);
    expect((await lockerWith(PLAIN, home, 'list', '--json')).code).toBe(0);
    expect((await lockerWith(PLAIN, home, 'lock')).stdout).toBe('locked\n');
  });

  it('the unlock agent: unlocked commands need no passphrase; lock and idle time lock it again', { timeout: 60_000 }, async () => {
    const home = newHome();
    expect((await lockerWith(UNLOCKING, home, 'init', '--encrypt')).code).toBe(0);
    expect((await lockerWith({ ...PLAIN, LOCKER_PASSPHRASE: 'wrong wrong wrong' }, home, 'unlock')).code).toBe(1);
    expect(await keyFromAgent(home)).toBeUndefined();
    const un = await lockerWith(UNLOCKING, home, 'unlock', '--for', '3s');
    expect(un.code, un.stderr).toBe(0);
    expect((await lockerWith(PLAIN, home, 'list')).code).toBe(0);
    // Each use moves the idle deadline; then it locks by itself.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await lockerWith(PLAIN, home, 'list')).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await lockerWith(PLAIN, home, 'list')).code).toBe(0);
    await new Promise((r) => setTimeout(r, 4500));
    const idle = await lockerWith(PLAIN, home, 'list');
    expect(idle.code).toBe(1);
    expect(idle.stderr).toContain('locked');
    // Explicit lock.
    expect((await lockerWith(UNLOCKING, home, 'unlock', '--for', '10m')).code).toBe(0);
    expect(await keyFromAgent(home)).toBeDefined();
    expect((await lockerWith(PLAIN, home, 'lock')).stdout).toBe('locked\n');
    expect(await keyFromAgent(home)).toBeUndefined();
    expect((await lockerWith(PLAIN, home, 'lock')).stdout).toBe('already locked\n');
    expect((await lockerWith(PLAIN, home, 'list')).code).toBe(1);
  });

  it('a running `sync --watch` stops when the locker locks', { timeout: 90_000 }, async () => {
    const home = newHome();
    expect((await lockerWith(UNLOCKING, home, 'init', '--encrypt')).code).toBe(0);
    const account = await newAccount('wac', 'encw');
    const { unlockKey } = await import('../shared/api/index.js');
    const k = await unlockKey(home, { kind: 'passphrase', passphrase: PASS });
    if (k.kind !== 'ok') throw new Error('unlock');
    const o = openLocker(home, {}, { key: k.key });
    if (o.kind !== 'ok') throw new Error(o.message);
    await connectTo(o.locker, account);
    o.locker.close();
    expect((await lockerWith(UNLOCKING, home, 'unlock', '--for', '10m')).code).toBe(0);
    const { spawn } = await import('node:child_process');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCKER_') && !k.startsWith('VITEST')));
    const child = spawn(process.execPath, [BIN, '--home', home, 'sync', '--watch', '--json'], { env: { ...env, LOCKER_VAULT: 'plain' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // Running: it synced once (a line on stdout).
      for (let i = 0; i < 200 && !out.includes('"reason"'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out, err).toContain('"reason"');
      expect((await lockerWith(PLAIN, home, 'lock')).stdout).toBe('locked\n');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
      expect(code).toBe(0);
      expect(err).toContain('the locker locked (requested); stopping');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a running `locker serve` stops serving when the locker locks', { timeout: 90_000 }, async () => {
    const home = newHome();
    expect((await lockerWith(UNLOCKING, home, 'init', '--encrypt')).code).toBe(0);
    expect((await lockerWith(UNLOCKING, home, 'unlock', '--for', '10m')).code).toBe(0);
    const { spawn } = await import('node:child_process');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCKER_') && !k.startsWith('VITEST')));
    const child = spawn(process.execPath, [BIN, '--home', home, 'serve'], { env: { ...env, LOCKER_VAULT: 'plain' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !out.includes('Locker is at'); i++) await new Promise((r) => setTimeout(r, 100));
      const link = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/.exec(out);
      expect(link, err).not.toBeNull();
      const [whole = '', port] = link ?? [];
      // Opening the link once gives the session cookie.
      const opened = await fetch(whole, { redirect: 'manual' });
      const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect(cookie).toMatch(/^locker_\d+=/);
      const ask = () => fetch(`http://127.0.0.1:${port}/api/call`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"op":"records.counts","payload":{}}' });
      expect(await (await ask()).json()).toEqual({ kind: 'ok', value: {} });
      expect((await lockerWith(PLAIN, home, 'lock')).stdout).toBe('locked\n');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
      expect(code).toBe(0);
      expect(err).toContain('the locker locked (requested); stopping');
      await expect(ask()).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('the agent itself locks when the computer has slept, wiping its key, and never serves the key first', async () => {
    const home = newHome();
    const { DataKey, runAgent } = await import('../shared/crypto/index.js');
    let wall = Date.now();
    let mono = 0;
    const key = DataKey.generate();
    const hex = key.hex();
    const done = runAgent(home, key, { idleMs: 600_000, sleepDetector: { intervalMs: 3_600_000, wallClock: () => wall, monotonicClock: () => mono } });
    for (let i = 0; i < 50 && !(await keyFromAgent(home)); i++) await new Promise((r) => setTimeout(r, 20));
    expect((await keyFromAgent(home))?.hex()).toBe(hex);
    // The machine sleeps for an hour; the first request after waking finds out before anything is served.
    wall += 3_600_000;
    mono += 100;
    expect(await keyFromAgent(home)).toBeUndefined();
    expect(await done).toBe('sleep');
    expect(key.isWiped).toBe(true);
    expect(() => key.hex()).toThrow(/wiped/);
  });

  it('a second agent does not start beside a running one (so `lock` can never miss one)', async () => {
    const home = newHome();
    const { DataKey, runAgent } = await import('../shared/crypto/index.js');
    const first = runAgent(home, DataKey.generate(), { idleMs: 600_000 });
    for (let i = 0; i < 50 && !(await keyFromAgent(home)); i++) await new Promise((r) => setTimeout(r, 20));
    const second = DataKey.generate();
    await expect(runAgent(home, second, { idleMs: 600_000 })).rejects.toThrow(/another unlock agent/);
    expect(second.isWiped).toBe(true);
    expect(await lockAgent(home)).toBe(true);
    expect(await first).toBe('requested');
    expect(await keyFromAgent(home)).toBeUndefined();
  });

  it('a plain locker converted in place keeps nothing readable either, its plain secrets file included', { timeout: 120_000 }, async () => {
    const home = newHome();
    const { home: files, cleanup } = tempHome('locker-enc-files-');
    cleanups.push(cleanup);
    const mark = `Cv${Date.now().toString(36)}Planted`;
    expect((await lockerWith(PLAIN, home, 'import', ...plantFiles(files, mark))).code).toBe(0);
    const account = await newAccount('wac', 'encc');
    const o = openLocker(home, {});
    if (o.kind !== 'ok') throw new Error(o.message);
    await connectTo(o.locker, account);
    expect((await syncWithPod(o.locker, { env: PLAIN })).kind).toBe('ok');
    o.locker.close();
    expect(filesContaining(home, `${mark}RECORD`).length).toBeGreaterThan(0); // plain before
    expect(existsSync(path.join(home, 'secrets.json'))).toBe(true);
    const init = await lockerWith(UNLOCKING, home, 'init', '--encrypt', '--json');
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ converted: true, records: 3 });
    expect(existsSync(path.join(home, 'secrets.json'))).toBe(false);
    expect(filesContaining(home, mark)).toEqual([]);
    expect(filesContaining(home, account.clientSecret)).toEqual([]);
    // Still syncs: the client secret moved into the encrypted vault.
    const s = await lockerWith(UNLOCKING, home, 'sync', '--json');
    expect(s.code, s.stderr).toBe(0);
  });

  it('notices sleep from the clocks: the wall clock jumps while the monotonic one stands still', () => {
    let wall = 1_000_000;
    let mono = 0;
    const slept: number[] = [];
    const d = detectSleep({ onSleep: (ms) => slept.push(ms), intervalMs: 1e9, wallClock: () => wall, monotonicClock: () => mono });
    wall += 5000;
    mono += 5000;
    d.check(); // a normal tick
    wall += 20_000;
    mono += 1000;
    d.check(); // 19 s gap: under the 30 s threshold (clock adjustments, a slow tick)
    expect(slept).toEqual([]);
    wall += 3_600_000;
    mono += 2000;
    d.check(); // an hour asleep
    d.stop();
    expect(slept).toEqual([3_598_000]);
  });

  it('a key file can stand in for the passphrase; one that others can read is refused', async () => {
    const home = newHome();
    const { home: dir, cleanup } = tempHome('locker-enc-key-');
    cleanups.push(cleanup);
    const keyFile = path.join(dir, 'locker.key');
    const init = await lockerWith(PLAIN, home, 'init', '--encrypt', '--key-file', keyFile);
    expect(init.code, init.stderr).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect((await lockerWith(PLAIN, home, 'list', '--key-file', keyFile)).code).toBe(0);
    expect((await lockerWith(PLAIN, home, 'list')).code).toBe(1);
    const { chmodSync } = await import('node:fs');
    chmodSync(keyFile, 0o644);
    const loose = await lockerWith(PLAIN, home, 'list', '--key-file', keyFile);
    expect(loose.code).toBe(2);
    expect(loose.stderr).toContain('chmod 600');
  });
});
