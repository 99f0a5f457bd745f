import { findInvalid, formatProblems, readProvenance, validateRecord, withProvenance, type LockerRecord } from '../model/index.js';
import type { Importer } from '../importers/index.js';

/**
 * Which records of a batch fail their shape, and why, in plain words. The
 * fast compiled checks find them; shacl-engine says what is wrong with each.
 */
export async function invalidRecords(records: readonly LockerRecord[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const i of await findInvalid(records)) {
    const record = records[i] as LockerRecord;
    const check = await validateRecord(record);
    out.set(i, `${record.type} ${describeRecord(record)}: ${check.ok ? 'invalid' : formatProblems(check.problems)}`);
  }
  return out;
}

/** Adds provenance unless the record brings its own (a Locker export). */
export function stamp(record: LockerRecord, src: { importer: Importer; fileName: string; sha256: string; now: string; keepsProvenance: boolean }): LockerRecord {
  if (src.keepsProvenance && readProvenance(record)) return record;
  return withProvenance(record, { importer: src.importer.id, fileName: src.fileName, sha256: src.sha256, mediaType: src.importer.mediaType, at: src.now });
}

function describeRecord(r: LockerRecord): string {
  const name = r.quads.find((q) => q.subject.value.endsWith('#it') && /(name|fn|content|text)$/.test(q.predicate.value) && q.object.termType === 'Literal');
  return name ? JSON.stringify(name.object.value.slice(0, 60)) : r.id;
}
