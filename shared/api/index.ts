export { openLocker, Locker, LOCKED_MESSAGE, type OpenLockerOptions, type EditOutcome, type ImportError, type ImportOptions, type ImportProgress, type ImportSummary, type OpenLockerResult, type ShowResult } from './locker.js';
export { createHandlers, dispatch, invoke, Inputs, LOCAL_ONLY, restrictApi, type RemoteApi, type HandlerOptions, type LockerStatus, type CallContext, type CallInput, type Input, type LockerApi, type LockerEvent, type Operation, type Outputs } from './contract.js';
export { defaultHome, loadCaps } from './home.js';
export { CONFIG_FILE, configFile, ConfigSchema, CsvMappingSchema, readConfig, saveCsvMapping, writeConfig, type ConfigError, type LockerConfig, type ReadConfigResult } from './config.js';
export {
  openPodSession,
  connectWithClientCredentials,
  connectInteractively,
  finishConnect,
  discoverAndRemember,
  syncWithPod,
  withPod,
  podLayout,
  podContext,
  listConflicts,
  resolve,
  podStatus,
  type ConnectResult,
  type ConflictView,
  type PodEnv,
  type PodStatus,
  type RefreshLogin,
  type SessionResult,
} from './pod.js';
export { watchPod, type WatchOptions } from './watch.js';
export { createGrant, revokeGrants, expireGrants, listGrants, parseGrant, grantEnd, resolveTargets, settleGrants, viewOf, DEFAULT_GRANT_DURATION, DEFAULT_PURPOSE, type GrantInput, type GrantRequest, type Invalid, type GrantView, type GrantResult, type RevokeResult } from './grants.js';
export { auditPod, type AuditReport, type AuditRule } from './audit.js';
export { changePassphrase, encryptionState, encryptLocker, finishConversion, unlockKey, DB_FILE, type ChangeResult, type EncryptionState, type EncryptOptions, type EncryptResult, type KeySource, type UnlockResult } from './encryption.js';
export { backupContainer, backupToPod, fetchPodBackup, restorePodBackup, type FetchBackupResult, type PodBackupResult, type RestoreResult } from './backup.js';
export { findDuplicates, mergeRecords, type DuplicatePair, type MergeOutcome } from './duplicates.js';
export { CallRunner } from './runner.js';
export { APP_CSP, CALL_ID, IPC_CHANNELS, type CallResult, type LockerBridge, type PickedFile, type TaggedEvent } from './transport.js';
export { UploadArea, safeName } from './uploads.js';
export type { RecordSummary } from '../store/index.js';
export type { SyncResult, SyncProgress } from '../sync/index.js';
export { readRequest, grantRequest, planRequest, type RequestPlan, type RequestPlanResult, type PlannedNeed, type RequestView, type RequestNeedView, type RequestGrantResult } from './request.js';
export { DEFAULT_SETTINGS, DELETE_EVERYTHING_PHRASE, deleteEverything, exportEverything, exportFileName, readSettings, setUpdates, settingsFile, settingsView, writeSettings, type AppSettings, type DeleteEverythingResult, type ExportEverythingResult, type HostHooks, type SettingsView } from './settings.js';
export type { PodErrorCode, PodFailure } from '../pod/index.js';
