import { loginInteractive, loginWithClientCredentials, loginWithRefreshToken, openVault, readConnection, secretKey, writeConnection, type LoginFailure, type PodConnection, type PodSession, type Sealer, type TokenVault, type VaultKey } from '../auth/index.js';
import { ensurePublicTypeIndex } from '../consent/index.js';
import { discoverPod, HttpError, httpFailure, podError, type PodContext, type PodErrorCode, type PodFailure, type PodLayout, type RetryPolicy, type TransferStats } from '../pod/index.js';
import { lastSync, resolveConflict, syncLocker, type ResolveChoice, type ResolveOutcome, type SyncProgress, type SyncResult } from '../sync/index.js';
import { recordFromTurtle, recordToJson, type RecordJson } from '../model/index.js';
import type { Locker } from './locker.js';

const LAYOUT_KEY = 'pod.layout';
/**
 * What discovery sets up on a pod, by version: a layout remembered by an older one is discovered again
 * (discovery only adds what is missing), so an upgraded Locker registers its address book and makes its
 * public type index on pods it connected to before.
 */
const DISCOVERY_VERSION = 2;

/** A logged-in session, or why there is none (`not-connected`, `needs-login`, `unreachable`…, with the HTTP status when a server answered). */
export type SessionResult = { readonly kind: 'ok'; readonly session: PodSession; readonly connection: PodConnection; readonly vault: TokenVault } | PodFailure;

/** Other ways to log in (interactive, refresh tokens) plug in here; client credentials are built in. */
export type RefreshLogin = (args: { issuer: string; webId: string; vault: TokenVault }) => Promise<{ kind: 'ok'; session: PodSession } | { kind: 'needs-login' | 'error'; message: string }>;

export interface PodEnv {
  readonly env?: NodeJS.ProcessEnv;
  /** Wraps the authenticated fetch (fault injection in tests, transfer counting). */
  readonly wrapFetch?: (f: typeof fetch) => typeof fetch;
  readonly policy?: RetryPolicy;
  readonly stats?: TransferStats;
  readonly refreshLogin?: RefreshLogin;
  readonly concurrency?: number;
  /** The desktop app's keychain (`safeStorage`), where login secrets are sealed. */
  readonly sealer?: Sealer;
}

const LOGIN_CODES: Record<LoginFailure, PodErrorCode> = { rejected: 'needs-login', unreachable: 'unreachable', failed: 'bad-answer' };

/**
 * Logs in with what `<home>/pod.json` and the vault hold. Messages name no
 * command: each transport says in its own words what to do about a code
 * (the CLI names its commands, the app shows a button).
 */
export async function openPodSession(home: string, penv: PodEnv = {}, dataKey?: VaultKey): Promise<SessionResult> {
  const read = readConnection(home);
  if (read.kind === 'absent') return podError('not-connected', 'no pod connected');
  if (read.kind === 'error') return podError('bad-answer', read.message);
  const conn = read.connection;
  const vault = await openVault(home, penv.env ?? process.env, dataKey, penv.sealer);
  const secret = await vault.get(secretKey(conn));
  if (conn.method === 'client-credentials') {
    if (!secret || !conn.clientId) return podError('needs-login', `the client secret for ${conn.issuer} is missing from ${vault.protection === 'os-keychain' ? 'the keychain' : 'the secrets file'}`);
    const r = await loginWithClientCredentials({ issuer: conn.issuer, clientId: conn.clientId, clientSecret: secret });
    return r.kind === 'ok' ? { kind: 'ok', session: r.session, connection: conn, vault } : podError(LOGIN_CODES[r.reason], r.message);
  }
  const r = await (penv.refreshLogin ?? loginWithRefreshToken)({ issuer: conn.issuer, webId: conn.webId, vault });
  if (r.kind === 'needs-login') return podError('needs-login', r.message);
  if (r.kind === 'ok') return { kind: 'ok', session: r.session, connection: conn, vault };
  return podError('unreachable', r.message);
}

/**
 * `locker pod connect --interactive`: authorization code + PKCE in the
 * system browser with a loopback redirect; the refresh token (with its
 * client and DPoP key) goes to the vault.
 */
export async function connectInteractively(
  locker: Locker,
  args: { issuer: string; podUrl?: string; openBrowser: (url: string) => void | Promise<void>; signal?: AbortSignal; timeoutMs?: number },
  penv: PodEnv = {},
): Promise<ConnectResult> {
  const vault = await openVault(locker.home, penv.env ?? process.env, locker.dataKey, penv.sealer);
  const login = await loginInteractive({
    issuer: args.issuer,
    openBrowser: args.openBrowser,
    vault,
    clientName: 'Locker',
    ...(args.signal && { signal: args.signal }),
    ...(args.timeoutMs !== undefined && { timeoutMs: args.timeoutMs }),
  });
  if (login.kind === 'error') return podError(login.reason === 'unreachable' ? 'unreachable' : login.reason === 'cancelled' ? 'cancelled' : 'needs-login', login.message);
  try {
    return await finishConnect(locker, login.session, { issuer: login.session.issuer, method: 'interactive', ...(args.podUrl && { podUrl: args.podUrl }) }, undefined, penv);
  } finally {
    await login.session.close();
  }
}

export function podContext(session: PodSession, penv: PodEnv, signal?: AbortSignal): PodContext {
  const f = penv.wrapFetch ? penv.wrapFetch(session.fetch) : session.fetch;
  return { fetch: f, ...(penv.policy && { policy: penv.policy }), ...(penv.stats && { stats: penv.stats }), ...(signal && { signal }) };
}

export type ConnectResult =
  | {
      readonly kind: 'ok';
      readonly webId: string;
      readonly storage: string;
      readonly root: string;
      readonly accessControl: string;
      readonly created: readonly string[];
      readonly secrets: { readonly protection: TokenVault['protection']; readonly describe: string };
      /** True when the locker was synced with another pod before: the next sync copies everything here. */
      readonly moving: boolean;
    }
  | PodFailure;

/** Discovers the pod's layout (creating the type index and registrations when absent) and remembers it. */
async function discoverAndRemember(locker: Locker, session: PodSession, penv: PodEnv, podUrl?: string): Promise<{ kind: 'ok'; layout: PodLayout; created: readonly string[] } | PodFailure> {
  const ctx = podContext(session, penv);
  const found = await discoverPod(ctx, session.webId, podUrl ? { podUrl } : {});
  if (found.kind === 'error') return found;
  let created = found.created;
  try {
    const pub = await ensurePublicTypeIndex(ctx, found.layout);
    if (pub?.created) created = [...created, pub.url];
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return httpFailure(e);
  }
  locker.store.sync.setMeta(LAYOUT_KEY, JSON.stringify({ ...found.layout, discoveryVersion: DISCOVERY_VERSION }));
  return { ...found, created };
}

/** `locker pod connect` with client credentials: log in, discover, keep the secret in the vault. */
export async function connectWithClientCredentials(
  locker: Locker,
  args: { issuer: string; clientId: string; clientSecret: string; podUrl?: string; local?: boolean },
  penv: PodEnv = {},
): Promise<ConnectResult> {
  const issuer = args.issuer.endsWith('/') ? args.issuer : `${args.issuer}/`;
  const login = await loginWithClientCredentials({ issuer, clientId: args.clientId, clientSecret: args.clientSecret });
  if (login.kind === 'error') return podError(LOGIN_CODES[login.reason], login.message);
  try {
    return await finishConnect(locker, login.session, { issuer, method: 'client-credentials', clientId: args.clientId, ...(args.local && { local: true }), ...(args.podUrl && { podUrl: args.podUrl }) }, args.clientSecret, penv);
  } finally {
    await login.session.close();
  }
}

/** Stores the connection and its secret, discovers the pod. Used by every login method. */
async function finishConnect(
  locker: Locker,
  session: PodSession,
  conn: Omit<PodConnection, 'webId' | 'connectedAt'>,
  secret: string | undefined,
  penv: PodEnv = {},
): Promise<ConnectResult> {
  const found = await discoverAndRemember(locker, session, penv, conn.podUrl);
  if (found.kind === 'error') return found;
  const connection: PodConnection = { ...conn, webId: session.webId, connectedAt: new Date().toISOString() };
  const vault = await openVault(locker.home, penv.env ?? process.env, locker.dataKey, penv.sealer);
  if (secret !== undefined) await vault.set(secretKey(connection), secret);
  writeConnection(locker.home, connection);
  const previous = locker.store.sync.meta('sync.root');
  return {
    kind: 'ok',
    webId: session.webId,
    storage: found.layout.storage,
    root: found.layout.root,
    accessControl: found.layout.accessControl,
    created: found.created,
    secrets: { protection: vault.protection, describe: vault.describe },
    moving: previous !== undefined && previous !== found.layout.root,
  };
}

function rememberedLayout(locker: Locker, webId: string): PodLayout | undefined {
  const text = locker.store.sync.meta(LAYOUT_KEY);
  if (!text) return undefined;
  try {
    const layout = JSON.parse(text) as PodLayout & { discoveryVersion?: number };
    return layout.webId === webId && layout.discoveryVersion === DISCOVERY_VERSION ? layout : undefined;
  } catch {
    return undefined;
  }
}

/** The pod's layout: remembered from connect, else discovered (and remembered). */
export async function podLayout(locker: Locker, session: PodSession, penv: PodEnv): Promise<{ kind: 'ok'; layout: PodLayout } | PodFailure> {
  const layout = rememberedLayout(locker, session.webId);
  if (layout) return { kind: 'ok', layout };
  const conn = readConnection(locker.home);
  return discoverAndRemember(locker, session, penv, conn.kind === 'ok' ? conn.connection.podUrl : undefined);
}

/** Logs in (unless given a session), finds the layout and runs `fn`; a session it opened is closed afterwards. */
export async function withPod<T>(
  locker: Locker,
  penv: PodEnv,
  fn: (pod: { session: PodSession; layout: PodLayout; ctx: PodContext }) => Promise<T>,
  opts: { session?: PodSession; signal?: AbortSignal } = {},
): Promise<T | PodFailure> {
  let s = opts.session;
  if (!s) {
    const opened = await openPodSession(locker.home, penv, locker.dataKey);
    if (opened.kind !== 'ok') return opened;
    s = opened.session;
  }
  try {
    const found = await podLayout(locker, s, penv);
    if (found.kind === 'error') return found;
    return await fn({ session: s, layout: found.layout, ctx: podContext(s, penv, opts.signal) });
  } finally {
    if (!opts.session) await s.close();
  }
}

/** `locker sync`: log in, find the layout (remembered from connect), run one two-way sync. */
export async function syncWithPod(
  locker: Locker,
  penv: PodEnv = {},
  opts: { onProgress?: (p: SyncProgress) => void; signal?: AbortSignal; session?: PodSession; deletions?: 'hold' | 'accept' | 'restore'; full?: boolean; scanRecords?: number } = {},
): Promise<SyncResult> {
  return withPod(
    locker,
    penv,
    ({ layout, ctx }) =>
      locker.exclusive(() =>
        syncLocker({ store: locker.store, pod: ctx, layout, ...(penv.concurrency && { concurrency: penv.concurrency }), ...(opts.onProgress && { onProgress: opts.onProgress }), ...(opts.deletions && { deletions: opts.deletions }), ...(opts.full && { full: true }), ...(opts.scanRecords !== undefined && { scanRecords: opts.scanRecords }) }),
      ),
    { ...(opts.session && { session: opts.session }), ...(opts.signal && { signal: opts.signal }) },
  );
}

export interface ConflictView {
  readonly id: string;
  readonly type: string;
  readonly title: string;
  readonly fields: readonly string[];
  readonly local: RecordJson | undefined;
  readonly remote: RecordJson | undefined;
  readonly detected: string;
}

/** `locker conflicts`: both versions of every record in conflict. */
export function listConflicts(locker: Locker): ConflictView[] {
  return locker.store.sync.conflicts().map((c) => {
    const local = c.localDeleted ? undefined : locker.store.getRecord(c.id);
    return {
      id: c.id,
      type: c.type,
      title: c.title,
      fields: c.fields,
      local: local ? recordToJson(local) : undefined,
      remote: c.remoteRdf !== undefined ? recordToJson(recordFromTurtle(c.type, c.id, c.remoteRdf)) : undefined,
      detected: new Date(c.detectedMs).toISOString(),
    };
  });
}

export function resolve(locker: Locker, id: string, keep: ResolveChoice): Promise<ResolveOutcome> {
  return locker.exclusive(() => resolveConflict(locker.store, id, keep));
}

export interface PodStatus {
  readonly connected: boolean;
  readonly issuer?: string;
  readonly webId?: string;
  readonly root?: string;
  readonly local?: boolean;
  readonly lastSync?: string;
  readonly pending: number;
  readonly conflicts: number;
}

export function podStatus(locker: Locker): PodStatus {
  const conn = readConnection(locker.home);
  const { pending, conflicts } = locker.store.sync.stateCounts();
  const last = lastSync(locker.store);
  if (conn.kind !== 'ok') return { connected: false, pending, conflicts, ...(last && { lastSync: last }) };
  const root = locker.store.sync.meta('sync.root');
  return {
    connected: true,
    issuer: conn.connection.issuer,
    webId: conn.connection.webId,
    ...(root && { root }),
    ...(conn.connection.local && { local: true }),
    ...(last && { lastSync: last }),
    pending,
    conflicts,
  };
}
