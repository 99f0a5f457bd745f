/**
 * Shards on a real Community Solid Server: each type's records spread over
 * `<type>/<hh>/` containers, found by another app's code (solid-logic)
 * through the type index; pods written before shards moved on the next sync
 * — with another app's edit and files, and under kill -9 — without losing,
 * doubling or re-uploading anything; a sync lists only what changed, plus a
 * bounded slice of the rest.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sym, type NamedNode } from 'rdflib';
import { solidLogicSingleton } from 'solid-logic';
import { openLocker, syncWithPod, type Locker } from '../shared/api/index.js';
import { shardOf } from '../shared/pod/index.js';
import { RECORD_TYPES } from '../shared/model/index.js';
import { SCAN_SHARDS_PER_SYNC, type SyncSummary } from '../shared/sync/index.js';
import { generateCalendar } from '../bench/generate.js';
import { withSeed } from './helpers/faults.js';
import { BIN } from './helpers/cli.js';
import { tempHome } from './helpers/home.js';
import { deleteRecursively, login, newAccount, podDoc, shardedNames } from './helpers/pod.js';
import { PLAIN, replica, snapshotOf, sync, type Replica } from './helpers/sync.js';

const open: Replica[] = [];
const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const r of open) r.close();
  for (const c of cleanups) c();
});

async function withEvents(account: Parameters<typeof replica>[0], n: number, seed: number): Promise<Replica> {
  const r = await replica(account);
  open.push(r);
  const { home: tmp, cleanup } = tempHome('locker-shards-files-');
  cleanups.push(cleanup);
  const ics = path.join(tmp, 'cal.ics');
  writeFileSync(ics, generateCalendar(n, seed));
  const s = await r.locker.importFiles([ics]);
  expect(s.imported).toBe(n);
  return r;
}

async function syncWith(r: Replica, opts: { full?: boolean; scanRecords?: number }): Promise<SyncSummary> {
  const res = await syncWithPod(r.locker, { env: PLAIN }, opts);
  if (res.kind !== 'ok') throw new Error(res.message);
  expect(res.summary.errors).toEqual([]);
  return res.summary;
}

const eventIds = (l: Locker) => l.list({ type: 'event', limit: 100_000 }).map((e) => e.id);

/** Puts a pod back in the layout before shards: every event at `events/<id>.ttl`, the shards gone. */
async function flatten(account: { podUrl: string }, f: typeof fetch, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const doc = podDoc(account.podUrl, 'events', id);
    const body = await (await f(doc)).text();
    expect((await f(`${account.podUrl}locker/events/${id}.ttl`, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body })).status).toBeLessThan(300);
    expect((await f(doc, { method: 'DELETE' })).status).toBeLessThan(300);
  }
  for (const shard of new Set(ids.map(shardOf))) await deleteRecursively(f, `${account.podUrl}locker/events/${shard}/`);
}

/** Runs `locker sync` in a child process and SIGKILLs it after `ms` (or lets it finish). */
function syncProcess(home: string, killAfterMs: number): Promise<{ killed: boolean; code: number | null }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCKER_') && !k.startsWith('VITEST')));
  const child = spawn(process.execPath, [BIN, '--home', home, 'sync', '--json'], { env: { ...env, LOCKER_VAULT: 'plain' }, stdio: ['ignore', process.env.DEBUG_SHARDS ? 'inherit' : 'ignore', 'ignore'] });
  return new Promise((resolve) => {
    let killed = false;
    const t = setTimeout(() => {
      killed = child.exitCode === null;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve({ killed, code });
    });
  });
}

describe('records in shards', () => {
  it('spreads records over <type>/<hh>/ containers that another app finds through the type index (solid-logic)', { timeout: 120_000 }, async () => {
    const account = await newAccount('wac');
    const a = await withEvents(account, 600, 31);
    const first = await sync(a);
    expect(first.pushed).toBe(600);
    const s = await login(account);
    try {
      const names = await shardedNames(s.fetch, `${account.podUrl}locker/events/`);
      const ids = eventIds(a.locker);
      // Nothing in the type's container itself but shards; each record in the shard of its id.
      expect(names).toEqual(ids.map((id) => `${shardOf(id)}/${id}.ttl`).sort());
      const perShard = new Map<string, number>();
      for (const id of ids) perShard.set(shardOf(id), (perShard.get(shardOf(id)) ?? 0) + 1);
      expect(perShard.size).toBeGreaterThan(150);
      expect(Math.max(...perShard.values())).toBeLessThan(20);

      // SolidOS's way in: solid-logic reads the type index and loads every registered container of the class.
      (solidLogicSingleton.store.fetcher as unknown as { _fetch: typeof fetch })._fetch = s.fetch;
      const found: Array<{ instance: NamedNode }> = await solidLogicSingleton.typeIndex.getScopedAppInstances(sym('http://schema.org/Event'), sym(account.webId));
      const containers = found.map((x) => x.instance.value);
      expect(containers).toContain(`${account.podUrl}locker/events/`);
      const docs = new Set<string>();
      for (const c of containers) {
        for (const st of solidLogicSingleton.store.statementsMatching(sym(c), sym('http://www.w3.org/ns/ldp#contains'), null, null)) {
          if (st.object.value.endsWith('.ttl')) docs.add(st.object.value);
        }
      }
      expect([...docs].sort()).toEqual(ids.map((id) => podDoc(account.podUrl, 'events', id)).sort());
    } finally {
      await s.close();
    }

    // Right after, nothing changed: one listing per type and a bounded slice of the shards (here all: 600 records
    // are below the slice), no document read or written.
    const again = await syncWith(a, { scanRecords: 100 });
    expect(again).toMatchObject({ pushed: 0, pulled: 0 });
    expect(again.listed).toBeLessThanOrEqual(RECORD_TYPES.length + 1 + 100 / 2);
    expect(again.listed).toBeGreaterThan(RECORD_TYPES.length);
  });

  it('moves a pod written before shards on the next sync: nothing lost, doubled or uploaded again; other apps’ files and edits kept', { timeout: 120_000 }, async () => {
    const account = await newAccount('acp');
    const a = await withEvents(account, 40, 32);
    await sync(a);
    const ids = eventIds(a.locker);
    const s = await login(account);
    try {
      await flatten(account, s.fetch, ids);
      const container = `${account.podUrl}locker/events/`;
      // Another app's files beside Locker's, and an edit it made to one of the records.
      expect((await s.fetch(`${container}readme.txt`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'mine' })).status).toBeLessThan(300);
      expect((await s.fetch(`${container}other-app.ttl`, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: '<#x> a <http://example.org/Thing>.' })).status).toBeLessThan(300);
      const edited = ids[3] ?? '';
      const flatDoc = `${container}${edited}.ttl`;
      const body = await (await s.fetch(flatDoc)).text();
      const changed = body.replace(/schema:name "[^"]*"/, 'schema:name "Renamed in another app"');
      expect(changed).not.toBe(body);
      expect((await s.fetch(flatDoc, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: changed })).status).toBeLessThan(300);
      const before = snapshotOf(a.locker);

      const moved = await sync(a);
      expect(moved).toMatchObject({ relocated: 40, pushed: 0, pulled: 1, deletedLocal: 0, deletedRemote: 0, conflicts: 0 });
      expect(a.locker.show(edited)).toMatchObject({ kind: 'ok', json: { title: 'Renamed in another app' } });
      const after = snapshotOf(a.locker);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      expect([...after.keys()].filter((id) => after.get(id) !== before.get(id))).toEqual([edited]);
      expect(await shardedNames(s.fetch, container)).toEqual([...ids.map((id) => `${shardOf(id)}/${id}.ttl`), 'other-app.ttl', 'readme.txt'].sort());
      expect(await (await s.fetch(`${container}readme.txt`)).text()).toBe('mine');

      const quiet = await sync(a);
      expect(quiet).toMatchObject({ pushed: 0, pulled: 0 });
      expect(quiet.relocated).toBeUndefined();
      // A second device reads the moved pod as it is.
      const b = await replica(account);
      open.push(b);
      expect((await sync(b)).pulled).toBe(40);
      expect(snapshotOf(b.locker)).toEqual(after);
    } finally {
      await s.close();
    }
  });

  it('moves under kill -9 at any moment: each record ends in its shard exactly once, the locker unchanged', { timeout: 300_000 }, async () => {
    await withSeed('shard-move-crash', async (random) => {
      const account = await newAccount('wac');
      const a = await withEvents(account, 250, 33);
      await sync(a);
      const ids = eventIds(a.locker);
      const before = snapshotOf(a.locker);
      const s = await login(account);
      try {
        await flatten(account, s.fetch, ids);
        a.locker.close();
        let kills = 0;
        for (let round = 0; round < 5; round++) {
          const r = await syncProcess(a.home, 400 + Math.floor(random() * 2500));
          if (r.killed) kills++;
        }
        expect(kills).toBeGreaterThan(1);
        expect((await syncProcess(a.home, 240_000)).code).toBe(0);
        const names = await shardedNames(s.fetch, `${account.podUrl}locker/events/`);
        const expected = ids.map((id) => `${shardOf(id)}/${id}.ttl`).sort();
        expect(names.filter((n) => !expected.includes(n))).toEqual([]);
        expect(names).toEqual(expected);
        const o = openLocker(a.home, {});
        if (o.kind !== 'ok') throw new Error(o.message);
        const reopened: Replica = { locker: o.locker, home: a.home, close: () => o.locker.close() };
        open.push(reopened);
        expect(snapshotOf(o.locker)).toEqual(before);
        expect(await sync(reopened)).toMatchObject({ pushed: 0, pulled: 0, conflicts: 0 });
      } finally {
        await s.close();
      }
    });
  });

  it('lists only the shards that changed and a bounded slice of the rest; other replicas’ edits, creations and deletions are seen at once', { timeout: 180_000 }, async () => {
    const account = await newAccount('wac');
    const a = await withEvents(account, 300, 34);
    await sync(a);
    const b = await replica(account);
    open.push(b);
    expect((await sync(b)).pulled).toBe(300);
    const ids = eventIds(a.locker);
    const shards = new Set(ids.map(shardOf)).size;

    // Another replica edits, creates and deletes: a sync that looks at no unchanged shard sees all three.
    const [e1, e2] = ids;
    expect((await b.locker.edit(e1 ?? '', [{ name: 'description', value: 'edited on b' }])).kind).toBe('ok');
    expect((await b.locker.delete(e2 ?? '')).kind).toBe('deleted');
    const { home: tmp, cleanup } = tempHome('locker-shards-new-');
    cleanups.push(cleanup);
    writeFileSync(path.join(tmp, 'one.ics'), generateCalendar(1, 99));
    expect((await b.locker.importFiles([path.join(tmp, 'one.ics')])).imported).toBe(1);
    expect(await sync(b)).toMatchObject({ pushed: 2, deletedRemote: 1 });
    const seen = await syncWith(a, { scanRecords: 0 });
    expect(seen).toMatchObject({ pulled: 2, deletedLocal: 1 });
    expect(a.locker.show(e1 ?? '')).toMatchObject({ kind: 'ok', json: { properties: { description: 'edited on b' } } });
    // Listed: the types' containers and the (at most 3) shards where something happened.
    expect(seen.listed).toBeLessThanOrEqual(RECORD_TYPES.length + 3);

    // Another app edits a record in place (CSS does not move its shard's time): a bounded slice of the shards
    // is looked at per sync, so it is seen within a round of them; `full` sees it at once.
    const s = await login(account);
    try {
      const edit = async (id: string, name: string) => {
        const doc = podDoc(account.podUrl, 'events', id);
        const body = (await (await s.fetch(doc)).text()).replace(/schema:name "[^"]*"/, `schema:name "${name}"`);
        expect((await s.fetch(doc, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body })).status).toBeLessThan(300);
      };
      const target = ids[10] ?? '';
      await edit(target, 'Edited in place');
      let syncs = 0;
      let listedMost = 0;
      while (a.locker.show(target).kind === 'ok' && (a.locker.show(target) as { json: { title: string } }).json.title !== 'Edited in place') {
        const r = await syncWith(a, { scanRecords: 30 });
        listedMost = Math.max(listedMost, r.listed ?? 0);
        syncs++;
        expect(syncs).toBeLessThanOrEqual(Math.ceil(Math.max(300 / 30, shards / SCAN_SHARDS_PER_SYNC)) + 2);
      }
      expect(listedMost).toBeLessThan(shards / 2);
      const other = ids[20] ?? '';
      await edit(other, 'Seen with full');
      expect(await syncWith(a, { full: true })).toMatchObject({ pulled: 1 });
      expect(a.locker.show(other)).toMatchObject({ kind: 'ok', json: { title: 'Seen with full' } });
    } finally {
      await s.close();
    }
  });

  it('holds the deletions of a shard another app removed, however few', { timeout: 120_000 }, async () => {
    const account = await newAccount('wac');
    const a = await withEvents(account, 30, 35);
    await sync(a);
    const ids = eventIds(a.locker);
    const shard = shardOf(ids[0] ?? '');
    const inShard = ids.filter((id) => shardOf(id) === shard);
    expect(inShard.length).toBeLessThanOrEqual(5);
    const s = await login(account);
    try {
      await deleteRecursively(s.fetch, `${account.podUrl}locker/events/${shard}/`);
    } finally {
      await s.close();
    }
    const r = await syncWith(a, {});
    expect(r.deletedLocal).toBe(0);
    expect(r.held?.count).toBe(inShard.length);
    expect(eventIds(a.locker)).toHaveLength(30);
  });

  it('keeps holding a mass deletion at every sync until the person decides, and puts the records back when asked', { timeout: 120_000 }, async () => {
    const account = await newAccount('wac');
    const a = await withEvents(account, 40, 36);
    await sync(a);
    const gone = eventIds(a.locker).slice(0, 8);
    const s = await login(account);
    try {
      for (const id of gone) expect((await s.fetch(podDoc(account.podUrl, 'events', id), { method: 'DELETE' })).status).toBeLessThan(300);
      const first = await syncWith(a, {});
      expect(first.held?.count).toBe(8);
      // The shards were listed and found changed: the next sync still sees the deletions (their shards are not taken as known).
      const again = await syncWith(a, {});
      expect(again.held?.count).toBe(8);
      expect(again.pushed).toBe(0);
      const restored = await syncWithPod(a.locker, { env: PLAIN }, { deletions: 'restore' });
      if (restored.kind !== 'ok') throw new Error(restored.message);
      expect(restored.summary.held).toBeUndefined();
      expect(restored.summary.pushed).toBe(8);
      for (const id of gone) expect((await s.fetch(podDoc(account.podUrl, 'events', id), { method: 'HEAD' })).status).toBe(200);
      expect((await syncWith(a, {})).held).toBeUndefined();
    } finally {
      await s.close();
    }
    expect(eventIds(a.locker)).toHaveLength(40);
  });
});
