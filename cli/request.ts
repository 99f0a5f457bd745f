import { createInterface } from 'node:readline/promises';
import { createGrant, type Locker } from '../shared/api/index.js';
import { displayText, fetchAccessRequest, parsePurpose, purposeLabel, timeLeft, type AccessRequest } from '../shared/consent/index.js';
import { TYPES, type RecordType } from '../shared/model/index.js';
import { untilFrom, type GrantOptions } from './grants.js';
import { PodUsageError, type PodIo } from './pod.js';

const DAY = 86_400_000;


interface Planned {
  readonly types: RecordType[];
  readonly appendPaths: string[];
  readonly modes: Array<'read' | 'append' | 'write'>;
  readonly lines: string[];
}

/** What the request would share, in the person's terms, with counts and a preview of real records. */
function plan(req: AccessRequest, locker: Locker): Planned {
  const counts = locker.store.counts();
  const types = new Set<RecordType>();
  const modes = new Set<'read' | 'append' | 'write'>();
  const lines: string[] = [];
  for (const need of req.needs) {
    for (const t of need.types) {
      types.add(t);
      for (const m of need.modes) modes.add(m);
      const n = counts[t] ?? 0;
      const preview = locker
        .list({ type: t, limit: 3 })
        .map((r) => `"${displayText(r.title, 40)}"`)
        .join(', ');
      const verb = need.modes.includes('write') ? 'read and change' : need.modes.includes('append') && !need.modes.includes('read') ? 'add to' : need.modes.includes('append') ? 'read and add to' : 'read';
      lines.push(`  - ${verb} your ${TYPES[t].container}: ${n} record${n === 1 ? '' : 's'}${preview ? `, e.g. ${preview}` : ''}${need.required ? '' : ' (optional)'}`);
    }
  }
  return { types: [...types], appendPaths: [], modes: [...modes], lines };
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

/** `locker grant --request <url|file>`: shows an app's access request and writes the grant only on yes. */
export async function requestCommand(o: GrantOptions, locker: Locker, io: PodIo): Promise<number> {
  const source = o.request ?? '';
  const fetched = await fetchAccessRequest(source);
  if (fetched.kind === 'error') {
    io.err(`locker: ${fetched.message}\n`);
    return 1;
  }
  const req = fetched.request;
  const planned = plan(req, locker);
  if (planned.types.length === 0) {
    io.err(`locker: ${displayText(req.name ?? req.clientId, 80)} asks for nothing Locker keeps${req.notes.length ? ` (${req.notes.map((n) => displayText(n, 80)).join('; ')})` : ''}\n`);
    return 1;
  }
  const purposeText = o.purpose ?? req.purpose;
  if (!purposeText) throw new PodUsageError('the request names no purpose: give one with --purpose dpv:TERM');
  const purpose = parsePurpose(purposeText);
  if (purpose.kind === 'error') throw new PodUsageError(purpose.message);
  const now = Date.now();
  const untilMs = o.until || o.for ? untilFrom(o, now) : now + (req.durationMs ?? 30 * DAY);
  const agent = o.agent ?? req.clientId;
  const summary = [
    `${displayText(req.name ?? 'An app', 80)}${req.homepage ? ` (${displayText(req.homepage, 80)})` : ''} asks for access`,
    `  app: ${displayText(req.clientId, 200)}${agent !== req.clientId ? `, acting as ${displayText(agent, 200)}` : ''}`,
    ...(req.logo ? [`  logo: ${displayText(req.logo, 200)} (not loaded)`] : []),
    `  why: ${purposeLabel(purpose.iri)}`,
    `  for: ${timeLeft(untilMs, now)} (until ${new Date(untilMs).toISOString()})`,
    ...planned.lines,
    ...req.notes.map((n) => `  (${displayText(n, 160)})`),
  ];
  io.err(`${summary.join('\n')}\n`);
  const yes = o.yes === true || (await ask(io, 'Grant this? [y/N] '));
  if (!yes) {
    io.err(process.stdin.isTTY || o.yes ? 'locker: not granted\n' : 'locker: not granted (no one to ask: run it in a terminal, or add --yes)\n');
    return 1;
  }
  const r = await createGrant(
    locker,
    { env: io.env },
    { agent, client: req.clientId, types: planned.types, paths: planned.appendPaths, modes: planned.modes, purpose: purpose.iri, untilMs, request: req.clientId },
    now,
  );
  if (r.kind === 'error') {
    io.err(`locker: ${r.message}\n`);
    return 1;
  }
  for (const w of r.warnings) io.err(`locker: warning: ${w}\n`);
  if (o.json) io.out(`${JSON.stringify({ id: r.grant.id, until: r.grant.until, resources: r.grant.resources })}\n`);
  else io.out(`granted ${r.grant.id}; revoke with: locker revoke ${r.grant.id}\n`);
  return 0;
}
