import { ImportAbort, type Source } from '../importers/index.js';
import type { LockerRecord } from '../model/index.js';
import type { BinaryWrite, Store } from '../store/index.js';
import { linkPeople } from './link.js';
import type { IngestOutcome, ReportProgress } from './types.js';
import { ProblemLog, stamp } from './validate.js';

/** Records validated and written per step of an import. */
const IMPORT_BATCH = 1000;
/** Smaller steps for streamed files: fewer records alive at once, so they die young and memory stays flat. */
const STREAM_BATCH = 100;

/**
 * Commits one source: stamps provenance, validates, links people, writes —
 * in batches inside one transaction, so all of the file or none of it, with
 * flat memory however large it is. The caller holds the locker's write lock.
 */
export async function ingestSource(store: Store, source: Source, report: ReportProgress = () => undefined, signal?: AbortSignal): Promise<IngestOutcome> {
  const { parsed, importer, sha256 } = source.opened;
  const stampInfo = { importer, fileName: source.fileName, sha256, now: new Date().toISOString(), keepsProvenance: parsed.keepsProvenance === true };
  const problems = new ProblemLog();
  const seen = new Set<string>();
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const bytesRead = () => parsed.bytesRead?.() ?? source.size;
  let done = 0;
  store.begin();
  try {
    let batch: LockerRecord[] = [];
    let binaries: BinaryWrite[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      if (signal?.aborted) throw new ImportAbort({ kind: 'unreadable', message: 'cancelled; nothing of this file was saved' });
      report('validating', done, parsed.count, bytesRead(), importer.id);
      const ok = await problems.check(batch);
      if (ok && problems.count === 0) {
        const linked = linkPeople(store, batch);
        const outcomes = store.putRecords(linked.records, binaries);
        if (linked.touched.length) store.putRecords(linked.touched);
        outcomes.forEach((o, i) => {
          const id = (linked.records[i] as LockerRecord).id;
          if (seen.has(id)) return;
          seen.add(id);
          counts[o]++;
        });
      }
      done += batch.length;
      report(problems.count ? 'validating' : 'writing', done, parsed.count, bytesRead(), importer.id);
      batch = [];
      binaries = [];
      await new Promise<void>((r) => setImmediate(r));
    };
    for await (const item of parsed.items) {
      batch.push(stamp(item.record, stampInfo));
      if (item.binaries) binaries.push(...item.binaries);
      if (batch.length >= (parsed.bytesRead ? STREAM_BATCH : IMPORT_BATCH)) await flush();
    }
    await flush();
    if (problems.count > 0) {
      store.rollback();
      return { kind: 'failed', message: problems.message() };
    }
    store.commit();
    return { kind: 'ok', ...counts, ids: [...seen] };
  } catch (e) {
    store.rollback();
    if (e instanceof ImportAbort) return { kind: 'failed', message: e.failure.message };
    return { kind: 'failed', message: `could not be saved: ${e instanceof Error ? e.message : String(e)}` };
  }
}
