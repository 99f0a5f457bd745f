/**
 * An example bot with its own identity: with a grant it reads the owner's
 * upcoming events from their pod and writes a digest note where it was
 * granted append; without one it says so. Built on Locker's own Solid
 * client (shared/auth, shared/pod) — any Solid library would do.
 *
 *   node --import tsx examples/coach-bot/bot.ts --issuer URL --client-id ID \
 *        --pod https://pod.example/owner/ [--days 7] [--json]      (secret: BOT_CLIENT_SECRET or --client-secret)
 */
import { parseArgs } from 'node:util';
import { Parser, Writer, DataFactory } from 'n3';
import { loginWithClientCredentials } from '../../shared/auth/index.js';
import { getResource, HttpError, listContainer, pool } from '../../shared/pod/index.js';

const SCHEMA = 'http://schema.org/';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const { namedNode, literal, quad } = DataFactory;

class NoAccess extends Error {
  constructor(readonly url: string, readonly status: number) {
    super(`no access to ${url} (${status}): ask the owner for a grant`);
  }
}

/** Text from someone's pod is untrusted: no control characters, bounded length. */
function clean(s: string, max = 120): string {
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

interface Upcoming {
  readonly name: string;
  readonly start: Date;
}

async function readEvents(f: typeof fetch, pod: string): Promise<Upcoming[]> {
  const container = `${pod}locker/events/`;
  let listed;
  try {
    listed = await listContainer({ fetch: f }, container);
  } catch (e) {
    if (e instanceof HttpError && (e.status === 401 || e.status === 403)) throw new NoAccess(container, e.status);
    throw e;
  }
  if (listed.kind === 'absent') return [];
  // Locker spreads a type's records over shard containers (`events/<hh>/`): one level down.
  const members = [...listed.members];
  await pool(listed.members.filter((m) => m.isContainer), 8, async (c) => {
    const inner = await listContainer({ fetch: f }, c.url);
    if (inner.kind === 'ok') members.push(...inner.members);
  });
  const docs = members.filter((m) => !m.isContainer && m.url.endsWith('.ttl')).slice(0, 5000);
  const out: Upcoming[] = [];
  await pool(docs, 8, async (m) => {
    let got;
    try {
      got = await getResource({ fetch: f }, m.url);
    } catch (e) {
      if (e instanceof HttpError && (e.status === 401 || e.status === 403)) throw new NoAccess(m.url, e.status);
      throw e;
    }
    if (got.kind !== 'ok' || got.body.length > 1_000_000) return;
    let quads;
    try {
      quads = new Parser({ baseIRI: m.url, format: 'text/turtle' }).parse(got.body);
    } catch {
      return; // not Turtle: not an event we can read
    }
    const it = `${m.url}#it`;
    const of = (p: string) => quads.find((q) => q.subject.value === it && q.predicate.value === p)?.object.value;
    if (of(RDF_TYPE) !== `${SCHEMA}Event`) return;
    const start = new Date(of(`${SCHEMA}startDate`) ?? '');
    if (Number.isNaN(start.getTime())) return;
    out.push({ name: clean(of(`${SCHEMA}name`) ?? '(untitled)'), start });
  });
  return out;
}

function noteTurtle(title: string, text: string, created: Date): string {
  const w = new Writer({ prefixes: { schema: SCHEMA, xsd: XSD } });
  const it = namedNode('#it');
  w.addQuad(quad(it, namedNode(RDF_TYPE), namedNode(`${SCHEMA}NoteDigitalDocument`)));
  w.addQuad(quad(it, namedNode(`${SCHEMA}name`), literal(title)));
  w.addQuad(quad(it, namedNode(`${SCHEMA}text`), literal(text)));
  w.addQuad(quad(it, namedNode(`${SCHEMA}dateCreated`), literal(created.toISOString(), namedNode(`${XSD}dateTime`))));
  let out = '';
  w.end((error, result: string) => {
    if (error) throw error;
    out = result;
  });
  return out;
}

export async function runBot(argv: readonly string[], env: NodeJS.ProcessEnv, now = new Date()): Promise<{ code: number; out: string }> {
  const { values: o } = parseArgs({
    args: [...argv],
    strict: true,
    options: { issuer: { type: 'string' }, 'client-id': { type: 'string' }, 'client-secret': { type: 'string' }, pod: { type: 'string' }, days: { type: 'string' }, json: { type: 'boolean' } },
  });
  const secret = o['client-secret'] ?? env['BOT_CLIENT_SECRET'];
  if (!o.issuer || !o['client-id'] || !secret || !o.pod) return { code: 2, out: 'usage: bot --issuer URL --client-id ID (--client-secret S | BOT_CLIENT_SECRET) --pod URL [--days 7] [--json]' };
  const pod = o.pod.endsWith('/') ? o.pod : `${o.pod}/`;
  const days = Number(o.days ?? 7);
  const login = await loginWithClientCredentials({ issuer: o.issuer, clientId: o['client-id'], clientSecret: secret });
  if (login.kind === 'error') return { code: 1, out: login.message };
  const session = login.session;
  try {
    const events = await readEvents(session.fetch, pod);
    const until = new Date(now.getTime() + days * 86_400_000);
    const upcoming = events.filter((e) => e.start >= now && e.start < until).sort((a, b) => a.start.getTime() - b.start.getTime());
    const title = `Digest: ${upcoming.length} event${upcoming.length === 1 ? '' : 's'} in the next ${days} days`;
    const text = upcoming.map((e) => `${e.start.toISOString().slice(0, 16).replace('T', ' ')} ${e.name}`).join('\n') || 'Nothing planned.';
    const notes = `${pod}locker/notes/`;
    const res = await session.fetch(notes, { method: 'POST', headers: { 'content-type': 'text/turtle', slug: `digest-${now.getTime()}.ttl` }, body: noteTurtle(title, text, now) });
    if (res.status === 401 || res.status === 403) throw new NoAccess(notes, res.status);
    if (res.status !== 201) return { code: 1, out: `could not write the digest to ${notes}: ${res.status}` };
    const note = new URL(res.headers.get('location') ?? '', notes).href;
    return { code: 0, out: o.json ? JSON.stringify({ events: upcoming.length, note }) : `${title}; written to ${note}` };
  } catch (e) {
    if (e instanceof NoAccess) return { code: 3, out: e.message };
    return { code: 1, out: e instanceof Error ? e.message : String(e) };
  } finally {
    await session.close();
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const r = await runBot(process.argv.slice(2), process.env);
  (r.code === 0 ? process.stdout : process.stderr).write(`${r.out}\n`);
  process.exitCode = r.code;
}
