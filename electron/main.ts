import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import electronUpdater from 'electron-updater';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  net,
  Notification,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  type NativeImage,
  type OpenDialogOptions,
  type SaveDialogOptions,
  type WebContents,
} from 'electron';
import {
  createHandlers,
  DEFAULT_SETTINGS,
  defaultHome,
  encryptionState,
  expireGrants,
  IPC_CHANNELS,
  LOCAL_ONLY,
  openLocker,
  readSettings,
  restrictApi,
  type AppSettings,
  type HostHooks,
  type Locker,
  type LockerApi,
  type LockerEvent,
  type LockerStatus,
  type OpenLockerResult,
  type TaggedEvent,
} from '../shared/api/index.js';
import { openVault } from '../shared/auth/index.js';
import { writeFileDurable } from '../shared/durable/index.js';
import { keyFromAgent, watchAgent } from '../shared/crypto/index.js';
import { BackgroundTasks, observeCalls, SyncActivity, WATCHED_OPS } from './activity.js';
import { createIpcHandlers, type IpcHandlers } from './ipc.js';
import { sealerFromSafeStorage, vaultNotice } from './keychain.js';
import { appMenuTemplate, isAppRoute, type MenuActions } from './menu.js';
import { conflictNotice, expiringGrantNotices, exportNotice, importNotice, parseTold, serializeTold, syncFailedNotice, updateNotice, type ImportOutcome, type Notice } from './notify.js';
import { filesToImport, ImportQueue, importFraction, OPENABLE_EXTENSIONS, openableFiles } from './open-files.js';
import {
  APP_ENTRY,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  isAppFrame,
  navigationDecision,
  responseHeaders,
  shellDataFolder,
  shellPaths,
  startupProblem,
  windowOpenDecision,
  windowOptions,
  type LinkDecision,
} from './policy.js';
import { answerAppRequest } from './protocol.js';
import { trayIconFile, trayMenuTemplate, trayModel, type TrayActions, type TrayIconState, type TrayModel } from './tray.js';
import { hostUpdates, UpdateController, updateSupport } from './updates.js';
import { parseWindowState, placeWindow, stateOf, stateSaver, windowStateFile, withPlacement } from './window-state.js';

/**
 * The desktop shell's main process: wiring only. The policy (what is the app,
 * where links may go, the CSP, the window's options) is in `policy.ts`; what
 * `app://locker/` answers in `protocol.ts`; the IPC handler table in `ipc.ts`;
 * the OS integration's decisions in `menu.ts`, `tray.ts`, `notify.ts`,
 * `window-state.ts`, `open-files.ts`, `updates.ts`, `keychain.ts` and
 * `activity.ts`; all are unit-tested under Node. This file is type-checked
 * against Electron's own types (`tsc -p electron/tsconfig.json`).
 */

const paths = { ...shellPaths(import.meta.dirname), trayDir: path.join(import.meta.dirname, 'tray') };
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const APP_NAME = 'Locker';
/** As electron-builder.yml's `appId`: Windows shows notifications only for an app with this AppUserModelID. */
const APP_ID = 'org.locker.desktop';
const HOMEPAGE = 'https://github.com/locker-app/locker';
const HELP_LINKS = [
  { label: 'Locker Website', url: HOMEPAGE },
  { label: 'Report a Problem', url: `${HOMEPAGE}/issues` },
];
const LOCAL_POD_UNAVAILABLE = 'The desktop app cannot start the pod on this computer. Start it in a terminal with `locker pod local start`, which also connects this locker to it.';
/** How often the tray, the grants about to end and new conflicts are looked at. */
const REFRESH_MS = 60_000;

// All of these must happen before `ready` (and the user-data folder before the single-instance lock, which lives in it).
app.setPath('userData', shellDataFolder(app.getPath('appData')));
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

/** True for an existing regular file (what the OS hands over may be anything). */
function isRegularFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Files the OS handed to Locker; imported once the locker is open, one batch at a time. */
const imports = new ImportQueue();
let mainWindow: BrowserWindow | undefined;
/** Set once the locker is open and the window may be shown. */
let desktop: Desktop | undefined;

interface Desktop {
  readonly ipc: IpcHandlers;
  /** Shows the window (re-opening it when it was closed, on macOS), focused; at `route` when given. */
  show(route?: string): BrowserWindow;
}

if (!app.requestSingleInstanceLock()) {
  // Another Locker window is running: it gets focus and our files (`second-instance`), this one leaves.
  app.quit();
} else {
  // Windows and Linux: `locker file.ics`, "Open with" and a double click start a second instance, which hands its argv here.
  app.on('second-instance', (_event, argv, workingDirectory) => {
    imports.add(filesToImport(argv, { cwd: workingDirectory, isPackaged: app.isPackaged, exists: isRegularFile }));
    desktop?.show();
  });
  // macOS: "Open with", a double click, a drop on the dock icon; may come before `ready` (then it waits in the queue).
  app.on('open-file', (event, file) => {
    event.preventDefault();
    imports.add(openableFiles([file], isRegularFile));
    desktop?.show();
  });
  // The files this first instance was started with (Windows, Linux).
  imports.add(filesToImport(process.argv, { cwd: process.cwd(), isPackaged: app.isPackaged, exists: isRegularFile }));
  app.on('web-contents-created', (_event, contents) => harden(contents));
  start().catch((e: unknown) => fatal('Locker could not start', e instanceof Error ? (e.stack ?? e.message) : String(e)));
}

async function start(): Promise<void> {
  await app.whenReady();
  const startedMs = Date.now();
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
  const userData = app.getPath('userData');
  serveApp(locker);

  // Login secrets: sealed by the OS keychain through safeStorage (usable only now, after `ready`).
  const sealer = sealerFromSafeStorage(safeStorage, process.platform);
  // Logged when known; start-up does not wait for the keychain probe.
  void openVault(home, process.env, locker.dataKey, sealer).then(
    (vault) => {
      const secretsNotice = vaultNotice(vault);
      if (secretsNotice) log(secretsNotice);
    },
    (e: unknown) => log(`locker: where login secrets are kept could not be found out: ${errorText(e)}`),
  );

  // Updates: only an installed copy that can update itself, only with the person's yes (Settings), see updates.ts.
  const support = updateSupport({
    isPackaged: app.isPackaged,
    platform: process.platform,
    env: process.env,
    mas: process.mas === true,
    windowsStore: process.windowsStore === true,
    hasUpdateConfig: existsSync(path.join(process.resourcesPath, 'app-update.yml')),
    packageType: readText(path.join(process.resourcesPath, 'package-type'))?.trim(),
  });
  const updates = new UpdateController({
    updater: () => electronUpdater.autoUpdater,
    support,
    env: process.env,
    startedMs,
    lastCheck: {
      read: () => {
        const ms = Number(readText(path.join(userData, 'update-check.json'))?.trim());
        return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
      },
      write: (ms) => writeFileDurable(path.join(userData, 'update-check.json'), `${ms}\n`),
    },
    ui: {
      available: (version, consider) => (Notification.isSupported() ? notify(updateNotice(version), consider) : consider()),
      confirmDownload: async (version) => ask(`Download Locker ${version}?`, 'It is downloaded in the background and checked before anything is installed. You will be asked again before it is installed.', 'Download'),
      confirmInstall: async (version) => ask(`Locker ${version} is ready to install`, 'Locker quits, installs it and starts again. Running imports and syncs are stopped safely first.', 'Restart and Install'),
      log,
    },
  });

  const host: HostHooks = {
    chooseExportPath: async (suggested) => {
      const options: SaveDialogOptions = { title: 'Export everything', defaultPath: suggested, filters: [{ name: 'TriG (RDF dataset)', extensions: ['trig'] }], properties: ['createDirectory', 'showOverwriteConfirmation'] };
      const picked = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return picked.canceled || !picked.filePath ? undefined : picked.filePath;
    },
    updates: hostUpdates(support, process.env),
    onSettingsChanged: (settings) => {
      const plan = updates.apply(settings);
      log(`locker: update checks ${plan.kind === 'check' ? 'on' : `off (${plan.reason})`}`);
    },
    version: app.getVersion(),
    // The pod on this computer is a Node daemon the CLI spawns; the desktop app cannot (no `daemon.js` beside main.js,
    // and a packaged app's RunAsNode fuse is off, so its executable cannot run as Node).
    localPodUnavailable: LOCAL_POD_UNAVAILABLE,
  };

  // The full table is the main process's (files the OS opened, the tray, the menu); the page gets it without `export.run`.
  // Syncs and imports, whoever starts them, are watched: the tray shows a running sync and is redrawn when one ends.
  const activity = new SyncActivity(() => refresh.soon());
  const api: LockerApi = observeCalls(createHandlers(locker, { pod: { env: process.env, sealer }, host }), WATCHED_OPS, {
    started: (op) => activity.started(op),
    finished: (op, end) => activity.finished(op, end),
  });
  const ipc = createIpcHandlers({ api: restrictApi(api, LOCAL_ONLY.desktop), isTrustedFrame: isAppFrame, log });
  ipcMain.handle(IPC_CHANNELS.call, (event, ...args: unknown[]) => ipc.call(event, ...args));
  ipcMain.handle(IPC_CHANNELS.cancel, (event, ...args: unknown[]) => ipc.cancel(event, ...args));
  // A file the person dropped or picked in the window (the preload tells): the page's `import.start` takes only those.
  ipcMain.on(IPC_CHANNELS.picked, (event, ...args: unknown[]) => void ipc.picked(event, ...args));
  const tasks = new BackgroundTasks();

  // Holding a key from the unlock agent: when the agent locks (idle, sleep, `locker lock`), so does the app.
  const agent = fromAgent
    ? watchAgent(home, (reason) => {
        dialog.showErrorBox('Locker locked', `Your locker was locked (${reason}), so Locker closes.\n\nUnlock it with \`locker unlock\` and start Locker again.`);
        app.quit();
      })
    : undefined;

  const show = (route?: string): BrowserWindow => {
    const target = route !== undefined && isAppRoute(route) ? route : undefined;
    let win = mainWindow;
    if (!win) {
      win = mainWindow = openWindow(ipc, target);
    } else if (target) {
      // A page still loading may not listen yet: load it at the route instead.
      if (win.webContents.isLoading()) void win.loadURL(`${APP_ENTRY}${target}`).catch((e: unknown) => log(`locker: the window could not show ${target}: ${errorText(e)}`));
      else sendToPage(win, { type: 'app.navigate', to: target });
    }
    if (win.isMinimized()) win.restore();
    if (win.isVisible()) win.focus();
    return win;
  };
  desktop = { ipc, show };

  const syncNow = (): void => {
    if (activity.syncing) return;
    void tasks
      .run((signal) => api['sync.run']({}, { signal }))
      .then((result) => {
        if (!result) return;
        if (mainWindow && (result.kind === 'ok' || result.summary)) sendToPage(mainWindow, { type: 'app.changed' });
        if (result.kind === 'error') notify(syncFailedNotice(result.message, `sync@${Date.now()}`));
      })
      .catch((e: unknown) => log(`locker: sync failed: ${errorText(e)}`));
  };

  const exportEverything = (): void => {
    void tasks
      .run(() => api['data.export']({}))
      .then((result) => {
        if (!result) return;
        if (result.kind === 'error') log(`locker: export failed: ${result.message}`);
        notify(exportNotice(result, `export@${Date.now()}`));
      })
      .catch((e: unknown) => log(`locker: export failed: ${errorText(e)}`));
  };

  const pickFiles = async (): Promise<void> => {
    const options: OpenDialogOptions = { title: 'Import files into Locker', buttonLabel: 'Import', properties: ['openFile', 'multiSelections'], filters: [{ name: 'Files Locker reads', extensions: [...OPENABLE_EXTENSIONS] }] };
    const picked = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
    if (!picked.canceled) imports.add(openableFiles(picked.filePaths, isRegularFile));
  };

  const actions: MenuActions = {
    navigate: (route) => void show(route),
    importFiles: () => void pickFiles().catch((e: unknown) => log(`locker: the open dialog failed: ${errorText(e)}`)),
    exportEverything,
    syncNow,
    openExternal: (url) => void follow(windowOpenDecision(url)),
  };
  app.setAboutPanelOptions({ applicationName: APP_NAME, applicationVersion: app.getVersion(), copyright: 'Copyright © Locker contributors', website: HOMEPAGE });
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(process.platform, actions, { appName: APP_NAME, isPackaged: app.isPackaged, helpLinks: HELP_LINKS })));

  // The tray, the conflicts and the grants about to end: after every sync or import, and every minute.
  const tray = createTray(show);
  const told = parseTold(readText(path.join(userData, 'notified-grants.json')));
  let conflicts: number | undefined;
  const refresh = coalesced(async () => {
    if (desktop === undefined) return;
    let status: LockerStatus | undefined;
    try {
      status = await api.status({});
    } catch (e) {
      log(`locker: the locker's status could not be read: ${errorText(e)}`);
    }
    if (tray) drawTray(tray, trayModel(status, { syncing: activity.syncing, online: net.isOnline(), ...(activity.lastSyncError !== undefined && { lastSyncError: activity.lastSyncError }), now: Date.now() }), { open: () => void show(), syncNow, navigate: (route) => void show(route), quit: () => app.quit() });
    if (status) {
      notify(conflictNotice(conflicts, status.pod.conflicts));
      conflicts = status.pod.conflicts;
    }
    try {
      const grants = await api['grants.list']({});
      // A grant whose time is up is ended on the pod now (its rules removed), as `locker sync --watch` does; an error
      // (offline, logged out) is logged and tried again on the next tick.
      if (grants.some((g) => g.state === 'active' && Date.parse(g.until) <= Date.now())) {
        const ended = await expireGrants(locker, { env: process.env, sealer });
        if (ended.kind === 'error') log(`locker: grants whose time is up could not be ended yet: ${ended.message}`);
        else if (ended.expired.length > 0 && mainWindow) sendToPage(mainWindow, { type: 'app.changed' });
      }
      const due = expiringGrantNotices(grants, told, Date.now());
      for (const n of due.notices) notify(n);
      if (due.keys.length > 0) {
        for (const k of due.keys) told.add(k);
        writeFileDurable(path.join(userData, 'notified-grants.json'), serializeTold(told, Date.now()));
      }
    } catch (e) {
      log(`locker: grants could not be looked at: ${errorText(e)}`);
    }
  });
  const ticker = setInterval(() => refresh.soon(), REFRESH_MS);

  // Files opened with Locker: imported in the main process with the full table (the OS named them, not the page).
  imports.start(async (files, signal) => {
    const win = show();
    const progress = (fraction: number) => {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.setProgressBar(fraction);
    };
    progress(0);
    let outcome: ImportOutcome;
    try {
      const summary = await api['import.start'](
        { paths: [...files] },
        {
          signal,
          emit: (e) => {
            if (e.type === 'import.progress') progress(importFraction(e.progress));
          },
        },
      );
      outcome = { kind: 'ok', summary };
    } catch (e) {
      outcome = { kind: 'failed', message: errorText(e) };
      log(`locker: importing ${files.length} file(s) failed: ${outcome.message}`);
    } finally {
      progress(-1);
    }
    // Quitting: nothing to tell (a cancelled import keeps nothing it had not committed).
    if (signal.aborted) return;
    if (mainWindow) sendToPage(mainWindow, { type: 'app.changed' });
    notify(importNotice(outcome, files, `import@${Date.now()}`));
    if (!win.isDestroyed()) win.focus();
  });

  closeOnQuit(locker, {
    cancel: () => {
      desktop = undefined;
      clearInterval(ticker);
      ipc.releaseAll();
      imports.cancelAll();
      tasks.cancelAll();
    },
    idle: async () => {
      await Promise.all([ipc.idle(), imports.idle(), tasks.idle()]);
      await refresh.idle();
    },
    stop: () => {
      updates.stop();
      tray?.destroy();
      agent?.stop();
    },
  });

  // The import queue may have opened it already (Locker started with a file): one window only.
  mainWindow ??= openWindow(ipc);
  // Windows and Linux: closing the window quits. macOS: the app stays in the dock; `activate` opens the window again.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow && desktop) desktop.show();
  });
  refresh.soon();
  updates.apply(readSettingsOrDefault(home));
}

function readSettingsOrDefault(home: string): AppSettings {
  const read = readSettings(home);
  if (read.kind === 'error') log(`locker: ${read.message}; update checks stay off`);
  return read.kind === 'ok' ? read.settings : DEFAULT_SETTINGS;
}

/** A plain locker opens as is; an encrypted one with the key of a running unlock agent, or not at all (`locked`). */
async function openTheLocker(home: string): Promise<{ opened: OpenLockerResult; fromAgent: boolean }> {
  const key = encryptionState(home).kind === 'encrypted' ? await keyFromAgent(home) : undefined;
  return { opened: openLocker(home, process.env, { key }), fromAgent: key !== undefined };
}

function openWindow(ipc: IpcHandlers, route?: string): BrowserWindow {
  // Where it was last time, on a display that is still there (never touching webPreferences).
  const stateFile = windowStateFile(app.getPath('userData'));
  const placement = placeWindow(parseWindowState(readText(stateFile)), screen.getAllDisplays(), screen.getPrimaryDisplay());
  const win = new BrowserWindow(withPlacement(windowOptions(paths.preload, { devTools: !app.isPackaged }), placement));
  const contentsId = win.webContents.id;
  const saver = stateSaver(
    () => (win.isDestroyed() ? undefined : stateOf(win)),
    (text) => writeFileDurable(stateFile, text),
    { onError: (e) => log(`locker: the window's place could not be saved: ${errorText(e)}`) },
  );
  win.on('resize', () => saver.changed());
  win.on('move', () => saver.changed());
  win.on('maximize', () => saver.changed());
  win.on('unmaximize', () => saver.changed());
  win.on('enter-full-screen', () => saver.changed());
  win.on('leave-full-screen', () => saver.changed());
  win.on('close', () => saver.flush());
  win.once('ready-to-show', () => {
    if (placement.maximized) win.maximize();
    if (placement.fullScreen) win.setFullScreen(true);
    win.show();
  });
  win.webContents.on('render-process-gone', (_event, details) => {
    log(`locker: the window's renderer stopped (${details.reason}); its calls are cancelled`);
    ipc.release(contentsId);
  });
  win.on('closed', () => {
    ipc.release(contentsId);
    if (mainWindow === win) mainWindow = undefined;
  });
  win.loadURL(route !== undefined && isAppRoute(route) ? `${APP_ENTRY}${route}` : APP_ENTRY).catch((e: unknown) => fatal('Locker could not show its window', errorText(e)));
  return win;
}

/** An event from the host, not from a call (`app.navigate`, `app.changed`): the preload hands it to the page. */
function sendToPage(win: BrowserWindow, event: LockerEvent): void {
  if (win.isDestroyed() || win.webContents.isDestroyed()) return;
  const tagged: TaggedEvent = { callId: undefined, event };
  win.webContents.send(IPC_CHANNELS.event, tagged);
}

/** Notifications kept alive until clicked or closed (one collected too early loses its click handler). */
const shown = new Map<string, Notification>();

/** Shows a notice (when the OS supports notifications); a click shows its route, or does `onClick`. */
function notify(n: Notice | undefined, onClick?: () => void): void {
  if (!n || !Notification.isSupported()) return;
  shown.get(n.key)?.close();
  const note = new Notification({ title: n.title, body: n.body });
  shown.set(n.key, note);
  const forget = () => {
    if (shown.get(n.key) === note) shown.delete(n.key);
  };
  note.on('click', () => {
    forget();
    if (onClick) onClick();
    else desktop?.show(n.route);
  });
  note.on('close', forget);
  note.show();
}

/** A yes/no question (the window's sheet when there is one); true for the first button. */
async function ask(message: string, detail: string, yes: string): Promise<boolean> {
  const options = { type: 'question' as const, message, detail, buttons: [yes, 'Not Now'], defaultId: 0, cancelId: 1, noLink: true };
  const answer = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options);
  return answer.response === 0;
}

function createTray(show: (route?: string) => BrowserWindow): Tray | undefined {
  try {
    const tray = new Tray(trayImage('not-connected'));
    tray.setToolTip(APP_NAME);
    // Windows: a click on the icon opens the window (its menu is on the right button); elsewhere the menu opens.
    if (process.platform === 'win32') tray.on('click', () => void show());
    return tray;
  } catch (e) {
    log(`locker: no tray icon: ${errorText(e)}`);
    return undefined;
  }
}

const trayImages = new Map<TrayIconState, NativeImage>();
function trayImage(state: TrayIconState): NativeImage {
  let image = trayImages.get(state);
  if (!image) {
    image = nativeImage.createFromPath(trayIconFile(paths.trayDir, state, process.platform));
    if (image.isEmpty()) log(`locker: the tray icon ${state} is missing from ${paths.trayDir} (npm run build:electron renders them)`);
    trayImages.set(state, image);
  }
  return image;
}

function drawTray(tray: Tray, model: TrayModel, actions: TrayActions): void {
  if (tray.isDestroyed()) return;
  tray.setImage(trayImage(model.iconState));
  tray.setToolTip(model.tooltip);
  if (process.platform === 'darwin') tray.setTitle(model.title);
  tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(model, actions)));
}

/** Runs `work` soon, once however often it is asked for while it waits or runs (then once more after). */
function coalesced(work: () => Promise<void>): { soon(): void; idle(): Promise<void> } {
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): void => {
    running = work()
      .catch((e: unknown) => log(`locker: refreshing failed: ${errorText(e)}`))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  return {
    soon() {
      if (running) again = true;
      else run();
    },
    async idle() {
      while (running) await running;
    },
  };
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
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
    shell.openExternal(decision.url).catch((e: unknown) => log(`locker: the browser could not open a link: ${errorText(e)}`));
  }
  return decision.kind === 'allow';
}

/**
 * On quit: cancel every running call (the page's, the imports of opened
 * files, a sync or export from the tray or menu), wait for them to wind down
 * (a cancelled import rolls back), stop the timers, the tray and the update
 * checks, then close the locker.
 */
function closeOnQuit(locker: Locker, work: { cancel(): void; idle(): Promise<void>; stop(): void }): void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    work.cancel();
    void work
      .idle()
      .then(() => {
        work.stop();
        locker.close();
      })
      .catch((e: unknown) => log(`locker: closing the locker failed: ${errorText(e)}`))
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
