/**
 * Issue 18 points 2, 3 and 6, with the other apps' own code on a real Community Solid Server:
 * Solid Data Modules' contacts module (`@solid-data-modules/contacts-rdflib`, which PodOS's contacts
 * app uses) and solid-logic (`getScopedAppInstances`, as SolidOS's mashlib finds an address book)
 * find the address book Locker keeps, list and read its people and groups; a phone number and a
 * contact added from there arrive in Locker; SolidOS's way of deleting one person (contacts-pane
 * 3.3.0: patch out every mention, delete the card, delete the card's folder recursively) deletes
 * that one only, here and on the pod; a folder deleted as a whole is held, then restored.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Parser } from 'n3';
import { afterEach, describe, expect, it } from 'vitest';
import ContactsModule from '@solid-data-modules/contacts-rdflib';
import { Fetcher, graph, sym, UpdateManager, type IndexedFormula, type NamedNode } from 'rdflib';
import { solidLogicSingleton } from 'solid-logic';
import { login, newAccount, type Flavour } from './helpers/pod.js';
import { replica, sync, type Replica } from './helpers/sync.js';
import { createGrant, syncWithPod } from '../shared/api/index.js';
import { PLAIN } from './helpers/sync.js';

const VCARD = 'http://www.w3.org/2006/vcard/ns#';
const LDP = 'http://www.w3.org/ns/ldp#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const FIXTURES = path.join(import.meta.dirname, 'fixtures');

const open: Replica[] = [];
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

type Session = Awaited<ReturnType<typeof login>>;

/** An rdflib store that fetches as the pod's owner (another app's session: its own login, same person). */
function rdflibAs(s: Session): { store: IndexedFormula; fetcher: Fetcher; updater: UpdateManager } {
  const store = graph();
  const fetcher = new Fetcher(store, { fetch: s.fetch });
  const updater = new UpdateManager(store);
  return { store, fetcher, updater };
}

/**
 * contacts-pane 3.3.0 `deleteRecursive`: every member of the folder, then the folder (contacts-pane sends
 * the folder's DELETE alongside its members'; here it waits for them, as solid-logic's `recursiveDelete`
 * does, so that a folder with several files is deleted too rather than refused with 409).
 */
async function deleteRecursive(kb: IndexedFormula, folder: NamedNode): Promise<void> {
  const fetcher = kb.fetcher;
  if (!fetcher) throw new Error('no fetcher');
  await fetcher.load(folder, { force: true });
  const jobs: Array<Promise<unknown>> = kb.each(folder, sym(`${LDP}contains`)).map((file) => {
    const f = file as NamedNode;
    if (kb.holds(f, sym(RDF_TYPE), sym(`${LDP}BasicContainer`))) return deleteRecursive(kb, f);
    return fetcher.webOperation('DELETE', f.uri);
  });
  await Promise.all(jobs);
  await fetcher.webOperation('DELETE', folder.uri);
}

/**
 * contacts-pane 3.3.0's "delete contact": load the groups and the people index, patch every statement
 * about the person out of the documents that hold it (`deleteThingAndDoc`), delete the card, then the
 * card's folder — `person.dir()`, "ASSUMPTION THAT CARD IS IN ITS OWN DIRECTORY".
 */
async function solidOsDeletePerson(kb: IndexedFormula, book: NamedNode, person: NamedNode): Promise<void> {
  const fetcher = kb.fetcher;
  const updater = kb.updater;
  if (!fetcher || !updater) throw new Error('no fetcher');
  await fetcher.load(book.doc());
  const groupIndex = kb.any(book, sym(`${VCARD}groupIndex`)) as NamedNode;
  const people = kb.any(book, sym(`${VCARD}nameEmailIndex`)) as NamedNode;
  await fetcher.load([groupIndex, people]);
  const groups = kb.each(book, sym(`${VCARD}includesGroup`), null, groupIndex.doc()) as NamedNode[];
  await fetcher.load(groups.map((g) => g.doc()));
  await fetcher.load(person.doc());
  const container = person.dir();
  if (!container) throw new Error('no folder');
  const ds = kb.statementsMatching(person).concat(kb.statementsMatching(undefined, undefined, person));
  await updater.updateMany(ds);
  await fetcher.delete(person.doc().uri);
  await deleteRecursive(kb, container);
}

async function lockerWithContacts(flavour: Flavour) {
  const account = await newAccount(flavour);
  const a = await replica(account);
  open.push(a);
  const group = path.join(a.home, 'family.vcf');
  writeFileSync(group, 'BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Family\r\nUID:urn:uuid:5a1f0e4b-3c2d-4e5f-8a9b-0c1d2e3f4a5b\r\nMEMBER:urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af\r\nEND:VCARD\r\n');
  const imported = await a.locker.importFiles([path.join(FIXTURES, 'contacts.vcf'), group]);
  expect(imported.imported).toBe(5);
  await sync(a);
  const s = await login(account);
  return { account, a, s };
}

function idByName(r: Replica, name: string): string {
  const hit = r.locker.list({ type: 'contact' }).find((c) => c.title === name);
  if (!hit) throw new Error(`no contact ${name}`);
  return hit.id;
}

for (const flavour of ['wac', 'acp'] as Flavour[]) {
  describe(`the address book other Solid apps read (${flavour})`, () => {
    it('is found by solid-logic and Solid Data Modules, lists every person and group, and reads each card', async () => {
      const { account, a, s } = await lockerWithContacts(flavour);
      try {
        const book = `${account.podUrl}locker/contacts/index.ttl#this`;
        // SolidOS (mashlib) finds address books with solid-logic's getScopedAppInstances.
        (solidLogicSingleton.store.fetcher as unknown as { _fetch: typeof fetch })._fetch = s.fetch;
        const found: Array<{ instance: NamedNode }> = await solidLogicSingleton.typeIndex.getScopedAppInstances(sym(`${VCARD}AddressBook`), sym(account.webId));
        expect(found.map((f) => f.instance.value)).toContain(book);
        // solid-logic makes a public type index when the profile links none: it found Locker's and made no other.
        const profile = new Parser({ baseIRI: account.webId }).parse(await (await s.fetch(account.webId)).text());
        const links = profile.filter((q) => q.predicate.value === 'http://www.w3.org/ns/solid/terms#publicTypeIndex').map((q) => q.object.value);
        expect(links).toEqual([`${account.podUrl}settings/publicTypeIndex.ttl`]);

        const contacts = new ContactsModule(rdflibAs(s));
        const books = await contacts.listAddressBooks(account.webId);
        expect(books.privateUris).toEqual([book]);
        const read = await contacts.readAddressBook(book);
        expect(read.title).toBe('Contacts');
        const names = a.locker.list({ type: 'contact' }).map((c) => c.title);
        expect(read.contacts.map((c) => c.name).sort()).toEqual([...names].sort());
        expect(read.groups.map((g) => g.name).sort()).toEqual(['All contacts', 'Family']);
        const all = read.groups.find((g) => g.name === 'All contacts');
        expect((await contacts.readGroup(all?.uri ?? '')).members.length).toBe(names.length);

        const joerg = read.contacts.find((c) => c.name === 'Dr. Jörg Müller');
        const card = await contacts.readContact(joerg?.uri ?? '');
        expect(card.emails.map((e) => e.value)).toEqual(['joerg.mueller@example.de']);
        expect(card.phoneNumbers.map((p) => p.value)).toEqual(['+41-79-123-45-67']);
      } finally {
        await s.close();
      }
    });

    it('pulls a phone number and a new contact added with Solid Data Modules, and keeps them in the index', async () => {
      const { account, a, s } = await lockerWithContacts(flavour);
      try {
        const book = `${account.podUrl}locker/contacts/index.ttl#this`;
        const contacts = new ContactsModule(rdflibAs(s));
        const ann = idByName(a, 'Ann Lee');
        await contacts.addNewPhoneNumber({ contactUri: `${account.podUrl}locker/contacts/Person/${ann}/index.ttl#this`, newPhoneNumber: '+1-555-555-0100' });
        const created = await contacts.createNewContact({ addressBookUri: book, contact: { name: 'Zoë Added-Elsewhere', email: 'zoe@example.org', phoneNumber: '+442079460000' } });

        const pulled = await sync(a);
        expect(pulled.pulled).toBe(2);
        const shown = a.locker.show(ann);
        expect(JSON.stringify(shown)).toContain('tel:+1-555-555-0100');
        const zoe = a.locker.search('Zoë', { type: 'contact' });
        expect(zoe.map((z) => z.title)).toEqual(['Zoë Added-Elsewhere']);
        expect(JSON.stringify(a.locker.show(zoe[0]?.id ?? ''))).toContain('zoe@example.org');
        // The new contact's card is the one Locker reads and writes: no copy anywhere else.
        expect(created).toBe(`${account.podUrl}locker/contacts/Person/${zoe[0]?.id}/index.ttl#this`);

        // The people index still names both after Locker rewrote it, and a second sync changes nothing.
        const again = await contacts.readAddressBook(book);
        expect(again.contacts.map((c) => c.name)).toContain('Zoë Added-Elsewhere');
        expect(again.contacts).toHaveLength(6);
        expect(await sync(a)).toMatchObject({ pushed: 0, pulled: 0 });
        // An edit in Locker reaches the other app.
        expect((await a.locker.edit(zoe[0]?.id ?? '', [{ name: 'fn', value: 'Zoë Renamed' }])).kind).toBe('ok');
        expect((await sync(a)).pushed).toBe(1);
        const fresh = new ContactsModule(rdflibAs(s));
        expect((await fresh.readAddressBook(book)).contacts.map((c) => c.name)).toContain('Zoë Renamed');
        expect((await fresh.readContact(created)).name).toBe('Zoë Renamed');
      } finally {
        await s.close();
      }
    });

    it("SolidOS's delete of one person deletes that one only; a whole folder deleted is held, then restored", async () => {
      const { account, a, s } = await lockerWithContacts(flavour);
      try {
        const book = sym(`${account.podUrl}locker/contacts/index.ttl#this`);
        const bob = a.locker.search('bob', { type: 'contact' })[0]?.id ?? '';
        const kb = rdflibAs(s).store;
        await solidOsDeletePerson(kb, book, sym(`${account.podUrl}locker/contacts/Person/${bob}/index.ttl#this`));
        const after = await sync(a);
        expect(after).toMatchObject({ deletedLocal: 1 });
        expect(after.held).toBeUndefined();
        expect(a.locker.list({ type: 'contact' })).toHaveLength(4);
        const read = await new ContactsModule(rdflibAs(s)).readAddressBook(book.value);
        expect(read.contacts).toHaveLength(4);
        for (const c of a.locker.list({ type: 'contact' })) expect((await s.fetch(`${account.podUrl}locker/contacts/Person/${c.id}/index.ttl`)).status).toBe(200);

        // What the same delete does with one folder for every card: the whole people folder, recursively.
        await deleteRecursive(rdflibAs(s).store, sym(`${account.podUrl}locker/contacts/Person/`));
        const held = await sync(a);
        expect(held.held?.count).toBe(4);
        expect(a.locker.list({ type: 'contact' })).toHaveLength(4);
        const restored = await syncWithPod(a.locker, { env: PLAIN }, { deletions: 'restore' });
        if (restored.kind !== 'ok') throw new Error(restored.message);
        expect(restored.summary.pushed).toBe(4);
        const back = await new ContactsModule(rdflibAs(s)).readAddressBook(book.value);
        expect(back.contacts.map((c) => c.name).sort()).toEqual(a.locker.list({ type: 'contact' }).map((c) => c.title).sort());
      } finally {
        await s.close();
      }
    });

    it('is shared exactly as contacts are: a grant on contacts opens the address book and the cards, nothing else', async () => {
      const { account, a, s } = await lockerWithContacts(flavour);
      const botAccount = await newAccount(flavour, 'bot');
      const bot = await login(botAccount);
      try {
        const book = `${account.podUrl}locker/contacts/index.ttl#this`;
        const before = new ContactsModule(rdflibAs(bot));
        await expect(before.readAddressBook(book)).rejects.toThrow();
        const g = await createGrant(a.locker, { env: PLAIN }, { agent: botAccount.webId, types: ['contact'], paths: [], modes: ['read'], purpose: 'https://w3id.org/dpv#ServiceProvision', untilMs: Date.now() + 86_400_000 });
        expect(g.kind).toBe('ok');
        const read = await new ContactsModule(rdflibAs(bot)).readAddressBook(book);
        expect(read.contacts).toHaveLength(5);
        expect((await bot.fetch(`${account.podUrl}locker/contacts/Person/${idByName(a, 'Ann Lee')}/index.ttl`)).status).toBe(200);
        expect((await bot.fetch(`${account.podUrl}locker/events/`)).status).toBe(403);
        // Read only: the bot cannot add to the address book.
        expect((await bot.fetch(`${account.podUrl}locker/contacts/people.ttl`, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: '' })).status).toBe(403);
      } finally {
        await bot.close();
        await s.close();
      }
    });

    it('moves the cards of a pod synced before they had folders, with an edit made there meanwhile, once, leaving nothing behind', async () => {
      const { account, a, s } = await lockerWithContacts(flavour);
      try {
        const pod = `${account.podUrl}locker/contacts/`;
        const ids = a.locker.list({ type: 'contact' }).map((c) => c.id);
        // The pod as the previous layout left it: each card flat in contacts/, written as the store keeps it.
        for (const id of ids) {
          const stored = a.locker.store.get(id)?.rdf ?? '';
          expect((await s.fetch(`${pod}${id}.ttl`, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: stored })).status).toBe(201);
          expect((await s.fetch(`${pod}Person/${id}/index.ttl`, { method: 'DELETE' })).status).toBe(205);
          expect((await s.fetch(`${pod}Person/${id}/`, { method: 'DELETE' })).status).toBe(205);
        }
        a.locker.store.transaction(() => {
          a.locker.store.sync.setMeta('sync.layout', '');
          for (const id of ids) a.locker.store.sync.forgetRemoteAddress(id);
        });
        // Another app edits one flat card before Locker moves it.
        const joerg = idByName(a, 'Dr. Jörg Müller');
        const patch = `@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n_:p a solid:InsertDeletePatch; solid:inserts { <#it> <${VCARD}nickname> "Jörgi". }.`;
        expect((await s.fetch(`${pod}${joerg}.ttl`, { method: 'PATCH', headers: { 'content-type': 'text/n3' }, body: patch })).status).toBe(205);

        const moved = await sync(a);
        expect(moved.held).toBeUndefined();
        expect(moved).toMatchObject({ deletedLocal: 0, deletedRemote: 0, pulled: 1 });
        expect(a.locker.list({ type: 'contact' }).map((c) => c.id).sort()).toEqual([...ids].sort());
        expect(JSON.stringify(a.locker.show(joerg))).toContain('Jörgi');
        for (const id of ids) {
          expect((await s.fetch(`${pod}${id}.ttl`)).status).toBe(404);
          expect((await s.fetch(`${pod}Person/${id}/index.ttl`)).status).toBe(200);
        }
        expect(await sync(a)).toMatchObject({ pushed: 0, pulled: 0 });
        // Told to move again (as after a sync stopped before it could note the move): nothing is read twice or lost.
        a.locker.store.transaction(() => a.locker.store.sync.setMeta('sync.layout', ''));
        expect(await sync(a)).toMatchObject({ pushed: 0, pulled: 0, deletedLocal: 0 });
        const read = await new ContactsModule(rdflibAs(s)).readAddressBook(`${pod}index.ttl#this`);
        expect(read.contacts).toHaveLength(ids.length);
      } finally {
        await s.close();
      }
    });
  });
}
