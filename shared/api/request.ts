import { createHash } from 'node:crypto';
import { fetchAccessRequest, parsePurpose, purposeLabel, type AccessRequest } from '../consent/index.js';
import { TYPES, type RecordType } from '../model/index.js';
import { boundedGet } from '../pod/index.js';
import { createGrant, grantEnd, type GrantView, type Invalid } from './grants.js';
import type { GrantMode } from '../consent/index.js';
import type { Locker } from './locker.js';
import type { PodEnv } from './pod.js';

const DAY = 86_400_000;
const LOGO_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const MAX_LOGO = 256 * 1024;
const LOGO_TIMEOUT_MS = 5000;

export interface RequestNeedView {
  /** The need's id in the request: what `request.grant` names to leave an optional need out. */
  readonly need: string;
  readonly type: RecordType;
  readonly container: string;
  readonly modes: readonly string[];
  readonly required: boolean;
  readonly count: number;
}

export interface RequestView {
  readonly request: AccessRequest;
  /** A digest of what was shown (app, needs, purpose, duration): `request.grant` refuses if the request has changed since. */
  readonly digest: string;
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

/** What the person agrees to: everything that decides the grant, in a fixed order. */
function digestOf(req: AccessRequest): string {
  const needs = req.needs.map((n) => ({ id: n.id, types: [...n.types].sort(), modes: [...n.modes].sort(), required: n.required })).sort((a, b) => a.id.localeCompare(b.id));
  return createHash('sha256')
    .update(JSON.stringify({ clientId: req.clientId, needs, purpose: req.purpose ?? null, durationMs: req.durationMs ?? null }))
    .digest('hex');
}

/** Reads an app's access request (its client-ID document and needs) for the consent screen. */
export async function readRequest(locker: Locker, source: string, opts: { fetch?: typeof fetch } = {}): Promise<{ kind: 'ok'; view: RequestView } | { kind: 'error'; message: string }> {
  const r = await fetchAccessRequest(source, opts.fetch ? { fetch: opts.fetch } : {});
  if (r.kind === 'error') return r;
  const counts = locker.store.counts();
  const needs = r.request.needs.flatMap((n) => n.types.map((t) => ({ need: n.id, type: t, container: TYPES[t].container, modes: n.modes, required: n.required, count: counts[t] ?? 0 })));
  const logo = r.request.logo ? await fetchLogo(r.request.logo, opts.fetch ?? fetch) : undefined;
  return {
    kind: 'ok',
    view: {
      request: r.request,
      digest: digestOf(r.request),
      ...(logo?.kind === 'ok' && { logo: logo.dataUrl }),
      ...(logo?.kind === 'none' && { logoNote: logo.why }),
      needs,
      ...(r.request.purpose && { purposeLabel: purposeLabel(r.request.purpose) }),
      until: new Date(Date.now() + (r.request.durationMs ?? 30 * DAY)).toISOString(),
    },
  };
}

export type RequestGrantResult = { readonly kind: 'ok'; readonly grants: readonly GrantView[]; readonly warnings: readonly string[] } | { readonly kind: 'changed' | 'error'; readonly message: string };

/**
 * Grants exactly what the consent screen showed: the request is read again
 * and must have the digest the person saw; each need becomes a grant of its
 * own modes on its own types (so "read contacts" never becomes "write
 * contacts" because another need writes notes); optional needs in `leaveOut`
 * are not granted.
 */
export async function grantRequest(locker: Locker, penv: PodEnv, source: string, opts: { digest: string; leaveOut?: readonly string[]; agent?: string; fetch?: typeof fetch }): Promise<RequestGrantResult> {
  const r = await fetchAccessRequest(source, opts.fetch ? { fetch: opts.fetch } : {});
  if (r.kind === 'error') return r;
  const req = r.request;
  if (digestOf(req) !== opts.digest) return { kind: 'changed', message: 'the app changed its request since you read it: read it again before you allow it' };
  const leaveOut = new Set(opts.leaveOut ?? []);
  const required = req.needs.filter((n) => n.required && leaveOut.has(n.id));
  if (required.length) return { kind: 'error', message: 'a required need cannot be left out: decline the request instead' };
  if (!req.purpose) return { kind: 'error', message: 'the request names no purpose' };
  const purpose = parsePurpose(req.purpose);
  if (purpose.kind === 'error') return purpose;
  // One grant per distinct set of modes, over the types of the needs that ask for it.
  const groups = new Map<string, { modes: Array<'read' | 'append' | 'write'>; types: Set<RecordType> }>();
  for (const n of req.needs) {
    if (leaveOut.has(n.id) || n.types.length === 0) continue;
    const modes = [...new Set(n.modes)].sort();
    const key = modes.join(',');
    const g = groups.get(key) ?? { modes, types: new Set<RecordType>() };
    for (const t of n.types) g.types.add(t);
    groups.set(key, g);
  }
  if (groups.size === 0) return { kind: 'error', message: `${req.name ?? req.clientId} asks for nothing Locker keeps (or you left everything out)` };
  const now = Date.now();
  const grants: GrantView[] = [];
  const warnings: string[] = [];
  for (const g of groups.values()) {
    const made = await createGrant(locker, penv, { agent: opts.agent ?? req.clientId, client: req.clientId, types: [...g.types], paths: [], modes: g.modes, purpose: purpose.iri, untilMs: now + (req.durationMs ?? 30 * DAY), request: req.clientId }, now);
    if (made.kind === 'error') return { kind: 'error', message: grants.length ? `${made.message} (${grants.length} of the grants were made: see Sharing)` : made.message };
    grants.push(made.grant);
    warnings.push(...made.warnings);
  }
  return { kind: 'ok', grants, warnings };
}

/** One line of what a request would share: a type, with how many records there are and the titles of a few. */
export interface PlannedNeed {
  readonly type: RecordType;
  readonly container: string;
  readonly modes: readonly GrantMode[];
  readonly required: boolean;
  readonly count: number;
  /** Titles of up to three of these records (untrusted text: shown made plain). */
  readonly preview: readonly string[];
}

/** The one grant `locker grant --request` makes: every type asked for, with every mode asked for. */
export interface RequestPlan {
  readonly request: AccessRequest;
  readonly agent: string;
  readonly types: readonly RecordType[];
  readonly modes: readonly GrantMode[];
  /** A DPV IRI, and in plain words. */
  readonly purpose: string;
  readonly purposeLabel: string;
  /** ISO 8601. */
  readonly until: string;
  readonly needs: readonly PlannedNeed[];
}

export type RequestPlanResult =
  | { readonly kind: 'ok'; readonly plan: RequestPlan }
  /** The request asks for no record type Locker keeps. */
  | { readonly kind: 'nothing'; readonly request: AccessRequest }
  | Invalid
  | { readonly kind: 'error'; readonly message: string };

/**
 * What an app's access request (a URL or a file) would share if granted as
 * one grant, with the person's own choices in place of the request's:
 * `purpose`, `until`/`for`, and the agent acting for the app.
 */
export async function planRequest(
  locker: Locker,
  source: string,
  o: { readonly purpose?: string | undefined; readonly until?: string | undefined; readonly for?: string | undefined; readonly agent?: string | undefined },
  now = Date.now(),
): Promise<RequestPlanResult> {
  const fetched = await fetchAccessRequest(source);
  if (fetched.kind === 'error') return fetched;
  const req = fetched.request;
  const counts = locker.store.counts();
  const types: RecordType[] = [];
  const modes: GrantMode[] = [];
  const needs: PlannedNeed[] = [];
  for (const need of req.needs) {
    for (const t of need.types) {
      if (!types.includes(t)) types.push(t);
      for (const m of need.modes) if (!modes.includes(m)) modes.push(m);
      const preview = locker.list({ type: t, limit: 3 }).map((r) => r.title);
      needs.push({ type: t, container: TYPES[t].container, modes: need.modes, required: need.required, count: counts[t] ?? 0, preview });
    }
  }
  if (types.length === 0) return { kind: 'nothing', request: req };
  const purposeText = o.purpose ?? req.purpose;
  if (!purposeText) return { kind: 'invalid', field: 'purpose', message: 'the request names no purpose: give one (a DPV term such as dpv:ServiceProvision)' };
  const purpose = parsePurpose(purposeText);
  if (purpose.kind === 'error') return { kind: 'invalid', field: 'purpose', message: purpose.message };
  const end = grantEnd(o, now, req.durationMs ?? 30 * DAY);
  if (end.kind === 'invalid') return end;
  return {
    kind: 'ok',
    plan: { request: req, agent: o.agent ?? req.clientId, types, modes, purpose: purpose.iri, purposeLabel: purposeLabel(purpose.iri), until: new Date(end.untilMs).toISOString(), needs },
  };
}

/** The logo, or why not: a missing logo never fails the consent screen (the name and address identify the app). */
async function fetchLogo(url: string, f: typeof fetch): Promise<{ kind: 'ok'; dataUrl: string } | { kind: 'none'; why: string }> {
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return { kind: 'none', why: 'its logo is not a web address' };
  // No redirects (a logo address must answer itself), and the body is read only up to the cap.
  const got = await boundedGet(new URL(url), { fetch: f, maxBytes: MAX_LOGO, maxRedirects: 0, signal: AbortSignal.timeout(LOGO_TIMEOUT_MS), timeoutMs: LOGO_TIMEOUT_MS });
  if (got.kind === 'error') return { kind: 'none', why: `its logo could not be loaded (${got.cause ?? got.message})` };
  const type = (got.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (got.status !== 200 || !LOGO_TYPES.has(type) || Number(got.headers.get('content-length') ?? 0) > MAX_LOGO) {
    await got.discard();
    return { kind: 'none', why: got.status === 200 ? 'its logo is not a PNG, JPEG, GIF or WebP picture under 256 KB' : `its logo could not be loaded (${got.status})` };
  }
  const body = await got.body();
  if (body.kind === 'error') return { kind: 'none', why: body.code === 'too-large' ? 'its logo is larger than 256 KB' : `its logo could not be loaded (${body.cause ?? body.message})` };
  if (body.bytes.byteLength === 0) return { kind: 'none', why: 'its logo is not a PNG, JPEG, GIF or WebP picture under 256 KB' };
  return { kind: 'ok', dataUrl: `data:${type};base64,${Buffer.from(body.bytes).toString('base64')}` };
}
