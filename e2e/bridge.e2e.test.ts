// Transport 2 of DESIGN.md's "One API, three transports": the built renderer in Chromium with `window.locker`
// (the LockerBridge the Electron preload exposes) carried by Playwright instead of Electron's IPC, into the SAME
// handler table the Electron main process uses (`createIpcHandlers` of electron/ipc.ts, with `isAppFrame` of
// electron/policy.ts deciding who is the app), against a real locker. No `locker serve`, no HTTP API: the page's
// files and photos are answered by `answerAppRequest` of electron/protocol.ts, the function behind Electron's
// `app://locker/` protocol handler. No Electron runtime can run here; this is the closest the suite gets to it.
//
// Where the page comes from: not `file://`. Vite emits `<script type="module" crossorigin>`, and Chromium refuses
// module scripts from file:// (origin "null") unless started with --allow-file-access-from-files, which would open
// every file on disk to the page; `./api/binary/<name>` would resolve to a file beside index.html that does not
// exist; and Playwright cannot intercept file:// requests. Instead every request of the browser context goes through
// `context.route()`: `https://locker.test/…` (a reserved name that never resolves; nothing leaves the machine) stands
// for `app://locker/…` (a custom scheme Chromium cannot be given without Electron) and is answered exactly as
// Electron answers the app's URLs, CSP included. Anything else is refused and recorded as a problem.
//
// How window.locker is carried: `context.addInitScript` defines it before the app's script runs (the preload runs
// then too), and its three functions go to `context.exposeBinding` (exposeFunction plus the calling frame), so the
// trust check sees the real frame that called: its URL, with https://locker.test/ read as app://locker/, and its
// parent. Events go back with `page.evaluate`, to the calling page only, as `webContents.send` does.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Frame, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIpcHandlers, type IpcHandlers, type IpcSenderEvent, type SenderContents } from '../electron/ipc.js';
import { APP_ORIGIN, isAppFrame, type SenderFrame } from '../electron/policy.js';
import { answerAppRequest } from '../electron/protocol.js';
import { createHandlers, IPC_CHANNELS, type CallResult, type Locker, type LockerBridge, type TaggedEvent } from '../shared/api/index.js';
import { openTemp } from '../test/helpers/home.js';
import { requireBrowser, BROWSER_ARGS, RENDERER_DIST, rendererBuilt } from './browser.js';
import './matchers.js';
import { writeSamples } from './samples.js';

/** Stands for `app://locker` in the browser (see above). `.test` is reserved (RFC 6761): it never resolves. */
const ORIGIN = 'https://locker.test';
/** Another site, in the same browser. */
const ELSEWHERE = 'https://elsewhere.test';
const EVENT = 'locker-bridge-event';

const exe = requireBrowser('e2e (bridge)');

/** A URL of the stand-in origin as the app URL it stands for; any other URL as it is. */
function asAppUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const u = new URL(url);
  return u.origin === ORIGIN ? `${APP_ORIGIN}${u.pathname}${u.search}${u.hash}` : url;
}

/** The calling frame as Electron's `senderFrame` has it: its URL and its parent (null at the top); null when it is gone. */
function senderFrameOf(frame: Frame): SenderFrame | null {
  if (frame.isDetached()) return null;
  const parent = frame.parentFrame();
  return { url: asAppUrl(frame.url()), parent: parent ? senderFrameOf(parent) : null };
}

/** What a window's `call` gets, as the preload's `toCallResult` maps it: a refusal is an error. */
function toCallResult(answer: Awaited<ReturnType<IpcHandlers['call']>>): CallResult {
  return answer.kind === 'refused' ? { kind: 'error', message: answer.message } : answer;
}

/** What the test reads of a page's window (renderer/src/api/client.ts declares `locker` for the app itself). */
interface PageSide {
  locker?: LockerBridge;
  __events?: TaggedEvent[];
  __csp?: string[];
}

describe.skipIf(!exe)('the built renderer over the Electron IPC handler table (window.locker, no locker serve)', { timeout: 120_000 }, () => {
  let locker: Locker;
  let cleanupLocker: () => void;
  let dir: string;
  let ipc: IpcHandlers;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const logs: string[] = [];
  const problems: string[] = [];
  /** Paths the app asked the stand-in origin for. */
  const requested: string[] = [];
  const senders = new Map<Page, SenderContents>();

  const goto = async (route: string) => {
    await page.goto(`${ORIGIN}/index.html#/${route}`);
    await page.locator('#page-title').waitFor();
  };
  const idOf = (q: string): string => {
    const id = locker.search(q)[0]?.id;
    if (!id) throw new Error(`no record matches ${q}`);
    return id;
  };

  /** One `webContents` per page: events are sent to it alone; it is destroyed when the page closes. */
  const contentsOf = (p: Page): SenderContents => {
    const known = senders.get(p);
    if (known) return known;
    const contents: SenderContents = {
      id: senders.size + 1,
      send(channel, ...args) {
        if (channel !== IPC_CHANNELS.event) {
          problems.push(`send on ${channel}`);
          return;
        }
        p.evaluate(([name, e]) => window.dispatchEvent(new CustomEvent(name, { detail: e })), [EVENT, args[0]] as const).catch((e: unknown) => problems.push(`event not delivered: ${e instanceof Error ? e.message : String(e)}`));
      },
      isDestroyed: () => p.isClosed(),
      once: (_event, listener) => p.once('close', listener),
    };
    senders.set(p, contents);
    return contents;
  };
  const eventOf = (source: { page: Page; frame: Frame }): IpcSenderEvent => ({ sender: contentsOf(source.page), senderFrame: senderFrameOf(source.frame) });

  beforeAll(async () => {
    rendererBuilt();
    ({ locker, cleanup: cleanupLocker } = openTemp());
    dir = mkdtempSync(path.join(os.tmpdir(), 'locker-bridge-e2e-'));
    const summary = await locker.importFiles(await writeSamples(path.join(dir, 'samples')));
    expect(summary.errors).toEqual([]);
    ipc = createIpcHandlers({ api: createHandlers(locker), isTrustedFrame: isAppFrame, log: (line) => logs.push(line) });

    browser = await chromium.launch({ executablePath: exe, args: BROWSER_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.route('**/*', async (route) => {
      const req = route.request();
      const url = new URL(req.url());
      try {
        if (url.origin === ORIGIN) {
          requested.push(url.pathname);
          const answer = await answerAppRequest({ url: asAppUrl(req.url()), method: req.method() }, { rendererRoot: RENDERER_DIST, binaries: locker.store, log: (line) => logs.push(line) });
          await route.fulfill({ status: answer.status, headers: { ...answer.headers }, body: answer.body ? Buffer.from(answer.body) : '' });
        } else if (url.origin === ELSEWHERE) {
          await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>Elsewhere</title><p>Another site.</p>' });
        } else {
          problems.push(`a request left the app: ${req.url()}`);
          await route.abort('blockedbyclient');
        }
      } catch (e) {
        problems.push(`could not answer ${req.url()}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    await context.exposeBinding('__lockerCall', async (source, ...args: unknown[]) => toCallResult(await ipc.call(eventOf(source), ...args)));
    await context.exposeBinding('__lockerCancel', async (source, ...args: unknown[]) => ipc.cancel(eventOf(source), ...args));
    await context.exposeBinding('__lockerPicked', (source, ...args: unknown[]) => void ipc.picked(eventOf(source), ...args));
    // What the preload does, in every frame before any of its scripts: window.locker, exactly a LockerBridge.
    await context.addInitScript(({ eventName, dropDir }) => {
      const w = window as unknown as { __lockerCall: (...a: unknown[]) => Promise<unknown>; __lockerCancel: (id: string) => Promise<unknown>; __lockerPicked: (p: string) => Promise<void>; __csp?: string[] };
      const listeners = new Set<(e: unknown) => void>();
      window.addEventListener(eventName, (e) => {
        const detail: unknown = (e as CustomEvent<unknown>).detail;
        for (const l of listeners) l(detail);
      });
      const bridge = {
        call: (op: string, payload: unknown, callId?: string) => (callId === undefined ? w.__lockerCall(op, payload) : w.__lockerCall(op, payload, callId)),
        cancel: async (callId: string) => {
          await w.__lockerCancel(callId);
        },
        onEvent: (listener: (e: unknown) => void) => {
          listeners.add(listener);
          return () => {
            listeners.delete(listener);
          };
        },
      };
      // The preload's pathForFile (webUtils.getPathForFile): a picked file's place on disk, here the test's drop folder;
      // main is told of it on the `picked` channel before the page can ask to import it (import.start takes only those).
      Object.assign(bridge, {
        pathForFile: (f: File) => {
          const p = `${dropDir}/${f.name}`;
          void w.__lockerPicked(p);
          return p;
        },
      });
      Object.defineProperty(window, 'locker', { value: Object.freeze(bridge), enumerable: true });
      document.addEventListener('securitypolicyviolation', (e) => (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`));
    }, { eventName: EVENT, dropDir: path.join(dir, 'drop') });

    page = await context.newPage();
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
  }, 120_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const shot = path.join(os.tmpdir(), `locker-bridge-e2e-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await page.screenshot({ path: shot });
    console.warn(`e2e (bridge): screen at the failure: ${shot}`);
  });

  afterAll(async () => {
    await browser?.close();
    if (ipc) {
      ipc.releaseAll();
      await ipc.idle();
    }
    cleanupLocker?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads the built app from its origin, with window.locker and no HTTP API', async () => {
    await goto('home');
    await expect(page.locator('h1')).toHaveText('Your locker');
    expect(await page.evaluate(() => Object.keys((window as unknown as PageSide).locker ?? {}).sort())).toEqual(['call', 'cancel', 'onEvent', 'pathForFile']);
    // Everything the page asked its origin for is a file of the build (or a binary): no /api/call, no /api/events.
    expect(requested.filter((p) => p.startsWith('/api/') && !p.startsWith('/api/binary/'))).toEqual([]);
    expect(requested).toContain('/index.html');
  });

  it('shows on the home view how many records of each kind the locker has', async () => {
    await goto('home');
    const counts = Object.entries(locker.store.counts()).map(([type, n]) => [type, n ?? 0] as const);
    const total = counts.reduce((a, [, n]) => a + n, 0);
    expect(total).toBeGreaterThan(200);
    await expect(page.locator('p.lead')).toContainText(`${total.toLocaleString('en-US')} records, kept on this computer`);
    for (const [type, n] of counts) await expect(page.locator(`.tiles a.tile[href="#/type/${type}"] .tile-n`)).toHaveText(n.toLocaleString('en-US'));
    await expect(page.locator('.tiles a.tile[href="#/type/note"] .tile-n')).toHaveText('0');
    await expect(page.locator('nav.side a[href="#/type/contact"] .count')).toHaveText(String(locker.store.counts().contact ?? '?'));
  });

  it('lists everything on the timeline, newest first', async () => {
    await goto('timeline');
    const newest = locker.list({ limit: 2 });
    await expect(page.locator('.virtual-row[data-index="0"] .row-title')).toHaveText(newest[0]?.title ?? '?');
    await expect(page.locator('.virtual-row[data-index="1"] .row-title')).toHaveText(newest[1]?.title ?? '?');
    await page.locator('.virtual-row[data-index="0"] a.row').click();
    await expect(page.locator('h1')).toHaveText(newest[0]?.title ?? '?');
    expect(page.url()).toBe(`${ORIGIN}/index.html#/record/${newest[0]?.id ?? ''}`);
  });

  it('finds as you type in the search box', async () => {
    await goto('home');
    await page.locator('#q').click();
    await page.locator('#q').pressSequentially('zür', { delay: 30 });
    const expected = locker.search('zür', { limit: 100 });
    expect(expected.length).toBeGreaterThan(0);
    await expect(page.getByTestId('search-status')).toHaveText(`${expected.length} result${expected.length === 1 ? '' : 's'} for “zür”`);
    const rows = page.locator('ul.rows[aria-label="Search results"] .row-title');
    await expect(rows).toHaveCount(expected.length);
    expect(await rows.allInnerTexts()).toEqual(expected.map((r) => r.title));
    expect(new URL(page.url()).hash).toBe('#/search?q=z%C3%BCr');
  });

  it('shows the photos from the locker’s own store, as the protocol handler serves them', async () => {
    await goto('type/photo');
    const thumbs = page.locator('.photo-grid img');
    const photos = locker.store.counts().photo ?? 0;
    expect(photos).toBeGreaterThan(0);
    await expect(thumbs).toHaveCount(photos);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.photo-grid img')].every((i) => i.complete && i.naturalWidth > 0), undefined, { timeout: 15_000 });
    const srcs = await thumbs.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
    for (const s of srcs) expect(s).toMatch(/^https:\/\/locker\.test\/api\/binary\/[A-Za-z0-9._-]+$/);
    // The full picture on a photo's page: its real size, so its bytes came through whole.
    await page.locator('.photo-grid a').first().click();
    const full = page.locator('figure.photo-full img');
    await expect(full).toBeVisible();
    await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('figure.photo-full img')?.naturalWidth ?? 0) > 0);
    expect(await full.evaluate((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight])).toEqual([800, 600]);
  });

  it('saves an edit made through the form in the store', async () => {
    const id = idOf('Bartosz');
    await goto(`record/${id}`);
    await expect(page.locator('h1')).toHaveText('Bartosz Wójcik');
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Name *').fill('Bartosz Wójcik-Nowak');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('h1')).toHaveText('Bartosz Wójcik-Nowak');
    const shown = locker.show(id);
    expect(shown.kind === 'ok' && shown.json.title).toBe('Bartosz Wójcik-Nowak');
  });

  it('sends a call’s events to the page that made it', async () => {
    mkdirSync(path.join(dir, 'drop'), { recursive: true });
    const vcf = path.join(dir, 'drop', 'eve.vcf');
    writeFileSync(vcf, 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Eve Bridge\r\nEMAIL:eve@example.org\r\nEND:VCARD\r\n');
    const other = await context.newPage();
    await other.goto(`${ORIGIN}/index.html#/home`);
    await other.locator('#page-title').waitFor();
    const listen = (p: Page) =>
      p.evaluate(() => {
        const w = window as unknown as PageSide;
        w.__events = [];
        (window as unknown as PageSide).locker?.onEvent((e) => w.__events?.push(e));
      });
    await Promise.all([listen(page), listen(other)]);
    // A path the page names without the person having picked it is refused; once picked (pathForFile), it is imported.
    const unpicked = await page.evaluate((file) => (window as unknown as PageSide).locker?.call('import.start', { paths: [file] }, 'bridge-import'), vcf);
    expect(unpicked).toMatchObject({ kind: 'error', message: expect.stringMatching(/only files you dropped or picked/) });
    const result = await page.evaluate(async () => {
      const locker = (window as unknown as PageSide).locker;
      const picked = locker?.pathForFile?.(new File([''], 'eve.vcf'));
      // The binding's message to main goes first, as the preload's ipcRenderer.send does before any later invoke.
      await new Promise((r) => setTimeout(r, 50));
      return picked === undefined ? undefined : locker?.call('import.start', { paths: [picked] }, 'bridge-import');
    });
    expect(result).toMatchObject({ kind: 'ok', value: { imported: 1, errors: [] } });
    await page.waitForFunction(() => ((window as unknown as PageSide).__events ?? []).some((e) => e.event.type === 'import.committed'));
    const got = await page.evaluate(() => (window as unknown as PageSide).__events ?? []);
    expect(got.every((e) => e.callId === 'bridge-import')).toBe(true);
    expect(got.map((e) => e.event.type)).toContain('import.progress');
    expect(await other.evaluate(() => (window as unknown as PageSide).__events)).toEqual([]);
    await other.close();
    await goto('type/contact');
    await expect(page.locator('.card', { hasText: 'Eve Bridge' })).toContainText('eve@example.org');
  });

  it('refuses a call from a frame that is not the app, and nothing runs', async () => {
    const id = idOf('Kenji');
    const before = locker.show(id);
    const save = ['records.save', { id, set: [{ name: 'fn', value: 'Mallory was here' }] }] as const;
    // Straight into the handler table, as Electron would hand it a message from these frames.
    const sender = contentsOf(page);
    const frames: Array<SenderFrame | null> = [
      { url: `${ELSEWHERE}/`, parent: null },
      { url: `${ORIGIN}/index.html`, parent: null }, // the stand-in origin itself is not the app to the handler table
      { url: `${APP_ORIGIN}/index.html`, parent: { url: `${ELSEWHERE}/`, parent: null } }, // the app framed by another site
      { url: 'app://locker.elsewhere.test/index.html', parent: null },
      null,
    ];
    for (const senderFrame of frames) expect(await ipc.call({ sender, senderFrame }, ...save), JSON.stringify(senderFrame)).toMatchObject({ kind: 'refused' });
    // From a page of another site in the same browser: its window.locker reaches the same table and is refused.
    const stranger = await context.newPage();
    await stranger.goto(`${ELSEWHERE}/`);
    expect(await stranger.evaluate(([op, payload]) => (window as unknown as PageSide).locker?.call(op, payload), save)).toEqual({ kind: 'error', message: 'refused: this frame is not the Locker app' });
    expect(await stranger.evaluate(() => (window as unknown as PageSide).locker?.call('records.list', {}))).toMatchObject({ kind: 'error' });
    await stranger.close();
    expect(locker.show(id)).toEqual(before);
    expect(logs.filter((l) => l.includes('refused a message on locker:call'))).toHaveLength(frames.length + 2);
    expect(logs.some((l) => l.includes(`a top-level frame at ${ELSEWHERE}`))).toBe(true);
    expect(logs.join('\n')).not.toContain('Mallory');
    // The app's own page is still answered.
    expect(await page.evaluate(() => (window as unknown as PageSide).locker?.call('records.get', { id: 'x'.repeat(3) }))).toMatchObject({ kind: 'bad-request' });
  });

  it('imports a picked file in place, by its path, through import.start', async () => {
    mkdirSync(path.join(dir, 'drop'), { recursive: true });
    const file = path.join(dir, 'drop', 'new-friend.vcf');
    writeFileSync(file, 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Oskar Lindqvist\r\nEMAIL:oskar@example.se\r\nEND:VCARD\r\n');
    await page.goto(`${ORIGIN}/index.html#/import`);
    await page.getByTestId('file-input').setInputFiles(file);
    await expect(page.getByTestId('import-summary')).toContainText('1 new', { timeout: 30_000 });
    expect(locker.search('Oskar').map((r) => r.title)).toEqual(['Oskar Lindqvist']);
  });

  it('logged no console errors, page errors or CSP violations, and nothing left the app', async () => {
    for (const route of ['home', 'timeline', 'type/contact', 'type/event', 'type/place', 'type/track', 'type/photo', 'type/purchase', 'type/health', 'duplicates', 'search?q=caf']) {
      await goto(route);
      await page.waitForTimeout(200);
    }
    expect(await page.evaluate(() => (window as unknown as PageSide).__csp ?? [])).toEqual([]);
    expect(problems).toEqual([]);
    expect(logs.filter((l) => !l.includes('refused a message on locker:call') && !l.includes('refused import.start of files'))).toEqual([]);
  });
});
