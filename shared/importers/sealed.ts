// age and tar-stream are loaded when a backup is opened (the other formats never need them).
import { Readable } from 'node:stream';

/**
 * Reading a sealed Locker backup (the format `shared/seal` writes): an age v1
 * file around a tar of `locker.trig`, `files/<name>` and `manifest.json`.
 * Opening one is importing, so it lives with the other readers; the format's
 * names are defined here and the writer takes them from here.
 */
export const BACKUP_FORMAT = 'locker-backup';
export const BACKUP_VERSION = 1;

export type BackupProtection = { readonly kind: 'passphrase'; readonly passphrase: string; readonly scryptWorkFactor?: number } | { readonly kind: 'identity'; readonly identity: string };

/** Which secret a backup needs, read from its header. */
export type BackupNeeds = 'passphrase' | 'identity' | 'unknown';

export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: number;
  readonly created: string;
  readonly records: number;
  readonly binaries: number;
}

export type OpenedBackup =
  | { readonly kind: 'ok'; readonly manifest: BackupManifest; readonly trig: Uint8Array; readonly files: ReadonlyMap<string, Uint8Array> }
  | { readonly kind: 'wrong-key' | 'damaged' | 'not-a-backup'; readonly message: string };

const MAGIC = 'age-encryption.org/v1\n';
const FILE_NAME = /^[a-f0-9]{32}\.[a-z0-9]{1,8}$/;
const MAX_ENTRIES = 1_000_000;

export function isSealedBackup(head: Uint8Array): boolean {
  return head.byteLength >= MAGIC.length && Buffer.from(head.buffer, head.byteOffset, MAGIC.length).toString('latin1') === MAGIC;
}

/** Which secret the backup needs, from its header's stanzas. */
export function backupNeeds(head: Uint8Array): BackupNeeds {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 4096)).toString('latin1');
  if (/^-> scrypt /m.test(text)) return 'passphrase';
  if (/^-> X25519 /m.test(text)) return 'identity';
  return 'unknown';
}

const DAMAGED = 'this backup is damaged or was altered (it failed authentication)';

/**
 * Messages say what is wrong with the backup; the caller says what that means (nothing was restored).
 * Decrypts and unpacks completely before returning, so a tampered or cut
 * file is refused as a whole. Caps: plaintext ≤ `maxBytes`, ≤ 1,000,000 entries.
 */
export async function openSealedBackup(bytes: Uint8Array, protection: BackupProtection, opts: { maxBytes?: number } = {}): Promise<OpenedBackup> {
  if (!isSealedBackup(bytes)) return { kind: 'not-a-backup', message: 'not an encrypted Locker backup (no age header)' };
  const needs = backupNeeds(bytes);
  if (needs === 'identity' && protection.kind === 'passphrase') return { kind: 'wrong-key', message: 'this backup is protected with a key file, not a passphrase: give it with --backup-key' };
  if (needs === 'passphrase' && protection.kind === 'identity') return { kind: 'wrong-key', message: 'this backup is protected with a passphrase, not a key file' };
  const { Decrypter } = await import('age-encryption');
  const d = new Decrypter();
  if (protection.kind === 'passphrase') d.addPassphrase(protection.passphrase);
  else {
    try {
      d.addIdentity(protection.identity.trim());
    } catch {
      return { kind: 'wrong-key', message: 'the key file does not hold an age identity (AGE-SECRET-KEY-1…)' };
    }
  }
  let plain: Uint8Array;
  try {
    plain = await d.decrypt(bytes);
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    if (/no identity matched/.test(m)) return { kind: 'wrong-key', message: protection.kind === 'passphrase' ? 'wrong passphrase for this backup (or its header is damaged)' : 'this key does not open this backup' };
    return { kind: 'damaged', message: DAMAGED };
  }
  const max = opts.maxBytes ?? 2 * 1024 ** 3;
  if (plain.byteLength > max) return { kind: 'damaged', message: `this backup unpacks to more than ${Math.round(max / 1024 ** 2)} MB, over the limit` };
  return unpack(plain);
}

async function unpack(plain: Uint8Array): Promise<OpenedBackup> {
  const files = new Map<string, Uint8Array>();
  let trig: Uint8Array | undefined;
  let manifestText: string | undefined;
  let problem: string | undefined;
  let entries = 0;
  const { default: tar } = await import('tar-stream');
  const extract = tar.extract();
  const finished = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const parts: Buffer[] = [];
      stream.on('data', (c: unknown) => parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array)));
      stream.on('end', () => {
        const body = Buffer.concat(parts);
        const name = header.name;
        if (++entries > MAX_ENTRIES) problem ??= 'too many entries';
        else if (header.type !== 'file') problem ??= `unexpected entry ${JSON.stringify(name.slice(0, 80))}`;
        else if (name === 'locker.trig') trig = body;
        else if (name === 'manifest.json') manifestText = body.toString('utf8');
        else if (name.startsWith('files/') && FILE_NAME.test(name.slice(6))) files.set(name.slice(6), body);
        else problem ??= `unexpected entry ${JSON.stringify(name.slice(0, 80))}`;
        next();
      });
      stream.on('error', reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  try {
    Readable.from([Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength)]).pipe(extract);
    await finished;
  } catch {
    return { kind: 'damaged', message: 'the backup decrypted, but what is inside is not a valid archive' };
  }
  if (problem) return { kind: 'damaged', message: `the backup holds something it should not (${problem})` };
  if (!manifestText || !trig) return { kind: 'not-a-backup', message: 'this age file is not a Locker backup (no manifest or records)' };
  let manifest: BackupManifest;
  try {
    const m = JSON.parse(manifestText) as Partial<BackupManifest>;
    if (m.format !== BACKUP_FORMAT || typeof m.version !== 'number' || typeof m.records !== 'number' || typeof m.binaries !== 'number') throw new Error('fields');
    manifest = m as BackupManifest;
  } catch {
    return { kind: 'damaged', message: 'the backup manifest is not valid' };
  }
  if (manifest.version > BACKUP_VERSION) return { kind: 'not-a-backup', message: `this backup was written by a newer Locker (format version ${manifest.version}); update Locker to restore it` };
  if (files.size !== manifest.binaries) return { kind: 'damaged', message: `the backup should hold ${manifest.binaries} files but holds ${files.size}` };
  return { kind: 'ok', manifest, trig, files };
}
