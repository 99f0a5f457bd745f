import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportProgress } from '../shared/api/index.js';

/**
 * Files the OS hands to Locker ("Open with", a double click on an associated
 * file, a drop onto the dock icon, `locker file.ics` on the command line):
 * which of them to import, and one import at a time. Plain TypeScript (no
 * runtime import of `electron`).
 *
 * These paths come from the OS, not from the page, so `main.ts` imports them
 * with the full handler table (`import.start`), not through the IPC bridge.
 */

/**
 * The extensions Locker opens (what shared/importers reads; the content
 * decides the format, the name only narrows what is offered): calendars,
 * contacts, places and tracks, bank statements, mail, health and other JSON
 * exports, archives (Takeout, Mastodon, X, Apple Health), bookmarks, photos,
 * Locker's own exports and backups. Lower case, without the dot.
 */
// Not `.locker` (an encrypted backup): opening one needs its passphrase, which main cannot ask for yet.
export const OPENABLE_EXTENSIONS = [
  'ics',
  'vcf',
  'vcard',
  'gpx',
  'kml',
  'kmz',
  'geojson',
  'ofx',
  'qfx',
  'qif',
  'mt940',
  'sta',
  'csv',
  'eml',
  'mbox',
  'xml',
  'json',
  'zip',
  'html',
  'htm',
  'trig',
  'jpg',
  'jpeg',
  'png',
  'gif',
  'webp',
  'heic',
] as const;

const OPENABLE: ReadonlySet<string> = new Set(OPENABLE_EXTENSIONS);

/** At most this many files from one hand-over (the API takes 10,000 paths per import). */
export const MAX_OPENED = 1000;

export function isOpenable(file: string): boolean {
  const dot = file.lastIndexOf('.');
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return dot > slash + 1 && OPENABLE.has(file.slice(dot + 1).toLowerCase());
}

export interface ArgvOptions {
  /** Where relative paths are resolved from (the process's, or `second-instance`'s `workingDirectory`). */
  readonly cwd: string;
  /** Unpackaged, Electron is started as `electron <app> [args]`: the first argument that is not a flag is the app. */
  readonly isPackaged: boolean;
  /** True for an existing regular file (not a folder, not a device). */
  readonly exists: (file: string) => boolean;
  /** Whose path rules apply (Windows: `C:\…`, `\\server\share`); the current platform by default. */
  readonly platform?: NodeJS.Platform;
}

/** `locker://…`, `https://…`: a URL, not a file (a one-letter "scheme" is a Windows drive). `file://` URLs are files. */
const URL_LIKE = /^[a-z][a-z0-9+.-]+:/i;

/** A path from argv or the OS as an absolute path, or undefined (a URL of another kind, a bad `file:` URL). */
function toPath(arg: string, cwd: string, platform: NodeJS.Platform): string | undefined {
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (/^file:/i.test(arg)) {
    try {
      return p.normalize(fileURLToPath(arg, { windows: platform === 'win32' }));
    } catch {
      return undefined;
    }
  }
  if (URL_LIKE.test(arg)) return undefined;
  return p.resolve(cwd, arg);
}

/**
 * The files to import from a process's argv: the executable is skipped, and
 * so is the app's path when not packaged, every flag (`--foo`, `--foo=bar`,
 * `-psn_0_123` from an old Finder), URLs (`locker://…`), a `--` (after which
 * arguments are paths even when they start with `-`). What is left is
 * resolved against `cwd` and kept when it names an existing regular file
 * with an extension Locker opens; each once, in order, at most `MAX_OPENED`.
 */
export function filesToImport(argv: readonly string[], opts: ArgvOptions): string[] {
  const platform = opts.platform ?? process.platform;
  const out: string[] = [];
  let appSkipped = opts.isPackaged;
  let flagsDone = false;
  for (const arg of argv.slice(1)) {
    if (!flagsDone && arg === '--') {
      flagsDone = true;
      continue;
    }
    if (!flagsDone && arg.startsWith('-')) continue;
    if (!appSkipped) {
      appSkipped = true;
      continue;
    }
    if (arg === '' || arg.includes('\0')) continue;
    const file = toPath(arg, opts.cwd, platform);
    if (file !== undefined) out.push(file);
  }
  return openableFiles(out, opts.exists, platform);
}

/** The paths (absolute, from the OS: macOS `open-file`, an open dialog) worth importing: existing regular files Locker opens, each once. */
export function openableFiles(paths: readonly string[], exists: (file: string) => boolean, platform: NodeJS.Platform = process.platform): string[] {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const file of paths) {
    if (!p.isAbsolute(file) || !isOpenable(file)) continue;
    const key = platform === 'win32' || platform === 'darwin' ? file.toLowerCase() : file;
    if (seen.has(key) || !exists(file)) continue;
    seen.add(key);
    out.push(file);
    if (out.length >= MAX_OPENED) break;
  }
  return out;
}

/** An import's progress as a fraction for the taskbar/dock (`win.setProgressBar`): the files done, and the records of the current one. */
export function importFraction(p: Pick<ImportProgress, 'fileIndex' | 'fileCount' | 'done' | 'total' | 'phase'>): number {
  if (p.fileCount <= 0) return 0;
  const within = p.phase === 'done' || p.phase === 'failed' ? 1 : p.total > 0 ? Math.min(p.done / p.total, 1) : 0;
  return Math.min(Math.max((p.fileIndex + within) / p.fileCount, 0), 1);
}

/** The most paths one `import.start` call is given (its schema's limit). */
const MAX_BATCH = 10_000;

/**
 * One import at a time. Files handed over while one runs wait for the next
 * batch (merged, each path once); files handed over before the locker is open
 * (macOS sends `open-file` before `ready`) wait for `start`. `cancelAll`
 * (quitting) aborts the running batch, drops the waiting ones and takes no
 * more; `idle` resolves when nothing runs.
 */
export class ImportQueue {
  private waiting: string[] = [];
  private runner: ((paths: readonly string[], signal: AbortSignal) => Promise<void>) | undefined;
  private running: { readonly done: Promise<void>; readonly abort: AbortController } | undefined;
  private closed = false;

  /** Begins importing (now, what waits, and what comes) with `run`, which must not throw. */
  start(run: (paths: readonly string[], signal: AbortSignal) => Promise<void>): void {
    this.runner = run;
    this.pump();
  }

  add(paths: readonly string[]): void {
    if (this.closed) return;
    for (const p of paths) if (!this.waiting.includes(p)) this.waiting.push(p);
    this.pump();
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** The paths waiting for the next batch. */
  get pending(): readonly string[] {
    return this.waiting;
  }

  cancelAll(): void {
    this.closed = true;
    this.waiting = [];
    this.running?.abort.abort();
  }

  async idle(): Promise<void> {
    while (this.running) await this.running.done;
  }

  private pump(): void {
    if (this.running || !this.runner || this.closed || this.waiting.length === 0) return;
    const batch = this.waiting.slice(0, MAX_BATCH);
    this.waiting = this.waiting.slice(MAX_BATCH);
    const abort = new AbortController();
    const run = this.runner;
    const done = (async () => {
      try {
        await run(batch, abort.signal);
      } catch {
        // `run` reports its own failures; the queue goes on.
      }
    })().finally(() => {
      this.running = undefined;
      this.pump();
    });
    this.running = { done, abort };
  }
}
