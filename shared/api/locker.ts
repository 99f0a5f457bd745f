import { closeSync, createReadStream, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { exportTrig, type ExportSummary } from '../export/index.js';
import { detectFormat, formatBytes, ImportAbort, isStreamingFormat, isZip, openZip, openStreamSource, type FormatOptions, linkPeople, openSource, ProblemLog, stamp, type ImportCaps, type OpenedSource } from '../importers/index.js';
import { applyEdits, recordToJson, recordToTurtle, type LockerRecord, type PropertyChange, type RecordJson, type RecordType, type ValidationProblem } from '../model/index.js';
import { openStore, type BinaryWrite, type ListQuery, type RecordSummary, type Store } from '../store/index.js';
import { loadCaps } from './home.js';
import { backupNeeds, isSealedBackup, openSealedBackup, sealBackup, type BackupProtection, type SealSummary } from '../seal/index.js';
import { DB_FILE, encryptionState, finishConversion } from './encryption.js';
import type { DataKey } from '../crypto/index.js';

export interface ImportError {
  readonly file: string;
  readonly message: string;
}

/** What `locker import --json` prints. */
export interface ImportSummary {
  imported: number;
  updated: number;
  skipped: number;
  errors: ImportError[];
  /** Files inside an archive of no format Locker reads (pictures, web pages), passed over. */
  ignored?: number;
}

export type ImportPhase = 'reading' | 'validating' | 'writing' | 'done' | 'failed';

export interface ImportProgress {
  readonly file: string;
  readonly phase: ImportPhase;
  readonly fileIndex: number;
  readonly fileCount: number;
  /** Records handled so far in this file, and how many it has. */
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
  /** The format the file was recognised as (by its content), once known: `ical`, `vcard`, `ofx`, `gpx`… */
  readonly format?: string;
}

export interface ImportOptions {
  readonly onProgress?: (p: ImportProgress) => void;
  /** Called after a file's records are committed (durable): they survive a crash from here on. */
  readonly onCommitted?: (file: string, ids: readonly string[]) => void;
  readonly signal?: AbortSignal;
  /** Format settings for this import only (a CSV mapping given on the command line). */
  readonly formats?: FormatOptions;
  /** Supplies the passphrase or key for an encrypted backup being imported (asks the person). */
  readonly unseal?: (file: string, needs: 'passphrase' | 'identity' | 'unknown') => Promise<BackupProtection | undefined>;
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

export const LOCKED_MESSAGE = 'the locker is locked: run `locker unlock` (or give LOCKER_PASSPHRASE or --key-file)';

const MAX_FILES = 100_000;
const DISMISSED_KEY = 'duplicates.dismissed';
/** Records validated and written per step of an import. */
const IMPORT_BATCH = 1000;
/** Smaller steps for streamed files: fewer records alive at once, so they die young and memory stays flat. */
const STREAM_BATCH = 100;

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

/** The core's operations over one locker. Every transport (CLI, HTTP, IPC) calls these. */
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

  /** Expands directories (recursively, skipping hidden entries and symlinks) into files. */
  private expand(inputs: readonly string[], errors: ImportError[]): string[] {
    const out: string[] = [];
    const walk = (p: string, top: boolean) => {
      if (out.length >= MAX_FILES) return;
      let st;
      try {
        st = top ? statSync(p) : lstatSync(p);
      } catch (e) {
        errors.push({ file: p, message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${(e as Error).message}` });
        return;
      }
      if (st.isDirectory()) {
        for (const name of readdirSync(p).sort()) if (!name.startsWith('.') && !name.endsWith('.partial')) walk(path.join(p, name), false);
      } else if (st.isFile()) out.push(p);
      else if (top) errors.push({ file: p, message: 'not a regular file' });
    };
    for (const p of inputs) walk(p, true);
    return out;
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
    const summary: ImportSummary = { imported: 0, updated: 0, skipped: 0, errors: [] };
    const files = this.expand(inputs, summary.errors);
    // A TriG export's binaries folder is read by the TriG importer, not imported file by file.
    const trigStems = new Set(files.filter((f) => /\.trig$/i.test(f)).map((f) => f.replace(/\.trig$/i, '.files')));
    const dirs = new Set(files.filter((f) => /\.trig$/i.test(f)).map((f) => path.join(path.dirname(f), 'files')));
    const todo = files.filter((f) => ![...trigStems, ...dirs].some((d) => f.startsWith(d + path.sep)));
    for (let i = 0; i < todo.length; i++) {
      const file = todo[i] as string;
      if (opts.signal?.aborted) {
        summary.errors.push({ file, message: 'cancelled before it was read' });
        continue;
      }
      const report = (phase: ImportPhase, done = 0, total = 0, bytes = 0, format?: string) => opts.onProgress?.({ file, phase, fileIndex: i, fileCount: todo.length, done, total, bytes, ...(format !== undefined && { format }) });
      const fail = (message: string) => {
        summary.errors.push({ file, message });
        report('failed');
      };
      report('reading');
      let size: number;
      try {
        size = statSync(file).size;
      } catch (e) {
        fail(`cannot read: ${(e as Error).message}`);
        continue;
      }
      let head: Uint8Array;
      try {
        head = readHead(file, 65536);
      } catch (e) {
        fail(`cannot read: ${(e as Error).message}`);
        continue;
      }
      if (isZip(head)) {
        await this.importArchive(file, summary, report, opts);
        continue;
      }
      const streaming = isStreamingFormat(head, path.basename(file));
      if (!streaming && size > this.caps.maxFileBytes) {
        fail(`the file is ${formatBytes(size)}, larger than the ${formatBytes(this.caps.maxFileBytes)} limit (LOCKER_MAX_FILE_MB or importCaps.maxFileBytes in config.json)`);
        continue;
      }
      if (streaming) {
        // Too big to hold whole (Apple Health exports run to gigabytes): read in chunks, twice (digest, then records).
        const opened = await openStreamSource({ name: path.basename(file), size, head, chunks: () => createReadStream(file, { highWaterMark: 32 * 1024 }) as AsyncIterable<Uint8Array> }, this.caps, { ...this.formats, ...opts.formats });
        if (opened?.kind === 'failed') {
          fail(opened.failure.message);
          continue;
        }
        if (opened) {
          const outcome = await this.exclusive(() => this.writeFile(file, opened, size, report, opts.signal));
          if (outcome.kind === 'failed') {
            fail(outcome.message);
            continue;
          }
          summary.imported += outcome.created;
          summary.updated += outcome.updated;
          summary.skipped += outcome.unchanged;
          opts.onCommitted?.(file, outcome.ids);
          report('done', outcome.ids.length, outcome.ids.length, size);
          continue;
        }
      }
      let bytes: Uint8Array;
      try {
        bytes = readHeadThenAll(file, size);
      } catch (e) {
        fail(`cannot read: ${(e as Error).message}`);
        continue;
      }
      const dir = path.dirname(file);
      const stem = path.basename(file).replace(/\.trig$/i, '');
      const beside = (name: string) => {
        if (!/^[a-f0-9]{32}\.[a-z0-9]{1,8}$/.test(name)) return undefined;
        for (const candidate of [path.join(dir, `${stem}.files`, name), path.join(dir, 'files', name)]) {
          if (existsSync(candidate)) return new Uint8Array(readFileSync(candidate));
        }
        return undefined;
      };
      const outcome = await this.importBytes(file, bytes, size, beside, report, opts);
      if (outcome.kind === 'failed') {
        fail(outcome.message);
        continue;
      }
      summary.imported += outcome.created;
      summary.updated += outcome.updated;
      summary.skipped += outcome.unchanged;
      opts.onCommitted?.(file, outcome.ids);
      report('done', outcome.ids.length, outcome.ids.length, size);
    }
    return summary;
  }

  /**
   * Every file inside a zip archive, each by the importer its content calls
   * for and each in its own transaction (errors are listed per inner file).
   * A hostile archive is refused before anything is read; files of no known
   * format (pictures, HTML pages of a Takeout) are passed over and counted.
   */
  private async importArchive(file: string, summary: ImportSummary, report: (phase: ImportPhase, done?: number, total?: number, bytes?: number, format?: string) => void, opts: ImportOptions): Promise<void> {
    const archive = await openZip(file);
    if (archive.kind === 'refused') {
      summary.errors.push({ file, message: archive.message });
      report('failed');
      return;
    }
    try {
      const entries = [...archive.entries].sort((a, b) => a.name.localeCompare(b.name));
      const byName = new Map(entries.map((e) => [e.name, e]));
      const loaded = new Map<string, Uint8Array>();
      let ignored = 0;
      for (const entry of entries) {
        if (opts.signal?.aborted) {
          summary.errors.push({ file: `${file}/${entry.name}`, message: 'cancelled before it was read' });
          continue;
        }
        const base = entry.name.split('/').pop() ?? entry.name;
        const dirs = entry.name.split('/').slice(0, -1);
        if (base.startsWith('.') || dirs.includes('__MACOSX') || dirs.some((d) => d === 'files' || d.endsWith('.files'))) continue;
        const label = `${file}/${entry.name}`;
        const fail = (message: string) => summary.errors.push({ file: label, message });
        let outcome: Awaited<ReturnType<Locker['importBytes']>> | undefined;
        try {
          const chunkIter = entry.chunks()[Symbol.asyncIterator]();
          const first = await chunkIter.next();
          await chunkIter.return?.();
          const head = first.done ? new Uint8Array() : first.value.subarray(0, 65536);
          const known = detectFormat(head, base).kind === 'format' || isSealedBackup(head);
          if (!known || isZip(head)) {
            ignored++;
            continue;
          }
          if (entry.size > this.caps.maxFileBytes || isStreamingFormat(head, base)) {
            const opened = await openStreamSource({ name: base, size: entry.size, head, chunks: () => entry.chunks() }, this.caps, { ...this.formats, ...opts.formats });
            if (!opened) {
              fail(`the file is ${formatBytes(entry.size)}, larger than the ${formatBytes(this.caps.maxFileBytes)} limit`);
              continue;
            }
            if (opened.kind === 'failed') {
              fail(opened.failure.message);
              continue;
            }
            outcome = await this.exclusive(() => this.writeFile(label, opened, entry.size, report, opts.signal));
          } else {
            const bytes = await entry.read();
            const dir = dirs.join('/');
            const stem = base.replace(/\.trig$/i, '');
            const sibling = (name: string) => {
              if (!/^[a-f0-9]{32}\.[a-z0-9]{1,8}$/.test(name)) return undefined;
              for (const candidate of [`${dir ? `${dir}/` : ''}${stem}.files/${name}`, `${dir ? `${dir}/` : ''}files/${name}`]) {
                const cached = loaded.get(candidate);
                if (cached) return cached;
              }
              return undefined;
            };
            // Binaries of a TriG export inside the archive: read them up front (the importer asks synchronously).
            if (/\.trig$/i.test(base)) {
              for (const [name, e] of byName) {
                const prefix = [`${dir ? `${dir}/` : ''}${stem}.files/`, `${dir ? `${dir}/` : ''}files/`];
                if (prefix.some((p) => name.startsWith(p)) && e.size <= this.caps.maxBinaryBytes) loaded.set(name, await e.read());
              }
            }
            outcome = await this.importBytes(label, bytes, entry.size, sibling, report, opts);
          }
          if (outcome.kind === 'failed') {
            fail(outcome.message);
            continue;
          }
        } catch (e) {
          // A damaged entry (bad data, more bytes than it declared): this file fails, the others go on.
          fail(`could not be read from the archive: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`);
          continue;
        }
        if (!outcome) continue;
        summary.imported += outcome.created;
        summary.updated += outcome.updated;
        summary.skipped += outcome.unchanged;
        opts.onCommitted?.(label, outcome.ids);
      }
      if (ignored > 0) summary.ignored = (summary.ignored ?? 0) + ignored;
      report('done');
    } catch (e) {
      summary.errors.push({ file, message: `could not be read: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}` });
    } finally {
      archive.close();
    }
  }

  /**
   * One file's bytes into the store (all or nothing). An encrypted Locker
   * backup (age) is opened first with what `opts.unseal` supplies, completely,
   * so that a wrong key or a damaged file restores nothing.
   */
  async importBytes(
    file: string,
    bytes: Uint8Array,
    size: number,
    readSibling: (name: string) => Uint8Array | undefined,
    report: (phase: ImportPhase, done?: number, total?: number, bytes?: number, format?: string) => void = () => undefined,
    opts: ImportOptions = {},
  ): Promise<{ kind: 'ok'; created: number; updated: number; unchanged: number; ids: string[] } | { kind: 'failed'; message: string }> {
    let content = bytes;
    let siblings = readSibling;
    let name = path.basename(file);
    if (isSealedBackup(bytes)) {
      const needs = backupNeeds(bytes);
      const protection = await opts.unseal?.(file, needs);
      if (!protection) {
        return { kind: 'failed', message: `this is an encrypted Locker backup: give its ${needs === 'identity' ? 'key file (--key-file)' : 'passphrase (LOCKER_BACKUP_PASSPHRASE, LOCKER_PASSPHRASE or the prompt)'}` };
      }
      const sealed = await openSealedBackup(bytes, protection, { maxBytes: this.caps.maxFileBytes * 4 });
      if (sealed.kind !== 'ok') return { kind: 'failed', message: /nothing was restored/.test(sealed.message) ? sealed.message : `${sealed.message}; nothing was restored` };
      content = sealed.trig;
      siblings = (n) => sealed.files.get(n) ?? sealed.files.get(`files/${n}`);
      name = 'locker.trig';
    }
    const opened = openSource({ name, bytes: content, readSibling: siblings }, this.caps, { ...this.formats, ...opts.formats });
    if (opened.kind === 'failed') return { kind: 'failed', message: opened.failure.message };
    return this.exclusive(() => this.writeFile(file, opened, size, report, opts.signal));
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

  /**
   * Validates and writes one file's records in batches inside one transaction:
   * all of the file or none of it, with flat memory however large it is.
   */
  private async writeFile(
    file: string,
    opened: Extract<OpenedSource, { kind: 'ok' }>,
    size: number,
    report: (phase: ImportPhase, done?: number, total?: number, bytes?: number, format?: string) => void,
    signal: AbortSignal | undefined,
  ): Promise<{ kind: 'ok'; created: number; updated: number; unchanged: number; ids: string[] } | { kind: 'failed'; message: string }> {
    const { parsed, importer, sha256 } = opened;
    const stampInfo = { importer, fileName: path.basename(file), sha256, now: new Date().toISOString(), keepsProvenance: parsed.keepsProvenance === true };
    const problems = new ProblemLog();
    const seen = new Set<string>();
    const counts = { created: 0, updated: 0, unchanged: 0 };
    let done = 0;
    this.store.begin();
    try {
      let batch: LockerRecord[] = [];
      let binaries: BinaryWrite[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        if (signal?.aborted) throw new ImportAbort({ kind: 'unreadable', message: 'cancelled; nothing of this file was saved' });
        report('validating', done, parsed.count, parsed.bytesRead?.() ?? size, importer.id);
        const ok = await problems.check(batch);
        if (ok && problems.count === 0) {
          const linked = linkPeople(this.store, batch);
          const outcomes = this.store.putRecords(linked.records, binaries);
          if (linked.touched.length) this.store.putRecords(linked.touched);
          outcomes.forEach((o, i) => {
            const id = (linked.records[i] as LockerRecord).id;
            if (seen.has(id)) return;
            seen.add(id);
            counts[o]++;
          });
        }
        done += batch.length;
        report(problems.count ? 'validating' : 'writing', done, parsed.count, parsed.bytesRead?.() ?? size, importer.id);
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
        this.store.rollback();
        return { kind: 'failed', message: problems.message() };
      }
      this.store.commit();
      return { kind: 'ok', ...counts, ids: [...seen] };
    } catch (e) {
      this.store.rollback();
      if (e instanceof ImportAbort) return { kind: 'failed', message: e.failure.message };
      return { kind: 'failed', message: `could not be saved: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

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

  exportTo(out: string): Promise<ExportSummary> {
    return exportTrig(this.store, out);
  }

  /** One encrypted file with every record and binary (see shared/backup). */
  exportSealed(out: string, protection: BackupProtection): Promise<SealSummary> {
    return sealBackup(this.store, out, protection);
  }
}

/** Reads a file whole; a file that shrinks or grows while being read is read as it is now. */
function readHead(file: string, max: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(max);
    const n = readSync(fd, buf, 0, max, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function readHeadThenAll(file: string, size: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, off);
  } finally {
    closeSync(fd);
  }
}
