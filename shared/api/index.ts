export { openLocker, Locker, LOCKED_MESSAGE, type OpenLockerOptions, type EditOutcome, type ImportError, type ImportOptions, type ImportProgress, type ImportSummary, type OpenLockerResult, type ShowResult } from './locker.js';
export { createHandlers, dispatch, invoke, Inputs, LOCAL_ONLY, restrictApi, type RemoteApi, type HandlerOptions, type LockerStatus, type CallContext, type CallInput, type Input, type LockerApi, type LockerEvent, type Operation, type Outputs } from './contract.js';
export { defaultHome, loadCaps } from './home.js';
export { configFile, CsvMappingSchema, CurrencySchema, defaultCurrency, readConfig, saveCsvMapping, saveDefaultCurrency, writeConfig, type ConfigError, type LockerConfig, type ReadConfigResult } from './config.js';
export {
  connectWithClientCredentials,
  syncWithPod,
  withPod,
  listConflicts,
  resolve,
  type ConnectResult,
  type ConflictView,
  type PodEnv,
  type PodStatus,
  type RefreshLogin,
  type SessionResult,
} from './pod.js';
export type { WatchOptions } from './watch.js';
export { createGrant, expireGrants, settleGrants, type GrantInput, type GrantRequest, type Invalid, type GrantView, type GrantResult, type RevokeResult } from './grants.js';
export type { AuditReport, AuditRule } from './audit.js';
export { changePassphrase, encryptionState, encryptLocker, finishConversion, unlockKey, type ChangeResult, type EncryptionState, type EncryptOptions, type EncryptResult, type KeySource, type UnlockResult } from './encryption.js';
export type { FetchBackupResult, PodBackupResult, RestoreResult } from './backup.js';
export type { DuplicatePair, MergeOutcome } from './duplicates.js';
export { CallRunner } from './runner.js';
export { APP_CSP, CALL_ID, IPC_CHANNELS, type CallResult, type LockerBridge, type PickedFile, type TaggedEvent } from './transport.js';
export { UploadArea } from './uploads.js';
export type { RecordSummary } from '../store/index.js';
export type { SyncResult, SyncProgress, SyncSummary } from '../sync/index.js';
export { readRequest, type RequestPlan, type RequestPlanResult, type PlannedNeed, type RequestView, type RequestNeedView, type RequestGrantResult } from './request.js';
export { DEFAULT_SETTINGS, exportFileName, readSettings, settingsFile, type AppSettings, type DeleteEverythingResult, type ExportEverythingResult, type HostHooks, type SettingsView } from './settings.js';
export type { PodErrorCode, PodFailure } from '../pod/index.js';
export { importOutcome, emptySummary } from '../ingest/index.js';
export type { SkippedItemReport } from '../ingest/index.js';
