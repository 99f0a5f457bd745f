import { ImportAbort, rawText, type ItemSource, type SkippedItem, type Source } from '../importers/index.js';
import { indexRecord, recordToTurtle, type BinaryWrite, type LockerRecord } from '../model/index.js';
import type { Store } from '../store/index.js';
import { linkPeople } from './link.js';
import type { IngestOutcome, ReportProgress } from './types.js';
import { invalidRecords, stamp } from './validate.js';

/** Records validated and written per step of an import. */
const IMPORT_BATCH = 1000;
/** Smaller steps for streamed files: fewer records alive at once, so they die young and memory stays flat. */
const STREAM_BATCH = 100;

interface Pending {
  readonly record: LockerRecord;
  readonly source: ItemSource | undefined;
}

/**
 * Commits one source: stamps provenance, validates, links people, writes —
 * in batches inside one transaction, with flat memory however large it is.
 * An item that cannot be read or fails its shape is skipped and reported (its
 * line, the reason, its text) while the rest of the file is kept; two items
 * with one identity are never merged silently: identical ones are counted as
 * duplicates, different ones keep the first and report the other. A failure
 * of the file as a whole (a cap, a timeout, cancel, a write error) keeps
 * nothing of it. The caller holds the locker's write lock.
 */
export async function ingestSource(store: Store, source: Source, report: ReportProgress = () => undefined, signal?: AbortSignal): Promise<IngestOutcome> {
  const { parsed, importer, sha256 } = source.opened;
  const stampInfo = { importer, fileName: source.fileName, sha256, now: new Date().toISOString(), keepsProvenance: parsed.keepsProvenance === true };
  const skipped: SkippedItem[] = [];
  /** Ids written from this file, with the line of the item that made each (for the message about a later one). */
  const written = new Map<string, number | undefined>();
  const counts = { created: 0, updated: 0, unchanged: 0, duplicates: 0 };
  const bytesRead = () => parsed.bytesRead?.() ?? source.size;
  let seen = 0;
  let done = 0;
  const skip = (item: ItemSource | undefined, record: LockerRecord | undefined, reason: string) =>
    skipped.push({ reason, raw: item?.raw ?? (record ? rawText(recordToTurtle(record)) : ''), ...(item?.line !== undefined && { line: item.line }), ...(item?.position !== undefined && { position: item.position }) });
  store.begin();
  try {
    let batch: Pending[] = [];
    let binaries: BinaryWrite[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      if (signal?.aborted) throw new ImportAbort({ kind: 'unreadable', message: 'cancelled; nothing of this file was saved' });
      report('validating', done, parsed.count, bytesRead(), importer.id);
      const invalid = await invalidRecords(batch.map((p) => p.record));
      const keep: Pending[] = [];
      const inBatch = new Map<string, Pending>();
      batch.forEach((p, i) => {
        const why = invalid.get(i);
        if (why !== undefined) return skip(p.source, p.record, why);
        const id = p.record.id;
        const earlier = inBatch.get(id);
        if (earlier !== undefined || written.has(id)) {
          const first = earlier ? indexRecord(earlier.record).contentHash : store.get(id)?.contentHash;
          if (first === indexRecord(p.record).contentHash) counts.duplicates++;
          else {
            const line = earlier ? earlier.source?.line : written.get(id);
            skip(p.source, p.record, `another item of this file${line !== undefined ? ` (line ${line})` : ''} has the same identity but different content: that one was kept, this one was not`);
          }
          return;
        }
        inBatch.set(id, p);
        keep.push(p);
      });
      if (keep.length > 0) {
        const linked = linkPeople(store, keep.map((p) => p.record));
        const outcomes = store.putRecords(linked.records, binaries);
        if (linked.touched.length) store.putRecords(linked.touched);
        outcomes.forEach((o, i) => {
          counts[o]++;
          written.set((linked.records[i] as LockerRecord).id, keep[i]?.source?.line);
        });
      }
      done += batch.length;
      report('writing', done, parsed.count, bytesRead(), importer.id);
      batch = [];
      binaries = [];
      await new Promise<void>((r) => setImmediate(r));
    };
    for await (const item of parsed.items) {
      seen++;
      if (item.skipped) {
        skipped.push(item.skipped);
        continue;
      }
      batch.push({ record: stamp(item.record, stampInfo), source: item.source });
      if (item.binaries) binaries.push(...item.binaries);
      if (batch.length >= (parsed.bytesRead ? STREAM_BATCH : IMPORT_BATCH)) await flush();
    }
    await flush();
    store.commit();
    return { kind: 'ok', ...counts, seen, skipped, warnings: source.opened.warnings ?? [], ids: [...written.keys()] };
  } catch (e) {
    store.rollback();
    if (e instanceof ImportAbort) return { kind: 'failed', message: e.failure.message, ...(signal?.aborted && { code: 'cancelled' as const }) };
    return { kind: 'failed', message: `could not be saved: ${e instanceof Error ? e.message : String(e)}` };
  }
}
