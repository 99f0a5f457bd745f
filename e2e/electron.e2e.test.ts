// Transport 1 of DESIGN.md's "One API, three transports", for real: the desktop app (electron/dist/main.js) in an
// Electron runtime, driven by Playwright's `_electron`, against a fresh locker (LOCKER_HOME in the temp folder). It
// checks what only a running Electron can show: start-up, the one window on app://locker/, the preload's
// `window.locker` (exactly a LockerBridge, through contextBridge, so the window is context-isolated) reaching the core
// over IPC, no Node in the page, a file picked in the Import view imported in place (and `import.start` of a path
// the person did not pick refused), the operations the page may never call, navigation kept in the app, and the
// records still in the locker after quitting.
//
// Where no runtime can run it SKIPS, saying why (see `desktopRuntime`). That is always the case on the build
// machine: electron ≥ 42 downloads its binary on first launch, and there is no network. The check never launches
// anything nor calls `require('electron')` (the package's entry point starts that download when the binary is
// missing; so does Playwright's `_electron.launch` without an `executablePath`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronRuntime } from '../cli/start.js';
import { openLocker, type CallResult, type LockerBridge, type LockerStatus } from '../shared/api/index.js';
import { FIXTURES } from '../test/helpers/home.js';
import { rendererBuilt } from './browser.js';
import './matchers.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const MAIN = path.join(ROOT, 'electron', 'dist', 'main.js');
const require = createRequire(import.meta.url);

type Runtime = { readonly kind: 'ok'; readonly exe: string } | { readonly kind: 'missing'; readonly why: string };

/**
 * Whether the desktop app can run here, found without running anything:
 * - the runtime: `cli/start.ts` `electronRuntime()`, the check `locker start` makes before falling back to browser
 *   mode (the electron package's `path.txt` and the binary it names under `dist/`);
 * - a display, on Linux (Electron has no headless mode: run under `xvfb-run -a`);
 * - better-sqlite3 built for Electron's ABI (also checked by `electronRuntime()`, `addonAbiProblem`): it is a V8
 *   addon, built by `npm ci` for Node's (what the Node tests need), and the main process cannot load it then.
 */
function desktopRuntime(): Runtime {
  const runtime = electronRuntime();
  if (runtime.kind === 'missing') return { kind: 'missing', why: `${runtime.why}; \`node node_modules/electron/install.js\` downloads it where there is a network` };
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) return { kind: 'missing', why: 'no display (DISPLAY is not set): run the suite under `xvfb-run -a`' };
  return { kind: 'ok', exe: runtime.path };
}

const runtime = desktopRuntime();
const skipped = runtime.kind === 'missing' ? runtime.why : undefined;
if (skipped) console.warn(`e2e (electron): SKIPPED — ${skipped}`);

/** What the test reads of the page's window: the preload's bridge, and what must not be there. */
interface PageSide {
  locker?: LockerBridge;
}

/** The app's environment: ours, with a locker and an Electron profile of its own, and nothing that would make it Node. */
function appEnv(dir: string, home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && name !== 'ELECTRON_RUN_AS_NODE' && name !== 'NODE_OPTIONS') env[name] = value;
  // userData (and with it the single-instance lock) is under XDG_CONFIG_HOME on Linux: a Locker already running is not this one.
  return { ...env, LOCKER_HOME: home, XDG_CONFIG_HOME: path.join(dir, 'config') };
}

/**
 * Playwright's own Electron loader, which holds back `ready` until Playwright is attached (so the first window is
 * not missed); `_electron.launch` adds it itself only when it starts the electron package's binary, which it finds
 * through `require('electron')`. Undefined if a Playwright version moves it.
 */
function playwrightLoader(): string | undefined {
  const loader = path.join(path.dirname(require.resolve('playwright-core/package.json')), 'lib', 'server', 'electron', 'loader.js');
  return existsSync(loader) ? loader : undefined;
}

describe.skipIf(skipped !== undefined)(`the desktop app in Electron (electron/dist/main.js)${skipped ? ` — skipped: ${skipped}` : ''}`, { timeout: 120_000 }, () => {
  let dir: string;
  let home: string;
  let app: ElectronApplication | undefined;
  let page: Page;
  const output: string[] = [];
  const problems: string[] = [];

  const call = (op: string, payload: unknown): Promise<CallResult> =>
    page.evaluate(([o, p]) => {
      const bridge = (window as PageSide).locker;
      if (!bridge) throw new Error('window.locker is missing');
      return bridge.call(o, p);
    }, [op, payload] as const);
  const ok = async <T>(op: string, payload: unknown): Promise<T> => {
    const r = await call(op, payload);
    if (r.kind !== 'ok') throw new Error(`${op}: ${r.kind}: ${r.message}`);
    return r.value as T;
  };

  beforeAll(async () => {
    if (runtime.kind !== 'ok') return;
    rendererBuilt();
    // The shell as the sources are now (a few seconds): `npm test` builds the UI, not the shell.
    const built = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'run-ts.js'), path.join(ROOT, 'electron', 'build.ts')], { cwd: ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`npm run build:electron failed:\n${built.stdout}${built.stderr}`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'locker-electron-e2e-'));
    home = path.join(dir, 'home');
    mkdirSync(home);
    const loader = playwrightLoader();
    app = await _electron.launch({ executablePath: runtime.exe, args: [...(loader ? ['-r', loader] : []), MAIN], cwd: ROOT, env: appEnv(dir, home), timeout: 60_000 });
    app.process().stdout?.on('data', (d: Buffer) => output.push(String(d)));
    app.process().stderr?.on('data', (d: Buffer) => output.push(String(d)));
    page = await app.firstWindow();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    await page.locator('#page-title').waitFor();
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (problems.length > 0 || process.env['LOCKER_E2E_VERBOSE']) console.warn(`e2e (electron): the app's output:\n${output.join('')}`);
  });

  it('starts with one window, showing the app from app://locker/', async () => {
    if (!app) throw new Error('the app did not start');
    expect(app.windows()).toHaveLength(1);
    expect(page.url()).toMatch(/^app:\/\/locker\/index\.html(#.*)?$/);
    expect(await page.title()).toBe('Locker');
    const main = await app.evaluate(({ app: electronApp, BrowserWindow }) => ({
      ready: electronApp.isReady(),
      windows: BrowserWindow.getAllWindows().map((w) => ({ url: w.webContents.getURL(), visible: w.isVisible() })),
    }));
    expect(main.ready).toBe(true);
    expect(main.windows).toHaveLength(1);
    expect(main.windows[0]?.url).toBe(page.url());
    expect(main.windows[0]?.visible).toBe(true);
  });

  it('gives the page exactly the LockerBridge as window.locker, and it reaches the core', async () => {
    const shape = await page.evaluate(() => {
      const bridge = (window as PageSide).locker;
      return bridge ? Object.keys(bridge).map((k) => `${k}:${typeof (bridge as unknown as Record<string, unknown>)[k]}`).sort() : undefined;
    });
    // contextBridge.exposeInMainWorld throws unless the window has context isolation: window.locker being there at
    // all is what the window really got (electronegativity cannot see through policy.ts's windowOptions()).
    expect(shape).toEqual(['call:function', 'cancel:function', 'onEvent:function', 'pathForFile:function']);
    const status = await ok<LockerStatus>('status', {});
    expect(status).toMatchObject({ total: 0, encrypted: false });
    expect(await call('no.such.operation', {})).toMatchObject({ kind: 'bad-request' });
  });

  it('gives the page no Node: no require, process, module or Buffer', async () => {
    const types = await page.evaluate(() => {
      const g = globalThis as Record<string, unknown>;
      return ['require', 'process', 'module', 'Buffer', 'global', '__dirname'].map((name) => `${name}:${typeof g[name]}`);
    });
    expect(types).toEqual(['require:undefined', 'process:undefined', 'module:undefined', 'Buffer:undefined', 'global:undefined', '__dirname:undefined']);
  });

  it('imports a file the person picked in the Import view, and refuses import.start of one they did not', async () => {
    const file = path.join(FIXTURES, 'contacts.vcf');
    const before = await ok<LockerStatus>('status', {});
    // A page naming a file on disk by itself (one taken over, say): refused by main (ipc.ts), nothing imported.
    expect(await call('import.start', { paths: [file] })).toMatchObject({ kind: 'error', message: expect.stringMatching(/only files you dropped or picked/) });
    expect((await ok<LockerStatus>('status', {})).total).toBe(before.total);
    // The person picks it: the preload's pathForFile (webUtils.getPathForFile) tells main, and the view imports it in place.
    await page.evaluate(() => {
      location.hash = '#/import';
    });
    await page.locator('[data-testid="file-input"]').setInputFiles(file);
    await expect(page.locator('[data-testid="import-summary"]')).toContainText(/\d+ new,/);
    const after = await ok<LockerStatus>('status', {});
    expect(after.total).toBeGreaterThan(before.total);
    expect(after.counts.contact ?? 0).toBeGreaterThan(before.counts.contact ?? 0);
  });

  it('refuses what the page may never ask for, and keeps it inside the app', async () => {
    if (!app) throw new Error('the app did not start');
    // export.run writes where the page says: not offered to the desktop page (LOCAL_ONLY.desktop).
    const out = path.join(dir, 'export-by-page');
    expect(await call('export.run', { out })).toMatchObject({ kind: 'bad-request' });
    expect(existsSync(out)).toBe(false);
    // No window of its own, and no navigation out of app://locker/ (a file: URL is neither followed nor handed to the OS).
    expect(await page.evaluate(() => window.open('file:///') === null)).toBe(true);
    await page.evaluate(() => {
      location.href = 'file:///';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^app:\/\/locker\//);
    expect(app.windows()).toHaveLength(1);
  });

  it('quits cleanly, leaving the imported records in the locker, with no page errors on the way', async () => {
    if (!app) throw new Error('the app did not start');
    const running = app;
    const exited = new Promise<number | null>((resolve) => running.process().once('exit', (code) => resolve(code)));
    await running.close();
    app = undefined;
    expect(await exited).toBe(0);
    const opened = openLocker(home, {});
    if (opened.kind !== 'ok') throw new Error(opened.message);
    try {
      expect(opened.locker.store.counts().contact ?? 0).toBeGreaterThan(0);
    } finally {
      opened.locker.close();
    }
    expect(problems).toEqual([]);
  });
});
