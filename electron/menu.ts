import type { MenuItemConstructorOptions } from 'electron';
import type { RecordType } from '../shared/model/index.js';

/**
 * The application menu as plain data (no runtime import of `electron`):
 * `main.ts` hands the template to `Menu.buildFromTemplate`. Every item that
 * does something of Locker's calls one of `MenuActions`; the rest are roles
 * (Electron's own behaviour: copy/paste in text fields, zoom, quit…).
 *
 * macOS: the app menu (About, Settings… ⌘,, Services, Hide, Quit), File,
 * Edit, View, Go, Window, Help. Windows and Linux: File (Import, Export,
 * Sync, Settings, Quit), Edit, View, Go, Help (with About).
 *
 * Role items carry their accelerator explicitly (the one Electron would
 * give them), so that every shortcut of the menu is in the template and can
 * be checked for clashes.
 */

/** The app's screens (`#/…` routes of the renderer). */
export const ROUTES = {
  home: '#/home',
  timeline: '#/timeline',
  search: '#/search',
  import: '#/import',
  duplicates: '#/duplicates',
  pod: '#/pod',
  sharing: '#/sharing',
  settings: '#/settings',
} as const;

/** The record types' screens, as the renderer names them (plural). */
export const TYPE_SCREENS: Readonly<Record<RecordType, string>> = {
  event: 'Calendar',
  contact: 'Contacts',
  place: 'Places',
  track: 'Trips',
  photo: 'Photos',
  purchase: 'Money',
  health: 'Health',
  post: 'Posts',
  message: 'Mail',
  bookmark: 'Bookmarks',
  reading: 'Reading',
  note: 'Notes',
};

export const typeRoute = (type: RecordType): string => `#/type/${type}`;

/** A route the host may send the page to (`app.navigate`) or open a window at: one of the app's screens, nothing else. */
export function isAppRoute(route: string): boolean {
  return /^#\/[a-z]+(\/[a-z-]+)?$/.test(route) && route.length <= 64;
}

export interface MenuActions {
  /** Show a screen of the app (focusing, or re-opening, the window). */
  navigate(route: string): void;
  /** "Import files…": an open dialog, then the main process's import queue. */
  importFiles(): void;
  /** "Export everything…": a save dialog, then `data.export`. */
  exportEverything(): void;
  syncNow(): void;
  /** An http(s) link of the Help menu, to the OS browser. */
  openExternal(url: string): void;
}

export interface MenuOptions {
  readonly appName: string;
  /** A packaged app has no reload and no DevTools. */
  readonly isPackaged: boolean;
  /** Help menu links (http(s) only; `main.ts` passes them through `externalUrl`). */
  readonly helpLinks: ReadonlyArray<{ readonly label: string; readonly url: string }>;
}

type Item = MenuItemConstructorOptions;
const separator: Item = { type: 'separator' };

/** Go: every screen; ⌘/Ctrl+1…5 for the sections, ⌘/Ctrl+F search, ⌘/Ctrl+I import. */
function goMenu(actions: MenuActions): Item {
  const go = (label: string, route: string, accelerator?: string): Item => ({ label, ...(accelerator && { accelerator }), click: () => actions.navigate(route) });
  return {
    label: 'Go',
    submenu: [
      go('Home', ROUTES.home, 'CmdOrCtrl+1'),
      go('Timeline', ROUTES.timeline, 'CmdOrCtrl+2'),
      go('Search', ROUTES.search, 'CmdOrCtrl+F'),
      separator,
      {
        label: 'Your Records',
        submenu: (Object.entries(TYPE_SCREENS) as Array<[RecordType, string]>).map(([type, label]) => go(label, typeRoute(type))),
      },
      separator,
      go('Import', ROUTES.import, 'CmdOrCtrl+I'),
      go('Duplicates', ROUTES.duplicates, 'CmdOrCtrl+3'),
      go('Pod and Sync', ROUTES.pod, 'CmdOrCtrl+4'),
      go('Sharing', ROUTES.sharing, 'CmdOrCtrl+5'),
    ],
  };
}

function editMenu(mac: boolean): Item {
  return {
    label: 'Edit',
    submenu: [
      { role: 'undo', accelerator: 'CmdOrCtrl+Z' },
      { role: 'redo', accelerator: mac ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Y' },
      separator,
      { role: 'cut', accelerator: 'CmdOrCtrl+X' },
      { role: 'copy', accelerator: 'CmdOrCtrl+C' },
      { role: 'paste', accelerator: 'CmdOrCtrl+V' },
      ...(mac ? [{ role: 'pasteAndMatchStyle', accelerator: 'Option+Shift+CmdOrCtrl+V' } satisfies Item] : []),
      { role: 'delete' },
      { role: 'selectAll', accelerator: 'CmdOrCtrl+A' },
    ],
  };
}

function viewMenu(mac: boolean, opts: MenuOptions): Item {
  const dev: Item[] = opts.isPackaged
    ? []
    : [{ role: 'reload', accelerator: 'CmdOrCtrl+R' }, { role: 'forceReload', accelerator: 'Shift+CmdOrCtrl+R' }, { role: 'toggleDevTools', accelerator: mac ? 'Alt+Cmd+I' : 'Ctrl+Shift+I' }, separator];
  return {
    label: 'View',
    submenu: [
      ...dev,
      { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
      { role: 'zoomIn', accelerator: 'CmdOrCtrl+Plus' },
      { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
      separator,
      { role: 'togglefullscreen', accelerator: mac ? 'Ctrl+Cmd+F' : 'F11' },
    ],
  };
}

function helpItems(actions: MenuActions, opts: MenuOptions): Item[] {
  return opts.helpLinks.map((link) => ({ label: link.label, click: () => actions.openExternal(link.url) }));
}

export function appMenuTemplate(platform: NodeJS.Platform, actions: MenuActions, opts: MenuOptions): MenuItemConstructorOptions[] {
  const importItem: Item = { label: 'Import Files…', accelerator: 'CmdOrCtrl+O', click: () => actions.importFiles() };
  const exportItem: Item = { label: 'Export Everything…', accelerator: 'Shift+CmdOrCtrl+E', click: () => actions.exportEverything() };
  const syncItem: Item = { label: 'Sync Now', accelerator: 'Shift+CmdOrCtrl+S', click: () => actions.syncNow() };
  const settingsItem: Item = { label: platform === 'darwin' ? 'Settings…' : 'Settings', accelerator: 'CmdOrCtrl+,', click: () => actions.navigate(ROUTES.settings) };

  if (platform === 'darwin') {
    return [
      {
        label: opts.appName,
        submenu: [
          { role: 'about', label: `About ${opts.appName}` },
          separator,
          settingsItem,
          separator,
          { role: 'services' },
          separator,
          { role: 'hide', label: `Hide ${opts.appName}`, accelerator: 'Cmd+H' },
          { role: 'hideOthers', accelerator: 'Alt+Cmd+H' },
          { role: 'unhide' },
          separator,
          { role: 'quit', label: `Quit ${opts.appName}`, accelerator: 'Cmd+Q' },
        ],
      },
      { label: 'File', submenu: [importItem, exportItem, separator, syncItem, separator, { role: 'close', accelerator: 'Cmd+W' }] },
      editMenu(true),
      viewMenu(true, opts),
      goMenu(actions),
      { role: 'windowMenu' },
      { role: 'help', submenu: helpItems(actions, opts) },
    ];
  }
  return [
    { label: '&File', submenu: [importItem, exportItem, separator, syncItem, separator, settingsItem, separator, { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' }] },
    { ...editMenu(false), label: '&Edit' },
    { ...viewMenu(false, opts), label: '&View' },
    { ...goMenu(actions), label: '&Go' },
    { role: 'help', label: '&Help', submenu: [...helpItems(actions, opts), separator, { role: 'about', label: `About ${opts.appName}` }] },
  ];
}
