import path from 'node:path';
import type { BrowserWindowConstructorOptions, CustomScheme } from 'electron';

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
export const APP_HOST = 'locker';
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

/** The Content-Security-Policy of every response: the app's own files only, no inline script or style, no plugins, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

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
