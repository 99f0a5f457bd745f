import type { ConnectResult, LockerEvent } from '../shared/api/index.js';
import type { SyncProgress, SyncResult, SyncSummary } from '../shared/sync/index.js';
import { failureText } from './hints.js';
import type { Door } from './call.js';
import { displayText } from '../shared/consent/index.js';

export { PodUsageError } from './errors.js';
import { PodUsageError } from './errors.js';

export interface PodIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly errIsTty: boolean;
  readonly env: NodeJS.ProcessEnv;
}

export interface PodOptions {
  json?: boolean | undefined;
  issuer?: string | undefined;
  'client-id'?: string | undefined;
  'client-secret'?: string | undefined;
  interactive?: boolean | undefined;
  pod?: string | undefined;
  watch?: boolean | undefined;
  keep?: string | undefined;
  'accept-deletions'?: boolean | undefined;
  full?: boolean | undefined;
  'restore-deletions'?: boolean | undefined;
}

/** `locker sync` exit status when the pod deleted more records at once than Locker applies without asking. */
export const EXIT_DELETIONS_HELD = 4;

function reportConnect(r: ConnectResult, io: PodIo, json: boolean): number {
  if (r.kind === 'error') {
    io.err(`locker: ${r.message}\n`);
    return 1;
  }
  if (r.secrets.protection === 'plain-file') io.err(`locker: warning: ${r.secrets.describe}\n`);
  if (json) io.out(`${JSON.stringify({ webId: r.webId, storage: r.storage, root: r.root, accessControl: r.accessControl, secrets: r.secrets.protection, moving: r.moving })}\n`);
  else {
    io.out(`connected as ${r.webId}\n  pod: ${r.storage}\n  Locker's data: ${r.root}\n  access control: ${r.accessControl.toUpperCase()}\n`);
    for (const c of r.created) io.out(`  created ${c}\n`);
    if (r.moving) io.out('  this locker was synced with another pod: the next `locker sync` copies everything here and leaves the old pod as it is\n');
  }
  return 0;
}

export async function podCommand(args: readonly string[], o: PodOptions, door: Door, io: PodIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'connect': {
      if (rest.length) throw new PodUsageError('pod connect takes no positional arguments');
      if (!o.issuer) throw new PodUsageError('pod connect needs --issuer URL');
      try {
        new URL(o.issuer);
      } catch {
        throw new PodUsageError(`--issuer must be a URL (got "${o.issuer}")`);
      }
      if (o.interactive) {
        const { connectInteractive } = await import('./login.js');
        return reportConnect(await connectInteractive(door, { issuer: o.issuer, ...(o.pod && { pod: o.pod }) }, io), io, o.json === true);
      }
      const secret = o['client-secret'] ?? io.env['LOCKER_CLIENT_SECRET'];
      if (!o['client-id'] || !secret) throw new PodUsageError('pod connect needs --client-id and --client-secret (or LOCKER_CLIENT_SECRET), or --interactive');
      const r = await door.call('pod.connect', { issuer: o.issuer, clientId: o['client-id'], clientSecret: secret, ...(o.pod && { pod: o.pod }) });
      return reportConnect(r, io, o.json === true);
    }
    case 'status': {
      const s = await door.call('pod.status', {});
      if (o.json) io.out(`${JSON.stringify(s)}\n`);
      else if (!s.connected) io.out(`no pod connected (${s.pending} records not synced)\n`);
      else io.out(`${s.local ? 'local pod' : 'pod'}: ${s.root ?? s.issuer}\n  as ${s.webId}\n  last sync: ${s.lastSync ?? 'never'}\n  waiting to sync: ${s.pending}\n  conflicts: ${s.conflicts}\n`);
      return 0;
    }
    case 'local': {
      const { localPodCommand } = await import('./local-pod.js');
      return localPodCommand(rest, o, door, io);
    }
    default:
      throw new PodUsageError(`unknown pod command "${sub ?? ''}" (connect, local start|stop|status, status)`);
  }
}

function progressText(p: SyncProgress): string {
  return `${p.phase} ${p.done}/${p.total}`;
}

function summaryLine(s: SyncSummary): string {
  const parts = [`pushed ${s.pushed}`, `pulled ${s.pulled}`, `conflicts ${s.conflicts}`];
  if (s.deletedLocal || s.deletedRemote) parts.push(`deleted ${s.deletedLocal} here, ${s.deletedRemote} on the pod`);
  return parts.join(', ');
}

function reportSync(r: SyncResult, io: PodIo, json: boolean): number {
  const s = r.summary;
  if (s) {
    if (json) io.out(`${JSON.stringify(s)}\n`);
    else {
      io.out(`${summaryLine(s)}\n`);
      if (s.moved) io.out(`copied to the new pod: ${s.moved.verified ? 'all records are there' : 'SOME RECORDS ARE MISSING'} (${Object.entries(s.moved.counts).map(([k, v]) => `${k} ${v.pod}/${v.local}`).join(', ')})\n`);
      if (s.conflicts) io.out('see them with `locker conflicts`; settle each with `locker resolve <id> --keep local|remote|merged`\n');
      if (s.held) {
        io.err(`locker: the pod no longer has ${s.held.count} of your records (another app may have deleted them); nothing was deleted here:\n`);
        for (const h of s.held.records.slice(0, 10)) io.err(`  ${h.type} ${h.id}  ${displayText(h.title, 80)}\n`);
        if (s.held.count > 10) io.err(`  … and ${s.held.count - 10} more (all of them: --json)\n`);
        io.err('locker: delete them here too with `locker sync --accept-deletions`, or put them back on the pod with `locker sync --restore-deletions`\n');
      }
    }
    for (const e of s.errors) io.err(`locker: ${e.message}\n`);
    for (const k of s.skipped) io.err(`locker: skipped ${k.url}: ${k.message}\n`);
  }
  if (r.kind === 'error') {
    io.err(`locker: sync failed: ${failureText(r)}\n`);
    return 1;
  }
  if (r.summary.errors.length > 0) return 1;
  return r.summary.held ? EXIT_DELETIONS_HELD : 0;
}

export async function syncCommand(o: PodOptions, door: Door, io: PodIo, stopSignal?: AbortSignal): Promise<number> {
  let lastLen = 0;
  const onEvent = io.errIsTty
    ? (e: LockerEvent) => {
        if (e.type !== 'sync.progress') return;
        const line = progressText(e.progress);
        io.err(`\r${line.padEnd(lastLen)}`);
        lastLen = line.length;
      }
    : undefined;
  if (!o.watch) {
    if (o['accept-deletions'] && o['restore-deletions']) {
      io.err('locker: --accept-deletions and --restore-deletions exclude each other\n');
      return 2;
    }
    const deletions = o['accept-deletions'] ? 'accept' : o['restore-deletions'] ? 'restore' : undefined;
    const r = await door.call('sync.run', { ...(deletions && { deletions }), ...(o.full && { full: true }) }, { onEvent });
    if (lastLen) io.err(`\r${' '.repeat(lastLen)}\r`);
    const code = reportSync(r, io, o.json === true);
    // Every run revokes grants whose time is up.
    const expired = await door.call('grants.expire', {});
    if (expired.kind === 'error') io.err(`locker: could not revoke expired grants yet: ${failureText(expired)}\n`);
    else for (const id of expired.expired) io.err(`locker: grant ${id} expired and was revoked\n`);
    return code;
  }
  const ctrl = new AbortController();
  const stop = () => ctrl.abort();
  stopSignal?.addEventListener('abort', stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const pollMs = Number(io.env['LOCKER_WATCH_POLL_MS']);
    const grantCheckMs = Number(io.env['LOCKER_WATCH_GRANT_MS']);
    const onWatch = (e: LockerEvent): void => {
      switch (e.type) {
        case 'sync.notice':
          io.err(`locker: ${e.message}\n`);
          return;
        case 'grants.expired':
          for (const id of e.ids) io.err(`locker: grant ${id} expired and was revoked\n`);
          return;
        case 'sync.done': {
          const { result: r, reason } = e;
          const s = r.summary;
          if (o.json) io.out(`${JSON.stringify({ reason, ...(s ?? {}), ...(r.kind === 'error' && { error: r.message, code: r.code, ...(r.status !== undefined && { status: r.status }) }) })}\n`);
          else if (r.kind === 'error') io.err(`locker: sync failed (${reason}): ${failureText(r)}\n`);
          else if (s && (s.pushed || s.pulled || s.conflicts || s.deletedLocal || s.deletedRemote)) io.out(`${new Date().toISOString()} ${reason}: ${summaryLine(s)}\n`);
          if (!o.json && s?.held) io.err(`locker: the pod no longer has ${s.held.count} of your records; nothing was deleted here (run \`locker sync --accept-deletions\` or \`--restore-deletions\`)\n`);
          return;
        }
        default:
          return;
      }
    };
    await door.call(
      'sync.watch',
      { ...(Number.isFinite(pollMs) && pollMs > 0 && { pollMs: Math.ceil(pollMs) }), ...(Number.isFinite(grantCheckMs) && grantCheckMs > 0 && { grantCheckMs: Math.ceil(grantCheckMs) }) },
      { signal: ctrl.signal, onEvent: onWatch },
    );
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export async function conflictsCommand(o: PodOptions, door: Door, io: PodIo): Promise<number> {
  const list = await door.call('conflicts.list', {});
  if (o.json) {
    io.out(`${JSON.stringify(list)}\n`);
    return 0;
  }
  if (list.length === 0) {
    io.out('no conflicts\n');
    return 0;
  }
  for (const c of list) {
    io.out(`${c.id}  ${c.type}  ${c.title}\n`);
    if (!c.local) io.out('  here: deleted\n');
    if (!c.remote) io.out('  on the pod: deleted\n');
    for (const f of c.fields) {
      const name = f.replace(/^.*[#/]/, '');
      io.out(`  ${name}: here ${JSON.stringify(c.local?.properties[name] ?? null)}, on the pod ${JSON.stringify(c.remote?.properties[name] ?? null)}\n`);
    }
  }
  return 0;
}

export async function resolveCommand(args: readonly string[], o: PodOptions, door: Door, io: PodIo): Promise<number> {
  const id = args[0];
  if (args.length !== 1 || !id) throw new PodUsageError('resolve needs one record id');
  const keep = o.keep;
  if (keep !== 'local' && keep !== 'remote' && keep !== 'merged') throw new PodUsageError('resolve needs --keep local|remote|merged');
  const r = await door.call('conflicts.resolve', { id, keep });
  switch (r.kind) {
    case 'ok':
      if (o.json) io.out(`${JSON.stringify(r)}\n`);
      else io.out(`${id}: ${r.result.replace('-', ' ')}; the next sync updates the pod\n`);
      return 0;
    case 'absent':
      io.err(`locker: no conflict for ${id}\n`);
      return 1;
    case 'invalid':
      io.err(`locker: ${r.message}\n`);
      return 1;
  }
}
