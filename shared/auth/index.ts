export { loginWithClientCredentials, REFRESH_MARGIN_MS, retryTransient, type ClientCredentials, type LoginFailure, type LoginResult, type PodSession } from './session.js';
export { openVault, EncryptedFileVault, PlainFileVault, SecretToolVault, MacKeychainVault, SealedFileVault, sealerState, type Sealer, type TokenVault, type VaultKey } from './vault.js';
export { connectionFile, readConnection, secretKey, writeConnection, PodConnectionSchema, type PodConnection, type ReadConnectionResult } from './connection.js';
export {
  loginInteractive,
  loginWithRefreshToken,
  DEFAULT_LOGIN_TIMEOUT_MS,
  type InteractiveLoginOptions,
  type InteractiveLoginResult,
  type InteractiveLoginErrorReason,
  type RefreshTokenLoginOptions,
  type RefreshTokenLoginResult,
} from './interactive.js';
export { openSystemBrowser, type OpenBrowserResult, type OpenBrowserOptions } from './browser.js';
