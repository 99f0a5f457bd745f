import type { ImportError, ImportSummary, IngestOutcome } from './types.js';

/** The one place an import's numbers are added up, whatever the files were (loose, in folders, inside archives). */
export class ImportTally {
  private readonly summary: ImportSummary = emptySummary();

  /** A source that was committed, or refused by ingest (then listed under its label). */
  add(label: string, outcome: IngestOutcome): void {
    if (outcome.kind === 'failed') return this.refuse(label, outcome.message, outcome.code ? { code: outcome.code } : {});
    this.summary.imported += outcome.created;
    this.summary.updated += outcome.updated;
    this.summary.unchanged += outcome.unchanged;
    this.summary.duplicates += outcome.duplicates;
    this.summary.skipped += outcome.skipped.length;
    this.summary.seen += outcome.seen;
    for (const s of outcome.skipped) this.summary.skippedItems.push({ file: label, ...s });
    if (outcome.warnings.length > 0) (this.summary.warnings ??= []).push(...outcome.warnings.map((message) => ({ file: label, message })));
  }

  refuse(label: string, message: string, why: Pick<ImportError, 'code' | 'needs'> = {}): void {
    this.summary.errors.push({ file: label, message, ...(why.code && { code: why.code }), ...(why.needs && { needs: why.needs }) });
  }

  /** An archive entry of no format Locker reads. */
  ignore(): void {
    this.summary.ignored = (this.summary.ignored ?? 0) + 1;
  }

  result(): ImportSummary {
    return { ...this.summary, errors: [...this.summary.errors], skippedItems: [...this.summary.skippedItems], ...(this.summary.warnings && { warnings: [...this.summary.warnings] }) };
  }
}

export function emptySummary(): ImportSummary {
  return { imported: 0, updated: 0, unchanged: 0, skipped: 0, duplicates: 0, seen: 0, errors: [], skippedItems: [] };
}

/** How an import ended, for exit codes and notices: everything read, some items skipped, or files refused. */
export function importOutcome(s: ImportSummary): 'complete' | 'partial' | 'failed' {
  if (s.errors.length > 0 && s.seen === 0) return 'failed';
  return s.errors.length > 0 || s.skipped > 0 ? 'partial' : 'complete';
}
