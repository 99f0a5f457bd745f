/**
 * The embedded local pod, with real processes: a detached daemon running
 * Community Solid Server on a Unix socket behind a loopback-only proxy.
 * Two homes: A (fresh) and B (already connected to another provider).
 */
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginWithClientCredentials, openVault, readConnection, secretKey, writeConnection, type PodConnection } from '../shared/auth/index.js';
import { localPasswordKey, localPodPaths, localPodStatus, readState, startLocalPod, startLoopbackProxy, stopLocalPod, type StartLocalPodResult } from '../shared/localpod/index.js';
import { tempHome } from './helpers/home.js';

const PLAIN: NodeJS.ProcessEnv = { LOCKER_VAULT: 'plain' };
type Ok = Extract<StartLocalPodResult, { kind: 'ok' }>;

function ok(r: StartLocalPodResult): Ok {
  if (r.kind !== 'ok') throw new Error(r.message);
  return r;
}

/** How a TCP connection attempt ends: 'connected', or the error code. */
function tryConnect(host: string, port: number, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => {
      s.destroy();
      resolve('TIMEOUT');
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(t);
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      resolve(e.code ?? e.message);
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false; // reaped meanwhile
    throw e;
  }
  return !/^\S+ \(.*\) [ZX]/s.test(stat);
}

/** Decodes a /proc/net/tcp{,6} address ("0100007F:8147") to [ip, port]. */
function decodeAddr(hex: string): [string, number] {
  const [a = '', p = '0'] = hex.split(':');
  const words = a.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return [bytes.join('.'), parseInt(p, 16)];
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return [groups.join(':'), parseInt(p, 16)];
}

/** Linux: the TCP addresses a process listens on (its socket inodes matched against /proc/net/tcp*). */
function tcpListeners(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let link: string;
    try {
      link = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // the fd closed while we listed them
      throw e;
    }
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m?.[1]) inodes.add(m[1]);
  }
  const out: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] !== '0A' || !f[9] || !inodes.has(f[9])) continue; // 0A = LISTEN
      const [ip, port] = decodeAddr(f[1] ?? '');
      out.push(`${ip}:${port}`);
    }
  }
  return out.sort();
}

const isLoopback = (ipPort: string) => /^127\.\d+\.\d+\.\d+:\d+$/.test(ipPort) || /^0:0:0:0:0:0:0:1:\d+$/.test(ipPort);

const A = tempHome('locker-lpA-');
const B = tempHome('locker-lpB-');
const OTHER: PodConnection = { issuer: 'https://pod.example.org/', webId: 'https://pod.example.org/me/profile/card#me', method: 'client-credentials', clientId: 'other-client', connectedAt: '2026-01-01T00:00:00.000Z' };
let a: Ok;
let b: Ok;
/** Every daemon and Solid server pid seen, killed in afterAll if still there. */
const pids = new Set<number>();

function remember(home: string): void {
  const st = readState(localPodPaths(home).state);
  if (st.kind !== 'ok') return;
  if (st.state.pid) pids.add(st.state.pid);
  if (st.state.cssPid) pids.add(st.state.cssPid);
}

beforeAll(async () => {
  writeConnection(B.home, OTHER);
  const [ra, rb] = await Promise.all([startLocalPod(A.home, { env: PLAIN }), startLocalPod(B.home, { env: PLAIN })]);
  remember(A.home);
  remember(B.home);
  a = ok(ra);
  b = ok(rb);
}, 90_000);

afterAll(async () => {
  const stops = await Promise.all([A.home, B.home].map((h) => stopLocalPod(h, { graceMs: 5000 })));
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  A.cleanup();
  B.cleanup();
  for (const s of stops) expect(s.kind).not.toBe('error');
}, 30_000);

describe('local pod', () => {
  it('starts: the WebID profile answers at http://localhost:<port>/, the locker is connected, secrets only in the vault', async () => {
    expect(a).toMatchObject({ alreadyRunning: false, created: true, connection: 'written', baseUrl: `http://localhost:${a.port}/` });
    expect(a.webId.startsWith(a.baseUrl)).toBe(true);
    const res = await fetch(a.webId, { headers: { accept: 'text/turtle' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('solid:oidcIssuer');

    const conn = readConnection(A.home);
    expect(conn.kind).toBe('ok');
    if (conn.kind !== 'ok') return;
    expect(conn.connection).toMatchObject({ issuer: a.baseUrl, webId: a.webId, podUrl: a.podUrl, method: 'client-credentials', local: true });
    const vault = await openVault(A.home, PLAIN);
    const secret = await vault.get(secretKey(conn.connection));
    const account = JSON.parse(readFileSync(localPodPaths(A.home).account, 'utf8')) as { email: string };
    const password = await vault.get(localPasswordKey(a.baseUrl, account.email));
    expect(secret).toBeTruthy();
    expect(password).toBeTruthy();
    const paths = localPodPaths(A.home);
    for (const file of [path.join(A.home, 'pod.json'), paths.state, paths.account, paths.log]) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain(secret);
      expect(text).not.toContain(password);
    }
    expect(statSync(paths.socket).isSocket()).toBe(true);
  });

  it('a second start reports the running pod at the same URL', async () => {
    const again = ok(await startLocalPod(A.home, { env: PLAIN }));
    expect(again).toMatchObject({ alreadyRunning: true, baseUrl: a.baseUrl, pid: a.pid, webId: a.webId, created: false, connection: 'unchanged' });
    expect(await localPodStatus(A.home)).toMatchObject({ kind: 'running', baseUrl: a.baseUrl, pid: a.pid });
  });

  it('is reachable on loopback only: not on a non-loopback address of this machine, and CSS itself has no TCP port', async (ctx) => {
    expect(await tryConnect('127.0.0.1', a.port)).toBe('connected');
    if (!process.platform.startsWith('linux')) ctx.skip('listener check reads /proc (Linux only)');
    const st = readState(localPodPaths(A.home).state);
    if (st.kind !== 'ok' || !st.state.cssPid) throw new Error('no Solid server pid in state.json');
    // The daemon listens only on loopback; the Solid server listens on no TCP port at all (only its Unix socket).
    const daemon = tcpListeners(a.pid);
    expect(daemon.length).toBeGreaterThan(0);
    expect(daemon.filter((l) => !isLoopback(l))).toEqual([]);
    expect(daemon.every((l) => l.endsWith(`:${a.port}`))).toBe(true);
    expect(tcpListeners(st.state.cssPid)).toEqual([]);

    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
      .map((i) => i?.address ?? '');
    if (external.length === 0) ctx.skip('this machine has no non-loopback IPv4 address to try');
    for (const ip of external) expect(`${ip} → ${await tryConnect(ip, a.port)}`).toBe(`${ip} → ECONNREFUSED`);
  });

  it('leaves a connection to another provider alone, but still creates the local account', async () => {
    expect(b).toMatchObject({ created: true, connection: 'kept-other', alreadyRunning: false });
    expect(b.note).toContain(OTHER.issuer);
    expect(readConnection(B.home)).toEqual({ kind: 'ok', connection: OTHER });
    const vault = await openVault(B.home, PLAIN);
    expect(await vault.get(secretKey({ issuer: b.baseUrl, method: 'client-credentials', webId: b.webId }))).toBeTruthy();
  });

  it('stop closes the port; start again keeps the port, and the stored client credentials still read a private resource', async () => {
    const conn = readConnection(A.home);
    if (conn.kind !== 'ok' || !conn.connection.clientId) throw new Error('no connection');
    const secret = await (await openVault(A.home, PLAIN)).get(secretKey(conn.connection));
    if (!secret) throw new Error('no secret');
    const creds = { issuer: conn.connection.issuer, clientId: conn.connection.clientId, clientSecret: secret };
    const note = `${a.podUrl}private/note.txt`;
    const first = await loginWithClientCredentials(creds);
    if (first.kind !== 'ok') throw new Error(first.message);
    try {
      const put = await first.session.fetch(note, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'kept across restarts' });
      expect(put.status).toBe(201);
    } finally {
      await first.session.close();
    }
    expect((await fetch(note)).status).toBe(401);

    const st = readState(localPodPaths(A.home).state);
    const cssPid = st.kind === 'ok' ? st.state.cssPid : undefined;
    expect(await stopLocalPod(A.home)).toEqual({ kind: 'stopped', pid: a.pid, forced: false });
    expect(alive(a.pid)).toBe(false);
    if (cssPid) expect(alive(cssPid)).toBe(false);
    expect(await tryConnect('127.0.0.1', a.port)).toBe('ECONNREFUSED');
    expect(await localPodStatus(A.home)).toEqual({ kind: 'stopped', baseUrl: a.baseUrl, port: a.port });
    expect(await stopLocalPod(A.home)).toEqual({ kind: 'not-running' });

    const again = ok(await startLocalPod(A.home, { env: PLAIN }));
    remember(A.home);
    expect(again).toMatchObject({ alreadyRunning: false, created: false, baseUrl: a.baseUrl, port: a.port, webId: a.webId });
    const second = await loginWithClientCredentials(creds);
    if (second.kind !== 'ok') throw new Error(second.message);
    try {
      const res = await second.session.fetch(note);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('kept across restarts');
    } finally {
      await second.session.close();
    }
    a = again;
  });

  it('kill -9 of the daemon leaves a stale pid that the next start recovers from', async () => {
    const st = readState(localPodPaths(B.home).state);
    if (st.kind !== 'ok' || !st.state.pid || !st.state.cssPid) throw new Error('no running state for B');
    const { pid, cssPid } = st.state;
    process.kill(pid, 'SIGKILL');
    const until = Date.now() + 10_000;
    while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
    expect(await localPodStatus(B.home)).toMatchObject({ kind: 'stopped', stalePid: pid, port: b.port });

    const again = ok(await startLocalPod(B.home, { env: PLAIN }));
    remember(B.home);
    expect(again).toMatchObject({ alreadyRunning: false, created: false, baseUrl: b.baseUrl, port: b.port, webId: b.webId });
    expect(again.pid).not.toBe(pid);
    expect(alive(cssPid)).toBe(false); // the orphaned Solid server stopped itself
    expect((await fetch(b.webId)).status).toBe(200);
  });
});

describe('pieces', () => {
  it('a home too long for sun_path gets a private socket folder in the temp folder', () => {
    const long = path.join(os.tmpdir(), 'x'.repeat(120));
    const p = localPodPaths(long);
    expect(Buffer.byteLength(p.socket)).toBeLessThanOrEqual(100);
    expect(p.socket.startsWith(os.tmpdir())).toBe(true);
    expect(localPodPaths(long).socket).toBe(p.socket);
    expect(localPodPaths(A.home).socket).toBe(path.join(A.home, 'pod', 'css.sock'));
  });

  it('the proxy passes half-closed connections through and survives a missing socket', async () => {
    const { home, cleanup } = tempHome('locker-proxy-');
    const sock = path.join(home, 'echo.sock');
    // Answers only after the client has finished sending (needs half-close to work end to end).
    const echo = net.createServer({ allowHalfOpen: true }, (s) => {
      const chunks: Buffer[] = [];
      s.on('data', (c: Buffer) => chunks.push(c));
      s.on('end', () => s.end(Buffer.concat(chunks).toString().toUpperCase()));
    });
    await new Promise<void>((r) => echo.listen(sock, r));
    const proxy = await startLoopbackProxy({ port: 0, target: sock });
    if (proxy.kind !== 'ok') throw new Error(proxy.message);
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const c = net.connect({ host: '127.0.0.1', port: proxy.proxy.port, allowHalfOpen: true });
        let got = '';
        c.on('data', (d: Buffer) => (got += d.toString()));
        c.on('end', () => resolve(got));
        c.on('error', reject);
        c.end(`GET / HTTP/1.1\r\nHost: localhost:${proxy.proxy.port}\r\n\r\nping`);
      });
      expect(reply).toBe(`GET / HTTP/1.1\r\nHOST: LOCALHOST:${proxy.proxy.port}\r\n\r\nPING`);
      // DNS rebinding: a request addressed to another name never reaches the pod.
      const rebound = await new Promise<string>((resolve, reject) => {
        const c = net.connect({ host: '127.0.0.1', port: proxy.proxy.port });
        let got = '';
        c.on('data', (d: Buffer) => (got += d.toString()));
        c.on('close', () => resolve(got));
        c.on('error', reject);
        c.write('GET /profile/card HTTP/1.1\r\nHost: evil.example\r\n\r\n');
      });
      expect(rebound).toMatch(/^HTTP\/1\.1 421 /);
      expect(rebound).not.toContain('GET');
      await new Promise<void>((r) => echo.close(() => r()));
      // nothing behind the proxy: the client's connection is closed, the proxy keeps serving
      const closed = await new Promise<string>((resolve) => {
        const c = net.connect({ host: '127.0.0.1', port: proxy.proxy.port });
        c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        c.on('close', () => resolve('closed'));
        c.resume();
        c.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${proxy.proxy.port}\r\n\r\n`);
      });
      expect(['closed', 'ECONNRESET']).toContain(closed);
      expect(await tryConnect('127.0.0.1', proxy.proxy.port)).toBe('connected');
    } finally {
      await proxy.proxy.close();
      cleanup();
    }
  });
});
