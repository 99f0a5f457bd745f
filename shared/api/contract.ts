import { z } from 'zod';
import type { ExportSummary } from '../export/index.js';
import { RECORD_TYPES, type RecordType } from '../model/index.js';
import type { RecordSummary } from '../store/index.js';
import type { EditOutcome, ImportProgress, ImportSummary, Locker, ShowResult } from './locker.js';

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
  'records.save': z.object({ id: Id, set: z.array(z.object({ name: z.string().min(1).max(100), value: z.string().max(1_000_000) }).strict()).min(1).max(200) }).strict(),
  'records.delete': z.object({ id: Id }).strict(),
  'records.counts': z.object({}).strict(),
  search: z.object({ text: z.string().max(1000), type: RecordTypeSchema.optional(), limit: z.number().int().positive().max(1000).optional() }).strict(),
  'import.start': z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }).strict(),
  'export.run': z.object({ out: z.string().min(1).max(4096) }).strict(),
} as const;

export type Operation = keyof typeof Inputs;
export type Input<K extends Operation> = z.infer<(typeof Inputs)[K]>;

export interface Outputs {
  'records.list': RecordSummary[];
  'records.get': ShowResult;
  'records.save': EditOutcome;
  'records.delete': { kind: 'deleted' } | { kind: 'absent'; id: string };
  'records.counts': Partial<Record<RecordType, number>>;
  search: RecordSummary[];
  'import.start': ImportSummary;
  'export.run': ExportSummary;
}

/** Events a handler may emit while it works (progress of long operations). */
export type LockerEvent = { readonly type: 'import.progress'; readonly progress: ImportProgress } | { readonly type: 'import.committed'; readonly file: string; readonly ids: readonly string[] };

export interface CallContext {
  readonly emit?: (e: LockerEvent) => void;
  readonly signal?: AbortSignal;
}

export type LockerApi = { readonly [K in Operation]: (input: Input<K>, ctx?: CallContext) => Promise<Outputs[K]> };

/** A call that never reached a handler: bad operation name or payload. */
export interface BadRequest {
  readonly kind: 'bad-request';
  readonly message: string;
}

export function createHandlers(locker: Locker): LockerApi {
  return {
    'records.list': async (q) =>
      locker.list({ type: q.type, fromMs: q.from ? Date.parse(q.from) : undefined, toMs: q.to ? Date.parse(q.to) : undefined, limit: q.limit, offset: q.offset }),
    'records.get': async ({ id }) => locker.show(id),
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
    'export.run': async ({ out }) => locker.exportTo(out),
  };
}

/** Validates an untrusted call (from IPC or HTTP) and runs it. */
export async function dispatch(api: LockerApi, op: string, payload: unknown, ctx?: CallContext): Promise<{ kind: 'ok'; value: unknown } | BadRequest> {
  if (!Object.hasOwn(Inputs, op)) return { kind: 'bad-request', message: `unknown operation ${JSON.stringify(op.slice(0, 60))}` };
  const name = op as Operation;
  const parsed = Inputs[name].safeParse(payload ?? {});
  if (!parsed.success) return { kind: 'bad-request', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ') };
  const handler = api[name] as (input: unknown, ctx?: CallContext) => Promise<unknown>;
  return { kind: 'ok', value: await handler(parsed.data, ctx) };
}
