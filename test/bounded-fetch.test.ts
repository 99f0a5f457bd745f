/**
 * The pod layer's bounded fetcher of untrusted addresses (`boundedGet`), and
 * the consent screen's logo that goes through it (`readRequest`): every
 * redirect hop checked, the redirect cap, the byte cap, where a caller's fetch
 * landed, the time cap.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readRequest } from '../shared/api/index.js';
import { boundedGet, type BoundedGetOptions } from '../shared/pod/index.js';
import { openTemp } from './helpers/home.js';

type Route = (url: string) => Response;

/** A fetch answering from a table of routes, recording what was asked. */
function fakeFetch(routes: Record<string, Route>, seen: string[] = []): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    seen.push(url);
    const route = routes[url];
    return route ? route(url) : new Response('not here', { status: 404 });
  }) as typeof fetch;
}

const redirect = (to: string, status = 302): Route => () => new Response(null, { status, headers: { location: to } });
const text = (body: string, type = 'text/turtle'): Route => () => new Response(body, { status: 200, headers: { 'content-type': type } });

function options(f: typeof fetch, o: Partial<BoundedGetOptions> = {}): BoundedGetOptions {
  return { fetch: f, maxBytes: 1024, maxRedirects: 3, signal: AbortSignal.timeout(5000), timeoutMs: 5000, ...o };
}

describe('boundedGet', () => {
  it('follows redirects on https, each hop checked, and reads the body', async () => {
    const seen: string[] = [];
    const f = fakeFetch({ 'https://a.example/x': redirect('/y'), 'https://a.example/y': text('<#it> a <#Thing>.') }, seen);
    const got = await boundedGet(new URL('https://a.example/x#frag'), options(f));
    if (got.kind !== 'ok') throw new Error(got.message);
    expect(got.url).toBe('https://a.example/y');
    expect(got.status).toBe(200);
    const body = await got.body();
    expect(body.kind === 'ok' && new TextDecoder().decode(body.bytes)).toBe('<#it> a <#Thing>.');
    expect(seen).toEqual(['https://a.example/x', 'https://a.example/y']);
  });

  it('refuses plain http away from this computer, at the start and on a hop', async () => {
    const f = fakeFetch({ 'https://a.example/x': redirect('http://b.example/') });
    const start = await boundedGet(new URL('http://b.example/'), options(f));
    expect(start).toMatchObject({ kind: 'error', code: 'refused' });
    const hop = await boundedGet(new URL('https://a.example/x'), options(f));
    expect(hop).toMatchObject({ kind: 'error', code: 'refused' });
    expect(hop.kind === 'error' && hop.message).toContain('redirects elsewhere');
  });

  it('stops after maxRedirects, and with 0 returns the redirect as the answer', async () => {
    const f = fakeFetch({ 'https://a.example/loop': redirect('/loop', 307) });
    expect(await boundedGet(new URL('https://a.example/loop'), options(f))).toMatchObject({ kind: 'error', code: 'redirects' });
    const none = await boundedGet(new URL('https://a.example/loop'), options(f, { maxRedirects: 0 }));
    expect(none).toMatchObject({ kind: 'ok', status: 307 });
  });

  it('cuts a body off at the byte cap, declared or streamed', async () => {
    const big = 'x'.repeat(2000);
    const declared = fakeFetch({ 'https://a.example/big': () => new Response(big, { headers: { 'content-length': '2000' } }) });
    const d = await boundedGet(new URL('https://a.example/big'), options(declared));
    expect(d.kind === 'ok' && (await d.body())).toMatchObject({ kind: 'error', code: 'too-large' });
    const streamed = fakeFetch({
      'https://a.example/big': () =>
        new Response(
          new ReadableStream({
            pull(c) {
              c.enqueue(new TextEncoder().encode(big));
            },
          }),
        ),
    });
    const s = await boundedGet(new URL('https://a.example/big'), options(streamed));
    expect(s.kind === 'ok' && (await s.body())).toMatchObject({ kind: 'error', code: 'too-large' });
  });

  it('checks where a fetch that follows redirects itself landed', async () => {
    const f = (async () => {
      const res = new Response('hi');
      Object.defineProperty(res, 'url', { value: 'http://elsewhere.example/' });
      return res;
    }) as typeof fetch;
    expect(await boundedGet(new URL('https://a.example/'), options(f))).toMatchObject({ kind: 'error', code: 'refused' });
  });

  it('reports a connection failure and the time cap as values', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    expect(await boundedGet(new URL('https://a.example/'), options(down))).toMatchObject({ kind: 'error', code: 'unreachable', cause: 'fetch failed' });
    const silent = ((_: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as typeof fetch;
    const got = await boundedGet(new URL('https://a.example/'), options(silent, { signal: AbortSignal.timeout(50), timeoutMs: 50 }));
    expect(got).toMatchObject({ kind: 'error', code: 'timeout' });
  });
});

describe('the consent screen logo', () => {
  let cleanup = (): void => undefined;
  afterEach(() => cleanup());

  const CLIENT = 'https://app.example/id';
  const client = (logo: string): Route =>
    text(
      `@prefix interop: <http://www.w3.org/ns/solid/interop#>. @prefix acl: <http://www.w3.org/ns/auth/acl#>. @prefix oidc: <http://www.w3.org/ns/solid/oidc#>.
       <${CLIENT}> oidc:client_name "App"; oidc:logo_uri <${logo}>; interop:hasAccessNeedGroup <#g>.
       <#g> interop:hasAccessNeed <#n>. <#n> interop:registeredClass <http://schema.org/Event>; interop:accessMode acl:Read.`,
    );
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  async function view(routes: Record<string, Route>) {
    const t = openTemp();
    cleanup = t.cleanup;
    const r = await readRequest(t.locker, CLIENT, { fetch: fakeFetch(routes) });
    if (r.kind !== 'ok') throw new Error(r.message);
    return r.view;
  }

  it('is shown as a data: URL when it is a small picture', async () => {
    const v = await view({ [CLIENT]: client('https://app.example/logo.png'), 'https://app.example/logo.png': () => new Response(PNG, { headers: { 'content-type': 'image/png' } }) });
    expect(v.logo).toBe(`data:image/png;base64,${Buffer.from(PNG).toString('base64')}`);
    expect(v.logoNote).toBeUndefined();
  });

  it('is left out, saying why, when it redirects, is no picture or is too large', async () => {
    const moved = await view({ [CLIENT]: client('https://app.example/logo.png'), 'https://app.example/logo.png': redirect('https://cdn.example/logo.png') });
    expect(moved).toMatchObject({ logoNote: 'its logo could not be loaded (302)' });
    expect(moved.logo).toBeUndefined();
    const page = await view({ [CLIENT]: client('https://app.example/logo.png'), 'https://app.example/logo.png': text('<html>', 'text/html') });
    expect(page.logoNote).toBe('its logo is not a PNG, JPEG, GIF or WebP picture under 256 KB');
    const huge = await view({
      [CLIENT]: client('https://app.example/logo.png'),
      'https://app.example/logo.png': () =>
        new Response(
          new ReadableStream({
            pull(c) {
              c.enqueue(new Uint8Array(64 * 1024));
            },
          }),
          { headers: { 'content-type': 'image/png' } },
        ),
    });
    expect(huge.logoNote).toBe('its logo is larger than 256 KB');
  });
});
