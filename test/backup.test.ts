/**
 * Encrypted backups: `export --encrypt` writes one age file that restores
 * every record and binary; wrong secrets, cut and altered files are refused
 * with one clear line and restore nothing; `backup --to-pod` puts the same
 * file in a container only the owner can open — not even an agent granted
 * every record type.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocker } from '../shared/api/index.js';
import { lockerWith } from './helpers/cli.js';
import { FIXTURES, tempHome } from './helpers/home.js';
import { login, newAccount, type Flavour } from './helpers/pod.js';
import { PLAIN, replica, snapshotOf, sync } from './helpers/sync.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function home(prefix = 'locker-bk-'): string {
  const t = tempHome(prefix);
  cleanups.push(t.cleanup);
  return t.home;
}

function contents(h: string): { records: Map<string, string>; binaries: Map<string, string> } {
  const o = openLocker(h, {});
  if (o.kind !== 'ok') throw new Error(o.message);
  const records = snapshotOf(o.locker);
  const binaries = new Map<string, string>();
  for (const id of records.keys()) for (const b of o.locker.store.binariesOf(id)) binaries.set(b, Buffer.from(o.locker.store.getBinary(b)?.bytes ?? []).toString('base64'));
  o.locker.close();
  return { records, binaries };
}

const PASS = { ...PLAIN, LOCKER_BACKUP_PASSPHRASE: 'a backup passphrase' };

describe('encrypted backup files', () => {
  const source = home();
  const files = home('locker-bk-files-');
  const backup = path.join(files, 'backup.locker');

  it('restores every record and binary, and holds nothing readable', { timeout: 60_000 }, async () => {
    expect((await lockerWith(PLAIN, source, 'import', path.join(FIXTURES, 'calendar.ics'), path.join(FIXTURES, 'contacts.vcf'))).code).toBe(0);
    const before = contents(source);
    expect(before.binaries.size).toBeGreaterThan(0);
    const out = await lockerWith(PASS, source, 'export', '--encrypt', '--out', backup, '--json');
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ records: before.records.size, binaries: before.binaries.size });
    const raw = readFileSync(backup);
    expect(raw.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
    const o = openLocker(source, {});
    if (o.kind !== 'ok') throw new Error(o.message);
    const titles = o.locker.list().map((x) => x.title).filter((t) => t.length >= 5);
    o.locker.close();
    expect(titles.length).toBeGreaterThan(3);
    for (const t of titles) expect(raw.includes(Buffer.from(t)), t).toBe(false);
    expect(raw.includes(Buffer.from('@prefix'))).toBe(false);
    const target = home();
    const restored = await lockerWith(PASS, target, 'import', backup, '--json');
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ imported: before.records.size, errors: [] });
    expect(contents(target)).toEqual(before);
    // Restoring again changes nothing.
    expect(JSON.parse((await lockerWith(PASS, target, 'import', backup, '--json')).stdout)).toMatchObject({ imported: 0, updated: 0, unchanged: before.records.size });
  });

  it('refuses a wrong passphrase, a cut file and an altered one with one line, restoring nothing', async () => {
    const raw = readFileSync(backup);
    const target = home();
    expect((await lockerWith(PLAIN, target, 'import', path.join(FIXTURES, 'calendar.ics'))).code).toBe(0);
    const before = contents(target);
    const tries: Array<[string, Buffer, RegExp]> = [
      ['wrong passphrase', raw, /wrong passphrase/],
      ['cut in the header', raw.subarray(0, 60), /damaged|wrong passphrase/],
      ['cut in the middle', raw.subarray(0, Math.floor(raw.length / 2)), /damaged/],
      ['last byte missing', raw.subarray(0, raw.length - 1), /damaged/],
      ['a bit flipped in the header MAC', flip(raw, raw.indexOf('\n---') + 10), /damaged|wrong passphrase/],
      ['a bit flipped in the middle', flip(raw, Math.floor(raw.length / 2)), /damaged/],
      ['a bit flipped in the last byte', flip(raw, raw.length - 1), /damaged/],
    ];
    for (const [label, bytes, expected] of tries) {
      const f = path.join(files, `${label.replace(/\W+/g, '-')}.locker`);
      writeFileSync(f, bytes);
      const r = await lockerWith(label === 'wrong passphrase' ? { ...PLAIN, LOCKER_BACKUP_PASSPHRASE: 'not the one' } : PASS, target, 'import', f);
      expect(r.code, label).toBe(1);
      expect(r.stderr, label).toMatch(expected);
      expect(r.stderr, label).toContain('nothing was restored');
      expect(r.stderr.trim().split('\n'), label).toHaveLength(1);
    }
    expect(contents(target)).toEqual(before);
    const none = await lockerWith(PLAIN, target, 'import', backup);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('encrypted Locker backup');
  });

  it('a key file instead of a passphrase: made on first use, needed to restore', async () => {
    const keyFile = path.join(files, 'backup.key');
    const out = path.join(files, 'keyed.locker');
    const made = await lockerWith(PLAIN, source, 'export', '--encrypt', '--out', out, '--backup-key', keyFile);
    expect(made.code, made.stderr).toBe(0);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^AGE-SECRET-KEY-1/m);
    const target = home();
    const withPass = await lockerWith(PASS, target, 'import', out);
    expect(withPass.stderr).toContain('key file');
    expect((await lockerWith(PLAIN, target, 'import', out, '--backup-key', keyFile)).code).toBe(0);
    expect(contents(target).records).toEqual(contents(source).records);
  });
});

function flip(buf: Buffer, at: number): Buffer {
  const copy = Buffer.from(buf);
  copy[at] = (copy[at] ?? 0) ^ 0x04;
  return copy;
}

for (const flavour of ['wac', 'acp'] as const satisfies readonly Flavour[]) {
  describe(`backup to a ${flavour.toUpperCase()} pod`, () => {
    it('lands in a container only the owner can open — not an agent granted every type — and restores from there', { timeout: 120_000 }, async () => {
      const owner = await newAccount(flavour, 'bkowner');
      const bot = await newAccount(flavour, 'bkbot');
      const r = await replica(owner);
      cleanups.push(() => r.close());
      await r.locker.importFiles([path.join(FIXTURES, 'calendar.ics'), path.join(FIXTURES, 'contacts.vcf')]);
      await sync(r);
      const types = ['event', 'contact', 'photo', 'note', 'place', 'purchase', 'health', 'post'].flatMap((t) => ['--type', t]);
      const granted = await lockerWith(PLAIN, r.home, 'grant', '--agent', bot.webId, ...types, '--modes', 'read,append,write', '--for', '1h', '--json');
      expect(granted.code, granted.stderr).toBe(0);
      const viaPath = await lockerWith(PLAIN, r.home, 'grant', '--agent', bot.webId, '--path', 'backups/', '--for', '1h');
      expect(viaPath.code).not.toBe(0);

      const up = await lockerWith(PASS, r.home, 'backup', '--to-pod', '--json');
      expect(up.code, up.stderr).toBe(0);
      const { url } = JSON.parse(up.stdout) as { url: string };
      expect(url.startsWith(`${owner.podUrl}locker/backups/`)).toBe(true);

      const ownerS = await login(owner);
      const botS = await login(bot);
      try {
        expect((await ownerS.fetch(url)).status).toBe(200);
        expect((await botS.fetch(url)).status).toBe(403);
        expect((await botS.fetch(`${owner.podUrl}locker/backups/`)).status).toBe(403);
        expect((await fetch(url)).status).toBe(401);
        // The grant does work where it should.
        expect((await botS.fetch(`${owner.podUrl}locker/events/`)).status).toBe(200);
      } finally {
        await ownerS.close();
        await botS.close();
      }

      // A fresh locker on the same pod restores from it.
      const fresh = await replica(owner);
      cleanups.push(() => fresh.close());
      const down = await lockerWith(PASS, fresh.home, 'backup', '--from-pod', '--json');
      expect(down.code, down.stderr).toBe(0);
      expect(snapshotOf(fresh.locker)).toEqual(snapshotOf(r.locker));
      const wrong = await lockerWith({ ...PLAIN, LOCKER_BACKUP_PASSPHRASE: 'nope nope nope' }, fresh.home, 'backup', '--from-pod');
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('wrong passphrase');
    });
  });
}
