import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../cli/serve.js';
import { addonAbiProblem } from '../cli/start.js';
import { createHandlers, defaultHome, IPC_CHANNELS, type Locker, type LockerApi, type TaggedEvent } from '../shared/api/index.js';
import { createIpcHandlers, type IpcHandlers, type IpcSenderEvent } from '../electron/ipc.js';
import {
  APP_ENTRY,
  APP_ORIGIN,
  BINARY_CSP,
  binaryAnswer,
  CONTENT_SECURITY_POLICY,
  externalUrl,
  isAppFrame,
  isAppUrl,
  mayNavigate,
  navigationDecision,
  resolveAsset,
  responseHeaders,
  shellDataFolder,
  shellPaths,
  startupProblem,
  windowOpenDecision,
  windowOptions,
  withCsp,
  type AppResponse,
  type SenderFrame,
} from '../electron/policy.js';
import { answerAppRequest } from '../electron/protocol.js';
import { FIXTURES, openTemp, tempHome } from './helpers/home.js';
import { jpegWithExif, tinyJpeg } from './helpers/jpeg.js';

/**
 * The desktop shell without Electron (no runtime can be launched here): the
 * IPC handler table against a real locker, the security policy's pure
 * functions, and the preload script run the way a sandboxed renderer runs it
 * (one CommonJS script whose `require` knows only `electron`).
 */

const CALENDAR = path.join(FIXTURES, 'calendar.ics');

/** Undone last-first: a shell's calls end before its locker closes. */
let cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A webContents as ipc.ts sees it: records what is sent to it; `destroy()` closes it. */
class FakeContents extends EventEmitter {
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  private destroyed = false;
  constructor(readonly id: number) {
    super();
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('send to a destroyed webContents');
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
  events(): TaggedEvent[] {
    return this.sent.filter((s) => s.channel === IPC_CHANNELS.event).map((s) => s.args[0] as TaggedEvent);
  }
}

const topFrame = (url: string): SenderFrame => ({ url, parent: null });
const from = (sender: FakeContents, frame: SenderFrame | null = topFrame(APP_ENTRY)): IpcSenderEvent => ({ sender, senderFrame: frame });

/** The real handler table of a fresh locker, recording which operations actually ran. */
function realApi(): { api: LockerApi; ran: string[]; list: () => Promise<unknown> } {
  const t = openTemp();
  cleanups.push(t.cleanup);
  const real = createHandlers(t.locker);
  const ran: string[] = [];
  const api = Object.fromEntries(
    Object.entries(real).map(([op, handler]) => [
      op,
      (input: unknown, ctx: unknown) => {
        ran.push(op);
        return (handler as (i: unknown, c: unknown) => Promise<unknown>)(input, ctx);
      },
    ]),
  ) as unknown as LockerApi;
  return { api, ran, list: () => real['records.list']({}) };
}

/** The IPC table; `pickedOnly` is off unless asked for, so the tests of other things can import a fixture by path. */
function shell(api: LockerApi, pickedOnly = false): { ipc: IpcHandlers; logs: string[] } {
  const logs: string[] = [];
  const ipc = createIpcHandlers({ api, isTrustedFrame: isAppFrame, log: (line) => logs.push(line), pickedOnly });
  cleanups.push(async () => {
    ipc.releaseAll();
    await ipc.idle();
  });
  return { ipc, logs };
}

interface ImportValue {
  imported: number;
  errors: Array<{ file: string; message: string }>;
}

describe('IPC handler table (electron/ipc.ts) over a real locker', () => {
  it('answers the app window: records.list is ok, and an import shows up in it', async () => {
    const { api, ran } = realApi();
    const { ipc } = shell(api);
    const win = new FakeContents(1);
    expect(await ipc.call(from(win), 'records.list', {})).toEqual({ kind: 'ok', value: [] });
    const imported = await ipc.call(from(win), 'import.start', { paths: [CALENDAR] }, 'imp-1');
    expect(imported).toEqual({ kind: 'ok', value: { imported: 6, updated: 0, unchanged: 0, skipped: 0, duplicates: 0, seen: 6, errors: [], skippedItems: [] } });
    const listed = await ipc.call(from(win), 'records.list', { type: 'event' });
    expect(listed.kind === 'ok' && Array.isArray(listed.value) && listed.value.length).toBe(6);
    expect(ran).toEqual(['records.list', 'import.start', 'records.list']);
  });

  it('refuses every frame that is not the app, runs nothing, and logs without the payload', async () => {
    const { api, ran } = realApi();
    const { ipc, logs } = shell(api);
    const win = new FakeContents(7);
    const secret = 'PAYLOAD-SECRET-1234';
    const untrusted: Array<SenderFrame | null> = [
      { url: `${APP_ORIGIN}/index.html`, parent: topFrame(APP_ENTRY) }, // an iframe, even of the app's own origin
      topFrame('https://evil.example/index.html'),
      topFrame('file:///work/main/renderer/dist/index.html'),
      topFrame('app://evil/index.html'),
      topFrame('app://locker.evil.example/index.html'),
      topFrame('app://user:pass@locker/index.html'),
      topFrame('devtools://devtools/bundled/inspector.html'),
      topFrame('about:blank'),
      topFrame(''),
      null, // the frame navigated away or is gone
    ];
    for (const frame of untrusted) {
      expect(await ipc.call(from(win, frame), 'search', { text: secret }, 'c1')).toMatchObject({ kind: 'refused' });
      expect(await ipc.cancel(from(win, frame), 'c1')).toMatchObject({ kind: 'refused' });
    }
    expect(ran).toEqual([]);
    expect(win.sent).toEqual([]);
    expect(logs).toHaveLength(untrusted.length * 2);
    expect(logs.every((l) => /refused a message on locker:(call|cancel)/.test(l))).toBe(true);
    expect(logs.some((l) => l.includes('https://evil.example'))).toBe(true);
    expect(logs.join('\n')).not.toContain(secret);
    expect(logs.join('\n')).not.toContain('/index.html');
  });

  it('answers a bad message with bad-request, never reaching a handler', async () => {
    const { api, ran } = realApi();
    const { ipc } = shell(api);
    const ev = from(new FakeContents(2));
    const bad: unknown[][] = [
      ['records.list', { type: 'spaceship' }],
      ['records.list', { extra: 1 }],
      ['records.get', { id: '../../etc/passwd' }],
      ['constructor', {}],
      ['__proto__', {}],
      [42, {}],
      ['x'.repeat(65), {}],
      ['records list', {}],
      ['records.list', {}, '../call'],
      ['records.list', {}, 7],
      ['records.list', {}, 'c'.repeat(65)],
      ['records.list', {}, 'ok-id', 'one too many'],
      [],
    ];
    for (const args of bad) {
      const r = await ipc.call(ev, ...args);
      expect(r.kind, JSON.stringify(args)).toBe('bad-request');
    }
    for (const args of [[], ['../x'], [12], ['a', 'b']]) expect((await ipc.cancel(ev, ...args)).kind).toBe('bad-request');
    expect(ran).toEqual([]);
    expect(await ipc.call(ev, 'records.list', {}, 'fine_id-1')).toEqual({ kind: 'ok', value: [] });
  });

  it('turns a handler that throws into an error value with its message', async () => {
    const { api } = realApi();
    const broken: LockerApi = {
      ...api,
      'records.list': async () => {
        throw new Error('disk on fire');
      },
    };
    const { ipc, logs } = shell(broken);
    expect(await ipc.call(from(new FakeContents(3)), 'records.list', {})).toEqual({ kind: 'error', message: 'disk on fire' });
    expect(logs.some((l) => l.includes('records.list failed: disk on fire'))).toBe(true);
  });

  it('imports only files the window dropped or picked (as the app runs it: pickedOnly by default)', async () => {
    const { api, ran } = realApi();
    const logs: string[] = [];
    const ipc = createIpcHandlers({ api, isTrustedFrame: isAppFrame, log: (line) => logs.push(line) });
    cleanups.push(async () => {
      ipc.releaseAll();
      await ipc.idle();
    });
    const win = new FakeContents(70);
    const other = new FakeContents(71);
    // Not picked: refused before anything runs, and logged without the paths.
    expect(await ipc.call(from(win), 'import.start', { paths: [CALENDAR] })).toMatchObject({ kind: 'refused', message: expect.stringMatching(/only files you dropped or picked/) });
    expect(ran).toEqual([]);
    expect(logs.join('\n')).not.toContain(CALENDAR);
    // Picked in another window, or reported by a frame that is not the app: still refused.
    expect(ipc.picked(from(other), CALENDAR)).toBe(true);
    expect(ipc.picked(from(win, topFrame('https://evil.example/')), CALENDAR)).toBe(false);
    expect(ipc.picked(from(win, { url: APP_ENTRY, parent: topFrame(APP_ENTRY) }), CALENDAR)).toBe(false);
    expect(ipc.picked(from(win), 42)).toBe(false);
    expect(ipc.picked(from(win), CALENDAR, 'extra')).toBe(false);
    expect(await ipc.call(from(win), 'import.start', { paths: [CALENDAR] })).toMatchObject({ kind: 'refused' });
    // One picked path among others that are not: refused whole.
    expect(ipc.picked(from(win), CALENDAR)).toBe(true);
    expect(await ipc.call(from(win), 'import.start', { paths: [CALENDAR, '/etc/passwd'] })).toMatchObject({ kind: 'refused' });
    expect(ran).toEqual([]);
    expect(await ipc.call(from(win), 'import.start', { paths: [CALENDAR] })).toMatchObject({ kind: 'ok', value: { imported: 6 } });
    // A window that goes away forgets what it picked.
    win.destroy();
    const again = new FakeContents(70);
    expect(await ipc.call(from(again), 'import.start', { paths: [CALENDAR] })).toMatchObject({ kind: 'refused' });
  });

  it('cancels an import by its call id: nothing of the file is kept', async () => {
    const { api, list } = realApi();
    const { ipc } = shell(api);
    const win = new FakeContents(4);
    const running = ipc.call(from(win), 'import.start', { paths: [CALENDAR] }, 'imp-cancel');
    expect(await ipc.cancel(from(win), 'imp-cancel')).toEqual({ kind: 'ok' });
    const r = await running;
    expect(r.kind).toBe('ok');
    const value = (r as { value: ImportValue }).value;
    expect(value.imported).toBe(0);
    // Cancelled before it was read or while being read: the same stable code either way.
    expect(value.errors).toEqual([{ file: CALENDAR, message: expect.stringMatching(/^cancelled/), code: 'cancelled' }]);
    expect(await list()).toEqual([]);
    // The id is free again once the call ended: the same import now runs to the end.
    expect(await ipc.call(from(win), 'import.start', { paths: [CALENDAR] }, 'imp-cancel')).toMatchObject({ kind: 'ok', value: { imported: 6, errors: [] } });
  });

  it("one window cannot cancel another's call", async () => {
    const { api } = realApi();
    const { ipc } = shell(api);
    const a = new FakeContents(10);
    const b = new FakeContents(11);
    const running = ipc.call(from(a), 'import.start', { paths: [CALENDAR] }, 'same-id');
    expect(await ipc.cancel(from(b), 'same-id')).toEqual({ kind: 'ok' });
    expect(await running).toMatchObject({ kind: 'ok', value: { imported: 6, errors: [] } });
  });

  it('sends a call’s events to the window that made it, and to no other', async () => {
    const { api } = realApi();
    const { ipc } = shell(api);
    const a = new FakeContents(20);
    const b = new FakeContents(21);
    expect(await ipc.call(from(b), 'records.list', {})).toMatchObject({ kind: 'ok' });
    expect(await ipc.call(from(a), 'import.start', { paths: [CALENDAR] }, 'a-import')).toMatchObject({ kind: 'ok', value: { imported: 6 } });
    expect(b.sent).toEqual([]);
    expect(a.sent.length).toBeGreaterThan(0);
    expect(a.sent.every((s) => s.channel === IPC_CHANNELS.event && s.args.length === 1)).toBe(true);
    const events = a.events();
    expect(events.every((e) => e.callId === 'a-import')).toBe(true);
    expect(events.map((e) => e.event.type)).toContain('import.committed');
    const phases = events.flatMap((e) => (e.event.type === 'import.progress' ? [e.event.progress.phase] : []));
    expect(phases[0]).toBe('reading');
    expect(phases.at(-1)).toBe('done');
  });

  it('cancels the calls of a window that goes away and sends it nothing more', async () => {
    const { api, list } = realApi();
    const { ipc } = shell(api);
    const win = new FakeContents(30);
    const running = ipc.call(from(win), 'import.start', { paths: [CALENDAR] }, 'gone');
    const sentBefore = win.sent.length;
    win.destroy();
    await ipc.idle();
    const r = await running;
    expect(r).toMatchObject({ kind: 'ok', value: { imported: 0, errors: [{ file: CALENDAR, message: expect.stringMatching(/^cancelled/) }] } });
    expect(win.sent.length).toBe(sentBefore);
    expect(await list()).toEqual([]);
  });

  it('releaseAll cancels every window’s calls and idle() waits for them to end', async () => {
    const { api } = realApi();
    const { ipc } = shell(api);
    let settled = 0;
    const calls = [new FakeContents(40), new FakeContents(41)].map(async (w, i) => {
      const r = await ipc.call(from(w), 'import.start', { paths: [CALENDAR] }, `q${i}`);
      settled++;
      return r;
    });
    ipc.releaseAll();
    await ipc.idle();
    expect(settled).toBe(2);
    for (const r of await Promise.all(calls)) expect(r).toMatchObject({ kind: 'ok', value: { imported: 0 } });
  });
});

describe('security policy (electron/policy.ts)', () => {
  it('knows the app by its exact origin only', () => {
    for (const url of [APP_ENTRY, `${APP_ORIGIN}/`, `${APP_ORIGIN}/#/records/abc`, `${APP_ORIGIN}/assets/index-abc.js?x=1`]) expect(isAppUrl(url), url).toBe(true);
    for (const url of ['app://evil/', 'app://locker.evil/', 'app://user@locker/', 'app://locker:8080/', 'apps://locker/', 'https://locker/', 'file:///renderer/dist/index.html', 'javascript:alert(1)', 'about:blank', '', 'not a url'])
      expect(isAppUrl(url), url).toBe(false);
    expect(isAppFrame(topFrame(APP_ENTRY))).toBe(true);
    expect(isAppFrame({ url: APP_ENTRY, parent: topFrame(APP_ENTRY) })).toBe(false);
    expect(isAppFrame(null)).toBe(false);
  });

  it('allows navigation only within the app and sends only http(s) links to the browser', () => {
    expect(mayNavigate(`${APP_ORIGIN}/index.html#/map`)).toBe(true);
    expect(mayNavigate('https://example.org/')).toBe(false);
    expect(navigationDecision(`${APP_ORIGIN}/index.html`)).toEqual({ kind: 'allow' });
    expect(navigationDecision('https://example.org/a?b=c')).toEqual({ kind: 'open-external', url: 'https://example.org/a?b=c' });
    expect(navigationDecision('HTTP://Example.ORG')).toEqual({ kind: 'open-external', url: 'http://example.org/' });
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'smb://host/share', 'ms-settings:privacy', 'mailto:a@b.c', 'app://evil/', 'https://user:pw@example.org/', `https://example.org/${'a'.repeat(3000)}`, 'https://'])
      expect(navigationDecision(url), url).toEqual({ kind: 'block' });
    expect(externalUrl('https://solidproject.org/')).toBe('https://solidproject.org/');
    expect(externalUrl('ftp://example.org/')).toBeUndefined();
    // The app never opens a second window, not even of itself.
    expect(windowOpenDecision(APP_ENTRY)).toEqual({ kind: 'block' });
    expect(windowOpenDecision('https://example.org/')).toEqual({ kind: 'open-external', url: 'https://example.org/' });
    expect(windowOpenDecision('file:///etc/passwd')).toEqual({ kind: 'block' });
  });

  it('has a strict CSP and puts it in place of whatever a response had', () => {
    const directives = CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim());
    for (const d of ["default-src 'self'", "img-src 'self' data: blob:", "style-src 'self'", "script-src 'self'", "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) expect(directives).toContain(d);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*|http:|https:/);
    const headers = withCsp({ 'content-security-policy': ["default-src *; script-src 'unsafe-inline'"], 'Content-Type': ['text/html'], 'X-Other': 'one' });
    expect(headers).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY], 'Content-Type': ['text/html'], 'X-Other': ['one'] });
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('keeps the CSP an app response was given (a binary’s is stricter) and puts the app’s on anything else', () => {
    const binary = { 'Content-Type': 'image/jpeg', 'Content-Security-Policy': BINARY_CSP };
    expect(responseHeaders(`${APP_ORIGIN}/api/binary/a.jpg`, binary)).toEqual({ 'Content-Type': ['image/jpeg'], 'Content-Security-Policy': [BINARY_CSP] });
    // Not the app, or the app without a CSP of its own: the app's.
    for (const url of ['https://example.org/x.jpg', 'app://evil/api/binary/a.jpg', 'app://user@locker/index.html'])
      expect(responseHeaders(url, binary), url).toEqual({ 'Content-Type': ['image/jpeg'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(responseHeaders(APP_ENTRY, { 'content-type': 'text/html' })).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(responseHeaders(APP_ENTRY, { 'content-security-policy': [' '] })).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(responseHeaders(APP_ENTRY, undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('makes an isolated, sandboxed window without Node or <webview>', () => {
    const o = windowOptions('/app/electron/dist/preload.cjs', { devTools: false });
    expect(o.webPreferences).toMatchObject({
      preload: '/app/electron/dist/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      devTools: false,
    });
    expect(o.show).toBe(false);
  });

  it('keeps Electron’s own files out of the locker’s folder on every OS (case-insensitive file systems included)', () => {
    const cases: Array<{ platform: NodeJS.Platform; appData: string; env: NodeJS.ProcessEnv }> = [
      { platform: 'darwin', appData: path.join('/Users/me', 'Library', 'Application Support'), env: {} },
      { platform: 'win32', appData: 'C:\\Users\\me\\AppData\\Roaming', env: { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' } },
      { platform: 'linux', appData: '/home/me/.config', env: { XDG_DATA_HOME: '/home/me/.config' } },
    ];
    for (const c of cases) {
      const shellDir = shellDataFolder(c.appData).toLowerCase();
      const home = defaultHome(c.env, c.platform).toLowerCase();
      expect(shellDir).not.toBe(home);
      expect(shellDir.startsWith(`${home}${path.sep}`) || shellDir.startsWith(`${home}\\`)).toBe(false);
      expect(home.startsWith(`${shellDir}${path.sep}`)).toBe(false);
    }
  });

  it('serves only the built renderer’s files, and finds them beside the compiled main', () => {
    const p = shellPaths(path.join('/repo', 'electron', 'dist'));
    expect(p).toEqual({ preload: path.join('/repo', 'electron', 'dist', 'preload.cjs'), rendererRoot: path.join('/repo', 'renderer', 'dist') });
    const root = p.rendererRoot;
    expect(resolveAsset(APP_ENTRY, root)).toEqual({ kind: 'file', path: path.join(root, 'index.html'), contentType: 'text/html; charset=utf-8' });
    expect(resolveAsset(`${APP_ORIGIN}/`, root)).toMatchObject({ kind: 'file', path: path.join(root, 'index.html') });
    expect(resolveAsset(`${APP_ORIGIN}/assets/index-x1.js`, root)).toEqual({ kind: 'file', path: path.join(root, 'assets', 'index-x1.js'), contentType: 'text/javascript; charset=utf-8' });
    expect(resolveAsset('app://evil/index.html', root)).toEqual({ kind: 'refused', status: 403 });
    expect(resolveAsset('file:///etc/passwd', root)).toEqual({ kind: 'refused', status: 403 });
    expect(resolveAsset(`${APP_ORIGIN}/..%2f..%2fpackage.json`, root)).toEqual({ kind: 'refused', status: 400 });
    expect(resolveAsset(`${APP_ORIGIN}/a%5c..%5c..%5cx.json`, root)).toEqual({ kind: 'refused', status: 400 });
    expect(resolveAsset(`${APP_ORIGIN}/%00.js`, root)).toEqual({ kind: 'refused', status: 400 });
    expect(resolveAsset(`${APP_ORIGIN}/%E0%A4%A.js`, root)).toEqual({ kind: 'refused', status: 400 });
    expect(resolveAsset(`${APP_ORIGIN}/etc/passwd`, root)).toEqual({ kind: 'refused', status: 404 });
    // Dot segments are resolved by the URL parser; whatever comes out stays inside the root.
    for (const url of [`${APP_ORIGIN}/../../../etc/x.json`, `${APP_ORIGIN}/%2e%2e/%2e%2e/x.json`, `${APP_ORIGIN}/a/./../../x.json`]) {
      const r = resolveAsset(url, root);
      expect(r.kind === 'file' && r.path.startsWith(root + path.sep), url).toBe(true);
    }
  });

  it('says plainly why the locker could not be opened', () => {
    const locked = startupProblem({ kind: 'locked', message: 'the locker is locked' }, '/home/a/.local/share/locker');
    expect(locked.title).toBe('Locker is locked');
    expect(locked.content).toContain('locker unlock');
    expect(locked.content).toContain('/home/a/.local/share/locker');
    expect(startupProblem({ kind: 'in-use', message: 'another process' }, '/h').title).toBe('Locker is in use');
    expect(startupProblem({ kind: 'error', message: 'disk full' }, '/h').content).toContain('disk full');
  });
});

describe('app://locker/api/binary/<name> (policy.ts binaryAnswer, protocol.ts answerAppRequest) over a real locker', () => {
  const FILES = 'https://locker.invalid/files/';
  const HOSTILE = {
    'page.html': { mediaType: 'text/html', text: '<script>document.title = "ran"</script>' },
    'drawing.svg': { mediaType: 'image/svg+xml', text: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>' },
    'report.pdf': { mediaType: 'application/pdf', text: '%PDF-1.7 not really' },
    'sticker.webp': { mediaType: 'image/webp', text: 'RIFF....WEBPVP8 ' },
  } as const;

  interface PhotoLocker {
    locker: Locker;
    photo: Buffer;
    thumb: Buffer;
    contentName: string;
    thumbName: string;
  }

  /** A real locker with one imported photo (its bytes and its embedded thumbnail become binaries) and a few binaries put directly. */
  async function photoLocker(): Promise<PhotoLocker> {
    const t = openTemp();
    cleanups.push(t.cleanup);
    const files = tempHome('locker-photo-files-');
    cleanups.push(files.cleanup);
    const thumb = tinyJpeg();
    const photo = jpegWithExif({ width: 4000, height: 3000, make: 'Canon', model: 'EOS R6', taken: '2024:06:01 10:00:00', thumbnail: thumb });
    const file = path.join(files.home, 'IMG_0001.jpg');
    writeFileSync(file, photo);
    expect(await t.locker.importFiles([file])).toMatchObject({ imported: 1, errors: [] });
    const [summary] = t.locker.list({ type: 'photo' });
    const shown = t.locker.show(summary?.id ?? '');
    if (shown.kind !== 'ok') throw new Error('the photo was not imported');
    const nameOf = (iri: unknown): string => {
      if (typeof iri !== 'string' || !iri.startsWith(FILES)) throw new Error(`not a binary IRI: ${String(iri)}`);
      return iri.slice(FILES.length);
    };
    t.locker.store.putRecords(
      [],
      Object.entries(HOSTILE).map(([name, b]) => {
        const bytes = Buffer.from(b.text);
        return { name, mediaType: b.mediaType, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
      }),
    );
    return { locker: t.locker, photo, thumb, contentName: nameOf(shown.json.properties['contentUrl']), thumbName: nameOf(shown.json.properties['thumbnailUrl']) };
  }

  const bytesOf = (r: AppResponse | undefined): Buffer => Buffer.from(r?.body ?? []);

  it('serves a photo and its thumbnail inline, from the store, with a sandboxing CSP', async () => {
    const { locker, photo, thumb, contentName, thumbName } = await photoLocker();
    expect(contentName).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(contentName).not.toBe(thumbName);
    const full = binaryAnswer(`${APP_ORIGIN}/api/binary/${contentName}`, 'GET', locker.store);
    expect(full?.status).toBe(200);
    expect(full?.headers).toEqual({
      'Content-Type': 'image/jpeg',
      'Content-Length': String(photo.byteLength),
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=3600',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    expect(bytesOf(full).equals(photo)).toBe(true);
    const small = binaryAnswer(`${APP_ORIGIN}/api/binary/${encodeURIComponent(thumbName)}?v=1#x`, 'GET', locker.store);
    expect(small?.headers['Content-Type']).toBe('image/jpeg');
    expect(bytesOf(small).equals(thumb)).toBe(true);
    // HEAD: the same headers, no body.
    const head = binaryAnswer(`${APP_ORIGIN}/api/binary/${contentName}`, 'HEAD', locker.store);
    expect(head).toEqual({ status: 200, headers: full?.headers, body: null });
  });

  it('hands out anything that is not a known image type as a download, never as a page or a script', async () => {
    const { locker } = await photoLocker();
    for (const [name, b] of Object.entries(HOSTILE)) {
      const r = binaryAnswer(`${APP_ORIGIN}/api/binary/${name}`, 'GET', locker.store);
      expect(r?.status, name).toBe(200);
      expect(bytesOf(r).toString(), name).toBe(b.text);
      expect(r?.headers['Content-Security-Policy'], name).toBe(BINARY_CSP);
      expect(r?.headers['X-Content-Type-Options'], name).toBe('nosniff');
      if (b.mediaType === 'image/webp') {
        expect(r?.headers['Content-Type']).toBe('image/webp');
        expect(r?.headers['Content-Disposition']).toBeUndefined();
      } else {
        // HTML and SVG (which can carry script) included.
        expect(r?.headers['Content-Type'], name).toBe('application/octet-stream');
        expect(r?.headers['Content-Disposition'], name).toBe('attachment');
      }
    }
  });

  it('answers 404 for a name that is unknown or not clean, and leaves every other URL to the asset rules', async () => {
    const { locker, contentName } = await photoLocker();
    const bad = ['nope.jpg', '', '..', '.', 'a%2Fb', 'a%5Cb', `${contentName}%00`, '%E0%A4%A', 'x'.repeat(201), 'a%20b', '%E5%90%8D.jpg', `${contentName}/x`, '%3Cscript%3E'];
    for (const name of bad) {
      const r = binaryAnswer(`${APP_ORIGIN}/api/binary/${name}`, 'GET', locker.store);
      // `..` and `.` are dot segments: the URL parser leaves /api/ or /api/binary/, which is not a binary.
      if (name === '..') expect(r, name).toBeUndefined();
      else {
        expect(r?.status, name).toBe(404);
        expect(r?.body, name).toBeNull();
        expect(r?.headers['Content-Security-Policy'], name).toBe(BINARY_CSP);
      }
    }
    // The store holds the name; only the URL around it is wrong.
    for (const url of [`app://evil/api/binary/${contentName}`, `app://user@locker/api/binary/${contentName}`, `https://locker/api/binary/${contentName}`, `${APP_ORIGIN}/api/binaryx/${contentName}`, `${APP_ORIGIN}/api/${contentName}`, `${APP_ORIGIN}/assets/${contentName}`, 'not a url'])
      expect(binaryAnswer(url, 'GET', locker.store), url).toBeUndefined();
  });

  it('answers exactly as `locker serve` answers /api/binary/<name>', async () => {
    const { locker, contentName, thumbName } = await photoLocker();
    const server = await serve({ locker, staticDir: path.join(locker.home, 'no-ui'), token: 'parity-token' });
    cleanups.push(() => server.close());
    const dropped = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
    for (const name of [contentName, thumbName, ...Object.keys(HOSTILE), 'nope.jpg', 'a%20b', '%E5%90%8D.jpg']) {
      const res = await fetch(`${server.url}api/binary/${name}`, { headers: { Authorization: 'Bearer parity-token' } });
      const ours = binaryAnswer(`${APP_ORIGIN}/api/binary/${name}`, 'GET', locker.store);
      expect(ours?.status, name).toBe(res.status);
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) continue;
      expect(bytesOf(ours).equals(body), name).toBe(true);
      const theirs = Object.fromEntries([...res.headers].filter(([k]) => !dropped.has(k)));
      const mine = Object.fromEntries(Object.entries(ours?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      expect(mine, name).toEqual(theirs);
    }
  });

  it('answerAppRequest: the renderer’s files, the binaries, GET and HEAD only, and a failing store is a 500 in the log', async () => {
    const { locker, photo, contentName } = await photoLocker();
    const root = path.join(locker.home, 'ui');
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Locker</title>');
    writeFileSync(path.join(root, 'assets', 'index-1.js'), 'export {};');
    const logs: string[] = [];
    const ask = (url: string, method = 'GET', binaries: Locker['store'] | { getBinary: () => never } = locker.store) => answerAppRequest({ url, method }, { rendererRoot: root, binaries, log: (l) => logs.push(l) });

    const page = await ask(APP_ENTRY);
    expect(page.status).toBe(200);
    expect(page.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(bytesOf(page).toString()).toBe('<!doctype html><title>Locker</title>');
    expect((await ask(`${APP_ORIGIN}/assets/index-1.js`)).headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(await ask(`${APP_ORIGIN}/assets/index-1.js`, 'HEAD')).toMatchObject({ status: 200, body: null });

    const img = await ask(`${APP_ORIGIN}/api/binary/${contentName}`);
    expect([img.status, img.headers['Content-Type']]).toEqual([200, 'image/jpeg']);
    expect(bytesOf(img).equals(photo)).toBe(true);
    expect((await ask(`${APP_ORIGIN}/api/binary/page.html`)).headers['Content-Disposition']).toBe('attachment');
    expect((await ask(`${APP_ORIGIN}/api/binary/nope.jpg`)).status).toBe(404);

    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) expect((await ask(`${APP_ORIGIN}/api/binary/${contentName}`, method)).status, method).toBe(405);
    expect((await ask(`${APP_ORIGIN}/missing.js`)).status).toBe(404);
    expect((await ask(`${APP_ORIGIN}/api/call`)).status).toBe(404);
    expect((await ask(`${APP_ORIGIN}/..%2f..%2fsecret.json`)).status).toBe(400);
    expect((await ask(`app://evil/api/binary/${contentName}`)).status).toBe(403);
    expect(logs).toEqual([]);

    const closed = { getBinary: (): never => { throw new Error('The database connection is not open'); } };
    const failed = await ask(`${APP_ORIGIN}/api/binary/${contentName}`, 'GET', closed);
    expect(failed).toMatchObject({ status: 500, body: null });
    expect(logs).toEqual(['locker: could not read a binary: The database connection is not open']);
    // A file's failure is not a binary's: the page itself still loads.
    expect((await ask(APP_ENTRY, 'GET', closed)).status).toBe(200);
  });
});

describe('preload (electron/preload.ts) as a sandboxed renderer runs it', () => {
  interface Recorded {
    exposed: Array<{ key: string; api: Record<string, unknown> }>;
    invoked: unknown[][];
    sent: unknown[][];
    listeners: Map<string, Set<(...a: unknown[]) => void>>;
    answer: unknown;
  }

  /** Compiles the preload to one CommonJS script and runs it with a `require` that knows only `electron`, like the sandbox's. */
  function loadPreload(): { rec: Recorded; bridge: Record<string, (...a: unknown[]) => unknown>; ipcRenderer: object } {
    const source = readFileSync(path.resolve(import.meta.dirname, '../electron/preload.ts'), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 }, fileName: 'preload.ts' });
    const rec: Recorded = { exposed: [], invoked: [], sent: [], listeners: new Map(), answer: { kind: 'ok', value: [] } };
    const ipcRenderer = {
      invoke: async (...args: unknown[]) => {
        rec.invoked.push(args);
        return rec.answer;
      },
      send: (...args: unknown[]) => rec.sent.push(args),
      on: (channel: string, l: (...a: unknown[]) => void) => {
        if (!rec.listeners.has(channel)) rec.listeners.set(channel, new Set());
        rec.listeners.get(channel)?.add(l);
      },
      removeListener: (channel: string, l: (...a: unknown[]) => void) => rec.listeners.get(channel)?.delete(l),
    };
    const contextBridge = { exposeInMainWorld: (key: string, api: Record<string, unknown>) => rec.exposed.push({ key, api }) };
    const sandboxRequire = (name: string) => {
      if (name === 'electron') return { contextBridge, ipcRenderer, webUtils: { getPathForFile: (f: { name?: string }) => (f.name ? `/home/me/Downloads/${f.name}` : '') } };
      throw new Error(`a sandboxed preload cannot require ${name}`);
    };
    const run = vm.runInNewContext(`(function (require, exports, module) {\n${outputText}\n})`, {}) as (r: unknown, e: unknown, m: unknown) => void;
    run(sandboxRequire, {}, { exports: {} });
    expect(rec.exposed).toHaveLength(1);
    const only = rec.exposed[0] as { key: string; api: Record<string, (...a: unknown[]) => unknown> };
    return { rec, bridge: only.api, ipcRenderer };
  }

  it('exposes window.locker with call, cancel, onEvent and pathForFile, and nothing else', () => {
    const { rec, bridge } = loadPreload();
    expect(rec.exposed[0]?.key).toBe('locker');
    expect(Object.keys(bridge).sort()).toEqual(['call', 'cancel', 'onEvent', 'pathForFile']);
    for (const f of Object.values(bridge)) expect(typeof f).toBe('function');
    // A dropped file's path comes from Electron's webUtils, nothing else, and main is told of it (import.start takes only those).
    expect(bridge['pathForFile']?.({ name: 'calendar.ics' })).toBe('/home/me/Downloads/calendar.ics');
    expect(bridge['pathForFile']?.({})).toBe('');
    expect(rec.sent).toEqual([[IPC_CHANNELS.picked, '/home/me/Downloads/calendar.ics']]);
  });

  it('uses only the allow-listed channels, and maps a refusal to an error', async () => {
    const { rec, bridge } = loadPreload();
    expect(await bridge['call']?.('records.list', { limit: 5 }, 'id-1')).toEqual({ kind: 'ok', value: [] });
    expect(await bridge['call']?.('records.counts', {})).toEqual({ kind: 'ok', value: [] });
    await bridge['cancel']?.('id-1');
    expect(rec.invoked).toEqual([
      [IPC_CHANNELS.call, 'records.list', { limit: 5 }, 'id-1'],
      [IPC_CHANNELS.call, 'records.counts', {}],
      [IPC_CHANNELS.cancel, 'id-1'],
    ]);
    rec.answer = { kind: 'refused', message: 'refused: this frame is not the Locker app' };
    expect(await bridge['call']?.('records.list', {})).toEqual({ kind: 'error', message: 'refused: this frame is not the Locker app' });
    rec.answer = 'something else';
    expect(await bridge['call']?.('records.list', {})).toMatchObject({ kind: 'error' });
  });

  it('hands listeners the tagged event only, never the IpcRendererEvent, and unsubscribes', () => {
    const { rec, bridge, ipcRenderer } = loadPreload();
    const got: unknown[][] = [];
    const off = bridge['onEvent']?.((...args: unknown[]) => got.push(args)) as () => void;
    const listeners = [...(rec.listeners.get(IPC_CHANNELS.event) ?? [])];
    expect([...rec.listeners.keys()]).toEqual([IPC_CHANNELS.event]);
    expect(listeners).toHaveLength(1);
    const tagged = { callId: 'c1', event: { type: 'import.committed', file: 'a.ics', ids: [] } };
    listeners[0]?.({ sender: ipcRenderer, senderId: 0, ports: [] }, tagged);
    listeners[0]?.({ sender: ipcRenderer }, 'not an event');
    expect(got).toEqual([[tagged]]);
    expect(JSON.stringify(got)).not.toContain('sender');
    off();
    expect(rec.listeners.get(IPC_CHANNELS.event)?.size).toBe(0);
  });

  it('spells the channels exactly as IPC_CHANNELS does', () => {
    const source = readFileSync(path.resolve(import.meta.dirname, '../electron/preload.ts'), 'utf8');
    const channels = [...source.matchAll(/'(locker:[a-z]+)'/g)].map((m) => m[1]);
    expect(channels.sort()).toEqual(Object.values(IPC_CHANNELS).sort());
  });
});

describe('locker start: an Electron runtime it could not use (cli/start.ts)', () => {
  it('falls back to browser mode when the store’s addon is built for Node’s ABI, not Electron’s, and says how to rebuild', () => {
    const { home: dir, cleanup } = tempHome('locker-abi-');
    cleanups.push(cleanup);
    const require = createRequire(import.meta.url);
    writeFileSync(path.join(dir, 'abi_version'), '146\n');
    const why = addonAbiProblem(dir, require);
    expect(why).toMatch(new RegExp(`NODE_MODULE_VERSION ${process.versions.modules}\\), and Electron needs 146`));
    expect(why).toContain('@electron/rebuild');
    // An Electron of this Node's ABI can load it: no problem.
    writeFileSync(path.join(dir, 'abi_version'), `${process.versions.modules}\n`);
    expect(addonAbiProblem(dir, require)).toBeUndefined();
  });
});
