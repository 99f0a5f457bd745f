import { copyFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { commitDurable } from '../durable/index.js';
import { applyKey, isPlainDatabase, type DataKeyLike } from './store.js';

export type EncryptFileResult =
  | { readonly kind: 'ok'; readonly records: number }
  | { readonly kind: 'in-use'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

/** The scratch file a conversion builds; a leftover one (from a crash) is simply removed. */
function scratchOf(file: string): string {
  return `${file}.encrypting`;
}

export function removeScratch(file: string): void {
  for (const f of [scratchOf(file), `${scratchOf(file)}-journal`, `${scratchOf(file)}-wal`, `${scratchOf(file)}-shm`]) rmSync(f, { force: true });
}

/**
 * Encrypts a plain locker database in place, so that a kill at any moment
 * leaves either the old plain file or the new encrypted one, complete:
 *
 * 1. the plain database is taken for this process alone (exclusive locking,
 *    rollback journal: refused while another process has it open),
 * 2. copied to a scratch file, which SQLite re-encrypts page by page
 *    (`PRAGMA rekey`) and which is checked and fsynced,
 * 3. renamed over the original (atomic), and the folder fsynced.
 *
 * The caller must have stored the (wrapped) key durably before calling this:
 * after step 3 the data can only be read with it.
 */
export function encryptDatabaseFile(file: string, key: DataKeyLike): EncryptFileResult {
  if (!isPlainDatabase(file)) return { kind: 'error', message: `${file} is not a plain Locker database` };
  const inUse: EncryptFileResult = { kind: 'in-use', message: 'another Locker process has this locker open (close it, e.g. a running `sync --watch`, and try again)' };
  const source = new Database(file, { timeout: 0 });
  try {
    try {
      source.pragma('locking_mode = EXCLUSIVE');
      const mode = source.pragma('journal_mode = DELETE', { simple: true });
      if (mode !== 'delete') return inUse;
      source.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (e) {
      if (/locked|busy/i.test((e as Error).message)) return inUse;
      return { kind: 'error', message: `cannot take the locker for encrypting: ${(e as Error).message}` };
    }
    // Only now, holding the database alone, is a scratch file from an earlier attempt surely nobody's.
    removeScratch(file);
    const scratch = scratchOf(file);
    try {
      const records = (source.prepare('SELECT count(*) AS n FROM records').get() as { n: number } | undefined)?.n ?? 0;
      copyFileSync(file, scratch);
      crashPoint('copied');
      const copy = new Database(scratch);
      try {
        copy.pragma(`cipher = 'sqlcipher'`);
        copy.pragma('legacy = 4');
        copy.pragma(`rekey = "x'${key.hex()}'"`);
      } finally {
        copy.close();
      }
      crashPoint('rekeyed');
      // Check the result with the key before it replaces anything.
      const check = new Database(scratch);
      try {
        applyKey(check, key);
        const ok = check.pragma('quick_check', { simple: true });
        const n = (check.prepare('SELECT count(*) AS n FROM records').get() as { n: number } | undefined)?.n ?? -1;
        if (ok !== 'ok' || n !== records) {
          removeScratch(file);
          return { kind: 'error', message: `the encrypted copy did not check out (${String(ok)}, ${n} of ${records} records)` };
        }
      } finally {
        check.close();
      }
      if (isPlainDatabase(scratch)) {
        removeScratch(file);
        return { kind: 'error', message: 'SQLite did not encrypt the copy' };
      }
      commitDurable(scratch, file);
      crashPoint('renamed');
      return { kind: 'ok', records };
    } catch (e) {
      // Disk full, a failing rekey…: the plain database is untouched; the scratch copy must not stay behind.
      removeScratch(file);
      return { kind: 'error', message: `encrypting failed: ${(e as Error).message}` };
    }
  } finally {
    source.close();
  }
}

/**
 * Fault injection for the crash tests: \`LOCKER_TEST_CRASH_AT=<point>\` makes
 * the process kill itself (SIGKILL) at that point of an encryption.
 */
export function crashPoint(point: string): void {
  if (process.env['LOCKER_TEST_CRASH_AT'] === point) process.kill(process.pid, 'SIGKILL');
}
