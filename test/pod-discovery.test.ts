/**
 * How other Solid apps find Locker's data (issue 18 points 1 and 5), on a real Community Solid Server:
 * the private type index linked from a preferences file (as the Solid Type Indexes spec requires and
 * SolidOS, Solid Data Modules and PodOS look for it), one made by another app reused and never
 * overwritten, schema.org classes registered under https:// too, records that soukai-style apps
 * wrote with https://schema.org/ terms pulled as Locker's own, and other apps' files in Locker's
 * containers left alone and said once (issue 18 point 4).
 */
import { Parser } from 'n3';
import { afterEach, describe, expect, it } from 'vitest';
import { login, newAccount, type Flavour } from './helpers/pod.js';
import { auditPod } from '../shared/api/audit.js';
import { PLAIN, replica, sync, type Replica } from './helpers/sync.js';

const SOLID = 'http://www.w3.org/ns/solid/terms#';
const PIM = 'http://www.w3.org/ns/pim/space#';

const open: Replica[] = [];
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

type Session = Awaited<ReturnType<typeof login>>;

async function objectOf(s: Session, doc: string, subject: string, predicate: string): Promise<string | undefined> {
  const res = await s.fetch(doc);
  expect(res.status, doc).toBe(200);
  const quads = new Parser({ baseIRI: doc }).parse(await res.text());
  return quads.find((q) => q.subject.value === subject && q.predicate.value === predicate)?.object.value;
}

async function containerFor(s: Session, index: string, cls: string): Promise<string | undefined> {
  const quads = new Parser({ baseIRI: index }).parse(await (await s.fetch(index)).text());
  const reg = quads.find((q) => q.predicate.value === `${SOLID}forClass` && q.object.value === cls)?.subject.value;
  return quads.find((q) => q.subject.value === reg && q.predicate.value === `${SOLID}instanceContainer`)?.object.value;
}

/** A new pod, a locker synced with it once, and the owner's own session for looking at the pod directly. */
async function syncedPod(flavour: Flavour) {
  const account = await newAccount(flavour);
  const a = await replica(account);
  open.push(a);
  await sync(a);
  return { account, a, s: await login(account) };
}

const patch = (inserts: string) => ({ method: 'PATCH', headers: { 'content-type': 'text/n3' }, body: `@prefix solid: <${SOLID}>.\n_:p a solid:InsertDeletePatch; solid:inserts { ${inserts} }.` });
const put = (body: string) => ({ method: 'PUT', headers: { 'content-type': 'text/turtle' }, body });

for (const flavour of ['wac', 'acp'] as Flavour[]) {
  describe(`discovery by other Solid apps (${flavour})`, () => {
    it('links the private type index from a preferences file it creates (owner-only), and registers https://schema.org classes too', async () => {
      const { account, a, s } = await syncedPod(flavour);
      try {
        const prefs = await objectOf(s, account.webId, account.webId, `${PIM}preferencesFile`);
        expect(prefs).toBeTruthy();
        const index = await objectOf(s, account.webId, account.webId, `${SOLID}privateTypeIndex`);
        expect(await objectOf(s, prefs ?? '', account.webId, `${SOLID}privateTypeIndex`)).toBe(index);
        // Nobody but the owner reads either.
        for (const doc of [prefs ?? '', index ?? '']) expect([401, 403]).toContain((await fetch(doc)).status);
        expect(await containerFor(s, index ?? '', 'http://schema.org/Event')).toBe(`${account.podUrl}locker/events/`);
        expect(await containerFor(s, index ?? '', 'https://schema.org/Event')).toBe(`${account.podUrl}locker/events/`);
        // A public type index, linked from the profile and readable by anyone (nothing of Locker's in it).
        const pub = await objectOf(s, account.webId, account.webId, `${SOLID}publicTypeIndex`);
        expect(pub).toBe(`${account.podUrl}settings/publicTypeIndex.ttl`);
        const anonymous = await fetch(pub ?? '');
        expect(anonymous.status).toBe(200);
        expect(await anonymous.text()).not.toContain('locker/');
        expect([401, 403]).toContain((await fetch(pub ?? '', { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: '' })).status);
        // A second sync adds no second link or registration.
        await sync(a);
        const profile = new Parser({ baseIRI: account.webId }).parse(await (await s.fetch(account.webId)).text());
        expect(profile.filter((q) => q.predicate.value === `${PIM}preferencesFile`)).toHaveLength(1);
        expect(profile.filter((q) => q.predicate.value === `${SOLID}publicTypeIndex`)).toHaveLength(1);
        // A locker that remembers a layout found by an older Locker discovers again: what is missing is added.
        const book = `${account.podUrl}locker/contacts/index.ttl`;
        expect((await s.fetch(book, { method: 'DELETE' })).status).toBe(205);
        const remembered = JSON.parse(a.locker.store.sync.meta('pod.layout') ?? '{}') as Record<string, unknown>;
        delete remembered['discoveryVersion'];
        a.locker.store.transaction(() => a.locker.store.sync.setMeta('pod.layout', JSON.stringify(remembered)));
        await sync(a);
        expect(await (await s.fetch(book)).text()).toContain('AddressBook');
      } finally {
        await s.close();
      }
    });

    it('reuses the preferences file and type index another app made, and never overwrites them', async () => {
      const account = await newAccount(flavour);
      const s = await login(account);
      try {
        const prefs = `${account.podUrl}settings/solidos-prefs.ttl`;
        const index = `${account.podUrl}settings/solidos-index.ttl`;
        expect((await s.fetch(index, put(`<> a <${SOLID}TypeIndex>, <${SOLID}UnlistedDocument>.\n<#notes> a <${SOLID}TypeRegistration>; <${SOLID}forClass> <http://example.org/Note>; <${SOLID}instanceContainer> <${account.podUrl}notes/>.\n`))).status).toBeLessThan(300);
        expect((await s.fetch(prefs, put(`<> a <${PIM}ConfigurationFile>.\n<${account.webId}> <${SOLID}privateTypeIndex> <${index}>; <http://example.org/theme> "dark".\n`))).status).toBeLessThan(300);
        expect((await s.fetch(account.webId.split('#')[0] ?? '', patch(`<${account.webId}> <${PIM}preferencesFile> <${prefs}>.`))).status).toBeLessThan(300);
        const pub = `${account.podUrl}profile/publicTypeIndex.ttl`;
        expect((await s.fetch(pub, put(`<> a <${SOLID}TypeIndex>, <${SOLID}ListedDocument>.\n<#books> a <${SOLID}TypeRegistration>; <${SOLID}forClass> <http://example.org/Book>; <${SOLID}instance> <${account.podUrl}public/books.ttl>.\n`))).status).toBeLessThan(300);
        expect((await s.fetch(account.webId.split('#')[0] ?? '', patch(`<${account.webId}> <${SOLID}publicTypeIndex> <${pub}>.`))).status).toBeLessThan(300);

        const a = await replica(account);
        open.push(a);
        await sync(a);
        expect(await objectOf(s, account.webId, account.webId, `${PIM}preferencesFile`)).toBe(prefs);
        expect(await objectOf(s, account.webId, account.webId, `${SOLID}privateTypeIndex`)).toBe(index);
        expect(await objectOf(s, prefs, account.webId, 'http://example.org/theme')).toBe('dark');
        expect(await containerFor(s, index, 'http://example.org/Note')).toBe(`${account.podUrl}notes/`);
        expect(await containerFor(s, index, 'http://schema.org/Event')).toBe(`${account.podUrl}locker/events/`);
        // No second index of Locker's own beside the one the other app made.
        expect((await s.fetch(`${account.podUrl}settings/privateTypeIndex.ttl`)).status).toBe(404);
        expect(await objectOf(s, account.webId, account.webId, `${SOLID}publicTypeIndex`)).toBe(pub);
        expect(await (await s.fetch(pub)).text()).toContain('example.org/Book');
        expect((await s.fetch(`${account.podUrl}settings/publicTypeIndex.ttl`)).status).toBe(404);
      } finally {
        await s.close();
      }
    });

    it('pulls a record another app wrote with https://schema.org/ terms as an event of its own', async () => {
      const { account, a, s } = await syncedPod(flavour);
      try {
        const doc = `${account.podUrl}locker/events/soukai-written-1.ttl`;
        const body = '@prefix s: <https://schema.org/>.\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#>.\n<#it> a s:Event; s:name "Written by a soukai app"; s:startDate "2024-05-01T10:00:00Z"^^xsd:dateTime.\n';
        expect((await s.fetch(doc, put(body))).status).toBeLessThan(300);
      } finally {
        await s.close();
      }
      const pulled = await sync(a);
      expect(pulled.pulled).toBe(1);
      const found = a.locker.search('soukai', { type: 'event' });
      expect(found.map((r) => [r.title, r.start])).toEqual([['Written by a soukai app', '2024-05-01T10:00:00Z']]);
    });
  });

  describe(`other apps' files in Locker's containers (${flavour})`, () => {
    it('are never overwritten or deleted, are said in the first sync that meets them only, and are listed by the audit', async () => {
      const { account, a, s } = await syncedPod(flavour);
      const note = `${account.podUrl}locker/contacts/Person/notes-from-another-app.txt`;
      const lookalike = `${account.podUrl}locker/events/other-app.ttl`;
      const lookalikeBody = '<#it> a <http://example.org/Reminder>; <http://example.org/text> "not an event".\n';
      try {
        expect((await s.fetch(note, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'mine' })).status).toBeLessThan(300);
        expect((await s.fetch(lookalike, put(lookalikeBody))).status).toBeLessThan(300);
        const first = await sync(a);
        expect(first.skipped.map((k) => k.url).sort()).toEqual([lookalike, note].sort());
        const second = await sync(a);
        expect(second.skipped).toEqual([]);
        expect(await (await s.fetch(note)).text()).toBe('mine');
        expect(await (await s.fetch(lookalike)).text()).toContain('not an event');
        const audit = await auditPod(a.locker, { env: PLAIN });
        if (audit.kind !== 'ok') throw new Error(audit.message);
        expect([...audit.report.foreign].sort()).toEqual([lookalike, note].sort());
      } finally {
        await s.close();
      }
    });
  });
}
