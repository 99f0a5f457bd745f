export { sealBackup, sealBackupToBytes, type SealSummary } from './seal.js';
// The format and its reader live with the importers (opening a backup is importing it); re-exported for writers' callers.
export { isSealedBackup, type BackupProtection } from '../importers/index.js';
