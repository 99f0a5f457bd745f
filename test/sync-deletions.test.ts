/**
 * Nothing lost to another app's mistake (issue 18 point 3, in part), on a real Community Solid Server:
 * when the pod loses more than a few records at once, or a whole container (as SolidOS's contacts pane
 * does when it deletes a folder), sync holds those deletions instead of applying them here, says which
 * (CLI exit 4), and on the person's word deletes them here too or writes them back to the pod. A few
 * deletions are applied as before.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocker } from '../shared/api/index.js';
import { locker } from './helpers/cli.js';
import { FIXTURES, tempHome } from './helpers/home.js';
import { deleteRecursively, login, newAccount, podDoc } from './helpers/pod.js';

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

interface Summary {
  pushed: number;
  pulled: number;
  deletedLocal: number;
  held?: { count: number; records: Array<{ id: string; type: string; title: string }> };
}

function events(home: string): string[] {
  const o = openLocker(home, {});
  if (o.kind !== 'ok') throw new Error(o.message);
  try {
    return o.locker.list({ type: 'event' }).map((e) => e.id);
  } finally {
    o.locker.close();
  }
}

describe('deletions on the pod, too many at once', () => {
  it('are held and listed (exit 4), can be written back to the pod, and are applied when accepted; a few are applied quietly', async () => {
    const account = await newAccount('wac');
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    expect((await locker(home, 'pod', 'connect', '--issuer', account.issuer, '--client-id', account.clientId, '--client-secret', account.clientSecret)).code).toBe(0);
    expect((await locker(home, 'import', path.join(FIXTURES, 'calendar.ics'))).code).toBe(0);
    const ids = events(home);
    expect(ids.length).toBe(6);
    expect((await locker(home, 'sync')).code).toBe(0);
    const container = `${account.podUrl}locker/events/`;
    const s = await login(account);
    const del = async (id: string) => expect((await s.fetch(podDoc(account.podUrl, 'events', id), { method: 'DELETE' })).status).toBeLessThan(300);
    const status = async (id: string) => (await s.fetch(podDoc(account.podUrl, 'events', id), { method: 'HEAD' })).status;
    try {
      // Another app removes the calendar's folder with everything in it.
      await deleteRecursively(s.fetch, container);
      expect((await s.fetch(container, { method: 'HEAD' })).status).toBe(404);
      const held = await locker(home, 'sync', '--json');
      expect(held.code, held.stderr).toBe(4);
      const summary = JSON.parse(held.stdout) as Summary;
      expect(summary.deletedLocal).toBe(0);
      expect(summary.held?.count).toBe(6);
      expect(summary.held?.records.map((r) => r.id).sort()).toEqual([...ids].sort());
      expect(events(home)).toHaveLength(6);
      const plain = await locker(home, 'sync');
      expect(plain.code).toBe(4);
      expect(plain.stderr).toContain('the pod no longer has 6 of your records');
      expect(plain.stderr).toContain('locker sync --accept-deletions');

      // Put back: every record is on the pod again, and the next sync is quiet.
      const restored = await locker(home, 'sync', '--restore-deletions', '--json');
      expect(restored.code, restored.stderr).toBe(0);
      expect((JSON.parse(restored.stdout) as Summary).pushed).toBe(6);
      for (const id of ids) expect(await status(id)).toBe(200);
      expect((await locker(home, 'sync')).code).toBe(0);

      // Two deletions are no mass deletion: applied here.
      for (const id of ids.slice(0, 2)) await del(id);
      const few = JSON.parse((await locker(home, 'sync', '--json')).stdout) as Summary;
      expect(few).toMatchObject({ deletedLocal: 2 });
      expect(few.held).toBeUndefined();
      expect(events(home)).toHaveLength(4);

      // Four more, and the folder with them: a whole container gone is held however few; then accepted.
      const rest = ids.slice(2);
      for (const id of rest) await del(id);
      await deleteRecursively(s.fetch, container);
      expect((await locker(home, 'sync')).code).toBe(4);
      expect(events(home)).toHaveLength(4);
      const accepted = await locker(home, 'sync', '--accept-deletions', '--json');
      expect(accepted.code, accepted.stderr).toBe(0);
      expect((JSON.parse(accepted.stdout) as Summary).deletedLocal).toBe(4);
      expect(events(home)).toHaveLength(0);
      expect((await locker(home, 'sync', '--accept-deletions', '--restore-deletions')).code).toBe(2);
    } finally {
      await s.close();
    }
  });
});
