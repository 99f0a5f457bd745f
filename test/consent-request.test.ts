/**
 * An app's access request read from a real loopback HTTP server (and a file):
 * SAI client-ID documents in JSON-LD and Turtle, and the ways an untrusted
 * document or server can misbehave — wrong schemes, huge bodies, silence,
 * redirects away from this computer, remote JSON-LD contexts, broken JSON.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAccessRequest } from '../shared/consent/request.js';

const DAY = 86_400_000;
const TEN_MB = 10 * 1024 * 1024;

interface BigBody {
  sent: number;
  finished: boolean;
}

let server: http.Server;
let base = '';
const seen: string[] = [];
let bigClosed: Promise<BigBody> = new Promise(() => undefined);
let tmp = '';

function clientDoc(): string {
  return JSON.stringify({
    '@context': [
      'https://www.w3.org/ns/solid/oidc-context.jsonld',
      { interop: 'http://www.w3.org/ns/solid/interop#', dpv: 'https://w3id.org/dpv#' },
    ],
    client_id: `${base}/coach/id`,
    client_name: 'Coach\u0007 \u202eBot\n\n',
    logo_uri: `${base}/coach/logo.png`,
    client_uri: `${base}/coach/`,
    redirect_uris: [`${base}/coach/callback`],
    grant_types: ['authorization_code', 'refresh_token'],
    scope: 'openid profile offline_access webid',
    'interop:hasAccessNeedGroup': { '@id': `${base}/coach/needs.ttl#group` },
  });
}

const NEEDS_TTL = `
@prefix interop: <http://www.w3.org/ns/solid/interop#> .
@prefix acl: <http://www.w3.org/ns/auth/acl#> .
@prefix dpv: <https://w3id.org/dpv#> .
@prefix lk: <https://w3id.org/locker/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .

<#group> a interop:AccessNeedGroup ;
  interop:accessNecessity interop:AccessRequired ;
  interop:hasAccessNeed <#events>, <#health>, <#notes>, <#books> ;
  dpv:hasPurpose dpv:ServiceProvision ;
  lk:duration "P30D"^^xsd:duration .

<#events> a interop:AccessNeed ;
  interop:registeredShapeTree <https://shapetrees.example/trees#EventTree> ;
  interop:accessMode acl:Read ;
  interop:accessNecessity interop:AccessRequired .

<#health> a interop:AccessNeed ;
  interop:registeredClass schema:Observation ;
  interop:accessMode <http://www.w3.org/ns/auth/acl#Read> ;
  interop:accessNecessity interop:AccessOptional .

<#notes> a interop:AccessNeed ;
  interop:registeredShapeTree <https://shapetrees.example/notes> ;
  interop:accessMode acl:Append, acl:Control .

<#books> a interop:AccessNeed ;
  interop:registeredClass schema:Book ;
  interop:accessMode acl:Read .

<#notes-description> a interop:AccessNeedDescription ;
  interop:hasAccessNeed <#notes> ;
  skos:prefLabel "Your daily digest\\u0000, written as a note" .
`;

const DIARY_TTL = `
@prefix interop: <http://www.w3.org/ns/solid/interop#> .
@prefix acl: <http://www.w3.org/ns/auth/acl#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix lk: <https://w3id.org/locker/ns#> .

<> a interop:Application ;
  interop:applicationName "Diary" ;
  interop:applicationThumbnail <https://diary.example/logo.png> ;
  foaf:homepage <https://diary.example/> ;
  lk:duration "P2W" ;
  interop:hasAccessNeedGroup <#needs> .

<#needs> a interop:AccessNeedGroup ;
  interop:accessNecessity interop:AccessOptional ;
  interop:hasAccessNeed [
    interop:registeredShapeTree <https://shapetrees.example/events> ;
    interop:accessMode acl:Read, acl:Write
  ] .
`;

function jsonLd(res: http.ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/ld+json' });
  res.end(body);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'locker-request-'));
  let resolveBig: (b: BigBody) => void = () => undefined;
  bigClosed = new Promise((r) => (resolveBig = r));
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    seen.push(url);
    switch (url) {
      case '/coach/id':
        return jsonLd(res, clientDoc());
      case '/coach/needs.ttl':
        res.writeHead(200, { 'content-type': 'text/turtle' });
        return void res.end(NEEDS_TTL);
      case '/diary/id':
        res.writeHead(200, { 'content-type': 'text/turtle; charset=utf-8' });
        return void res.end(DIARY_TTL);
      case '/books/id':
        return jsonLd(
          res,
          JSON.stringify({
            '@context': { interop: 'http://www.w3.org/ns/solid/interop#', acl: 'http://www.w3.org/ns/auth/acl#', schema: 'http://schema.org/', 'interop:accessMode': { '@type': '@id' } },
            '@id': `${base}/books/id`,
            'schema:name': 'Shelf',
            'interop:hasAccessNeedGroup': {
              '@type': 'interop:AccessNeedGroup',
              'interop:hasAccessNeed': [
                { '@type': 'interop:AccessNeed', 'interop:registeredClass': { '@id': 'schema:Book' }, 'interop:accessMode': 'acl:Read' },
                // One event only: granting all events would be more than asked.
                { '@type': 'interop:AccessNeed', 'interop:registeredClass': { '@id': 'schema:Event' }, 'interop:accessMode': 'acl:Read', 'interop:hasDataInstance': { '@id': 'https://pod.example/events/1' } },
              ],
            },
          }),
        );
      case '/ctx/id':
        return jsonLd(
          res,
          JSON.stringify({
            '@context': ['https://www.w3.org/ns/solid/oidc-context.jsonld', `${base}/evil-context.jsonld`, { interop: 'http://www.w3.org/ns/solid/interop#' }],
            client_id: `${base}/ctx/id`,
            client_name: 'Contextual',
            everything: 'https://evil.example/all',
            'interop:hasAccessNeedGroup': {
              'interop:hasAccessNeed': {
                'interop:registeredShapeTree': { '@id': 'https://shapetrees.example/contacts' },
                'interop:accessMode': { '@id': 'http://www.w3.org/ns/auth/acl#Read' },
              },
            },
          }),
        );
      case '/broken':
        res.writeHead(200, { 'content-type': 'application/ld+json' });
        return void res.end('{ "client_id": "x",\n  "client_name": "Broken" \n  "oops": [1, 2');
      case '/redirect-out':
        res.writeHead(302, { location: 'http://example.com/app/id' });
        return void res.end();
      case '/redirect-in':
        res.writeHead(302, { location: '/coach/id' });
        return void res.end();
      case '/redirect-loop':
        res.writeHead(307, { location: '/redirect-loop' });
        return void res.end();
      case '/hang':
        return; // never answers
      case '/big': {
        res.writeHead(200, { 'content-type': 'text/turtle' });
        const body: BigBody = { sent: 0, finished: false };
        let closed = false;
        res.on('close', () => {
          closed = true;
          body.finished = res.writableFinished;
          resolveBig(body);
        });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = (): void => {
          while (!closed && body.sent < TEN_MB) {
            body.sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!closed) res.end();
        };
        return pump();
      }
      default:
        res.writeHead(404);
        return void res.end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

describe('fetchAccessRequest', () => {
  it('reads a JSON-LD client-ID document and its access need group in a separate Turtle document', async () => {
    const r = await fetchAccessRequest(`${base}/coach/id`);
    if (r.kind !== 'ok') throw new Error(r.message);
    const q = r.request;
    expect(q.clientId).toBe(`${base}/coach/id`);
    expect(q.name).toBe('Coach Bot');
    expect(q.logo).toBe(`${base}/coach/logo.png`);
    expect(q.homepage).toBe(`${base}/coach/`);
    expect(q.purpose).toBe('https://w3id.org/dpv#ServiceProvision');
    expect(q.durationMs).toBe(30 * DAY);
    expect(q.needs).toEqual([
      { id: `${base}/coach/needs.ttl#events`, types: ['event'], classes: [], shapeTrees: ['https://shapetrees.example/trees#EventTree'], modes: ['read'], required: true },
      { id: `${base}/coach/needs.ttl#health`, types: ['health'], classes: ['http://schema.org/Observation'], shapeTrees: [], modes: ['read'], required: false },
      {
        id: `${base}/coach/needs.ttl#notes`,
        types: ['note'],
        classes: [],
        shapeTrees: ['https://shapetrees.example/notes'],
        modes: ['append'],
        required: true,
        description: 'Your daily digest, written as a note',
      },
    ]);
    expect(q.notes).toContain("asks for http://schema.org/Book, which Locker doesn't keep");
    expect(q.notes.some((n) => n.includes('Control'))).toBe(true);
    // The logo and homepage are for people to see: never fetched here.
    expect(seen).not.toContain('/coach/logo.png');
    expect(seen).not.toContain('/coach/');
    for (const s of [q.name ?? '', ...q.notes]) expect(s).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  });

  it('reads a Turtle client-ID document with the group in the same document', async () => {
    const r = await fetchAccessRequest(`${base}/diary/id`);
    if (r.kind !== 'ok') throw new Error(r.message);
    expect(r.request).toMatchObject({ clientId: `${base}/diary/id`, name: 'Diary', logo: 'https://diary.example/logo.png', homepage: 'https://diary.example/', durationMs: 14 * DAY });
    expect(r.request.purpose).toBeUndefined();
    expect(r.request.needs).toEqual([{ id: '_:need1', types: ['event'], classes: [], shapeTrees: ['https://shapetrees.example/events'], modes: ['read', 'write'], required: false }]);
  });

  it('follows a redirect that stays on this computer', async () => {
    const r = await fetchAccessRequest(`${base}/redirect-in`);
    if (r.kind !== 'ok') throw new Error(r.message);
    expect(r.request.clientId).toBe(`${base}/coach/id`);
    expect(r.request.needs.map((n) => n.types[0])).toEqual(['event', 'health', 'note']);
  });

  it('reads a local file', async () => {
    const file = path.join(tmp, 'diary.ttl');
    writeFileSync(file, `@base <https://diary.example/id> .\n${DIARY_TTL}`);
    const r = await fetchAccessRequest(file);
    if (r.kind !== 'ok') throw new Error(r.message);
    expect(r.request.clientId).toBe('https://diary.example/id');
    expect(r.request.needs.map((n) => [n.types, n.modes])).toEqual([[['event'], ['read', 'write']]]);
    expect(r.request.notes.some((n) => n.includes('local file'))).toBe(true);
  });

  it("puts a need for a class Locker doesn't keep in notes, never in types", async () => {
    const r = await fetchAccessRequest(`${base}/books/id`);
    if (r.kind !== 'ok') throw new Error(r.message);
    expect(r.request.name).toBe('Shelf');
    expect(r.request.needs).toEqual([]);
    expect(r.request.notes).toContain("asks for http://schema.org/Book, which Locker doesn't keep");
    expect(r.request.notes.some((n) => n.includes('https://pod.example/events/1') && n.includes('left out'))).toBe(true);
  });

  it('refuses plain http to other hosts, file: URLs and other schemes without touching the network', async () => {
    const calls: string[] = [];
    const spy: typeof fetch = (input) => {
      calls.push(String(input));
      return Promise.reject(new Error('must not be called'));
    };
    for (const source of ['http://example.com/app/id', 'file:///etc/passwd', 'ftp://example.com/app.ttl', 'javascript:alert(1)']) {
      const r = await fetchAccessRequest(source, { fetch: spy });
      expect(r.kind, source).toBe('error');
      if (r.kind === 'error') expect(r.message).toMatch(/^refused /);
    }
    expect(calls).toEqual([]);
  });

  it('stops reading a 10 MB body at the cap and closes the connection', async () => {
    const r = await fetchAccessRequest(`${base}/big`);
    expect(r).toEqual({ kind: 'error', message: `${base}/big is larger than 256 KiB; not read` });
    const big = await bigClosed;
    expect(big.finished).toBe(false);
    expect(big.sent).toBeLessThan(TEN_MB);
  });

  it('gives up on a server that never answers', async () => {
    const started = Date.now();
    const r = await fetchAccessRequest(`${base}/hang`, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r).toEqual({ kind: 'error', message: `timed out after 0.3 s reading ${base}/hang` });
  });

  it('refuses a redirect to plain http elsewhere, and endless redirects', async () => {
    const out = await fetchAccessRequest(`${base}/redirect-out`);
    expect(out.kind).toBe('error');
    if (out.kind === 'error') expect(out.message).toContain('refused http://example.com/app/id');
    const loop = await fetchAccessRequest(`${base}/redirect-loop`);
    expect(loop).toEqual({ kind: 'error', message: `${base}/redirect-loop redirects more than 3 times` });
  });

  it('never fetches a remote JSON-LD context and says so', async () => {
    const r = await fetchAccessRequest(`${base}/ctx/id`);
    if (r.kind !== 'ok') throw new Error(r.message);
    expect(seen).not.toContain('/evil-context.jsonld');
    expect(r.request.name).toBe('Contextual');
    expect(r.request.notes.some((n) => n.includes(`${base}/evil-context.jsonld`) && n.includes('never fetches'))).toBe(true);
    expect(r.request.needs).toEqual([{ id: '_:need1', types: ['contact'], classes: [], shapeTrees: ['https://shapetrees.example/contacts'], modes: ['read'], required: true }]);
  });

  it('reports malformed JSON in one clear line', async () => {
    const r = await fetchAccessRequest(`${base}/broken`);
    expect(r.kind).toBe('error');
    if (r.kind === 'error') {
      expect(r.message).toMatch(new RegExp(`^${base}/broken is not valid JSON: `));
      expect(r.message).not.toMatch(/\n/);
    }
  });

  it('refuses a request spread over more documents than allowed', async () => {
    const r = await fetchAccessRequest(`${base}/coach/id`, { maxDocuments: 1 });
    expect(r).toEqual({ kind: 'error', message: 'the request spreads over more than 1 documents; Locker reads at most 1' });
  });
});
