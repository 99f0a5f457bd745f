import type { Quad } from '@rdfjs/types';
import { iri, namedNode, quad, subjectIri, type LockerRecord } from '../model/index.js';
import type { Store } from '../store/index.js';

const S_EMAIL = iri('schema', 'email');
const SAME_AS = iri('schema', 'sameAs');
const V_VALUE = iri('vcard', 'value');

function contactEmails(r: LockerRecord): string[] {
  return r.quads.filter((q) => q.predicate.value === V_VALUE && q.object.value.startsWith('mailto:')).map((q) => q.object.value.slice(7).toLowerCase());
}

function addLinks(event: LockerRecord, contactFor: (email: string) => string | undefined): LockerRecord {
  const extra: Quad[] = [];
  for (const q of event.quads) {
    if (q.predicate.value !== S_EMAIL || q.object.termType !== 'Literal') continue;
    const target = contactFor(q.object.value.toLowerCase());
    if (!target) continue;
    const exists = event.quads.some((x) => x.subject.equals(q.subject) && x.predicate.value === SAME_AS && x.object.value === target);
    if (!exists) extra.push(quad(q.subject, namedNode(SAME_AS), namedNode(target)));
  }
  return extra.length ? { ...event, quads: [...event.quads, ...extra] } : event;
}

/**
 * Links people in events (organizer, attendees) and messages (sender, recipients) to contacts with the same
 * email address, both ways: events being imported get `schema:sameAs` to
 * known contacts, and contacts being imported are linked from the events
 * already in the store. Returns the incoming records (linked) and the stored
 * events that gained a link. Call inside the write transaction.
 */
export function linkPeople(store: Store, incoming: readonly LockerRecord[]): { records: LockerRecord[]; touched: LockerRecord[] } {
  const batchContacts = new Map<string, string>();
  for (const r of incoming) if (r.type === 'contact') for (const e of contactEmails(r)) if (!batchContacts.has(e)) batchContacts.set(e, subjectIri('contact', r.id));
  const cache = new Map<string, string | undefined>();
  const contactFor = (email: string): string | undefined => {
    const inBatch = batchContacts.get(email);
    if (inBatch) return inBatch;
    if (!cache.has(email)) {
      const ids = store.idsByEmail(email, 'self').sort();
      cache.set(email, ids[0] ? subjectIri('contact', ids[0]) : undefined);
    }
    return cache.get(email);
  };
  const records = incoming.map((r) => (r.type === 'event' || r.type === 'message' ? addLinks(r, contactFor) : r));
  const incomingIds = new Set(incoming.map((r) => r.id));
  const touched = new Map<string, LockerRecord>();
  for (const email of batchContacts.keys()) {
    for (const id of store.idsByEmail(email, 'attendee')) {
      if (incomingIds.has(id)) continue;
      const event = touched.get(id) ?? store.getRecord(id);
      if (!event || (event.type !== 'event' && event.type !== 'message')) continue;
      const linked = addLinks(event, contactFor);
      if (linked !== event) touched.set(id, linked);
    }
  }
  return { records, touched: [...touched.values()] };
}
