export { isPlainDatabase, openStore, Store, type BinaryWrite, type DataKeyLike, type ListQuery, type OpenResult, type OpenStoreOptions, type PutOutcome, type RecordSummary, type SearchQuery, type StoredRecord, type SyncState, type TrashEntry, type TrashSource, TRASH_DAYS } from './store.js';
export { crashPoint, encryptDatabaseFile, removeScratch, type EncryptFileResult } from './encrypt.js';
export type { SyncRow, ConflictRow } from './sync.js';
export type { GrantRow, GrantState, GrantTarget } from './grants.js';
