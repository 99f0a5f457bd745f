import { findInvalid, formatProblems, readProvenance, validateRecord, withProvenance, type LockerRecord } from '../model/index.js';
import type { Importer } from '../importers/index.js';

const MAX_PROBLEMS_SHOWN = 3;

/** Collects validation problems across a file's batches: a file with any invalid record is refused as a whole. */
export class ProblemLog {
  count = 0;
  private readonly shown: string[] = [];

  async check(records: readonly LockerRecord[]): Promise<boolean> {
    const invalid = await findInvalid(records);
    for (const i of invalid) {
      const record = records[i] as LockerRecord;
      this.count++;
      if (this.shown.length < MAX_PROBLEMS_SHOWN) {
        const check = await validateRecord(record);
        this.shown.push(`${record.type} ${describeRecord(record)}: ${check.ok ? 'invalid' : formatProblems(check.problems)}`);
      }
    }
    return invalid.length === 0;
  }

  message(): string {
    const more = this.count - this.shown.length;
    return `nothing imported: ${this.shown.join('; ')}${more > 0 ? ` (and ${more} more invalid record${more === 1 ? '' : 's'})` : ''}`;
  }
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
