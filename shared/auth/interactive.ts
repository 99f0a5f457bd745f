import { randomUUID } from 'node:crypto';
import type { InMemoryStorage, Session } from '@inrupt/solid-client-authn-node';

/** The login library, loaded by the first login (a command that never talks to a pod never loads it). */
const library = () => import('@inrupt/solid-client-authn-node');
import { secretKey } from './connection.js';
import { startLoopbackRedirect, type Callback, type LoopbackRedirect } from './loopback.js';
import { REFRESH_MARGIN_MS, type PodSession } from './session.js';
import { clientExpired, currentRefreshToken, extractStoredLogin, readStoredLogin, seedLibraryStorage, writeStoredLogin } from './stored-login.js';
import type { TokenVault } from './vault.js';

/**
 * Interactive login to any Solid-OIDC issuer: authorization code + PKCE with
 * a loopback redirect (RFC 8252), dynamic client registration and DPoP, all
 * through `@inrupt/solid-client-authn-node`. The refresh token (with the
 * client and DPoP key it is bound to) goes to the vault; later processes
 * resume with `loginWithRefreshToken`, no browser. Tokens are never logged
 * or put into messages.
 */

export interface InteractiveLoginOptions {
  /** The OIDC issuer. The session's `issuer` is its own spelling of it (keep that in pod.json). */
  readonly issuer: string;
  /** Shows the user the authorization URL (opens a browser; the CLI also prints it). */
  readonly openBrowser: (url: string) => void | Promise<void>;
  readonly vault: TokenVault;
  /** The name the issuer shows on its consent page. */
  readonly clientName?: string;
  /** Give up after this long without an answer (default 5 minutes). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

export type InteractiveLoginErrorReason = 'unreachable' | 'denied' | 'timeout' | 'cancelled' | 'browser' | 'failed';

export type InteractiveLoginResult =
  | { readonly kind: 'ok'; readonly session: PodSession }
  | { readonly kind: 'error'; readonly reason: InteractiveLoginErrorReason; readonly message: string };

export interface RefreshTokenLoginOptions {
  readonly issuer: string;
  readonly webId: string;
  readonly vault: TokenVault;
  readonly now?: () => number;
}

export type RefreshTokenLoginResult =
  | { readonly kind: 'ok'; readonly session: PodSession }
  /** No usable refresh token: the user must log in interactively again. */
  | { readonly kind: 'needs-login'; readonly message: string }
  /** Transient (issuer unreachable, server error): try again later. */
  | { readonly kind: 'error'; readonly message: string };

const DEFAULT_LOGIN_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_CLIENT_NAME = 'Locker';

// ---------------------------------------------------------------------------
// messages

const NETWORK = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|socket hang up|fetch failed|network|timeout awaiting/i;
const SERVER_ERROR = /got: 5\d\d|\b5\d\d (Internal|Bad Gateway|Service|Gateway)/i;
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;

/** A library error as one short line without any secret we know of, nor anything shaped like a JWT. */
function safeMessage(e: unknown, secrets: readonly (string | undefined)[] = []): string {
  let m = e instanceof Error ? e.message : String(e);
  for (const s of secrets) if (s && s.length >= 8) m = m.split(s).join('[redacted]');
  // no control characters: the message may be printed to a terminal
  m = m
    .replace(JWT, '[redacted]')
    .replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ')
    .trim();
  return m.length > 240 ? `${m.slice(0, 240)}…` : m;
}

function describeDiscoveryError(issuer: string, e: unknown): { reason: InteractiveLoginErrorReason; message: string } {
  const m = safeMessage(e);
  if (NETWORK.test(m)) return { reason: 'unreachable', message: `cannot reach ${issuer} (${m})` };
  if (/expected 200 OK|openid-configuration|not a valid|Invalid URL|metadata/i.test(m)) return { reason: 'unreachable', message: `${issuer} does not answer as an OpenID issuer (${m})` };
  return { reason: 'failed', message: `login to ${issuer} could not start: ${m}` };
}

// ---------------------------------------------------------------------------
// small helpers

interface Deadline {
  readonly signal: AbortSignal;
  /** Why the signal fired, if it did. */
  reason(): 'timeout' | 'cancelled' | undefined;
  dispose(): void;
}

function deadline(timeoutMs: number, outer: AbortSignal | undefined): Deadline {
  const ctl = new AbortController();
  let why: 'timeout' | 'cancelled' | undefined;
  const fire = (r: 'timeout' | 'cancelled') => {
    if (why) return;
    why = r;
    ctl.abort();
  };
  const timer = setTimeout(() => fire('timeout'), timeoutMs);
  const onOuter = () => fire('cancelled');
  if (outer?.aborted) fire('cancelled');
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: ctl.signal,
    reason: () => why,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

type Raced<T> = { readonly kind: 'done'; readonly value: T } | { readonly kind: 'threw'; readonly error: unknown } | { readonly kind: 'aborted' };

/** Settles with the promise, or with `aborted` as soon as the signal fires (the promise is left to finish on its own). */
function race<T>(p: Promise<T>, signal: AbortSignal): Promise<Raced<T>> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ kind: 'aborted' });
    const onAbort = () => resolve({ kind: 'aborted' });
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (value) => resolve({ kind: 'done', value }),
      (error: unknown) => resolve({ kind: 'threw', error }),
    ).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Ends an authentication-library session locally (clears its timers and memory; revokes nothing). */
async function endSession(session: Session): Promise<{ readonly ok: true } | { readonly ok: false; readonly message: string }> {
  try {
    await session.logout({ logoutType: 'app' });
    return { ok: true };
  } catch (e) {
    return { ok: false, message: safeMessage(e) };
  }
}

function abortedResult(d: Deadline, timeoutMs: number): InteractiveLoginResult {
  return d.reason() === 'cancelled'
    ? { kind: 'error', reason: 'cancelled', message: 'the login was cancelled' }
    : { kind: 'error', reason: 'timeout', message: `no answer from the browser within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}: the login was not completed` };
}

// ---------------------------------------------------------------------------
// the refreshing PodSession shared by both ways in

interface Current {
  readonly session: Session;
  readonly expiresAt: number | undefined;
}

interface RefreshContext {
  readonly issuer: string;
  readonly webId: string;
  readonly vault: TokenVault;
  readonly key: string;
  readonly now: () => number;
}

/**
 * A PodSession whose fetch renews the access token shortly before it expires
 * (from the vault's refresh token, storing a rotated one back). Concurrent
 * requests share one renewal. When renewal is impossible the fetch rejects
 * with a message that says to log in again.
 */
function refreshingSession(first: Current, ctx: RefreshContext): PodSession {
  let current = first;
  let closed = false;
  let refreshing: Promise<void> | undefined;
  const refresh = async (): Promise<void> => {
    const r = await resumeFromVault(ctx);
    if (r.kind !== 'resumed') throw new Error(r.message);
    const old = current;
    current = r.current;
    if (closed) await endSession(r.current.session);
    await endSession(old.session);
  };
  const expiresAt = () => current.expiresAt;
  const authFetch: typeof fetch = async (input, init) => {
    const exp = current.expiresAt;
    if (!closed && exp !== undefined && exp - ctx.now() < REFRESH_MARGIN_MS) {
      refreshing ??= refresh().finally(() => {
        refreshing = undefined;
      });
      await refreshing;
    }
    return current.session.fetch(input, init);
  };
  return {
    webId: ctx.webId,
    issuer: ctx.issuer,
    fetch: authFetch,
    expiresAt,
    close: async () => {
      closed = true;
      await endSession(current.session);
    },
  };
}

type Resumed = { readonly kind: 'resumed'; readonly current: Current } | { readonly kind: 'needs-login'; readonly message: string } | { readonly kind: 'error'; readonly message: string };

/** One refresh-token grant with a fresh library session seeded from the vault. */
async function resumeFromVault(ctx: RefreshContext): Promise<Resumed> {
  let stored;
  try {
    stored = await readStoredLogin(ctx.vault, ctx.key);
  } catch (e) {
    return { kind: 'error', message: `cannot read the stored login from the vault: ${safeMessage(e)}` };
  }
  if (stored.kind === 'absent') return { kind: 'needs-login', message: `no stored login for ${ctx.webId} at ${ctx.issuer}: log in again` };
  if (stored.kind === 'invalid') return { kind: 'needs-login', message: `${stored.message}: log in again` };
  const login = stored.login;
  if (clientExpired(login, ctx.now())) return { kind: 'needs-login', message: `the registration of Locker at ${ctx.issuer} has expired: log in again` };

  const lib = await library();
  const storage = new lib.InMemoryStorage();
  const sessionId = randomUUID();
  await seedLibraryStorage(storage, sessionId, login);
  const session = new lib.Session({ storage, keepAlive: false }, sessionId);
  const secrets = [login.refreshToken, login.clientSecret];
  try {
    await session.login({ oidcIssuer: ctx.issuer, refreshToken: login.refreshToken, tokenType: 'DPoP', clientName: DEFAULT_CLIENT_NAME });
  } catch (e) {
    await endSession(session);
    const m = safeMessage(e, secrets);
    if (NETWORK.test(m) || SERVER_ERROR.test(m)) return { kind: 'error', message: `cannot renew the login at ${ctx.issuer} now (${m})` };
    return { kind: 'needs-login', message: `${ctx.issuer} no longer accepts the stored login (${m}): log in again` };
  }
  if (!session.info.isLoggedIn || session.info.webId !== ctx.webId) {
    await endSession(session);
    return { kind: 'needs-login', message: `${ctx.issuer} renewed the login for ${session.info.webId ?? 'no WebID'}, not ${ctx.webId}: log in again` };
  }
  const rotated = await currentRefreshToken(storage, sessionId);
  if (rotated && rotated !== login.refreshToken) {
    try {
      await writeStoredLogin(ctx.vault, ctx.key, { ...login, refreshToken: rotated });
    } catch (e) {
      await endSession(session);
      return { kind: 'error', message: `the vault refused the renewed login: ${safeMessage(e, [rotated, ...secrets])}` };
    }
  }
  return { kind: 'resumed', current: { session, expiresAt: session.info.expirationDate ?? undefined } };
}

// ---------------------------------------------------------------------------
// public entry points

/**
 * A PodSession from the refresh token an earlier `loginInteractive` left in
 * the vault (no browser). `needs-login` when the token is gone or refused.
 */
export async function loginWithRefreshToken(opts: RefreshTokenLoginOptions): Promise<RefreshTokenLoginResult> {
  const ctx: RefreshContext = { issuer: opts.issuer, webId: opts.webId, vault: opts.vault, key: secretKey({ issuer: opts.issuer, method: 'interactive', webId: opts.webId }), now: opts.now ?? Date.now };
  const r = await resumeFromVault(ctx);
  if (r.kind !== 'resumed') return r;
  return { kind: 'ok', session: refreshingSession(r.current, ctx) };
}

/**
 * Logs in through the user's browser. Starts a loopback-only redirect
 * server, registers a client dynamically, calls `openBrowser` with the
 * authorization URL, waits for the answer, completes the code exchange,
 * stores the refresh token in the vault and returns the session. The
 * redirect server is closed on every path.
 */
export async function loginInteractive(opts: InteractiveLoginOptions): Promise<InteractiveLoginResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
  const started = await startLoopbackRedirect();
  if (started.kind !== 'ok') return { kind: 'error', reason: 'failed', message: started.message };
  const server = started.server;
  const lib = await library();
  const d = deadline(timeoutMs, opts.signal);
  const storage = new lib.InMemoryStorage();
  const session = new lib.Session({ storage, keepAlive: false });
  let result: InteractiveLoginResult | undefined;
  try {
    result = await runLogin(opts, server, session, storage, d, timeoutMs);
    return result;
  } finally {
    d.dispose();
    await server.close();
    if (result?.kind !== 'ok') await endSession(session);
  }
}

async function runLogin(opts: InteractiveLoginOptions, server: LoopbackRedirect, session: Session, storage: InMemoryStorage, d: Deadline, timeoutMs: number): Promise<InteractiveLoginResult> {
  const { issuer } = opts;
  // 1. discovery + dynamic registration; the library hands us the authorization URL
  let authUrl: string | undefined;
  const started = await race(
    session.login({
      oidcIssuer: issuer,
      redirectUrl: server.redirectUrl,
      clientName: opts.clientName ?? DEFAULT_CLIENT_NAME,
      tokenType: 'DPoP',
      handleRedirect: (url: string) => {
        authUrl = url;
      },
    }),
    d.signal,
  );
  if (started.kind === 'aborted') return abortedResult(d, timeoutMs);
  if (started.kind === 'threw') return { kind: 'error', ...describeDiscoveryError(issuer, started.error) };
  const state = authUrl ? new URL(authUrl).searchParams.get('state') : null;
  if (!authUrl || !state) return { kind: 'error', reason: 'failed', message: `the authentication library produced no authorization URL for ${issuer}` };

  // 2. the browser: its failure ends the login, its success does not (the answer comes to the server)
  const browserFailed = new Promise<string>((resolve) => {
    Promise.resolve()
      .then(() => opts.openBrowser(authUrl ?? ''))
      .then(
        () => undefined,
        (e: unknown) => resolve(safeMessage(e)),
      );
  });
  const answered = await Promise.race([server.waitForCallback(state, d.signal), browserFailed.then((message) => ({ kind: 'browser-failed' as const, message }))]);
  if (answered.kind === 'browser-failed') return { kind: 'error', reason: 'browser', message: `cannot show the login page: ${answered.message}` };
  if (answered.kind === 'aborted') return abortedResult(d, timeoutMs);
  return finishLogin(opts, answered, session, storage, d, timeoutMs);
}

async function finishLogin(
  opts: InteractiveLoginOptions,
  cb: Exclude<Callback, { kind: 'aborted' }>,
  session: Session,
  storage: InMemoryStorage,
  d: Deadline,
  timeoutMs: number,
): Promise<InteractiveLoginResult> {
  const { issuer } = opts;
  if (cb.kind === 'error') {
    const detail = safeMessage(cb.description ? `${cb.error}: ${cb.description}` : cb.error);
    const denied = cb.error === 'access_denied';
    cb.reply({ heading: denied ? 'Login cancelled' : 'Login failed', text: denied ? 'Locker was not given access to your pod.' : `The issuer answered: ${detail.slice(0, 300)}` });
    return denied
      ? { kind: 'error', reason: 'denied', message: `access was not granted at ${issuer} (${detail.slice(0, 200)})` }
      : { kind: 'error', reason: 'failed', message: `${issuer} answered the login with an error: ${detail.slice(0, 200)}` };
  }

  // 3. code → tokens (the library checks state, PKCE and the ID token)
  // Only the expiry and the issuer's own spelling of its URL are kept from the token set.
  let expiresAtSec: number | undefined;
  let canonicalIssuer: string | undefined;
  session.events.on((await library()).EVENTS.NEW_TOKENS, (tokens) => {
    expiresAtSec = tokens.expiresAt;
    canonicalIssuer = tokens.issuer;
  });
  const exchange = session.handleIncomingRedirect(cb.url);
  const exchanged = await race(exchange, d.signal);
  const fail = (reason: InteractiveLoginErrorReason, message: string): InteractiveLoginResult => {
    cb.reply({ status: 500, heading: 'Login failed', text: message });
    return { kind: 'error', reason, message };
  };
  if (exchanged.kind === 'aborted') {
    // An exchange finishing after we gave up would arm the library's expiry timer: end that session too, whenever it settles.
    void exchange.then(
      () => endSession(session),
      () => endSession(session),
    );
    const r = abortedResult(d, timeoutMs);
    cb.reply({ status: 500, heading: 'Login failed', text: r.kind === 'error' ? r.message : 'the login was not completed' });
    return r;
  }
  if (exchanged.kind === 'threw') return fail('failed', `the login at ${issuer} could not be completed: ${safeMessage(exchanged.error)}`);
  const webId = session.info.webId;
  if (!session.info.isLoggedIn || !webId) return fail('failed', `${issuer} completed the login without a WebID`);

  // 4. keep the refresh token (and what it is bound to) in the vault
  let extracted;
  try {
    extracted = await extractStoredLogin(storage, session.info.sessionId);
  } catch (e) {
    return fail('failed', `cannot read the login state: ${safeMessage(e)}`);
  }
  if (extracted.kind !== 'ok') return fail('failed', extracted.message);
  // The issuer as it names itself (e.g. with the trailing slash): the key and session use it, so a later `loginWithRefreshToken` with `session.issuer` finds the entry.
  const canonical = canonicalIssuer ?? issuer;
  const key = secretKey({ issuer: canonical, method: 'interactive', webId });
  try {
    await writeStoredLogin(opts.vault, key, extracted.login);
  } catch (e) {
    return fail('failed', `the vault refused to store the login: ${safeMessage(e, [extracted.login.refreshToken, extracted.login.clientSecret])}`);
  }
  cb.reply({ heading: 'Logged in', text: `Locker is now connected as ${webId}.` });
  const expiresAt = expiresAtSec !== undefined ? expiresAtSec * 1000 : undefined;
  return { kind: 'ok', session: refreshingSession({ session, expiresAt }, { issuer: canonical, webId, vault: opts.vault, key, now: opts.now ?? Date.now }) };
}
