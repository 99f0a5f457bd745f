export { loginWithClientCredentials, retryTransient, type ClientCredentials, type LoginFailure, type LoginResult, type PodSession } from './session.js';
export { openVault, EncryptedFileVault, PlainFileVault, SealedFileVault, sealerState, type Sealer, type TokenVault, type VaultKey } from './vault.js';
export { connectionFile, readConnection, secretKey, writeConnection, type PodConnection, type ReadConnectionResult } from './connection.js';
export {
  loginInteractive,
  loginWithRefreshToken,
  type InteractiveLoginOptions,
  type InteractiveLoginResult,
  type InteractiveLoginErrorReason,
  type RefreshTokenLoginOptions,
  type RefreshTokenLoginResult,
} from './interactive.js';
export { openSystemBrowser, type OpenBrowserResult, type OpenBrowserOptions } from './browser.js';
