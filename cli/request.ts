import { createInterface } from 'node:readline/promises';
import type { PlannedNeed } from '../shared/api/index.js';
import { displayText, timeLeft } from '../shared/consent/index.js';
import type { Door } from './call.js';
import type { GrantOptions } from './grants.js';
import { fieldText } from './hints.js';
import { PodUsageError, type PodIo } from './pod.js';

/** One line of what the request would share, in the person's terms, with a count and a preview of real records. */
function needLine(need: PlannedNeed): string {
  const preview = need.preview.map((t) => `"${displayText(t, 40)}"`).join(', ');
  const m = need.modes;
  const verb = m.includes('write') ? 'read and change' : m.includes('append') && !m.includes('read') ? 'add to' : m.includes('append') ? 'read and add to' : 'read';
  return `  - ${verb} your ${need.container}: ${need.count} record${need.count === 1 ? '' : 's'}${preview ? `, e.g. ${preview}` : ''}${need.required ? '' : ' (optional)'}`;
}

async function ask(io: PodIo, question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
    io.err('');
  }
}

/**
 * `locker grant --request <url|file>`: shows an app's access request
 * (`request.plan`) and, only on yes, makes that one grant (`grants.create`).
 */
export async function requestCommand(o: GrantOptions, door: Door, io: PodIo): Promise<number> {
  const now = Date.now();
  const planned = await door.call('request.plan', {
    source: o.request ?? '',
    ...(o.purpose !== undefined && { purpose: o.purpose }),
    ...(o.until !== undefined && { until: o.until }),
    ...(o.for !== undefined && { for: o.for }),
    ...(o.agent !== undefined && { agent: o.agent }),
  });
  switch (planned.kind) {
    case 'error':
      io.err(`locker: ${planned.message}\n`);
      return 1;
    case 'nothing': {
      const req = planned.request;
      io.err(`locker: ${displayText(req.name ?? req.clientId, 80)} asks for nothing Locker keeps${req.notes.length ? ` (${req.notes.map((n) => displayText(n, 80)).join('; ')})` : ''}\n`);
      return 1;
    }
    case 'invalid':
      throw new PodUsageError(fieldText(planned));
    case 'ok':
      break;
  }
  const { plan } = planned;
  const req = plan.request;
  const summary = [
    `${displayText(req.name ?? 'An app', 80)}${req.homepage ? ` (${displayText(req.homepage, 80)})` : ''} asks for access`,
    `  app: ${displayText(req.clientId, 200)}${plan.agent !== req.clientId ? `, acting as ${displayText(plan.agent, 200)}` : ''}`,
    ...(req.logo ? [`  logo: ${displayText(req.logo, 200)} (not loaded)`] : []),
    `  why: ${plan.purposeLabel}`,
    `  for: ${timeLeft(Date.parse(plan.until), now)} (until ${plan.until})`,
    ...plan.needs.map(needLine),
    ...req.notes.map((n) => `  (${displayText(n, 160)})`),
  ];
  io.err(`${summary.join('\n')}\n`);
  const yes = o.yes === true || (await ask(io, 'Grant this? [y/N] '));
  if (!yes) {
    io.err(process.stdin.isTTY || o.yes ? 'locker: not granted\n' : 'locker: not granted (no one to ask: run it in a terminal, or add --yes)\n');
    return 1;
  }
  const r = await door.call('grants.create', { agent: plan.agent, client: req.clientId, types: [...plan.types], paths: [], modes: [...plan.modes], purpose: plan.purpose, until: plan.until, request: req.clientId });
  if (r.kind === 'invalid') throw new PodUsageError(fieldText(r));
  if (r.kind === 'error') {
    io.err(`locker: ${r.message}\n`);
    return 1;
  }
  for (const w of r.warnings) io.err(`locker: warning: ${w}\n`);
  if (o.json) io.out(`${JSON.stringify({ id: r.grant.id, until: r.grant.until, resources: r.grant.resources })}\n`);
  else io.out(`granted ${r.grant.id}; revoke with: locker revoke ${r.grant.id}\n`);
  return 0;
}
