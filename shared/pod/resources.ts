import { Parser } from 'n3';
import { HttpError, request, type RequestOptions, type RetryPolicy, type TransferStats } from './http.js';

/** What a pod client needs: an authenticated fetch, a retry policy, and optional transfer counters. */
export interface PodContext {
  readonly fetch: typeof fetch;
  readonly policy?: RetryPolicy;
  readonly stats?: TransferStats;
  readonly signal?: AbortSignal;
}

export type GetResult =
  | { readonly kind: 'ok'; readonly body: string; readonly etag: string | undefined; readonly contentType: string | undefined; readonly modifiedMs: number | undefined }
  | { readonly kind: 'absent' };

export type WriteResult = { readonly kind: 'ok'; readonly etag: string | undefined; readonly dateMs: number | undefined } | { readonly kind: 'precondition-failed' };
export type DeleteResult = { readonly kind: 'ok' } | { readonly kind: 'absent' } | { readonly kind: 'precondition-failed' };

export interface Member {
  readonly url: string;
  readonly isContainer: boolean;
  /** `dc:modified` from the listing (CSS gives ms precision). */
  readonly modifiedMs: number | undefined;
  readonly size: number | undefined;
}

export type ListResult =
  | { readonly kind: 'ok'; readonly members: readonly Member[]; readonly etag: string | undefined; /** The container's own `dc:modified` as the listing gives it. */ readonly modifiedMs: number | undefined }
  | { readonly kind: 'absent' };

const LDP = 'http://www.w3.org/ns/ldp#';
const DC_MODIFIED = 'http://purl.org/dc/terms/modified';
const POSIX_SIZE = 'http://www.w3.org/ns/posix/stat#size';
const POSIX_MTIME = 'http://www.w3.org/ns/posix/stat#mtime';

function opts(ctx: PodContext, init: RequestOptions): RequestOptions {
  return { ...init, ...(ctx.policy && { policy: ctx.policy }), ...(ctx.signal && { signal: ctx.signal }) };
}

function fail(method: string, url: string, status: number, body: string): HttpError {
  const hint = status === 401 ? ' (not logged in, or the session expired)' : status === 403 ? ' (no access)' : '';
  return new HttpError(status, url, `${method} ${url}: ${status}${hint}${body ? ` — ${body.slice(0, 200)}` : ''}`);
}

function dateOf(headers: Headers): number | undefined {
  const d = headers.get('date');
  const ms = d ? Date.parse(d) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** GET a resource as Turtle. 404/410 → absent. */
export async function getResource(ctx: PodContext, url: string, accept = 'text/turtle'): Promise<GetResult> {
  const res = await request(ctx.fetch, url, opts(ctx, { headers: { accept }, expect: [404, 410] }), ctx.stats);
  if (res.status === 404 || res.status === 410) return { kind: 'absent' };
  if (res.status !== 200) throw fail('GET', url, res.status, res.body);
  const lm = res.headers.get('last-modified');
  return {
    kind: 'ok',
    body: res.body,
    etag: res.headers.get('etag') ?? undefined,
    contentType: res.headers.get('content-type')?.split(';')[0]?.trim(),
    modifiedMs: lm ? Date.parse(lm) : undefined,
  };
}

/** GET a binary resource. 404/410 → absent. */
export async function getBytes(ctx: PodContext, url: string): Promise<{ readonly kind: 'ok'; readonly bytes: Uint8Array; readonly contentType: string | undefined } | { readonly kind: 'absent' }> {
  const res = await request(ctx.fetch, url, opts(ctx, { expect: [404, 410] }), ctx.stats);
  if (res.status === 404 || res.status === 410) return { kind: 'absent' };
  if (res.status !== 200) throw fail('GET', url, res.status, '');
  return { kind: 'ok', bytes: res.bytes, contentType: res.headers.get('content-type')?.split(';')[0]?.trim() };
}

export interface PutCondition {
  /** `create`: only if absent (If-None-Match: *); `update`: only if unchanged since `etag` (If-Match). */
  readonly mode: 'create' | 'update' | 'overwrite';
  readonly etag?: string;
}

/** PUT a document. A failed precondition (someone else wrote) is a value, not an error. */
export async function putResource(ctx: PodContext, url: string, body: string | Uint8Array, contentType: string, cond: PutCondition): Promise<WriteResult> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (cond.mode === 'create') headers['if-none-match'] = '*';
  if (cond.mode === 'update') {
    if (!cond.etag) throw new Error('an update needs the ETag it was based on');
    headers['if-match'] = cond.etag;
  }
  const res = await request(ctx.fetch, url, opts(ctx, { method: 'PUT', headers, body: body as string | Uint8Array<ArrayBuffer>, expect: [412] }), ctx.stats);
  if (res.status === 412) return { kind: 'precondition-failed' };
  if (res.status < 200 || res.status > 299) throw fail('PUT', url, res.status, res.body);
  return { kind: 'ok', etag: res.headers.get('etag') ?? undefined, dateMs: dateOf(res.headers) };
}

/** DELETE, only if unchanged since `etag` when one is given. */
export async function deleteResource(ctx: PodContext, url: string, etag?: string): Promise<DeleteResult> {
  const res = await request(ctx.fetch, url, opts(ctx, { method: 'DELETE', headers: etag ? { 'if-match': etag } : {}, expect: [404, 410, 412] }), ctx.stats);
  if (res.status === 412) return { kind: 'precondition-failed' };
  if (res.status === 404 || res.status === 410) return { kind: 'absent' };
  if (res.status < 200 || res.status > 299) throw fail('DELETE', url, res.status, res.body);
  return { kind: 'ok' };
}

/** N3 Patch (`solid:InsertDeletePatch`): inserts and deletes without rewriting the document. */
export async function patchResource(ctx: PodContext, url: string, patch: { inserts?: string; deletes?: string; where?: string }): Promise<{ readonly kind: 'ok' } | { readonly kind: 'conflict' }> {
  const parts = ['@prefix solid: <http://www.w3.org/ns/solid/terms#>.', '_:patch a solid:InsertDeletePatch'];
  if (patch.where) parts.push(`; solid:where { ${patch.where} }`);
  if (patch.inserts) parts.push(`; solid:inserts { ${patch.inserts} }`);
  if (patch.deletes) parts.push(`; solid:deletes { ${patch.deletes} }`);
  const body = `${parts[0]}\n${parts.slice(1).join('\n')}.\n`;
  const res = await request(ctx.fetch, url, opts(ctx, { method: 'PATCH', headers: { 'content-type': 'text/n3' }, body, expect: [409] }), ctx.stats);
  if (res.status === 409) return { kind: 'conflict' };
  if (res.status < 200 || res.status > 299) throw fail('PATCH', url, res.status, res.body);
  return { kind: 'ok' };
}

/** HEAD: the headers only (ETag, Link). */
export async function headResource(ctx: PodContext, url: string): Promise<{ readonly kind: 'ok'; readonly headers: Headers } | { readonly kind: 'absent' }> {
  const res = await request(ctx.fetch, url, opts(ctx, { method: 'HEAD', expect: [404, 410] }), ctx.stats);
  if (res.status === 404 || res.status === 410) return { kind: 'absent' };
  if (res.status < 200 || res.status > 299) throw fail('HEAD', url, res.status, '');
  return { kind: 'ok', headers: res.headers };
}

/** Parses an LDP container listing into members with their `dc:modified` and size. */
function parseListing(containerUrl: string, turtle: string): { members: Member[]; modifiedMs: number | undefined } {
  const quads = new Parser({ baseIRI: containerUrl, format: 'text/turtle' }).parse(turtle);
  const members = new Set<string>();
  const modified = new Map<string, number>();
  const size = new Map<string, number>();
  const containers = new Set<string>();
  for (const q of quads) {
    const s = q.subject.value;
    const p = q.predicate.value;
    if (s === containerUrl && p === `${LDP}contains`) members.add(q.object.value);
    else if (p === DC_MODIFIED) {
      const ms = Date.parse(q.object.value);
      if (!Number.isNaN(ms)) modified.set(s, ms);
    } else if (p === POSIX_SIZE) size.set(s, Number(q.object.value));
    else if (p === POSIX_MTIME && !modified.has(s)) modified.set(s, Number(q.object.value) * 1000);
    else if (p === 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type' && (q.object.value === `${LDP}Container` || q.object.value === `${LDP}BasicContainer`)) containers.add(s);
  }
  return { members: [...members].map((url) => ({ url, isContainer: containers.has(url) || url.endsWith('/'), modifiedMs: modified.get(url), size: size.get(url) })), modifiedMs: modified.get(containerUrl) };
}

/** GET a container and list its members. 404 → absent (not created yet). */
export async function listContainer(ctx: PodContext, url: string): Promise<ListResult> {
  const res = await request(ctx.fetch, url, opts(ctx, { headers: { accept: 'text/turtle' }, expect: [404, 410] }), ctx.stats);
  if (res.status === 404 || res.status === 410) return { kind: 'absent' };
  if (res.status !== 200) throw fail('GET', url, res.status, res.body);
  try {
    return { kind: 'ok', ...parseListing(url, res.body), etag: res.headers.get('etag') ?? undefined };
  } catch (e) {
    // A listing that doesn't parse is a damaged transfer or a broken server: an error, never "empty".
    throw new HttpError(res.status, url, `GET ${url}: the container listing is not valid Turtle (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Parses a Link header into (rel, url) pairs, resolving against `base`. */
export function parseLinks(header: string | null, base: string): Array<{ rel: string; url: string }> {
  if (!header) return [];
  const out: Array<{ rel: string; url: string }> = [];
  for (const m of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const target = m[1] ?? '';
    const rels = /rel\s*=\s*"([^"]+)"|rel\s*=\s*([^\s;,]+)/.exec(m[2] ?? '');
    const relText = rels?.[1] ?? rels?.[2];
    if (!relText) continue;
    for (const rel of relText.split(/\s+/)) out.push({ rel, url: new URL(target, base).href });
  }
  return out;
}
