import type { LockerRecord } from '../model/index.js';
import type { BinaryWrite } from '../model/index.js';

/** Limits that keep a hostile or broken file from exhausting the machine. All configurable. */
export interface ImportCaps {
  /** Largest file accepted, in bytes. */
  readonly maxFileBytes: number;
  /** Longest content line (after unfolding), in bytes. */
  readonly maxLineBytes: number;
  /** Deepest nesting of BEGIN/END blocks. */
  readonly maxDepth: number;
  /** Most records one file may produce. */
  readonly maxRecordsPerFile: number;
  /** Largest embedded binary (a vCard PHOTO…), in bytes. */
  readonly maxBinaryBytes: number;
  /** Longest time one file may take to read, in seconds. */
  readonly maxSeconds: number;
  /** Largest file a streaming importer (Apple Health) reads; those are never held in memory whole. */
  readonly maxStreamBytes: number;
}

export const DEFAULT_CAPS: ImportCaps = {
  maxFileBytes: 256 * 1024 * 1024,
  maxLineBytes: 16 * 1024 * 1024,
  maxDepth: 16,
  maxRecordsPerFile: 1_000_000,
  maxBinaryBytes: 20 * 1024 * 1024,
  maxSeconds: 600,
  maxStreamBytes: 16 * 1024 * 1024 * 1024,
};

export type FormatId = 'ical' | 'vcard' | 'trig' | 'ofx' | 'qif' | 'mt940' | 'camt' | 'csv-bank' | 'apple-health' | 'fhir' | 'gpx' | 'kml' | 'geojson' | 'takeout-location' | 'photo' | 'mbox' | 'eml' | 'bookmarks' | 'goodreads' | 'activitypub' | 'twitter';

/** Which column of a CSV statement is what (see csv-bank.ts). */
export interface CsvMapping {
  readonly name: string;
  /** Header names that identify the layout (all must be present); default: the date and amount columns. */
  readonly match?: readonly string[] | undefined;
  readonly date: string;
  /** One signed amount column, or separate debit/credit columns. */
  readonly amount?: string | undefined;
  readonly debit?: string | undefined;
  readonly credit?: string | undefined;
  readonly payee?: string | undefined;
  readonly memo?: string | undefined;
  readonly reference?: string | undefined;
  readonly category?: string | undefined;
  /** A column saying `debit` or `credit`, for amounts written without a sign (Mint). */
  readonly signColumn?: string | undefined;
  /** A column holding the currency code… */
  readonly currencyColumn?: string | undefined;
  /** …or the currency of every row. */
  readonly currency?: string | undefined;
  /** e.g. `YYYY-MM-DD`, `DD.MM.YYYY`, `MM/DD/YY`; `auto` (presets): found from the column's values (csv-bank.ts `inferDateFormat`). */
  readonly dateFormat: string;
  readonly decimal: '.' | ',';
  readonly delimiter?: string | undefined;
}

/** Settings for formats that don't say everything themselves. */
export interface FormatOptions {
  /** Currency for statements that don't name one (QIF; CSV without a currency column). */
  readonly currency?: string | undefined;
  /** QIF dates when the file itself doesn't tell (no day over 12). */
  readonly qifDateOrder?: 'mdy' | 'dmy' | undefined;
  /** Saved CSV mappings, tried before the presets. */
  readonly csvMappings?: readonly CsvMapping[] | undefined;
  /** A mapping for this import only (`--csv-map`). */
  readonly csvMap?: CsvMapping | undefined;
}

export interface ImportContext {
  /** Base name of the source file, for messages and provenance. */
  readonly fileName: string;
  readonly caps: ImportCaps;
  /** `Date.now()` value after which parsing gives up. */
  readonly deadline: number;
  /** Reads a file that sits beside the source (TriG exports keep binaries there); undefined when absent. */
  readonly readSibling?: (relativePath: string) => Uint8Array | undefined;
  readonly options?: FormatOptions | undefined;
}

/** Where an item sits in its file, for a person to find it: the line it starts on and its text (capped). */
export interface ItemSource {
  readonly line?: number;
  /** Where in a file that has no useful lines (JSON): a path such as `features[12]` or `entry[3].resource`. */
  readonly position?: string;
  readonly raw: string;
}

/** One item of a file that could not be read (a bad date, a missing field): skipped, the rest of the file goes on. */
export interface SkippedItem extends ItemSource {
  readonly reason: string;
}

/** One record an importer produced, with the binaries it links to — or an item it had to skip. */
export type ParsedItem =
  | { readonly record: LockerRecord; readonly binaries?: readonly BinaryWrite[]; readonly source?: ItemSource; readonly skipped?: undefined }
  | { readonly skipped: SkippedItem; readonly record?: undefined };

/** Raw text kept with a skipped item: enough to recognise it, never the whole of a giant item. */
export const MAX_RAW_CHARS = 2000;

export function rawText(text: string): string {
  return text.length > MAX_RAW_CHARS ? `${text.slice(0, MAX_RAW_CHARS)}…` : text;
}

/**
 * What an importer produced from one file. `items` is lazy: records are
 * converted as they are consumed, so a 100k-event calendar never exists as
 * 100k records in memory at once. Iterating may throw `ImportAbort`.
 */
export interface ParsedFile {
  /** How many records to expect (for progress). */
  readonly count: number;
  readonly items: Iterable<ParsedItem> | AsyncIterable<ParsedItem>;
  /** Bytes of the source read so far (streaming importers), for progress. */
  readonly bytesRead?: () => number;
  /** True when records already carry their own provenance (a Locker export). */
  readonly keepsProvenance?: boolean;
  /** What was read past without being an item (text between the cards of a vCard file…), for the summary. */
  readonly warnings?: readonly string[];
}

/** All records at once (tests, small files); skipped items are left out (see `collectSkipped`). */
export function collect(parsed: ParsedFile): { records: LockerRecord[]; binaries: BinaryWrite[] } {
  const records: LockerRecord[] = [];
  const binaries = new Map<string, BinaryWrite>();
  const at = new Map<string, number>();
  if (!(Symbol.iterator in parsed.items)) throw new Error('collect() takes a synchronous importer; use collectAsync');
  for (const item of parsed.items) {
    if (item.skipped) continue;
    const i = at.get(item.record.id);
    if (i === undefined) {
      at.set(item.record.id, records.length);
      records.push(item.record);
    } else records[i] = item.record;
    for (const b of item.binaries ?? []) binaries.set(b.name, b);
  }
  return { records, binaries: [...binaries.values()] };
}

/** Why a file could not be imported. `message` is one line a person can act on. */
export interface ImportFailure {
  readonly kind: 'unrecognised' | 'too-large' | 'malformed' | 'invalid' | 'timeout' | 'unreadable';
  readonly message: string;
  /** For callers that offer a way out: `needs-currency` — the file does not say its currency and the locker has no default one (QIF). */
  readonly code?: 'needs-currency' | undefined;
}

export type ParseResult = { readonly kind: 'ok'; readonly parsed: ParsedFile } | { readonly kind: 'failed'; readonly failure: ImportFailure };

/** A file read as a stream of chunks (for formats too large to hold in memory). */
export interface StreamSource {
  readonly size: number;
  chunks(): AsyncIterable<Uint8Array>;
}

export interface Importer {
  readonly id: FormatId;
  readonly mediaType: string;
  parse(text: string, ctx: ImportContext): ParseResult;
  /** Binary formats (pictures) read the bytes themselves instead of text. */
  parseBytes?(bytes: Uint8Array, ctx: ImportContext): ParseResult;
  /** Streaming importers read the file chunk by chunk with flat memory; `parse` then wraps the text as one chunk. */
  stream?(src: StreamSource, ctx: ImportContext): ParseResult;
}

/** All items of a (possibly streaming) parse, for tests and small files. */
export async function collectAsync(parsed: ParsedFile): Promise<ParsedItem[]> {
  const out: ParsedItem[] = [];
  for await (const item of parsed.items) out.push(item);
  return out;
}

export function failed(kind: ImportFailure['kind'], message: string): ParseResult {
  return { kind: 'failed', failure: { kind, message } };
}

/** Thrown inside a parser to stop at once; the importer turns it into a `failed` value. */
export class ImportAbort extends Error {
  constructor(readonly failure: ImportFailure) {
    super(failure.message);
  }
}

export function checkDeadline(ctx: ImportContext): void {
  if (Date.now() > ctx.deadline) throw new ImportAbort({ kind: 'timeout', message: `reading took longer than the ${ctx.caps.maxSeconds} s limit` });
}
