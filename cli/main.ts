import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LockerApi } from '../shared/api/index.js';
import { defaultHome } from '../shared/api/default-home.js';
import { RECORD_TYPES } from '../shared/model/types.js';
import { askSecret } from './prompt.js';

/*
 * The entry of the `locker` command. This module loads nothing but Node's own
 * modules and two constant-only ones (the record types, the default home), so
 * `locker --help` answers at once; a command's own module (`commands.ts` and,
 * from there, what that one command needs) is imported only once it is known.
 * Which dependencies a command may load is checked by test/cli-startup.test.ts.
 */

const USAGE = `usage: locker [--home DIR] <command>

  import <file|dir>... [--json]       .ics, .vcf, statements (.ofx/.qfx, .qif, MT940, ISO 20022 CAMT.053 .xml, .csv),
                                      Apple Health, FHIR, .zip archives of those, .trig and .locker backups
        [--csv-map "date=C,amount=C,payee=C,dateFormat=DD.MM.YYYY,decimal=comma,currency=EUR"] [--save-map NAME]
        [--currency EUR]              for statements that don't say theirs (QIF, CSV): this import only
  config currency [CODE]              the default currency of statements that don't say theirs (QIF, CSV
                                      without a currency column); records read with it are marked assumed
  list [--type T] [--from ISO] [--to ISO] [--json]
                                      T: ${RECORD_TYPES.join('|')}
  search <text> [--type T] [--json]   words match as prefixes, accents ignored
  show <id> [--format text|turtle|json]
  edit <id> --set <prop>=<value>...   prop: the shape's property name (name, startDate, fn…)
  delete <id>                         it goes to the trash for 30 days
  trash [--json]                      what was deleted here or on the pod in the last 30 days
  trash restore <id>...               put it back (the next sync writes it to the pod again)
  export --out <file.trig|dir>
  export --encrypt --out <file.locker> [--backup-key F]
                                      one encrypted file (age): passphrase or key file
  backup --to-pod [--backup-key F]    the same, into a private container of your pod
  backup --from-pod [URL]             restore the newest (or that) backup from the pod
  duplicates [--type T] [--json]      likely duplicates across sources, with the reasons
  duplicates --dismiss A B            they are not the same: never propose them again
  merge <keep> <other>                take the other's missing fields into keep, delete the other

  init [--encrypt] [--key-file F] [--no-recovery-key]
                                      a new locker, or encrypt this one in place
  unlock [--for 15m] [--recovery-key] keep the key in memory for a while (an agent)
  lock                                wipe it: every command refuses until unlocked
  passphrase change [--recovery-key] [--new-key-file F]

  pod local start|stop|status         your own pod on this computer (the default)
  pod connect --issuer URL (--client-id ID --client-secret S | --interactive) [--pod URL]
  pod status                          connection, last sync, what waits to sync
  sync [--json] [--watch] [--full]    two-way sync with the pod (--full: look at every record now, not only what changed);
                                      when the pod lost more than 5 records at once
        [--accept-deletions | --restore-deletions]  (or a whole folder) they are held, exit 4: accept or restore them
  conflicts [--json]                  records changed on both sides
  resolve <id> --keep local|remote|merged

  grant --agent WEBID [--client ID] (--type T | --path P)... [--modes read[,append,write]]
        [--purpose dpv:TERM] [--until ISO | --for 30d] [--json]
  grant --request <url|file> [--yes]  an app's access request: shows it, asks y/N
  grants [--all] [--json]             who can see what, why, until when
  revoke <grantId> | revoke --agent WEBID
  audit [--json]                      the rules actually on the pod; ! marks what Locker didn't write

  serve [--port N] [--open]           the app in your browser (this computer only; prints a one-time link)
  start                               the desktop app, or browser mode where no Electron runtime is installed

The locker lives in --home, LOCKER_HOME, or ${defaultHome()}.`;

export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly errIsTty: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** Asks for a secret on the terminal without echo (absent: no terminal). */
  readonly askSecret?: (prompt: string) => Promise<string | undefined>;
  /** Tests: wraps the handler map every command calls through (to see which operations a command calls). */
  readonly wrapApi?: (api: LockerApi) => LockerApi;
}

const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  errIsTty: process.stderr.isTTY === true,
  env: process.env,
  askSecret,
};

/** The command line's options (one table: every command parses the same way). */
const OPTIONS = {
  home: { type: 'string' },
  json: { type: 'boolean' },
  type: { type: 'string', multiple: true },
  from: { type: 'string' },
  to: { type: 'string' },
  limit: { type: 'string' },
  format: { type: 'string' },
  set: { type: 'string', multiple: true },
  out: { type: 'string' },
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  interactive: { type: 'boolean' },
  pod: { type: 'string' },
  watch: { type: 'boolean' },
  'accept-deletions': { type: 'boolean' },
  full: { type: 'boolean' },
  'restore-deletions': { type: 'boolean' },
  keep: { type: 'string' },
  agent: { type: 'string' },
  client: { type: 'string' },
  path: { type: 'string', multiple: true },
  modes: { type: 'string' },
  purpose: { type: 'string' },
  until: { type: 'string' },
  for: { type: 'string' },
  all: { type: 'boolean' },
  request: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  help: { type: 'boolean', short: 'h' },
  encrypt: { type: 'boolean' },
  'key-file': { type: 'string' },
  'new-key-file': { type: 'string' },
  'recovery-key': { type: 'boolean' },
  'no-recovery-key': { type: 'boolean' },
  'backup-key': { type: 'string' },
  'to-pod': { type: 'boolean' },
  'csv-map': { type: 'string' },
  dismiss: { type: 'boolean' },
  'save-map': { type: 'string' },
  currency: { type: 'string' },
  'from-pod': { type: 'boolean' },
  port: { type: 'string' },
  open: { type: 'boolean' },
} as const;

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
}

/** The parsed options, as every command receives them. */
export type Parsed = ReturnType<typeof parse>['values'];

/** Runs one `locker` command; returns the exit code. Errors are one line on stderr. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    io.err(`locker: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  const { values: o, positionals } = parsed;
  const [command, ...args] = positionals;
  if (o.help || command === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if (!command) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  const home = o.home ? path.resolve(o.home) : defaultHome(io.env);
  const { runCommand } = await import('./commands.js');
  return runCommand(command, args, o, home, io);
}
