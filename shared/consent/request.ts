/**
 * An app's access request, the way Solid Application Interoperability describes
 * it: the app's client-ID document (name, logo, homepage) links an access need
 * group (`interop:hasAccessNeedGroup`), whose access needs name a class or a
 * shape tree and access modes; a purpose (`dpv:hasPurpose`) and a duration
 * (`lk:duration`, an xsd:duration) may come with it.
 *
 * Everything read here is untrusted: only https (or http to this computer) is
 * fetched, every hop of a redirect is checked again, bodies are streamed and
 * cut off at a byte cap, the whole read is time-capped, few documents are read,
 * JSON-LD contexts are never fetched (the Solid-OIDC one is bundled), and
 * strings meant for people are stripped of control characters and shortened.
 * What a request asks for that Locker doesn't keep goes to `notes`, never into
 * what would be granted.
 */
import { DataFactory } from 'n3';
import type { BlankNode, NamedNode, Store, Term } from 'n3';
import { ACCESS_NS, NS, RDF_TYPE, RECORD_TYPES, TYPES, displayText, errorText, safeIri, showIri as show, typeOfClass, type RecordType } from '../model/index.js';
import { untrustedAddress } from '../pod/index.js';
import { Documents, withoutFragment, type Doc, type Limits } from './documents.js';
import { fail, Notes, ok, type Result } from './notes.js';
import { parsePurpose } from './terms.js';

export type AccessMode = 'read' | 'append' | 'write';

export interface AccessNeed {
  /** The need's IRI, or `_:needN` for an unnamed one. */
  readonly id: string;
  /** What Locker would grant: the only field that ever widens access. */
  readonly types: RecordType[];
  /** The classes the app named, verbatim (for display; those Locker doesn't keep are also in `notes`). */
  readonly classes: string[];
  /** The shape trees the app named, verbatim (for display). */
  readonly shapeTrees: string[];
  readonly modes: AccessMode[];
  readonly required: boolean;
  readonly description?: string;
}

export interface AccessRequest {
  readonly clientId: string;
  readonly name?: string;
  readonly logo?: string;
  readonly homepage?: string;
  /** Only needs with at least one record type and one mode; everything else is explained in `notes`. */
  readonly needs: AccessNeed[];
  /** A full DPV IRI. */
  readonly purpose?: string;
  readonly durationMs?: number;
  /** Things ignored, in plain words. */
  readonly notes: string[];
}

export type AccessRequestResult = { kind: 'ok'; request: AccessRequest } | { kind: 'error'; message: string };

export interface FetchAccessRequestOptions {
  fetch?: typeof fetch;
  /** Per document; default 256 KiB. */
  maxBytes?: number;
  /** For the whole read; default 10 s. */
  timeoutMs?: number;
  /** Documents read in all (the client-ID document included); default 4. */
  maxDocuments?: number;
}

// ---------------------------------------------------------------------------
// Vocabulary

const { interop: INTEROP, oidc: OIDC, acl: ACL, dpv: DPV, dpvW3c: DPV_W3C, foaf: FOAF, skos: SKOS, solid: SOLID, apods: APODS } = ACCESS_NS;
const { rdfs: RDFS, dct: DCT, as: AS } = NS;
const schema = (local: string): string[] => [`${NS.schema}${local}`, `${ACCESS_NS.schemaHttps}${local}`];

/** `lk:duration`: how long the app asks to keep access, an xsd:duration such as "P30D". */
const DURATION = `${NS.lk}duration`;

const P = {
  hasAccessNeedGroup: [`${INTEROP}hasAccessNeedGroup`],
  hasAccessNeed: [`${INTEROP}hasAccessNeed`],
  shapeTree: [`${INTEROP}registeredShapeTree`],
  // SAI names shape trees; ActivityPods (apods:registeredClass) and type indexes (solid:forClass) name classes.
  klass: [`${INTEROP}registeredClass`, `${APODS}registeredClass`, `${SOLID}forClass`],
  accessMode: [`${INTEROP}accessMode`],
  necessity: [`${INTEROP}accessNecessity`],
  dataInstance: [`${INTEROP}hasDataInstance`],
  purpose: [`${DPV}hasPurpose`, `${DPV_W3C}hasPurpose`],
  duration: [DURATION],
  name: [`${OIDC}client_name`, `${INTEROP}applicationName`, `${FOAF}name`, ...schema('name'), `${AS}name`, `${DCT}title`, `${RDFS}label`],
  logo: [`${OIDC}logo_uri`, `${INTEROP}applicationThumbnail`, `${FOAF}logo`, ...schema('logo'), `${FOAF}img`],
  homepage: [`${OIDC}client_uri`, `${FOAF}homepage`, ...schema('url')],
  label: [`${SKOS}definition`, `${SKOS}prefLabel`, `${RDFS}comment`, `${RDFS}label`, `${DCT}description`, ...schema('description')],
} as const;

/** Prefixes a sloppy document may leave unexpanded in a string value (`"acl:Read"`). */
const LOOSE_PREFIXES: Readonly<Record<string, string>> = { acl: ACL, interop: INTEROP, dpv: DPV, lk: NS.lk, schema: NS.schema, as: AS, vcard: NS.vcard };

// ---------------------------------------------------------------------------
// Limits

const DEFAULT_MAX_BYTES = 256 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_DOCUMENTS = 4;
const MAX_GROUPS = 8;
const MAX_NEEDS = 32;
const MAX_GRANT_MS = 5 * 365 * 86_400_000;

// ---------------------------------------------------------------------------
// From RDF to a request

type Node = NamedNode | BlankNode;

function objects(store: Store, s: Term, predicates: readonly string[]): Term[] {
  const out: Term[] = [];
  for (const p of predicates) out.push(...store.getObjects(s, DataFactory.namedNode(p), null));
  return out;
}

/** A term read as an IRI: an IRI, or a string holding an absolute or known-prefix IRI (sloppy JSON-LD). */
function iriOf(t: Term): string | undefined {
  if (t.termType === 'NamedNode') return safeIri(t.value);
  if (t.termType !== 'Literal') return undefined;
  const v = t.value.trim();
  if (/^https?:\/\//i.test(v)) return safeIri(v);
  const m = /^([a-z]+):([A-Za-z][A-Za-z0-9_-]*)$/.exec(v);
  const ns = m?.[1] ? LOOSE_PREFIXES[m[1]] : undefined;
  return ns && m?.[2] ? ns + m[2] : undefined;
}

function nodeOf(t: Term): Node | undefined {
  if (t.termType === 'BlankNode') return t;
  const iri = iriOf(t);
  return iri ? DataFactory.namedNode(iri) : undefined;
}

function firstText(stores: readonly Store[], s: Term, predicates: readonly string[], max: number): string | undefined {
  for (const store of stores) {
    const literals = objects(store, s, predicates).filter((t) => t.termType === 'Literal');
    const preferred = literals.find((t) => t.termType === 'Literal' && (t.language === '' || t.language.startsWith('en'))) ?? literals[0];
    const text = preferred ? displayText(preferred.value, max) : '';
    if (text) return text;
  }
  return undefined;
}

function typeOfClassIri(iri: string): RecordType | undefined {
  const flipped = iri.startsWith('https://') ? `http://${iri.slice(8)}` : iri.startsWith('http://') ? `https://${iri.slice(7)}` : iri;
  return typeOfClass(iri) ?? typeOfClass(flipped);
}

/** `…#EventTree`, `…/events`, `…/contacts.tree`, `…#NoteShapeTree` → the type they name. */
function typeOfShapeTree(iri: string): RecordType | undefined {
  const u = new URL(iri);
  const segments = [u.hash.slice(1), u.pathname.split('/').filter(Boolean).pop() ?? ''];
  for (const raw of segments) {
    const word = raw
      .toLowerCase()
      .replace(/\.(ttl|jsonld|json|shex|shaclc|nt)$/, '')
      .replace(/[-_.]?(shape)?tree$/, '')
      .replace(/[-_.]?shape$/, '');
    if (!word) continue;
    const found = RECORD_TYPES.find((t) => word === t || word === `${t}s` || word === TYPES[t].container);
    if (found) return found;
  }
  return undefined;
}

const MODES: Readonly<Record<string, AccessMode>> = { [`${ACL}Read`]: 'read', [`${ACL}Append`]: 'append', [`${ACL}Write`]: 'write' };
const MODE_ORDER: readonly AccessMode[] = ['read', 'append', 'write'];

function necessity(store: Store, s: Term): boolean | undefined {
  for (const t of objects(store, s, P.necessity)) {
    const iri = iriOf(t);
    if (iri === `${INTEROP}AccessRequired`) return true;
    if (iri === `${INTEROP}AccessOptional`) return false;
  }
  return undefined;
}

function readNeed(need: Node, id: string, store: Store, allStores: readonly Store[], groupRequired: boolean | undefined, notes: Notes): AccessNeed | undefined {
  const where = need.termType === 'NamedNode' ? ` (${show(need.value)})` : '';
  const required = necessity(store, need) ?? groupRequired ?? true;
  const asked = required ? '' : ' (optional)';
  const classes = [...new Set(objects(store, need, P.klass).map(iriOf).filter((x): x is string => x !== undefined))];
  const shapeTrees = [...new Set(objects(store, need, P.shapeTree).map(iriOf).filter((x): x is string => x !== undefined))];
  const types = new Set<RecordType>();
  for (const c of classes) {
    const t = typeOfClassIri(c);
    if (t) types.add(t);
    else notes.add(`asks for ${show(c)}${asked}, which Locker doesn't keep`);
  }
  for (const st of shapeTrees) {
    const t = typeOfShapeTree(st);
    if (t) types.add(t);
    else notes.add(`asks for ${show(st)}${asked}, which Locker doesn't keep`);
  }
  const instances = objects(store, need, P.dataInstance);
  if (instances.length > 0) {
    // Granting the whole type would give more than the app asked for.
    notes.add(`asks for single resources only (${show(instances[0]?.value ?? '')}${instances.length > 1 ? ' and others' : ''}); Locker grants whole record types, so this need is left out`);
    return undefined;
  }
  if (classes.length === 0 && shapeTrees.length === 0) {
    notes.add(`an access need${where} names neither a class nor a shape tree; left out`);
    return undefined;
  }
  const modes = new Set<AccessMode>();
  for (const t of objects(store, need, P.accessMode)) {
    const iri = iriOf(t);
    const mode = iri ? MODES[iri] : undefined;
    if (mode) modes.add(mode);
    else if (iri === `${ACL}Control`) notes.add(`asks for Control${where}, which Locker never grants`);
    else notes.add(`ignored the access mode ${show(iri ?? t.value)}${where}: Locker grants read, append and write`);
  }
  if (types.size === 0) return undefined;
  const typeList = RECORD_TYPES.filter((t) => types.has(t));
  if (modes.size === 0) {
    notes.add(`asks for ${typeList.join(', ')}${where} without a mode Locker grants (read, append, write); left out`);
    return undefined;
  }
  let description: string | undefined;
  const describes = DataFactory.namedNode(`${INTEROP}hasAccessNeed`);
  const descriptionClass = DataFactory.namedNode(`${INTEROP}AccessNeedDescription`);
  for (const s of allStores) {
    for (const d of s.getSubjects(describes, need, null)) {
      if (s.countQuads(d, DataFactory.namedNode(RDF_TYPE), descriptionClass, null) > 0) description ??= firstText([s], d, P.label, 300);
    }
  }
  description ??= firstText([store], need, P.label, 300);
  return {
    id,
    types: typeList,
    classes,
    shapeTrees,
    modes: MODE_ORDER.filter((m) => modes.has(m)),
    required,
    ...(description ? { description } : {}),
  };
}

function purposesOf(store: Store, s: Term, notes: Notes): string[] {
  const out: string[] = [];
  for (const t of objects(store, s, P.purpose)) {
    let iri = iriOf(t);
    if (iri?.startsWith(DPV_W3C)) iri = DPV + iri.slice(DPV_W3C.length);
    const parsed = iri?.startsWith(DPV) ? parsePurpose(iri) : undefined;
    if (parsed?.kind === 'ok') out.push(parsed.iri);
    else notes.add(`ignored the purpose "${displayText(t.value, 120)}": Locker records purposes as DPV terms such as dpv:ServiceProvision`);
  }
  return out;
}

/** xsd:duration → ms; months count 30 days and years 365. */
function durationMs(text: string, notes: Notes): number | undefined {
  const m = /^P(?:(\d{1,9})Y)?(?:(\d{1,9})M)?(?:(\d{1,9})W)?(?:(\d{1,9})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9}(?:\.\d{1,3})?)S)?)?$/.exec(text.trim());
  if (!m || text.trim().endsWith('T') || text.trim() === 'P') {
    notes.add(`ignored the duration "${displayText(text, 40)}": not an xsd:duration such as P30D`);
    return undefined;
  }
  const n = (i: number): number => Number(m[i] ?? 0);
  if (m[1] || m[2]) notes.add('counted months as 30 days and years as 365 days');
  const ms = (((n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4)) * 24 + n(5)) * 60 + n(6)) * 60_000 + n(7) * 1000;
  if (ms <= 0) {
    notes.add(`ignored the duration "${displayText(text, 40)}": it is zero`);
    return undefined;
  }
  if (ms > MAX_GRANT_MS) {
    notes.add(`the app asks for ${displayText(text, 40)}; a grant lasts five years at most`);
    return MAX_GRANT_MS;
  }
  return ms;
}

function durationsOf(store: Store, s: Term, notes: Notes): number[] {
  const out: number[] = [];
  for (const t of objects(store, s, P.duration)) {
    if (t.termType !== 'Literal') continue;
    const ms = durationMs(t.value, notes);
    if (ms !== undefined) out.push(ms);
  }
  return out;
}

/** Links a URL meant for people: https (http to this computer for a logo, any http for a homepage). */
function linkOf(store: Store, s: Term, predicates: readonly string[], what: 'logo' | 'homepage', notes: Notes): string | undefined {
  for (const t of objects(store, s, predicates)) {
    const iri = iriOf(t);
    if (!iri) continue;
    const u = new URL(iri);
    const fine = what === 'logo' ? untrustedAddress(u) === undefined : u.protocol === 'https:' || u.protocol === 'http:';
    if (fine && !u.username && !u.password) return iri;
    notes.add(`ignored the ${what} ${show(iri)}: only https addresses are shown`);
  }
  return undefined;
}

/** The subject the client-ID document is about. */
function findClient(doc: Doc, requested: string, local: boolean): Result<Node> {
  const own = new Set([withoutFragment(requested), withoutFragment(doc.url)]);
  const linking = doc.store.getSubjects(DataFactory.namedNode(`${INTEROP}hasAccessNeedGroup`), null, null) as Node[];
  if (linking.length === 0) return fail(`${show(requested)} links no access need group (interop:hasAccessNeedGroup): it asks for nothing`);
  const rank = (s: Node): number => {
    if (s.termType === 'NamedNode' && own.has(s.value)) return 0;
    if (s.termType === 'NamedNode' && own.has(withoutFragment(s.value))) return 1;
    return local ? 2 : 3;
  };
  const best = [...linking].sort((a, b) => rank(a) - rank(b))[0];
  if (!best || rank(best) === 3) {
    const other = linking[0];
    return fail(`${show(requested)} describes ${other?.termType === 'NamedNode' ? show(other.value) : 'an unnamed app'}, not itself: a client-ID document must describe its own address`);
  }
  return ok(best);
}

async function readRequest(source: string, opts: FetchAccessRequestOptions): Promise<AccessRequestResult> {
  const timeoutMs = Math.max(1, Math.floor(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  const limits: Limits = {
    fetch: opts.fetch ?? globalThis.fetch,
    maxBytes: Math.max(1, Math.floor(opts.maxBytes ?? DEFAULT_MAX_BYTES)),
    timeoutMs,
    maxDocuments: Math.max(1, Math.floor(opts.maxDocuments ?? DEFAULT_MAX_DOCUMENTS)),
    signal: AbortSignal.timeout(timeoutMs),
  };
  const notes = new Notes();
  const docs = new Documents(limits, notes);
  const first = await docs.first(source);
  if (first.kind === 'error') return { kind: 'error', message: first.message };
  const { doc, requested, local } = first.value;
  const found = findClient(doc, requested, local);
  if (found.kind === 'error') return { kind: 'error', message: found.message };
  const client = found.value;

  let clientId: string;
  if (client.termType === 'NamedNode' && !client.value.startsWith('file:')) {
    clientId = client.value;
    if (local) notes.add(`read from a local file: that this request comes from ${show(client.value)} was not checked`);
  } else {
    clientId = requested;
    if (local) notes.add('the file names no web address for the app, so a grant cannot be tied to its client ID');
  }

  const name = firstText([doc.store], client, P.name, 80);
  const logo = linkOf(doc.store, client, P.logo, 'logo', notes);
  const homepage = linkOf(doc.store, client, P.homepage, 'homepage', notes);

  const groupTerms: Node[] = [];
  for (const t of objects(doc.store, client, P.hasAccessNeedGroup)) {
    const n = nodeOf(t);
    if (n && !groupTerms.some((g) => g.equals(n))) groupTerms.push(n);
  }
  if (groupTerms.length === 0) return { kind: 'error', message: `${show(requested)} links no readable access need group` };
  if (groupTerms.length > MAX_GROUPS) notes.add(`read the first ${MAX_GROUPS} of ${groupTerms.length} access need groups`);

  const needs: AccessNeed[] = [];
  const seenNeeds: Node[] = [];
  const purposes: string[] = [];
  const durations: number[] = [];
  let blankNeeds = 0;
  for (const group of groupTerms.slice(0, MAX_GROUPS)) {
    const gdoc = await docs.locate(group, doc);
    if (gdoc.kind === 'error') return { kind: 'error', message: gdoc.message };
    const gstore = gdoc.value.store;
    const groupRequired = necessity(gstore, group);
    purposes.push(...purposesOf(gstore, group, notes));
    durations.push(...durationsOf(gstore, group, notes));
    const needTerms = objects(gstore, group, P.hasAccessNeed).map(nodeOf).filter((n): n is Node => n !== undefined);
    if (needTerms.length === 0) notes.add(`the access need group ${group.termType === 'NamedNode' ? show(group.value) : ''} lists no access needs`);
    for (const needTerm of needTerms) {
      if (seenNeeds.some((n) => n.equals(needTerm))) continue;
      if (seenNeeds.length >= MAX_NEEDS) {
        notes.add(`read the first ${MAX_NEEDS} access needs only`);
        break;
      }
      seenNeeds.push(needTerm);
      const ndoc = await docs.locate(needTerm, gdoc.value);
      if (ndoc.kind === 'error') return { kind: 'error', message: ndoc.message };
      const id = needTerm.termType === 'NamedNode' ? needTerm.value : `_:need${++blankNeeds}`;
      const need = readNeed(needTerm, id, ndoc.value.store, docs.all().map((d) => d.store), groupRequired, notes);
      if (need) needs.push(need);
    }
  }
  purposes.push(...purposesOf(doc.store, client, notes));
  durations.push(...durationsOf(doc.store, client, notes));

  const purpose = purposes[0];
  if (new Set(purposes).size > 1) notes.add(`the request names several purposes; showing the first (${show(purpose ?? '')})`);
  const duration = durations.length > 0 ? Math.min(...durations) : undefined;
  if (new Set(durations).size > 1) notes.add('the request names several durations; showing the shortest');

  return {
    kind: 'ok',
    request: {
      clientId,
      ...(name ? { name } : {}),
      ...(logo ? { logo } : {}),
      ...(homepage ? { homepage } : {}),
      needs,
      ...(purpose ? { purpose } : {}),
      ...(duration !== undefined ? { durationMs: duration } : {}),
      notes: notes.list(),
    },
  };
}

/**
 * Reads an app's access request from an https (or loopback http) address or a
 * local file. Never throws: every failure is one line in `{kind:'error'}`.
 */
export async function fetchAccessRequest(source: string, opts: FetchAccessRequestOptions = {}): Promise<AccessRequestResult> {
  try {
    return await readRequest(source, opts);
  } catch (e) {
    return { kind: 'error', message: displayText(`reading the access request failed: ${errorText(e)}`, 400) };
  }
}
