export { formatBytes, prepareFile, IMPORTERS, type PreparedFile, type PrepareOptions, type SourceFile } from './pipeline.js';
export { linkPeople } from './link.js';
export { detectFormat, type Detection } from './detect.js';
export { DEFAULT_CAPS, type FormatId, type ImportCaps, type ImportFailure } from './types.js';
