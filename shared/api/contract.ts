import { z } from 'zod';
import type { ExportSummary } from '../export/index.js';
import type { SealSummary } from '../seal/index.js';
import { propertySpecs, RECORD_TYPES, recordToJson, type PropertySpec, type RecordJson, type RecordType } from '../model/index.js';
import type { RecordSummary, TrashEntry } from '../store/index.js';
import type { PodFailure } from '../pod/index.js';
import { emptySummary } from '../ingest/index.js';
import type { EditOutcome, ImportOptions, ImportProgress, ImportSummary, Locker, ShowResult } from './locker.js';
import type { SyncProgress, SyncResult } from '../sync/index.js';
import type { AuditReport } from './audit.js';
import type { DuplicatePair, MergeOutcome } from './duplicates.js';
import type { GrantResult, GrantView, Invalid, RevokeResult } from './grants.js';
import type { PodBackupResult, RestoreResult } from './backup.js';
import { CsvMappingSchema, CurrencySchema, saveDefaultCurrency } from './config.js';
import type { ConflictView, ConnectResult, PodEnv, PodStatus } from './pod.js';
import type { LocalPodStatus, StartLocalPodResult, StopLocalPodResult } from '../localpod/index.js';
import type { UploadArea } from './uploads.js';
import type { AppSettings, DeleteEverythingResult, ExportEverythingResult, HostHooks, SettingsView } from './settings.js';
import type { RequestGrantResult, RequestPlanResult, RequestView } from './request.js';
import type { ResolveOutcome } from '../sync/index.js';

/**
 * The modules behind the operations, loaded by the first call that needs one: a command that lists or
 * searches never loads the pod, login, sync, consent or local-pod code (nor what they import: the Solid
 * login library, ws, Community Solid Server's launcher), and `locker --help` loads none of this file's
 * handlers at all. Each is imported once (the module cache), so later calls pay nothing.
 */
const lazy = {
  audit: () => import('./audit.js'),
  backup: () => import('./backup.js'),
  consent: () => import('../consent/index.js'),
  duplicates: () => import('./duplicates.js'),
  grants: () => import('./grants.js'),
  localpod: () => import('../localpod/index.js'),
  pod: () => import('./pod.js'),
  request: () => import('./request.js'),
  settings: () => import('./settings.js'),
  watch: () => import('./watch.js'),
};

/** Typed by the person to confirm `data.deleteEverything` (the Settings screen asks for it). */
export const DELETE_EVERYTHING_PHRASE = 'delete everything';

/**
 * `LockerApi`: one typed map of operations. The same handlers are served over
 * IPC (Electron), HTTP + WebSocket (`locker serve`) and called directly (CLI,
 * tests). Every payload is validated here, at the boundary.
 */
const RecordTypeSchema = z.enum(RECORD_TYPES);
const Id = z.string().regex(/^[a-z2-7]{20}$/, 'not a record id');
const IsoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date/time');
/** A record named by the person (`locker resolve nope`): any short string; a wrong one is answered as absent. */
const RecordRef = z.string().min(1).max(200);
/** A filesystem path on this computer: only in operations of `LOCAL_ONLY`. */
const LocalPath = z.string().min(1).max(4096);
/** The secret of an encrypted backup (a passphrase or an age identity): only in operations of `LOCAL_ONLY`. */
const Protection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('passphrase'), passphrase: z.string().min(1).max(10_000) }).strict(),
  z.object({ kind: z.literal('identity'), identity: z.string().startsWith('AGE-SECRET-KEY-').max(1000) }).strict(),
]);
const Words = (max: number) => z.array(z.string().max(max)).max(100);

export const Inputs = {
  'records.list': z.object({ type: RecordTypeSchema.optional(), from: IsoTime.optional(), to: IsoTime.optional(), limit: z.number().int().positive().max(1_000_000).optional(), offset: z.number().int().nonnegative().optional() }).strict(),
  'records.get': z.object({ id: Id }).strict(),
  'records.details': z.object({ ids: z.array(Id).max(500) }).strict(),
  'records.save': z.object({ id: Id, set: z.array(z.object({ name: z.string().min(1).max(100), value: z.string().max(1_000_000) }).strict()).min(1).max(200) }).strict(),
  'records.delete': z.object({ id: Id }).strict(),
  'records.counts': z.object({}).strict(),
  /** Records deleted here or on the pod in the last 30 days. */
  'trash.list': z.object({}).strict(),
  /** Puts one back; the next sync writes it to the pod again. */
  'trash.restore': z.object({ id: Id }).strict(),
  search: z.object({ text: z.string().max(1000), type: RecordTypeSchema.optional(), limit: z.number().int().positive().max(1000).optional() }).strict(),
  // currency: for statements that don't say theirs (QIF, CSV), this import only.
  'import.start': z.object({ paths: z.array(LocalPath).min(1).max(10_000), csvMap: CsvMappingSchema.optional(), currency: CurrencySchema.optional() }).strict(),
  'import.uploads': z.object({ ids: z.array(z.string().regex(/^[0-9a-f]{24}$/, 'not an upload id')).min(1).max(10_000), currency: CurrencySchema.optional() }).strict(),
  'export.run': z.object({ out: LocalPath }).strict(),
  'export.sealed': z.object({ out: LocalPath, protection: Protection }).strict(),
  'backup.toPod': z.object({ protection: Protection }).strict(),
  'backup.restore': z.object({ url: z.string().min(1).max(2000).optional() }).strict(),
  status: z.object({}).strict(),
  'sync.run': z.object({ deletions: z.enum(['hold', 'accept', 'restore']).optional(), full: z.boolean().optional() }).strict(),
  'sync.watch': z.object({ pollMs: z.number().int().positive().optional(), grantCheckMs: z.number().int().positive().optional() }).strict(),
  'conflicts.list': z.object({}).strict(),
  'conflicts.resolve': z.object({ id: RecordRef, keep: z.enum(['local', 'remote', 'merged']) }).strict(),
  'grants.list': z.object({ all: z.boolean().optional() }).strict(),
  // Words as given: `parseGrant` checks types, modes, purpose and the end (one place, with the defaults); `createGrant` the agent and client.
  'grants.create': z
    .object({
      agent: z.string().min(1).max(2000),
      client: z.string().min(1).max(2000).optional(),
      types: Words(100).optional(),
      paths: Words(300).optional(),
      modes: Words(40).optional(),
      purpose: z.string().max(300).optional(),
      until: z.string().max(100).optional(),
      for: z.string().max(100).optional(),
      request: z.string().min(1).max(2000).optional(),
    })
    .strict(),
  'grants.revoke': z.union([z.object({ id: z.string().min(1).max(100) }).strict(), z.object({ agent: z.string().min(1).max(2000) }).strict()]),
  'grants.expire': z.object({}).strict(),
  'audit.run': z.object({}).strict(),
  'pod.connect': z
    .object({
      issuer: z.url({ protocol: /^https?$/ }).max(2000),
      clientId: z.string().min(1).max(500).optional(),
      clientSecret: z.string().min(1).max(500).optional(),
      pod: z.url({ protocol: /^https?$/ }).max(2000).optional(),
    })
    .strict()
    .refine((v) => (v.clientId === undefined) === (v.clientSecret === undefined), 'give both a client id and a secret, or neither (to log in in the browser)'),
  'pod.status': z.object({}).strict(),
  'pod.local': z.object({}).strict(),
  'pod.local.start': z.object({}).strict(),
  'pod.local.stop': z.object({}).strict(),
  'pod.local.status': z.object({}).strict(),
  'request.read': z.object({ source: z.url({ protocol: /^https?$/ }).max(2000) }).strict(),
  'request.grant': z
    .object({ source: z.url({ protocol: /^https?$/ }).max(2000), digest: z.string().regex(/^[0-9a-f]{64}$/), leaveOut: z.array(z.string().max(2000)).max(100).optional(), agent: z.url({ protocol: /^https?$/ }).max(2000).optional() })
    .strict(),
  'request.plan': z
    .object({ source: z.string().min(1).max(4096), purpose: z.string().max(300).optional(), until: z.string().max(100).optional(), for: z.string().max(100).optional(), agent: z.string().min(1).max(2000).optional() })
    .strict(),
  'shapes.get': z.object({ type: RecordTypeSchema }).strict(),
  'duplicates.list': z.object({ type: RecordTypeSchema.optional() }).strict(),
  'duplicates.merge': z.object({ keep: RecordRef, other: RecordRef }).strict(),
  'duplicates.dismiss': z.object({ a: Id, b: Id }).strict(),
  'settings.get': z.object({}).strict(),
  'settings.set': z.object({ updates: z.boolean() }).strict(),
  /** The locker's default currency (asked once by the import screen when a QIF file needs one). */
  'settings.currency': z.object({ currency: CurrencySchema }).strict(),
  'data.export': z.object({}).strict(),
  'data.deleteEverything': z.object({ confirm: z.literal(DELETE_EVERYTHING_PHRASE, { error: `type "${DELETE_EVERYTHING_PHRASE}" to confirm` }) }).strict(),
} as const;

export type Operation = keyof typeof Inputs;
export type Input<K extends Operation> = z.infer<(typeof Inputs)[K]>;
/** A payload as a caller writes it (before the schema's defaults and checks). */
export type CallInput<K extends Operation> = z.input<(typeof Inputs)[K]>;

export interface Outputs {
  'records.list': RecordSummary[];
  'records.get': ShowResult;
  'records.details': RecordJson[];
  'records.save': EditOutcome;
  'records.delete': { kind: 'deleted' } | { kind: 'absent'; id: string };
  'records.counts': Partial<Record<RecordType, number>>;
  'trash.list': TrashEntry[];
  'trash.restore': { kind: 'restored'; id: string; type: RecordType; title: string } | { kind: 'absent'; id: string } | { kind: 'exists'; id: string };
  search: RecordSummary[];
  'import.start': ImportSummary;
  'import.uploads': ImportSummary;
  'export.run': ExportSummary;
  'export.sealed': SealSummary;
  'backup.toPod': PodBackupResult;
  'backup.restore': RestoreResult;
  status: LockerStatus;
  'sync.run': SyncResult;
  /** Resolves when the call's signal aborts; what happened meanwhile came as events. */
  'sync.watch': { kind: 'stopped' };
  'conflicts.list': ConflictView[];
  'conflicts.resolve': ResolveOutcome;
  'grants.list': GrantView[];
  'grants.create': GrantResult | Invalid;
  'grants.revoke': RevokeResult;
  'grants.expire': { kind: 'ok'; expired: readonly string[] } | PodFailure;
  'audit.run': { kind: 'ok'; report: AuditReport } | PodFailure;
  'duplicates.list': DuplicatePair[];
  'duplicates.merge': MergeOutcome;
  'duplicates.dismiss': { kind: 'ok' };
  'shapes.get': readonly PropertySpec[];
  'pod.connect': ConnectResult;
  'pod.status': PodStatus;
  'pod.local': { kind: 'ok'; webId: string; podUrl: string; note?: string } | { kind: 'error'; message: string };
  'pod.local.start': StartLocalPodResult;
  'pod.local.stop': StopLocalPodResult;
  'pod.local.status': LocalPodStatus;
  'request.read': { kind: 'ok'; view: RequestView } | { kind: 'error'; message: string };
  'request.grant': RequestGrantResult;
  'request.plan': RequestPlanResult;
  'settings.get': SettingsView;
  'settings.set': { kind: 'ok'; settings: AppSettings } | { kind: 'error'; message: string };
  'settings.currency': { kind: 'ok'; currency: string } | { kind: 'error'; message: string };
  'data.export': ExportEverythingResult;
  'data.deleteEverything': DeleteEverythingResult;
}

/** The home view's summary: what is in the locker and how it stands with the pod. */
export interface LockerStatus {
  readonly counts: Partial<Record<RecordType, number>>;
  readonly total: number;
  readonly encrypted: boolean;
  readonly pod: PodStatus;
  readonly activeGrants: number;
  readonly purposes: Readonly<Record<string, string>>;
}

/** Events a handler may emit while it works (progress of long operations). */
export type LockerEvent =
  | { readonly type: 'import.progress'; readonly progress: ImportProgress }
  | { readonly type: 'import.committed'; readonly file: string; readonly ids: readonly string[] }
  | { readonly type: 'sync.progress'; readonly progress: SyncProgress }
  /** `sync.watch`: one sync ran (why: `start`, `poll`, `the pod changed`, `local change`…). */
  | { readonly type: 'sync.done'; readonly reason: string; readonly result: SyncResult }
  /** `sync.watch`: something worth a line (no live updates, a socket failed). */
  | { readonly type: 'sync.notice'; readonly message: string }
  /** `sync.watch`: grants whose time was up, revoked on the pod. */
  | { readonly type: 'grants.expired'; readonly ids: readonly string[] }
  /** Interactive login: the person should see this page of their provider (the UI opens it). */
  | { readonly type: 'pod.login'; readonly url: string }
  /** From the host, not a call (the desktop app's menu, tray or a notification): show this screen (`#/…` route). */
  | { readonly type: 'app.navigate'; readonly to: string }
  /** From the host: records changed outside the page's own calls (a file opened with Locker was imported): reload what is shown. */
  | { readonly type: 'app.changed' };

export interface CallContext {
  readonly emit?: (e: LockerEvent) => void;
  readonly signal?: AbortSignal;
  /**
   * In-process callers only (the CLI): supplies the secret of an encrypted
   * backup met by `import.start` or `backup.restore`, when it is met (asking
   * the person). The remote transports never set it.
   */
  readonly unseal?: ImportOptions['unseal'];
}

export type LockerApi = { readonly [K in Operation]: (input: Input<K>, ctx?: CallContext) => Promise<Outputs[K]> };

/** The handler table as a remote transport may offer it: some operations left out. */
export type RemoteApi = { readonly [K in Operation]?: LockerApi[K] };

/**
 * What a page may never ask for, whatever carries it: writing a file where
 * it says (`export.run`, `export.sealed`), reading one by a path it names
 * (`request.plan` takes a file; in a browser `import.start` too — a browser
 * hands files over by value, as uploads), handing over or needing a backup's
 * secret (`export.sealed`, `backup.toPod`, `backup.restore`), and a sync loop
 * that runs until cancelled (`sync.watch`: the hosts keep their own timers).
 */
const LOCAL_EVERYWHERE = ['export.run', 'export.sealed', 'backup.toPod', 'backup.restore', 'request.plan', 'sync.watch'] as const satisfies readonly Operation[];
export const LOCAL_ONLY: Readonly<Record<'browser' | 'desktop', readonly Operation[]>> = {
  browser: [...LOCAL_EVERYWHERE, 'import.start'],
  desktop: LOCAL_EVERYWHERE,
};

/** The handler table without the operations `leaveOut` names. */
export function restrictApi(api: LockerApi, leaveOut: readonly Operation[]): RemoteApi {
  const out: Partial<Record<Operation, unknown>> = {};
  for (const op of Object.keys(api) as Operation[]) if (!leaveOut.includes(op)) out[op] = api[op];
  return out as RemoteApi;
}

/** A call that never reached a handler: bad operation name or payload. */
export interface BadRequest {
  readonly kind: 'bad-request';
  readonly message: string;
}

export interface HandlerOptions {
  /** Files a UI uploaded by value (browser mode); without it `import.uploads` finds none. */
  readonly uploads?: UploadArea;
  /** How to reach the pod (environment, fetch wrapper). */
  readonly pod?: PodEnv;
  /** What the host adds to the settings operations (save dialog, updates). */
  readonly host?: HostHooks;
}

export function createHandlers(locker: Locker, opts: HandlerOptions = {}): LockerApi {
  const penv = opts.pod ?? {};
  const host = opts.host ?? {};
  const startLocal = async (): Promise<StartLocalPodResult> => {
    if (host.localPodUnavailable !== undefined) return { kind: 'error', message: host.localPodUnavailable };
    return (await lazy.localpod()).startLocalPod(locker.home, { ...(penv.env && { env: penv.env }), ...(locker.dataKey && { dataKey: locker.dataKey }), ...(penv.sealer && { sealer: penv.sealer }) });
  };
  /** The default currency set through `settings.currency` since the locker opened. */
  let savedCurrency: string | undefined;
  return {
    'records.list': async (q) =>
      locker.list({ type: q.type, fromMs: q.from ? Date.parse(q.from) : undefined, toMs: q.to ? Date.parse(q.to) : undefined, limit: q.limit, offset: q.offset }),
    'records.get': async ({ id }) => locker.show(id),
    // The JSON only: a batch of up to 500 needn't also be written out as Turtle (as records.get does).
    'records.details': async ({ ids }) => ids.flatMap((id) => {
      const record = locker.store.getRecord(id);
      return record ? [recordToJson(record)] : [];
    }),
    'records.save': async ({ id, set }) => locker.edit(id, set),
    'records.delete': async ({ id }) => locker.delete(id),
    'records.counts': async () => locker.store.counts(),
    'trash.list': async () => locker.store.trash(),
    'trash.restore': async ({ id }) => {
      const r = await locker.exclusive(() => locker.store.restoreFromTrash(id));
      return r.kind === 'restored' ? { kind: 'restored', id, type: r.type, title: r.title } : { kind: r.kind, id };
    },
    search: async ({ text, type, limit }) => locker.search(text, { ...(type && { type }), ...(limit && { limit }) }),
    'import.start': async ({ paths, csvMap, currency }, ctx) =>
      locker.importFiles(paths, {
        ...((csvMap || currency || savedCurrency) && { formats: { ...(csvMap && { csvMap }), ...((currency ?? savedCurrency) && { currency: currency ?? savedCurrency }) } }),
        ...(ctx?.unseal && { unseal: ctx.unseal }),
        ...(ctx?.signal && { signal: ctx.signal }),
        onProgress: (progress) => ctx?.emit?.({ type: 'import.progress', progress }),
        onCommitted: (file, ids) => ctx?.emit?.({ type: 'import.committed', file, ids }),
      }),
    'import.uploads': async ({ ids, currency }, ctx) => {
      const chosen = currency ?? savedCurrency;
      const files = ids.map((id) => ({ id, file: opts.uploads?.get(id) }));
      const missing = files.filter((f) => !f.file);
      const found = files.flatMap((f) => (f.file ? [f.file] : []));
      const byPath = new Map(found.map((f) => [f.path, f.name]));
      const named = (file: string) => byPath.get(file) ?? file;
      try {
        const summary = found.length
          ? await locker.importFiles(
              found.map((f) => f.path),
              {
                ...(chosen && { formats: { currency: chosen } }),
                ...(ctx?.signal && { signal: ctx.signal }),
                onProgress: (progress) => ctx?.emit?.({ type: 'import.progress', progress: { ...progress, file: named(progress.file) } }),
                onCommitted: (file, committed) => ctx?.emit?.({ type: 'import.committed', file: named(file), ids: committed }),
              },
            )
          : emptySummary();
        return {
          ...summary,
          skippedItems: summary.skippedItems.map((e) => ({ ...e, file: named(e.file) })),
          ...(summary.warnings && { warnings: summary.warnings.map((e) => ({ ...e, file: named(e.file) })) }),
          errors: [...summary.errors.map((e) => ({ ...e, file: named(e.file) })), ...missing.map((m) => ({ file: m.id, message: 'this upload is gone: add the file again' }))],
        };
      } finally {
        for (const f of files) if (f.file) opts.uploads?.remove(f.id);
      }
    },
    'export.run': async ({ out }) => locker.exportTo(out),
    'export.sealed': async ({ out, protection }) => locker.exportSealed(out, protection),
    'backup.toPod': async ({ protection }) => (await lazy.backup()).backupToPod(locker, penv, protection),
    'backup.restore': async ({ url }, ctx) => (await lazy.backup()).restorePodBackup(locker, penv, { url, unseal: ctx?.unseal }),
    status: async () => {
      const [{ podStatus }, { listGrants }, { COMMON_PURPOSES }] = await Promise.all([lazy.pod(), lazy.grants(), lazy.consent()]);
      const counts = locker.store.counts();
      return {
        counts,
        total: Object.values(counts).reduce((a, b) => a + (b ?? 0), 0),
        encrypted: locker.encrypted,
        pod: podStatus(locker),
        activeGrants: listGrants(locker).length,
        purposes: COMMON_PURPOSES,
      };
    },
    'sync.run': async ({ deletions, full }, ctx) =>
      (await lazy.pod()).syncWithPod(locker, penv, { onProgress: (progress) => ctx?.emit?.({ type: 'sync.progress', progress }), ...(ctx?.signal && { signal: ctx.signal }), ...(deletions && { deletions }), ...(full && { full }) }),
    'sync.watch': async ({ pollMs, grantCheckMs }, ctx) => {
      const signal = ctx?.signal ?? new AbortController().signal;
      await (await lazy.watch()).watchPod(locker, penv, {
        signal,
        ...(pollMs !== undefined && { pollMs }),
        ...(grantCheckMs !== undefined && { grantCheckMs }),
        onNotice: (message) => ctx?.emit?.({ type: 'sync.notice', message }),
        onExpired: (ids) => ctx?.emit?.({ type: 'grants.expired', ids }),
        onSync: (result, reason) => ctx?.emit?.({ type: 'sync.done', reason, result }),
      });
      return { kind: 'stopped' };
    },
    'conflicts.list': async () => (await lazy.pod()).listConflicts(locker),
    'conflicts.resolve': async ({ id, keep }) => (await lazy.pod()).resolve(locker, id, keep),
    'grants.list': async ({ all }) => (await lazy.grants()).listGrants(locker, { all: all === true }),
    'grants.create': async (q) => {
      const { createGrant, parseGrant } = await lazy.grants();
      const now = Date.now();
      const parsed = parseGrant(q, now);
      return parsed.kind === 'invalid' ? parsed : createGrant(locker, penv, parsed.input, now);
    },
    'grants.revoke': async (q) => (await lazy.grants()).revokeGrants(locker, penv, q),
    'grants.expire': async () => (await lazy.grants()).expireGrants(locker, penv),
    'audit.run': async () => (await lazy.audit()).auditPod(locker, penv),
    'shapes.get': async ({ type }) => propertySpecs(type),
    'pod.connect': async (q, ctx) => {
      const { connectInteractively, connectWithClientCredentials } = await lazy.pod();
      return q.clientId !== undefined && q.clientSecret !== undefined
        ? connectWithClientCredentials(locker, { issuer: q.issuer, clientId: q.clientId, clientSecret: q.clientSecret, ...(q.pod && { podUrl: q.pod }) }, penv)
        : connectInteractively(locker, { issuer: q.issuer, ...(q.pod && { podUrl: q.pod }), openBrowser: (url) => {
                // Only a web page is handed to the UI to open (never file:, javascript: or an app's own scheme).
                if (!isLoginPage(url)) throw new Error(`the provider's login address is not a web page: ${url.slice(0, 100)}`);
                ctx?.emit?.({ type: 'pod.login', url });
              }, ...(ctx?.signal && { signal: ctx.signal }) }, penv);
    },
    'request.read': async ({ source }) => (await lazy.request()).readRequest(locker, source),
    'request.grant': async ({ source, digest, leaveOut, agent }) => (await lazy.request()).grantRequest(locker, penv, source, { digest, ...(leaveOut && { leaveOut }), ...(agent && { agent }) }),
    'request.plan': async ({ source, ...choices }) => (await lazy.request()).planRequest(locker, source, choices),
    'pod.status': async () => (await lazy.pod()).podStatus(locker),
    'pod.local.start': startLocal,
    'pod.local.stop': async () => (await lazy.localpod()).stopLocalPod(locker.home),
    'pod.local.status': async () => (await lazy.localpod()).localPodStatus(locker.home),
    'pod.local': async () => {
      const r = await startLocal();
      if (r.kind === 'error') return r;
      const notes = [r.connection === 'kept-other' ? 'This locker stays connected to its other pod.' : '', locker.encrypted ? 'Your locker is encrypted, but the local pod keeps its copy of synced records unencrypted.' : '', r.note ?? ''].filter(Boolean);
      return { kind: 'ok', webId: r.webId, podUrl: r.podUrl, ...(notes.length && { note: notes.join(' ') }) };
    },
    'duplicates.list': async ({ type }) => (await lazy.duplicates()).findDuplicates(locker, { type }),
    'duplicates.merge': async ({ keep, other }) => (await lazy.duplicates()).mergeRecords(locker, keep, other),
    'duplicates.dismiss': async ({ a, b }) => {
      locker.dismissDuplicate(a, b);
      return { kind: 'ok' };
    },
    'settings.get': async () => (await lazy.settings()).settingsView(locker, penv, host),
    'settings.set': async ({ updates }) => (await lazy.settings()).setUpdates(locker, host, updates),
    'settings.currency': async ({ currency }) => {
      const r = saveDefaultCurrency(locker.home, currency);
      if (r.kind !== 'ok') return { kind: 'error', message: r.message };
      // The locker read its config when it opened: from now on this session's imports use it too (LOCKER_CURRENCY still wins).
      if (locker.formats.currency === undefined) savedCurrency = r.currency;
      return { kind: 'ok', currency: r.currency };
    },
    'data.export': async () => (await lazy.settings()).exportEverything(locker, host),
    'data.deleteEverything': async () => (await lazy.settings()).deleteEverything(locker, penv),
  };
}

function isLoginPage(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const u = new URL(url);
  return u.protocol === 'https:' || (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname));
}

/** Validates an untrusted call (from IPC or HTTP) and runs it. */
export async function dispatch(api: LockerApi | RemoteApi, op: string, payload: unknown, ctx?: CallContext): Promise<{ kind: 'ok'; value: unknown } | BadRequest> {
  if (!Object.hasOwn(Inputs, op)) return { kind: 'bad-request', message: `unknown operation ${JSON.stringify(op.slice(0, 60))}` };
  return invoke(api, op as Operation, payload, ctx);
}

/**
 * One call of a known operation, typed (the CLI's door, `cli/call.ts`): the
 * payload is validated by the same schema as `dispatch`'s, and a table
 * without the operation (`restrictApi`) refuses it.
 */
export async function invoke<K extends Operation>(api: LockerApi | RemoteApi, op: K, payload: unknown, ctx?: CallContext): Promise<{ kind: 'ok'; value: Outputs[K] } | BadRequest> {
  const handler = Object.hasOwn(api, op) ? (api[op] as ((input: Input<K>, ctx?: CallContext) => Promise<Outputs[K]>) | undefined) : undefined;
  if (handler === undefined) return { kind: 'bad-request', message: `${op} is not available here` };
  const parsed = Inputs[op].safeParse(payload ?? {});
  if (!parsed.success) return { kind: 'bad-request', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ') };
  return { kind: 'ok', value: await handler(parsed.data as Input<K>, ctx) };
}
