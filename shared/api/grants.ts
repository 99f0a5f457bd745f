import { addRules, endDocument, grantDocument, ledgerUrl, parseDuration, parseModes, parsePurpose, removeRules, revocationUrl, timeLeft, purposeLabel, writeLedgerDocument, type AccessSystem, type GrantMode } from '../consent/index.js';
import { isRecordType, randomId, RECORD_TYPES, TYPES, typeOfContainer, type RecordType } from '../model/index.js';
import { headResource, HttpError, putResource, recordUrl, type PodContext, type PodLayout, httpFailure, type PodErrorCode, type PodFailure } from '../pod/index.js';
import type { GrantRow, GrantTarget } from '../store/index.js';
import type { Locker } from './locker.js';
import { withPod, type PodEnv } from './pod.js';

export interface GrantInput {
  readonly agent: string;
  readonly client?: string;
  readonly types: readonly RecordType[];
  /** Paths under the locker's root: `events/` (a container) or `events/<id>.ttl` (one record). */
  readonly paths: readonly string[];
  readonly modes: readonly GrantMode[];
  /** A DPV purpose IRI. */
  readonly purpose: string;
  readonly untilMs: number;
  /** The access request this grant answers (client-ID document URL). */
  readonly request?: string;
}

/** A request that names something wrongly (an unknown type or mode, a purpose that is no DPV term, a bad end): nothing was done. */
export interface Invalid {
  readonly kind: 'invalid';
  /** The payload field at fault. */
  readonly field: string;
  readonly message: string;
}

/** A grant as a caller asks for it (words, as typed or picked): `parseGrant` checks it and fills in the defaults. */
export interface GrantRequest {
  readonly agent: string;
  readonly client?: string | undefined;
  readonly types?: readonly string[] | undefined;
  readonly paths?: readonly string[] | undefined;
  /** Mode words (`read`, `append`, `write`); default `read`. */
  readonly modes?: readonly string[] | undefined;
  /** `dpv:ServiceProvision`, `ServiceProvision` or a DPV IRI; default `dpv:ServiceProvision`. */
  readonly purpose?: string | undefined;
  /** When it ends (ISO 8601), or `for` how long (`30d`, `12h`…); neither: `DEFAULT_GRANT_DURATION`. */
  readonly until?: string | undefined;
  readonly for?: string | undefined;
  readonly request?: string | undefined;
}

const DEFAULT_GRANT_DURATION = '30d';
const DEFAULT_PURPOSE = 'dpv:ServiceProvision';

/** When a grant ends: `until` (ISO 8601) or now + `for` (a duration); neither: now + `fallbackMs`, or the default duration. */
export function grantEnd(o: { readonly until?: string | undefined; readonly for?: string | undefined }, now: number, fallbackMs?: number): { readonly kind: 'ok'; readonly untilMs: number } | Invalid {
  if (o.until && o.for) return { kind: 'invalid', field: 'for', message: 'both an end time and a duration were given: give one of them' };
  if (o.until) {
    const ms = Date.parse(o.until);
    if (Number.isNaN(ms)) return { kind: 'invalid', field: 'until', message: `the end must be a date and time (ISO 8601); got "${o.until.slice(0, 60)}"` };
    return { kind: 'ok', untilMs: ms };
  }
  if (!o.for && fallbackMs !== undefined) return { kind: 'ok', untilMs: now + fallbackMs };
  const d = parseDuration(o.for ?? DEFAULT_GRANT_DURATION);
  if (d.kind === 'error') return { kind: 'invalid', field: 'for', message: d.message };
  return { kind: 'ok', untilMs: now + d.ms };
}

/**
 * The one check of what a grant names — types, modes, purpose, its end — with
 * the defaults (read, dpv:ServiceProvision, 30 days). What needs the pod (the
 * agent is not the owner, paths are Locker's containers) and the agent's and
 * client's form are checked by `createGrant`.
 */
export function parseGrant(q: GrantRequest, now: number): { readonly kind: 'ok'; readonly input: GrantInput } | Invalid {
  const types: RecordType[] = [];
  for (const t of q.types ?? []) {
    if (!isRecordType(t)) return { kind: 'invalid', field: 'types', message: `unknown type "${t}" (one of: ${RECORD_TYPES.join(', ')})` };
    if (!types.includes(t)) types.push(t);
  }
  const modes = parseModes((q.modes ?? ['read']).join(','));
  if (modes.kind === 'error') return { kind: 'invalid', field: 'modes', message: modes.message };
  const purpose = parsePurpose(q.purpose ?? DEFAULT_PURPOSE);
  if (purpose.kind === 'error') return { kind: 'invalid', field: 'purpose', message: purpose.message };
  const end = grantEnd(q, now);
  if (end.kind === 'invalid') return end;
  return {
    kind: 'ok',
    input: { agent: q.agent, ...(q.client !== undefined && { client: q.client }), types, paths: q.paths ?? [], modes: modes.modes, purpose: purpose.iri, untilMs: end.untilMs, ...(q.request !== undefined && { request: q.request }) },
  };
}

export interface GrantView {
  readonly id: string;
  readonly agent: string;
  readonly client?: string;
  readonly what: readonly string[];
  readonly resources: readonly string[];
  readonly modes: readonly string[];
  readonly purpose: string;
  readonly purposeLabel: string;
  readonly created: string;
  readonly until: string;
  readonly timeLeft: string;
  readonly state: GrantRow['state'];
  readonly ended?: string;
  readonly ledger: string;
}

/** A pod failure keeps its code and status; `code` is absent for what the locker itself refuses. */
export type GrantResult = { readonly kind: 'ok'; readonly grant: GrantView; readonly warnings: readonly string[] } | { readonly kind: 'error'; readonly message: string; readonly code?: PodErrorCode; readonly status?: number; readonly field?: string };

function viewOf(g: GrantRow, now = Date.now()): GrantView {
  return {
    id: g.id,
    agent: g.agent,
    ...(g.client && { client: g.client }),
    what: g.targets.map((t) => t.label),
    resources: g.targets.map((t) => t.url),
    modes: g.modes,
    purpose: g.purpose,
    purposeLabel: purposeLabel(g.purpose),
    created: new Date(g.createdMs).toISOString(),
    until: new Date(g.untilMs).toISOString(),
    timeLeft: g.state === 'active' || g.state === 'pending' ? timeLeft(g.untilMs, now) : g.state,
    state: g.state,
    ...(g.endedMs !== undefined && { ended: new Date(g.endedMs).toISOString() }),
    ledger: g.ledger,
  };
}

function isWebUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Resolves what the person chose into pod resources — never the pod or the locker's root as a whole. */
function resolveTargets(layout: PodLayout, types: readonly RecordType[], paths: readonly string[]): { kind: 'ok'; targets: GrantTarget[] } | { kind: 'error'; field: 'paths' | 'types'; message: string } {
  const out = new Map<string, GrantTarget>();
  for (const t of types) out.set(layout.containers[t], { url: layout.containers[t], container: true, label: t });
  const containers = new Set([...Object.values(layout.containers), layout.files]);
  for (const raw of paths) {
    const p = raw.trim().replace(/^\.\//, '');
    const m = /^([a-z-]+)\/(?:([A-Za-z0-9_-]{1,128})\.ttl)?$/.exec(p);
    const container = m?.[1] ? `${layout.root}${m[1]}/` : undefined;
    if (!m || !container || !containers.has(container)) {
      return { kind: 'error', field: 'paths', message: `a path must be one of Locker's containers (${Object.values(TYPES).map((t) => `${t.container}/`).join(', ')}, files/) or a record in one (events/<id>.ttl); got "${raw.slice(0, 80)}"` };
    }
    const type = typeOfContainer(m[1] ?? '');
    // A record's pod document: `<container><id>.ttl`, or a contact's card in its own folder.
    const url = m[2] ? (type ? recordUrl(layout, type, m[2]) : `${container}${m[2]}.ttl`) : container;
    out.set(url, { url, container: !m[2], label: p });
  }
  if (out.size === 0) return { kind: 'error', field: 'types', message: 'say what to share: record types or paths (never the whole pod)' };
  return { kind: 'ok', targets: [...out.values()] };
}

async function ensureExists(ctx: PodContext, t: GrantTarget): Promise<void> {
  const head = await headResource(ctx, t.url);
  if (head.kind === 'ok') return;
  if (!t.container) throw new HttpError(404, t.url, `${t.url} is not on the pod (sync first)`);
  await putResource(ctx, t.url, '', 'text/turtle', { mode: 'create' });
}

function system(layout: PodLayout): AccessSystem | undefined {
  return layout.accessControl === 'wac' || layout.accessControl === 'acp' ? layout.accessControl : undefined;
}

/** Removes a grant's rules everywhere and writes the end into the ledger. Idempotent: safe to repeat after a crash. */
async function endGrant(locker: Locker, ctx: PodContext, owner: string, g: GrantRow, reason: 'revoked' | 'expired', now: number): Promise<void> {
  locker.store.grants.setState(g.id, 'revoking');
  for (const t of g.targets) await removeRules(ctx, t.url, `locker-grant-${g.id}`);
  const end = revocationUrl(g.podRoot, g.id);
  await writeLedgerDocument(ctx, end, endDocument(g, owner, g.ledger, reason, now));
  await addRules(ctx, g.accessControl === 'acp' ? 'acp' : 'wac', owner, { key: `locker-ledger-${g.id}`, agent: g.agent, modes: ['read'], resource: end, container: false, ledger: g.ledger });
  locker.store.grants.setState(g.id, reason, now);
}

/** How long a grant may be "pending" (its rules being written) before it counts as interrupted. */
const PENDING_GRACE_MS = 120_000;

/**
 * Finishes what a crash interrupted (a grant never acknowledged is taken back,
 * a revocation is completed) and revokes every grant whose time is up. Runs
 * before every grant command, on every sync, and on a timer in watch mode.
 */
export async function settleGrants(locker: Locker, ctx: PodContext, owner: string, now = Date.now()): Promise<{ expired: string[]; finished: string[] }> {
  const expired: string[] = [];
  const finished: string[] = [];
  for (const g of locker.store.grants.list()) {
    // A grant still "pending" after a while was interrupted (another process may be writing a fresh one right now).
    if ((g.state === 'pending' && now - g.createdMs > PENDING_GRACE_MS) || g.state === 'revoking') {
      await endGrant(locker, ctx, owner, g, 'revoked', now);
      finished.push(g.id);
    } else if (g.state === 'active' && g.untilMs <= now) {
      await endGrant(locker, ctx, owner, g, 'expired', now);
      expired.push(g.id);
    }
  }
  return { expired, finished };
}

/** `locker grant`: writes the rules (WAC or ACP, as the pod uses), the ledger entry, and remembers the grant. */
export async function createGrant(locker: Locker, penv: PodEnv, input: GrantInput, now = Date.now()): Promise<GrantResult> {
  if (!isWebUrl(input.agent)) return { kind: 'error', field: 'agent', message: `the agent must be a WebID (an https URL); got "${input.agent.slice(0, 80)}"` };
  if (input.client !== undefined && !isWebUrl(input.client) && !/^[A-Za-z0-9._~-]{1,200}$/.test(input.client)) {
    return { kind: 'error', field: 'client', message: `the app must be named by its client id (its client-ID document URL, or a client-credentials id); got "${input.client.slice(0, 80)}"` };
  }
  if (input.modes.length === 0) return { kind: 'error', field: 'modes', message: 'give at least one mode' };
  if (input.untilMs <= now) return { kind: 'error', message: 'the grant would end before it starts' };
  const r = await withPod(locker, penv, async ({ session, layout, ctx }): Promise<GrantResult> => {
    const sys = system(layout);
    if (!sys) return { kind: 'error', message: `cannot tell whether ${layout.storage} uses WAC or ACP, so Locker cannot write rules there` };
    if (input.agent === session.webId) return { kind: 'error', message: 'that is you: the owner always has full access' };
    const resolved = resolveTargets(layout, input.types, input.paths);
    if (resolved.kind === 'error') return resolved;
    const warnings: string[] = [];
    if (input.client && sys === 'wac') {
      warnings.push(`this pod uses WAC, which cannot restrict a grant to one app for bots (acl:origin binds only browsers): ${input.agent} gets this access with any app`);
    }
    try {
      await locker.exclusive(() => settleGrants(locker, ctx, session.webId, now));
      const id = randomId();
      const ledger = ledgerUrl(layout.root, id);
      const row: Omit<GrantRow, 'state' | 'endedMs'> = {
        id,
        agent: input.agent,
        ...(input.client !== undefined && { client: input.client }),
        targets: resolved.targets,
        modes: [...input.modes],
        purpose: input.purpose,
        createdMs: now,
        untilMs: input.untilMs,
        podRoot: layout.root,
        accessControl: sys,
        ledger,
        ...(input.request !== undefined && { request: input.request }),
      } as Omit<GrantRow, 'state' | 'endedMs'>;
      // Remembered before anything is written: a crash leaves a "pending" grant that the next run takes back.
      locker.store.grants.insert(row);
      await writeLedgerDocument(ctx, ledger, grantDocument(row, session.webId));
      await addRules(ctx, sys, session.webId, { key: `locker-ledger-${id}`, agent: input.agent, modes: ['read'], resource: ledger, container: false, ledger });
      for (const t of resolved.targets) {
        await ensureExists(ctx, t);
        await addRules(ctx, sys, session.webId, { key: `locker-grant-${id}`, agent: input.agent, ...(input.client !== undefined && { client: input.client }), modes: input.modes, resource: t.url, container: t.container, ledger });
      }
      locker.store.grants.setState(id, 'active');
      const stored = locker.store.grants.get(id);
      if (!stored) return { kind: 'error', message: 'the grant vanished from the store' };
      return { kind: 'ok', grant: viewOf(stored, now), warnings };
    } catch (e) {
      if (e instanceof HttpError) return httpFailure(e);
      throw e;
    }
  });
  return r;
}

export type RevokeResult = { readonly kind: 'ok'; readonly revoked: readonly string[] } | { readonly kind: 'absent'; readonly message: string } | PodFailure;

/** `locker revoke <id>`, or `--agent` to fire an agent: every one of its grants. */
export async function revokeGrants(locker: Locker, penv: PodEnv, which: { id?: string; agent?: string }, now = Date.now()): Promise<RevokeResult> {
  const grants = locker.store.grants.list().filter((g) => (which.id !== undefined && g.id === which.id) || (which.agent !== undefined && g.agent === which.agent));
  if (grants.length === 0) {
    const ended = which.id ? locker.store.grants.get(which.id) : undefined;
    return { kind: 'absent', message: ended ? `grant ${ended.id} has already ${ended.state === 'expired' ? 'expired' : 'been revoked'}` : which.id ? `no grant ${which.id}` : `no active grant for ${which.agent ?? ''}` };
  }
  return withPod(locker, penv, async ({ session, ctx }): Promise<RevokeResult> => {
    try {
      for (const g of grants) await locker.exclusive(() => endGrant(locker, ctx, session.webId, g, 'revoked', now));
      return { kind: 'ok', revoked: grants.map((g) => g.id) };
    } catch (e) {
      if (e instanceof HttpError) return httpFailure(e);
      throw e;
    }
  });
}

/** Revokes what has expired (and finishes interrupted work) against the pod. */
export async function expireGrants(locker: Locker, penv: PodEnv, now = Date.now()): Promise<{ kind: 'ok'; expired: readonly string[] } | PodFailure> {
  if (!locker.store.grants.list().some((g) => g.state !== 'active' || g.untilMs <= now)) return { kind: 'ok', expired: [] };
  return withPod(locker, penv, async ({ session, ctx }) => {
    try {
      const r = await locker.exclusive(() => settleGrants(locker, ctx, session.webId, now));
      return { kind: 'ok' as const, expired: r.expired };
    } catch (e) {
      if (e instanceof HttpError) return httpFailure(e);
      throw e;
    }
  });
}

export function listGrants(locker: Locker, opts: { all?: boolean } = {}, now = Date.now()): GrantView[] {
  return locker.store.grants.list(opts).map((g) => viewOf(g, now));
}
