import { RECORD_TYPES } from '../shared/model/index.js';
import path from 'node:path';
import { Parser } from 'n3';
import { afterEach, describe, expect, it } from 'vitest';
import { listConflicts, resolve } from '../shared/api/index.js';
import { newStats, shardOf } from '../shared/pod/index.js';
import { FIXTURES } from './helpers/home.js';
import { login, newAccount, podDoc, type Flavour } from './helpers/pod.js';
import { connectTo, replica, snapshotOf, sync, type Replica } from './helpers/sync.js';

const open: Replica[] = [];
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

async function pair(flavour: Flavour) {
  const account = await newAccount(flavour);
  const a = await replica(account);
  const b = await replica(account);
  open.push(a, b);
  return { account, a, b };
}

/** Two lockers on one new pod, both holding the calendar fixture, synced. */
async function syncedPair(flavour: Flavour) {
  const p = await pair(flavour);
  await p.a.locker.importFiles([path.join(FIXTURES, 'calendar.ics')]);
  await sync(p.a);
  await sync(p.b);
  return p;
}

function firstEvent(r: Replica) {
  const e = r.locker.list({ type: 'event' })[0];
  if (!e) throw new Error('no event');
  return e.id;
}

async function set(r: Replica, id: string, name: string, value: string) {
  const out = await r.locker.edit(id, [{ name, value }]);
  if (out.kind !== 'ok') throw new Error(`edit failed: ${JSON.stringify(out)}`);
}

for (const flavour of ['wac', 'acp'] as const) {
  describe(`two lockers on one pod (${flavour})`, () => {
    it('copies everything up and down, registers the containers, and a second sync transfers nothing', async () => {
      const { account, a, b } = await pair(flavour);
      const imported = await a.locker.importFiles([path.join(FIXTURES, 'calendar.ics'), path.join(FIXTURES, 'contacts.vcf')]);
      const total = imported.imported;
      expect(total).toBeGreaterThan(5);
      const first = await sync(a);
      expect(first.pushed).toBe(total);
      const pulled = await sync(b);
      expect(pulled.pulled).toBe(total);
      expect(snapshotOf(b.locker)).toEqual(snapshotOf(a.locker));
      // Binaries travel as resources of their own, linked from their records.
      const withPhoto = [...a.locker.store.iterate()].find((r) => a.locker.store.binariesOf(r.id).length > 0);
      if (!withPhoto) throw new Error('the fixture has a contact photo');
      const [photo] = a.locker.store.binariesOf(withPhoto.id);
      expect(b.locker.store.getBinary(photo ?? '')?.bytes).toEqual(a.locker.store.getBinary(photo ?? '')?.bytes);

      // Nothing changed: nothing is written; what is read is one listing per type container, each shard (a small
      // locker lists all its shards every time, to see edits other apps made in place), each contact's card
      // (a card's folder does not show an edit to the card in its listing) and the address book's three indexes.
      const stats = newStats();
      const again = await sync(a, { stats });
      expect(again).toMatchObject({ pushed: 0, pulled: 0, conflicts: 0 });
      expect(stats.byMethod['PUT'] ?? 0).toBe(0);
      const contacts = a.locker.list({ type: 'contact' }).length;
      expect(contacts).toBeGreaterThan(0);
      const shards = new Set(a.locker.list({}).filter((r) => r.type !== 'contact').map((r) => `${r.type}/${shardOf(r.id)}`)).size;
      expect(shards).toBeGreaterThan(1);
      expect(stats.requests).toBeLessThanOrEqual(RECORD_TYPES.length + shards + contacts + 3);
      expect(stats.byMethod['HEAD'] ?? 0).toBe(0);

      // Other Solid apps find the containers through the type index.
      const s = await login(account);
      try {
        const profile = new Parser({ baseIRI: account.webId }).parse(await (await s.fetch(account.webId)).text());
        // The profile was PATCHed, not overwritten: what CSS put there is still there.
        expect(profile.some((q) => q.predicate.value === 'http://www.w3.org/ns/solid/terms#oidcIssuer')).toBe(true);
        const index = profile.find((q) => q.subject.value === account.webId && q.predicate.value === 'http://www.w3.org/ns/solid/terms#privateTypeIndex')?.object.value;
        expect(index).toBeTruthy();
        const regs = new Parser({ baseIRI: index }).parse(await (await s.fetch(index ?? '')).text());
        const SOLID = 'http://www.w3.org/ns/solid/terms#';
        const containerOf = (cls: string) => {
          const reg = regs.find((q) => q.predicate.value === `${SOLID}forClass` && q.object.value === cls)?.subject.value;
          return regs.find((q) => q.subject.value === reg && q.predicate.value === `${SOLID}instanceContainer`)?.object.value;
        };
        expect(containerOf('http://schema.org/Event')).toBe(`${account.podUrl}locker/events/`);
        expect(containerOf('http://www.w3.org/2006/vcard/ns#Individual')).toBe(`${account.podUrl}locker/contacts/`);
        // The records are plain Turtle documents other apps can read.
        // Each contact has a folder of its own, as SolidOS and Solid Data Modules lay out an address book.
        const card = a.locker.list({ type: 'contact' })[0]?.id ?? '';
        const cardDoc = await s.fetch(`${account.podUrl}locker/contacts/Person/${card}/index.ttl`);
        expect(cardDoc.status).toBe(200);
        expect(await cardDoc.text()).toMatch(/<#this> a vcard:Individual/);
        const ev = firstEvent(a);
        const doc = await s.fetch(`${podDoc(account.podUrl, 'events', ev)}`);
        expect(doc.status).toBe(200);
        expect(await doc.text()).toContain('schema:Event');
        const bin = await s.fetch(`${account.podUrl}locker/files/${encodeURIComponent(photo ?? '')}`);
        expect(bin.status).toBe(200);
        expect(new Uint8Array(await bin.arrayBuffer())).toEqual(a.locker.store.getBinary(photo ?? '')?.bytes);
      } finally {
        await s.close();
      }
    });

    it('merges edits of different fields and turns the same field edited twice into a conflict that keeps both', async () => {
      const { a, b } = await syncedPair(flavour);
      const id = firstEvent(a);

      // Different fields: both survive.
      await set(a, id, 'name', 'Renamed on A');
      await set(b, id, 'description', 'Described on B');
      await sync(a);
      const sb = await sync(b);
      expect(sb.conflicts).toBe(0);
      await sync(a);
      for (const r of [a, b]) {
        const shown = r.locker.show(id);
        if (shown.kind !== 'ok') throw new Error('absent');
        expect(shown.json.properties['name']).toBe('Renamed on A');
        expect(shown.json.properties['description']).toBe('Described on B');
      }
      expect(snapshotOf(a.locker)).toEqual(snapshotOf(b.locker));

      // The same field: a conflict, both versions kept.
      await set(a, id, 'name', 'Title from A');
      await set(b, id, 'name', 'Title from B');
      await sync(a);
      const conflicted = await sync(b);
      expect(conflicted.conflicts).toBe(1);
      const [c] = listConflicts(b.locker);
      expect(c?.fields).toEqual(['http://schema.org/name']);
      expect(c?.local?.properties['name']).toBe('Title from B');
      expect(c?.remote?.properties['name']).toBe('Title from A');
      // Syncing again doesn't lose or overwrite either side.
      await sync(b);
      expect(listConflicts(b.locker)).toHaveLength(1);

      const out = await resolve(b.locker, id, 'local');
      expect(out.kind).toBe('ok');
      await sync(b);
      await sync(a);
      for (const r of [a, b]) {
        const shown = r.locker.show(id);
        if (shown.kind !== 'ok') throw new Error('absent');
        expect(shown.json.properties['name']).toBe('Title from B');
      }
      expect(listConflicts(b.locker)).toHaveLength(0);
    });

    it('deletes both ways, and an edit against a delete is a conflict', async () => {
      const { a, b } = await syncedPair(flavour);
      const [e1, e2] = a.locker.list({ type: 'event' });
      if (!e1 || !e2) throw new Error('need two events');
      await a.locker.delete(e1.id);
      expect((await sync(a)).deletedRemote).toBe(1);
      expect((await sync(b)).deletedLocal).toBe(1);
      expect(b.locker.show(e1.id).kind).toBe('absent');

      await a.locker.delete(e2.id);
      await set(b, e2.id, 'name', 'Still wanted');
      await sync(a);
      expect((await sync(b)).conflicts).toBe(1);
      const [c] = listConflicts(b.locker);
      expect(c?.remote).toBeUndefined();
      expect(c?.local?.properties['name']).toBe('Still wanted');
      expect((await resolve(b.locker, e2.id, 'local')).kind).toBe('ok');
      await sync(b);
      await sync(a);
      expect(a.locker.show(e2.id).kind).toBe('ok');
      expect(snapshotOf(a.locker)).toEqual(snapshotOf(b.locker));
    });
  });
}

describe('another Solid app edits the pod', () => {
  it('brings in a change made directly on the pod', async () => {
    const account = await newAccount('wac');
    const a = await replica(account);
    open.push(a);
    await a.locker.importFiles([path.join(FIXTURES, 'calendar.ics')]);
    await sync(a);
    const id = firstEvent(a);
    const url = `${podDoc(account.podUrl, 'events', id)}`;
    const s = await login(account);
    try {
      const res = await s.fetch(url);
      const etag = res.headers.get('etag') ?? '';
      const body = (await res.text()).replace(/schema:name "[^"]*"/, 'schema:name "Edited by another app"');
      const put = await s.fetch(url, { method: 'PUT', headers: { 'content-type': 'text/turtle', 'if-match': etag }, body });
      expect(put.status).toBeLessThan(300);
    } finally {
      await s.close();
    }
    const summary = await sync(a);
    expect(summary.pulled).toBe(1);
    const shown = a.locker.show(id);
    if (shown.kind !== 'ok') throw new Error('absent');
    expect(shown.json.properties['name']).toBe('Edited by another app');
    expect((await sync(a))).toMatchObject({ pushed: 0, pulled: 0 });
  });
});

describe('moving to another pod', () => {
  it('copies everything to the new pod, verifies the counts, and leaves the old pod untouched', async () => {
    const oldAccount = await newAccount('wac');
    const newAcct = await newAccount('acp');
    const a = await replica(oldAccount);
    open.push(a);
    await a.locker.importFiles([path.join(FIXTURES, 'calendar.ics'), path.join(FIXTURES, 'contacts.vcf')]);
    await sync(a);
    const s = await login(oldAccount);
    const listing = async () => (await (await s.fetch(`${oldAccount.podUrl}locker/events/`)).text()) + (await (await s.fetch(`${oldAccount.podUrl}locker/contacts/Person/`)).text());
    try {
      const before = await listing();
      // A local edit and a local delete that were never synced with the old pod go to the new one only.
      const id = firstEvent(a);
      await set(a, id, 'name', 'Edited before the move');
      const r = await connectTo(a.locker, newAcct);
      expect(r.moving).toBe(true);
      expect(r.accessControl).toBe('acp');
      const moved = await sync(a);
      expect(moved.moved?.verified).toBe(true);
      expect(moved.moved?.counts['events']).toEqual({ local: a.locker.list({ type: 'event' }).length, pod: a.locker.list({ type: 'event' }).length });
      expect(moved.pushed).toBe(a.locker.list().length);
      expect(await listing()).toBe(before);
      // A second locker on the new pod gets everything.
      const b = await replica(newAcct);
      open.push(b);
      await sync(b);
      expect(snapshotOf(b.locker)).toEqual(snapshotOf(a.locker));
      expect(await sync(a)).toMatchObject({ pushed: 0, pulled: 0 });
    } finally {
      await s.close();
    }
  });
});

describe('a damaged copy on the pod', () => {
  it('an empty document (a write cut off mid-body) is never taken for the record: the local version is written back', async () => {
    const { account, a, b } = await syncedPair('wac');
    const id = firstEvent(a);
    const url = `${podDoc(account.podUrl, 'events', id)}`;
    const s = await login(account);
    try {
      expect((await s.fetch(url, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: '' })).status).toBeLessThan(300);
      const repaired = await sync(b);
      expect(repaired.skipped.map((k) => k.message).join()).toMatch(/empty or not a Locker event record/);
      expect(repaired.pushed).toBe(1);
      expect(await (await s.fetch(url)).text()).toContain('schema:Event');
      await sync(a);
      expect(snapshotOf(a.locker)).toEqual(snapshotOf(b.locker));
      expect(a.locker.show(id).kind).toBe('ok');
      expect(listConflicts(a.locker)).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

describe('a conflict settled elsewhere', () => {
  it('ends when the pod comes to hold exactly this side’s version', async () => {
    const { a, b } = await syncedPair('wac');
    const id = firstEvent(a);
    await set(a, id, 'name', 'From A');
    await set(b, id, 'name', 'From B');
    await sync(a);
    expect((await sync(b)).conflicts).toBe(1);
    // A's person agrees with B and types the same title.
    await set(a, id, 'name', 'From B');
    await sync(a);
    const after = await sync(b);
    expect(after.conflicts).toBe(0);
    expect(listConflicts(b.locker)).toEqual([]);
    expect(snapshotOf(a.locker)).toEqual(snapshotOf(b.locker));
  });
});
