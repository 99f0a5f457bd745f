import type { Session } from '@inrupt/solid-client-authn-node';

/** An authenticated way to talk to a pod: a `fetch` that carries DPoP-bound tokens, refreshed before they expire. */
export interface PodSession {
  readonly webId: string;
  readonly issuer: string;
  readonly fetch: typeof fetch;
  /** When the current access token expires (ms since epoch), if known. */
  expiresAt(): number | undefined;
  close(): Promise<void>;
}

/** Why a login failed: the issuer refused the credentials, could not be reached, or failed otherwise. */
export type LoginFailure = 'rejected' | 'unreachable' | 'failed';

export type LoginResult = { readonly kind: 'ok'; readonly session: PodSession } | { readonly kind: 'error'; readonly reason: LoginFailure; readonly message: string };

export interface ClientCredentials {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Refresh this long before the token's expiry (CSS issues 600 s tokens). */
export const REFRESH_MARGIN_MS = 60_000;

async function loginOnce(creds: ClientCredentials): Promise<Session> {
  // The login library is loaded by the first login (a command that never talks to a pod never loads it).
  const { Session: LibrarySession } = await import('@inrupt/solid-client-authn-node');
  const session = new LibrarySession();
  await session.login({ clientId: creds.clientId, clientSecret: creds.clientSecret, oidcIssuer: creds.issuer, tokenType: 'DPoP' });
  if (!session.info.isLoggedIn || !session.info.webId) {
    await session.logout().catch(() => undefined);
    throw new Error('the issuer accepted the client but returned no WebID');
  }
  return session;
}

/** A connection dropped mid-login (a busy server, a flaky network): worth another try. A refusal or a wrong secret is not. */
const TRANSIENT = /socket hang up|ECONNRESET|EPIPE|ETIMEDOUT|other side closed|UND_ERR_SOCKET/i;

function loginRetrying(creds: ClientCredentials): Promise<Session> {
  return retryTransient(() => loginOnce(creds));
}

/** Runs `fn`, again after each wait while it fails with a dropped connection; any other failure, or the last, is thrown. */
export async function retryTransient<T>(fn: () => Promise<T>, waits: readonly number[] = [300, 1000]): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const wait = waits[attempt];
      const text = e instanceof Error ? `${e.message} ${String((e as { cause?: unknown }).cause ?? '')}` : String(e);
      if (wait === undefined || !TRANSIENT.test(text)) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

function describeLoginError(issuer: string, e: unknown): { reason: LoginFailure; message: string } {
  const m = e instanceof Error ? e.message : String(e);
  if (/invalid_client|unauthorized|401/i.test(m)) return { reason: 'rejected', message: `login to ${issuer} failed: the client id or secret was not accepted` };
  if (/ECONNREFUSED|ENOTFOUND|fetch failed|network/i.test(m)) return { reason: 'unreachable', message: `cannot reach ${issuer} (${m})` };
  // never echo a secret: messages from the library do not contain it, but cap the length anyway
  return { reason: 'failed', message: `login to ${issuer} failed: ${m.slice(0, 200)}` };
}

/**
 * Headless login with client credentials (what CSS issues to accounts). The
 * returned fetch logs in again shortly before the token expires, so long
 * syncs never run on an expired token; concurrent requests share one refresh.
 */
export async function loginWithClientCredentials(creds: ClientCredentials, opts: { now?: () => number } = {}): Promise<LoginResult> {
  const now = opts.now ?? Date.now;
  let session: Session;
  try {
    session = await loginRetrying(creds);
  } catch (e) {
    return { kind: 'error', ...describeLoginError(creds.issuer, e) };
  }
  const webId = session.info.webId ?? '';
  let refreshing: Promise<void> | undefined;
  const refresh = async (): Promise<void> => {
    const next = await loginRetrying(creds);
    const old = session;
    session = next;
    await old.logout().catch(() => undefined);
  };
  const expiresAt = () => session.info.expirationDate ?? undefined;
  const authFetch: typeof fetch = async (input, init) => {
    const exp = expiresAt();
    if (exp !== undefined && exp - now() < REFRESH_MARGIN_MS) {
      refreshing ??= refresh().finally(() => {
        refreshing = undefined;
      });
      await refreshing;
    }
    return session.fetch(input, init);
  };
  return {
    kind: 'ok',
    session: {
      webId,
      issuer: creds.issuer,
      fetch: authFetch,
      expiresAt,
      close: async () => {
        await session.logout().catch(() => undefined);
      },
    },
  };
}
