/**
 * Community Solid Server's account API (JSON, no browser): creates an
 * account with a password login, a pod, and client credentials for it.
 */

export interface CssAccount {
  readonly email: string;
  readonly password: string;
  readonly webId: string;
  readonly podUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly issuer: string;
}

export type AccountResult = { readonly kind: 'ok'; readonly account: CssAccount } | { readonly kind: 'error'; readonly status?: number; readonly message: string };

interface Controls {
  readonly password?: { readonly create?: string; readonly login?: string };
  readonly account?: { readonly pod?: string; readonly clientCredentials?: string };
}

class AccountApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

async function call(fetchFn: typeof fetch, url: string, token: string | undefined, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetchFn(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }), ...(token && { authorization: `CSS-Account-Token ${token}` }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) {
    let message = text.slice(0, 300);
    try {
      const j = JSON.parse(text) as { message?: unknown };
      if (typeof j.message === 'string') message = j.message;
    } catch {
      // not JSON: keep the text
    }
    throw new AccountApiError(`${url}: ${res.status} ${message}`, res.status);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/** Creates an account, a pod called `podName` and client credentials on the server at `baseUrl`. */
export async function createCssAccount(baseUrl: string, podName: string, opts: { email?: string; password?: string; fetch?: typeof fetch } = {}): Promise<AccountResult> {
  const f = opts.fetch ?? fetch;
  const email = opts.email ?? `${podName}@locker.invalid`;
  const password = opts.password ?? randomSecret();
  try {
    const created = await call(f, `${baseUrl}.account/account/`, undefined, {});
    const token = created['authorization'];
    if (typeof token !== 'string') throw new AccountApiError('the server did not return an account token');
    const index = await call(f, `${baseUrl}.account/`, token);
    const controls = index['controls'] as Controls | undefined;
    const pw = controls?.password?.create;
    const podCtl = controls?.account?.pod;
    const ccCtl = controls?.account?.clientCredentials;
    if (!pw || !podCtl || !ccCtl) throw new AccountApiError('the server does not offer the account API Locker needs (password, pod, client credentials)');
    await call(f, pw, token, { email, password });
    const pod = await call(f, podCtl, token, { name: podName });
    const webId = pod['webId'];
    const podUrl = pod['pod'];
    if (typeof webId !== 'string' || typeof podUrl !== 'string') throw new AccountApiError('the server did not return a pod and WebID');
    const cc = await call(f, ccCtl, token, { name: `locker-${podName}`, webId });
    const id = cc['id'];
    const secret = cc['secret'];
    if (typeof id !== 'string' || typeof secret !== 'string') throw new AccountApiError('the server did not return client credentials');
    return { kind: 'ok', account: { email, password, webId, podUrl, clientId: id, clientSecret: secret, issuer: baseUrl } };
  } catch (e) {
    if (e instanceof AccountApiError) return { kind: 'error', message: e.message, ...(e.status !== undefined && { status: e.status }) };
    return { kind: 'error', message: `cannot reach ${baseUrl}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function randomSecret(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64url');
}

/** Another set of client credentials for an existing account (logs in with its password). */
export async function addClientCredentials(
  baseUrl: string,
  account: Pick<CssAccount, 'email' | 'password' | 'webId'>,
  name: string,
  opts: { fetch?: typeof fetch } = {},
): Promise<{ kind: 'ok'; clientId: string; clientSecret: string } | { kind: 'error'; message: string }> {
  const f = opts.fetch ?? fetch;
  try {
    const index = await call(f, `${baseUrl}.account/`, undefined);
    const loginUrl = (index['controls'] as Controls | undefined)?.password?.login;
    if (!loginUrl) throw new AccountApiError('the server offers no password login');
    const login = await call(f, loginUrl, undefined, { email: account.email, password: account.password });
    const token = login['authorization'];
    if (typeof token !== 'string') throw new AccountApiError('the server did not return an account token');
    const controls = (await call(f, `${baseUrl}.account/`, token))['controls'] as Controls | undefined;
    const ccCtl = controls?.account?.clientCredentials;
    if (!ccCtl) throw new AccountApiError('the server offers no client credentials');
    const cc = await call(f, ccCtl, token, { name, webId: account.webId });
    const id = cc['id'];
    const secret = cc['secret'];
    if (typeof id !== 'string' || typeof secret !== 'string') throw new AccountApiError('the server did not return client credentials');
    return { kind: 'ok', clientId: id, clientSecret: secret };
  } catch (e) {
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}
