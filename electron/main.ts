import { existsSync } from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell, type WebContents } from 'electron';
import { createHandlers, defaultHome, encryptionState, IPC_CHANNELS, LOCAL_ONLY, openLocker, restrictApi, type Locker, type OpenLockerResult } from '../shared/api/index.js';
import { keyFromAgent, watchAgent } from '../shared/crypto/index.js';
import { createIpcHandlers, type IpcHandlers } from './ipc.js';
import {
  APP_ENTRY,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  isAppFrame,
  navigationDecision,
  responseHeaders,
  shellPaths,
  startupProblem,
  windowOpenDecision,
  windowOptions,
  type LinkDecision,
} from './policy.js';
import { answerAppRequest } from './protocol.js';

/**
 * The desktop shell's main process: wiring only. The policy (what is the app,
 * where links may go, the CSP, the window's options) is in `policy.ts`; what
 * `app://locker/` answers in `protocol.ts`; the IPC handler table in `ipc.ts`;
 * all are unit-tested under Node. This file is
 * type-checked against Electron's own types (`tsc -p electron/tsconfig.json`).
 */

const paths = shellPaths(import.meta.dirname);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

// Both must happen before `ready`.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();

let mainWindow: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  // Another Locker window is running: it gets focus (`second-instance`), this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => harden(contents));
  start().catch((e: unknown) => fatal('Locker could not start', e instanceof Error ? (e.stack ?? e.message) : String(e)));
}

async function start(): Promise<void> {
  await app.whenReady();
  lockDownSession();
  if (!existsSync(path.join(paths.rendererRoot, 'index.html'))) {
    fatal('Locker is not built', `The user interface was not found in ${paths.rendererRoot}.\n\nBuild it (npm run build:ui) and start Locker again.`);
    return;
  }
  const home = defaultHome(process.env);
  const { opened, fromAgent } = await openTheLocker(home);
  if (opened.kind !== 'ok') {
    const problem = startupProblem(opened, home);
    fatal(problem.title, problem.content);
    return;
  }
  const locker = opened.locker;
  serveApp(locker);
  // The page never writes a file where it says (export is the main process's, through a save dialog).
  const ipc = createIpcHandlers({ api: restrictApi(createHandlers(locker, { pod: { env: process.env } }), LOCAL_ONLY.desktop), isTrustedFrame: isAppFrame, log });
  ipcMain.handle(IPC_CHANNELS.call, (event, ...args: unknown[]) => ipc.call(event, ...args));
  ipcMain.handle(IPC_CHANNELS.cancel, (event, ...args: unknown[]) => ipc.cancel(event, ...args));
  // Holding a key from the unlock agent: when the agent locks (idle, sleep, `locker lock`), so does the app.
  const agent = fromAgent
    ? watchAgent(home, (reason) => {
        dialog.showErrorBox('Locker locked', `Your locker was locked (${reason}), so Locker closes.\n\nUnlock it with \`locker unlock\` and start Locker again.`);
        app.quit();
      })
    : undefined;
  closeOnQuit(locker, ipc, () => agent?.stop());
  mainWindow = openWindow(ipc);
  app.on('window-all-closed', () => app.quit());
}

/** A plain locker opens as is; an encrypted one with the key of a running unlock agent, or not at all (`locked`). */
async function openTheLocker(home: string): Promise<{ opened: OpenLockerResult; fromAgent: boolean }> {
  const key = encryptionState(home).kind === 'encrypted' ? await keyFromAgent(home) : undefined;
  return { opened: openLocker(home, process.env, { key }), fromAgent: key !== undefined };
}

function openWindow(ipc: IpcHandlers): BrowserWindow {
  const win = new BrowserWindow(windowOptions(paths.preload, { devTools: !app.isPackaged }));
  const contentsId = win.webContents.id;
  win.once('ready-to-show', () => win.show());
  win.webContents.on('render-process-gone', (_event, details) => {
    log(`locker: the window's renderer stopped (${details.reason}); its calls are cancelled`);
    ipc.release(contentsId);
  });
  win.on('closed', () => {
    ipc.release(contentsId);
    if (mainWindow === win) mainWindow = undefined;
  });
  win.loadURL(APP_ENTRY).catch((e: unknown) => fatal('Locker could not show its window', e instanceof Error ? e.message : String(e)));
  return win;
}

/** A CSP on every response, and no permission for anything (camera, notifications, USB…). */
function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // The app's own responses carry their CSP already (protocol.ts), which stays; anything else the session loads gets the app's.
  ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: responseHeaders(details.url, details.responseHeaders) }));
}

/** `app://locker/`: the built renderer's files, and the locker's binaries under `/api/binary/<name>` (the photos' `<img src>`), as `locker serve` serves them. */
function serveApp(locker: Locker): void {
  session.defaultSession.protocol.handle(APP_SCHEME, async (request) => {
    const answer = await answerAppRequest(request, { rendererRoot: paths.rendererRoot, binaries: locker.store, log });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  });
}

/** Every webContents (the window, and anything that might ever appear): no navigation away from the app, no new windows, no `<webview>`. */
function harden(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('will-navigate', (event) => {
    if (!follow(navigationDecision(event.url))) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!follow(navigationDecision(event.url))) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    follow(windowOpenDecision(url));
    return { action: 'deny' };
  });
}

/** Carries out a link decision; true when the navigation may go ahead in the app. */
function follow(decision: LinkDecision): boolean {
  if (decision.kind === 'open-external') {
    shell.openExternal(decision.url).catch((e: unknown) => log(`locker: the browser could not open a link: ${e instanceof Error ? e.message : String(e)}`));
  }
  return decision.kind === 'allow';
}

/** On quit: cancel every running call, wait for them to wind down (a cancelled import rolls back), then close the locker. */
function closeOnQuit(locker: Locker, ipc: IpcHandlers, stopAgentWatch: () => void): void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    ipc.releaseAll();
    void ipc
      .idle()
      .then(() => {
        stopAgentWatch();
        locker.close();
      })
      .catch((e: unknown) => log(`locker: closing the locker failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  });
}

function fatal(title: string, content: string): void {
  log(`locker: ${title}: ${content}`);
  dialog.showErrorBox(title, content);
  app.exit(1);
}
