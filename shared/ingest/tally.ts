import type { ImportError, ImportSummary, IngestOutcome } from './types.js';

/** The one place an import's numbers are added up, whatever the files were (loose, in folders, inside archives). */
export class ImportTally {
  private readonly summary: ImportSummary = { imported: 0, updated: 0, skipped: 0, errors: [] };

  /** A source that was committed, or refused by ingest (then listed under its label). */
  add(label: string, outcome: IngestOutcome): void {
    if (outcome.kind === 'failed') return this.refuse(label, outcome.message);
    this.summary.imported += outcome.created;
    this.summary.updated += outcome.updated;
    this.summary.skipped += outcome.unchanged;
  }

  refuse(label: string, message: string, why: Pick<ImportError, 'code' | 'needs'> = {}): void {
    this.summary.errors.push({ file: label, message, ...(why.code && { code: why.code }), ...(why.needs && { needs: why.needs }) });
  }

  /** An archive entry of no format Locker reads. */
  ignore(): void {
    this.summary.ignored = (this.summary.ignored ?? 0) + 1;
  }

  result(): ImportSummary {
    return { ...this.summary, errors: [...this.summary.errors] };
  }
}
