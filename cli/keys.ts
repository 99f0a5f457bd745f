import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFileDurable } from '../shared/durable/index.js';
import { randomBytes } from 'node:crypto';
import { changePassphrase, encryptionState, encryptLocker, openLocker, readConfig, unlockKey, type KeySource } from '../shared/api/index.js';
import type { BackupProtection } from '../shared/seal/index.js';
import { agentStatus, keyFromAgent, lockAgent, startAgent, type DataKey } from '../shared/crypto/index.js';

export { KeyUsageError } from './errors.js';
import { KeyUsageError } from './errors.js';

export interface KeyIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Asks for a secret without echo; undefined when there is no terminal to ask on. */
  readonly askSecret?: (prompt: string) => Promise<string | undefined>;
}

export interface KeyOptions {
  json?: boolean | undefined;
  encrypt?: boolean | undefined;
  'key-file'?: string | undefined;
  'new-key-file'?: string | undefined;
  'recovery-key'?: boolean | undefined;
  'no-recovery-key'?: boolean | undefined;
  for?: string | undefined;
}

const MAX_KEY_FILE = 64 * 1024;

/** The secret in a key file: its bytes as text, without a final newline. The file must be private to its owner. */
export function readKeyFile(file: string): string {
  if (!existsSync(file)) throw new KeyUsageError(`key file ${file} does not exist`);
  const st = statSync(file);
  if (!st.isFile()) throw new KeyUsageError(`key file ${file} is not a file`);
  if (st.size > MAX_KEY_FILE) throw new KeyUsageError(`key file ${file} is larger than 64 KB`);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) throw new KeyUsageError(`key file ${file} can be read by other users: chmod 600 it first`);
  const text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  if (text.length < 8) throw new KeyUsageError(`key file ${file} holds fewer than 8 characters`);
  return text;
}

/** Where this command's passphrase comes from: --key-file, LOCKER_PASSPHRASE, or a prompt. */
async function passphraseFrom(o: KeyOptions, io: KeyIo, prompt: string): Promise<string | undefined> {
  if (o['key-file']) return readKeyFile(o['key-file']);
  const env = io.env['LOCKER_PASSPHRASE'];
  if (env) return env;
  return io.askSecret?.(prompt);
}

export type ObtainedKey = { readonly kind: 'plain' } | { readonly kind: 'ok'; readonly key: DataKey; readonly from: 'agent' | 'passphrase' } | { readonly kind: 'locked' | 'error'; readonly message: string };

/**
 * The key for an ordinary command: --key-file or LOCKER_PASSPHRASE when
 * given, else the unlock agent's. No prompt: a locked locker refuses, saying how to unlock it.
 */
export async function obtainKey(home: string, o: KeyOptions, io: KeyIo): Promise<ObtainedKey> {
  const state = encryptionState(home);
  if (state.kind === 'error') return state;
  if (state.kind === 'plain') return { kind: 'plain' };
  const given = o['key-file'] ? readKeyFile(o['key-file']) : io.env['LOCKER_PASSPHRASE'];
  if (given) {
    const r = await unlockKey(home, { kind: 'passphrase', passphrase: given });
    if (r.kind === 'ok') return { kind: 'ok', key: r.key, from: 'passphrase' };
    return { kind: r.kind === 'wrong' ? 'locked' : 'error', message: r.kind === 'plain' ? 'not encrypted' : r.message };
  }
  const key = await keyFromAgent(home);
  if (key) return { kind: 'ok', key, from: 'agent' };
  return { kind: 'locked', message: 'the locker is locked: run `locker unlock` (or give LOCKER_PASSPHRASE or --key-file)' };
}

/** `10m`, `2h`, `90s`, `1d` → ms. */
export function parseIdle(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 'm';
  const ms = n * (unit === 's' ? 1000 : unit === 'h' ? 3_600_000 : unit === 'd' ? 86_400_000 : 60_000);
  return ms >= 1000 && ms <= 7 * 86_400_000 ? ms : undefined;
}

function idleFromConfig(home: string, io: KeyIo): number {
  const env = io.env['LOCKER_LOCK_AFTER'];
  if (env) {
    const ms = parseIdle(env);
    if (ms === undefined) throw new KeyUsageError(`LOCKER_LOCK_AFTER must be a duration such as 15m (got ${JSON.stringify(env)})`);
    return ms;
  }
  // A malformed config.json is reported by opening the locker (loadCaps); here the default applies.
  const config = readConfig(home);
  const minutes = config.kind === 'ok' ? config.config.lockAfterMinutes : undefined;
  return minutes !== undefined ? minutes * 60_000 : 15 * 60_000;
}

const LOSS_WARNING =
  'Write the recovery key down and keep it away from this computer. It opens the locker if you forget your passphrase. If you lose both, nobody — not even Locker — can read your data again.';

/** `locker init [--encrypt]`. */
export async function initCommand(home: string, o: KeyOptions, io: KeyIo): Promise<number> {
  if (!o.encrypt) {
    const opened = openLocker(home, io.env);
    if (opened.kind !== 'ok') {
      io.err(`locker: ${opened.message}\n`);
      return 1;
    }
    opened.locker.close();
    if (o.json) io.out(`${JSON.stringify({ home, encrypted: encryptionState(home).kind === 'encrypted' })}\n`);
    else io.out(`your locker is at ${home}\n`);
    return 0;
  }
  let passphrase: string | undefined;
  if (o['key-file'] && !existsSync(o['key-file'])) {
    // A new key file: 32 random bytes, only this user may read it.
    passphrase = randomBytes(32).toString('base64url');
    writeFileDurable(o['key-file'], `${passphrase}\n`);
    io.err(`locker: wrote a new key file ${o['key-file']}; keep a copy of it somewhere safe\n`);
  } else passphrase = await passphraseFrom(o, io, 'New passphrase: ');
  if (passphrase === undefined) throw new KeyUsageError('init --encrypt needs a passphrase: type it at the prompt, or give LOCKER_PASSPHRASE or --key-file');
  if (!o['key-file'] && !io.env['LOCKER_PASSPHRASE'] && io.askSecret) {
    const again = await io.askSecret('Repeat the passphrase: ');
    if (again !== passphrase) {
      io.err('locker: the two passphrases differ; nothing was changed\n');
      return 1;
    }
  }
  const before = encryptionState(home);
  if (before.kind === 'plain') io.err(`locker: encrypting ${home}…\n`);
  const r = await encryptLocker(home, { passphrase, recoveryKey: !o['no-recovery-key'] });
  if (r.kind !== 'ok') {
    io.err(`locker: ${r.message}\n`);
    return 1;
  }
  if (o.json) io.out(`${JSON.stringify({ home, encrypted: true, converted: r.converted, records: r.records, ...(r.recoveryKey && { recoveryKey: r.recoveryKey }) })}\n`);
  else {
    io.out(r.converted ? `your locker is now encrypted (${r.records} record${r.records === 1 ? '' : 's'})\n` : `a new encrypted locker is at ${home}\n`);
    if (r.recoveryKey) io.out(`\n  recovery key:  ${r.recoveryKey}\n\n${LOSS_WARNING}\n`);
    else io.out('No recovery key was made: if you lose your passphrase, your data is lost.\n');
  }
  if (existsSync(`${home}/pod/data`)) io.err('locker: note: the local pod on this computer keeps its copy of synced records unencrypted (it is a Solid server that apps read); use full-disk encryption, or a pod elsewhere\n');
  return 0;
}

/** `locker unlock [--for 30m] [--recovery-key]`. */
export async function unlockCommand(home: string, o: KeyOptions, io: KeyIo): Promise<number> {
  const state = encryptionState(home);
  if (state.kind === 'error') throw new Error(state.message);
  if (state.kind === 'plain') {
    io.err('locker: this locker is not encrypted, so there is nothing to unlock (encrypt it with `locker init --encrypt`)\n');
    return 1;
  }
  const idleMs = o.for ? parseIdle(o.for) : idleFromConfig(home, io);
  if (idleMs === undefined) throw new KeyUsageError('--for takes a duration between 1s and 7d, such as 15m or 2h');
  let source: KeySource;
  if (o['recovery-key']) {
    const text = io.env['LOCKER_RECOVERY_KEY'] ?? (await io.askSecret?.('Recovery key: '));
    if (!text) throw new KeyUsageError('--recovery-key: type it at the prompt or give LOCKER_RECOVERY_KEY');
    source = { kind: 'recovery', recoveryKey: text };
  } else {
    const passphrase = await passphraseFrom(o, io, 'Passphrase: ');
    if (passphrase === undefined) throw new KeyUsageError('unlock needs the passphrase: type it at the prompt, or give LOCKER_PASSPHRASE or --key-file');
    source = { kind: 'passphrase', passphrase };
  }
  const r = await unlockKey(home, source);
  if (r.kind !== 'ok') {
    io.err(`locker: ${r.kind === 'plain' ? 'not encrypted' : r.message}; the locker stays locked\n`);
    return 1;
  }
  // Opening proves the key (and finishes an interrupted encryption).
  const opened = openLocker(home, io.env, { key: r.key });
  if (opened.kind !== 'ok') {
    io.err(`locker: ${opened.message}\n`);
    return 1;
  }
  try {
    const started = await startAgent(home, r.key, idleMs);
    if (started.kind === 'error') {
      io.err(`locker: ${started.message}\n`);
      return 1;
    }
  } finally {
    opened.locker.close();
  }
  const minutes = Math.round(idleMs / 60_000);
  if (o.json) io.out(`${JSON.stringify({ unlocked: true, idleMs })}\n`);
  else io.out(`unlocked; it locks again after ${minutes >= 1 ? `${minutes} min` : `${Math.round(idleMs / 1000)} s`} without use, when the computer sleeps, or with \`locker lock\`\n`);
  return 0;
}

/** `locker lock`. */
export async function lockCommand(home: string, o: KeyOptions, io: KeyIo): Promise<number> {
  const state = encryptionState(home);
  if (state.kind === 'plain') {
    io.err('locker: this locker is not encrypted, so it cannot be locked (encrypt it with `locker init --encrypt`)\n');
    return 1;
  }
  const was = (await agentStatus(home)).unlocked;
  if (was) await lockAgent(home);
  if (o.json) io.out(`${JSON.stringify({ locked: true, wasUnlocked: was })}\n`);
  else io.out(was ? 'locked\n' : 'already locked\n');
  return 0;
}

/** `locker passphrase change [--recovery-key] [--new-key-file F]`. */
export async function passphraseCommand(home: string, args: readonly string[], o: KeyOptions, io: KeyIo): Promise<number> {
  if (args[0] !== 'change' || args.length !== 1) throw new KeyUsageError('usage: locker passphrase change [--recovery-key] [--key-file OLD] [--new-key-file NEW]');
  let from: KeySource;
  if (o['recovery-key']) {
    const text = io.env['LOCKER_RECOVERY_KEY'] ?? (await io.askSecret?.('Recovery key: '));
    if (!text) throw new KeyUsageError('--recovery-key: type it at the prompt or give LOCKER_RECOVERY_KEY');
    from = { kind: 'recovery', recoveryKey: text };
  } else {
    const old = await passphraseFrom(o, io, 'Current passphrase: ');
    if (old === undefined) throw new KeyUsageError('passphrase change needs the current passphrase (prompt, LOCKER_PASSPHRASE or --key-file) or --recovery-key');
    from = { kind: 'passphrase', passphrase: old };
  }
  let next: string | undefined;
  if (o['new-key-file']) next = readKeyFile(o['new-key-file']);
  else if (io.env['LOCKER_NEW_PASSPHRASE']) next = io.env['LOCKER_NEW_PASSPHRASE'];
  else if (io.askSecret) {
    next = await io.askSecret('New passphrase: ');
    if (next !== undefined && (await io.askSecret('Repeat the new passphrase: ')) !== next) {
      io.err('locker: the two passphrases differ; nothing was changed\n');
      return 1;
    }
  }
  if (next === undefined) throw new KeyUsageError('the new passphrase: type it at the prompt, or give LOCKER_NEW_PASSPHRASE or --new-key-file');
  const r = await changePassphrase(home, from, next);
  if (r.kind !== 'ok') {
    io.err(`locker: ${r.message}; nothing was changed\n`);
    return 1;
  }
  if (o.json) io.out(`${JSON.stringify({ changed: true })}\n`);
  else io.out('passphrase changed (your recovery key still works)\n');
  return 0;
}

/**
 * The secret for an encrypted backup: `--backup-key F` (an age identity
 * file, made when sealing to a file that does not exist yet, or a file holding
 * a passphrase), else LOCKER_BACKUP_PASSPHRASE or LOCKER_PASSPHRASE, else the prompt.
 */
export async function backupProtection(o: { 'backup-key'?: string | undefined }, io: KeyIo, mode: 'seal' | 'open'): Promise<BackupProtection | undefined> {
  const file = o['backup-key'];
  if (file) {
    if (mode === 'seal' && !existsSync(file)) {
      // age is loaded only here (and by the backup code itself): no other command needs it.
      const { generateIdentity } = await import('age-encryption');
      const identity = await generateIdentity();
      writeFileDurable(file, `# Locker backup key (age identity). Keep it apart from the backup; without it the backup cannot be opened.\n${identity}\n`);
      io.err(`locker: wrote a new backup key ${file}; keep it somewhere safe, apart from the backup\n`);
    }
    const text = readKeyFile(file);
    const identity = text.split(/\r?\n/).find((l) => l.startsWith('AGE-SECRET-KEY-'));
    return identity ? { kind: 'identity', identity } : { kind: 'passphrase', passphrase: text };
  }
  const env = io.env['LOCKER_BACKUP_PASSPHRASE'] ?? io.env['LOCKER_PASSPHRASE'];
  if (env) return { kind: 'passphrase', passphrase: env };
  if (!io.askSecret) return undefined;
  const first = await io.askSecret(mode === 'seal' ? 'Passphrase for the backup: ' : 'Passphrase of the backup: ');
  if (first === undefined) return undefined;
  if (mode === 'seal') {
    if (first.length < 8) throw new KeyUsageError('choose a backup passphrase of at least 8 characters');
    if ((await io.askSecret('Repeat it: ')) !== first) throw new KeyUsageError('the two passphrases differ; nothing was written');
  }
  return { kind: 'passphrase', passphrase: first };
}
