import { LOCAL_ROOT, RECORD_TYPES, TYPES, type RecordType } from '../model/index.js';
import type { PodLayout } from './discovery.js';
import type { Member } from './resources.js';

/**
 * Where each record's document lives on the pod, and how IRIs translate
 * between the local store (`https://locker.invalid/<container>/<id>.ttl#it`)
 * and the pod.
 *
 * Most types are sharded: `<container><shard>/<id>.ttl`, where the shard is
 * two hex digits derived from the id alone (256 shards per type): Community
 * Solid Server slows as a container fills (~85 PUT/s empty, ~20/s at 5,500
 * members) and lists 1,000 members in ~0.35 s, so no container of Locker's
 * holds more than ~1,000 records below 256,000 records of a type. The shard
 * comes from the id, not from a date: an edit never moves a document, and
 * every replica finds a record at the same address without asking.
 * Locally the path stays flat (`<container>/<id>.ttl`). Contacts each get a folder of their own,
 * `<root>contacts/Person/<id>/index.ttl#this`, the layout of an address book
 * that SolidOS's contacts pane and Solid Data Modules create and read: the
 * contacts pane deletes a person by deleting the folder that holds the card
 * (`person.dir()`) recursively, so with one flat folder, deleting one person
 * there would delete every contact on the pod. Their main subject is
 * `#this` on the pod (as those apps write it) and `#it` in the store; the
 * two fragments are swapped, so the mapping is one to one both ways.
 */

const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const LOCAL_CONTACT = /^contacts\/([A-Za-z0-9_-]{1,128})\.ttl(#.*)?$/;
const POD_CONTACT = /^contacts\/Person\/([A-Za-z0-9_-]{1,128})\/index\.ttl(#.*)?$/;
/** A record of a sharded type, locally: `<container>/<id>.ttl`. */
const LOCAL_RECORD = /^([a-z]+)\/([A-Za-z0-9_-]{1,128})\.ttl(#.*)?$/;
/** …and on the pod: `<container>/<shard>/<id>.ttl`. */
const POD_RECORD = /^([a-z]+)\/([0-9a-f]{2})\/([A-Za-z0-9_-]{1,128})\.ttl(#.*)?$/;
const SHARD_NAME = /^[0-9a-f]{2}$/;
const SHARDED_CONTAINERS = new Set(RECORD_TYPES.filter((t) => !inFolders(t)).map((t) => TYPES[t].container));

/** The folder of an address book's people, below the contacts container (the name SolidOS and Solid Data Modules use). */
const PEOPLE_FOLDER = 'Person/';
const CARD = 'index.ttl';

/** Record types whose records each live in a folder of their own. */
export function inFolders(type: RecordType): boolean {
  return type === 'contact';
}

/** Record types whose records are spread over shard containers (every type not kept in folders). */
export function sharded(type: RecordType): boolean {
  return !inFolders(type);
}

/** The shard of a record: two hex digits of a 32-bit FNV-1a hash of its id (stable, the same on every replica). */
export function shardOf(id: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h & 0xff).toString(16).padStart(2, '0');
}

/** The shard container that holds a record of a sharded type. */
export function shardUrl(layout: Pick<PodLayout, 'containers'>, type: RecordType, shard: string): string {
  return `${layout.containers[type]}${shard}/`;
}

/** The shard a member of a type's container stands for (a container named with two hex digits), or undefined. */
export function shardOfListed(layout: Pick<PodLayout, 'containers'>, type: RecordType, member: Pick<Member, 'url' | 'isContainer'>): string | undefined {
  const container = layout.containers[type];
  if (!member.isContainer || !member.url.startsWith(container)) return undefined;
  const name = member.url.slice(container.length, -1);
  return member.url.endsWith('/') && SHARD_NAME.test(name) ? name : undefined;
}

/** The container whose listing names the type's records (for sharded types: the shards). */
export function listingUrl(layout: Pick<PodLayout, 'containers'>, type: RecordType): string {
  return inFolders(type) ? `${layout.containers[type]}${PEOPLE_FOLDER}` : layout.containers[type];
}

/** The pod document of one record. */
export function recordUrl(layout: Pick<PodLayout, 'containers'>, type: RecordType, id: string): string {
  return inFolders(type) ? `${listingUrl(layout, type)}${id}/${CARD}` : `${shardUrl(layout, type, shardOf(id))}${id}.ttl`;
}

/** Where a record of a sharded type was written before shards (`<container><id>.ttl`): moved by the next sync. */
export function flatRecordUrl(layout: Pick<PodLayout, 'containers'>, type: RecordType, id: string): string {
  return `${layout.containers[type]}${id}.ttl`;
}

/** The folder that holds one record's document, for types kept in folders. */
export function recordFolder(layout: PodLayout, type: RecordType, id: string): string | undefined {
  return inFolders(type) ? `${listingUrl(layout, type)}${id}/` : undefined;
}

/**
 * The record id a member of a listing stands for (`<id>.ttl` in a shard — or
 * in the type's container, where records were before shards —, or `<id>/` for
 * types in folders), or undefined when it is not one of Locker's names.
 * `container` is the listed container (default: the type's listing).
 */
export function idOfListed(layout: Pick<PodLayout, 'containers'>, type: RecordType, member: Pick<Member, 'url' | 'isContainer'>, container: string = listingUrl(layout, type)): string | undefined {
  if (!member.url.startsWith(container)) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(member.url.slice(container.length));
  } catch {
    return undefined;
  }
  const folders = inFolders(type);
  if (folders !== member.isContainer) return undefined;
  const id = folders ? (name.endsWith('/') ? name.slice(0, -1) : undefined) : name.endsWith('.ttl') ? name.slice(0, -4) : undefined;
  return id !== undefined && SAFE_ID.test(id) ? id : undefined;
}

function swapFragment(fragment: string | undefined): string {
  if (fragment === '#it') return '#this';
  if (fragment === '#this') return '#it';
  return fragment ?? '';
}

/** A local IRI as it is written on the pod (IRIs outside the local root are unchanged). */
export function toPodIri(layout: PodLayout, iri: string): string {
  if (!iri.startsWith(LOCAL_ROOT)) return iri;
  const rest = iri.slice(LOCAL_ROOT.length);
  const m = LOCAL_CONTACT.exec(rest);
  if (m?.[1]) return `${recordUrl(layout, 'contact', m[1])}${swapFragment(m[2])}`;
  const r = LOCAL_RECORD.exec(rest);
  if (r?.[1] && r[2] && SHARDED_CONTAINERS.has(r[1])) return `${layout.root}${r[1]}/${shardOf(r[2])}/${r[2]}.ttl${r[3] ?? ''}`;
  return layout.root + rest;
}

/** A pod IRI as the local store writes it (IRIs outside the pod's locker root are unchanged). */
export function toLocalIri(layout: Pick<PodLayout, 'root'>, iri: string): string {
  if (!iri.startsWith(layout.root)) return iri;
  const rest = iri.slice(layout.root.length);
  const m = POD_CONTACT.exec(rest);
  if (m?.[1]) return `${LOCAL_ROOT}contacts/${m[1]}.ttl${swapFragment(m[2])}`;
  const r = POD_RECORD.exec(rest);
  // Only the record's own shard: a document in another shard is not that record.
  if (r?.[1] && r[3] && SHARDED_CONTAINERS.has(r[1]) && r[2] === shardOf(r[3])) return `${LOCAL_ROOT}${r[1]}/${r[3]}.ttl${r[4] ?? ''}`;
  return LOCAL_ROOT + rest;
}

/** Whether a record's stored text may hold IRIs that differ on the pod (so its pod copy is written afresh rather than sent as stored). */
export function needsPodRewrite(type: RecordType, storedText: string): boolean {
  // Stored Turtle is relative to `<root><container>/<id>.ttl`: its own `<#…>` means the same at any address,
  // a link to anything else of the locker (`<../…>`) does not once the document is a level deeper.
  return inFolders(type) || storedText.includes('<../');
}

/** The address book Locker keeps over its contacts, laid out as SolidOS and Solid Data Modules read one. */
export interface AddressBookUrls {
  /** The `vcard:AddressBook` (registered in the type index with `solid:instance`). */
  readonly book: string;
  readonly bookDoc: string;
  /** `vcard:nameEmailIndex`: every person's name, with `vcard:inAddressBook`. */
  readonly people: string;
  /** `vcard:groupIndex`: the groups, with `vcard:includesGroup`. */
  readonly groups: string;
  /** The "All contacts" group, kept by Locker. */
  readonly all: string;
  /** Where the people's folders are (`Person/`). */
  readonly peopleFolder: string;
}

export function addressBookUrls(layout: Pick<PodLayout, 'containers'>): AddressBookUrls {
  const c = layout.containers.contact;
  return { book: `${c}index.ttl#this`, bookDoc: `${c}index.ttl`, people: `${c}people.ttl`, groups: `${c}groups.ttl`, all: `${c}Group/all.ttl#this`, peopleFolder: `${c}${PEOPLE_FOLDER}` };
}
