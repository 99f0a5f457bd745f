/**
 * The sealed backup: one file, `age` v1 encrypted (https://age-encryption.org/v1:
 * scrypt passphrase or X25519 key, ChaCha20-Poly1305 in 64 KiB authenticated
 * chunks, header MAC), around a ustar tar holding
 *
 *   locker.trig          every record, one named graph each (as `locker export` writes it)
 *   files/<name>         every binary (photo bytes, attachments), named by digest
 *   manifest.json        {"format":"locker-backup","version":1,"created","records","binaries"}
 *
 * so that it can be read without Locker: `age -d backup.locker | tar x`.
 */
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Encrypter } from 'age-encryption';
import type tarStream from 'tar-stream';
import { commitDurable } from '../durable/index.js';
import { writeTrig } from '../export/index.js';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupManifest, type BackupProtection } from '../importers/index.js';
import type { Store } from '../store/index.js';

export interface SealSummary {
  readonly records: number;
  readonly binaries: number;
  readonly file: string;
  readonly bytes: number;
}

/** age and tar-stream are loaded by the first backup (every other command goes without them). */
async function encrypter(protection: BackupProtection): Promise<Encrypter> {
  const { Encrypter: AgeEncrypter, identityToRecipient } = await import('age-encryption');
  const e = new AgeEncrypter();
  if (protection.kind === 'passphrase') {
    e.setPassphrase(protection.passphrase);
    if (protection.scryptWorkFactor !== undefined) e.setScryptWorkFactor(protection.scryptWorkFactor);
  } else e.addRecipient(await identityToRecipient(protection.identity));
  return e;
}

/** The tar stream of the whole store (TriG held in memory while packing: tar needs each entry's size first). */
function packStore(tar: typeof tarStream, store: Store): { stream: Readable; done: Promise<{ records: number; binaries: number }> } {
  const pack = tar.pack();
  const done = (async () => {
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (c: Buffer | string) => chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
    const { records, binaryNames } = await writeTrig(store, sink, 'files');
    const trig = Buffer.concat(chunks);
    chunks.length = 0;
    const entry = (name: string, body: Buffer | Uint8Array) =>
      new Promise<void>((resolve, reject) => pack.entry({ name, size: body.byteLength, mode: 0o600, mtime: new Date() }, Buffer.from(body.buffer, body.byteOffset, body.byteLength), (err) => (err ? reject(err) : resolve())));
    await entry('locker.trig', trig);
    let binaries = 0;
    for (const name of [...binaryNames].sort()) {
      const b = store.getBinary(name);
      if (!b) continue;
      await entry(`files/${name}`, b.bytes);
      binaries++;
    }
    const manifest: BackupManifest = { format: BACKUP_FORMAT, version: BACKUP_VERSION, created: new Date().toISOString(), records, binaries };
    await entry('manifest.json', Buffer.from(`${JSON.stringify(manifest)}\n`));
    pack.finalize();
    return { records, binaries };
  })();
  done.catch((e: unknown) => pack.destroy(e instanceof Error ? e : new Error(String(e))));
  return { stream: Readable.from(pack as AsyncIterable<Buffer>), done };
}

async function sealedStream(store: Store, protection: BackupProtection): Promise<{ out: AsyncIterable<Uint8Array>; done: Promise<{ records: number; binaries: number }> }> {
  const { default: tar } = await import('tar-stream');
  const { stream, done } = packStore(tar, store);
  const enc = await encrypter(protection);
  const web = Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>;
  const sealed = await enc.encrypt(web);
  return { out: Readable.fromWeb(sealed as unknown as import('node:stream/web').ReadableStream<Uint8Array>), done };
}

/**
 * Streams the whole store into an encrypted backup at `out`: a temporary
 * file (0600) in the same folder, then `commitDurable` (fsync, rename, fsync
 * of the folder); on failure nothing is left behind.
 */
export async function sealBackup(store: Store, out: string, protection: BackupProtection): Promise<SealSummary> {
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.partial-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  let bytes = 0;
  try {
    const { out: chunks, done } = await sealedStream(store, protection);
    for await (const c of chunks) {
      let off = 0;
      while (off < c.byteLength) off += writeSync(fd, c, off, c.byteLength - off);
      bytes += c.byteLength;
    }
    const counts = await done;
    closeSync(fd);
    commitDurable(tmp, out);
    return { ...counts, file: out, bytes };
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed (the commit failed): the temporary file is removed below
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The same, in memory (to upload to a pod). */
export async function sealBackupToBytes(store: Store, protection: BackupProtection): Promise<{ bytes: Uint8Array; records: number; binaries: number }> {
  const { out, done } = await sealedStream(store, protection);
  const parts: Uint8Array[] = [];
  for await (const c of out) parts.push(c);
  const counts = await done;
  return { bytes: Buffer.concat(parts), ...counts };
}
