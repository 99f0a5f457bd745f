import path from 'node:path';
import type { ExportSummary } from '../export/index.js';
import type { BackupNeeds, BackupProtection, FormatOptions, ImportCaps, InputFile, OpenContext, SourceEvent } from '../importers/index.js';
import type { ImportPhase, ImportProgress, ImportSummary, IngestOutcome } from '../ingest/index.js';
import { ImportTally } from '../ingest/index.js';
import { applyEdits, recordToJson, recordToTurtle, type PropertyChange, type RecordJson, type RecordType, type ValidationProblem } from '../model/index.js';
import { openStore, type ListQuery, type RecordSummary, type Store } from '../store/index.js';
import { loadCaps } from './home.js';
import type { SealSummary } from '../seal/index.js';
import { DB_FILE, encryptionState, finishConversion } from './encryption.js';
import type { DataKey } from '../crypto/index.js';

export type { ImportError, ImportErrorCode, ImportPhase, ImportProgress, ImportSummary } from '../ingest/index.js';

export interface ImportOptions {
  readonly onProgress?: (p: ImportProgress) => void;
  /** Called after a file's records are committed (durable): they survive a crash from here on. */
  readonly onCommitted?: (file: string, ids: readonly string[]) => void;
  readonly signal?: AbortSignal;
  /** Format settings for this import only (a CSV mapping given on the command line). */
  readonly formats?: FormatOptions;
  /** Supplies the passphrase or key for an encrypted backup being imported (asks the person). */
  readonly unseal?: (file: string, needs: BackupNeeds) => Promise<BackupProtection | undefined>;
}

export type ShowResult = { readonly kind: 'ok'; readonly json: RecordJson; readonly turtle: string; readonly updated: string } | { readonly kind: 'absent'; readonly id: string };

export type EditOutcome =
  | { readonly kind: 'ok'; readonly json: RecordJson }
  | { readonly kind: 'absent'; readonly id: string }
  | { readonly kind: 'unknown-property'; readonly name: string; readonly known: readonly string[] }
  | { readonly kind: 'not-editable'; readonly name: string }
  | { readonly kind: 'invalid'; readonly problems: readonly ValidationProblem[] };

export type OpenLockerResult = { readonly kind: 'ok'; readonly locker: Locker } | { readonly kind: 'error' | 'locked' | 'in-use'; readonly message: string };

export interface OpenLockerOptions {
  /** The data key of an encrypted locker (from `unlockKey` or the unlock agent). The locker wipes it on close. */
  readonly key?: DataKey | undefined;
}

/** Said by every transport in its own words: the CLI names `locker unlock`, the desktop its own way to unlock. */
export const LOCKED_MESSAGE = 'the locker is encrypted and locked';

const DISMISSED_KEY = 'duplicates.dismissed';

/** Opens the locker in `home` (creating it), reading its import limits from config. */
export function openLocker(home: string, env: NodeJS.ProcessEnv = process.env, opts: OpenLockerOptions = {}): OpenLockerResult {
  const caps = loadCaps(home, env);
  if (caps.kind === 'error') return caps;
  const state = encryptionState(home);
  if (state.kind === 'error') return state;
  if (state.kind === 'encrypted') {
    if (!opts.key || opts.key.isWiped) return { kind: 'locked', message: LOCKED_MESSAGE };
    if (state.keys.state === 'converting') {
      // An encryption was cut short: finish it now that the key is here (the plain database is intact until then).
      const done = finishConversion(home, opts.key);
      if (done.kind !== 'ok') return done;
    }
  }
  const key = state.kind === 'encrypted' ? opts.key : undefined;
  const opened = openStore(path.join(home, DB_FILE), { key });
  // The key itself was authenticated when it was unwrapped from keys.json: if it doesn't open the database, the database is the problem.
  if (opened.kind === 'wrong-key') return { kind: 'error', message: `${path.join(home, DB_FILE)} cannot be read with this locker's key: it is damaged, or not the database that belongs with ${path.join(home, 'keys.json')}` };
  if (opened.kind === 'error') return opened;
  return { kind: 'ok', locker: new Locker(home, opened.store, caps.caps, key, caps.options) };
}

/**
 * The core's operations over one locker. Every transport (CLI, HTTP, IPC) calls these. Importing,
 * exporting and sealing load their modules (the importers, the TriG writer, age) when first called: a
 * process that only lists, searches or shows records never loads them.
 */
export class Locker {
  constructor(
    readonly home: string,
    readonly store: Store,
    readonly caps: ImportCaps,
    /** Set when the locker is encrypted: the key its secrets vault and backups use. Wiped on close. */
    readonly dataKey?: DataKey,
    /** Currency, QIF date order and CSV mappings from config.json and the environment. */
    readonly formats: FormatOptions = {},
  ) {}

  /** Duplicate pairs the person said are not duplicates (`a b`, ids sorted). */
  dismissedDuplicates(): Set<string> {
    const raw = this.store.sync.meta(DISMISSED_KEY);
    return new Set(raw ? (JSON.parse(raw) as string[]) : []);
  }

  dismissDuplicate(a: string, b: string): void {
    const set = this.dismissedDuplicates();
    set.add(a < b ? `${a} ${b}` : `${b} ${a}`);
    this.store.sync.setMeta(DISMISSED_KEY, JSON.stringify([...set]));
  }

  forgetDismissals(a: string, b: string): void {
    const set = this.dismissedDuplicates();
    if (set.delete(a < b ? `${a} ${b}` : `${b} ${a}`)) this.store.sync.setMeta(DISMISSED_KEY, JSON.stringify([...set]));
  }

  get encrypted(): boolean {
    return this.dataKey !== undefined;
  }

  close(): void {
    this.store.close();
    this.dataKey?.wipe();
  }

  async importFiles(inputs: readonly string[], given: ImportOptions = {}): Promise<ImportSummary> {
    // Its own signal, which the caller's cancels, and so does `deleteEverything` (no file of it is written after the wipe).
    const own = new AbortController();
    const forward = () => own.abort();
    if (given.signal?.aborted) own.abort();
    given.signal?.addEventListener('abort', forward, { once: true });
    this.running.add(own);
    try {
      return await this.importEach(inputs, { ...given, signal: own.signal });
    } finally {
      this.running.delete(own);
      given.signal?.removeEventListener('abort', forward);
    }
  }

  /**
   * Deletes every record, binary, conflict, grant and sync note (see `Store.wipe`), after cancelling the imports
   * still running (a cancelled file rolls back, so nothing of them comes back after the wipe). `refuse` runs under
   * the same write lock just before: what it returns, if anything, is answered instead, and nothing is deleted.
   */
  async wipe<T>(refuse: () => T | undefined): Promise<{ readonly kind: 'wiped'; readonly records: number; readonly binaries: number } | { readonly kind: 'refused'; readonly why: T }> {
    return this.exclusive(() => {
      const why = refuse();
      if (why !== undefined) return { kind: 'refused' as const, why };
      return { kind: 'wiped' as const, ...this.store.wipe() };
    });
  }

  /** Cancels every import still running (their current file rolls back). */
  cancelImports(): void {
    for (const c of this.running) c.abort();
  }

  private readonly running = new Set<AbortController>();

  private async importEach(inputs: readonly string[], opts: ImportOptions): Promise<ImportSummary> {
    const { openInputs } = await import('../importers/index.js');
    const tally = new ImportTally();
    for await (const event of openInputs(inputs, this.openContext(opts))) await this.take(event, tally, opts);
    return tally.result();
  }

  /** What the importers open, and how the import goes on: sources are committed one at a time, under the write lock. */
  private async take(event: SourceEvent, tally: ImportTally, opts: ImportOptions): Promise<void> {
    const report = (input: InputFile, phase: ImportPhase, done = 0, total = 0, bytes = 0, format?: string) =>
      opts.onProgress?.({ file: input.path, phase, fileIndex: input.index, fileCount: input.count, done, total, bytes, ...(format !== undefined && { format }) });
    switch (event.kind) {
      case 'input':
        return report(event.input, 'reading');
      case 'ignored':
        return tally.ignore();
      case 'archive-read':
        return report(event.input, 'done');
      case 'refused':
        tally.refuse(event.label, event.message, { ...(event.code && { code: event.code }), ...(event.needs && { needs: event.needs }) });
        if (event.input) report(event.input, 'failed');
        return;
      case 'source': {
        const { source } = event;
        const { ingestSource } = await import('../ingest/index.js');
        const outcome = await this.exclusive(() => ingestSource(this.store, source, (...a) => report(source.input, ...a), opts.signal));
        tally.add(source.label, outcome);
        if (outcome.kind === 'ok') opts.onCommitted?.(source.label, outcome.ids);
        if (!source.whole) return;
        if (outcome.kind === 'ok') report(source.input, 'done', outcome.ids.length, outcome.ids.length, source.size);
        else report(source.input, 'failed');
        return;
      }
    }
  }

  private openContext(opts: ImportOptions): OpenContext {
    return { caps: this.caps, formats: { ...this.formats, ...opts.formats }, signal: opts.signal, unseal: opts.unseal };
  }

  /**
   * One file's bytes already in memory (a backup fetched from the pod) into the store, all or nothing. An
   * encrypted Locker backup is opened first with what `opts.unseal` supplies.
   */
  async importBytes(file: string, bytes: Uint8Array, readSibling: (name: string) => Uint8Array | undefined = () => undefined, opts: ImportOptions = {}): Promise<IngestOutcome> {
    const [{ openBytes }, { ingestSource }] = await Promise.all([import('../importers/index.js'), import('../ingest/index.js')]);
    for await (const event of openBytes({ label: file, bytes, readSibling }, this.openContext(opts))) {
      if (event.kind === 'refused') return { kind: 'failed', message: event.message };
      if (event.kind === 'source') return this.exclusive(() => ingestSource(this.store, event.source, undefined, opts.signal));
    }
    return { kind: 'failed', message: 'nothing to import' };
  }

  /** Runs write operations one at a time (imports, syncs, edits): an import holds its transaction open across awaits. */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private lock: Promise<void> = Promise.resolve();

  list(q: ListQuery = {}): RecordSummary[] {
    return this.store.list(q);
  }

  search(text: string, q: { type?: RecordType; limit?: number } = {}): RecordSummary[] {
    return this.store.search(text, q);
  }

  show(id: string): ShowResult {
    const stored = this.store.get(id);
    const record = this.store.getRecord(id);
    if (!stored || !record) return { kind: 'absent', id };
    return { kind: 'ok', json: recordToJson(record), turtle: recordToTurtle(record), updated: new Date(stored.updatedMs).toISOString() };
  }

  edit(id: string, changes: readonly PropertyChange[]): Promise<EditOutcome> {
    return this.exclusive(async (): Promise<EditOutcome> => {
      const record = this.store.getRecord(id);
      if (!record) return { kind: 'absent', id };
      const result = await applyEdits(record, changes);
      if (result.kind !== 'ok') return result;
      this.store.putRecords([result.record]);
      return { kind: 'ok', json: recordToJson(result.record) };
    });
  }

  delete(id: string): Promise<{ readonly kind: 'deleted' } | { readonly kind: 'absent'; readonly id: string }> {
    return this.exclusive(() => {
      const r = this.store.delete(id);
      return r.kind === 'deleted' ? r : ({ kind: 'absent', id } as const);
    });
  }

  async exportTo(out: string): Promise<ExportSummary> {
    const { exportTrig } = await import('../export/index.js');
    return exportTrig(this.store, out);
  }

  /** One encrypted file with every record and binary (see shared/backup). */
  async exportSealed(out: string, protection: BackupProtection): Promise<SealSummary> {
    const { sealBackup } = await import('../seal/index.js');
    return sealBackup(this.store, out, protection);
  }
}
