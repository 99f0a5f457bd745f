import { fetchAccessRequest, parsePurpose, purposeLabel, type AccessRequest } from '../consent/index.js';
import { TYPES, type RecordType } from '../model/index.js';
import { createGrant, type GrantResult } from './grants.js';
import type { Locker } from './locker.js';
import type { PodEnv } from './pod.js';

const DAY = 86_400_000;
const LOGO_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const MAX_LOGO = 256 * 1024;

export interface RequestNeedView {
  readonly type: RecordType;
  readonly container: string;
  readonly modes: readonly string[];
  readonly required: boolean;
  readonly count: number;
}

export interface RequestView {
  readonly request: AccessRequest;
  /** The app's logo as a `data:` URL, fetched because the person opened the request (raster images only, capped). */
  readonly logo?: string;
  /** Why a logo the app named is not shown. */
  readonly logoNote?: string;
  readonly needs: readonly RequestNeedView[];
  /** The purpose in plain words. */
  readonly purposeLabel?: string;
  /** The end the grant would have, ISO 8601. */
  readonly until: string;
}

/** Reads an app's access request (its client-ID document and needs) for the consent screen. */
export async function readRequest(locker: Locker, source: string, opts: { fetch?: typeof fetch } = {}): Promise<{ kind: 'ok'; view: RequestView } | { kind: 'error'; message: string }> {
  const r = await fetchAccessRequest(source, opts.fetch ? { fetch: opts.fetch } : {});
  if (r.kind === 'error') return r;
  const counts = locker.store.counts();
  const needs = r.request.needs.flatMap((n) => n.types.map((t) => ({ type: t, container: TYPES[t].container, modes: n.modes, required: n.required, count: counts[t] ?? 0 })));
  const logo = r.request.logo ? await fetchLogo(r.request.logo, opts.fetch ?? fetch) : undefined;
  return { kind: 'ok', view: { request: r.request, ...(logo?.kind === 'ok' && { logo: logo.dataUrl }), ...(logo?.kind === 'none' && { logoNote: logo.why }), needs, ...(r.request.purpose && { purposeLabel: purposeLabel(r.request.purpose) }), until: new Date(Date.now() + (r.request.durationMs ?? 30 * DAY)).toISOString() } };
}

/** Grants what the request asks for, read again from its source (never from what a page sends back). */
export async function grantRequest(locker: Locker, penv: PodEnv, source: string, opts: { agent?: string; fetch?: typeof fetch } = {}): Promise<GrantResult> {
  const r = await fetchAccessRequest(source, opts.fetch ? { fetch: opts.fetch } : {});
  if (r.kind === 'error') return r;
  const req = r.request;
  const types = [...new Set(req.needs.flatMap((n) => n.types))];
  const modes = [...new Set(req.needs.filter((n) => n.types.length).flatMap((n) => n.modes))];
  if (types.length === 0) return { kind: 'error', message: `${req.name ?? req.clientId} asks for nothing Locker keeps` };
  if (!req.purpose) return { kind: 'error', message: 'the request names no purpose' };
  const purpose = parsePurpose(req.purpose);
  if (purpose.kind === 'error') return purpose;
  const now = Date.now();
  return createGrant(locker, penv, { agent: opts.agent ?? req.clientId, client: req.clientId, types, paths: [], modes, purpose: purpose.iri, untilMs: now + (req.durationMs ?? 30 * DAY), request: req.clientId }, now);
}

/** The logo, or why not: a missing logo never fails the consent screen (the name and address identify the app). */
async function fetchLogo(url: string, f: typeof fetch): Promise<{ kind: 'ok'; dataUrl: string } | { kind: 'none'; why: string }> {
  if (!/^https?:\/\//i.test(url)) return { kind: 'none', why: 'its logo is not a web address' };
  try {
    const res = await f(url, { signal: AbortSignal.timeout(5000), redirect: 'follow' });
    const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!res.ok || !LOGO_TYPES.has(type) || Number(res.headers.get('content-length') ?? 0) > MAX_LOGO) {
      await res.body?.cancel();
      return { kind: 'none', why: res.ok ? 'its logo is not a PNG, JPEG, GIF or WebP picture under 256 KB' : `its logo could not be loaded (${res.status})` };
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    return bytes.byteLength <= MAX_LOGO ? { kind: 'ok', dataUrl: `data:${type};base64,${Buffer.from(bytes).toString('base64')}` } : { kind: 'none', why: 'its logo is larger than 256 KB' };
  } catch (e) {
    return { kind: 'none', why: `its logo could not be loaded (${e instanceof Error ? e.message : String(e)})` };
  }
}
