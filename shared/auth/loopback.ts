import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The one-shot redirect target of an interactive login (RFC 8252 §7.3): an
 * HTTP server on the loopback address only, on a random port, that waits for
 * the authorization server to send the browser back with `code` or `error`.
 * Requests without the expected `state` are answered 400 and ignored, so a
 * stray or forged request cannot end the login.
 */

export interface ReplyPage {
  readonly heading: string;
  readonly text: string;
  readonly status?: number;
}

export type Callback =
  | { readonly kind: 'code'; readonly url: string; reply(page: ReplyPage): void }
  | { readonly kind: 'error'; readonly error: string; readonly description: string | undefined; reply(page: ReplyPage): void }
  | { readonly kind: 'aborted' };

export interface LoopbackRedirect {
  /** `http://127.0.0.1:<port>/callback`: register this as the redirect URI. */
  readonly redirectUrl: string;
  /** The first request to the callback path that carries `state`, or `aborted` when `signal` fires first. */
  waitForCallback(state: string, signal: AbortSignal): Promise<Callback>;
  /** Stops listening and drops open connections (answer any pending callback first). */
  close(): Promise<void>;
}

export type LoopbackResult = { readonly kind: 'ok'; readonly server: LoopbackRedirect } | { readonly kind: 'error'; readonly message: string };

const CALLBACK_PATH = '/callback';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(p: ReplyPage): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Locker</title></head><body>',
    `<h1>${escapeHtml(p.heading)}</h1>`,
    `<p>${escapeHtml(p.text)}</p>`,
    '<p>You can close this window.</p>',
    '</body></html>',
    '',
  ].join('\n');
}

function answer(res: http.ServerResponse, p: ReplyPage): void {
  if (res.headersSent || res.writableEnded) return;
  const body = page(p);
  res.writeHead(p.status ?? 200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    connection: 'close',
  });
  res.end(body);
}

interface Pending {
  readonly state: string;
  readonly resolve: (cb: Callback) => void;
}

/** Starts the redirect server on 127.0.0.1 with a port chosen by the OS. */
export function startLoopbackRedirect(): Promise<LoopbackResult> {
  let pending: Pending | undefined;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      answer(res, { status: 404, heading: 'Not found', text: 'This address only receives the answer of a Locker login.' });
      return;
    }
    const state = url.searchParams.get('state');
    const waiting = pending;
    if (!waiting || state !== waiting.state) {
      answer(res, { status: 400, heading: 'Unexpected request', text: 'This does not answer the login Locker is waiting for.' });
      return;
    }
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    if (error === null && code === null) {
      answer(res, { status: 400, heading: 'Unexpected request', text: 'The answer carries neither a code nor an error.' });
      return;
    }
    pending = undefined;
    const reply = (p: ReplyPage) => answer(res, p);
    const address = server.address() as AddressInfo;
    waiting.resolve(
      error !== null
        ? { kind: 'error', error, description: url.searchParams.get('error_description') ?? undefined, reply }
        : { kind: 'code', url: `http://127.0.0.1:${address.port}${req.url ?? ''}`, reply },
    );
  });
  // Nothing but the browser's one request is expected: do not let idle sockets linger.
  server.keepAliveTimeout = 1000;

  const close = (): Promise<void> =>
    new Promise((resolve) => {
      pending?.resolve({ kind: 'aborted' });
      pending = undefined;
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const waitForCallback = (state: string, signal: AbortSignal): Promise<Callback> =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve({ kind: 'aborted' });
      const onAbort = () => {
        if (pending?.state === state) pending = undefined;
        resolve({ kind: 'aborted' });
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pending = {
        state,
        resolve: (cb) => {
          signal.removeEventListener('abort', onAbort);
          resolve(cb);
        },
      };
    });

  return new Promise((resolve) => {
    server.once('error', (e) => resolve({ kind: 'error', message: `cannot listen on the loopback address for the login answer: ${e.message}` }));
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ kind: 'ok', server: { redirectUrl: `http://127.0.0.1:${port}${CALLBACK_PATH}`, waitForCallback, close } });
    });
  });
}
