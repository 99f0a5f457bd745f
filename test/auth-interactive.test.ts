/**
 * Interactive login against the run's real Community Solid Server, with
 * Chromium (driven by Playwright) standing in for the user's browser.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSystemBrowser } from '../shared/auth/browser.js';
import { secretKey } from '../shared/auth/connection.js';
import { loginInteractive, loginWithRefreshToken, type InteractiveLoginResult } from '../shared/auth/interactive.js';
import { PlainFileVault } from '../shared/auth/vault.js';
import type { CssAccount } from '../shared/localpod/index.js';
import { newAccount } from './helpers/pod.js';
import { BIN, locker } from './helpers/cli.js';
import { FIXTURES } from './helpers/home.js';
import { BROWSER_ARGS as CHROMIUM_ARGS, requireBrowser } from '../e2e/browser.js';

const chromiumPath = requireBrowser('auth-interactive');

const tmpHomes: string[] = [];
function tmpHome(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'locker-interactive-'));
  tmpHomes.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of tmpHomes) rmSync(d, { recursive: true, force: true });
});

/** True when nothing listens on the URL's port any more. */
function portClosed(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port), u.hostname);
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

function closedPortUrl(): Promise<string> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(`http://127.0.0.1:${port}/`));
    });
  });
}

/** Records every Authorization header sent through global fetch (the library's authenticated fetch uses it). */
function captureAuthorization(): { readonly seen: Set<string>; restore(): void } {
  const original = globalThis.fetch;
  const seen = new Set<string>();
  globalThis.fetch = (input, init) => {
    const h = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get('authorization');
    if (h) seen.add(h.replace(/^(DPoP|Bearer)\s+/i, ''));
    return original(input, init);
  };
  return { seen, restore: () => (globalThis.fetch = original) };
}

function readVaultFile(home: string): { raw: string; entries: Record<string, string> } {
  const raw = readFileSync(path.join(home, 'secrets.json'), 'utf8');
  return { raw, entries: JSON.parse(raw) as Record<string, string> };
}

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/;

/** What the user does on CSS's pages: log in with email and password, then authorize (or cancel) on the consent page. */
async function signIn(page: Page, url: string, account: CssAccount, action: 'authorize' | 'cancel'): Promise<void> {
  await page.goto(url);
  await page.fill('#email', account.email);
  await page.fill('#password', account.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('#authorize:enabled', { timeout: 15_000 });
  await page.click(action === 'authorize' ? '#authorize' : '#cancel');
}

/** The page the loopback server answered with, once the browser got there. */
async function landingText(page: Page): Promise<string> {
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback/, { timeout: 15_000 });
  return page.innerText('body');
}

describe.skipIf(!chromiumPath)('interactive login through the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
    const context: BrowserContext = await browser.newContext();
    try {
      return await fn(await context.newPage());
    } finally {
      await context.close();
    }
  }

  it('logs in, uses the pod, keeps only the refresh token, and a later login from the vault needs no browser', async () => {
    const account = await newAccount('wac');
    const home = tmpHome();
    const vault = new PlainFileVault(home);
    const key = secretKey({ issuer: account.issuer, method: 'interactive', webId: account.webId });
    const resource = `${account.podUrl}private/interactive.ttl`;
    const capture = captureAuthorization();
    try {
      let redirectUri = '';
      const stray: number[] = [];
      const { result, landed } = await withPage(async (page) => {
        const result = await loginInteractive({
          // Spelled without the trailing slash: the session reports the issuer's own spelling.
          issuer: account.issuer.replace(/\/$/, ''),
          vault,
          clientName: 'Locker test',
          timeoutMs: 45_000,
          openBrowser: async (url) => {
            redirectUri = new URL(url).searchParams.get('redirect_uri') ?? '';
            // A forged answer and a stray request do not end the login.
            stray.push((await fetch(`${redirectUri}?code=forged&state=forged`)).status);
            stray.push((await fetch(new URL('/favicon.ico', redirectUri))).status);
            await signIn(page, url, account, 'authorize');
          },
        });
        return { result, landed: await landingText(page) };
      });
      expect(result.kind, result.kind === 'error' ? result.message : '').toBe('ok');
      if (result.kind !== 'ok') return;
      const s = result.session;
      try {
        expect(new URL(redirectUri).hostname).toBe('127.0.0.1');
        expect(stray).toEqual([400, 404]);
        expect(await portClosed(redirectUri)).toBe(true);
        expect(landed).toContain('You can close this window');
        expect(landed).toContain(account.webId);

        expect(s.webId).toBe(account.webId);
        expect(s.issuer).toBe(account.issuer);
        expect(s.expiresAt()).toBeGreaterThan(Date.now());
        const put = await s.fetch(resource, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: '<#a> <#b> "interactive".' });
        expect(put.status).toBe(201);
        expect((await fetch(resource)).status).toBe(401);
        const got = await s.fetch(resource);
        expect(got.status).toBe(200);
        expect(await got.text()).toContain('interactive');
      } finally {
        await s.close();
      }

      // The vault: one entry, under the connection's key, holding a refresh token and no access or ID token.
      const afterLogin = readVaultFile(home);
      expect(Object.keys(afterLogin.entries)).toEqual([key]);
      expect(afterLogin.raw).not.toMatch(JWT);
      expect(capture.seen.size).toBeGreaterThan(0);
      for (const token of capture.seen) expect(afterLogin.raw).not.toContain(token);
      const stored = JSON.parse(afterLogin.entries[key] ?? '{}') as { refreshToken?: unknown };
      expect(typeof stored.refreshToken).toBe('string');

      // A later process: a new vault object on the same home, a fresh library session, no browser.
      let clock = Date.now();
      const later = await loginWithRefreshToken({ issuer: account.issuer, webId: account.webId, vault: new PlainFileVault(home), now: () => clock });
      expect(later.kind, later.kind !== 'ok' ? later.message : '').toBe('ok');
      if (later.kind !== 'ok') return;
      const s2 = later.session;
      try {
        expect(s2.webId).toBe(account.webId);
        expect((await s2.fetch(resource)).status).toBe(200);
        // Near expiry the next request renews the access token first.
        const first = s2.expiresAt() ?? 0;
        await new Promise((r) => setTimeout(r, 1100));
        clock = first - 30_000;
        expect((await s2.fetch(resource)).status).toBe(200);
        expect(s2.expiresAt()).toBeGreaterThan(first);
      } finally {
        await s2.close();
      }
      const afterRefresh = readVaultFile(home);
      expect(Object.keys(afterRefresh.entries)).toEqual([key]);
      expect(afterRefresh.raw).not.toMatch(JWT);
      for (const token of capture.seen) expect(afterRefresh.raw).not.toContain(token);

      // A refused refresh token means "log in again", and the message does not echo it.
      const bogus = 'bogus-refresh-token-0123456789';
      const tampered = new PlainFileVault(tmpHome());
      await tampered.set(key, JSON.stringify({ ...JSON.parse(afterRefresh.entries[key] ?? '{}'), refreshToken: bogus }));
      const refused = await loginWithRefreshToken({ issuer: account.issuer, webId: account.webId, vault: tampered });
      expect(refused.kind).toBe('needs-login');
      if (refused.kind !== 'ok') expect(refused.message).not.toContain(bogus);

      // An unreachable issuer is a transient error, not a reason to throw the login away.
      const dead = await closedPortUrl();
      const deadVault = new PlainFileVault(tmpHome());
      await deadVault.set(secretKey({ issuer: dead, method: 'interactive', webId: account.webId }), afterRefresh.entries[key] ?? '');
      const unreachable = await loginWithRefreshToken({ issuer: dead, webId: account.webId, vault: deadVault });
      expect(unreachable.kind).toBe('error');
    } finally {
      capture.restore();
    }
  });

  it('cancelling on the consent page is a "denied" error, and nothing is stored', async () => {
    const account = await newAccount('wac');
    const home = tmpHome();
    let redirectUri = '';
    const { result, landed } = await withPage(async (page) => {
      const result = await loginInteractive({
        issuer: account.issuer,
        vault: new PlainFileVault(home),
        timeoutMs: 45_000,
        openBrowser: async (url) => {
          redirectUri = new URL(url).searchParams.get('redirect_uri') ?? '';
          await signIn(page, url, account, 'cancel');
        },
      });
      return { result, landed: await landingText(page) };
    });
    expect(result).toMatchObject({ kind: 'error', reason: 'denied' });
    expect(landed).toContain('You can close this window');
    expect(await portClosed(redirectUri)).toBe(true);
    expect(existsSync(path.join(home, 'secrets.json'))).toBe(false);
  });

  it('a wrong password never reaches the redirect: the login times out instead of hanging', async () => {
    const account = await newAccount('wac');
    let redirectUri = '';
    let shownError = '';
    const started = Date.now();
    const result = await withPage((page) =>
      loginInteractive({
        issuer: account.issuer,
        vault: new PlainFileVault(tmpHome()),
        timeoutMs: 4000,
        openBrowser: async (url) => {
          redirectUri = new URL(url).searchParams.get('redirect_uri') ?? '';
          await page.goto(url);
          await page.fill('#email', account.email);
          await page.fill('#password', 'not-the-password');
          await page.click('button[type=submit]');
          await page.locator('#error', { hasText: /\S/ }).waitFor({ timeout: 3500 });
          shownError = (await page.textContent('#error')) ?? '';
        },
      }),
    );
    expect(result).toMatchObject({ kind: 'error', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(shownError).not.toBe('');
    expect(await portClosed(redirectUri)).toBe(true);
  });

  it('an error answer from the issuer is reported, and what it says is escaped on the page', async () => {
    const account = await newAccount('wac');
    const { result, html } = await withPage(async (page) => {
      const result = await loginInteractive({
        issuer: account.issuer,
        vault: new PlainFileVault(tmpHome()),
        timeoutMs: 20_000,
        openBrowser: async (url) => {
          const u = new URL(url);
          const answer = new URL(u.searchParams.get('redirect_uri') ?? '');
          answer.searchParams.set('state', u.searchParams.get('state') ?? '');
          answer.searchParams.set('error', 'server_error');
          answer.searchParams.set('error_description', '<img src=x onerror="document.title=1">\u001b[2J');
          await page.goto(answer.href);
        },
      });
      await landingText(page);
      return { result, html: await page.content() };
    });
    expect(result).toMatchObject({ kind: 'error', reason: 'failed' });
    if (result.kind === 'error') {
      expect(result.message).toContain('server_error');
      // no terminal control characters from the answer reach the message the CLI prints
      expect(result.message).not.toContain('\u001b');
    }
    expect(html).toContain('&lt;img src=x');
    expect(html).not.toContain('<img');
  });
});

describe('interactive login without a browser round trip', () => {
  it('an unreachable issuer is reported before any browser is opened', async () => {
    let opened = 0;
    const r = await loginInteractive({ issuer: await closedPortUrl(), vault: new PlainFileVault(tmpHome()), openBrowser: () => void opened++ });
    expect(r).toMatchObject({ kind: 'error', reason: 'unreachable' });
    expect(opened).toBe(0);
  });

  it('a server that is not an OpenID issuer is reported as such', async () => {
    const account = await newAccount('wac');
    const r = await loginInteractive({ issuer: `${account.podUrl}nothing/`, vault: new PlainFileVault(tmpHome()), openBrowser: () => undefined });
    expect(r).toMatchObject({ kind: 'error', reason: 'unreachable' });
  });

  it('cancelling while waiting for the browser ends the login and closes the redirect server', async () => {
    const account = await newAccount('wac');
    const ctl = new AbortController();
    let redirectUri = '';
    const r: InteractiveLoginResult = await loginInteractive({
      issuer: account.issuer,
      vault: new PlainFileVault(tmpHome()),
      signal: ctl.signal,
      openBrowser: (url) => {
        redirectUri = new URL(url).searchParams.get('redirect_uri') ?? '';
        setTimeout(() => ctl.abort(), 50);
      },
    });
    expect(r).toMatchObject({ kind: 'error', reason: 'cancelled' });
    expect(await portClosed(redirectUri)).toBe(true);
  });

  it('a failing openBrowser is an error value, not an exception', async () => {
    const account = await newAccount('wac');
    const r = await loginInteractive({
      issuer: account.issuer,
      vault: new PlainFileVault(tmpHome()),
      openBrowser: () => {
        throw new Error('no display');
      },
    });
    expect(r).toMatchObject({ kind: 'error', reason: 'browser' });
  });

  it('with nothing in the vault, resuming says to log in again', async () => {
    const r = await loginWithRefreshToken({ issuer: 'http://localhost:1/', webId: 'http://localhost:1/me#i', vault: new PlainFileVault(tmpHome()) });
    expect(r.kind).toBe('needs-login');
  });
});

describe('openSystemBrowser', () => {
  const url = 'http://localhost:3000/.oidc/auth?client_id=a&scope=openid%20webid&state=x&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcallback';

  /** A fake `xdg-open` alone on PATH; `$DIR` in the script is its folder. */
  function fakeOpener(script: string): string {
    const dir = tmpHome();
    const file = path.join(dir, 'xdg-open');
    writeFileSync(file, `#!/bin/sh\nDIR='${dir}'\n${script}\n`);
    chmodSync(file, 0o755);
    return dir;
  }

  it('passes the URL untouched to xdg-open in a graphical session', async () => {
    const dir = fakeOpener('printf "%s" "$1" > "$DIR/arg"');
    const r = await openSystemBrowser(url, { platform: 'linux', env: { PATH: dir, DISPLAY: ':0' } });
    expect(r).toEqual({ kind: 'opened', command: 'xdg-open' });
    expect(readFileSync(path.join(dir, 'arg'), 'utf8')).toBe(url);
  });

  it('says so, without throwing, when there is no browser', async () => {
    expect(await openSystemBrowser(url, { platform: 'linux', env: { PATH: tmpHome() } })).toMatchObject({ kind: 'unavailable' });
    expect(await openSystemBrowser(url, { platform: 'linux', env: { PATH: tmpHome(), DISPLAY: ':0' } })).toMatchObject({ kind: 'unavailable', message: 'xdg-open is not installed' });
    const failing = fakeOpener('exit 3');
    expect(await openSystemBrowser(url, { platform: 'linux', env: { PATH: failing, DISPLAY: ':0' } })).toMatchObject({ kind: 'unavailable' });
    expect(await openSystemBrowser('javascript:alert(1)', { platform: 'linux', env: { DISPLAY: ':0' } })).toMatchObject({ kind: 'unavailable' });
  });
});

describe.skipIf(!chromiumPath)('locker pod connect --interactive (the CLI)', () => {
  it('prints the login address, finishes after the browser login, and later syncs with the stored refresh token', async () => {
    const account = await newAccount('wac');
    const home = tmpHome();
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCKER_') && !k.startsWith('VITEST') && k !== 'DISPLAY' && k !== 'WAYLAND_DISPLAY' && k !== 'BROWSER'));
    const child = spawn(process.execPath, [BIN, '--home', home, 'pod', 'connect', '--issuer', account.issuer, '--interactive'], { env: { ...env, LOCKER_VAULT: 'plain' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((res) => child.once('exit', res));
    const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
    try {
      const deadline = Date.now() + 30_000;
      let url: string | undefined;
      while (!url && Date.now() < deadline) {
        url = /visit:\n\s+(\S+)/.exec(err)?.[1];
        if (!url) await new Promise((r) => setTimeout(r, 100));
      }
      if (!url) throw new Error(`no login address printed: ${err}`);
      const page = await (await browser.newContext()).newPage();
      await signIn(page, url, account, 'authorize');
      await landingText(page);
      expect(await exited).toBe(0);
    } finally {
      await browser.close();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(out).toContain(account.webId);
    expect(JSON.parse(readFileSync(path.join(home, 'pod.json'), 'utf8'))).toMatchObject({ method: 'interactive', webId: account.webId });
    // A later process: no browser, the stored refresh token logs in.
    const imported = await locker(home, 'import', path.join(FIXTURES, 'calendar.ics'));
    expect(imported.code).toBe(0);
    const synced = await locker(home, 'sync', '--json');
    expect(synced.stderr).toBe('');
    expect(JSON.parse(synced.stdout)).toMatchObject({ pushed: 6, conflicts: 0 });
  });
});
