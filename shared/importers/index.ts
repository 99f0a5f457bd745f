export { formatBytes, isStreamingFormat, openSource, openStreamSource, ProblemLog, type StreamFile, stamp, IMPORTERS, type OpenedSource, type SourceFile } from './pipeline.js';
export { linkPeople } from './link.js';
export { detectFormat, type Detection } from './detect.js';
export { collect, collectAsync, DEFAULT_CAPS, ImportAbort, type CsvMapping, type FormatOptions, type FormatId, type ImportCaps, type ImportFailure, type ParsedItem } from './types.js';
export { PRESETS as CSV_PRESETS } from './csv-bank.js';
export { isZip, openZip, badEntryName, DEFAULT_ARCHIVE_LIMITS, type ArchiveEntry, type ArchiveLimits, type OpenedArchive } from './archive.js';
