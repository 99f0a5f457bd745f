import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers, IPC_CHANNELS, type LockerApi, type TaggedEvent } from '../shared/api/index.js';
import { createIpcHandlers, type IpcHandlers, type IpcSenderEvent } from '../electron/ipc.js';
import {
  APP_ENTRY,
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  externalUrl,
  isAppFrame,
  isAppUrl,
  mayNavigate,
  navigationDecision,
  resolveAsset,
  shellPaths,
  startupProblem,
  windowOpenDecision,
  windowOptions,
  withCsp,
  type SenderFrame,
} from '../electron/policy.js';
import { FIXTURES, openTemp } from './helpers/home.js';

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

function shell(api: LockerApi): { ipc: IpcHandlers; logs: string[] } {
  const logs: string[] = [];
  const ipc = createIpcHandlers({ api, isTrustedFrame: isAppFrame, log: (line) => logs.push(line) });
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
    expect(imported).toEqual({ kind: 'ok', value: { imported: 6, updated: 0, skipped: 0, errors: [] } });
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
    expect(value.errors).toEqual([{ file: CALENDAR, message: expect.stringMatching(/^cancelled/) }]);
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

describe('preload (electron/preload.ts) as a sandboxed renderer runs it', () => {
  interface Recorded {
    exposed: Array<{ key: string; api: Record<string, unknown> }>;
    invoked: unknown[][];
    listeners: Map<string, Set<(...a: unknown[]) => void>>;
    answer: unknown;
  }

  /** Compiles the preload to one CommonJS script and runs it with a `require` that knows only `electron`, like the sandbox's. */
  function loadPreload(): { rec: Recorded; bridge: Record<string, (...a: unknown[]) => unknown>; ipcRenderer: object } {
    const source = readFileSync(path.resolve(import.meta.dirname, '../electron/preload.ts'), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 }, fileName: 'preload.ts' });
    const rec: Recorded = { exposed: [], invoked: [], listeners: new Map(), answer: { kind: 'ok', value: [] } };
    const ipcRenderer = {
      invoke: async (...args: unknown[]) => {
        rec.invoked.push(args);
        return rec.answer;
      },
      on: (channel: string, l: (...a: unknown[]) => void) => {
        if (!rec.listeners.has(channel)) rec.listeners.set(channel, new Set());
        rec.listeners.get(channel)?.add(l);
      },
      removeListener: (channel: string, l: (...a: unknown[]) => void) => rec.listeners.get(channel)?.delete(l),
    };
    const contextBridge = { exposeInMainWorld: (key: string, api: Record<string, unknown>) => rec.exposed.push({ key, api }) };
    const sandboxRequire = (name: string) => {
      if (name === 'electron') return { contextBridge, ipcRenderer };
      throw new Error(`a sandboxed preload cannot require ${name}`);
    };
    const run = vm.runInNewContext(`(function (require, exports, module) {\n${outputText}\n})`, {}) as (r: unknown, e: unknown, m: unknown) => void;
    run(sandboxRequire, {}, { exports: {} });
    expect(rec.exposed).toHaveLength(1);
    const only = rec.exposed[0] as { key: string; api: Record<string, (...a: unknown[]) => unknown> };
    return { rec, bridge: only.api, ipcRenderer };
  }

  it('exposes window.locker with call, cancel and onEvent, and nothing else', () => {
    const { rec, bridge } = loadPreload();
    expect(rec.exposed[0]?.key).toBe('locker');
    expect(Object.keys(bridge).sort()).toEqual(['call', 'cancel', 'onEvent']);
    for (const f of Object.values(bridge)) expect(typeof f).toBe('function');
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
