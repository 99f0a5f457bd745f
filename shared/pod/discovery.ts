import { Parser } from 'n3';
import { RECORD_TYPES, TYPES, type RecordType } from '../model/index.js';
import { HttpError } from './http.js';
import { httpFailure, podError, type PodFailure } from './failure.js';
import { addressBookUrls } from './placement.js';
import { getResource, headResource, parseLinks, patchResource, putResource, type PodContext } from './resources.js';

const SOLID = 'http://www.w3.org/ns/solid/terms#';
const PIM_STORAGE = 'http://www.w3.org/ns/pim/space#storage';
const PIM_STORAGE_TYPE = 'http://www.w3.org/ns/pim/space#Storage';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const PIM_PREFERENCES = 'http://www.w3.org/ns/pim/space#preferencesFile';
const PIM_CONFIGURATION = 'http://www.w3.org/ns/pim/space#ConfigurationFile';
const VCARD = 'http://www.w3.org/2006/vcard/ns#';
const DC_TITLE = 'http://purl.org/dc/elements/1.1/title';

export type AccessControl = 'wac' | 'acp' | 'unknown';

/** Where Locker keeps things on a pod, found from the WebID. */
export interface PodLayout {
  readonly webId: string;
  /** The storage root (`pim:storage`). */
  readonly storage: string;
  /** `<storage>locker/`: everything of Locker's lives below it. */
  readonly root: string;
  readonly containers: Readonly<Record<RecordType, string>>;
  /** Binary resources (photo bytes, attachments). */
  readonly files: string;
  readonly typeIndex: string;
  readonly accessControl: AccessControl;
}

export type DiscoveryResult = { readonly kind: 'ok'; readonly layout: PodLayout; readonly created: readonly string[] } | PodFailure;

function docOf(iri: string): string {
  const i = iri.indexOf('#');
  return i < 0 ? iri : iri.slice(0, i);
}

/** The objects of `subject predicate ?` in a Turtle document read from `base`. Throws on a syntax error. */
export function turtleObjects(turtle: string, base: string, subject: string, predicate: string): string[] {
  const quads = new Parser({ baseIRI: base, format: 'text/turtle' }).parse(turtle);
  return quads.filter((q) => q.subject.value === subject && q.predicate.value === predicate).map((q) => q.object.value);
}

/** The storage root: `pim:storage` in the profile, else the nearest ancestor of the WebID typed `pim:Storage`. */
async function findStorage(ctx: PodContext, webId: string, profile: string): Promise<string | undefined> {
  const declared = turtleObjects(profile, docOf(webId), webId, PIM_STORAGE)[0];
  if (declared) return declared.endsWith('/') ? declared : `${declared}/`;
  let url = new URL('./', docOf(webId));
  for (;;) {
    const head = await headResource(ctx, url.href);
    if (head.kind === 'ok' && parseLinks(head.headers.get('link'), url.href).some((l) => l.rel === 'type' && l.url === PIM_STORAGE_TYPE)) return url.href;
    if (url.pathname === '/') return undefined;
    url = new URL('../', url);
  }
}

/** WAC or ACP, from the storage root's `Link: rel="acl"` (`.acl` vs `.acr`). */
async function detectAccessControl(ctx: PodContext, url: string): Promise<AccessControl> {
  const head = await headResource(ctx, url);
  if (head.kind !== 'ok') return 'unknown';
  const acl = parseLinks(head.headers.get('link'), url).find((l) => l.rel === 'acl');
  if (!acl) return 'unknown';
  if (acl.url.endsWith('.acr')) return 'acp';
  if (acl.url.endsWith('.acl')) return 'wac';
  return 'unknown';
}

/**
 * The preferences file (`pim:preferencesFile`), where the Solid Type Indexes spec links the private type
 * index from and where SolidOS, Solid Data Modules and PodOS look for it: the profile's own when it names
 * one that exists (never rewritten), else a new one beside the type index, created owner-only (it inherits
 * the storage's private default) and linked from the profile with a PATCH.
 */
async function ensurePreferences(ctx: PodContext, webId: string, profile: string, storage: string, created: string[]): Promise<{ url: string; body: string } | undefined> {
  const linked = turtleObjects(profile, docOf(webId), webId, PIM_PREFERENCES)[0];
  if (linked) {
    const existing = await getResource(ctx, linked);
    if (existing.kind === 'ok') return { url: linked, body: existing.body };
  }
  const url = linked ?? `${storage}settings/prefs.ttl`;
  let body = `<> a <${PIM_CONFIGURATION}>.\n`;
  const put = await putResource(ctx, url, body, 'text/turtle', { mode: 'create' });
  if (put.kind === 'ok') created.push(url);
  else {
    // Someone else's file at that address: read it, never overwrite it.
    const existing = await getResource(ctx, url);
    if (existing.kind !== 'ok') return undefined;
    body = existing.body;
  }
  if (!linked) {
    await patchResource(ctx, docOf(webId), { inserts: `<${webId}> <${PIM_PREFERENCES}> <${url}>.` });
    created.push(`${docOf(webId)} (linked the preferences file)`);
  }
  return { url, body };
}

/**
 * Ensures the private type index exists and is linked from the preferences file (as the spec says) and
 * from the profile (as older apps look for it). An index that SolidOS or another app made — linked from
 * either — is the one used; the profile and preferences file are only ever PATCHed.
 */
async function ensureTypeIndex(ctx: PodContext, webId: string, profile: string, storage: string, created: string[]): Promise<string> {
  const prefs = await ensurePreferences(ctx, webId, profile, storage, created);
  const fromProfile = turtleObjects(profile, docOf(webId), webId, `${SOLID}privateTypeIndex`)[0];
  const fromPrefs = prefs ? turtleObjects(prefs.body, prefs.url, webId, `${SOLID}privateTypeIndex`)[0] : undefined;
  let url: string | undefined;
  for (const candidate of [fromPrefs, fromProfile]) {
    if (candidate === undefined || url !== undefined) continue;
    if ((await getResource(ctx, candidate)).kind === 'ok') url = candidate;
  }
  if (url === undefined) {
    url = fromPrefs ?? fromProfile ?? `${storage}settings/privateTypeIndex.ttl`;
    const put = await putResource(ctx, url, `<> a <${SOLID}TypeIndex>, <${SOLID}UnlistedDocument>.\n`, 'text/turtle', { mode: 'create' });
    if (put.kind === 'ok') created.push(url);
  }
  if (fromProfile !== url) {
    await patchResource(ctx, docOf(webId), { inserts: `<${webId}> <${SOLID}privateTypeIndex> <${url}>.` });
    created.push(`${docOf(webId)} (linked the type index)`);
  }
  if (prefs && fromPrefs !== url) {
    await patchResource(ctx, prefs.url, { inserts: `<${webId}> <${SOLID}privateTypeIndex> <${url}>.` });
    created.push(`${prefs.url} (linked the type index)`);
  }
  return url;
}

/** Registers each record type's container in the type index (`solid:forClass` + `solid:instanceContainer`), adding only what is missing. */
async function ensureRegistrations(ctx: PodContext, typeIndex: string, containers: Readonly<Record<RecordType, string>>, created: string[]): Promise<void> {
  const index = await getResource(ctx, typeIndex);
  const text = index.kind === 'ok' ? index.body : '';
  const quads = text ? new Parser({ baseIRI: typeIndex, format: 'text/turtle' }).parse(text) : [];
  const registered = new Set<string>();
  // A registration may name several containers (Locker's name every shard of a type).
  const byReg = new Map<string, { forClass?: string; containers: string[] }>();
  for (const q of quads) {
    const e = byReg.get(q.subject.value) ?? { containers: [] };
    if (q.predicate.value === `${SOLID}forClass`) e.forClass = q.object.value;
    if (q.predicate.value === `${SOLID}instanceContainer`) e.containers.push(q.object.value);
    byReg.set(q.subject.value, e);
  }
  for (const e of byReg.values()) for (const c of e.containers) if (e.forClass) registered.add(`${e.forClass} ${c}`);
  for (const q of quads) if (q.predicate.value === `${SOLID}instance`) registered.add(`instance ${q.object.value}`);
  const inserts: string[] = [];
  for (const type of RECORD_TYPES) {
    const cls = TYPES[type].class;
    const container = containers[type];
    // Apps built on soukai (Media Kraken, Umai) look schema.org classes up under https://: registered both ways.
    const classes = cls.startsWith('http://schema.org/') ? [cls, `https://schema.org/${cls.slice('http://schema.org/'.length)}`] : [cls];
    classes.forEach((c, i) => {
      if (registered.has(`${c} ${container}`)) return;
      const reg = `<${typeIndex}#locker-${type}${i === 0 ? '' : '-https'}>`;
      inserts.push(`${reg} <${RDF_TYPE}> <${SOLID}TypeRegistration>; <${SOLID}forClass> <${c}>; <${SOLID}instanceContainer> <${container}>.`);
    });
  }
  // The address book, as SolidOS and Solid Data Modules look for one (`solid:instance`, not a container).
  const book = addressBookUrls({ containers }).book;
  if (!registered.has(`instance ${book}`)) inserts.push(`<${typeIndex}#locker-addressbook> <${RDF_TYPE}> <${SOLID}TypeRegistration>; <${SOLID}forClass> <${VCARD}AddressBook>; <${SOLID}instance> <${book}>.`);
  if (inserts.length === 0) return;
  await patchResource(ctx, typeIndex, { inserts: inserts.join('\n') });
  created.push(`${typeIndex} (${inserts.length} type registrations)`);
}

/**
 * The address book's own documents, created when absent and never rewritten here: the book (its title may
 * be changed by another app), the people index and the group index, which sync keeps up to date.
 */
async function ensureAddressBook(ctx: PodContext, containers: Readonly<Record<RecordType, string>>, created: string[]): Promise<void> {
  const urls = addressBookUrls({ containers });
  const docs: Array<[string, string]> = [
    [urls.bookDoc, `<#this> a <${VCARD}AddressBook>; <${DC_TITLE}> "Contacts"; <${VCARD}nameEmailIndex> <people.ttl>; <${VCARD}groupIndex> <groups.ttl>.\n`],
    [urls.people, ''],
    [urls.groups, ''],
  ];
  for (const [url, body] of docs) {
    // Only if absent (If-None-Match: *): one there already is left as it is.
    const put = await putResource(ctx, url, body, 'text/turtle', { mode: 'create' });
    if (put.kind === 'ok') created.push(url);
  }
}

function layoutFor(webId: string, storage: string, typeIndex: string, accessControl: AccessControl, rootName = 'locker/'): PodLayout {
  const root = `${storage}${rootName}`;
  const containers = Object.fromEntries(RECORD_TYPES.map((t) => [t, `${root}${TYPES[t].container}/`])) as Record<RecordType, string>;
  return { webId, storage, root, containers, files: `${root}files/`, typeIndex, accessControl };
}

/**
 * WebID profile → storage root → private type index (created and linked when
 * absent) → the locker's containers, registered so other Solid apps find
 * them; and whether the server speaks WAC or ACP.
 */
export async function discoverPod(ctx: PodContext, webId: string, opts: { podUrl?: string } = {}): Promise<DiscoveryResult> {
  try {
    const profile = await getResource(ctx, docOf(webId));
    if (profile.kind !== 'ok') return podError('not-found', `the WebID profile ${docOf(webId)} does not exist`, 404);
    const storage = opts.podUrl ?? (await findStorage(ctx, webId, profile.body));
    if (!storage) return podError('bad-answer', `the WebID profile names no storage (pim:storage): give the pod's address as well`);
    const created: string[] = [];
    const typeIndex = await ensureTypeIndex(ctx, webId, profile.body, storage, created);
    const accessControl = await detectAccessControl(ctx, storage);
    const layout = layoutFor(webId, storage, typeIndex, accessControl);
    await ensureAddressBook(ctx, layout.containers, created);
    await ensureRegistrations(ctx, typeIndex, layout.containers, created);
    return { kind: 'ok', layout, created };
  } catch (e) {
    if (e instanceof HttpError) return httpFailure(e);
    return podError('bad-answer', `cannot read the WebID profile: ${e instanceof Error ? e.message : String(e)}`);
  }
}
