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
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DataFactory, Parser, Store } from 'n3';
import type { BlankNode, NamedNode, Quad, Term } from 'n3';
import { RECORD_TYPES, TYPES, typeOfClass, type RecordType } from '../model/index.js';
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

const INTEROP = 'http://www.w3.org/ns/solid/interop#';
const OIDC = 'http://www.w3.org/ns/solid/oidc#';
const ACL = 'http://www.w3.org/ns/auth/acl#';
const DPV = 'https://w3id.org/dpv#';
const DPV_W3C = 'http://www.w3.org/ns/dpv#';
const LK = 'https://w3id.org/locker/ns#';
const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const FOAF = 'http://xmlns.com/foaf/0.1/';
const SKOS = 'http://www.w3.org/2004/02/skos/core#';
const DCT = 'http://purl.org/dc/terms/';
const AS = 'https://www.w3.org/ns/activitystreams#';
const SOLID = 'http://www.w3.org/ns/solid/terms#';
const APODS = 'http://activitypods.org/ns/core#';
const schema = (local: string): string[] => [`http://schema.org/${local}`, `https://schema.org/${local}`];

/** `<https://w3id.org/locker/ns#duration>`: how long the app asks to keep access, an xsd:duration such as "P30D". */
const DURATION = `${LK}duration`;

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
const LOOSE_PREFIXES: Readonly<Record<string, string>> = { acl: ACL, interop: INTEROP, dpv: DPV, lk: LK, schema: 'http://schema.org/', as: AS, vcard: 'http://www.w3.org/2006/vcard/ns#' };

/** The Solid-OIDC context (https://www.w3.org/ns/solid/oidc-context.jsonld), shipped so it is never fetched. */
const OIDC_CONTEXT = {
  '@version': 1.1,
  '@protected': true,
  oidc: OIDC,
  xsd: XSD,
  client_id: { '@id': '@id', '@type': '@id' },
  client_uri: { '@id': 'oidc:client_uri', '@type': '@id' },
  logo_uri: { '@id': 'oidc:logo_uri', '@type': '@id' },
  policy_uri: { '@id': 'oidc:policy_uri', '@type': '@id' },
  tos_uri: { '@id': 'oidc:tos_uri', '@type': '@id' },
  redirect_uris: { '@id': 'oidc:redirect_uris', '@type': '@id', '@container': ['@id', '@set'] },
  require_auth_time: { '@id': 'oidc:require_auth_time', '@type': 'xsd:boolean' },
  default_max_age: { '@id': 'oidc:default_max_age', '@type': 'xsd:integer' },
  application_type: { '@id': 'oidc:application_type' },
  client_name: { '@id': 'oidc:client_name' },
  contacts: { '@id': 'oidc:contacts' },
  grant_types: { '@id': 'oidc:grant_types' },
  response_types: { '@id': 'oidc:response_types' },
  scope: { '@id': 'oidc:scope' },
  token_endpoint_auth_method: { '@id': 'oidc:token_endpoint_auth_method' },
} as const;

const BUNDLED_CONTEXTS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['https://www.w3.org/ns/solid/oidc-context.jsonld', OIDC_CONTEXT],
  ['http://www.w3.org/ns/solid/oidc-context.jsonld', OIDC_CONTEXT],
]);

// ---------------------------------------------------------------------------
// Limits and plain words

const DEFAULT_MAX_BYTES = 256 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_DOCUMENTS = 4;
const MAX_REDIRECTS = 3;
const MAX_QUADS = 20_000;
const MAX_JSON_DEPTH = 64;
const MAX_CONTEXT_WORK = 200_000;
const MAX_GROUPS = 8;
const MAX_NEEDS = 32;
const MAX_NOTES = 40;
const MAX_IRI = 2048;
const MAX_GRANT_MS = 5 * 365 * 86_400_000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'application/ld+json, text/turtle;q=0.9, application/json;q=0.5';

type Result<T> = { kind: 'ok'; value: T } | { kind: 'error'; message: string };
const ok = <T>(value: T): Result<T> => ({ kind: 'ok', value });
const fail = <T>(message: string): Result<T> => ({ kind: 'error', message: displayText(message, 400) });

/** Control, bidi-override and invisible formatting characters: never shown to people. */
function isControl(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x061c || cp === 0x00ad || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) || cp === 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/** One line of text safe to show: no control characters, whitespace collapsed, at most `max` characters. */
export function displayText(text: string, max: number): string {
  let out = '';
  let count = 0;
  let space = false;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const blank = cp === 0x09 || cp === 0x0a || cp === 0x0d || cp === 0x2028 || cp === 0x2029 || /\s/.test(ch);
    if (blank) {
      space = out.length > 0;
      continue;
    }
    if (isControl(cp)) continue;
    if (space) {
      out += ' ';
      count++;
      space = false;
    }
    if (count >= max) return `${[...out].slice(0, Math.max(0, max - 1)).join('')}…`;
    out += ch;
    count++;
  }
  return out;
}

/** An IRI as it may appear in a note. */
const show = (iri: string): string => displayText(iri, 160);

/** An absolute IRI without control characters or spaces, or undefined. */
function safeIri(value: string): string | undefined {
  if (value.length === 0 || value.length > MAX_IRI) return undefined;
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (isControl(cp) || cp === 0x20 || cp === 0x7f) return undefined;
  }
  return URL.canParse(value) ? value : undefined;
}

const withoutFragment = (iri: string): string => {
  const i = iri.indexOf('#');
  return i < 0 ? iri : iri.slice(0, i);
};

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message) return displayText(`${e.message}: ${cause.message}`, 200);
    return displayText(e.message, 200);
  }
  return displayText(String(e), 200);
}

class Notes {
  private readonly items: string[] = [];
  private dropped = 0;
  add(text: string): void {
    const line = displayText(text, 300);
    if (!line || this.items.includes(line)) return;
    if (this.items.length >= MAX_NOTES) this.dropped++;
    else this.items.push(line);
  }
  list(): string[] {
    return this.dropped > 0 ? [...this.items, `… and ${this.dropped} more things ignored`] : [...this.items];
  }
}

/** Why an address may not be fetched, or undefined when it may. */
function refusal(u: URL): string | undefined {
  if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) {
    if (u.username || u.password) return `refused ${show(u.href)}: addresses with a user name or password are not fetched`;
    return undefined;
  }
  if (u.protocol === 'http:') return `refused ${show(u.href)}: only https addresses are fetched (plain http only from this computer)`;
  if (u.protocol === 'file:') return `refused ${show(u.href)}: file: addresses are not followed; give the file's path instead`;
  return `refused ${show(u.href)}: the ${displayText(u.protocol, 20)} scheme is not fetched; give an https address or a file path`;
}

// ---------------------------------------------------------------------------
// Reading documents

interface Limits {
  readonly fetch: typeof fetch;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxDocuments: number;
  readonly signal: AbortSignal;
}

interface Doc {
  /** Where it was read from, without fragment (the final address after redirects). */
  readonly url: string;
  readonly store: Store;
}

type Format = 'jsonld' | 'turtle' | 'ntriples';

const tooBig = (where: string, limits: Limits): string => `${show(where)} is larger than ${Math.round(limits.maxBytes / 1024)} KiB; not read`;

function formatOfMedia(contentType: string, where: string): Result<Format | undefined> {
  const media = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (media === 'application/ld+json' || media === 'application/json' || media.endsWith('+json')) return ok('jsonld');
  if (media === 'text/turtle' || media === 'application/x-turtle' || media === 'text/n3') return ok('turtle');
  if (media === 'application/n-triples') return ok('ntriples');
  if (media === 'text/html' || media === 'application/xhtml+xml') return fail(`${show(where)} is a web page, not a client-ID document (JSON-LD or Turtle)`);
  return ok(undefined);
}

function formatOfPath(file: string): Format | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json' || ext === '.jsonld') return 'jsonld';
  if (ext === '.ttl' || ext === '.turtle') return 'turtle';
  if (ext === '.nt') return 'ntriples';
  return undefined;
}

const sniff = (text: string): Format => (/^\s*[[{]/.test(text) ? 'jsonld' : 'turtle');

async function readBody(res: Response, where: string, limits: Limits): Promise<Result<string>> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    await res.body?.cancel();
    return fail(tooBig(where, limits));
  }
  if (!res.body) return ok('');
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: Awaited<ReturnType<typeof reader.read>>;
    try {
      step = await reader.read();
    } catch (e) {
      return fail(fetchFailure(e, where, limits));
    }
    if (step.done) break;
    total += step.value.byteLength;
    if (total > limits.maxBytes) {
      await reader.cancel();
      return fail(tooBig(where, limits));
    }
    chunks.push(step.value);
  }
  return ok(new TextDecoder('utf-8').decode(Buffer.concat(chunks)));
}

function fetchFailure(e: unknown, where: string, limits: Limits): string {
  if (limits.signal.aborted) return `timed out after ${limits.timeoutMs / 1000} s reading ${show(where)}`;
  return `could not fetch ${show(where)}: ${errorText(e)}`;
}

interface Fetched {
  readonly url: string;
  readonly text: string;
  readonly format: Format;
}

/** GET with every redirect hop checked, the body cut at the byte cap, all under the time cap. */
async function fetchRemote(start: URL, limits: Limits): Promise<Result<Fetched>> {
  let current = new URL(start.href);
  current.hash = '';
  for (let hops = 0; ; hops++) {
    let res: Response;
    try {
      res = await limits.fetch(current.href, { redirect: 'manual', signal: limits.signal, headers: { accept: ACCEPT } });
    } catch (e) {
      return fail(fetchFailure(e, current.href, limits));
    }
    // A caller's fetch may follow redirects itself: check where it ended up all the same.
    if (res.url && res.url !== current.href) {
      const landed = URL.canParse(res.url) ? new URL(res.url) : undefined;
      const why = landed ? refusal(landed) : `${show(current.href)} led to an unreadable address`;
      if (why || !landed) {
        await res.body?.cancel();
        return fail(why ?? 'unreadable address');
      }
      landed.hash = '';
      current = landed;
    }
    if (REDIRECTS.has(res.status)) {
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (!location || !URL.canParse(location, current.href)) return fail(`${show(current.href)} redirects without a usable address`);
      if (hops >= MAX_REDIRECTS) return fail(`${show(start.href)} redirects more than ${MAX_REDIRECTS} times`);
      const next = new URL(location, current.href);
      const why = refusal(next);
      if (why) return fail(`${show(current.href)} redirects elsewhere: ${why}`);
      next.hash = '';
      current = next;
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      return fail(`${show(current.href)} answered ${res.status}${res.statusText ? ` ${displayText(res.statusText, 40)}` : ''}`);
    }
    const declared = formatOfMedia(res.headers.get('content-type') ?? '', current.href);
    if (declared.kind === 'error') {
      await res.body?.cancel();
      return declared;
    }
    const body = await readBody(res, current.href, limits);
    if (body.kind === 'error') return body;
    return ok({ url: current.href, text: body.value, format: declared.value ?? sniff(body.value) });
  }
}

async function readLocal(file: string, limits: Limits): Promise<Result<Fetched>> {
  const abs = path.resolve(file);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(abs);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return fail(code === 'ENOENT' ? `no such file: ${show(file)}` : `cannot read ${show(file)}: ${errorText(e)}`);
  }
  if (!info.isFile()) return fail(`${show(file)} is not a regular file`);
  if (info.size > limits.maxBytes) return fail(tooBig(file, limits));
  const buffer = Buffer.alloc(limits.maxBytes + 1);
  let read = 0;
  try {
    const handle = await open(abs, 'r');
    try {
      for (;;) {
        const { bytesRead } = await handle.read(buffer, read, buffer.length - read, null);
        if (bytesRead === 0) break;
        read += bytesRead;
        if (read > limits.maxBytes) return fail(tooBig(file, limits));
      }
    } finally {
      await handle.close();
    }
  } catch (e) {
    return fail(`cannot read ${show(file)}: ${errorText(e)}`);
  }
  const text = new TextDecoder('utf-8').decode(buffer.subarray(0, read));
  return ok({ url: pathToFileURL(abs).href, text, format: formatOfPath(abs) ?? sniff(text) });
}

function parse(fetched: Fetched, notes: Notes): Result<Store> {
  if (fetched.format === 'jsonld') {
    let json: unknown;
    try {
      json = JSON.parse(fetched.text);
    } catch (e) {
      return fail(`${show(fetched.url)} is not valid JSON: ${errorText(e)}`);
    }
    const quads = jsonLdToQuads(json, fetched.url, notes);
    if (quads.kind === 'error') return fail(`${show(fetched.url)}: ${quads.message}`);
    return ok(new Store(quads.value));
  }
  let quads: Quad[];
  try {
    quads = new Parser({ baseIRI: fetched.url, format: fetched.format === 'ntriples' ? 'N-Triples' : 'text/turtle' }).parse(fetched.text);
  } catch (e) {
    return fail(`${show(fetched.url)} is not valid ${fetched.format === 'ntriples' ? 'N-Triples' : 'Turtle'}: ${errorText(e)}`);
  }
  if (quads.length > MAX_QUADS) return fail(`${show(fetched.url)} holds more than ${MAX_QUADS} statements; not read`);
  return ok(new Store(quads));
}

/** The documents of one request, read at most `maxDocuments` of them. */
class Documents {
  private readonly byUrl = new Map<string, Doc>();
  private count = 0;
  constructor(
    private readonly limits: Limits,
    private readonly notes: Notes,
  ) {}

  async first(source: string): Promise<Result<{ doc: Doc; requested: string; local: boolean }>> {
    const looksLikeUrl = /^[a-z][a-z0-9+.-]*:/i.test(source) && !/^[a-z]:[\\/]/i.test(source);
    if (looksLikeUrl) {
      if (!URL.canParse(source)) return fail(`not a usable address: ${show(source)}`);
      const u = new URL(source);
      const why = refusal(u);
      if (why) return fail(why);
      u.hash = '';
      const doc = await this.fetchDoc(u);
      return doc.kind === 'ok' ? ok({ doc: doc.value, requested: u.href, local: false }) : doc;
    }
    if (source.trim() === '') return fail('give an https address or a file path');
    this.count++;
    const read = await readLocal(source, this.limits);
    if (read.kind === 'error') return read;
    const doc = this.register(read.value);
    return doc.kind === 'ok' ? ok({ doc: doc.value, requested: read.value.url, local: true }) : doc;
  }

  /** The document describing `term`: its own document if read, the referring one if that describes it, else fetched. */
  async locate(term: NamedNode | BlankNode, from: Doc): Promise<Result<Doc>> {
    if (term.termType === 'BlankNode') return ok(from);
    const url = withoutFragment(term.value);
    const known = this.byUrl.get(url);
    if (known) return ok(known);
    if (from.store.countQuads(term, null, null, null) > 0) return ok(from);
    if (!URL.canParse(url)) return fail(`cannot read ${show(term.value)}`);
    const u = new URL(url);
    const why = refusal(u);
    if (why) return fail(`the request links ${show(term.value)}, ${why}`);
    return this.fetchDoc(u);
  }

  private async fetchDoc(u: URL): Promise<Result<Doc>> {
    if (this.count >= this.limits.maxDocuments) return fail(`the request spreads over more than ${this.limits.maxDocuments} documents; Locker reads at most ${this.limits.maxDocuments}`);
    this.count++;
    const fetched = await fetchRemote(u, this.limits);
    if (fetched.kind === 'error') return fetched;
    const doc = this.register(fetched.value);
    if (doc.kind === 'ok') this.byUrl.set(u.href, doc.value);
    return doc;
  }

  private register(fetched: Fetched): Result<Doc> {
    const store = parse(fetched, this.notes);
    if (store.kind === 'error') return store;
    const doc: Doc = { url: fetched.url, store: store.value };
    this.byUrl.set(fetched.url, doc);
    return ok(doc);
  }

  all(): Doc[] {
    return [...new Set(this.byUrl.values())];
  }
}

// ---------------------------------------------------------------------------
// A small JSON-LD reader: node objects, contexts (inline or bundled), compact
// IRIs, @vocab, @type, @graph, @nest, value objects, lists and container maps.
// Remote contexts are never fetched; terms they would define are left out.

interface TermDef {
  readonly id: string;
  readonly type?: string;
  readonly language?: string;
  readonly container: readonly string[];
}

interface Context {
  base: string;
  vocab?: string;
  language?: string;
  terms: Map<string, TermDef | null>;
}

class JsonLdLimit extends Error {}

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const CONTEXT_KEYWORDS = new Set(['@base', '@vocab', '@language', '@version', '@protected', '@propagate', '@import', '@direction']);
const KEYWORDS = new Set(['@base', '@container', '@context', '@direction', '@graph', '@id', '@import', '@included', '@index', '@json', '@language', '@list', '@nest', '@none', '@prefix', '@propagate', '@protected', '@reverse', '@set', '@type', '@value', '@version', '@vocab']);

function jsonLdToQuads(json: unknown, docUrl: string, notes: Notes): Result<Quad[]> {
  const reader = new JsonLdReader(docUrl, notes);
  try {
    for (const item of asArray(json)) if (isObject(item)) reader.node(item, reader.initial(), 0);
  } catch (e) {
    if (e instanceof JsonLdLimit) return fail(e.message);
    throw e;
  }
  return ok(reader.quads);
}

class JsonLdReader {
  readonly quads: Quad[] = [];
  private blanks = 0;
  /** Term definitions made or copied: bounds the CPU a hostile document can spend on contexts. */
  private contextWork = 0;
  constructor(
    private readonly docUrl: string,
    private readonly notes: Notes,
  ) {}

  initial(): Context {
    return { base: this.docUrl, terms: new Map() };
  }

  private processContext(active: Context, local: unknown, depth: number): Context {
    if (depth > 8) throw new JsonLdLimit('JSON-LD contexts nest too deeply');
    this.contextWork += active.terms.size + 1;
    if (this.contextWork > MAX_CONTEXT_WORK) throw new JsonLdLimit('the JSON-LD contexts are too large; not read');
    let result: Context = { ...active, terms: new Map(active.terms) };
    for (const item of asArray(local)) {
      if (item === null) {
        result = this.initial();
        continue;
      }
      if (typeof item === 'string') {
        const url = URL.canParse(item, result.base) ? new URL(item, result.base).href : item;
        const bundled = BUNDLED_CONTEXTS.get(url);
        if (bundled !== undefined) result = this.processContext(result, bundled, depth + 1);
        else this.notes.add(`ignored the JSON-LD context ${show(url)}: Locker never fetches remote contexts, so the terms it defines are left out`);
        continue;
      }
      if (!isObject(item)) {
        this.notes.add('ignored a malformed JSON-LD @context');
        continue;
      }
      if ('@base' in item) {
        const b = item['@base'];
        if (typeof b === 'string' && URL.canParse(b, result.base)) result.base = new URL(b, result.base).href;
      }
      if ('@vocab' in item) {
        const v = item['@vocab'];
        if (v === null) delete result.vocab;
        else if (typeof v === 'string') {
          const expanded = this.expand(result, v, { vocab: true, relative: true });
          if (expanded) result.vocab = expanded;
        }
      }
      if ('@language' in item) {
        const l = item['@language'];
        if (typeof l === 'string') result.language = l;
        else delete result.language;
      }
      if ('@import' in item) this.notes.add(`ignored the JSON-LD @import ${show(String(item['@import']))}: Locker never fetches remote contexts`);
      const defined = new Map<string, boolean>();
      for (const key of Object.keys(item)) if (!CONTEXT_KEYWORDS.has(key)) this.define(result, item, key, defined);
    }
    return result;
  }

  private define(ctx: Context, local: JsonObject, term: string, defined: Map<string, boolean>): void {
    const state = defined.get(term);
    if (state === true) return;
    if (state === false) {
      this.notes.add(`ignored the JSON-LD term "${displayText(term, 60)}": its definition is circular`);
      ctx.terms.set(term, null);
      return;
    }
    defined.set(term, false);
    if (++this.contextWork > MAX_CONTEXT_WORK) throw new JsonLdLimit('the JSON-LD contexts are too large; not read');
    const value = local[term];
    if (term.startsWith('@') || value === undefined) {
      defined.set(term, true);
      return;
    }
    const def: JsonObject | null = typeof value === 'string' ? { '@id': value } : isObject(value) ? value : null;
    if (def === null || '@reverse' in def) {
      ctx.terms.set(term, null);
      defined.set(term, true);
      return;
    }
    if ('@context' in def) {
      const scoped = def['@context'];
      const remote = asArray(scoped).filter((c): c is string => typeof c === 'string' && !BUNDLED_CONTEXTS.has(c));
      if (remote.length > 0) this.notes.add(`ignored the JSON-LD context ${show(remote[0] ?? '')}: Locker never fetches remote contexts`);
      else this.notes.add(`ignored the scoped JSON-LD context of the term "${displayText(term, 60)}"`);
    }
    let id: string | null | undefined;
    if ('@id' in def) {
      const raw = def['@id'];
      id = typeof raw === 'string' ? (KEYWORDS.has(raw) ? raw : this.expand(ctx, raw, { vocab: true, relative: false }, local, defined)) : null;
    } else if (term.includes(':')) {
      id = this.expand(ctx, term, { vocab: false, relative: false }, local, defined);
    } else if (ctx.vocab !== undefined) {
      id = ctx.vocab + term;
    }
    if (!id) {
      ctx.terms.set(term, null);
      defined.set(term, true);
      return;
    }
    let type: string | undefined;
    const rawType = def['@type'];
    if (typeof rawType === 'string') type = rawType === '@id' || rawType === '@vocab' || rawType === '@json' || rawType === '@none' ? rawType : this.expand(ctx, rawType, { vocab: true, relative: false }, local, defined) ?? undefined;
    const container = asArray(def['@container']).filter((c): c is string => typeof c === 'string');
    const language = typeof def['@language'] === 'string' ? def['@language'] : undefined;
    ctx.terms.set(term, { id, container, ...(type !== undefined ? { type } : {}), ...(language !== undefined ? { language } : {}) });
    defined.set(term, true);
  }

  /** IRI expansion; null when the value names nothing (and is then left out). */
  private expand(ctx: Context, value: string, how: { vocab: boolean; relative: boolean }, local?: JsonObject, defined?: Map<string, boolean>): string | null {
    if (KEYWORDS.has(value)) return value;
    if (/^@[a-zA-Z]+$/.test(value)) return null;
    if (local && defined && Object.hasOwn(local, value) && defined.get(value) !== true) this.define(ctx, local, value, defined);
    if (how.vocab && ctx.terms.has(value)) return ctx.terms.get(value)?.id ?? null;
    const colon = value.indexOf(':');
    if (colon > 0) {
      const prefix = value.slice(0, colon);
      const suffix = value.slice(colon + 1);
      if (prefix === '_') return value;
      if (suffix.startsWith('//')) return value;
      if (local && defined && Object.hasOwn(local, prefix) && defined.get(prefix) !== true) this.define(ctx, local, prefix, defined);
      const d = ctx.terms.get(prefix);
      if (d && !d.id.startsWith('@')) return d.id + suffix;
      if (d === null) return null;
      if (/^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(prefix)) return value;
    }
    if (how.vocab && ctx.vocab !== undefined) return ctx.vocab + value;
    if (how.relative && URL.canParse(value, ctx.base)) return new URL(value, ctx.base).href;
    return null;
  }

  private blank(label?: string): BlankNode {
    return DataFactory.blankNode(label !== undefined ? `j_${label.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}` : `j${this.blanks++}`);
  }

  private resource(iri: string): NamedNode | BlankNode | undefined {
    if (iri.startsWith('_:')) return this.blank(iri.slice(2));
    const safe = safeIri(iri);
    return safe ? DataFactory.namedNode(safe) : undefined;
  }

  private emit(s: NamedNode | BlankNode, p: string, o: Term): void {
    if (this.quads.length >= MAX_QUADS) throw new JsonLdLimit(`more than ${MAX_QUADS} statements; not read`);
    this.quads.push(DataFactory.quad(s, DataFactory.namedNode(p), o as Quad['object']));
  }

  node(obj: JsonObject, active: Context, depth: number): NamedNode | BlankNode {
    if (depth > MAX_JSON_DEPTH) throw new JsonLdLimit('the JSON-LD nests too deeply; not read');
    const ctx = '@context' in obj ? this.processContext(active, obj['@context'], 0) : active;
    let subject: NamedNode | BlankNode | undefined;
    for (const [key, value] of Object.entries(obj)) {
      if (this.expand(ctx, key, { vocab: true, relative: false }) === '@id' && typeof value === 'string') {
        const iri = this.expand(ctx, value, { vocab: false, relative: true });
        subject = iri ? this.resource(iri) : undefined;
      }
    }
    subject ??= this.blank();
    this.properties(subject, obj, ctx, depth);
    return subject;
  }

  private properties(subject: NamedNode | BlankNode, obj: JsonObject, ctx: Context, depth: number): void {
    for (const [key, value] of Object.entries(obj)) {
      if (key === '@context') continue;
      const predicate = this.expand(ctx, key, { vocab: true, relative: false });
      if (predicate === null || predicate === '@id') continue;
      if (predicate === '@type') {
        for (const t of asArray(value)) {
          if (typeof t !== 'string') continue;
          const iri = this.expand(ctx, t, { vocab: true, relative: true });
          const o = iri ? this.resource(iri) : undefined;
          if (o) this.emit(subject, `${RDF}type`, o);
        }
        continue;
      }
      if (predicate === '@graph' || predicate === '@included') {
        for (const item of asArray(value)) if (isObject(item)) this.node(item, ctx, depth + 1);
        continue;
      }
      if (predicate === '@nest') {
        for (const item of asArray(value)) if (isObject(item)) this.properties(subject, item, ctx, depth + 1);
        continue;
      }
      if (predicate.startsWith('@') || predicate.startsWith('_:') || safeIri(predicate) === undefined) continue;
      const def = ctx.terms.get(key) ?? undefined;
      this.values(subject, predicate, value, def, ctx, depth + 1);
    }
  }

  private values(s: NamedNode | BlankNode, p: string, value: unknown, def: TermDef | undefined, ctx: Context, depth: number): void {
    if (depth > MAX_JSON_DEPTH) throw new JsonLdLimit('the JSON-LD nests too deeply; not read');
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const v of value) this.values(s, p, v, def, ctx, depth + 1);
      return;
    }
    const container = def?.container ?? [];
    if (typeof value === 'string') {
      if (def?.type === '@id' || def?.type === '@vocab') {
        const iri = this.expand(ctx, value, { vocab: def.type === '@vocab', relative: true });
        const o = iri ? this.resource(iri) : undefined;
        if (o) this.emit(s, p, o);
        return;
      }
      const language = def?.language ?? (def?.type === undefined ? ctx.language : undefined);
      this.emit(s, p, language ? DataFactory.literal(value, language) : def?.type && !def.type.startsWith('@') ? DataFactory.literal(value, DataFactory.namedNode(def.type)) : DataFactory.literal(value));
      return;
    }
    if (typeof value === 'number') {
      const datatype = def?.type && !def.type.startsWith('@') ? def.type : Number.isInteger(value) ? `${XSD}integer` : `${XSD}double`;
      this.emit(s, p, DataFactory.literal(String(value), DataFactory.namedNode(datatype)));
      return;
    }
    if (typeof value === 'boolean') {
      this.emit(s, p, DataFactory.literal(String(value), DataFactory.namedNode(`${XSD}boolean`)));
      return;
    }
    if (!isObject(value)) return;
    if ('@value' in value) {
      const v = value['@value'];
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return;
      const t = value['@type'];
      const l = value['@language'];
      const datatype = typeof t === 'string' ? this.expand(ctx, t, { vocab: true, relative: true }) : null;
      this.emit(s, p, typeof l === 'string' ? DataFactory.literal(String(v), l) : datatype && safeIri(datatype) ? DataFactory.literal(String(v), DataFactory.namedNode(datatype)) : DataFactory.literal(String(v)));
      return;
    }
    if ('@list' in value || '@set' in value) {
      this.values(s, p, value['@list'] ?? value['@set'], def, ctx, depth + 1);
      return;
    }
    const isMap = !Object.keys(value).some((k) => k.startsWith('@') || this.expand(ctx, k, { vocab: true, relative: false })?.startsWith('@'));
    if (isMap && container.includes('@language')) {
      for (const [lang, text] of Object.entries(value)) for (const t of asArray(text)) if (typeof t === 'string') this.emit(s, p, DataFactory.literal(t, lang));
      return;
    }
    if (isMap && (container.includes('@index') || container.includes('@id') || container.includes('@type'))) {
      const plain: TermDef | undefined = def ? { ...def, container: [] } : undefined;
      for (const [k, item] of Object.entries(value)) {
        for (const it of asArray(item)) {
          if (isObject(it) && container.includes('@id') && !('@id' in it)) this.values(s, p, { '@id': k, ...it }, plain, ctx, depth + 1);
          else if (isObject(it) && container.includes('@type') && !('@type' in it)) this.values(s, p, { '@type': k, ...it }, plain, ctx, depth + 1);
          else this.values(s, p, it, plain, ctx, depth + 1);
        }
      }
      return;
    }
    this.emit(s, p, this.node(value, ctx, depth + 1));
  }
}

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
      if (s.countQuads(d, DataFactory.namedNode(`${RDF}type`), descriptionClass, null) > 0) description ??= firstText([s], d, P.label, 300);
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
    const fine = what === 'logo' ? refusal(u) === undefined : u.protocol === 'https:' || u.protocol === 'http:';
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
