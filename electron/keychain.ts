import type { SafeStorage } from 'electron';
import { sealerState, type Sealer } from '../shared/auth/index.js';

/**
 * Electron's `safeStorage` seen as the core's `Sealer` (shared/auth), so that
 * login secrets are sealed by the OS keychain (DPAPI, the macOS Keychain,
 * libsecret/kwallet). No runtime import of `electron`: `main.ts` hands in the
 * real `safeStorage` (after `ready`: before it, Linux reports the backend
 * `unknown` and nothing is available), tests a fake.
 */

/** What is used of `safeStorage`; `getSelectedStorageBackend` exists on Linux only. */
export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  readonly getSelectedStorageBackend?: () => string;
};

export function sealerFromSafeStorage(safe: SafeStorageLike, platform: NodeJS.Platform): Sealer {
  return {
    isEncryptionAvailable: () => safe.isEncryptionAvailable(),
    // Only Linux has a choice of backends (and `basic_text`, a hard-coded key, among them); elsewhere it is the OS's own.
    backend: () => (platform === 'linux' ? safe.getSelectedStorageBackend?.() : undefined),
    encryptString: (plain) => {
      const sealed = safe.encryptString(plain);
      return new Uint8Array(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    },
    decryptString: (sealed) => safe.decryptString(Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength)),
  };
}

/**
 * The one line to log at start about where login secrets go, or undefined
 * when they are protected: an encrypted locker keeps them inside (whatever
 * the keychain), a usable keychain seals them; otherwise they fall back to
 * the plain file (`sealerState`'s reason). Never names or holds a secret.
 */
export function sealerNotice(sealer: Sealer, opts: { readonly encryptedLocker: boolean; readonly env: Readonly<Record<string, string | undefined>>; readonly home: string }): string | undefined {
  if (opts.encryptedLocker) return undefined;
  if (opts.env['LOCKER_VAULT'] === 'plain') return `locker: LOCKER_VAULT=plain: login secrets are kept unencrypted in the locker's folder (${opts.home}), readable by your user account only`;
  const state = sealerState(sealer);
  if (state.kind === 'usable') return undefined;
  return `locker: ${state.reason}: login secrets are kept unencrypted in the locker's folder (${opts.home}), readable by your user account only`;
}
