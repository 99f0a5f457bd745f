import { z } from 'zod';
import { openVault, readConnection, secretKey, writeConnection, type PodConnection, type Sealer, type TokenVault, type VaultKey } from '../auth/index.js';
import { writeFileDurable } from '../durable/index.js';
import { createCssAccount } from './account.js';
import { readJsonFile } from './json-file.js';

/** `<home>/pod/account.json`: the local pod's account, without its secrets (those are in the vault). */
const LocalAccountSchema = z.object({
  issuer: z.string().url(),
  email: z.string(),
  webId: z.string().url(),
  podUrl: z.string().url(),
  clientId: z.string(),
  createdAt: z.string(),
});
export type LocalAccount = z.infer<typeof LocalAccountSchema>;

/** The vault key of the local account's password (kept so the user can log in to the pod's web pages). */
export function localPasswordKey(issuer: string, email: string): string {
  return `local-pod-password ${issuer} ${email}`;
}

/** What happened to `<home>/pod.json`. */
export type ConnectionOutcome = 'written' | 'unchanged' | 'kept-other';

export type AccountSetupResult =
  | {
      readonly kind: 'ok';
      readonly account: LocalAccount;
      readonly created: boolean;
      readonly connection: ConnectionOutcome;
      /** Why pod.json was left alone, for the user. */
      readonly note?: string;
      readonly vault: Pick<TokenVault, 'protection' | 'describe'>;
    }
  | { readonly kind: 'error'; readonly message: string };

export function readAccount(file: string): { kind: 'ok'; account: LocalAccount } | { kind: 'absent' } | { kind: 'error'; message: string } {
  const r = readJsonFile(file, LocalAccountSchema, 'a valid local account');
  return r.kind === 'ok' ? { kind: 'ok', account: r.value } : r;
}

function writeAccount(file: string, account: LocalAccount): void {
  writeFileDurable(file, JSON.stringify(account, null, 2) + '\n', { mode: 0o600 });
}

/**
 * The connection to write unless `<home>/pod.json` belongs to another
 * provider (or cannot be read): that one is the user's choice, kept as is.
 */
function connect(home: string, account: LocalAccount): { connection: ConnectionOutcome; note?: string } {
  const current = readConnection(home);
  if (current.kind === 'error') return { connection: 'kept-other', note: `${current.message}: left as it is, so this locker is not connected to the local pod` };
  if (current.kind === 'ok' && !current.connection.local && current.connection.issuer !== account.issuer) {
    return { connection: 'kept-other', note: `this locker stays connected to ${current.connection.issuer}; the local pod runs beside it` };
  }
  const conn: PodConnection = { issuer: account.issuer, webId: account.webId, podUrl: account.podUrl, method: 'client-credentials', clientId: account.clientId, local: true, connectedAt: new Date().toISOString() };
  writeConnection(home, conn);
  return { connection: 'written' };
}

/**
 * The local pod's account: read from `account.json`, or on first start
 * created on the server at `baseUrl`, its password and client secret put in
 * the vault, and `pod.json` written (unless another provider is connected).
 */
export async function ensureLocalAccount(home: string, accountFile: string, baseUrl: string, opts: { env?: NodeJS.ProcessEnv; podName?: string; dataKey?: VaultKey; sealer?: Sealer } = {}): Promise<AccountSetupResult> {
  const vault = await openVault(home, opts.env ?? process.env, opts.dataKey, opts.sealer);
  const vaultInfo = { protection: vault.protection, describe: vault.describe };
  const existing = readAccount(accountFile);
  if (existing.kind === 'error') return existing;
  if (existing.kind === 'ok') {
    if (existing.account.issuer !== baseUrl) return { kind: 'error', message: `${accountFile} belongs to ${existing.account.issuer}, but the pod runs at ${baseUrl}` };
    return { kind: 'ok', account: existing.account, created: false, connection: 'unchanged', vault: vaultInfo };
  }
  const made = await createCssAccount(baseUrl, opts.podName ?? 'me');
  if (made.kind === 'error') return { kind: 'error', message: `cannot create the local pod's account: ${made.message}` };
  const a = made.account;
  const account: LocalAccount = { issuer: baseUrl, email: a.email, webId: a.webId, podUrl: a.podUrl, clientId: a.clientId, createdAt: new Date().toISOString() };
  await vault.set(secretKey({ issuer: baseUrl, method: 'client-credentials', webId: a.webId }), a.clientSecret);
  await vault.set(localPasswordKey(baseUrl, a.email), a.password);
  writeAccount(accountFile, account);
  return { kind: 'ok', account, created: true, ...connect(home, account), vault: vaultInfo };
}
