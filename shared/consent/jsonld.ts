/**
 * A small JSON-LD reader for the documents of an app's access request: node
 * objects, contexts (inline, or bundled: the Solid-OIDC one), compact IRIs,
 * @vocab, @type, @graph, @nest, value objects, lists and container maps,
 * expanded into RDF quads under caps on depth, statements and context work.
 * Remote contexts are never fetched; terms they would define are left out,
 * and every such omission is told to `notes`.
 */
import { DataFactory } from 'n3';
import type { BlankNode, NamedNode, Quad, Term } from 'n3';
import { ACCESS_NS, NS, RDF_TYPE, XSD, displayText, safeIri, showIri as show } from '../model/index.js';

/** Where the reader tells what it left out, in plain words. */
export interface NoteSink {
  add(text: string): void;
}

export type JsonLdResult = { readonly kind: 'ok'; readonly quads: Quad[] } | { readonly kind: 'error'; readonly message: string };

const MAX_JSON_DEPTH = 64;
const MAX_CONTEXT_WORK = 200_000;

/** The Solid-OIDC context (https://www.w3.org/ns/solid/oidc-context.jsonld), shipped so it is never fetched. */
const OIDC_CONTEXT = {
  '@version': 1.1,
  '@protected': true,
  oidc: ACCESS_NS.oidc,
  xsd: NS.xsd,
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

/** The quads of a parsed JSON-LD document read from `docUrl`, or why it was not read (a cap was reached). */
export function jsonLdToQuads(json: unknown, docUrl: string, notes: NoteSink, o: { readonly maxQuads: number }): JsonLdResult {
  const reader = new JsonLdReader(docUrl, notes, o.maxQuads);
  try {
    for (const item of asArray(json)) if (isObject(item)) reader.node(item, reader.initial(), 0);
  } catch (e) {
    if (e instanceof JsonLdLimit) return { kind: 'error', message: e.message };
    throw e;
  }
  return { kind: 'ok', quads: reader.quads };
}

class JsonLdReader {
  readonly quads: Quad[] = [];
  private blanks = 0;
  /** Term definitions made or copied: bounds the CPU a hostile document can spend on contexts. */
  private contextWork = 0;
  constructor(
    private readonly docUrl: string,
    private readonly notes: NoteSink,
    private readonly maxQuads: number,
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
    if (this.quads.length >= this.maxQuads) throw new JsonLdLimit(`more than ${this.maxQuads} statements; not read`);
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
          if (o) this.emit(subject, RDF_TYPE, o);
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
      const datatype = def?.type && !def.type.startsWith('@') ? def.type : Number.isInteger(value) ? XSD.integer : XSD.double;
      this.emit(s, p, DataFactory.literal(String(value), DataFactory.namedNode(datatype)));
      return;
    }
    if (typeof value === 'boolean') {
      this.emit(s, p, DataFactory.literal(String(value), DataFactory.namedNode(XSD.boolean)));
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
