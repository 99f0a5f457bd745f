/**
 * The documents of one access request, read under caps: the first from an
 * address (through the pod layer's bounded fetcher) or a local file, the
 * groups and needs it links fetched as they are reached, at most
 * `maxDocuments` in all; each parsed as JSON-LD (`jsonld.ts`), Turtle or
 * N-Triples into an RDF store.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Parser, Store } from 'n3';
import type { BlankNode, NamedNode, Quad } from 'n3';
import { displayText, errorText, showIri as show } from '../model/index.js';
import { boundedGet, untrustedAddress } from '../pod/index.js';
import { jsonLdToQuads } from './jsonld.js';
import { fail, ok, type Notes, type Result } from './notes.js';

const MAX_REDIRECTS = 3;
const MAX_QUADS = 20_000;
const ACCEPT = 'application/ld+json, text/turtle;q=0.9, application/json;q=0.5';

export interface Limits {
  readonly fetch: typeof fetch;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxDocuments: number;
  readonly signal: AbortSignal;
}

export interface Doc {
  /** Where it was read from, without fragment (the final address after redirects). */
  readonly url: string;
  readonly store: Store;
}

export const withoutFragment = (iri: string): string => {
  const i = iri.indexOf('#');
  return i < 0 ? iri : iri.slice(0, i);
};

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

interface Fetched {
  readonly url: string;
  readonly text: string;
  readonly format: Format;
}

/** GET with every redirect hop checked, the body cut at the byte cap, all under the time cap. */
async function fetchRemote(start: URL, limits: Limits): Promise<Result<Fetched>> {
  const got = await boundedGet(start, { fetch: limits.fetch, maxBytes: limits.maxBytes, maxRedirects: MAX_REDIRECTS, signal: limits.signal, timeoutMs: limits.timeoutMs, accept: ACCEPT });
  if (got.kind === 'error') return fail(got.message);
  if (got.status < 200 || got.status > 299) {
    await got.discard();
    return fail(`${show(got.url)} answered ${got.status}${got.statusText ? ` ${displayText(got.statusText, 40)}` : ''}`);
  }
  const declared = formatOfMedia(got.headers.get('content-type') ?? '', got.url);
  if (declared.kind === 'error') {
    await got.discard();
    return declared;
  }
  const body = await got.body();
  if (body.kind === 'error') return fail(body.message);
  const text = new TextDecoder('utf-8').decode(body.bytes);
  return ok({ url: got.url, text, format: declared.value ?? sniff(text) });
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
    const quads = jsonLdToQuads(json, fetched.url, notes, { maxQuads: MAX_QUADS });
    if (quads.kind === 'error') return fail(`${show(fetched.url)}: ${quads.message}`);
    return ok(new Store(quads.quads));
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
export class Documents {
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
      const why = untrustedAddress(u);
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
    const why = untrustedAddress(u);
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
