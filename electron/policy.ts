import path from 'node:path';
import type { BrowserWindowConstructorOptions, CustomScheme } from 'electron';
import { APP_CSP } from '../shared/api/index.js';

/**
 * The desktop shell's security policy as plain data and pure functions, so
 * that it can be unit-tested under Node (no Electron runtime exists on the
 * build machine). `main.ts` only wires these into Electron's hooks.
 *
 * The renderer is served from a custom scheme, `app://locker/`, not `file://`:
 * it gets an origin of its own (so `'self'` in the CSP means the app's files and
 * nothing else on disk), and "is this the app?" is one exact comparison.
 */
export const APP_SCHEME = 'app';
const APP_HOST = 'locker';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** Registered before `ready`: a standard, secure scheme (real origin, `fetch` works), no CSP bypass, no service workers. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true, bypassCSP: false, allowServiceWorkers: false, corsEnabled: false, stream: false },
};

/** What `ipc.ts` needs to know of the frame a message came from (Electron's `WebFrameMain` has these). */
export interface SenderFrame {
  readonly url: string;
  readonly parent: SenderFrame | null;
}

/** True only for a URL of the app itself: `app://locker/…`, no credentials, no port. */
export function isAppUrl(url: string): boolean {
  const u = parseUrl(url);
  // `URL.origin` is "null" for a non-special scheme under Node, so compare the parts.
  return u !== undefined && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

/** A message is trusted only from the top-level frame of a page of the app (not an iframe, not a page navigated elsewhere, not a frame already gone). */
export function isAppFrame(frame: SenderFrame | null): boolean {
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

/** Where a navigation may go: within the app only. */
export function mayNavigate(url: string): boolean {
  return isAppUrl(url);
}

const MAX_EXTERNAL_URL = 2048;

/**
 * The URL to hand to the OS browser (`shell.openExternal`), or undefined:
 * only http(s), no user:password@ (a classic disguise), a sane length. Never
 * `file:`, `javascript:`, custom protocol handlers (`ms-settings:`, `smb:`)…
 */
export function externalUrl(url: string): string | undefined {
  if (url.length > MAX_EXTERNAL_URL) return undefined;
  const u = parseUrl(url);
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) return undefined;
  if (u.username !== '' || u.password !== '' || u.hostname === '') return undefined;
  return u.href;
}

export type LinkDecision = { readonly kind: 'allow' } | { readonly kind: 'open-external'; readonly url: string } | { readonly kind: 'block' };

/** `will-navigate` / `will-redirect`: stay in the app, or send an http(s) link to the browser, or nothing. */
export function navigationDecision(url: string): LinkDecision {
  if (mayNavigate(url)) return { kind: 'allow' };
  const ext = externalUrl(url);
  return ext ? { kind: 'open-external', url: ext } : { kind: 'block' };
}

/** `setWindowOpenHandler`: the app never opens a window of its own; http(s) links go to the browser. */
export function windowOpenDecision(url: string): Exclude<LinkDecision, { kind: 'allow' }> {
  const ext = externalUrl(url);
  return ext ? { kind: 'open-external', url: ext } : { kind: 'block' };
}

/** The Content-Security-Policy of every response (the same as `locker serve`'s). */
export const CONTENT_SECURITY_POLICY = APP_CSP;

/** Response headers with the app's CSP in place of any the response had (whatever its spelling). */
export function withCsp(headers: Readonly<Record<string, string | readonly string[]>> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = typeof value === 'string' ? [value] : [...value];
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}

/**
 * `session.webRequest.onHeadersReceived`: a response of the app itself keeps the CSP its protocol handler gave it
 * (the app's CSP for its files, `default-src 'none'; sandbox` for a binary: stricter, not to be loosened); anything
 * else, or an app response without one, gets the app's CSP in place of its own.
 */
export function responseHeaders(url: string, headers: Readonly<Record<string, string | readonly string[]>> | undefined): Record<string, string[]> {
  const entries = Object.entries(headers ?? {});
  const own = entries.find(([name]) => name.toLowerCase() === 'content-security-policy')?.[1];
  if (!isAppUrl(url) || own === undefined || String(own).trim() === '') return withCsp(headers);
  return Object.fromEntries(entries.map(([name, value]) => [name, typeof value === 'string' ? [value] : [...value]]));
}

/** The main window: isolated, sandboxed, no Node, no `<webview>`; the preload is the only bridge. */
export function windowOptions(preload: string, opts: { readonly devTools: boolean }): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Locker',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: opts.devTools,
    },
  };
}

/**
 * Electron's own per-user folder (Chromium's cache and cookies, the window's place, which notices were shown):
 * `<appData>/Locker Shell`. Never Electron's default `<appData>/<name>`: on macOS and Windows that is the locker's own
 * folder (`Library/Application Support/Locker`, `%APPDATA%\Locker`; their file systems ignore case), and the
 * browser's files have no business among the person's records.
 */
export function shellDataFolder(appData: string): string {
  return path.join(appData, 'Locker Shell');
}

/** Where the compiled shell lives: `electron/dist/` (see electron/build.ts). */
export function shellPaths(mainDir: string): { readonly preload: string; readonly rendererRoot: string } {
  return { preload: path.join(mainDir, 'preload.cjs'), rendererRoot: path.resolve(mainDir, '..', '..', 'renderer', 'dist') };
}

export type AssetLookup = { readonly kind: 'file'; readonly path: string; readonly contentType: string } | { readonly kind: 'refused'; readonly status: 400 | 403 | 404 };

const MEDIA: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * Maps an `app://locker/…` request to a file of the built renderer, or refuses
 * it: another scheme or host (403), a path that is not clean (400: encoded
 * slashes or backslashes, NUL, `..` escaping the root), a file type the app
 * does not ship (404). `/` is `index.html`. Whether the file exists is the
 * caller's business.
 */
export function resolveAsset(requestUrl: string, root: string): AssetLookup {
  if (!isAppUrl(requestUrl)) return { kind: 'refused', status: 403 };
  const u = parseUrl(requestUrl);
  if (!u) return { kind: 'refused', status: 400 };
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return { kind: 'refused', status: 400 };
  }
  if (pathname.includes('\0') || pathname.includes('\\') || /%2f|%5c/i.test(u.pathname)) return { kind: 'refused', status: 400 };
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const file = path.resolve(root, relative);
  const inside = path.relative(path.resolve(root), file);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return { kind: 'refused', status: 400 };
  const contentType = MEDIA[path.extname(file).toLowerCase()];
  if (!contentType) return { kind: 'refused', status: 404 };
  return { kind: 'file', path: file, contentType };
}

/** Headers of an app file: its type, the CSP, no sniffing, no caching across builds. */
export function assetHeaders(contentType: string): Record<string, string> {
  return { 'Content-Type': contentType, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };
}

/** What the app's protocol handler answers: a status, headers, and a body (none for HEAD or a refusal). */
export interface AppResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | null;
}

/** Where the renderer finds a record's bytes (`binaryUrl` in renderer/src/api/client.ts): `./api/binary/<name>`, as `locker serve` serves them. */
const BINARY_PATH = '/api/binary/';
/** A binary's name in the store (the last segment of its `…/files/<name>` IRI): nothing that could be a path or markup. */
const BINARY_NAME = /^[A-Za-z0-9._-]{1,200}$/;
/** Media types of binaries that may be shown inline (images only); anything else is a download. */
const INLINE_IMAGES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);
/** The CSP of a binary: imported bytes are never run as a page, whatever they claim to be. */
export const BINARY_CSP = "default-src 'none'; sandbox";

/** What `binaryAnswer` needs of the store (`locker.store` has it). */
export interface BinarySource {
  getBinary(name: string): { readonly mediaType: string; readonly bytes: Uint8Array } | undefined;
}

/**
 * `app://locker/api/binary/<name>`: a binary of the locker, exactly as `locker
 * serve` answers `/api/binary/<name>`. Undefined when the URL is not of that
 * form (not the app, or another path); 404 for a name that is not clean or
 * not in the store; else 200 with the bytes: an image of a known type inline
 * with its type, anything else as `application/octet-stream` with
 * `Content-Disposition: attachment`; always `default-src 'none'; sandbox` and
 * `nosniff`. HEAD gets the headers without the body.
 */
export function binaryAnswer(requestUrl: string, method: 'GET' | 'HEAD', source: BinarySource): AppResponse | undefined {
  if (!isAppUrl(requestUrl)) return undefined;
  const u = parseUrl(requestUrl);
  if (!u?.pathname.startsWith(BINARY_PATH)) return undefined;
  const notFound: AppResponse = { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': BINARY_CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }, body: null };
  let name: string;
  try {
    name = decodeURIComponent(u.pathname.slice(BINARY_PATH.length));
  } catch {
    // A malformed %-escape names no binary.
    return notFound;
  }
  if (!BINARY_NAME.test(name)) return notFound;
  const b = source.getBinary(name);
  if (!b) return notFound;
  const inline = INLINE_IMAGES.has(b.mediaType);
  return {
    status: 200,
    headers: {
      'Content-Type': inline ? b.mediaType : 'application/octet-stream',
      'Content-Length': String(b.bytes.byteLength),
      ...(inline ? {} : { 'Content-Disposition': 'attachment' }),
      'Content-Security-Policy': BINARY_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=3600',
      'Cross-Origin-Resource-Policy': 'same-origin',
    },
    body: method === 'HEAD' ? null : b.bytes,
  };
}

/** What to tell the person when the locker can't be opened at start-up. */
export function startupProblem(opened: { readonly kind: 'error' | 'locked' | 'in-use'; readonly message: string }, home: string): { readonly title: string; readonly content: string } {
  switch (opened.kind) {
    case 'locked':
      return { title: 'Locker is locked', content: `Your locker in ${home} is encrypted and locked.\n\nUnlock it with \`locker unlock\` in a terminal, then start Locker again.\n\n(${opened.message})` };
    case 'in-use':
      return { title: 'Locker is in use', content: `Another Locker program has your locker in ${home} open (a running \`locker sync --watch\`, or an encryption in progress).\n\nClose it and start Locker again.\n\n(${opened.message})` };
    case 'error':
      return { title: 'Locker could not open your data', content: `Your locker in ${home} could not be opened:\n\n${opened.message}` };
  }
}

function parseUrl(url: string): URL | undefined {
  return URL.canParse(url) ? new URL(url) : undefined;
}
