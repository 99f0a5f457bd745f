import { DataFactory, Parser } from 'n3';
import type { Quad } from '@rdfjs/types';
import { quadsToTurtleAt, recordFromTurtle, RDF_TYPE } from '../model/index.js';
import { addressBookUrls, getResource, headResource, HttpError, putResource, recordUrl, type AddressBookUrls, type PodContext, type PodLayout } from '../pod/index.js';
import type { Store } from '../store/index.js';
import type { SyncIssue } from './engine.js';
import { sameGraph } from './merge.js';

const { namedNode, literal, quad } = DataFactory;
const VCARD = 'http://www.w3.org/2006/vcard/ns#';
const TURTLE = 'text/turtle';
/** Tries at writing one index when another app keeps changing it in between. */
const ATTEMPTS = 3;

export interface AddressBookOptions {
  readonly store: Store;
  readonly pod: PodContext;
  readonly layout: PodLayout;
}

interface Person {
  readonly iri: string;
  readonly name: string;
}

const V = (l: string) => namedNode(`${VCARD}${l}`);

/** The locker's contacts as the address book names them, and which of them are groups (`vcard:Group`, from a vCard KIND:group). */
function localPeople(store: Store, layout: PodLayout): { people: Person[]; groups: Person[] } {
  const people: Person[] = [];
  const groups: Person[] = [];
  for (const c of store.list({ type: 'contact' })) {
    const p = { iri: `${recordUrl(layout, 'contact', c.id)}#this`, name: c.title };
    people.push(p);
    const stored = store.get(c.id);
    if (!stored?.rdf.includes('Group')) continue;
    const record = recordFromTurtle('contact', c.id, stored.rdf);
    if (record.quads.some((q) => q.subject.value.endsWith('#it') && q.predicate.value === RDF_TYPE && q.object.value === `${VCARD}Group`)) groups.push(p);
  }
  return { people, groups };
}

/**
 * Rewrites one index document of the address book when what it should say
 * differs from what it says: `desired` gets the document's current quads
 * (never another app's entries dropped unless `desired` decides so) and
 * returns the quads it should hold. Conditional on the ETag read; on 412
 * (another app wrote in between) read and decide again.
 */
async function rewrite(pod: PodContext, url: string, root: string, desired: (current: readonly Quad[]) => Promise<Quad[]>): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const got = await getResource(pod, url);
    let current: Quad[] = [];
    if (got.kind === 'ok') {
      try {
        current = new Parser({ baseIRI: url, format: TURTLE }).parse(got.body);
      } catch {
        // An index no app can read holds nothing to keep: written afresh.
        current = [];
      }
    }
    const next = await desired(current);
    if (got.kind === 'ok' && sameGraph(current, next)) return;
    const body = quadsToTurtleAt(next, url, root);
    const put = await putResource(pod, url, body, TURTLE, got.kind === 'ok' && got.etag ? { mode: 'update', etag: got.etag } : got.kind === 'ok' ? { mode: 'overwrite' } : { mode: 'create' });
    if (put.kind !== 'precondition-failed') return;
  }
  throw new HttpError(412, url, `PUT ${url}: another app kept changing it while Locker updated it (the next sync tries again)`);
}

/** A person entry under the people folder that Locker doesn't know: kept while its card exists (another app's new contact, read at the next sync). */
async function cardExists(pod: PodContext, iri: string): Promise<boolean> {
  const doc = iri.split('#')[0] ?? iri;
  return (await headResource(pod, doc)).kind === 'ok';
}

function peopleIndex(pod: PodContext, urls: AddressBookUrls, people: readonly Person[]): (current: readonly Quad[]) => Promise<Quad[]> {
  return async (current) => {
    const ours = new Set(people.map((p) => p.iri));
    const book = namedNode(urls.book);
    const out: Quad[] = [];
    const unknown = new Map<string, boolean>();
    for (const q of current) {
      const s = q.subject.value;
      if (ours.has(s)) continue;
      if (s.startsWith(urls.peopleFolder)) {
        let keep = unknown.get(s);
        if (keep === undefined) unknown.set(s, (keep = await cardExists(pod, s)));
        if (!keep) continue;
      }
      out.push(q);
    }
    for (const p of people) {
      out.push(quad(namedNode(p.iri), V('inAddressBook'), book), quad(namedNode(p.iri), V('fn'), literal(p.name)));
    }
    return out;
  };
}

function groupIndex(urls: AddressBookUrls, groups: readonly Person[]): (current: readonly Quad[]) => Promise<Quad[]> {
  return async (current) => {
    const all: Person = { iri: urls.all, name: 'All contacts' };
    const ours = [all, ...groups];
    // Groups of Locker's: the "All" group and the groups among its contacts. Other apps' groups (SolidOS's `Group/<name>.ttl`) are kept.
    const isOurs = (iri: string) => iri === urls.all || iri.startsWith(urls.peopleFolder);
    const out = current.filter((q) => !isOurs(q.subject.value) && !(q.predicate.value === `${VCARD}includesGroup` && isOurs(q.object.value)));
    const book = namedNode(urls.book);
    for (const g of ours) out.push(quad(book, V('includesGroup'), namedNode(g.iri)), quad(namedNode(g.iri), namedNode(RDF_TYPE), V('Group')), quad(namedNode(g.iri), V('fn'), literal(g.name)));
    return Promise.resolve(out);
  };
}

function allGroup(urls: AddressBookUrls, people: readonly Person[]): () => Promise<Quad[]> {
  return () => {
    const g = namedNode(urls.all);
    const out: Quad[] = [quad(g, namedNode(RDF_TYPE), V('Group')), quad(g, V('fn'), literal('All contacts'))];
    for (const p of people) out.push(quad(g, V('hasMember'), namedNode(p.iri)), quad(namedNode(p.iri), V('fn'), literal(p.name)));
    return Promise.resolve(out);
  };
}

/**
 * Keeps the address book over Locker's contacts up to date after a sync —
 * the people index (names), the group index and the "All contacts" group —
 * so that SolidOS and Solid Data Modules list the same people Locker has.
 * The address book document itself is created by discovery and never
 * rewritten (another app may have renamed it). Returns what failed; a
 * failure here never fails the sync, the next one tries again.
 */
export async function maintainAddressBook(o: AddressBookOptions): Promise<SyncIssue[]> {
  const urls = addressBookUrls(o.layout);
  const { people, groups } = localPeople(o.store, o.layout);
  const issues: SyncIssue[] = [];
  const steps: Array<[string, (current: readonly Quad[]) => Promise<Quad[]>]> = [
    [urls.people, peopleIndex(o.pod, urls, people)],
    [urls.groups, groupIndex(urls, groups)],
    [urls.all.split('#')[0] ?? urls.all, allGroup(urls, people)],
  ];
  for (const [url, desired] of steps) {
    try {
      await rewrite(o.pod, url, o.layout.root, desired);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      issues.push({ url, message: e.message });
    }
  }
  return issues;
}
