import { createHash } from 'node:crypto';
import { sha256Hex } from '../model/index.js';
import { detectFormat } from './detect.js';
import { decodeAs, declaredCharset, mandatesUtf8 } from './text.js';
import type { FormatId, FormatOptions, ImportCaps, ImportFailure, Importer, ParsedFile, ParseResult } from './types.js';

/**
 * Every format's importer, loaded when a file of that format is met (an `.ics` import never loads the mail
 * parser, sharp or the bank formats). `streams`: the importer reads the file in chunks (`Importer.stream`),
 * known before it is loaded, for the size check of a file too large to hold whole.
 */
export const IMPORTERS: Readonly<Record<FormatId, { readonly streams: boolean; readonly load: () => Promise<Importer> }>> = {
  ical: { streams: false, load: async () => (await import('./ical.js')).icalImporter },
  vcard: { streams: false, load: async () => (await import('./vcard.js')).vcardImporter },
  trig: { streams: false, load: async () => (await import('./trig.js')).trigImporter },
  ofx: { streams: false, load: async () => (await import('./ofx.js')).ofxImporter },
  qif: { streams: false, load: async () => (await import('./qif.js')).qifImporter },
  mt940: { streams: false, load: async () => (await import('./mt940.js')).mt940Importer },
  camt: { streams: false, load: async () => (await import('./camt.js')).camtImporter },
  'csv-bank': { streams: false, load: async () => (await import('./csv-bank.js')).csvBankImporter },
  'apple-health': { streams: true, load: async () => (await import('./apple-health.js')).appleHealthImporter },
  fhir: { streams: false, load: async () => (await import('./fhir.js')).fhirImporter },
  gpx: { streams: false, load: async () => (await import('./gpx.js')).gpxImporter },
  kml: { streams: false, load: async () => (await import('./kml.js')).kmlImporter },
  geojson: { streams: false, load: async () => (await import('./geojson.js')).geojsonImporter },
  'takeout-location': { streams: false, load: async () => (await import('./takeout-location.js')).takeoutLocationImporter },
  photo: { streams: false, load: async () => (await import('./photo.js')).photoImporter },
  mbox: { streams: true, load: async () => (await import('./mail.js')).mboxImporter },
  eml: { streams: false, load: async () => (await import('./mail.js')).emlImporter },
  bookmarks: { streams: false, load: async () => (await import('./bookmarks.js')).bookmarksImporter },
  goodreads: { streams: false, load: async () => (await import('./goodreads.js')).goodreadsImporter },
  activitypub: { streams: false, load: async () => (await import('./social.js')).activityPubImporter },
  twitter: { streams: false, load: async () => (await import('./social.js')).twitterImporter },
};

/** The importer of one format (loaded on first use). */
export function loadImporter(format: FormatId): Promise<Importer> {
  return IMPORTERS[format].load();
}

export interface SourceFile {
  /** Base name, for messages and provenance. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly readSibling?: (relativePath: string) => Uint8Array | undefined;
}

export type OpenedSource =
  /** `warnings`: what was read but not as it should be (bytes that are not valid UTF-8 where the format requires it). */
  | { readonly kind: 'ok'; readonly importer: Importer; readonly sha256: string; readonly parsed: ParsedFile; readonly warnings?: readonly string[] }
  | { readonly kind: 'failed'; readonly failure: ImportFailure };

/** Size cap, format detection from the first bytes, decoding, and the format's parser (lazy: records come as they are read). */
export async function openSource(src: SourceFile, caps: ImportCaps, options?: FormatOptions): Promise<OpenedSource> {
  if (src.bytes.byteLength > caps.maxFileBytes) {
    return { kind: 'failed', failure: { kind: 'too-large', message: `the file is ${formatBytes(src.bytes.byteLength)}, larger than the ${formatBytes(caps.maxFileBytes)} limit` } };
  }
  const detected = detectFormat(src.bytes.subarray(0, 65536), src.name);
  if (detected.kind === 'unknown') return { kind: 'failed', failure: { kind: 'unrecognised', message: detected.message } };
  const importer = await loadImporter(detected.format);
  const ctx = {
    fileName: src.name,
    caps,
    deadline: Date.now() + caps.maxSeconds * 1000,
    ...(src.readSibling && { readSibling: src.readSibling }),
    ...(options && { options }),
  };
  const warnings: string[] = [];
  let parsed: ParseResult;
  if (importer.parseBytes) parsed = importer.parseBytes(src.bytes, ctx);
  else {
    const decoded = decodeAs(src.bytes, mandatesUtf8(detected.format, src.bytes), declaredCharset(detected.format, src.bytes));
    if (decoded.replaced > 0) warnings.push(`${decoded.replaced} byte sequence${decoded.replaced === 1 ? ' is' : 's are'} not valid UTF-8, which this format requires: kept as \uFFFD where the bytes are bad`);
    parsed = importer.parse(decoded.text, ctx);
  }
  if (parsed.kind === 'failed') return parsed;
  return { kind: 'ok', importer, sha256: sha256Hex(src.bytes), parsed: parsed.parsed, warnings: [...warnings, ...(parsed.parsed.warnings ?? [])] };
}

export interface StreamFile {
  readonly name: string;
  readonly size: number;
  /** The first bytes (for detection). */
  readonly head: Uint8Array;
  /** Reads the whole file, chunk by chunk (called twice: once for the digest, once to parse). */
  chunks(): AsyncIterable<Uint8Array>;
}

/** For a file too large to hold whole: detection from its head; the importer must stream. Undefined when the format doesn't stream. */
export async function openStreamSource(src: StreamFile, caps: ImportCaps, options?: FormatOptions): Promise<OpenedSource | undefined> {
  const detected = detectFormat(src.head.subarray(0, 65536), src.name);
  if (detected.kind === 'unknown') return undefined;
  if (!IMPORTERS[detected.format].streams) return undefined;
  const importer = await loadImporter(detected.format);
  if (!importer.stream) return undefined;
  if (src.size > caps.maxStreamBytes) {
    return { kind: 'failed', failure: { kind: 'too-large', message: `the file is ${formatBytes(src.size)}, larger than the ${formatBytes(caps.maxStreamBytes)} limit` } };
  }
  const hash = createHash('sha256');
  for await (const c of src.chunks()) hash.update(c);
  const parsed = importer.stream(
    { size: src.size, chunks: () => src.chunks() },
    { fileName: src.name, caps, deadline: Date.now() + caps.maxSeconds * 1000, ...(options && { options }) },
  );
  if (parsed.kind === 'failed') return parsed;
  return { kind: 'ok', importer, sha256: hash.digest('hex'), parsed: parsed.parsed, ...(parsed.parsed.warnings && { warnings: parsed.parsed.warnings }) };
}

/** True when the format of these first bytes is read by a streaming importer. */
export function isStreamingFormat(head: Uint8Array, name: string): boolean {
  const detected = detectFormat(head.subarray(0, 65536), name);
  return detected.kind === 'format' && IMPORTERS[detected.format].streams;
}

/** A byte count as a person reads it: 1.5 MB, 12 KB, 300 bytes. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(n >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n >= 10 * 1024 ? 0 : 1)} KB`;
  return `${n} bytes`;
}
