export { syncLocker, lastSync, SyncRun, type SyncOptions, type SyncProgress, type SyncPhase, type SyncResult, type SyncSummary, type SyncIssue } from './engine.js';
export { merge3, graphKey, sameGraph, singleValued, type MergeResult } from './merge.js';
export { parseRemoteRecord, idOfMember, SAFE_ID } from './remote-doc.js';
export { resolveConflict, type ResolveChoice, type ResolveOutcome } from './resolve.js';
