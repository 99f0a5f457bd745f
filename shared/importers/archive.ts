import type { Readable } from 'node:stream';
import type yauzl from 'yauzl';

/**
 * A `.zip` export (a Takeout archive, a social network's archive, an Apple
 * Health export) opened for import. The whole central directory is checked
 * before anything is read, and the archive is refused as a whole when it is
 * hostile: names that climb out (`..`, absolute paths, drive letters),
 * encrypted entries, too many entries, declared sizes over the limits or a
 * compression ratio only a zip bomb has. yauzl also checks every entry's
 * real size against its declared one while inflating.
 */
export interface ArchiveEntry {
  /** Path inside the archive, `/`-separated. */
  readonly name: string;
  readonly size: number;
  /** The entry's bytes, inflated (checked against the declared size). */
  read(): Promise<Uint8Array>;
  /** The entry as a stream of chunks (for formats that stream). */
  chunks(): AsyncIterable<Uint8Array>;
}

export interface ArchiveLimits {
  readonly maxEntries: number;
  /** Sum of all declared uncompressed sizes. */
  readonly maxTotalBytes: number;
  /** Inflated/compressed above this (for entries over 1 MB) is treated as a bomb. */
  readonly maxRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxEntries: 100_000, maxTotalBytes: 32 * 1024 ** 3, maxRatio: 200 };

export type OpenedArchive = { readonly kind: 'ok'; readonly entries: readonly ArchiveEntry[]; close(): void } | { readonly kind: 'refused'; readonly message: string };

export function isZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** Why a name inside an archive is refused, or undefined when it is fine. */
export function badEntryName(name: string): string | undefined {
  if (name.includes('\0')) return 'a name with a NUL byte';
  if (name.includes('\\')) return `a name with a backslash (${JSON.stringify(name.slice(0, 80))})`;
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return `an absolute path (${JSON.stringify(name.slice(0, 80))})`;
  if (name.split('/').some((p) => p === '..')) return `a path that climbs out of the archive (${JSON.stringify(name.slice(0, 80))})`;
  return undefined;
}

export async function openZip(file: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<OpenedArchive> {
  let zip: yauzl.ZipFile;
  try {
    // strictFileNames: yauzl refuses backslashes and absolute/.. paths itself too.
    // Loaded with the first archive (a plain file's import never needs it).
    const { default: zipReader } = await import('yauzl');
    zip = await zipReader.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: true });
  } catch (e) {
    return { kind: 'refused', message: `not a readable zip archive: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}` };
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    return { kind: 'refused', message: `the archive has ${zip.entryCount} entries, more than the ${limits.maxEntries} limit` };
  }
  const entries: yauzl.Entry[] = [];
  const problem = await new Promise<string | undefined>((resolve) => {
    let total = 0;
    zip.on('entry', (e: yauzl.Entry) => {
      const name = e.fileName;
      const bad = badEntryName(name);
      if (bad) return resolve(`the archive holds ${bad}`);
      if (e.isEncrypted()) return resolve(`the archive holds an encrypted entry (${JSON.stringify(name.slice(0, 80))})`);
      total += e.uncompressedSize;
      if (total > limits.maxTotalBytes) return resolve(`the archive unpacks to more than ${Math.round(limits.maxTotalBytes / 1024 ** 3)} GB`);
      if (e.uncompressedSize > 1024 * 1024 && e.uncompressedSize / Math.max(1, e.compressedSize) > limits.maxRatio) {
        return resolve(`entry ${JSON.stringify(name.slice(0, 80))} would inflate ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))} times (a zip bomb)`);
      }
      const unixMode = (e.externalFileAttributes >>> 16) & 0o170000;
      if (unixMode === 0o120000) return resolve(`the archive holds a symbolic link (${JSON.stringify(name.slice(0, 80))})`);
      if (!name.endsWith('/')) entries.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(undefined));
    zip.on('error', (err: Error) => resolve(`not a readable zip archive: ${err.message.slice(0, 200)}`));
    zip.readEntry();
  });
  if (problem) {
    zip.close();
    return { kind: 'refused', message: `${problem}; nothing was imported from it` };
  }
  const stream = (e: yauzl.Entry): Promise<Readable> => zip.openReadStreamPromise(e);
  return {
    kind: 'ok',
    entries: entries.map((e) => ({
      name: e.fileName,
      size: e.uncompressedSize,
      async read() {
        const parts: Buffer[] = [];
        for await (const c of await stream(e)) parts.push(c as Buffer);
        return Buffer.concat(parts);
      },
      async *chunks() {
        for await (const c of await stream(e)) yield c as Uint8Array;
      },
    })),
    close: () => zip.close(),
  };
}
