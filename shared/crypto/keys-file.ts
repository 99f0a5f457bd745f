import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt as scryptCb } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileDurable } from '../durable/index.js';
import { DataKey, DATA_KEY_BYTES } from './data-key.js';

/**
 * `keys.json` beside the database: the data key, wrapped (AES-256-GCM) once
 * by a key derived from the passphrase (scrypt, memory-hard) and once by the
 * recovery key (HKDF: it is random, 160 bits). The data key itself is never
 * written anywhere in the clear. Changing the passphrase rewraps the data key
 * and replaces this file atomically; the database is not touched.
 *
 * Lose the passphrase and the recovery key, or this file, and the data is lost.
 */
const KEYS_FILE = 'keys.json';

/** scrypt N = 2^17, r = 8: 128 MiB and about a quarter of a second per attempt on a 2-core laptop. */
export const DEFAULT_SCRYPT = { logN: 17, r: 8, p: 1 } as const;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

const ScryptKdf = z.object({ name: z.literal('scrypt'), logN: z.number().int().min(10).max(22), r: z.number().int().min(1).max(32), p: z.number().int().min(1).max(16), salt: b64 });
const HkdfKdf = z.object({ name: z.literal('hkdf-sha256'), salt: b64 });

const WrapSchema = z.object({
  kdf: z.discriminatedUnion('name', [ScryptKdf, HkdfKdf]),
  aead: z.literal('aes-256-gcm'),
  nonce: b64,
  /** Ciphertext followed by the 16-byte tag. */
  data: b64,
});
export type Wrap = z.infer<typeof WrapSchema>;

const KeysSchema = z.object({
  format: z.literal('locker-keys'),
  version: z.literal(1),
  /** How the database is encrypted: SQLCipher 4 pages (AES-256-CBC + HMAC-SHA512) with the raw data key. */
  cipher: z.literal('sqlcipher4'),
  /** `converting`: a plain locker is being encrypted; the database may still be the plain one. */
  state: z.enum(['converting', 'ready']),
  created: z.string(),
  changed: z.string().optional(),
  wraps: z.object({ passphrase: WrapSchema, recovery: WrapSchema.optional() }),
});
export type KeysFile = z.infer<typeof KeysSchema>;

export type ReadKeysResult = { readonly kind: 'absent' } | { readonly kind: 'ok'; readonly keys: KeysFile } | { readonly kind: 'error'; readonly message: string };

export function keysPath(home: string): string {
  return path.join(home, KEYS_FILE);
}

export function readKeys(home: string): ReadKeysResult {
  const file = keysPath(home);
  if (!existsSync(file)) return { kind: 'absent' };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { kind: 'error', message: `${file} is damaged (${e instanceof Error ? e.message : String(e)}): without it this encrypted locker cannot be opened` };
  }
  const parsed = KeysSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'error', message: `${file} is not a Locker key file this version understands (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  return { kind: 'ok', keys: parsed.data };
}

/** Writes `keys.json` atomically and durably: a temporary file, fsync, rename, fsync of the folder. */
export function writeKeys(home: string, keys: KeysFile): void {
  const file = keysPath(home);
  // Temporary files of writes that were killed before their rename.
  for (const f of readdirSync(home)) if (f.startsWith(`${KEYS_FILE}.tmp-`)) rmSync(path.join(home, f), { force: true });
  writeFileDurable(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
}

function scrypt(secret: string, salt: Buffer, p: { logN: number; r: number; p: number }): Promise<Buffer> {
  const N = 2 ** p.logN;
  return new Promise((resolve, reject) =>
    scryptCb(secret.normalize('NFC'), salt, 32, { N, r: p.r, p: p.p, maxmem: 256 * N * p.r + 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function hkdf(secret: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, salt, 'locker recovery key v1', 32));
}

const AAD = (kind: 'passphrase' | 'recovery') => Buffer.from(`locker-keys v1 ${kind}`);

function seal(kek: Buffer, key: DataKey, kind: 'passphrase' | 'recovery'): { nonce: string; data: string } {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(AAD(kind));
  const plain = key.copyBytes();
  try {
    const ct = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { nonce: nonce.toString('base64'), data: ct.toString('base64') };
  } finally {
    plain.fill(0);
    kek.fill(0);
  }
}

function open(kek: Buffer, wrap: Wrap, kind: 'passphrase' | 'recovery'): DataKey | undefined {
  const data = Buffer.from(wrap.data, 'base64');
  if (data.length !== DATA_KEY_BYTES + 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(wrap.nonce, 'base64'));
    decipher.setAAD(AAD(kind));
    decipher.setAuthTag(data.subarray(DATA_KEY_BYTES));
    const plain = Buffer.concat([decipher.update(data.subarray(0, DATA_KEY_BYTES)), decipher.final()]);
    return DataKey.adopt(plain);
  } catch {
    // Authentication failed: this is not the right secret (or the file was altered). Reported as such by the caller.
    return undefined;
  } finally {
    kek.fill(0);
  }
}

export async function wrapWithPassphrase(key: DataKey, passphrase: string, params: { logN: number; r: number; p: number } = DEFAULT_SCRYPT): Promise<Wrap> {
  const salt = randomBytes(16);
  const kek = await scrypt(passphrase, salt, params);
  return { kdf: { name: 'scrypt', ...params, salt: salt.toString('base64') }, aead: 'aes-256-gcm', ...seal(kek, key, 'passphrase') };
}

export async function unwrapWithPassphrase(wrap: Wrap, passphrase: string): Promise<DataKey | undefined> {
  if (wrap.kdf.name !== 'scrypt') return undefined;
  const kek = await scrypt(passphrase, Buffer.from(wrap.kdf.salt, 'base64'), wrap.kdf);
  return open(kek, wrap, 'passphrase');
}

export function wrapWithRecovery(key: DataKey, recovery: RecoveryKey): Wrap {
  const salt = randomBytes(16);
  return { kdf: { name: 'hkdf-sha256', salt: salt.toString('base64') }, aead: 'aes-256-gcm', ...seal(hkdf(recovery.bytes, salt), key, 'recovery') };
}

export function unwrapWithRecovery(wrap: Wrap, recovery: RecoveryKey): DataKey | undefined {
  if (wrap.kdf.name !== 'hkdf-sha256') return undefined;
  return open(hkdf(recovery.bytes, Buffer.from(wrap.kdf.salt, 'base64')), wrap, 'recovery');
}

// ---- recovery keys: 160 random bits, printed as 8 groups of 4 Crockford base32 characters ----

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RECOVERY_BYTES = 20;

export interface RecoveryKey {
  readonly bytes: Buffer;
  /** e.g. `7QXK-2M9D-…` (32 characters in groups of four). */
  readonly text: string;
}

export function generateRecoveryKey(): RecoveryKey {
  const bytes = randomBytes(RECOVERY_BYTES);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return { bytes, text: out.match(/.{4}/g)?.join('-') ?? out };
}

/** Reads a recovery key as a person might type it: any case, spaces or dashes anywhere, O for 0 and I/L for 1. */
export function parseRecoveryKey(text: string): RecoveryKey | undefined {
  const clean = text
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (clean.length !== 32) return undefined;
  const bytes = Buffer.alloc(RECOVERY_BYTES);
  let bits = 0;
  let value = 0;
  let i = 0;
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes[i++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return { bytes, text: clean.match(/.{4}/g)?.join('-') ?? clean };
}
