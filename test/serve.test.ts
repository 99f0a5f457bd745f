import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serve, type RunningServer } from '../cli/serve.js';
import type { TaggedEvent } from '../shared/api/index.js';
import { FIXTURES, openTemp } from './helpers/home.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function start(maxUploadBytes?: number): Promise<{ s: RunningServer; home: string; cookie: string }> {
  const t = openTemp();
  const dist = path.join(t.home, 'dist');
  mkdirSync(dist);
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Locker</title>');
  const s = await serve({ locker: t.locker, staticDir: dist, ...(maxUploadBytes && { maxUploadBytes }) });
  cleanup.push(t.cleanup, () => s.close());
  return { s, home: t.home, cookie: `locker_${s.port}=${s.token}` };
}

/** A raw request, so that Host and Origin can be anything (fetch won't let us set Host). */
function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = (cookie: string, body: unknown) => ({ method: 'POST', path: '/api/call', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('locker serve', () => {
  it('answers nothing without the launch token, and trades the printed link for an HttpOnly cookie', async () => {
    const { s, cookie } = await start();
    expect(s.launchUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{30,}$/);
    expect((await raw(s.port, { path: '/' })).status).toBe(401);
    expect((await raw(s.port, { path: '/api/binary/x' })).status).toBe(401);
    expect((await raw(s.port, { method: 'POST', path: '/api/call', headers: { 'content-type': 'application/json' }, body: '{"op":"records.list"}' })).status).toBe(401);
    expect((await raw(s.port, { path: '/?token=wrong' })).status).toBe(401);
    expect((await raw(s.port, { path: '/', headers: { cookie: `locker_${s.port}=${s.token.slice(0, -1)}x` } })).status).toBe(401);

    // The session secret itself is not a launch link.
    expect((await raw(s.port, { path: `/?token=${s.token}` })).status).toBe(401);
    const launch = new URL(s.launchUrl);
    const link = await raw(s.port, { path: `${launch.pathname}${launch.search}` });
    expect(link.status).toBe(303);
    // A launch link works once.
    expect((await raw(s.port, { path: `${launch.pathname}${launch.search}` })).status).toBe(401);
    const second = new URL(s.mintLaunchUrl());
    expect((await raw(s.port, { path: `${second.pathname}${second.search}` })).status).toBe(303);
    expect(link.headers.location).toBe('/');
    const set = String(link.headers['set-cookie']);
    expect(set).toContain(cookie);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);

    const page = await raw(s.port, { path: '/', headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Locker</title>');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    // The bearer form works for scripts.
    const bearer = await raw(s.port, { ...json('', { op: 'records.counts', payload: {} }), headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' } });
    expect(JSON.parse(bearer.body)).toEqual({ kind: 'ok', value: {} });
  });

  it('refuses other host names (DNS rebinding), other origins, and form-encoded calls', async () => {
    const { s, cookie } = await start();
    expect((await raw(s.port, { path: '/', headers: { cookie, host: `evil.example:${s.port}` } })).status).toBe(421);
    expect((await raw(s.port, { ...json(cookie, { op: 'records.list', payload: {} }), headers: { cookie, 'content-type': 'application/json', origin: 'https://evil.example' } })).status).toBe(403);
    expect((await raw(s.port, { method: 'POST', path: '/api/call', headers: { cookie, 'content-type': 'text/plain' }, body: '{"op":"records.list","payload":{}}' })).status).toBe(415);
    const same = await raw(s.port, { ...json(cookie, { op: 'records.list', payload: {} }), headers: { cookie, 'content-type': 'application/json', origin: `http://127.0.0.1:${s.port}` } });
    expect(JSON.parse(same.body)).toEqual({ kind: 'ok', value: [] });
  });

  it('listens on loopback only', async () => {
    const { s } = await start();
    const outside = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!outside) return; // no other interface on this machine: nothing else could reach it either
    const r = await new Promise<string>((resolve) => {
      const req = http.get({ host: outside.address, port: s.port, path: '/', timeout: 2000 }, () => resolve('connected'));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      req.on('timeout', () => (req.destroy(), resolve('timeout')));
    });
    expect(r).toBe('ECONNREFUSED');
  });

  it('validates every call and never serves files outside the UI', async () => {
    const { s, cookie, home } = await start();
    const bad = await raw(s.port, json(cookie, { op: 'records.get', payload: { id: '../../etc/passwd' } }));
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ kind: 'bad-request', message: 'id: not a record id' });
    expect(JSON.parse((await raw(s.port, json(cookie, { op: '__proto__', payload: {} }))).body)).toMatchObject({ kind: 'bad-request' });
    expect((await raw(s.port, { ...json(cookie, {}), body: '{nope' })).status).toBe(400);
    // A page never names a path on this computer: no export to one, no import from one.
    for (const [op, payload] of [['export.run', { out: '/tmp/owned.trig' }], ['import.start', { paths: ['/etc/passwd'] }]] as const) {
      const r = await raw(s.port, json(cookie, { op, payload }));
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body)).toEqual({ kind: 'bad-request', message: `${op} is not available here` });
    }
    expect((await raw(s.port, { ...json(cookie, {}), body: 'x'.repeat(5 * 1024 * 1024) })).status).toBe(413);
    // A file right beside the UI's folder is never served, however the path is spelled.
    writeFileSync(path.join(home, 'secret.txt'), 'SENTINEL-beside-dist');
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt', '/%2e%2e%2fsecret.txt']) {
      const r = await raw(s.port, { path: p, headers: { cookie } });
      expect(r.body, p).not.toContain('SENTINEL');
    }
    expect((await raw(s.port, { path: '/api/binary/..%2Fkeys.json', headers: { cookie } })).status).toBe(404);
    expect((await raw(s.port, { path: '/api/binary/%E0%A4%A', headers: { cookie } })).status).toBe(404);
    expect((await raw(s.port, { path: '/%E0%A4%A', headers: { cookie } })).status).toBe(404);
  });

  it('imports uploaded files with progress over the WebSocket, then forgets the upload', async () => {
    const { s, home, cookie } = await start();
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/events`, { headers: { cookie, origin: `http://127.0.0.1:${s.port}` } });
    const events: TaggedEvent[] = [];
    ws.on('message', (m: Buffer) => events.push(JSON.parse(m.toString('utf8')) as TaggedEvent));
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    cleanup.push(() => ws.close());

    const up = await raw(s.port, { method: 'POST', path: '/api/upload?name=..%2F..%2Fmy%20calendar.ics', headers: { cookie }, body: readFileSync(path.join(FIXTURES, 'calendar.ics')) });
    expect(up.status).toBe(200);
    const { id } = JSON.parse(up.body) as { id: string };
    expect(readdirSync(path.join(home, 'uploads', id))).toEqual(['my calendar.ics']);
    const r = await raw(s.port, json(cookie, { op: 'import.uploads', payload: { ids: [id] }, callId: 'imp1' }));
    expect(JSON.parse(r.body)).toEqual({ kind: 'ok', value: { imported: 6, updated: 0, unchanged: 0, skipped: 0, duplicates: 0, seen: 6, errors: [], skippedItems: [] } });
    expect(existsSync(path.join(home, 'uploads', id))).toBe(false);
    await new Promise((res) => setTimeout(res, 100));
    const mine = events.filter((e) => e.callId === 'imp1');
    expect(mine.some((e) => e.event.type === 'import.progress' && e.event.progress.file === 'my calendar.ics')).toBe(true);
    expect(mine.find((e) => e.event.type === 'import.committed')).toMatchObject({ event: { file: 'my calendar.ics' } });
    // The same upload id again: gone.
    const again = JSON.parse((await raw(s.port, json(cookie, { op: 'import.uploads', payload: { ids: [id] } }))).body) as { value: { errors: unknown[] } };
    expect(again.value.errors).toEqual([{ file: id, message: 'this upload is gone: add the file again' }]);
  });

  it('refuses an upload over the cap and keeps nothing of it; sockets need the token and this origin', async () => {
    const { s, home, cookie } = await start(1000);
    const big = await raw(s.port, { method: 'POST', path: '/api/upload?name=big.ics', headers: { cookie }, body: Buffer.alloc(5000, 65) });
    expect(big.status).toBe(413);
    expect(readdirSync(path.join(home, 'uploads'))).toEqual([]);
    for (const headers of [{ origin: `http://127.0.0.1:${s.port}` }, { cookie, origin: 'https://evil.example' }, { cookie }]) {
      const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/events`, { headers });
      const outcome = await new Promise<string>((r) => (ws.once('open', () => r('open')), ws.once('error', () => r('refused'))));
      expect(outcome).toBe('refused');
    }
  });
});
