import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { APP_CSP, CallRunner, createHandlers, LOCAL_ONLY, restrictApi, UploadArea, type HostHooks, type Locker, type PodEnv, type TaggedEvent } from '../shared/api/index.js';
import { LOCAL_ROOT } from '../shared/model/index.js';
import { packageRoot } from './root.js';

/**
 * Browser mode: serves the built renderer and the LockerApi over HTTP (calls)
 * and a WebSocket (events), on loopback only. Every request must carry the
 * launch token — as the HttpOnly cookie set when the printed link is first
 * opened, or as `Authorization: Bearer` — or it gets 401. The Host header must
 * name this loopback address (no DNS rebinding) and a browser's Origin must be
 * this origin (no cross-site calls or sockets).
 */
export interface ServeOptions {
  readonly locker: Locker;
  /** The built renderer (Vite's `dist`). */
  readonly staticDir: string;
  readonly port?: number;
  /** Fixed for tests; otherwise a fresh random one per launch. */
  readonly token?: string;
  readonly pod?: PodEnv;
  /** Settings hooks (where "export everything" writes; by default a new file in Downloads). */
  readonly host?: HostHooks;
  readonly log?: (line: string) => void;
  /** Largest upload accepted, bytes. */
  readonly maxUploadBytes?: number;
}

export interface RunningServer {
  readonly url: string;
  /** The link to open: its token works once, and is traded for the session cookie. */
  readonly launchUrl: string;
  /** Another one-time link (for a second browser, or a test's second context). */
  mintLaunchUrl(): string;
  /** The session secret: the cookie's value, and what `Authorization: Bearer` carries. */
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_CALL_BYTES = 4 * 1024 * 1024;

/** The Content-Security-Policy of every page (shared with the desktop shell). */
export const CSP = APP_CSP;

const MEDIA: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Media types of binaries that may be shown inline (images only; anything else is a download). */
const INLINE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);

export async function serve(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  // One-time launch tokens: a printed or opened link works once (history, a shoulder, another user's `ps` can't reuse it).
  const launchTokens = new Set<string>();
  const mint = () => {
    const t = randomBytes(24).toString('base64url');
    launchTokens.add(t);
    return t;
  };
  const log = opts.log ?? (() => undefined);
  const uploads = new UploadArea(path.join(opts.locker.home, 'uploads'), opts.maxUploadBytes ?? opts.locker.caps.maxFileBytes);
  uploads.clear();
  const sockets = new Set<WebSocket>();
  const broadcast = (e: TaggedEvent) => {
    const text = JSON.stringify(e);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  };
  // A page may not name paths on this computer: no export to a path, no import by path (files come as uploads).
  const runner = new CallRunner(restrictApi(createHandlers(opts.locker, { uploads, ...(opts.pod && { pod: opts.pod }), ...(opts.host && { host: opts.host }) }), LOCAL_ONLY.browser), broadcast, log);
  let port = 0;
  const origins = () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const cookieName = () => `locker_${port}`;

  const tokenOk = (req: http.IncomingMessage): boolean => {
    const auth = req.headers.authorization;
    const given = auth?.startsWith('Bearer ') ? auth.slice(7) : cookieOf(req.headers.cookie, cookieName());
    return given !== undefined && sameSecret(given, token);
  };
  const hostOk = (req: http.IncomingMessage) => req.headers.host !== undefined && origins().some((o) => o === `http://${req.headers.host}`);
  const originOk = (req: http.IncomingMessage) => req.headers.origin === undefined || origins().includes(req.headers.origin);

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`locker serve: ${req.method} ${(req.url ?? '').split('?')[0]} failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) send(res, 500, { kind: 'error', message: 'the request failed' });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!hostOk(req)) return sendText(res, 421, 'This host name is not served here.');
    if (!originOk(req)) return sendText(res, 403, 'Cross-origin requests are refused.');
    // The printed link: trade the token in the query for a cookie, and drop it from the address bar.
    const queryToken = url.searchParams.get('token');
    if (req.method === 'GET' && queryToken !== null) {
      const known = [...launchTokens].find((t) => sameSecret(queryToken, t));
      if (known === undefined) return sendText(res, 401, 'This link has been used already (or is not valid): go back to the window where Locker is open, or start `locker serve` again for a new link.');
      launchTokens.delete(known);
      res.writeHead(303, {
        Location: url.pathname,
        'Set-Cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
      });
      res.end();
      return;
    }
    if (!tokenOk(req)) return sendText(res, 401, 'Open the link that `locker serve` printed (it carries this launch’s token).');

    if (url.pathname.startsWith('/api/')) return api(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.');
    return staticFile(res, url.pathname);
  }

  async function api(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (req.method === 'GET' && url.pathname.startsWith('/api/binary/')) return binary(res, safeDecode(url.pathname.slice('/api/binary/'.length)) ?? '');
    if (req.method !== 'POST') return sendText(res, 405, 'Method not allowed.');
    if (url.pathname === '/api/upload') {
      const name = url.searchParams.get('name') ?? 'upload';
      const r = await uploads.put(name, req);
      if (r.kind === 'ok') return send(res, 200, r);
      return send(res, r.kind === 'too-large' ? 413 : 500, r);
    }
    // JSON only: a cross-site form can't send this content type without a preflight.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, { kind: 'bad-request', message: 'send application/json' });
    const body = await readJson(req, MAX_CALL_BYTES);
    if (body.kind !== 'ok') return send(res, body.kind === 'too-large' ? 413 : 400, { kind: 'bad-request', message: body.message });
    const msg = body.value;
    if (url.pathname === '/api/cancel') {
      runner.cancel(field(msg, 'callId'));
      return send(res, 200, { kind: 'ok', value: null });
    }
    if (url.pathname !== '/api/call') return sendText(res, 404, 'No such endpoint.');
    const op = field(msg, 'op');
    if (typeof op !== 'string') return send(res, 400, { kind: 'bad-request', message: 'op: expected a string' });
    const result = await runner.call(op, field(msg, 'payload'), field(msg, 'callId'));
    return send(res, result.kind === 'bad-request' ? 400 : result.kind === 'error' ? 500 : 200, result);
  }

  function binary(res: http.ServerResponse, name: string): void {
    if (!/^[A-Za-z0-9._-]{1,200}$/.test(name)) return sendText(res, 404, 'No such file.');
    const b = opts.locker.store.getBinary(name);
    if (!b) return sendText(res, 404, 'No such file.');
    const inline = INLINE_IMAGES.has(b.mediaType);
    res.writeHead(200, {
      'Content-Type': inline ? b.mediaType : 'application/octet-stream',
      'Content-Length': b.bytes.byteLength,
      ...(inline ? {} : { 'Content-Disposition': 'attachment' }),
      // Imported bytes are never run as a page, whatever they claim to be.
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=3600',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.end(b.bytes);
  }

  function staticFile(res: http.ServerResponse, pathname: string): void {
    const root = path.resolve(opts.staticDir);
    const decoded = safeDecode(pathname);
    if (decoded === undefined) return sendText(res, 404, 'Not found.');
    let file = path.resolve(root, `.${decoded}`);
    if (file !== root && !file.startsWith(root + path.sep)) return sendText(res, 404, 'Not found.');
    // A client-side route (#/… is the router; any unknown path gets the app).
    if (!existsSync(file) || statSync(file).isDirectory()) file = path.join(root, 'index.html');
    if (!existsSync(file)) return sendText(res, 503, 'The UI is not built: run `npm run build:ui` (npm start does it).');
    const ext = path.extname(file);
    res.writeHead(200, {
      'Content-Type': MEDIA[ext] ?? 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': ext === '.html' ? 'no-store' : 'private, max-age=300',
    });
    createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/events' || !hostOk(req) || req.headers.origin === undefined || !origins().includes(req.headers.origin) || !tokenOk(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // The socket only listens: anything sent to it is ignored, never run.
      ws.on('message', () => undefined);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/`,
    launchUrl: `${base}/?token=${mint()}`,
    mintLaunchUrl: () => `${base}/?token=${mint()}`,
    token,
    port,
    close: async () => {
      runner.cancelAll();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      uploads.clear();
    },
  };
}

/** Where Vite puts the built renderer, relative to this file (source or compiled). */
export function rendererDist(): string {
  return path.join(packageRoot(), 'renderer', 'dist');
}

/** The binary a local IRI in a record points at (`…/files/<name>`), for the UI's `<img src>`. */
export const BINARY_PREFIX = `${LOCAL_ROOT}files/`;

/** A %-decoded path, or undefined for a broken escape. */
function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

function field(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
}

async function readJson(req: http.IncomingMessage, max: number): Promise<{ kind: 'ok'; value: unknown } | { kind: 'too-large' | 'invalid'; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even when too large (discarding), so that the client gets the answer rather than a reset.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size <= max) chunks.push(chunk);
  }
  if (size > max) return { kind: 'too-large', message: `the request is larger than ${max / 1024 / 1024} MB` };
  try {
    return { kind: 'ok', value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { kind: 'invalid', message: 'the request is not valid JSON' };
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(`${text}\n`);
}
