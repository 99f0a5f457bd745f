import { iri } from './vocab.js';

/** The kinds of record a locker keeps. Each maps to one class and one pod container. */
export const RECORD_TYPES = ['contact', 'event', 'place', 'track', 'photo', 'purchase', 'health', 'post', 'message', 'bookmark', 'reading', 'note'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export interface TypeInfo {
  readonly type: RecordType;
  /** The RDF class of the record's main subject. */
  readonly class: string;
  /** Container name under the locker root, e.g. `events` → `<root>/events/<id>.ttl`. */
  readonly container: string;
  /** Predicates tried in order for the human title. */
  readonly titleFrom: readonly string[];
  /** Predicate holding the record's point in time (for the timeline and range queries), if any. */
  readonly startFrom?: string;
  readonly endFrom?: string;
  /** What a person calls one of these. */
  readonly label: string;
}

const S = (l: string) => iri('schema', l);
const V = (l: string) => iri('vcard', l);
const AS = (l: string) => iri('as', l);

export const TYPES: Readonly<Record<RecordType, TypeInfo>> = {
  contact: { type: 'contact', class: V('Individual'), container: 'contacts', titleFrom: [V('fn'), V('organization-name')], label: 'Contact' },
  event: { type: 'event', class: S('Event'), container: 'events', titleFrom: [S('name')], startFrom: S('startDate'), endFrom: S('endDate'), label: 'Event' },
  place: { type: 'place', class: S('Place'), container: 'places', titleFrom: [S('name'), S('address')], label: 'Place' },
  track: { type: 'track', class: S('Trip'), container: 'tracks', titleFrom: [S('name')], startFrom: S('departureTime'), endFrom: S('arrivalTime'), label: 'Track' },
  photo: { type: 'photo', class: S('Photograph'), container: 'photos', titleFrom: [S('name')], startFrom: S('dateCreated'), label: 'Photo' },
  purchase: { type: 'purchase', class: S('Order'), container: 'purchases', titleFrom: [S('name'), S('description')], startFrom: S('orderDate'), label: 'Purchase' },
  health: { type: 'health', class: S('Observation'), container: 'health', titleFrom: [S('name'), S('measuredProperty')], startFrom: S('observationDate'), label: 'Health entry' },
  post: { type: 'post', class: AS('Note'), container: 'posts', titleFrom: [AS('name'), AS('summary'), AS('content')], startFrom: AS('published'), label: 'Post' },
  message: { type: 'message', class: S('EmailMessage'), container: 'messages', titleFrom: [S('name'), S('text')], startFrom: S('dateSent'), label: 'Message' },
  bookmark: { type: 'bookmark', class: S('WebPage'), container: 'bookmarks', titleFrom: [S('name'), S('url')], startFrom: S('dateCreated'), label: 'Bookmark' },
  reading: { type: 'reading', class: S('ReadAction'), container: 'reading', titleFrom: [S('name')], startFrom: S('endTime'), label: 'Book' },
  note: { type: 'note', class: S('NoteDigitalDocument'), container: 'notes', titleFrom: [S('name'), S('text')], startFrom: S('dateCreated'), label: 'Note' },
};

export function isRecordType(value: string): value is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(value);
}

export function typeOfClass(classIri: string): RecordType | undefined {
  return RECORD_TYPES.find((t) => TYPES[t].class === classIri);
}

/** The record type kept in a container of that name (`events` → `event`). */
export function typeOfContainer(name: string): RecordType | undefined {
  return RECORD_TYPES.find((t) => TYPES[t].container === name);
}
