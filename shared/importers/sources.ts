/**
 * Opens what the person named — files, folders, zip archives, encrypted
 * Locker backups, bytes fetched from a pod — into *sources*: one file's
 * records, parsed lazily, ready for ingest to validate and commit.
 *
 * Every decision about reading is made here, once, for files on disk and for
 * entries inside an archive alike: which files a folder holds, whether a file
 * is a zip, a sealed backup, streamed or read whole, the size caps, where a
 * TriG export keeps its binaries. Nothing here writes: the caller (the api)
 * hands each source to `shared/ingest` and reports what happened.
 */
import { closeSync, createReadStream, existsSync, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { openZip, isZip, type ArchiveEntry } from './archive.js';
import { detectFormat } from './detect.js';
import { formatBytes, isStreamingFormat, openSource, openStreamSource, type OpenedSource } from './pipeline.js';
import { backupNeeds, isSealedBackup, openSealedBackup, type BackupNeeds, type BackupProtection } from './sealed.js';
import type { FormatOptions, ImportCaps, ImportFailure } from './types.js';

export interface OpenContext {
  readonly caps: ImportCaps;
  readonly formats?: FormatOptions;
  readonly signal?: AbortSignal | undefined;
  /** Asked for the passphrase or key of an encrypted backup (the person is asked); undefined = not given. */
  readonly unseal?: ((label: string, needs: BackupNeeds) => Promise<BackupProtection | undefined>) | undefined;
}

/** One of the files the person named (after folders are expanded): progress is reported per input. */
export interface InputFile {
  readonly path: string;
  readonly index: number;
  readonly count: number;
}

export interface Source {
  /** What errors and commits are reported under: the file's path, or `<archive>/<entry>`. */
  readonly label: string;
  /** The base name, for provenance. */
  readonly fileName: string;
  readonly size: number;
  /** The input it came from. */
  readonly input: InputFile;
  /** True when the source is the input itself (not one entry of an archive). */
  readonly whole: boolean;
  readonly opened: Extract<OpenedSource, { kind: 'ok' }>;
}

export type SourceEvent =
  /** Reading of an input begins. */
  | { readonly kind: 'input'; readonly input: InputFile }
  | { readonly kind: 'source'; readonly source: Source }
  /** Refused as a whole; `input` is set when the refused thing is the input itself; `code` when a caller may say more. */
  | { readonly kind: 'refused'; readonly label: string; readonly message: string; readonly input?: InputFile; readonly code?: RefusalCode; readonly needs?: BackupNeeds }
  /** An archive entry of no format Locker reads (a picture, a web page of a Takeout), passed over. */
  | { readonly kind: 'ignored'; readonly label: string }
  /** Every entry of an archive has been offered. */
  | { readonly kind: 'archive-read'; readonly input: InputFile };

/** See `ImportErrorCode` (shared/ingest): the same codes. */
export type RefusalCode = 'needs-secret' | 'too-large' | 'cancelled' | 'needs-currency';

/** The refusal code an importer's failure carries to the person (a size cap, a currency to name), if any. */
function refusalCode(failure: ImportFailure): { readonly code?: RefusalCode } {
  if (failure.kind === 'too-large') return { code: 'too-large' };
  return failure.code ? { code: failure.code } : {};
}

const MAX_FILES = 100_000;
const HEAD_BYTES = 65536;
/** Binaries of a TriG export are named by digest: nothing else is ever read from beside it. */
const BINARY_NAME = /^[a-f0-9]{32}\.[a-z0-9]{1,8}$/;

/** Every file the inputs name, folders expanded, in order. */
export async function* openInputs(inputs: readonly string[], ctx: OpenContext): AsyncGenerator<SourceEvent> {
  const { files, problems } = expand(inputs);
  for (const p of problems) yield { kind: 'refused', label: p.file, message: p.message };
  const todo = withoutExportFolders(files);
  for (let index = 0; index < todo.length; index++) {
    const file = todo[index] as string;
    const input: InputFile = { path: file, index, count: todo.length };
    if (ctx.signal?.aborted) {
      yield { kind: 'refused', label: file, message: 'cancelled before it was read', code: 'cancelled' };
      continue;
    }
    yield { kind: 'input', input };
    let size: number;
    let head: Uint8Array;
    try {
      size = statSync(file).size;
      head = readHead(file, HEAD_BYTES);
    } catch (e) {
      yield { kind: 'refused', label: file, input, message: `cannot read: ${(e as Error).message}` };
      continue;
    }
    if (isZip(head)) yield* openArchive(file, input, ctx);
    else yield* openDiskFile(file, size, head, input, ctx);
  }
}

/** One file's bytes that are already in memory (a backup fetched from the pod, a test's buffer). */
export async function* openBytes(src: { readonly label: string; readonly bytes: Uint8Array; readonly readSibling?: (name: string) => Uint8Array | undefined }, ctx: OpenContext): AsyncGenerator<SourceEvent> {
  const input: InputFile = { path: src.label, index: 0, count: 1 };
  yield* openWhole({ label: src.label, name: path.basename(src.label), bytes: src.bytes, size: src.bytes.byteLength, readSibling: src.readSibling ?? (() => undefined), input, whole: true }, ctx);
}

async function* openDiskFile(file: string, size: number, head: Uint8Array, input: InputFile, ctx: OpenContext): AsyncGenerator<SourceEvent> {
  const name = path.basename(file);
  const streaming = isStreamingFormat(head, name);
  if (!streaming && size > ctx.caps.maxFileBytes) {
    yield { kind: 'refused', label: file, input, code: 'too-large', message: `the file is ${formatBytes(size)}, larger than the ${formatBytes(ctx.caps.maxFileBytes)} limit` };
    return;
  }
  if (streaming) {
    // Too big to hold whole (Apple Health exports run to gigabytes): read in chunks, twice (digest, then records).
    const opened = await openStreamSource({ name, size, head, chunks: () => createReadStream(file, { highWaterMark: 32 * 1024 }) as AsyncIterable<Uint8Array> }, ctx.caps, ctx.formats);
    if (opened) {
      yield opened.kind === 'ok' ? { kind: 'source', source: { label: file, fileName: name, size, input, whole: true, opened } } : { kind: 'refused', label: file, input, message: opened.failure.message, ...refusalCode(opened.failure) };
      return;
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = readAll(file, size);
  } catch (e) {
    yield { kind: 'refused', label: file, input, message: `cannot read: ${(e as Error).message}` };
    return;
  }
  const dir = path.dirname(file);
  const readSibling = besideExport(name, (relative) => {
    const candidate = path.join(dir, ...relative.split('/'));
    return existsSync(candidate) ? new Uint8Array(readFileSync(candidate)) : undefined;
  });
  yield* openWhole({ label: file, name, bytes, size, readSibling, input, whole: true }, ctx);
}

/**
 * Every file inside a zip archive, each by the importer its content calls for
 * (each becomes a source of its own, so errors are listed per inner file). A
 * hostile archive is refused before anything is read.
 */
async function* openArchive(file: string, input: InputFile, ctx: OpenContext): AsyncGenerator<SourceEvent> {
  const archive = await openZip(file);
  if (archive.kind === 'refused') {
    yield { kind: 'refused', label: file, input, message: archive.message };
    return;
  }
  try {
    const entries = [...archive.entries].sort((a, b) => a.name.localeCompare(b.name));
    const byName = new Map(entries.map((e) => [e.name, e]));
    // A KMZ is one map: its KML files are read, its icons and overlays belong to the map (never photos).
    const kmz = /\.kmz$/i.test(file) || byName.has('doc.kml');
    for (const entry of entries) {
      const label = `${file}/${entry.name}`;
      if (ctx.signal?.aborted) {
        yield { kind: 'refused', label, message: 'cancelled before it was read', code: 'cancelled' };
        continue;
      }
      const base = entry.name.split('/').pop() ?? entry.name;
      const dirs = entry.name.split('/').slice(0, -1);
      if (base.startsWith('.') || dirs.includes('__MACOSX') || dirs.some((d) => d === 'files' || d.endsWith('.files'))) continue;
      if (kmz && !/\.kml$/i.test(base)) {
        yield { kind: 'ignored', label };
        continue;
      }
      let events: SourceEvent[];
      try {
        events = await openEntry(entry, label, base, dirs.join('/'), byName, input, ctx);
      } catch (e) {
        // A damaged entry (bad data, more bytes than it declared): this file fails, the others go on.
        events = [{ kind: 'refused', label, message: `could not be read from the archive: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}` }];
      }
      yield* events;
    }
    yield { kind: 'archive-read', input };
  } catch (e) {
    yield { kind: 'refused', label: file, message: `could not be read: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}` };
  } finally {
    archive.close();
  }
}

/** One archive entry opened (read errors throw, and refuse only this entry). */
async function openEntry(entry: ArchiveEntry, label: string, base: string, dir: string, byName: ReadonlyMap<string, ArchiveEntry>, input: InputFile, ctx: OpenContext): Promise<SourceEvent[]> {
  const chunkIter = entry.chunks()[Symbol.asyncIterator]();
  const first = await chunkIter.next();
  await chunkIter.return?.();
  const head = first.done ? new Uint8Array() : first.value.subarray(0, HEAD_BYTES);
  const known = detectFormat(head, base).kind === 'format' || isSealedBackup(head);
  if (!known || isZip(head)) return [{ kind: 'ignored', label }];
  if (entry.size > ctx.caps.maxFileBytes || isStreamingFormat(head, base)) {
    const opened = await openStreamSource({ name: base, size: entry.size, head, chunks: () => entry.chunks() }, ctx.caps, ctx.formats);
    if (!opened) return [{ kind: 'refused', label, code: 'too-large', message: `the file is ${formatBytes(entry.size)}, larger than the ${formatBytes(ctx.caps.maxFileBytes)} limit` }];
    if (opened.kind === 'failed') return [{ kind: 'refused', label, message: opened.failure.message, ...refusalCode(opened.failure) }];
    return [{ kind: 'source', source: { label, fileName: base, size: entry.size, input, whole: false, opened } }];
  }
  const bytes = await entry.read();
  // The binaries of a TriG export inside the archive are read up front: the importer asks for them synchronously.
  const loaded = new Map<string, Uint8Array>();
  if (/\.trig$/i.test(base)) {
    for (const folder of exportFolders(base)) {
      const prefix = `${dir ? `${dir}/` : ''}${folder}/`;
      for (const [name, e] of byName) if (name.startsWith(prefix) && e.size <= ctx.caps.maxBinaryBytes) loaded.set(name.slice(dir ? dir.length + 1 : 0), await e.read());
    }
  }
  const readSibling = besideExport(base, (relative) => loaded.get(relative));
  const out: SourceEvent[] = [];
  for await (const ev of openWhole({ label, name: base, bytes, size: entry.size, readSibling, input, whole: false }, ctx)) out.push(ev);
  return out;
}

interface WholeFile {
  readonly label: string;
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly size: number;
  readonly readSibling: (name: string) => Uint8Array | undefined;
  readonly input: InputFile;
  readonly whole: boolean;
}

/**
 * A file held in memory: an encrypted Locker backup is opened first with
 * what `ctx.unseal` supplies, completely, so that a wrong key or a damaged
 * file restores nothing; then the format's parser.
 */
async function* openWhole(f: WholeFile, ctx: OpenContext): AsyncGenerator<SourceEvent> {
  const refuse = (message: string, why: { code?: RefusalCode; needs?: BackupNeeds } = {}): SourceEvent => ({ kind: 'refused', label: f.label, message, ...(f.whole && { input: f.input }), ...why });
  let content = f.bytes;
  let siblings = f.readSibling;
  let name = f.name;
  if (isSealedBackup(f.bytes)) {
    const needs = backupNeeds(f.bytes);
    const protection = await ctx.unseal?.(f.label, needs);
    if (!protection) {
      yield refuse(`this is an encrypted Locker backup: it opens with its ${needs === 'identity' ? 'key file' : 'passphrase'}`, { code: 'needs-secret', needs });
      return;
    }
    const sealed = await openSealedBackup(f.bytes, protection, { maxBytes: ctx.caps.maxFileBytes * 4 });
    if (sealed.kind !== 'ok') {
      // Opened completely before anything is imported: whatever is wrong with it, nothing of it was restored.
      yield refuse(`${sealed.message}: nothing was restored`);
      return;
    }
    content = sealed.trig;
    siblings = (n) => sealed.files.get(n) ?? sealed.files.get(`files/${n}`);
    name = 'locker.trig';
  }
  const opened = await openSource({ name, bytes: content, readSibling: siblings }, ctx.caps, ctx.formats);
  yield opened.kind === 'ok' ? { kind: 'source', source: { label: f.label, fileName: f.name, size: f.size, input: f.input, whole: f.whole, opened } } : refuse(opened.failure.message, refusalCode(opened.failure));
}

/** The folders a TriG export keeps its binaries in: `<stem>.files/` (what `locker export` writes) or `files/`. */
function exportFolders(trigName: string): string[] {
  return [`${trigName.replace(/\.trig$/i, '')}.files`, 'files'];
}

/** The one lookup of a TriG export's binaries, on disk or in an archive: `read` takes a path relative to the export's folder. */
function besideExport(trigName: string, read: (relative: string) => Uint8Array | undefined): (name: string) => Uint8Array | undefined {
  const folders = exportFolders(trigName);
  return (name) => {
    if (!BINARY_NAME.test(name)) return undefined;
    for (const folder of folders) {
      const found = read(`${folder}/${name}`);
      if (found) return found;
    }
    return undefined;
  };
}

/** Expands folders (recursively, skipping hidden entries, `.partial` uploads and symlinks) into files. */
function expand(inputs: readonly string[]): { files: string[]; problems: { file: string; message: string }[] } {
  const files: string[] = [];
  const problems: { file: string; message: string }[] = [];
  const walk = (p: string, top: boolean) => {
    if (files.length >= MAX_FILES) return;
    let st;
    try {
      st = top ? statSync(p) : lstatSync(p);
    } catch (e) {
      problems.push({ file: p, message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${(e as Error).message}` });
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.') && !name.endsWith('.partial')) walk(path.join(p, name), false);
    } else if (st.isFile()) files.push(p);
    else if (top) problems.push({ file: p, message: 'not a regular file' });
  };
  for (const p of inputs) walk(p, true);
  return { files, problems };
}

/** A TriG export's binaries folder is read by the TriG importer, not imported file by file. */
function withoutExportFolders(files: readonly string[]): string[] {
  const folders = new Set(files.filter((f) => /\.trig$/i.test(f)).flatMap((f) => exportFolders(path.basename(f)).map((d) => path.join(path.dirname(f), d))));
  return files.filter((f) => ![...folders].some((d) => f.startsWith(d + path.sep)));
}

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

/** Reads a file whole; a file that shrinks while being read is read as it is now. */
function readAll(file: string, size: number): Uint8Array {
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
