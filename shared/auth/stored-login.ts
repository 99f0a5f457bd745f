import type { IStorage } from '@inrupt/solid-client-authn-node';
import { z } from 'zod';
import type { TokenVault } from './vault.js';

/**
 * What an interactive login leaves in the vault (one entry, under
 * `secretKey({ issuer, method: 'interactive', webId })`): the refresh token
 * and what a later process needs to use it — the dynamically registered
 * client (a refresh token is bound to its client) and the DPoP key (a
 * refresh token of a public client is bound to it). Never an access or ID
 * token.
 */
const StoredLoginSchema = z.object({
  v: z.literal(1),
  refreshToken: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1).optional(),
  /** Seconds since the epoch; 0 = never (RFC 7591). */
  clientSecretExpiresAt: z.number().optional(),
  idTokenSignedResponseAlg: z.string().optional(),
  /** The DPoP key pair as JWK JSON, as the authentication library exports it. */
  dpopPublicKey: z.string().optional(),
  dpopPrivateKey: z.string().optional(),
});
export type StoredLogin = z.infer<typeof StoredLoginSchema>;

export type ReadStoredLoginResult = { readonly kind: 'ok'; readonly login: StoredLogin } | { readonly kind: 'absent' } | { readonly kind: 'invalid'; readonly message: string };

export async function readStoredLogin(vault: TokenVault, key: string): Promise<ReadStoredLoginResult> {
  const raw = await vault.get(key);
  if (raw === undefined || raw === '') return { kind: 'absent' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { kind: 'invalid', message: 'the stored login is not JSON' };
  }
  const parsed = StoredLoginSchema.safeParse(json);
  if (!parsed.success) return { kind: 'invalid', message: `the stored login is incomplete (${parsed.error.issues[0]?.path.join('.') ?? 'unknown field'})` };
  return { kind: 'ok', login: parsed.data };
}

export async function writeStoredLogin(vault: TokenVault, key: string, login: StoredLogin): Promise<void> {
  await vault.set(key, JSON.stringify(StoredLoginSchema.parse(login)));
}

/**
 * `@inrupt/solid-client-authn-node` keeps a session's state as one JSON
 * object under this key of the storage given to `new Session({ storage })`
 * (stable since 1.x). Only the fields named below are ever read or written.
 */
function libraryKey(sessionId: string): string {
  return `solidClientAuthenticationUser:${sessionId}`;
}

async function readLibraryRecord(storage: IStorage, sessionId: string): Promise<Record<string, string>> {
  const raw = await storage.get(libraryKey(sessionId));
  if (raw === undefined) return {};
  const parsed: unknown = JSON.parse(raw);
  const out: Record<string, string> = {};
  if (parsed && typeof parsed === 'object') for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
  return out;
}

export type ExtractResult = { readonly kind: 'ok'; readonly login: StoredLogin } | { readonly kind: 'error'; readonly message: string };

/** The refresh token, client and DPoP key of a session that has just logged in. */
export async function extractStoredLogin(storage: IStorage, sessionId: string): Promise<ExtractResult> {
  const r = await readLibraryRecord(storage, sessionId);
  const refreshToken = r['refreshToken'];
  const clientId = r['clientId'];
  if (!refreshToken) return { kind: 'error', message: 'the issuer granted no refresh token (offline_access), so Locker could not stay logged in' };
  if (!clientId) return { kind: 'error', message: 'the authentication library kept no client id for this login' };
  const expires = r['expiresAt'] !== undefined ? Number.parseInt(r['expiresAt'], 10) : undefined;
  return {
    kind: 'ok',
    login: {
      v: 1,
      refreshToken,
      clientId,
      ...(r['clientSecret'] && { clientSecret: r['clientSecret'] }),
      ...(expires !== undefined && Number.isFinite(expires) && { clientSecretExpiresAt: expires }),
      ...(r['idTokenSignedResponseAlg'] && { idTokenSignedResponseAlg: r['idTokenSignedResponseAlg'] }),
      ...(r['publicKey'] && r['privateKey'] && { dpopPublicKey: r['publicKey'], dpopPrivateKey: r['privateKey'] }),
    },
  };
}

/** The refresh token the library holds for the session now (rotated or not). */
export async function currentRefreshToken(storage: IStorage, sessionId: string): Promise<string | undefined> {
  return (await readLibraryRecord(storage, sessionId))['refreshToken'];
}

/** Puts a stored login back into a fresh library storage, so that `login({ refreshToken })` uses its client and DPoP key. */
export async function seedLibraryStorage(storage: IStorage, sessionId: string, login: StoredLogin): Promise<void> {
  const record: Record<string, string> = {
    clientId: login.clientId,
    clientType: 'dynamic',
    expiresAt: String(login.clientSecretExpiresAt ?? 0),
  };
  if (login.clientSecret) record['clientSecret'] = login.clientSecret;
  if (login.idTokenSignedResponseAlg) record['idTokenSignedResponseAlg'] = login.idTokenSignedResponseAlg;
  if (login.dpopPublicKey && login.dpopPrivateKey) {
    record['publicKey'] = login.dpopPublicKey;
    record['privateKey'] = login.dpopPrivateKey;
  }
  await storage.set(libraryKey(sessionId), JSON.stringify(record));
}

/** True when the registered client's secret has expired (then the refresh token is useless too). */
export function clientExpired(login: StoredLogin, nowMs: number): boolean {
  const at = login.clientSecretExpiresAt;
  return login.clientSecret !== undefined && at !== undefined && at !== 0 && Math.floor(nowMs / 1000) > at;
}
