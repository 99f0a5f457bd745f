export { isPlainDatabase, openStore, Store, type BinaryWrite, type DataKeyLike, type ListQuery, type OpenResult, type OpenStoreOptions, type PutOutcome, type RecordSummary, type SearchQuery, type StoredRecord, type SyncState } from './store.js';
export { crashPoint, encryptDatabaseFile, removeScratch, type EncryptFileResult } from './encrypt.js';
export { SyncTable, type SyncRow, type ConflictRow } from './sync.js';
export { GrantTable, type GrantRow, type GrantState, type GrantTarget } from './grants.js';
