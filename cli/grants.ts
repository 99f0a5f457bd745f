import type { GrantView } from '../shared/api/index.js';
import type { Door } from './call.js';
import { failureText, fieldText } from './hints.js';
import { PodUsageError, type PodIo } from './pod.js';
import { displayText } from '../shared/consent/index.js';

export interface GrantOptions {
  json?: boolean | undefined;
  agent?: string | undefined;
  client?: string | undefined;
  type?: string | string[] | undefined;
  path?: string[] | undefined;
  modes?: string | undefined;
  purpose?: string | undefined;
  until?: string | undefined;
  for?: string | undefined;
  all?: boolean | undefined;
  request?: string | undefined;
  yes?: boolean | undefined;
}

function listOf(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function describe(g: GrantView): string {
  const ended = g.state === 'active' || g.state === 'pending' ? `${g.timeLeft} left (until ${g.until})` : `${g.state}${g.ended ? ` ${g.ended}` : ''}`;
  return `${g.id}  ${g.agent}${g.client ? ` (app ${g.client})` : ''}\n  may ${g.modes.join(', ')}: ${g.what.join(', ')}\n  why: ${g.purposeLabel}\n  ${ended}\n`;
}

/**
 * `locker grant …`: the flags as they are (`grants.create` checks them, with
 * the defaults); what it names wrongly is a usage error (exit 2), what the
 * pod or the grant refuses is an error (exit 1).
 */
export async function grantCommand(o: GrantOptions, door: Door, io: PodIo): Promise<number> {
  if (o.request) {
    const { requestCommand } = await import('./request.js');
    return requestCommand(o, door, io);
  }
  if (!o.agent) throw new PodUsageError('grant needs --agent WEBID (or --request URL)');
  const r = await door.call('grants.create', {
    agent: o.agent,
    ...(o.client !== undefined && { client: o.client }),
    types: listOf(o.type),
    paths: o.path ?? [],
    ...(o.modes !== undefined && { modes: o.modes.split(',') }),
    ...(o.purpose !== undefined && { purpose: o.purpose }),
    ...(o.until !== undefined && { until: o.until }),
    ...(o.for !== undefined && { for: o.for }),
  });
  if (r.kind === 'invalid') throw new PodUsageError(fieldText(r));
  if (r.kind === 'error') {
    io.err(`locker: ${r.field ? fieldText(r) : failureText(r)}\n`);
    return 1;
  }
  for (const w of r.warnings) io.err(`locker: warning: ${w}\n`);
  if (o.json) io.out(`${JSON.stringify({ id: r.grant.id, until: r.grant.until, resources: r.grant.resources })}\n`);
  else io.out(`granted ${r.grant.id}\n${describe(r.grant)}  revoke with: locker revoke ${r.grant.id}\n`);
  return 0;
}

/** `locker grants [--all]`: who can see what, why, until when. Expired grants are revoked first. */
export async function grantsCommand(o: GrantOptions, door: Door, io: PodIo): Promise<number> {
  const settled = await door.call('grants.expire', {});
  if (settled.kind === 'error') io.err(`locker: could not revoke expired grants on the pod now: ${failureText(settled)}\n`);
  else for (const id of settled.expired) io.err(`locker: grant ${id} expired and was revoked\n`);
  const list = await door.call('grants.list', { all: o.all === true });
  if (o.json) io.out(`${JSON.stringify(list)}\n`);
  else if (list.length === 0) io.out(o.all ? 'no grants yet\n' : 'no active grants: no app or bot can see your records on the pod\n');
  else for (const g of list) io.out(describe(g));
  return settled.kind === 'error' ? 1 : 0;
}

/** `locker revoke <id>` or `locker revoke --agent WEBID` (fire an agent). */
export async function revokeCommand(args: readonly string[], o: GrantOptions, door: Door, io: PodIo): Promise<number> {
  if ((args.length === 1) === (o.agent !== undefined)) throw new PodUsageError('revoke needs a grant id, or --agent WEBID to revoke all of its grants');
  const r = await door.call('grants.revoke', args[0] ? { id: args[0] } : { agent: o.agent ?? '' });
  if (r.kind !== 'ok') {
    io.err(`locker: ${r.kind === 'error' ? failureText(r) : r.message}\n`);
    return 1;
  }
  if (o.json) io.out(`${JSON.stringify(r)}\n`);
  else io.out(`revoked ${r.revoked.join(', ')}\n`);
  return 0;
}

/** `locker audit`: who can do what on the pod, as the pod says, flagging rules Locker did not write. */
export async function auditCommand(o: GrantOptions, door: Door, io: PodIo): Promise<number> {
  const r = await door.call('audit.run', {});
  if (r.kind === 'error') {
    io.err(`locker: ${failureText(r)}\n`);
    return 1;
  }
  if (o.json) {
    io.out(`${JSON.stringify(r.report)}\n`);
    return 0;
  }
  io.out(`access control: ${r.report.accessControl.toUpperCase()}\n`);
  for (const rule of r.report.rules) {
    const who = rule.who.length ? rule.who.join(', ') : 'nobody';
    const apps = rule.clients.length ? ` (${rule.clients.join(', ')})` : '';
    const deny = rule.deny.length ? `; denied ${rule.deny.join(', ')}` : '';
    io.out(`${rule.flagged ? '!' : ' '} ${rule.resource} [${rule.scope}]: ${who}${apps} may ${rule.allow.join(', ') || 'nothing'}${deny} — ${rule.by}${rule.note ? ` (${rule.note})` : ''}\n`);
  }
  for (const i of r.report.inheriting) io.out(`  ${i}: no rules of its own (inherits)\n`);
  for (const f of r.report.foreign) io.out(`  ${displayText(f, 300)}: another app's file in Locker's folders (left alone)\n`);
  const flagged = r.report.rules.filter((x) => x.flagged).length;
  io.out(flagged ? `${flagged} rule${flagged === 1 ? '' : 's'} marked ! were not written by Locker (or outlived their grant)\n` : 'every rule is yours or a grant you gave\n');
  return 0;
}
