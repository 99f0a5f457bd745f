import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { createHandlers, dispatch, Inputs, LOCAL_ONLY, restrictApi, type CallContext, type LockerApi, type Operation, type Outputs, type RequestPlan } from '../shared/api/index.js';
import { FIXTURES, openTemp, tempHome } from './helpers/home.js';

/**
 * One door: every CLI command that does something to the locker calls the
 * handler map (`shared/api/contract.ts`) that `locker serve` and the desktop
 * serve, and nothing else. Each command below runs with the map wrapped: the
 * operations it called are recorded (a few that would reach out to a pod
 * provider or start a server answer canned values). A command that went
 * around the map records nothing, or not what the table says, and fails.
 */

type Handler = (input: unknown, ctx?: CallContext) => Promise<unknown>;
type Stubs = { readonly [K in Operation]?: (input: unknown, ctx?: CallContext) => Promise<Outputs[K]> };

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ops: readonly Operation[];
  /** Whether the command built the handler map at all (commands outside the map never do). */
  readonly opened: boolean;
}

async function run(home: string, args: readonly string[], stubs: Stubs = {}, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ops: Operation[] = [];
  let opened = false;
  const wrapApi = (api: LockerApi): LockerApi => {
    opened = true;
    const table = api as unknown as Readonly<Record<Operation, Handler>>;
    const out: Partial<Record<Operation, Handler>> = {};
    for (const op of Object.keys(table) as Operation[]) {
      out[op] = async (input, ctx) => {
        ops.push(op);
        const stub = stubs[op] as Handler | undefined;
        return stub ? stub(input, ctx) : table[op](input, ctx);
      };
    }
    return out as unknown as LockerApi;
  };
  const code = await main(['--home', home, ...args], { out: (s) => (stdout += s), err: (s) => (stderr += s), errIsTty: false, env, wrapApi });
  return { code, stdout, stderr, ops, opened };
}

const homes: Array<() => void> = [];
let home = '';
let ids: string[] = [];
let work = '';

beforeAll(async () => {
  const t = tempHome('locker-door-');
  homes.push(t.cleanup);
  home = t.home;
  const w = tempHome('locker-door-files-');
  homes.push(w.cleanup);
  work = w.home;
  expect((await run(home, ['import', path.join(FIXTURES, 'calendar.ics')])).code).toBe(0);
  const listed = await run(home, ['list', '--type', 'event', '--json']);
  ids = (JSON.parse(listed.stdout) as Array<{ id: string }>).map((r) => r.id);
  expect(ids.length).toBeGreaterThan(1);
});

afterAll(() => {
  for (const c of homes.splice(0)) c();
});

const BACKUP_ENV = { LOCKER_BACKUP_PASSPHRASE: 'a passphrase for the door test' };

const plan = (): RequestPlan => ({
  request: { clientId: 'https://app.example/id', name: 'Example app', needs: [], notes: [] },
  agent: 'https://app.example/id',
  types: ['event'],
  modes: ['read'],
  purpose: 'https://w3id.org/dpv#ServiceProvision',
  purposeLabel: 'to provide a service you asked for',
  until: new Date(Date.now() + 3_600_000).toISOString(),
  needs: [{ type: 'event', container: 'events', modes: ['read'], required: true, count: 2, preview: ['Dentist'] }],
});

describe('the CLI calls every operation through the handler map', () => {
  /** argv (a function of the fixture ids), what it should call, in order, and stubs for what would leave this computer. */
  const cases: Array<{ args: () => string[]; ops: Operation[]; stubs?: Stubs; env?: NodeJS.ProcessEnv; code?: number }> = [
    { args: () => ['import', path.join(FIXTURES, 'contacts.vcf')], ops: ['import.start'] },
    { args: () => ['list'], ops: ['records.list'] },
    { args: () => ['search', 'dentist'], ops: ['search'] },
    { args: () => ['show', ids[0] ?? ''], ops: ['records.get'] },
    { args: () => ['edit', ids[0] ?? '', '--set', 'name=Moved'], ops: ['records.save'] },
    { args: () => ['export', '--out', path.join(work, 'all.trig')], ops: ['export.run'] },
    { args: () => ['export', '--encrypt', '--out', path.join(work, 'all.locker')], ops: ['export.sealed'], env: BACKUP_ENV },
    // The encrypted backup just written: its secret reaches the import through the call's context, not the payload.
    { args: () => ['import', path.join(work, 'all.locker')], ops: ['import.start'], env: BACKUP_ENV },
    { args: () => ['import', path.join(work, 'bank.csv'), '--csv-map', 'date=Date,amount=Amount,payee=Payee,currency=EUR'], ops: ['import.start'] },
    { args: () => ['duplicates'], ops: ['duplicates.list'] },
    { args: () => ['duplicates', '--dismiss', ids[0] ?? '', ids[1] ?? ''], ops: ['duplicates.dismiss'] },
    { args: () => ['merge', ids[0] ?? '', 'nosuchid'], ops: ['duplicates.merge'], code: 1 },
    { args: () => ['conflicts'], ops: ['conflicts.list'] },
    { args: () => ['resolve', 'nope', '--keep', 'local'], ops: ['conflicts.resolve'], code: 1 },
    { args: () => ['trash'], ops: ['trash.list'] },
    { args: () => ['trash', 'restore', 'aaaaaaaaaaaaaaaaaaaa'], ops: ['trash.restore'], code: 1 },
    { args: () => ['pod', 'status'], ops: ['pod.status'] },
    {
      args: () => ['pod', 'connect', '--issuer', 'https://idp.example/', '--client-id', 'id', '--client-secret', 'secret'],
      ops: ['pod.connect'],
      stubs: { 'pod.connect': async () => ({ kind: 'error', code: 'unreachable', message: 'stubbed' }) },
      code: 1,
    },
    {
      args: () => ['pod', 'connect', '--issuer', 'https://idp.example/', '--interactive'],
      ops: ['pod.connect'],
      stubs: { 'pod.connect': async () => ({ kind: 'error', code: 'unreachable', message: 'stubbed' }) },
      code: 1,
    },
    { args: () => ['pod', 'local', 'start'], ops: ['pod.local.start'], stubs: { 'pod.local.start': async () => ({ kind: 'error', message: 'stubbed' }) }, code: 1 },
    { args: () => ['pod', 'local', 'stop'], ops: ['pod.local.stop'] },
    { args: () => ['pod', 'local', 'status'], ops: ['pod.local.status'] },
    { args: () => ['sync'], ops: ['sync.run', 'grants.expire'], code: 1 },
    { args: () => ['sync', '--watch'], ops: ['sync.watch'], code: 1 },
    { args: () => ['grant', '--agent', 'https://bot.example/#me', '--type', 'event', '--for', '1h'], ops: ['grants.create'], code: 1 },
    { args: () => ['grant', '--request', path.join(work, 'request.ttl'), '--yes'], ops: ['request.plan', 'grants.create'], stubs: { 'request.plan': async () => ({ kind: 'ok', plan: plan() }) }, code: 1 },
    { args: () => ['grants', '--all'], ops: ['grants.expire', 'grants.list'] },
    { args: () => ['revoke', 'nosuchgrant'], ops: ['grants.revoke'], code: 1 },
    { args: () => ['revoke', '--agent', 'https://bot.example/#me'], ops: ['grants.revoke'], code: 1 },
    { args: () => ['audit'], ops: ['audit.run'], code: 1 },
    { args: () => ['backup', '--to-pod'], ops: ['backup.toPod'], env: BACKUP_ENV, code: 1 },
    { args: () => ['backup', '--from-pod'], ops: ['backup.restore'], env: BACKUP_ENV, code: 1 },
    { args: () => ['delete', ids[1] ?? ''], ops: ['records.delete'] },
  ];

  it('each command calls exactly its operations', async () => {
    writeFileSync(path.join(work, 'bank.csv'), 'Date,Amount,Payee\n2024-03-05,-20.00,Bookshop\n');
    for (const c of cases) {
      const args = c.args();
      const r = await run(home, args, c.stubs, c.env);
      expect({ args: args.join(' '), ops: r.ops }, r.stderr).toEqual({ args: args.join(' '), ops: c.ops });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(c.code ?? 0);
    }
  });

  it('what a command names wrongly is refused by the operation, not by the CLI (and keeps its exit code)', async () => {
    const bad = await run(home, ['grant', '--agent', 'https://bot.example/#me', '--type', 'secrets']);
    expect(bad.ops).toEqual(['grants.create']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^locker: --type: unknown type "secrets"/);
    const modes = await run(home, ['grant', '--agent', 'https://bot.example/#me', '--type', 'event', '--modes', 'control']);
    expect([modes.ops, modes.code, modes.stderr.trim()]).toEqual([['grants.create'], 2, 'locker: --modes: unknown mode "control" (read, append, write)']);
    const both = await run(home, ['grant', '--agent', 'https://bot.example/#me', '--type', 'event', '--for', '1h', '--until', '2030-01-01T00:00:00Z']);
    expect([both.ops, both.code, both.stderr.trim()]).toEqual([['grants.create'], 2, 'locker: --for: both an end time and a duration were given: give one of them']);
    const webId = await run(home, ['grant', '--agent', 'not a url', '--type', 'event']);
    expect([webId.ops, webId.code]).toEqual([['grants.create'], 1]);
    expect(webId.stderr).toMatch(/WebID/);
  });

  it('the encrypted backup and the CSV mapping really went through import.start', async () => {
    const found = await run(home, ['search', 'Bookshop', '--json']);
    expect((JSON.parse(found.stdout) as unknown[]).length).toBe(1);
  });

  it('commands outside the map (help, keys, the unlock agent) never build it', async () => {
    for (const args of [['help'], ['init'], ['lock'], ['unlock'], ['passphrase', 'change'], ['config', 'currency']]) {
      const r = await run(home, args);
      expect({ args, opened: r.opened, ops: r.ops }).toEqual({ args, opened: false, ops: [] });
    }
  });

  it('every command the usage names is in the table above, or listed as outside the map', async () => {
    const usage = (await run(home, ['help'])).stdout;
    const named = new Set([...usage.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1] ?? ''));
    const covered = new Set(cases.map((c) => c.args()[0] ?? ''));
    const outside = new Set(['init', 'unlock', 'lock', 'passphrase', 'serve', 'start', 'config']);
    expect([...named].filter((n) => !covered.has(n) && !outside.has(n))).toEqual([]);
  });
});

describe('the CLI modules reach the core only through the door', () => {
  // Value imports from shared/ that a command module may use: the door itself, opening the locker, key handling
  // before a locker is open (keys.ts), the transports (serve.ts), and pure helpers for argv and output.
  const ALLOWED: Readonly<Record<string, readonly string[]>> = {
    '../shared/api/index.js': ['invoke', 'createHandlers', 'importOutcome', 'openLocker', 'defaultHome', 'CsvMappingSchema', 'saveCsvMapping', 'CurrencySchema', 'defaultCurrency', 'saveDefaultCurrency', 'readConfig', 'changePassphrase', 'encryptionState', 'encryptLocker', 'unlockKey', 'APP_CSP', 'CallRunner', 'LOCAL_ONLY', 'restrictApi', 'UploadArea'],
    '../shared/auth/index.js': ['openSystemBrowser'],
    '../shared/durable/index.js': ['writeFileDurable'],
    '../shared/crypto/index.js': ['agentStatus', 'keyFromAgent', 'lockAgent', 'startAgent', 'watchAgent'],
    '../shared/seal/index.js': ['isSealedBackup'],
    '../shared/importers/index.js': ['isSealedBackup'],
    '../shared/model/index.js': ['isRecordType', 'RECORD_TYPES', 'LOCAL_ROOT', 'displayText'],
    // The entry (main.ts) answers --help before loading the core: these two constant-only modules, by path (eslint allows only main.ts).
    '../shared/model/types.js': ['RECORD_TYPES'],
    '../shared/api/default-home.js': ['defaultHome'],
    '../shared/consent/index.js': ['displayText', 'timeLeft'],
  };
  /** Transports hold the Locker itself (they serve the map; serve.ts also serves binaries); main.ts opens it. */
  const MAY_HOLD_LOCKER = new Set(['serve.ts', 'start.ts', 'main.ts']);
  const cliDir = path.resolve(import.meta.dirname, '../cli');
  const files = readdirSync(cliDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

  it('imports nothing from the core but the door and what the list above allows', () => {
    const found: string[] = [];
    for (const f of files) {
      const text = readFileSync(path.join(cliDir, f), 'utf8');
      for (const m of text.matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(\.\.\/shared\/[^']+)'/gm)) {
        if (!MAY_HOLD_LOCKER.has(f) && /(^|[\s,{])(type\s+)?Locker\s*(,|$)/m.test(m[2] ?? '')) found.push(`${f}: imports the Locker`);
        if (m[1]) continue;
        const from = m[3] ?? '';
        for (const raw of (m[2] ?? '').split(',')) {
          const name = raw.trim();
          if (!name || name.startsWith('type ')) continue;
          if (!(ALLOWED[from] ?? []).includes(name)) found.push(`${f}: ${name} from ${from}`);
        }
      }
      for (const m of text.matchAll(/^import\s+(?!type)[^{]*from\s+'(\.\.\/shared\/[^']+)'/gm)) found.push(`${f}: default or namespace import of ${m[1] ?? ''}`);
    }
    expect(found).toEqual([]);
  });
});

describe('remote tables never get the operations that take a path or a secret', () => {
  const ADDED_LOCAL: readonly Operation[] = ['export.sealed', 'backup.toPod', 'backup.restore', 'request.plan', 'sync.watch'];
  const payloads: { readonly [K in Operation]?: unknown } = {
    'export.run': { out: '/tmp/x.trig' },
    'export.sealed': { out: '/tmp/x.locker', protection: { kind: 'passphrase', passphrase: 'secret words' } },
    'backup.toPod': { protection: { kind: 'passphrase', passphrase: 'secret words' } },
    'backup.restore': {},
    'request.plan': { source: '/etc/passwd' },
    'sync.watch': {},
    'import.start': { paths: ['/etc/passwd'] },
  };

  it('LOCAL_ONLY lists them, and dispatch over a restricted table refuses them before any handler runs', async () => {
    const t = openTemp();
    homes.push(t.cleanup);
    const ran: string[] = [];
    const full = createHandlers(t.locker);
    const spy = Object.fromEntries(
      (Object.keys(full) as Operation[]).map((op) => [
        op,
        async (...args: Parameters<Handler>) => {
          ran.push(op);
          return (full[op] as unknown as Handler)(...args);
        },
      ]),
    ) as unknown as LockerApi;
    for (const where of ['browser', 'desktop'] as const) {
      for (const op of [...ADDED_LOCAL, 'export.run'] as const) expect(LOCAL_ONLY[where], `${where}: ${op}`).toContain(op);
      const remote = restrictApi(spy, LOCAL_ONLY[where]);
      for (const op of LOCAL_ONLY[where]) {
        expect(Inputs[op].safeParse(payloads[op] ?? {}).success, `${op}'s sample payload is valid`).toBe(true);
        expect(await dispatch(remote, op, payloads[op] ?? {}), `${where}: ${op}`).toEqual({ kind: 'bad-request', message: `${op} is not available here` });
      }
    }
    expect(LOCAL_ONLY.browser).toContain('import.start');
    expect(LOCAL_ONLY.desktop).not.toContain('import.start');
    expect(ran).toEqual([]);
  });

  it('every operation whose payload names a file or carries a secret is local-only on both remote transports', () => {
    const risky = (Object.keys(Inputs) as Operation[]).filter((op) => {
      const schema = Inputs[op] as unknown as { shape?: Record<string, unknown> };
      const keys = Object.keys(schema.shape ?? {});
      // request.read and request.grant take a web address (their schema: an http(s) URL), never a file.
      return keys.some((k) => k === 'out' || k === 'protection' || k === 'source') && op !== 'request.read' && op !== 'request.grant';
    });
    expect(risky.sort()).toEqual(['backup.toPod', 'export.run', 'export.sealed', 'request.plan'].sort());
    for (const op of risky) {
      expect(LOCAL_ONLY.browser).toContain(op);
      expect(LOCAL_ONLY.desktop).toContain(op);
    }
  });
});
