import { execFile } from 'node:child_process';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeFileDurable } from '../durable/index.js';

/**
 * Where login secrets (client secrets, refresh tokens) are kept. Never in
 * config files, logs or the renderer. An OS keychain encrypts them; the
 * plain-file fallback is announced to the user (`protection`), never silent.
 */
export interface TokenVault {
  readonly protection: 'os-keychain' | 'plain-file' | 'encrypted-locker';
  /** Set when secrets sit unencrypted on disk: what the person should be told (the UI and CLI show it). */
  readonly warning?: string;
  /** One sentence for the user about where secrets are kept. */
  readonly describe: string;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Secrets in `<home>/secrets.json`, readable by the owner only (mode 0600), written durably. */
export class PlainFileVault implements TokenVault {
  readonly protection = 'plain-file' as const;
  readonly describe: string;
  private readonly file: string;

  readonly warning: string;

  constructor(home: string, reason = 'No OS keychain is available') {
    this.file = path.join(home, 'secrets.json');
    this.describe = `${reason}: login secrets are kept unencrypted in ${this.file} (readable by your user account only).`;
    this.warning = this.describe;
  }

  readAll(): Record<string, string> {
    return this.read();
  }

  private read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
    if (!parsed || typeof parsed !== 'object') return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return out;
  }

  private write(data: Record<string, string>): void {
    writeFileDurable(this.file, JSON.stringify(data, null, 2), { mode: 0o600 });
  }

  async get(key: string): Promise<string | undefined> {
    return this.read()[key];
  }

  async set(key: string, value: string): Promise<void> {
    this.write({ ...this.read(), [key]: value });
  }

  async delete(key: string): Promise<void> {
    const data = this.read();
    delete data[key];
    this.write(data);
  }
}

/** What the vault needs of an encrypted locker's data key. */
export interface VaultKey {
  hex(): string;
}

/**
 * An encrypted locker's secrets: `<home>/secrets.enc` (AES-256-GCM under a
 * key derived from the locker's data key), so they are exactly as protected
 * as the records. A `secrets.json` left from before the locker was encrypted
 * is moved in and deleted on first use.
 */
export class EncryptedFileVault implements TokenVault {
  readonly protection = 'encrypted-locker' as const;
  readonly describe: string;
  private readonly file: string;
  private readonly plainFile: string;
  private readonly key: Buffer;

  constructor(home: string, dataKey: VaultKey) {
    this.file = path.join(home, 'secrets.enc');
    this.plainFile = path.join(home, 'secrets.json');
    this.describe = 'Login secrets are kept inside the encrypted locker (with your records).';
    const raw = Buffer.from(dataKey.hex(), 'hex');
    this.key = Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), 'locker secrets v1', 32));
    raw.fill(0);
  }

  private read(): Record<string, string> {
    const out: Record<string, string> = {};
    if (existsSync(this.file)) {
      const blob = readFileSync(this.file);
      if (blob.length < 28) throw new Error(`${this.file} is damaged`);
      const decipher = createDecipheriv('aes-256-gcm', this.key, blob.subarray(0, 12));
      decipher.setAuthTag(blob.subarray(blob.length - 16));
      let text: string;
      try {
        text = Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        throw new Error(`${this.file} cannot be read with this locker's key (damaged or from another locker)`);
      }
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    }
    return out;
  }

  private write(data: Record<string, string>): void {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const blob = Buffer.concat([nonce, cipher.update(JSON.stringify(data), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    writeFileDurable(this.file, blob);
  }

  /** Moves a plain `secrets.json` in now (after a conversion). */
  absorb(): void {
    this.absorbPlain();
  }

  /** Moves a plain `secrets.json` (from before encryption) in, then deletes it. */
  private absorbPlain(): Record<string, string> {
    const data = this.read();
    if (!existsSync(this.plainFile)) return data;
    const plain = new PlainFileVault(path.dirname(this.plainFile)).readAll();
    const merged = { ...plain, ...data };
    this.write(merged);
    rmSync(this.plainFile, { force: true });
    return merged;
  }

  async get(key: string): Promise<string | undefined> {
    return this.absorbPlain()[key];
  }

  async set(key: string, value: string): Promise<void> {
    this.write({ ...this.absorbPlain(), [key]: value });
  }

  async delete(key: string): Promise<void> {
    const data = this.absorbPlain();
    delete data[key];
    this.write(data);
  }
}

function run(cmd: string, args: readonly string[], input?: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 10_000 }, (error, stdout) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout) });
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** The Linux Secret Service (GNOME Keyring, KWallet) through libsecret's `secret-tool`. */
class SecretToolVault implements TokenVault {
  readonly protection = 'os-keychain' as const;
  readonly describe = 'Login secrets are kept in the system keyring (Secret Service).';
  constructor(private readonly scope: string) {}

  async get(key: string): Promise<string | undefined> {
    const r = await run('secret-tool', ['lookup', 'service', 'locker', 'scope', this.scope, 'key', key]);
    return r.code === 0 && r.stdout !== '' ? r.stdout : undefined;
  }

  async set(key: string, value: string): Promise<void> {
    const r = await run('secret-tool', ['store', '--label', `Locker: ${key}`, 'service', 'locker', 'scope', this.scope, 'key', key], value);
    if (r.code !== 0) throw new Error('the system keyring refused to store a secret');
  }

  async delete(key: string): Promise<void> {
    await run('secret-tool', ['clear', 'service', 'locker', 'scope', this.scope, 'key', key]);
  }
}

/** The macOS login keychain through `security`. */
class MacKeychainVault implements TokenVault {
  readonly protection = 'os-keychain' as const;
  readonly describe = 'Login secrets are kept in the macOS keychain.';
  constructor(private readonly scope: string) {}

  async get(key: string): Promise<string | undefined> {
    const r = await run('security', ['find-generic-password', '-s', `locker:${this.scope}`, '-a', key, '-w']);
    return r.code === 0 ? r.stdout.replace(/\n$/, '') : undefined;
  }

  async set(key: string, value: string): Promise<void> {
    const r = await run('security', ['add-generic-password', '-U', '-s', `locker:${this.scope}`, '-a', key, '-w', value]);
    if (r.code !== 0) throw new Error('the macOS keychain refused to store a secret');
  }

  async delete(key: string): Promise<void> {
    await run('security', ['delete-generic-password', '-s', `locker:${this.scope}`, '-a', key]);
  }
}

/**
 * The desktop app's keychain: Electron's `safeStorage` (DPAPI on Windows, the
 * Keychain on macOS, libsecret/kwallet on Linux), seen through this interface
 * so that shared/ never imports electron.
 */
export interface Sealer {
  isEncryptionAvailable(): boolean;
  /** Linux only: which backend safeStorage uses; `basic_text` means a hard-coded key, i.e. no real protection. */
  backend(): string | undefined;
  encryptString(plain: string): Uint8Array;
  decryptString(sealed: Uint8Array): string;
}

/** How a desktop's `safeStorage` can keep secrets: sealed by the OS, or not at all (why). */
export function sealerState(sealer: Sealer): { readonly kind: 'usable' } | { readonly kind: 'unusable'; readonly reason: string } {
  if (!sealer.isEncryptionAvailable()) return { kind: 'unusable', reason: 'This system offers no keychain to Locker' };
  const backend = sealer.backend();
  if (backend === 'basic_text' || backend === 'unknown') return { kind: 'unusable', reason: `This system's keychain is not available to Locker (only the plain-text backend "${backend}")` };
  return { kind: 'usable' };
}

/**
 * Secrets sealed one by one with the OS keychain (`safeStorage`), in
 * `<home>/secrets.sealed` (mode 0600, written durably): the file holds
 * ciphertexts only, which only this user's keychain can open. Where it is
 * used, the CLI has no keychain and keeps `secrets.json` (plain): a secret
 * found only there is still read (the CLI may have written it, e.g. `locker
 * pod local start`), never deleted from under the CLI; one written here is
 * sealed, and taken out of the plain file.
 */
export class SealedFileVault implements TokenVault {
  readonly protection = 'os-keychain' as const;
  readonly describe = "Login secrets are sealed with your system's keychain.";
  private readonly file: string;
  private readonly plain: PlainFileVault;

  constructor(
    home: string,
    private readonly sealer: Sealer,
  ) {
    this.file = path.join(home, 'secrets.sealed');
    this.plain = new PlainFileVault(home);
  }

  /** The sealed entries this keychain can open. One it cannot (sealed by another user, machine or keychain) is left out: `get` says it is missing, so the person logs in again, and `set` replaces it. */
  private read(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!existsSync(this.file)) return out;
    const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
    if (!parsed || typeof parsed !== 'object') return out;
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v !== 'string') continue;
      try {
        out[k] = this.sealer.decryptString(Buffer.from(v, 'base64'));
      } catch {
        // Not this keychain's: as if absent.
      }
    }
    return out;
  }

  private write(data: Record<string, string>): void {
    const sealed: Record<string, string> = {};
    for (const [k, v] of Object.entries(data)) sealed[k] = Buffer.from(this.sealer.encryptString(v)).toString('base64');
    writeFileDurable(this.file, JSON.stringify(sealed));
  }

  async get(key: string): Promise<string | undefined> {
    return this.read()[key] ?? (await this.plain.get(key));
  }

  async set(key: string, value: string): Promise<void> {
    this.write({ ...this.read(), [key]: value });
    if ((await this.plain.get(key)) !== undefined) await this.plain.delete(key);
  }

  async delete(key: string): Promise<void> {
    const data = this.read();
    delete data[key];
    this.write(data);
    if ((await this.plain.get(key)) !== undefined) await this.plain.delete(key);
  }
}

/**
 * Picks the best vault this machine offers, the same for the CLI and the
 * desktop app so both find the same secrets: the OS keychain through
 * `security` (macOS) or `secret-tool` (Linux) first; then, for an encrypted
 * locker, a file encrypted with its key (as protected as the records); then,
 * in the desktop app, secrets sealed with `safeStorage` (`sealer`: DPAPI on
 * Windows, kwallet or libsecret without secret-tool on Linux), or the plain
 * file with a warning when only its plain-text backend exists; else the
 * announced plain file.
 * `LOCKER_VAULT=plain` forces the file (tests, headless servers).
 */
export async function openVault(home: string, env: NodeJS.ProcessEnv = process.env, dataKey?: VaultKey, sealer?: Sealer): Promise<TokenVault> {
  const scope = path.resolve(home);
  const encrypted = existsSync(path.join(home, 'keys.json'));
  if (env['LOCKER_VAULT'] !== 'plain') {
    if (process.platform === 'darwin') {
      const probe = await run('security', ['default-keychain']);
      if (probe.code === 0) return new MacKeychainVault(scope);
    } else if (process.platform === 'linux' && env['DBUS_SESSION_BUS_ADDRESS']) {
      const probe = await run('secret-tool', ['lookup', 'service', 'locker', 'probe', '1']);
      // exit 1 = not found (the keyring answered); 127/ENOENT = no secret-tool
      if (probe.code === 0 || probe.code === 1) return new SecretToolVault(scope);
    }
  }
  if (encrypted) {
    if (!dataKey) throw new Error('the locker is locked: unlock it to use its login secrets');
    return new EncryptedFileVault(home, dataKey);
  }
  if (env['LOCKER_VAULT'] !== 'plain' && sealer) {
    const state = sealerState(sealer);
    return state.kind === 'usable' ? new SealedFileVault(home, sealer) : new PlainFileVault(home, state.reason);
  }
  return new PlainFileVault(home);
}
