export { formatBytes, isStreamingFormat, loadImporter, openSource, openStreamSource, type StreamFile, IMPORTERS, type OpenedSource, type SourceFile } from './pipeline.js';
export { openBytes, openInputs, type InputFile, type OpenContext, type Source, type SourceEvent } from './sources.js';
export { BACKUP_FORMAT, BACKUP_VERSION, backupNeeds, isSealedBackup, openSealedBackup, type BackupManifest, type BackupNeeds, type BackupProtection, type OpenedBackup } from './sealed.js';
export { detectFormat, type Detection } from './detect.js';
export { collect, collectAsync, DEFAULT_CAPS, ImportAbort, type CsvMapping, type FormatOptions, type FormatId, type ImportCaps, type ImportFailure, type Importer, type ItemSource, type ParsedItem, type SkippedItem, MAX_RAW_CHARS, rawText } from './types.js';
export { PRESETS as CSV_PRESETS } from './csv-presets.js';
export { isZip, openZip, badEntryName, DEFAULT_ARCHIVE_LIMITS, type ArchiveEntry, type ArchiveLimits, type OpenedArchive } from './archive.js';
