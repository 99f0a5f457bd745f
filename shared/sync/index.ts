export { syncLocker, lastSync, foreignDocuments, type SyncOptions, type SyncProgress, type SyncPhase, type SyncResult, type SyncSummary, type SyncIssue } from './engine.js';
export { resolveConflict, type ResolveChoice, type ResolveOutcome } from './resolve.js';
export { SCAN_RECORDS_PER_SYNC, SCAN_SHARDS_PER_SYNC } from './shards.js';
