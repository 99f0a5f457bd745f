import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataKey, DEFAULT_SCRYPT, generateRecoveryKey, keysPath, parseRecoveryKey, readKeys, unwrapWithPassphrase, unwrapWithRecovery, wrapWithPassphrase, wrapWithRecovery, writeKeys, type KeysFile } from '../crypto/index.js';
import { crashPoint, encryptDatabaseFile, isPlainDatabase, openStore, removeScratch } from '../store/index.js';
import { EncryptedFileVault } from '../auth/index.js';
import { syncDir } from '../durable/index.js';

export const DB_FILE = 'locker.db';

/** How the person proves they may open the locker. */
export type KeySource =
  | { readonly kind: 'passphrase'; readonly passphrase: string }
  | { readonly kind: 'recovery'; readonly recoveryKey: string }
  /** A key already unlocked (handed over by the unlock agent). */
  | { readonly kind: 'data-key'; readonly key: DataKey };

export type EncryptionState = { readonly kind: 'plain' } | { readonly kind: 'encrypted'; readonly keys: KeysFile } | { readonly kind: 'error'; readonly message: string };

export function encryptionState(home: string): EncryptionState {
  const read = readKeys(home);
  if (read.kind === 'error') return read;
  if (read.kind === 'ok') return { kind: 'encrypted', keys: read.keys };
  const db = path.join(home, DB_FILE);
  if (existsSync(db) && statSync(db).size > 0 && !isPlainDatabase(db)) {
    return { kind: 'error', message: `${db} is encrypted but ${path.join(home, 'keys.json')} is missing: restore that file (from a copy of this folder) to open it` };
  }
  return { kind: 'plain' };
}


export type UnlockResult =
  | { readonly kind: 'ok'; readonly key: DataKey }
  | { readonly kind: 'plain' }
  | { readonly kind: 'wrong'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

/** Derives the data key from a passphrase or the recovery key (does not open the database). */
export async function unlockKey(home: string, source: KeySource): Promise<UnlockResult> {
  const state = encryptionState(home);
  if (state.kind !== 'encrypted') return state;
  const wraps = state.keys.wraps;
  switch (source.kind) {
    case 'data-key':
      return { kind: 'ok', key: source.key };
    case 'passphrase': {
      const key = await unwrapWithPassphrase(wraps.passphrase, source.passphrase);
      return key ? { kind: 'ok', key } : { kind: 'wrong', message: 'wrong passphrase' };
    }
    case 'recovery': {
      const rk = parseRecoveryKey(source.recoveryKey);
      if (!rk) return { kind: 'wrong', message: 'that is not a recovery key (32 letters and digits, in groups of four)' };
      if (!wraps.recovery) return { kind: 'wrong', message: 'this locker has no recovery key' };
      const key = unwrapWithRecovery(wraps.recovery, rk);
      rk.bytes.fill(0);
      return key ? { kind: 'ok', key } : { kind: 'wrong', message: 'wrong recovery key' };
    }
  }
}

export type EncryptResult =
  | { readonly kind: 'ok'; readonly recoveryKey: string | undefined; readonly converted: boolean; readonly records: number }
  | { readonly kind: 'error' | 'in-use'; readonly message: string };

export interface EncryptOptions {
  readonly passphrase: string;
  /** Offer a printable recovery key (default yes). */
  readonly recoveryKey?: boolean;
  /** scrypt cost (log2 N); the default is DEFAULT_SCRYPT. */
  readonly scryptLogN?: number;
}

/**
 * `locker init --encrypt`: a new encrypted locker, or an existing plain one
 * converted in place. The wrapped key is stored (durably) before the
 * database is touched; if the conversion is cut short, the next open with the
 * passphrase finishes it (`finishConversion`), and until then the old plain
 * database is intact.
 */
export async function encryptLocker(home: string, opts: EncryptOptions): Promise<EncryptResult> {
  const state = encryptionState(home);
  if (state.kind === 'error') return state;
  if (state.kind === 'encrypted') return { kind: 'error', message: 'this locker is already encrypted (change its passphrase with `locker passphrase change`)' };
  if (opts.passphrase.length < 8) return { kind: 'error', message: 'choose a passphrase of at least 8 characters (a few random words are best)' };
  const key = DataKey.generate();
  const recovery = opts.recoveryKey === false ? undefined : generateRecoveryKey();
  const params = { ...DEFAULT_SCRYPT, ...(opts.scryptLogN !== undefined && { logN: opts.scryptLogN }) };
  const db = path.join(home, DB_FILE);
  const converting = existsSync(db) && isPlainDatabase(db);
  const now = new Date().toISOString();
  const keys: KeysFile = {
    format: 'locker-keys',
    version: 1,
    cipher: 'sqlcipher4',
    state: converting ? 'converting' : 'ready',
    created: now,
    wraps: { passphrase: await wrapWithPassphrase(key, opts.passphrase, params), ...(recovery && { recovery: wrapWithRecovery(key, recovery) }) },
  };
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    writeKeys(home, keys);
    crashPoint('keys-written');
    let records = 0;
    if (converting) {
      let done: ReturnType<typeof finishConversion>;
      try {
        done = finishConversion(home, key);
      } catch (e) {
        done = { kind: 'error', message: `encrypting failed: ${(e as Error).message}` };
      }
      if (done.kind !== 'ok') {
        // Not encrypted after all: take the key file back while the database is still the plain one, so nothing half-done remains.
        if (isPlainDatabase(db)) {
          rmSync(keysPath(home), { force: true });
          syncDir(home);
          // The plain database was checked to be the one in place: whatever failed, nothing was changed.
          return { kind: done.kind, message: `${done.message}; nothing was changed` };
        }
        return done;
      }
      records = done.records;
    } else {
      const opened = openStore(db, { key });
      if (opened.kind !== 'ok') return { kind: 'error', message: opened.message };
      opened.store.close();
    }
    return { kind: 'ok', recoveryKey: recovery?.text, converted: converting, records };
  } finally {
    key.wipe();
    recovery?.bytes.fill(0);
  }
}

/** Completes an encryption that was started (keys.json says `converting`): encrypts the plain database if it still is, then marks the key file ready. */
export function finishConversion(home: string, key: DataKey): { kind: 'ok'; records: number } | { kind: 'error' | 'in-use'; message: string } {
  const read = readKeys(home);
  if (read.kind !== 'ok') return { kind: 'error', message: read.kind === 'error' ? read.message : 'this locker is not encrypted' };
  const db = path.join(home, DB_FILE);
  let records = 0;
  if (isPlainDatabase(db)) {
    const r = encryptDatabaseFile(db, key);
    if (r.kind !== 'ok') return r;
    records = r.records;
  } else removeScratch(db);
  if (read.keys.state !== 'ready') writeKeys(home, { ...read.keys, state: 'ready', changed: new Date().toISOString() });
  absorbPlainSecrets(home, key);
  return { kind: 'ok', records };
}

/** Login secrets kept in plain `secrets.json` before the locker was encrypted move into the encrypted vault now (not at first use). */
function absorbPlainSecrets(home: string, key: DataKey): void {
  if (!existsSync(path.join(home, 'secrets.json'))) return;
  new EncryptedFileVault(home, key).absorb();
}

export type ChangeResult = { readonly kind: 'ok' } | { readonly kind: 'wrong' | 'error'; readonly message: string };

/**
 * `locker passphrase change`: unwraps the data key with the old passphrase
 * (or the recovery key) and wraps it with the new one. Only `keys.json`
 * changes, atomically (temporary file, fsync, rename): a kill leaves the old
 * or the new passphrase working, never neither. The recovery key stays valid.
 */
export async function changePassphrase(home: string, from: KeySource, newPassphrase: string, opts: { scryptLogN?: number } = {}): Promise<ChangeResult> {
  if (newPassphrase.length < 8) return { kind: 'error', message: 'choose a passphrase of at least 8 characters (a few random words are best)' };
  const read = readKeys(home);
  if (read.kind !== 'ok') return { kind: 'error', message: read.kind === 'error' ? read.message : 'this locker is not encrypted (encrypt it with `locker init --encrypt`)' };
  const unlocked = await unlockKey(home, from);
  if (unlocked.kind === 'plain') return { kind: 'error', message: 'this locker is not encrypted' };
  if (unlocked.kind !== 'ok') return unlocked;
  const key = unlocked.key;
  try {
    const logN = opts.scryptLogN ?? (read.keys.wraps.passphrase.kdf.name === 'scrypt' ? read.keys.wraps.passphrase.kdf.logN : DEFAULT_SCRYPT.logN);
    const passphrase = await wrapWithPassphrase(key, newPassphrase, { ...DEFAULT_SCRYPT, logN });
    writeKeys(home, { ...read.keys, wraps: { ...read.keys.wraps, passphrase }, changed: new Date().toISOString() });
    return { kind: 'ok' };
  } finally {
    if (from.kind !== 'data-key') key.wipe();
  }
}
