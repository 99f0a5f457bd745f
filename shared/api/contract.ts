import { z } from 'zod';
import type { ExportSummary } from '../export/index.js';
import { propertySpecs, RECORD_TYPES, recordToJson, type PropertySpec, type RecordJson, type RecordType } from '../model/index.js';
import type { RecordSummary } from '../store/index.js';
import type { EditOutcome, ImportProgress, ImportSummary, Locker, ShowResult } from './locker.js';
import { COMMON_PURPOSES, GRANT_MODES, parsePurpose } from '../consent/index.js';
import type { SyncProgress, SyncResult } from '../sync/index.js';
import { auditPod, type AuditReport } from './audit.js';
import { findDuplicates, mergeRecords, type DuplicatePair, type MergeOutcome } from './duplicates.js';
import { createGrant, listGrants, revokeGrants, type GrantResult, type GrantView, type RevokeResult } from './grants.js';
import { connectInteractively, connectWithClientCredentials, listConflicts, podStatus, resolve, syncWithPod, type ConflictView, type ConnectResult, type PodEnv, type PodStatus } from './pod.js';
import { startLocalPod } from '../localpod/index.js';
import type { UploadArea } from './uploads.js';
import { DELETE_EVERYTHING_PHRASE, deleteEverything, exportEverything, setUpdates, settingsView, type AppSettings, type DeleteEverythingResult, type ExportEverythingResult, type HostHooks, type SettingsView } from './settings.js';
import { grantRequest, readRequest, type RequestGrantResult, type RequestView } from './request.js';
import type { ResolveOutcome } from '../sync/index.js';

/**
 * `LockerApi`: one typed map of operations. The same handlers are served over
 * IPC (Electron), HTTP + WebSocket (`locker serve`) and called directly (CLI,
 * tests). Every payload is validated here, at the boundary.
 */
const RecordTypeSchema = z.enum(RECORD_TYPES);
const Id = z.string().regex(/^[a-z2-7]{20}$/, 'not a record id');
const IsoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date/time');

export const Inputs = {
  'records.list': z.object({ type: RecordTypeSchema.optional(), from: IsoTime.optional(), to: IsoTime.optional(), limit: z.number().int().positive().max(1_000_000).optional(), offset: z.number().int().nonnegative().optional() }).strict(),
  'records.get': z.object({ id: Id }).strict(),
  'records.details': z.object({ ids: z.array(Id).max(500) }).strict(),
  'records.save': z.object({ id: Id, set: z.array(z.object({ name: z.string().min(1).max(100), value: z.string().max(1_000_000) }).strict()).min(1).max(200) }).strict(),
  'records.delete': z.object({ id: Id }).strict(),
  'records.counts': z.object({}).strict(),
  search: z.object({ text: z.string().max(1000), type: RecordTypeSchema.optional(), limit: z.number().int().positive().max(1000).optional() }).strict(),
  'import.start': z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }).strict(),
  'import.uploads': z.object({ ids: z.array(z.string().regex(/^[0-9a-f]{24}$/, 'not an upload id')).min(1).max(10_000) }).strict(),
  'export.run': z.object({ out: z.string().min(1).max(4096) }).strict(),
  status: z.object({}).strict(),
  'sync.run': z.object({}).strict(),
  'conflicts.list': z.object({}).strict(),
  'conflicts.resolve': z.object({ id: Id, keep: z.enum(['local', 'remote', 'merged']) }).strict(),
  'grants.list': z.object({ all: z.boolean().optional() }).strict(),
  'grants.create': z
    .object({
      agent: z.url({ protocol: /^https?$/ }).max(2000),
      client: z.url({ protocol: /^https?$/ }).max(2000).optional(),
      types: z.array(RecordTypeSchema).max(RECORD_TYPES.length),
      modes: z.array(z.enum(GRANT_MODES)).min(1),
      purpose: z.string().min(1).max(300),
      until: IsoTime,
    })
    .strict(),
  'grants.revoke': z.union([z.object({ id: z.string().min(1).max(100) }).strict(), z.object({ agent: z.url({ protocol: /^https?$/ }).max(2000) }).strict()]),
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
  'pod.local': z.object({}).strict(),
  'request.read': z.object({ source: z.url({ protocol: /^https?$/ }).max(2000) }).strict(),
  'request.grant': z
    .object({ source: z.url({ protocol: /^https?$/ }).max(2000), digest: z.string().regex(/^[0-9a-f]{64}$/), leaveOut: z.array(z.string().max(2000)).max(100).optional(), agent: z.url({ protocol: /^https?$/ }).max(2000).optional() })
    .strict(),
  'shapes.get': z.object({ type: RecordTypeSchema }).strict(),
  'duplicates.list': z.object({ type: RecordTypeSchema.optional() }).strict(),
  'duplicates.merge': z.object({ keep: Id, other: Id }).strict(),
  'duplicates.dismiss': z.object({ a: Id, b: Id }).strict(),
  'settings.get': z.object({}).strict(),
  'settings.set': z.object({ updates: z.boolean() }).strict(),
  'data.export': z.object({}).strict(),
  'data.deleteEverything': z.object({ confirm: z.literal(DELETE_EVERYTHING_PHRASE, { error: `type "${DELETE_EVERYTHING_PHRASE}" to confirm` }) }).strict(),
} as const;

export type Operation = keyof typeof Inputs;
export type Input<K extends Operation> = z.infer<(typeof Inputs)[K]>;

export interface Outputs {
  'records.list': RecordSummary[];
  'records.get': ShowResult;
  'records.details': RecordJson[];
  'records.save': EditOutcome;
  'records.delete': { kind: 'deleted' } | { kind: 'absent'; id: string };
  'records.counts': Partial<Record<RecordType, number>>;
  search: RecordSummary[];
  'import.start': ImportSummary;
  'import.uploads': ImportSummary;
  'export.run': ExportSummary;
  status: LockerStatus;
  'sync.run': SyncResult;
  'conflicts.list': ConflictView[];
  'conflicts.resolve': ResolveOutcome;
  'grants.list': GrantView[];
  'grants.create': GrantResult;
  'grants.revoke': RevokeResult;
  'audit.run': { kind: 'ok'; report: AuditReport } | { kind: 'error'; message: string };
  'duplicates.list': DuplicatePair[];
  'duplicates.merge': MergeOutcome;
  'duplicates.dismiss': { kind: 'ok' };
  'shapes.get': readonly PropertySpec[];
  'pod.connect': ConnectResult;
  'pod.local': { kind: 'ok'; webId: string; podUrl: string; note?: string } | { kind: 'error'; message: string };
  'request.read': { kind: 'ok'; view: RequestView } | { kind: 'error'; message: string };
  'request.grant': RequestGrantResult;
  'settings.get': SettingsView;
  'settings.set': { kind: 'ok'; settings: AppSettings } | { kind: 'error'; message: string };
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
  /** Interactive login: the person should see this page of their provider (the UI opens it). */
  | { readonly type: 'pod.login'; readonly url: string }
  /** From the host, not a call (the desktop app's menu, tray or a notification): show this screen (`#/…` route). */
  | { readonly type: 'app.navigate'; readonly to: string }
  /** From the host: records changed outside the page's own calls (a file opened with Locker was imported): reload what is shown. */
  | { readonly type: 'app.changed' };

export interface CallContext {
  readonly emit?: (e: LockerEvent) => void;
  readonly signal?: AbortSignal;
}

export type LockerApi = { readonly [K in Operation]: (input: Input<K>, ctx?: CallContext) => Promise<Outputs[K]> };

/** The handler table as a remote transport may offer it: some operations left out. */
export type RemoteApi = { readonly [K in Operation]?: LockerApi[K] };

/**
 * What a page may never ask for, whatever carries it: writing a file where
 * it says (`export.run`), and — in a browser — reading a file by a path it
 * names (`import.start`; a browser hands files over by value, as uploads).
 */
export const LOCAL_ONLY: Readonly<Record<'browser' | 'desktop', readonly Operation[]>> = {
  browser: ['export.run', 'import.start'],
  desktop: ['export.run'],
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
    search: async ({ text, type, limit }) => locker.search(text, { ...(type && { type }), ...(limit && { limit }) }),
    'import.start': async ({ paths }, ctx) =>
      locker.importFiles(paths, {
        ...(ctx?.signal && { signal: ctx.signal }),
        onProgress: (progress) => ctx?.emit?.({ type: 'import.progress', progress }),
        onCommitted: (file, ids) => ctx?.emit?.({ type: 'import.committed', file, ids }),
      }),
    'import.uploads': async ({ ids }, ctx) => {
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
                ...(ctx?.signal && { signal: ctx.signal }),
                onProgress: (progress) => ctx?.emit?.({ type: 'import.progress', progress: { ...progress, file: named(progress.file) } }),
                onCommitted: (file, committed) => ctx?.emit?.({ type: 'import.committed', file: named(file), ids: committed }),
              },
            )
          : { imported: 0, updated: 0, skipped: 0, errors: [] };
        return {
          ...summary,
          errors: [...summary.errors.map((e) => ({ ...e, file: named(e.file) })), ...missing.map((m) => ({ file: m.id, message: 'this upload is gone: add the file again' }))],
        };
      } finally {
        for (const f of files) if (f.file) opts.uploads?.remove(f.id);
      }
    },
    'export.run': async ({ out }) => locker.exportTo(out),
    status: async () => {
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
    'sync.run': async (_q, ctx) =>
      syncWithPod(locker, penv, { onProgress: (progress) => ctx?.emit?.({ type: 'sync.progress', progress }), ...(ctx?.signal && { signal: ctx.signal }) }),
    'conflicts.list': async () => listConflicts(locker),
    'conflicts.resolve': async ({ id, keep }) => resolve(locker, id, keep),
    'grants.list': async ({ all }) => listGrants(locker, { all: all === true }),
    'grants.create': async (q) => {
      const purpose = parsePurpose(q.purpose);
      if (purpose.kind === 'error') return purpose;
      const untilMs = Date.parse(q.until);
      if (untilMs <= Date.now()) return { kind: 'error', message: 'the end of a grant must be in the future' };
      return createGrant(locker, penv, { agent: q.agent, ...(q.client && { client: q.client }), types: q.types, paths: [], modes: q.modes, purpose: purpose.iri, untilMs });
    },
    'grants.revoke': async (q) => revokeGrants(locker, penv, q),
    'audit.run': async () => auditPod(locker, penv),
    'shapes.get': async ({ type }) => propertySpecs(type),
    'pod.connect': async (q, ctx) =>
      q.clientId !== undefined && q.clientSecret !== undefined
        ? connectWithClientCredentials(locker, { issuer: q.issuer, clientId: q.clientId, clientSecret: q.clientSecret, ...(q.pod && { podUrl: q.pod }) }, penv)
        : connectInteractively(locker, { issuer: q.issuer, ...(q.pod && { podUrl: q.pod }), openBrowser: (url) => {
                // Only a web page is handed to the UI to open (never file:, javascript: or an app's own scheme).
                if (!isLoginPage(url)) throw new Error(`the provider's login address is not a web page: ${url.slice(0, 100)}`);
                ctx?.emit?.({ type: 'pod.login', url });
              }, ...(ctx?.signal && { signal: ctx.signal }) }, penv),
    'request.read': async ({ source }) => readRequest(locker, source),
    'request.grant': async ({ source, digest, leaveOut, agent }) => grantRequest(locker, penv, source, { digest, ...(leaveOut && { leaveOut }), ...(agent && { agent }) }),
    'pod.local': async () => {
      if (host.localPodUnavailable !== undefined) return { kind: 'error', message: host.localPodUnavailable };
      const r = await startLocalPod(locker.home, { ...(penv.env && { env: penv.env }), ...(locker.dataKey && { dataKey: locker.dataKey }), ...(penv.sealer && { sealer: penv.sealer }) });
      if (r.kind === 'error') return r;
      const notes = [r.connection === 'kept-other' ? 'This locker stays connected to its other pod.' : '', locker.encrypted ? 'Your locker is encrypted, but the local pod keeps its copy of synced records unencrypted.' : '', r.note ?? ''].filter(Boolean);
      return { kind: 'ok', webId: r.webId, podUrl: r.podUrl, ...(notes.length && { note: notes.join(' ') }) };
    },
    'duplicates.list': async ({ type }) => findDuplicates(locker, { type }),
    'duplicates.merge': async ({ keep, other }) => mergeRecords(locker, keep, other),
    'duplicates.dismiss': async ({ a, b }) => {
      locker.dismissDuplicate(a, b);
      return { kind: 'ok' };
    },
    'settings.get': async () => settingsView(locker, penv, host),
    'settings.set': async ({ updates }) => setUpdates(locker, host, updates),
    'data.export': async () => exportEverything(locker, host),
    'data.deleteEverything': async () => deleteEverything(locker, penv),
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
  const name = op as Operation;
  if (!Object.hasOwn(api, name) || api[name] === undefined) return { kind: 'bad-request', message: `${name} is not available here` };
  const parsed = Inputs[name].safeParse(payload ?? {});
  if (!parsed.success) return { kind: 'bad-request', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ') };
  const handler = api[name] as (input: unknown, ctx?: CallContext) => Promise<unknown>;
  return { kind: 'ok', value: await handler(parsed.data, ctx) };
}
