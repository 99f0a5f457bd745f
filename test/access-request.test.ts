/**
 * An app's access request (SAI client-ID document + access need group),
 * fetched with caps from a real loopback server; then the CLI screen that
 * grants it only on yes.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAccessRequest } from '../shared/consent/index.js';
import { locker } from './helpers/cli.js';
import { FIXTURES, tempHome } from './helpers/home.js';
import { login, newAccount, podDoc } from './helpers/pod.js';
import { replica, sync } from './helpers/sync.js';

let server: Server;
let base = '';
const seen: string[] = [];

const clientDoc = () => ({
  '@context': [
    'https://www.w3.org/ns/solid/oidc-context.jsonld',
    'https://evil.example/context.jsonld',
    { interop: 'http://www.w3.org/ns/solid/interop#', dpv: 'https://w3id.org/dpv#', lk: 'https://w3id.org/locker/ns#' },
  ],
  client_id: `${base}coach/id`,
  client_name: 'Sunrise\u0007 Coach',
  client_uri: 'https://coach.example/',
  logo_uri: 'https://coach.example/logo.png',
  redirect_uris: ['https://coach.example/callback'],
  'interop:hasAccessNeedGroup': { '@id': `${base}coach/needs.ttl#group` },
  'dpv:hasPurpose': { '@id': 'dpv:ServiceProvision' },
  'lk:duration': 'P7D',
});

const needs = () => `@prefix interop: <http://www.w3.org/ns/solid/interop#>.
@prefix acl: <http://www.w3.org/ns/auth/acl#>.
@prefix skos: <http://www.w3.org/2004/02/skos/core#>.
<#group> a interop:AccessNeedGroup; interop:hasAccessNeed <#events>, <#health>, <#diary>.
<#events> a interop:AccessNeed; interop:registeredClass <http://schema.org/Event>; interop:accessMode acl:Read; interop:accessNecessity interop:AccessRequired; skos:prefLabel "Your calendar".
<#health> a interop:AccessNeed; interop:registeredShapeTree <https://shapetrees.example/trees#HealthTree>; interop:accessMode acl:Read; interop:accessNecessity interop:AccessOptional.
<#diary> a interop:AccessNeed; interop:registeredClass <https://example.org/Diary>; interop:accessMode acl:Read, acl:Write.
`;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    seen.push(req.url ?? '');
    switch (req.url) {
      case '/coach/id':
        res.writeHead(200, { 'content-type': 'application/ld+json' });
        return res.end(JSON.stringify(clientDoc()));
      case '/coach/needs.ttl':
        res.writeHead(200, { 'content-type': 'text/turtle' });
        return res.end(needs());
      case '/huge': {
        res.writeHead(200, { 'content-type': 'application/ld+json' });
        const chunk = Buffer.alloc(64 * 1024, 32);
        let sent = 0;
        const pump = () => {
          while (sent < 10 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      case '/slow':
        return; // never answers
      case '/away':
        res.writeHead(302, { location: 'http://example.com/coach' });
        return res.end();
      case '/broken':
        res.writeHead(200, { 'content-type': 'application/ld+json' });
        return res.end('{"client_id": ');
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://localhost:${typeof addr === 'object' && addr ? addr.port : 0}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('reading an access request', () => {
  it('reads the client-ID document and its need group: name, homepage, needs as types and modes, purpose, duration', async () => {
    const r = await fetchAccessRequest(`${base}coach/id`);
    if (r.kind !== 'ok') throw new Error(r.message);
    const q = r.request;
    expect(q.clientId).toBe(`${base}coach/id`);
    expect(q.name).toBe('Sunrise Coach');
    expect(q.homepage).toBe('https://coach.example/');
    expect(q.purpose).toBe('https://w3id.org/dpv#ServiceProvision');
    expect(q.durationMs).toBe(7 * 86_400_000);
    expect(q.needs.map((n) => [n.types, n.modes, n.required])).toEqual([
      [['event'], ['read'], true],
      [['health'], ['read'], false],
    ]);
    // A class Locker doesn't keep never widens access; a remote context is never fetched.
    expect(q.notes.join('\n')).toMatch(/https:\/\/example\.org\/Diary/);
    expect(q.notes.join('\n')).toMatch(/https:\/\/evil\.example\/context\.jsonld/);
    // The logo and homepage are shown, never fetched.
    expect(seen.filter((u) => !u.startsWith('/coach/'))).toEqual([]);
  });

  it('reads a local file too', async () => {
    const { home, cleanup } = tempHome();
    try {
      const f = path.join(home, 'request.jsonld');
      writeFileSync(f, JSON.stringify(clientDoc()));
      const r = await fetchAccessRequest(f);
      expect(r.kind === 'ok' && r.request.needs.length).toBe(2);
    } finally {
      cleanup();
    }
  });

  it('refuses what it must not fetch or read, with one clear message each', async () => {
    const cases: Array<[string, RegExp, object?]> = [
      ['http://example.com/app', /refused.*https/],
      ['ftp://example.com/app', /refused/],
      ['file:///etc/passwd', /refused/],
      [`${base}away`, /example\.com/],
      [`${base}huge`, /larger than 256/],
      [`${base}slow`, /0\.5 s|time/, { timeoutMs: 500 }],
      [`${base}broken`, /JSON/],
      [`${base}missing`, /404/],
    ];
    for (const [src, msg, opts] of cases) {
      const t = Date.now();
      const r = await fetchAccessRequest(src, opts);
      expect(r.kind, src).toBe('error');
      if (r.kind === 'error') {
        expect(r.message, src).toMatch(msg);
        expect(r.message.split('\n')).toHaveLength(1);
      }
      expect(Date.now() - t, src).toBeLessThan(5000);
    }
  });
});

describe('locker grant --request', () => {
  it('shows the request with counts and a preview of the records, and grants only on yes', async () => {
    const owner = await newAccount('wac');
    const bot = await newAccount('wac', 'coach');
    const r = await replica(owner);
    const botSession = await login(bot);
    try {
      await r.locker.importFiles([path.join(FIXTURES, 'calendar.ics'), path.join(FIXTURES, 'contacts.vcf')]);
      await sync(r);
      const events = r.locker.list({ type: 'event' });
      // No one to ask (not a terminal) and no --yes: nothing is granted.
      const refused = await locker(r.home, 'grant', '--request', `${base}coach/id`, '--agent', bot.webId);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('Sunrise Coach (https://coach.example/) asks for access');
      expect(refused.stderr).toContain(`read your events: ${events.length} records, e.g. "${events[0]?.title ?? ''}"`);
      expect(refused.stderr).toContain('read your health: 0 records (optional)');
      expect(refused.stderr).toContain('why: to provide a service you asked for');
      expect(refused.stderr).toMatch(/for: (6|7) days/);
      expect(refused.stderr).toMatch(/not granted/);
      expect((await locker(r.home, 'grants', '--all', '--json')).stdout.trim()).toBe('[]');

      const granted = await locker(r.home, 'grant', '--request', `${base}coach/id`, '--agent', bot.webId, '--yes', '--json');
      expect(granted.code).toBe(0);
      const { id } = JSON.parse(granted.stdout) as { id: string };
      const ev = events[0]?.id ?? '';
      expect((await botSession.fetch(`${podDoc(owner.podUrl, 'events', ev)}`)).status).toBe(200);
      const ct = r.locker.list({ type: 'contact' })[0]?.id ?? '';
      expect((await botSession.fetch(`${owner.podUrl}locker/contacts/Person/${ct}/index.ttl`)).status).toBe(403);
      // The ledger says which request the grant answered.
      const ledger = await botSession.fetch(`${owner.podUrl}locker/consent/${id}.ttl`);
      expect(await ledger.text()).toContain(`${base}coach/id`);
      expect((await locker(r.home, 'revoke', id)).code).toBe(0);
      expect((await botSession.fetch(`${podDoc(owner.podUrl, 'events', ev)}`)).status).toBe(403);
    } finally {
      await botSession.close();
      r.close();
    }
  });
});
