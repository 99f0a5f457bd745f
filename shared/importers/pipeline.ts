import { findInvalid, formatProblems, readProvenance, sha256Hex, validateRecord, withProvenance, type LockerRecord } from '../model/index.js';
import type { BinaryWrite } from '../store/index.js';
import { detectFormat } from './detect.js';
import { icalImporter } from './ical.js';
import { decodeText } from './text.js';
import { trigImporter } from './trig.js';
import type { FormatId, ImportCaps, ImportFailure, Importer } from './types.js';
import { vcardImporter } from './vcard.js';

export const IMPORTERS: Readonly<Record<FormatId, Importer>> = { ical: icalImporter, vcard: vcardImporter, trig: trigImporter };

export interface SourceFile {
  /** Base name, for messages and provenance. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly readSibling?: (relativePath: string) => Uint8Array | undefined;
}

export type PreparedFile =
  | { readonly kind: 'ok'; readonly format: FormatId; readonly records: readonly LockerRecord[]; readonly binaries: readonly BinaryWrite[] }
  | { readonly kind: 'failed'; readonly failure: ImportFailure };

export interface PrepareOptions {
  readonly caps: ImportCaps;
  /** ISO time stamped into provenance. */
  readonly now: string;
  readonly signal?: AbortSignal;
  readonly onValidated?: (done: number, total: number) => void;
}

const MAX_PROBLEMS_SHOWN = 3;

/**
 * Reads one file into validated records with provenance, without touching
 * the store: a file either yields records that all conform to their shapes,
 * or one failure saying what is wrong.
 */
export async function prepareFile(src: SourceFile, opts: PrepareOptions): Promise<PreparedFile> {
  const { caps } = opts;
  if (src.bytes.byteLength > caps.maxFileBytes) {
    return { kind: 'failed', failure: { kind: 'too-large', message: `the file is ${formatBytes(src.bytes.byteLength)}, larger than the ${formatBytes(caps.maxFileBytes)} limit` } };
  }
  const detected = detectFormat(src.bytes.subarray(0, 65536), src.name);
  if (detected.kind === 'unknown') return { kind: 'failed', failure: { kind: 'unrecognised', message: detected.message } };
  const importer = IMPORTERS[detected.format];
  const text = decodeText(src.bytes);
  const parsed = importer.parse(text, {
    fileName: src.name,
    caps,
    deadline: Date.now() + caps.maxSeconds * 1000,
    ...(src.readSibling && { readSibling: src.readSibling }),
  });
  if (parsed.kind === 'failed') return parsed;
  const { records, binaries, keepsProvenance } = parsed.parsed;
  const sha256 = sha256Hex(src.bytes);
  const out: LockerRecord[] = [];
  let bad = 0;
  const problems: string[] = [];
  const BATCH = 500;
  for (let start = 0; start < records.length; start += BATCH) {
    if (opts.signal?.aborted) return { kind: 'failed', failure: { kind: 'unreadable', message: 'cancelled' } };
    opts.onValidated?.(start, records.length);
    const batch = records.slice(start, start + BATCH);
    const invalid = new Set(await findInvalid(batch));
    for (const i of invalid) {
      const record = batch[i] as LockerRecord;
      const check = await validateRecord(record);
      bad++;
      if (problems.length < MAX_PROBLEMS_SHOWN) problems.push(`${record.type} ${describeRecord(record)}: ${check.ok ? 'invalid' : formatProblems(check.problems)}`);
    }
    if (bad > 0) continue;
    for (const record of batch) out.push(keepsProvenance && readProvenance(record) ? record : withProvenance(record, { importer: importer.id, fileName: src.name, sha256, mediaType: importer.mediaType, at: opts.now }));
  }
  opts.onValidated?.(records.length, records.length);
  if (bad > 0) {
    const more = bad > problems.length ? ` (and ${bad - problems.length} more invalid record${bad - problems.length === 1 ? '' : 's'})` : '';
    return { kind: 'failed', failure: { kind: 'invalid', message: `nothing imported: ${problems.join('; ')}${more}` } };
  }
  return { kind: 'ok', format: importer.id, records: out, binaries };
}

function describeRecord(r: LockerRecord): string {
  const name = r.quads.find((q) => q.subject.value.endsWith('#it') && /(name|fn|content|text)$/.test(q.predicate.value) && q.object.termType === 'Literal');
  return name ? JSON.stringify(name.object.value.slice(0, 60)) : r.id;
}

/** A byte count as a person reads it: 1.5 MB, 12 KB, 300 bytes. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(n >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n >= 10 * 1024 ? 0 : 1)} KB`;
  return `${n} bytes`;
}
