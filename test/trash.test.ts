/**
 * The trash (issue 18 point 3): a record deleted here, or deleted on the pod by another app and so
 * here, stays 30 days with the binaries it links to, is listed (CLI, API) and restored — and a
 * restored record is written to the pod again by the next sync.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocker, type Locker } from '../shared/api/index.js';
import type { TrashEntry } from '../shared/store/index.js';
import { locker as cli, lockerJson } from './helpers/cli.js';
import { FIXTURES, tempHome } from './helpers/home.js';
import { login, newAccount } from './helpers/pod.js';
import { replica, sync, type Replica } from './helpers/sync.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function open(home: string): Locker {
  const r = openLocker(home, {});
  if (r.kind !== 'ok') throw new Error(r.message);
  cleanups.unshift(() => r.locker.close());
  return r.locker;
}

describe('the trash', () => {
  it('keeps what was deleted here with its photo, lists it, restores it, and forgets it after 30 days', async () => {
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    expect((await cli(home, 'import', path.join(FIXTURES, 'contacts.vcf'))).code).toBe(0);
    let locker = open(home);
    const withPhoto = locker.list({ type: 'contact' }).find((c) => locker.store.binariesOf(c.id).length > 0);
    if (!withPhoto) throw new Error('the fixture has a contact photo');
    const [photo] = locker.store.binariesOf(withPhoto.id);
    locker.close();

    expect((await cli(home, 'delete', withPhoto.id)).code).toBe(0);
    const listed = await lockerJson<TrashEntry[]>(home, 'trash');
    expect(listed).toEqual([expect.objectContaining({ id: withPhoto.id, type: 'contact', title: withPhoto.title, source: 'here' })]);
    const human = await cli(home, 'trash');
    expect(human.stdout).toContain(`deleted here  ${withPhoto.title}`);
    // The photo stays as long as its record is in the trash.
    locker = open(home);
    expect(locker.store.getBinary(photo ?? '')).toBeDefined();
    locker.close();

    const restored = await cli(home, 'trash', 'restore', withPhoto.id);
    expect(restored).toMatchObject({ code: 0 });
    expect(restored.stdout).toContain(`restored contact ${withPhoto.title}`);
    expect(await lockerJson<TrashEntry[]>(home, 'trash')).toEqual([]);
    locker = open(home);
    expect(locker.store.binariesOf(withPhoto.id)).toEqual([photo]);
    expect(locker.list({ type: 'contact' }).map((c) => c.id)).toContain(withPhoto.id);
    locker.close();
    const again = await cli(home, 'trash', 'restore', withPhoto.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not in the trash');
    expect((await cli(home, 'trash', 'empty')).code).toBe(2);

    // Deleted 31 days ago: gone when the locker next opens, and the photo only it linked to with it.
    locker = open(home);
    expect(locker.store.delete(withPhoto.id, Date.now() - 31 * 86_400_000)).toEqual({ kind: 'deleted' });
    expect(locker.store.trash()).toHaveLength(1);
    locker.close();
    locker = open(home);
    expect(locker.store.trash()).toEqual([]);
    expect(locker.store.getBinary(photo ?? '')).toBeUndefined();
  });

  it('a record imported again leaves the trash', async () => {
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    const locker = open(home);
    await locker.importFiles([path.join(FIXTURES, 'contacts.vcf')]);
    const first = locker.list({ type: 'contact' })[0];
    if (!first) throw new Error('no contact');
    await locker.delete(first.id);
    expect(locker.store.trash().map((t) => t.id)).toEqual([first.id]);
    await locker.importFiles([path.join(FIXTURES, 'contacts.vcf')]);
    expect(locker.store.trash()).toEqual([]);
    expect(locker.store.restoreFromTrash(first.id)).toEqual({ kind: 'absent' });
  });

  it('keeps what another app deleted on the pod, and a restore writes it back there', async () => {
    const account = await newAccount('wac');
    const a: Replica = await replica(account);
    cleanups.push(() => a.close());
    await a.locker.importFiles([path.join(FIXTURES, 'contacts.vcf')]);
    await sync(a);
    const victim = a.locker.list({ type: 'contact' })[0];
    if (!victim) throw new Error('no contact');
    const card = `${account.podUrl}locker/contacts/Person/${victim.id}/index.ttl`;
    const s = await login(account);
    try {
      expect((await s.fetch(card, { method: 'DELETE' })).status).toBe(205);
      expect(await sync(a)).toMatchObject({ deletedLocal: 1 });
      expect(a.locker.store.trash()).toEqual([expect.objectContaining({ id: victim.id, source: 'pod', title: victim.title })]);
      expect(a.locker.store.restoreFromTrash(victim.id)).toMatchObject({ kind: 'restored' });
      expect(await sync(a)).toMatchObject({ pushed: 1 });
      const back = await s.fetch(card);
      expect(back.status).toBe(200);
      expect(await back.text()).toContain(victim.title);
    } finally {
      await s.close();
    }
  });
});
