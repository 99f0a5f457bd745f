export { sealBackup, sealBackupToBytes, BACKUP_FORMAT, BACKUP_VERSION, type BackupManifest, type BackupProtection, type SealSummary } from './seal.js';
export { openSealedBackup, isSealedBackup, backupNeeds, type OpenedBackup } from './open.js';
