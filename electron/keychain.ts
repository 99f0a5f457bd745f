import type { SafeStorage } from 'electron';
import type { Sealer, TokenVault } from '../shared/auth/index.js';

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

/** The one line to log at start about where login secrets go, or undefined when they are protected: the warning of the vault the core really uses (`openVault`), never a secret. */
export function vaultNotice(vault: Pick<TokenVault, 'warning'>): string | undefined {
  return vault.warning === undefined ? undefined : `locker: ${vault.warning}`;
}
