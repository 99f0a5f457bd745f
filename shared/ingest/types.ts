import type { SkippedItem } from '../importers/index.js';

/** What an import reports: its progress while it runs, and its summary at the end. */

/**
 * Why a file was refused, for callers that say more than the message: `needs-secret` (an encrypted backup
 * opened without its passphrase or key file: `needs` says which), `too-large` (over a size cap), `cancelled`,
 * `needs-currency` (a QIF file, which never says its currency, and the locker has no default currency).
 */
export type ImportErrorCode = 'needs-secret' | 'too-large' | 'cancelled' | 'needs-currency';

export interface ImportError {
  readonly file: string;
  readonly message: string;
  readonly code?: ImportErrorCode;
  /** With `needs-secret`: what opens it. */
  readonly needs?: 'passphrase' | 'identity' | 'unknown';
}

/** One item of a file that was skipped (the rest of its file was kept): where it is, why, and its text. */
export interface SkippedItemReport {
  readonly file: string;
  readonly line?: number;
  /** Where in a JSON file (`features[12]`), when it has no useful line. */
  readonly position?: string;
  readonly reason: string;
  readonly raw: string;
}

/**
 * What `locker import --json` prints. The numbers add up: every item seen is
 * imported (new), updated, unchanged, skipped (could not be read, listed in
 * `skippedItems`) or a duplicate of another item of the same file.
 */
export interface ImportSummary {
  imported: number;
  updated: number;
  unchanged: number;
  skipped: number;
  duplicates: number;
  /** Items seen in the files that were read (files refused as a whole are in `errors`, not here). */
  seen: number;
  /** Files refused as a whole (nothing of them kept). */
  errors: ImportError[];
  /** The skipped items, with their line, reason and text. */
  skippedItems: SkippedItemReport[];
  /** Files inside an archive of no format Locker reads (pictures, web pages), passed over. */
  ignored?: number;
  /** Files imported with a warning (bytes that are not valid UTF-8 where the format requires it); present when any. */
  warnings?: ImportError[];
}

export type ImportPhase = 'reading' | 'validating' | 'writing' | 'done' | 'failed';

export interface ImportProgress {
  readonly file: string;
  readonly phase: ImportPhase;
  readonly fileIndex: number;
  readonly fileCount: number;
  /** Records handled so far in this file, and how many it has. */
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
  /** The format the file was recognised as (by its content), once known: `ical`, `vcard`, `ofx`, `gpx`… */
  readonly format?: string;
}

/** Progress of one file, as ingest sees it: the caller knows which file and adds its place in the batch. */
export type ReportProgress = (phase: ImportPhase, done?: number, total?: number, bytes?: number, format?: string) => void;

/** One source committed (durable), or refused with nothing of it kept. */
export type IngestOutcome =
  | {
      readonly kind: 'ok';
      readonly created: number;
      readonly updated: number;
      readonly unchanged: number;
      readonly duplicates: number;
      readonly seen: number;
      readonly skipped: readonly SkippedItem[];
      /** What was read but not as it should be (invalid UTF-8 where the format requires it). */
      readonly warnings: readonly string[];
      readonly ids: readonly string[];
    }
  | { readonly kind: 'failed'; readonly message: string; /** `cancelled` when the caller's signal stopped it (as for a file cancelled before it was read). */ readonly code?: 'cancelled' };
