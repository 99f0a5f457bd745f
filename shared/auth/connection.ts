import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileDurable } from '../durable/index.js';

/**
 * How this locker reaches its pod: `<home>/pod.json`. Holds no secret: the
 * client secret or refresh token lives in the vault under `secretKey(conn)`.
 */
export const PodConnectionSchema = z.object({
  issuer: z.string().url(),
  webId: z.string().url(),
  /** The storage root to use (else the first `pim:storage` of the WebID). */
  podUrl: z.string().url().optional(),
  method: z.enum(['client-credentials', 'interactive']),
  /** client-credentials: the client id (the secret is in the vault). */
  clientId: z.string().optional(),
  /** True for the embedded pod started by `locker pod local start`. */
  local: z.boolean().optional(),
  connectedAt: z.string(),
});
export type PodConnection = z.infer<typeof PodConnectionSchema>;

export type ReadConnectionResult = { readonly kind: 'ok'; readonly connection: PodConnection } | { readonly kind: 'absent' } | { readonly kind: 'error'; readonly message: string };

export function connectionFile(home: string): string {
  return path.join(home, 'pod.json');
}

/** The vault key holding this connection's secret (client secret or refresh token). */
export function secretKey(conn: Pick<PodConnection, 'issuer' | 'method' | 'webId'>): string {
  return `${conn.method === 'client-credentials' ? 'client-secret' : 'refresh-token'} ${conn.issuer} ${conn.webId}`;
}

export function readConnection(home: string): ReadConnectionResult {
  const file = connectionFile(home);
  if (!existsSync(file)) return { kind: 'absent' };
  try {
    const parsed = PodConnectionSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) return { kind: 'error', message: `${file} is not a valid pod connection: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    return { kind: 'ok', connection: parsed.data };
  } catch (e) {
    return { kind: 'error', message: `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function writeConnection(home: string, conn: PodConnection): void {
  writeFileDurable(connectionFile(home), JSON.stringify(conn, null, 2) + '\n', { mode: 0o600 });
}
