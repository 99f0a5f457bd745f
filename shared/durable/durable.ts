import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * One way to replace a file so that a crash or power cut leaves either the
 * old content or the new, complete: write a temporary file in the same
 * folder (a rename is atomic only within one file system), fsync it (else
 * the rename can reach the disk before the data), rename it over the target,
 * fsync the folder (else the rename itself can be lost).
 */

export interface DurableWriteOptions {
  /** The new file's permissions, as for open(2) (the umask may narrow them). Default 0600: most files in a locker's home are private. */
  readonly mode?: number;
}

/** Writes `data` to `file` durably and atomically; on failure the temporary file is removed and `file` is as it was. */
export function writeFileDurable(file: string, data: Uint8Array | string, opts: DurableWriteOptions = {}): void {
  // Unique and created exclusively: two writers never share a temporary file, and a planted one is never followed.
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const fd = openSync(tmp, 'wx', opts.mode ?? 0o600);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(path.dirname(file));
}

/**
 * Makes `tmp` — a complete file its caller wrote (streamed) and closed —
 * become `final` durably: fsync, rename, fsync of the folder. `tmp` must be
 * in `final`'s folder. On failure `tmp` is removed and `final` is as it was.
 */
export function commitDurable(tmp: string, final: string): void {
  try {
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, final);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(path.dirname(final));
}

/** fsync of a folder, so that a rename (or a new or deleted file) in it survives a power cut. Windows cannot open a folder for that: skipped. */
export function syncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
