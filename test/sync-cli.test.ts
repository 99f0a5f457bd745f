import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocker } from '../shared/api/index.js';
import { BIN, locker, lockerJson } from './helpers/cli.js';
import { FIXTURES, tempHome } from './helpers/home.js';
import { newAccount } from './helpers/pod.js';
import { replica, sync } from './helpers/sync.js';

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

describe('locker pod connect / sync / conflicts / resolve', () => {
  it('connects with client credentials without printing or storing the secret in plain config, and syncs', async () => {
    const account = await newAccount('wac');
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    const r = await locker(home, 'pod', 'connect', '--issuer', account.issuer, '--client-id', account.clientId, '--client-secret', account.clientSecret);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(account.webId);
    expect(r.stdout).toMatch(/access control: WAC/);
    // No keychain here: the plain-text fallback is announced, not silent.
    expect(r.stderr).toMatch(/warning: No OS keychain/);
    expect(r.stdout + r.stderr).not.toContain(account.clientSecret);
    expect(readFileSync(path.join(home, 'pod.json'), 'utf8')).not.toContain(account.clientSecret);
    const secrets = path.join(home, 'secrets.json');
    expect(readFileSync(secrets, 'utf8')).toContain(account.clientSecret);
    expect(statSync(secrets).mode & 0o077).toBe(0);

    await lockerJson(home, 'import', path.join(FIXTURES, 'calendar.ics'));
    const s1 = await lockerJson<{ pushed: number; pulled: number; conflicts: number }>(home, 'sync');
    expect(s1.pushed).toBeGreaterThan(0);
    expect(s1).toMatchObject({ pulled: 0, conflicts: 0 });
    const s2 = await lockerJson<{ pushed: number; pulled: number; conflicts: number }>(home, 'sync');
    expect(s2).toMatchObject({ pushed: 0, pulled: 0, conflicts: 0 });
    const status = await lockerJson<{ connected: boolean; pending: number; lastSync: string }>(home, 'pod', 'status');
    expect(status).toMatchObject({ connected: true, pending: 0 });
    expect(status.lastSync).toBeTruthy();
    expect(await lockerJson(home, 'conflicts')).toEqual([]);
    const bad = await locker(home, 'resolve', 'nope', '--keep', 'local');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no conflict for nope/);
    const usage = await locker(home, 'resolve', 'x', '--keep', 'mine');
    expect(usage.code).toBe(2);
  });

  it('pod local start makes a pod on this computer that sync uses; stop stops it', async () => {
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    try {
      const started = await lockerJson<{ baseUrl: string; webId: string; connection: string }>(home, 'pod', 'local', 'start');
      expect(started.baseUrl).toMatch(/^http:\/\/localhost:\d+\/$/);
      expect(started.connection).toBe('written');
      await lockerJson(home, 'import', path.join(FIXTURES, 'contacts.vcf'));
      const s = await lockerJson<{ pushed: number }>(home, 'sync');
      expect(s.pushed).toBeGreaterThan(0);
      const status = await lockerJson<{ local: boolean; pending: number }>(home, 'pod', 'status');
      expect(status).toMatchObject({ local: true, pending: 0 });
      // The profile is public; the records are not.
      expect((await fetch(started.webId)).status).toBe(200);
      const root = started.webId.replace(/profile\/card#me$/, 'locker/contacts/');
      expect((await fetch(root)).status).toBe(401);
    } finally {
      expect((await locker(home, 'pod', 'local', 'stop')).code).toBe(0);
    }
  });

  it('a wrong secret and an unreachable issuer are one clear line each', async () => {
    const account = await newAccount('wac');
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    const wrong = await locker(home, 'pod', 'connect', '--issuer', account.issuer, '--client-id', account.clientId, '--client-secret', 'not-the-secret');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).not.toContain('not-the-secret');
    const gone = await locker(home, 'pod', 'connect', '--issuer', 'http://localhost:9/', '--client-id', 'x', '--client-secret', 'y');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/localhost:9/);
    const none = await locker(home, 'sync');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no pod connected/);
  });

  it('sync --watch brings in records another locker adds, through Solid notifications', async () => {
    const account = await newAccount('wac');
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    expect((await locker(home, 'pod', 'connect', '--issuer', account.issuer, '--client-id', account.clientId, '--client-secret', account.clientSecret)).code).toBe(0);
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCKER_') && !k.startsWith('VITEST')));
    // Poll only every 10 minutes: a change seen within seconds came by notification.
    const child = spawn(process.execPath, [BIN, '--home', home, 'sync', '--watch', '--json'], { env: { ...clean, LOCKER_WATCH_POLL_MS: '600000' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      await until(() => out.includes('"reason":"start"'), 30_000, () => `watch never synced: ${err}`);
      const other = await replica(account);
      cleanups.push(() => other.close());
      await other.locker.importFiles([path.join(FIXTURES, 'contacts.vcf')]);
      const pushed = await sync(other);
      expect(pushed.pushed).toBeGreaterThan(0);
      await until(() => out.includes('"reason":"the pod changed"') && /"pulled":[1-9]/.test(out), 15_000, () => `no notification-driven sync: ${out} ${err}`);
      const mine = openLocker(home, {});
      if (mine.kind !== 'ok') throw new Error(mine.message);
      try {
        expect(mine.locker.list({ type: 'contact' }).length).toBe(other.locker.list({ type: 'contact' }).length);
      } finally {
        mine.locker.close();
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((res) => child.once('exit', res));
    }
  });
});

async function until(cond: () => boolean, ms: number, why: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(why());
    await new Promise((r) => setTimeout(r, 100));
  }
}
