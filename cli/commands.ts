import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { CsvMappingSchema, CurrencySchema, createHandlers, defaultCurrency, importOutcome, openLocker, saveCsvMapping, saveDefaultCurrency, type CallInput, type ImportSummary, type LockerEvent } from '../shared/api/index.js';
import { displayText, isRecordType, RECORD_TYPES, type RecordType } from '../shared/model/index.js';
import { openDoor, type Door } from './call.js';
import { BadRequestError, KeyUsageError, PodUsageError, UsageError } from './errors.js';
import { formatList, formatShow, progressLine } from './format.js';
import { auditCommand, grantCommand, grantsCommand, revokeCommand } from './grants.js';
import { watchAgent } from '../shared/crypto/index.js';
import { isSealedBackup } from '../shared/importers/index.js';
import { backupProtection, initCommand, lockCommand, obtainKey, passphraseCommand, unlockCommand, type ObtainedKey } from './keys.js';
import { importErrorText } from './hints.js';
import type { Io, Parsed } from './main.js';
import { conflictsCommand, podCommand, resolveCommand, syncCommand } from './pod.js';
import { trashCommand } from './trash.js';

/**
 * Every `locker` command but `--help`: loaded by `main.ts` once the command is known. What one command
 * alone needs is imported in its branch (the server and the desktop launcher for `serve`/`start`).
 */

/** Exit statuses of `locker import`: everything read; some items skipped or some files refused ("partial"); nothing could be read. */
const EXIT = { complete: 0, partial: 3, failed: 1 } as const;
const SKIPS_SHOWN = 3;

/** `imported N, updated N, unchanged N, skipped N` and what else there was. */
function summaryLine(s: ImportSummary): string {
  const parts = [`imported ${s.imported}`, `updated ${s.updated}`, `unchanged ${s.unchanged}`, `skipped ${s.skipped}`];
  if (s.duplicates) parts.push(`${s.duplicates} duplicate${s.duplicates === 1 ? '' : 's'} within a file`);
  if (s.ignored) parts.push(`${s.ignored} file${s.ignored === 1 ? '' : 's'} of other kinds in archives passed over`);
  if (s.errors.length) parts.push(`${s.errors.length} file${s.errors.length === 1 ? '' : 's'} refused`);
  return parts.join(', ');
}

/** Runs `command` (known to be no `--help`) on the locker in `home`; returns the exit code. */
export async function runCommand(command: string, args: readonly string[], o: Parsed, home: string, io: Io): Promise<number> {
  let startBrowser = false;
  if (command === 'start') {
    const { electronMain, electronRuntime, launchElectron } = await import('./start.js');
    const runtime = electronRuntime();
    const shell = electronMain();
    if (runtime.kind === 'ok' && shell) return launchElectron(runtime.path, shell, io);
    io.err(`locker: starting in browser mode: ${runtime.kind === 'missing' ? runtime.why : 'the desktop shell is not compiled (npm run build:electron)'}\n`);
    startBrowser = true;
  }
  const keyCommands: Record<string, (() => Promise<number>) | undefined> = {
    init: () => initCommand(home, o, io),
    unlock: () => unlockCommand(home, o, io),
    lock: () => lockCommand(home, o, io),
    passphrase: () => passphraseCommand(home, args, o, io),
  };
  if (command === 'config') return configCommand(home, args, io);
  const keyCommand = keyCommands[command];
  if (keyCommand) {
    try {
      if (command !== 'passphrase' && args.length) throw new KeyUsageError(`${command} takes no arguments`);
      return await keyCommand();
    } catch (e) {
      io.err(`locker: ${e instanceof Error ? e.message : String(e)}\n`);
      return e instanceof KeyUsageError ? 2 : 1;
    }
  }
  const known = ['serve', 'start', 'import', 'list', 'search', 'show', 'edit', 'delete', 'trash', 'export', 'backup', 'duplicates', 'merge', 'pod', 'sync', 'conflicts', 'resolve', 'grant', 'grants', 'revoke', 'audit'];
  if (!known.includes(command)) {
    io.err(`locker: unknown command "${command}" (try: locker help)\n`);
    return 2;
  }
  let key: ObtainedKey;
  try {
    key = await obtainKey(home, o, io);
  } catch (e) {
    io.err(`locker: ${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof KeyUsageError ? 2 : 1;
  }
  if (key.kind === 'locked' || key.kind === 'error') {
    io.err(`locker: ${key.message}\n`);
    return 1;
  }
  let opened: ReturnType<typeof openLocker>;
  try {
    opened = openLocker(home, io.env, key.kind === 'ok' ? { key: key.key } : {});
  } catch (e) {
    opened = { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
  if (opened.kind !== 'ok') {
    if (key.kind === 'ok') key.key.wipe();
    io.err(`locker: ${opened.message}\n`);
    return 1;
  }
  // A long-running command stops when the unlock agent locks.
  const longRunning = (command === 'sync' && o.watch === true) || command === 'serve' || command === 'start';
  const lockWatch = key.kind === 'ok' && key.from === 'agent' && longRunning ? new AbortController() : undefined;
  const agentWatch = lockWatch ? watchAgent(home, (reason) => (io.err(`locker: the locker locked (${reason}); stopping\n`), lockWatch.abort())) : undefined;
  const api = createHandlers(opened.locker, { pod: { env: io.env } });
  const door = openDoor(io.wrapApi ? io.wrapApi(api) : api, { home: opened.locker.home, encrypted: opened.locker.encrypted });
  try {
    switch (command) {
      case 'serve':
      case 'start':
        if (args.length) throw new UsageError(`${command} takes no arguments`);
      {
        // The HTTP server, ws and the desktop launcher: loaded by these two commands only.
        const { serveCommand, stopSignal } = await import('./start.js');
        return await serveCommand(opened.locker, { port: o.port, open: o.open || startBrowser }, io, stopSignal(lockWatch?.signal));
      }
      case 'pod':
        return await podCommand(args, o, door, io);
      case 'sync':
        return await syncCommand(o, door, io, lockWatch?.signal);
      case 'conflicts':
        return await conflictsCommand(o, door, io);
      case 'trash':
        return await trashCommand(args, o, door, io);
      case 'resolve':
        return await resolveCommand(args, o, door, io);
      case 'grant':
        if (args.length) throw new UsageError('grant takes no positional arguments');
        return await grantCommand(o, door, io);
      case 'grants':
        return await grantsCommand(o, door, io);
      case 'revoke':
        return await revokeCommand(args, o, door, io);
      case 'audit':
        return await auditCommand(o, door, io);
      case 'backup':
        return await backupCommand(args, o, door, io);
      case 'duplicates':
      case 'merge':
        if ((o.type?.length ?? 0) > 1) throw new UsageError(`${command} takes one --type`);
        return await duplicatesCommand(command, args, { ...o, type: o.type?.[0] }, door, io);
      default: {
        if ((o.type?.length ?? 0) > 1) throw new UsageError(`${command} takes one --type`);
        return await run(command, args, { ...o, type: o.type?.[0] }, door, io);
      }
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof PodUsageError || e instanceof BadRequestError) {
      io.err(`locker: ${e.message}\n`);
      return 2;
    }
    io.err(`locker: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    agentWatch?.stop();
    opened.locker.close();
  }
}

type Options = { currency?: string | undefined; 'csv-map'?: string | undefined; 'save-map'?: string | undefined; encrypt?: boolean | undefined; 'backup-key'?: string | undefined; json?: boolean | undefined; type?: string | undefined; from?: string | undefined; to?: string | undefined; limit?: string | undefined; format?: string | undefined; set?: string[] | undefined; out?: string | undefined };

/** `--type T` for list, search and duplicates (one line naming the types, as `grant` says it). */
function typeOption(t: string | undefined): RecordType | undefined {
  if (t === undefined) return undefined;
  if (!isRecordType(t)) throw new UsageError(`unknown type "${t}" (one of: ${RECORD_TYPES.join(', ')})`);
  return t;
}

function one(args: readonly string[], what: string): string {
  if (args.length !== 1 || !args[0]) throw new UsageError(`expected one ${what}`);
  return args[0];
}

async function run(command: string, args: readonly string[], o: Options, door: Door, io: Io): Promise<number> {
  const json = (v: unknown) => io.out(`${JSON.stringify(v)}\n`);
  switch (command) {
    case 'import': {
      if (args.length === 0) throw new UsageError('import needs at least one file or folder');
      let lastLen = 0;
      const started = new Map<string, number>();
      const emit = io.errIsTty
        ? (e: LockerEvent) => {
            if (e.type !== 'import.progress') return;
            if (!started.has(e.progress.file)) started.set(e.progress.file, Date.now());
            const line = progressLine(e.progress, Date.now() - (started.get(e.progress.file) ?? Date.now()));
            io.err(`\r${line.padEnd(lastLen)}`);
            lastLen = line.length;
          }
        : undefined;
      const paths = args.map((a) => path.resolve(a));
      const csvMap = o['csv-map'] !== undefined ? parseCsvMap(o['csv-map'], o['save-map']) : undefined;
      if (o['save-map'] !== undefined && !csvMap) throw new UsageError('--save-map NAME keeps the mapping given with --csv-map');
      // An encrypted backup's secret is asked for only when one is named (or a mapping is given), as before.
      const unseal = csvMap || paths.some(isSealedFile) ? () => backupProtection(o, io, 'open') : undefined;
      let currency: string | undefined;
      if (o.currency !== undefined) {
        const c = CurrencySchema.safeParse(o.currency);
        if (!c.success) throw new UsageError(`--currency: ${c.error.issues[0]?.message ?? 'not a currency code'}`);
        currency = c.data;
      }
      const summary = await door.call('import.start', { paths, ...(csvMap && { csvMap }), ...(currency && { currency }) }, { onEvent: emit, unseal });
      if (csvMap && o['save-map'] !== undefined && summary.errors.length === 0) {
        const saved = saveCsvMapping(door.home, csvMap);
        if (saved.kind !== 'ok') throw new Error(`the mapping was not saved: ${saved.message}`);
        io.err(`locker: saved the mapping "${csvMap.name}": files with these columns are read with it from now on\n`);
      }
      if (io.errIsTty && lastLen) io.err(`\r${' '.repeat(lastLen)}\r`);
      if (o.json) json(summary);
      else {
        io.out(`${summaryLine(summary)}\n`);
        // The first few reasons (all of them are in --json): a person sees what was left out and where.
        for (const item of summary.skippedItems.slice(0, SKIPS_SHOWN)) io.err(`locker: skipped ${shown(item.file)}${item.line !== undefined ? `:${item.line}` : item.position !== undefined ? ` (${displayText(item.position, 80)})` : ''}: ${displayText(item.reason, 300)}\n`);
        if (summary.skippedItems.length > SKIPS_SHOWN) io.err(`locker: … and ${summary.skippedItems.length - SKIPS_SHOWN} more skipped (all of them, with their text: --json)\n`);
      }
      for (const w of summary.warnings ?? []) io.err(`locker: warning: ${shown(w.file)}: ${w.message}\n`);
      for (const e of summary.errors) io.err(`locker: ${shown(e.file)}: ${importErrorText(e)}\n`);
      return EXIT[importOutcome(summary)];
    }
    case 'list': {
      if (args.length) throw new UsageError('list takes no arguments (use --type)');
      const limit = o.limit === undefined ? undefined : Number(o.limit);
      const items = await door.call('records.list', { type: typeOption(o.type), from: o.from, to: o.to, limit });
      if (o.json) json(items);
      else io.out(formatList(items));
      return 0;
    }
    case 'search': {
      const text = args.join(' ');
      if (!text.trim()) throw new UsageError('search needs some text');
      const items = await door.call('search', { text, type: typeOption(o.type), limit: o.limit === undefined ? undefined : Number(o.limit) });
      if (o.json) json(items);
      else io.out(items.length ? formatList(items) : 'nothing found\n');
      return 0;
    }
    case 'show': {
      const id = one(args, 'record id');
      const format = o.format ?? (o.json ? 'json' : 'text');
      if (!['text', 'turtle', 'json'].includes(format)) throw new UsageError('--format is text, turtle or json');
      const r = await door.call('records.get', { id });
      if (r.kind === 'absent') {
        io.err(`locker: no record ${id}\n`);
        return 1;
      }
      if (format === 'json') json({ ...r.json, updated: r.updated });
      else if (format === 'turtle') io.out(r.turtle);
      else io.out(formatShow(r.json, r.updated));
      return 0;
    }
    case 'edit': {
      const id = one(args, 'record id');
      if (!o.set?.length) throw new UsageError('edit needs at least one --set prop=value');
      const set = o.set.map((s) => {
        const eq = s.indexOf('=');
        if (eq <= 0) throw new UsageError(`--set ${s}: expected prop=value`);
        return { name: s.slice(0, eq).trim(), value: s.slice(eq + 1) };
      });
      const r = await door.call('records.save', { id, set });
      switch (r.kind) {
        case 'ok':
          if (o.json) json(r.json);
          else io.out(`saved ${id}: ${r.json.title}\n`);
          return 0;
        case 'absent':
          io.err(`locker: no record ${id}\n`);
          return 1;
        case 'unknown-property':
          io.err(`locker: this record has no property "${r.name}" (editable: ${r.known.join(', ')})\n`);
          return 1;
        case 'not-editable':
          io.err(`locker: "${r.name}" has parts of its own and can't be set as one value\n`);
          return 1;
        case 'invalid':
          io.err(`locker: not saved: ${r.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}\n`);
          return 1;
      }
      return 1;
    }
    case 'delete': {
      const id = one(args, 'record id');
      const r = await door.call('records.delete', { id });
      if (r.kind === 'absent') {
        io.err(`locker: no record ${id}\n`);
        return 1;
      }
      if (o.json) json({ deleted: id });
      else io.out(`deleted ${id}\n`);
      return 0;
    }
    case 'export': {
      if (o.encrypt) {
        if (!o.out) throw new UsageError('export --encrypt needs --out <file.locker>');
        const protection = await backupProtection(o, io, 'seal');
        if (!protection) throw new UsageError('export --encrypt needs a passphrase (the prompt, LOCKER_BACKUP_PASSPHRASE or LOCKER_PASSPHRASE) or --backup-key F');
        const out = path.resolve(o.out);
        const r = await door.call('export.sealed', { out, protection });
        if (o.json) json(r);
        else io.out(`wrote ${r.records} records${r.binaries ? ` and ${r.binaries} files` : ''}, encrypted, to ${shown(r.file)} (${Math.ceil(r.bytes / 1024)} KB)\n`);
        return 0;
      }
      if (!o.out) throw new UsageError('export needs --out <file.trig|dir>');
      if (door.encrypted) io.err('locker: note: this export is not encrypted (your locker is); use --encrypt for a protected file\n');
      const r = await door.call('export.run', { out: path.resolve(o.out) });
      if (o.json) json(r);
      else io.out(`exported ${r.records} records${r.binaries ? ` and ${r.binaries} files` : ''} to ${shown(r.file)}\n`);
      return 0;
    }
  }
  throw new UsageError(`unknown command "${command}"`);
}

const MAP_KEYS = ['date', 'amount', 'debit', 'credit', 'payee', 'memo', 'reference', 'category', 'currencyColumn', 'currency', 'dateFormat', 'decimal', 'delimiter'] as const;

/** `--csv-map "date=Datum,amount=Betrag,payee=Name,dateFormat=DD.MM.YYYY,decimal=comma,currency=EUR"`. */
function parseCsvMap(text: string, name: string | undefined): NonNullable<CallInput<'import.start'>['csvMap']> {
  const raw: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`--csv-map: "${part.slice(0, 40)}" is not key=value (keys: ${MAP_KEYS.join(', ')})`);
    const key = part.slice(0, eq).trim();
    if (!(MAP_KEYS as readonly string[]).includes(key)) throw new UsageError(`--csv-map: unknown key "${key.slice(0, 40)}" (keys: ${MAP_KEYS.join(', ')})`);
    raw[key] = part.slice(eq + 1).trim();
  }
  const decimal = raw['decimal'] === 'comma' ? ',' : raw['decimal'] === 'dot' || raw['decimal'] === undefined ? '.' : raw['decimal'];
  const delimiter = raw['delimiter'] === 'tab' ? '\t' : raw['delimiter'] === 'semicolon' ? ';' : raw['delimiter'] === 'pipe' ? '|' : raw['delimiter'];
  const columns = ['date', 'amount', 'debit', 'credit', 'payee', 'memo', 'reference', 'category', 'currencyColumn'].map((k) => raw[k]).filter((v): v is string => v !== undefined && v !== '');
  const candidate = { ...raw, name: name ?? 'command line', decimal, ...(delimiter !== undefined && { delimiter }), match: columns, dateFormat: raw['dateFormat'] ?? 'YYYY-MM-DD' };
  const parsed = CsvMappingSchema.safeParse(candidate);
  if (!parsed.success) throw new UsageError(`--csv-map: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (!parsed.data.amount && !parsed.data.debit && !parsed.data.credit) throw new UsageError('--csv-map needs amount=COLUMN (or debit= and credit=)');
  return parsed.data;
}

/**
 * `locker config currency [CODE]`: shows or sets the locker's default currency (config.json, not secret,
 * so it needs no unlocking). LOCKER_CURRENCY, when set, overrides it for the run.
 */
function configCommand(home: string, args: readonly string[], io: Io): number {
  const [key, value, ...rest] = args;
  if (key !== 'currency' || rest.length > 0) {
    io.err('locker: usage: locker config currency [CODE]   (e.g. locker config currency EUR)\n');
    return 2;
  }
  const env = io.env['LOCKER_CURRENCY'];
  const note = env ? ` (LOCKER_CURRENCY=${env} overrides it while it is set)` : '';
  if (value === undefined) {
    const r = defaultCurrency(home);
    if (r.kind !== 'ok') {
      io.err(`locker: ${r.message}\n`);
      return 1;
    }
    io.out(r.currency ? `${r.currency}${note}\n` : `no default currency: set one with \`locker config currency EUR\`${note}\n`);
    return 0;
  }
  const r = saveDefaultCurrency(home, value);
  if (r.kind !== 'ok') {
    io.err(`locker: ${r.message}\n`);
    // A code that is not one is a usage error; a config.json Locker cannot read is a failure.
    return r.kind === 'not-a-currency' ? 2 : 1;
  }
  io.out(`default currency: ${r.currency}: statements that don't say their currency are read in it, each record marked as assumed${note}\n`);
  return 0;
}

/** True when `file` is an encrypted Locker backup (an age file), by its first bytes. */
function isSealedFile(file: string): boolean {
  try {
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(32);
      const n = readSync(fd, head, 0, 32, 0);
      return isSealedBackup(head.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false; // a folder or unreadable: the import reports it
  }
}

/** `locker backup --to-pod | --from-pod [URL]`. */
async function backupCommand(args: readonly string[], o: { json?: boolean | undefined; 'backup-key'?: string | undefined; 'to-pod'?: boolean | undefined; 'from-pod'?: boolean | undefined }, door: Door, io: Io): Promise<number> {
  const json = (v: unknown) => io.out(`${JSON.stringify(v)}\n`);
  if (o['to-pod'] === o['from-pod']) throw new UsageError('backup takes --to-pod or --from-pod [URL]');
  if (o['to-pod']) {
    if (args.length) throw new UsageError('backup --to-pod takes no arguments');
    const protection = await backupProtection(o, io, 'seal');
    if (!protection) throw new UsageError('backup --to-pod needs a passphrase (the prompt, LOCKER_BACKUP_PASSPHRASE or LOCKER_PASSPHRASE) or --backup-key F');
    const r = await door.call('backup.toPod', { protection });
    if (r.kind === 'error') {
      io.err(`locker: ${r.message}\n`);
      return 1;
    }
    if (o.json) json(r);
    else io.out(`backed up ${r.records} records${r.binaries ? ` and ${r.binaries} files` : ''} to ${r.url} (${Math.ceil(r.bytes / 1024)} KB, encrypted; only you can read it)\n`);
    return 0;
  }
  if (args.length > 1) throw new UsageError('backup --from-pod takes at most one URL');
  const r = await door.call('backup.restore', { ...(args[0] !== undefined && { url: args[0] }) }, { unseal: () => backupProtection(o, io, 'open') });
  if (r.kind !== 'ok') {
    io.err(`locker: ${r.message}\n`);
    return 1;
  }
  if (o.json) json({ imported: r.imported, updated: r.updated, unchanged: r.unchanged, skipped: r.skipped, errors: [] });
  else io.out(`restored from ${r.url}: imported ${r.imported}, updated ${r.updated}, unchanged ${r.unchanged}${r.skipped ? `, skipped ${r.skipped}` : ''}\n`);
  return 0;
}

/** `locker duplicates [--type T] [--dismiss A B]` and `locker merge <keep> <other>`. */
async function duplicatesCommand(command: 'duplicates' | 'merge', args: readonly string[], o: { json?: boolean | undefined; type?: string | undefined; dismiss?: boolean | undefined }, door: Door, io: Io): Promise<number> {
  const json = (v: unknown) => io.out(`${JSON.stringify(v)}\n`);
  if (command === 'merge') {
    const [keep, other, ...rest] = args;
    if (!keep || !other || rest.length) throw new UsageError('usage: locker merge <id to keep> <id to merge into it>');
    const r = await door.call('duplicates.merge', { keep, other });
    if (r.kind === 'ok') {
      if (o.json) json(r);
      else io.out(`merged ${other} into ${keep}: ${r.json.title}\n`);
      return 0;
    }
    io.err(`locker: ${r.kind === 'absent' ? `no record ${r.id}` : r.message}; nothing was changed\n`);
    return 1;
  }
  if (o.dismiss) {
    const [a, b, ...rest] = args;
    if (!a || !b || rest.length) throw new UsageError('usage: locker duplicates --dismiss <id> <id>');
    await door.call('duplicates.dismiss', { a, b });
    if (o.json) json({ dismissed: [a, b] });
    else io.out(`${a} and ${b} will not be proposed again\n`);
    return 0;
  }
  if (args.length) throw new UsageError('duplicates takes no arguments (use --type, or --dismiss A B)');
  const pairs = await door.call('duplicates.list', { type: typeOption(o.type) });
  if (o.json) json(pairs);
  else if (pairs.length === 0) io.out('no likely duplicates\n');
  else {
    for (const p of pairs) {
      io.out(`${p.type}: ${p.a.title} (${p.a.id}${p.a.source ? `, ${p.a.source}` : ''})\n   ≈ ${p.b.title} (${p.b.id}${p.b.source ? `, ${p.b.source}` : ''})\n   ${p.reasons.join('; ')}\n`);
    }
    io.out('merge one with `locker merge <keep> <other>`, or say they differ with `locker duplicates --dismiss <a> <b>`\n');
  }
  return 0;
}

/** A path as the user would like to read it: relative when under the current folder. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
