import { LOCAL_ROOT, type RecordType } from '../model/index.js';
import type { PodLayout } from './discovery.js';
import type { Member } from './resources.js';

/**
 * Where each record's document lives on the pod, and how IRIs translate
 * between the local store (`https://locker.invalid/<container>/<id>.ttl#it`)
 * and the pod.
 *
 * Most types are flat: `<container><id>.ttl`, the same relative path as
 * locally. Contacts each get a folder of their own,
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

/** The folder of an address book's people, below the contacts container (the name SolidOS and Solid Data Modules use). */
const PEOPLE_FOLDER = 'Person/';
const CARD = 'index.ttl';

/** Record types whose records each live in a folder of their own. */
export function inFolders(type: RecordType): boolean {
  return type === 'contact';
}

/** The container whose listing names the type's records. */
export function listingUrl(layout: PodLayout, type: RecordType): string {
  return inFolders(type) ? `${layout.containers[type]}${PEOPLE_FOLDER}` : layout.containers[type];
}

/** The pod document of one record. */
export function recordUrl(layout: PodLayout, type: RecordType, id: string): string {
  return inFolders(type) ? `${listingUrl(layout, type)}${id}/${CARD}` : `${layout.containers[type]}${id}.ttl`;
}

/** The folder that holds one record's document, for types kept in folders. */
export function recordFolder(layout: PodLayout, type: RecordType, id: string): string | undefined {
  return inFolders(type) ? `${listingUrl(layout, type)}${id}/` : undefined;
}

/** The record id a member of `listingUrl(type)` stands for (`<id>.ttl`, or `<id>/` for types in folders), or undefined when it is not one of Locker's names. */
export function idOfListed(layout: PodLayout, type: RecordType, member: Pick<Member, 'url' | 'isContainer'>): string | undefined {
  const container = listingUrl(layout, type);
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
  return layout.root + rest;
}

/** A pod IRI as the local store writes it (IRIs outside the pod's locker root are unchanged). */
export function toLocalIri(layout: Pick<PodLayout, 'root'>, iri: string): string {
  if (!iri.startsWith(layout.root)) return iri;
  const rest = iri.slice(layout.root.length);
  const m = POD_CONTACT.exec(rest);
  if (m?.[1]) return `${LOCAL_ROOT}contacts/${m[1]}.ttl${swapFragment(m[2])}`;
  return LOCAL_ROOT + rest;
}

/** Whether a record's stored text may hold IRIs that differ on the pod (so its pod copy is written afresh rather than sent as stored). */
export function needsPodRewrite(type: RecordType, storedText: string): boolean {
  return inFolders(type) || storedText.includes('contacts/');
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
