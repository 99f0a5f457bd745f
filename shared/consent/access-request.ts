import { readFile, stat } from 'node:fs/promises';
import { Parser } from 'n3';
import { typeOfClass, TYPES, RECORD_TYPES, type RecordType } from '../model/index.js';
import { ACL, DPV, LK, type GrantMode } from './terms.js';

/**
 * An app's access request, the way Solid Application Interoperability
 * describes it: its client-ID document (name, logo, homepage) links an access
 * need group whose access needs name a class or shape tree and access modes.
 * Everything here is untrusted: fetched only over https (or from this
 * computer), capped in size, time and number of documents; remote JSON-LD
 * contexts are never fetched; strings are cleaned before anyone sees them.
 */

export type AccessMode = GrantMode;

export interface AccessNeed {
  readonly id: string;
  readonly types: RecordType[];
  readonly classes: string[];
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
  readonly needs: AccessNeed[];
  readonly purpose?: string;
  readonly durationMs?: number;
  /** What was ignored, in plain words. */
  readonly notes: string[];
}

export interface FetchRequestOptions {
  readonly fetch?: typeof fetch;
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  readonly maxDocuments?: number;
}

const INTEROP = 'http://www.w3.org/ns/solid/interop#';
const OIDC = 'http://www.w3.org/ns/solid/oidc#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const SOLID_OIDC_CONTEXT = 'https://www.w3.org/ns/solid/oidc-context.jsonld';

/** Terms of the Solid OIDC context (bundled: never fetched) and the prefixes an access request uses. */
const TERMS: Readonly<Record<string, string>> = {
  client_name: `${OIDC}client_name`,
  client_uri: `${OIDC}client_uri`,
  logo_uri: `${OIDC}logo_uri`,
  redirect_uris: `${OIDC}redirect_uris`,
  scope: `${OIDC}scope`,
  hasAccessNeedGroup: `${INTEROP}hasAccessNeedGroup`,
  hasAccessNeed: `${INTEROP}hasAccessNeed`,
  accessMode: `${INTEROP}accessMode`,
  registeredShapeTree: `${INTEROP}registeredShapeTree`,
  registeredClass: `${INTEROP}registeredClass`,
  accessNecessity: `${INTEROP}accessNecessity`,
  hasPurpose: `${DPV}hasPurpose`,
  duration: `${LK}duration`,
};
const PREFIXES: Readonly<Record<string, string>> = {
  interop: INTEROP,
  acl: ACL,
  dpv: DPV,
  lk: LK,
  oidc: OIDC,
  schema: 'http://schema.org/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  dct: 'http://purl.org/dc/terms/',
};

/** subject → predicate → values (IRIs or strings). */
type Graph = Map<string, Map<string, string[]>>;

function add(g: Graph, s: string, p: string, o: string): void {
  let m = g.get(s);
  if (!m) g.set(s, (m = new Map()));
  const list = m.get(p);
  if (list) list.push(o);
  else m.set(p, [o]);
}

function clean(s: string, max = 200): string {
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function expand(key: string, base: string): string | undefined {
  if (key in TERMS) return TERMS[key];
  const m = /^([a-z][a-z0-9]*):(.+)$/i.exec(key);
  if (m?.[1] && m[2] !== undefined && PREFIXES[m[1]]) return `${PREFIXES[m[1]]}${m[2]}`;
  if (/^https?:\/\//.test(key)) return key;
  if (key.startsWith('#')) return new URL(key, base).href;
  return undefined;
}

/** Reads JSON-LD with the bundled Solid OIDC context and the prefixes above; anything else is noted and ignored. */
function jsonLdGraph(text: string, base: string, notes: string[]): { graph: Graph; root: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RequestError(`${base} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const g: Graph = new Map();
  let blank = 0;
  const walk = (node: unknown, depth: number): string | undefined => {
    if (depth > 8 || node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    const obj = node as Record<string, unknown>;
    const ctx = obj['@context'];
    for (const c of Array.isArray(ctx) ? ctx : ctx === undefined ? [] : [ctx]) {
      if (typeof c === 'string' && c !== SOLID_OIDC_CONTEXT) notes.push(`ignored the remote context ${clean(c, 120)} (Locker never fetches contexts)`);
    }
    const idRaw = typeof obj['@id'] === 'string' ? obj['@id'] : typeof obj['client_id'] === 'string' ? obj['client_id'] : undefined;
    const id = idRaw ? new URL(idRaw, base).href : `_:b${blank++}`;
    const types = obj['@type'];
    for (const t of Array.isArray(types) ? types : types === undefined ? [] : [types]) {
      if (typeof t === 'string') {
        const e = expand(t, base);
        if (e) add(g, id, RDF_TYPE, e);
      }
    }
    for (const [k, v] of Object.entries(obj)) {
      if (k.startsWith('@') || k === 'client_id') continue;
      const p = expand(k, base);
      if (!p) continue;
      for (const item of Array.isArray(v) ? v : [v]) {
        if (typeof item === 'string') {
          const asIri = p === RDF_TYPE || /accessMode|registeredShapeTree|registeredClass|accessNecessity|hasPurpose|hasAccessNeed/.test(p) ? expand(item, base) ?? (/^https?:/.test(item) ? item : undefined) : undefined;
          add(g, id, p, asIri ?? item);
        } else if (typeof item === 'number' || typeof item === 'boolean') add(g, id, p, String(item));
        else if (item && typeof item === 'object') {
          const inner = item as Record<string, unknown>;
          if (typeof inner['@value'] === 'string') add(g, id, p, inner['@value']);
          else {
            const child = walk(item, depth + 1);
            if (child) add(g, id, p, child);
          }
        }
      }
    }
    return id;
  };
  const root = walk(data, 0);
  if (!root) throw new RequestError(`${base} is not a JSON-LD object`);
  return { graph: g, root };
}

function turtleGraph(text: string, base: string): Graph {
  const g: Graph = new Map();
  try {
    for (const q of new Parser({ baseIRI: base, format: 'text/turtle' }).parse(text)) add(g, q.subject.termType === 'BlankNode' ? `_:${q.subject.value}` : q.subject.value, q.predicate.value, q.object.termType === 'BlankNode' ? `_:${q.object.value}` : q.object.value);
  } catch (e) {
    throw new RequestError(`${base} is not valid Turtle (${e instanceof Error ? e.message : String(e)})`);
  }
  return g;
}

class RequestError extends Error {}

function allowedUrl(u: URL): boolean {
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
}

/** GET with the caps: allowed schemes/hosts on every redirect hop, bytes counted while streaming, a deadline. */
async function fetchCapped(url: string, o: Required<Omit<FetchRequestOptions, 'fetch'>> & { fetch: typeof fetch }): Promise<{ text: string; contentType: string; url: string }> {
  let current = new URL(url);
  const signal = AbortSignal.timeout(o.timeoutMs);
  for (let hop = 0; hop <= 3; hop++) {
    if (!allowedUrl(current)) throw new RequestError(`refused ${clean(current.href, 120)}: Locker fetches access requests only over https (or from this computer)`);
    let res: Response;
    try {
      res = await o.fetch(current.href, { redirect: 'manual', signal, headers: { accept: 'application/ld+json, text/turtle;q=0.9, application/json;q=0.8' } });
    } catch (e) {
      throw new RequestError(signal.aborted ? `${clean(current.href, 120)} did not answer within ${o.timeoutMs / 1000} s` : `cannot fetch ${clean(current.href, 120)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      await res.body?.cancel();
      current = new URL(res.headers.get('location') ?? '', current);
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new RequestError(`${clean(current.href, 120)} answered ${res.status}`);
    }
    const reader = res.body?.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
        if (done) break;
        size += value.byteLength;
        if (size > o.maxBytes) {
          await reader?.cancel();
          throw new RequestError(`${clean(current.href, 120)} is larger than ${Math.round(o.maxBytes / 1024)} KB: refused`);
        }
        chunks.push(value);
      }
    } catch (e) {
      if (e instanceof RequestError) throw e;
      throw new RequestError(signal.aborted ? `${clean(current.href, 120)} did not answer within ${o.timeoutMs / 1000} s` : `reading ${clean(current.href, 120)} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return { text: Buffer.concat(chunks).toString('utf8'), contentType: res.headers.get('content-type')?.split(';')[0]?.trim() ?? '', url: current.href };
  }
  throw new RequestError(`${clean(url, 120)} redirects too often`);
}

const MODE_OF: Readonly<Record<string, AccessMode>> = { [`${ACL}Read`]: 'read', [`${ACL}Append`]: 'append', [`${ACL}Write`]: 'write' };

/** A shape tree names a type when its last segment does: `…#EventTree`, `…/events`, `…/contact-tree`. */
function typeOfShapeTree(iri: string): RecordType | undefined {
  const last = (iri.split(/[#/]/).filter(Boolean).pop() ?? '').toLowerCase().replace(/[-_]?(tree|shapetree)$/, '');
  return RECORD_TYPES.find((t) => last === t || last === `${t}s` || last === TYPES[t].container);
}

/** `P30D`, `PT12H`, `P2W` → ms. */
function durationMs(text: string): number | undefined {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text.trim());
  if (!m || text.trim() === 'P') return undefined;
  const [w, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number];
  const ms = (((w * 7 + d) * 24 + h) * 60 + mi) * 60_000 + s * 1000;
  return ms > 0 ? ms : undefined;
}

export async function fetchAccessRequest(source: string, opts: FetchRequestOptions = {}): Promise<{ kind: 'ok'; request: AccessRequest } | { kind: 'error'; message: string }> {
  const o = { fetch: opts.fetch ?? fetch, maxBytes: opts.maxBytes ?? 256 * 1024, timeoutMs: opts.timeoutMs ?? 10_000, maxDocuments: opts.maxDocuments ?? 4 };
  const notes: string[] = [];
  let documents = 0;
  const load = async (where: string): Promise<{ graph: Graph; root: string; url: string }> => {
    if (++documents > o.maxDocuments) throw new RequestError(`the request spans more than ${o.maxDocuments} documents: refused`);
    let text: string;
    let url: string;
    let contentType: string;
    if (/^[a-z][a-z0-9+.-]*:/i.test(where) && !/^[a-z]:\\/i.test(where)) {
      const got = await fetchCapped(where, o);
      ({ text, url, contentType } = got);
    } else {
      const info = await stat(where).catch(() => undefined);
      if (!info?.isFile()) throw new RequestError(`${clean(where, 120)} is not a file`);
      if (info.size > o.maxBytes) throw new RequestError(`${clean(where, 120)} is larger than ${Math.round(o.maxBytes / 1024)} KB: refused`);
      text = await readFile(where, 'utf8');
      url = new URL(`file://${where.startsWith('/') ? '' : '/'}${where}`).href;
      contentType = where.endsWith('.ttl') ? 'text/turtle' : 'application/ld+json';
    }
    const looksJson = /json/.test(contentType) || /^\s*[{[]/.test(text);
    if (looksJson) return { ...jsonLdGraph(text, url, notes), url };
    const graph = turtleGraph(text, url);
    const doc = url.replace(/#.*$/, '');
    const root = [...graph.keys()].find((s) => graph.get(s)?.has(`${INTEROP}hasAccessNeedGroup`)) ?? (graph.has(url) ? url : doc);
    return { graph, root, url };
  };
  try {
    const client = await load(source);
    const g = client.graph;
    const first = (s: string, p: string) => g.get(s)?.get(p)?.[0];
    const clientId = client.root.startsWith('_:') ? client.url : client.root;
    const groups = g.get(client.root)?.get(`${INTEROP}hasAccessNeedGroup`) ?? [];
    if (groups.length === 0) notes.push('the document links no access need group (interop:hasAccessNeedGroup)');
    const needs: AccessNeed[] = [];
    let purpose = first(client.root, `${DPV}hasPurpose`);
    let duration = first(client.root, `${LK}duration`);
    for (const linked of groups.slice(0, 4)) {
      let group = linked;
      if (!g.has(linked) && !linked.startsWith('_:')) {
        const extra = await load(linked);
        for (const [s, m] of extra.graph) for (const [p, vs] of m) for (const v of vs) add(g, s, p, v);
        // The link may name the document rather than the group node in it.
        if (!g.get(linked)?.has(`${INTEROP}hasAccessNeed`)) group = [...extra.graph.keys()].find((s) => extra.graph.get(s)?.has(`${INTEROP}hasAccessNeed`)) ?? linked;
      }
      purpose ??= first(group, `${DPV}hasPurpose`);
      duration ??= first(group, `${LK}duration`);
      for (const needId of (g.get(group)?.get(`${INTEROP}hasAccessNeed`) ?? []).slice(0, 50)) {
        const n = g.get(needId);
        if (!n) {
          notes.push(`the access need ${clean(needId, 120)} could not be read`);
          continue;
        }
        const classes = n.get(`${INTEROP}registeredClass`) ?? [];
        const shapeTrees = n.get(`${INTEROP}registeredShapeTree`) ?? [];
        const types = new Set<RecordType>();
        for (const c of classes) {
          const t = typeOfClass(c);
          if (t) types.add(t);
          else notes.push(`asks for ${clean(c, 120)}, which Locker doesn't keep`);
        }
        for (const st of shapeTrees) {
          const t = typeOfShapeTree(st);
          if (t) types.add(t);
          else notes.push(`asks for ${clean(st, 120)}, which Locker doesn't keep`);
        }
        const modes = [...new Set((n.get(`${INTEROP}accessMode`) ?? []).map((m) => MODE_OF[m]).filter((m): m is AccessMode => m !== undefined))];
        if (modes.length === 0) notes.push(`the access need ${clean(needId, 120)} names no access mode Locker grants`);
        const necessity = n.get(`${INTEROP}accessNecessity`)?.[0] ?? '';
        const description = n.get('http://www.w3.org/2004/02/skos/core#prefLabel')?.[0] ?? n.get('http://www.w3.org/2000/01/rdf-schema#label')?.[0];
        if (types.size === 0 || modes.length === 0) continue;
        needs.push({
          id: needId,
          types: [...types],
          classes,
          shapeTrees,
          modes,
          required: !/Optional$/i.test(necessity),
          ...(description && { description: clean(description) }),
        });
      }
    }
    const name = first(client.root, `${OIDC}client_name`);
    const logo = first(client.root, `${OIDC}logo_uri`);
    const homepage = first(client.root, `${OIDC}client_uri`);
    const ms = duration ? durationMs(duration) : undefined;
    if (duration && ms === undefined) notes.push(`ignored the duration "${clean(duration, 40)}" (expected an xsd:duration such as P30D)`);
    return {
      kind: 'ok',
      request: {
        clientId,
        ...(name && { name: clean(name, 80) }),
        ...(logo && { logo: clean(logo) }),
        ...(homepage && { homepage: clean(homepage) }),
        needs,
        ...(purpose && { purpose }),
        ...(ms !== undefined && { durationMs: ms }),
        notes: [...new Set(notes)],
      },
    };
  } catch (e) {
    if (e instanceof RequestError) return { kind: 'error', message: e.message };
    return { kind: 'error', message: `cannot read the access request: ${e instanceof Error ? e.message : String(e)}` };
  }
}
