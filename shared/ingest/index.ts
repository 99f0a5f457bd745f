// Ingest: the one way records get into the store. Importers open sources; ingest validates, links, writes and commits them.
export { ingestSource } from './commit.js';
export { emptySummary, ImportTally, importOutcome } from './tally.js';
export { linkPeople } from './link.js';
export { invalidRecords, stamp } from './validate.js';
export type { ImportError, ImportErrorCode, ImportPhase, ImportProgress, ImportSummary, IngestOutcome, ReportProgress, SkippedItemReport } from './types.js';
