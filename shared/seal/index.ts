export { sealBackup, sealBackupToBytes, type SealSummary } from './seal.js';
// The format and its reader live with the importers (opening a backup is importing it); re-exported for writers' callers.
export { BACKUP_FORMAT, BACKUP_VERSION, backupNeeds, isSealedBackup, openSealedBackup, type BackupManifest, type BackupNeeds, type BackupProtection, type OpenedBackup } from '../importers/index.js';
