import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import electronUpdater from 'electron-updater';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandlers, LOCAL_ONLY, restrictApi, type GrantView, type ImportProgress, type LockerStatus , type ImportSummary } from '../shared/api/index.js';
import { openVault, sealerState } from '../shared/auth/index.js';
import { writeFileDurable } from '../shared/durable/index.js';
import { RECORD_TYPES } from '../shared/model/index.js';
import { BackgroundTasks, observeCalls, SyncActivity, WATCHED_OPS } from '../electron/activity.js';
import { sealerFromSafeStorage, vaultNotice, type SafeStorageLike } from '../electron/keychain.js';
import { appMenuTemplate, isAppRoute, ROUTES, TYPE_SCREENS, typeRoute, type MenuActions } from '../electron/menu.js';
import {
  agentLabel,
  conflictNotice,
  expiringGrantNotices,
  exportNotice,
  fileLabel,
  grantNoticeKey,
  importNotice,
  MAX_BODY,
  MAX_TITLE,
  parseTold,
  plainText,
  serializeTold,
  syncFailedNotice,
  updateNotice,
  type GrantFacts,
  type Notice,
} from '../electron/notify.js';
import { filesToImport, ImportQueue, importFraction, isOpenable, MAX_OPENED, OPENABLE_EXTENSIONS, openableFiles } from '../electron/open-files.js';
import { windowOptions } from '../electron/policy.js';
import { renderTrayIcons } from '../electron/tray-icons.js';
import { ago, MAX_TOOLTIP, TRAY_STATES, trayIconFile, trayMenuTemplate, trayModel, type TrayModel } from '../electron/tray.js';
import {
  CHECK_INTERVAL_MS,
  configureUpdater,
  hostUpdates,
  RETRY_MS,
  STARTUP_DELAY_MS,
  UpdateController,
  updatePlan,
  updateSupport,
  type UpdateSupportFacts,
  type UpdaterLike,
  type UpdateUi,
} from '../electron/updates.js';
import { DEFAULT_SIZE, MIN_SIZE, parseWindowState, placeWindow, serializeWindowState, stateOf, stateSaver, windowStateFile, withPlacement, type DisplayArea, type WindowState } from '../electron/window-state.js';

/** A whole import summary from the parts a test cares about. */
function sum(part: Partial<ImportSummary>): ImportSummary {
  return { imported: 0, updated: 0, unchanged: 0, skipped: 0, duplicates: 0, seen: 0, errors: [], skippedItems: [], ...part };
}
import { FIXTURES, openTemp, tempHome } from './helpers/home.js';

/**
 * The desktop app's OS integration without Electron (no runtime can be
 * launched here): the menu, the tray, notifications, the window's place,
 * files opened with Locker, the update policy and the keychain adapter, each
 * a plain module that `electron/main.ts` wires into Electron.
 */

let cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function temp(): string {
  const t = tempHome('locker-os-');
  cleanups.push(t.cleanup);
  return t.home;
}

// ---------------------------------------------------------------- menu

type Item = MenuItemConstructorOptions;

function flatten(items: readonly Item[]): Item[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

function recordingActions(): { actions: MenuActions; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    actions: {
      navigate: (route) => calls.push(`navigate ${route}`),
      importFiles: () => calls.push('importFiles'),
      exportEverything: () => calls.push('exportEverything'),
      syncNow: () => calls.push('syncNow'),
      openExternal: (url) => calls.push(`open ${url}`),
    },
  };
}

const HELP = [
  { label: 'Locker Website', url: 'https://locker.example/' },
  { label: 'Report a Problem', url: 'https://locker.example/issues' },
];

function menu(platform: NodeJS.Platform, isPackaged = true): { template: Item[]; calls: string[] } {
  const { actions, calls } = recordingActions();
  return { template: appMenuTemplate(platform, actions, { appName: 'Locker', isPackaged, helpLinks: HELP }), calls };
}

function click(item: Item): void {
  (item.click as unknown as (() => void) | undefined)?.();
}

/** An accelerator as the platform reads it: CmdOrCtrl resolved, modifiers in one order, case ignored. */
function canonical(accelerator: string, platform: NodeJS.Platform): string {
  const keys = accelerator.split('+').map((k) => {
    const l = k.toLowerCase();
    if (l === 'cmdorctrl' || l === 'commandorcontrol') return platform === 'darwin' ? 'cmd' : 'ctrl';
    if (l === 'command') return 'cmd';
    if (l === 'control') return 'ctrl';
    if (l === 'option') return 'alt';
    return l;
  });
  const key = keys.pop() ?? '';
  return [...keys.sort(), key].join('+');
}

const roles = (items: readonly Item[]): string[] => items.map((i) => i.role).filter((r): r is NonNullable<Item['role']> => r !== undefined);
const submenuOf = (item: Item | undefined): Item[] => (Array.isArray(item?.submenu) ? item.submenu : []);

describe('application menu (electron/menu.ts)', () => {
  it('macOS: the app menu named Locker first, with About, Settings… (⌘,), Services, Hide/Hide Others/Show All and Quit', () => {
    const { template, calls } = menu('darwin');
    expect(template.map((m) => m.label ?? m.role)).toEqual(['Locker', 'File', 'Edit', 'View', 'Go', 'windowMenu', 'help']);
    const appMenu = submenuOf(template[0]);
    expect(roles(appMenu)).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    const settings = appMenu.find((i) => i.label === 'Settings…');
    expect(settings?.accelerator).toBe('CmdOrCtrl+,');
    click(settings ?? {});
    expect(calls).toEqual(['navigate #/settings']);
    expect(appMenu.find((i) => i.role === 'quit')?.accelerator).toBe('Cmd+Q');
    // Text fields on macOS need the Edit menu's roles for copy and paste to work at all.
    expect(roles(submenuOf(template[2]))).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']));
    expect(template[5]).toEqual({ role: 'windowMenu' });
    // Nothing of the app menu's roles is in the Help menu on macOS (About is in the app menu).
    expect(roles(submenuOf(template[6]))).toEqual([]);
  });

  it.each(['win32', 'linux'] as const)('%s: File (Import ⌃O, Export, Sync, Settings ⌃,, Quit ⌃Q), Edit, View, Go, Help with About; no macOS roles', (platform) => {
    const { template, calls } = menu(platform);
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Go', '&Help']);
    const file = submenuOf(template[0]);
    expect(file.filter((i) => i.type !== 'separator').map((i) => i.label ?? i.role)).toEqual(['Import Files…', 'Export Everything…', 'Sync Now', 'Settings', 'Quit']);
    expect(file.find((i) => i.label === 'Import Files…')?.accelerator).toBe('CmdOrCtrl+O');
    expect(file.find((i) => i.label === 'Settings')?.accelerator).toBe('CmdOrCtrl+,');
    expect(file.find((i) => i.role === 'quit')?.accelerator).toBe('Ctrl+Q');
    expect(file.at(-1)?.role).toBe('quit');
    expect(file.at(-2)?.type).toBe('separator');
    for (const item of file) click(item);
    expect(calls).toEqual(['importFiles', 'exportEverything', 'syncNow', 'navigate #/settings']);
    expect(roles(submenuOf(template[4]))).toEqual(['about']);
    const all = roles(flatten(template));
    for (const macOnly of ['services', 'hide', 'hideOthers', 'unhide', 'windowMenu', 'front', 'pasteAndMatchStyle']) expect(all).not.toContain(macOnly);
    expect(all).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']));
  });

  it('reload and DevTools only when not packaged', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const packaged = roles(flatten(menu(platform, true).template));
      const dev = roles(flatten(menu(platform, false).template));
      for (const role of ['reload', 'forceReload', 'toggleDevTools'] as const) {
        expect(packaged).not.toContain(role);
        expect(dev).toContain(role);
      }
    }
  });

  it('no two items share a shortcut, on any platform, packaged or not', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      for (const packaged of [true, false]) {
        const accelerators = flatten(menu(platform, packaged).template)
          .map((i) => i.accelerator)
          .filter((a): a is string => a !== undefined)
          .map((a) => canonical(a, platform));
        expect(accelerators.length).toBeGreaterThan(15);
        expect(new Set(accelerators).size, `${platform} ${packaged}: ${accelerators.join(' ')}`).toBe(accelerators.length);
      }
    }
  });

  it('Go: every screen and every record type, with ⌘/Ctrl+1…5, F for search, I for import', () => {
    for (const platform of ['darwin', 'linux'] as const) {
      const { template, calls } = menu(platform);
      const go = template.find((m) => m.label === 'Go' || m.label === '&Go');
      const items = flatten(submenuOf(go)).filter((i) => i.click);
      for (const item of items) click(item);
      const routes = calls.map((c) => c.replace(/^navigate /, ''));
      expect(routes).toEqual(expect.arrayContaining(Object.values(ROUTES).filter((r) => r !== ROUTES.settings)));
      expect(routes).toEqual(expect.arrayContaining(RECORD_TYPES.map(typeRoute)));
      expect(routes.every(isAppRoute)).toBe(true);
      const byRoute = new Map(items.map((i, n) => [routes[n], i.accelerator]));
      expect(byRoute.get('#/home')).toBe('CmdOrCtrl+1');
      expect(byRoute.get('#/timeline')).toBe('CmdOrCtrl+2');
      expect(byRoute.get('#/search')).toBe('CmdOrCtrl+F');
      expect(byRoute.get('#/import')).toBe('CmdOrCtrl+I');
      expect(['#/duplicates', '#/pod', '#/sharing'].map((r) => byRoute.get(r))).toEqual(['CmdOrCtrl+3', 'CmdOrCtrl+4', 'CmdOrCtrl+5']);
    }
    expect(Object.keys(TYPE_SCREENS).sort()).toEqual([...RECORD_TYPES].sort());
  });

  it('every action is wired: clicking every item of each platform calls each action, Help links open externally', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const { template, calls } = menu(platform);
      for (const item of flatten(template)) click(item);
      expect(calls).toEqual(expect.arrayContaining(['importFiles', 'exportEverything', 'syncNow', 'navigate #/settings', ...HELP.map((l) => `open ${l.url}`)]));
      // Items without a click are roles or separators (Electron's own behaviour), never a dead entry.
      for (const item of flatten(template)) expect(item.click !== undefined || item.role !== undefined || item.type === 'separator' || Array.isArray(item.submenu), JSON.stringify(item)).toBe(true);
    }
  });

  it('isAppRoute: the app screens only', () => {
    for (const ok of ['#/home', '#/pod', '#/type/event', '#/sharing/grants']) expect(isAppRoute(ok)).toBe(true);
    for (const bad of ['https://evil.example/#/home', 'javascript:alert(1)', '#/../etc', '#/home?x=<b>', '#//evil', '', '#/', `#/${'a'.repeat(80)}`, 'app://locker/index.html']) expect(isAppRoute(bad), bad).toBe(false);
  });
});

// ---------------------------------------------------------------- tray

const NOW = Date.parse('2026-11-29T12:00:00Z');

function status(pod: Partial<LockerStatus['pod']>, total = 1234): Pick<LockerStatus, 'total' | 'pod'> {
  return { total, pod: { connected: true, pending: 0, conflicts: 0, ...pod } };
}

const calm = { syncing: false, online: true, now: NOW };
const item = (m: TrayModel, kind: string) => m.items.find((i) => i.kind === kind);

describe('tray (electron/tray.ts)', () => {
  it('not connected: says so, Sync Now disabled', () => {
    const m = trayModel(status({ connected: false }), calm);
    expect(m.iconState).toBe('not-connected');
    expect(m.tooltip).toBe('Locker — 1,234 records · not connected to a pod');
    expect(item(m, 'sync')).toMatchObject({ enabled: false });
  });

  it('all well: ok, last sync time, Sync Now enabled; no conflicts item', () => {
    const m = trayModel(status({ lastSync: new Date(NOW - 5 * 60_000).toISOString() }), calm);
    expect(m.iconState).toBe('ok');
    expect(m.tooltip).toBe('Locker — 1,234 records · synced 5 min ago');
    expect(item(m, 'sync')).toMatchObject({ enabled: true, label: 'Sync Now' });
    expect(item(m, 'navigate')).toBeUndefined();
    expect(m.items.map((i) => i.kind)).toEqual(['open', 'sync', 'separator', 'quit']);
    expect(m.title).toBe('');
  });

  it('conflicts: an item "N conflicts — review" to #/pod, the count as the macOS title', () => {
    const m = trayModel(status({ conflicts: 3 }), calm);
    expect(m.iconState).toBe('conflicts');
    expect(item(m, 'navigate')).toEqual({ kind: 'navigate', label: '3 conflicts — review', route: '#/pod' });
    expect(m.title).toBe('3');
    expect(trayModel(status({ conflicts: 1 }), calm).items.find((i) => i.kind === 'navigate')).toMatchObject({ label: '1 conflict — review' });
  });

  it('syncing (disables Sync Now), offline, a failed sync, an unreadable status', () => {
    const syncing = trayModel(status({ conflicts: 2 }), { ...calm, syncing: true });
    expect(syncing.iconState).toBe('syncing');
    expect(item(syncing, 'sync')).toMatchObject({ enabled: false, label: 'Syncing…' });
    expect(trayModel(status({}), { ...calm, online: false }).iconState).toBe('offline');
    const failed = trayModel(status({}), { ...calm, lastSyncError: 'the pod answered 503' });
    expect(failed.iconState).toBe('error');
    expect(failed.tooltip).toContain('sync failed: the pod answered 503');
    const broken = trayModel(undefined, calm);
    expect(broken.iconState).toBe('error');
    expect(item(broken, 'sync')).toMatchObject({ enabled: false });
  });

  it('the tooltip is one line of at most 127 characters, whatever the error says', () => {
    const m = trayModel(status({}), { ...calm, lastSyncError: `line one\nline two\u0007 ${'x'.repeat(500)}` });
    expect([...m.tooltip].length).toBeLessThanOrEqual(MAX_TOOLTIP);
    expect(m.tooltip).not.toMatch(/[\n\u0007]/);
    expect(m.tooltip.endsWith('…')).toBe(true);
  });

  it('the menu template calls the tray actions', () => {
    const calls: string[] = [];
    const m = trayModel(status({ conflicts: 2 }), calm);
    const template = trayMenuTemplate(m, { open: () => calls.push('open'), syncNow: () => calls.push('sync'), navigate: (r) => calls.push(`go ${r}`), quit: () => calls.push('quit') });
    expect(template.map((i) => i.label ?? i.type)).toEqual(['Open Locker', 'Sync Now', '2 conflicts — review', 'separator', 'Quit Locker']);
    for (const i of template) click(i);
    expect(calls).toEqual(['open', 'sync', 'go #/pod', 'quit']);
    expect(trayMenuTemplate(trayModel(status({ connected: false }), calm), { open() {}, syncNow() {}, navigate() {}, quit() {} })[1]?.enabled).toBe(false);
  });

  it('icon files: a template on macOS, one per state elsewhere; relative times', () => {
    expect(trayIconFile('/d', 'conflicts', 'darwin')).toBe(path.join('/d', 'trayTemplate.png'));
    expect(trayIconFile('/d', 'conflicts', 'win32')).toBe(path.join('/d', 'conflicts.png'));
    expect(trayIconFile('/d', 'offline', 'linux')).toBe(path.join('/d', 'offline.png'));
    expect([ago(NOW - 10_000, NOW), ago(NOW - 59 * 60_000, NOW), ago(NOW - 3 * 3_600_000, NOW), ago(NOW - 49 * 3_600_000, NOW), ago(NaN, NOW)]).toEqual(['just now', '59 min ago', '3 h ago', '2 days ago', 'at an unknown time']);
  });

  it('renders every tray icon with sharp: 16 and 32 px, a distinct badge colour per state, a black-only macOS template', async () => {
    const out = path.join(temp(), 'tray');
    const files = await renderTrayIcons(path.resolve(import.meta.dirname, '../renderer/public/icon.svg'), out);
    expect(files).toHaveLength(2 * (TRAY_STATES.length + 1));
    const badgeColours = new Set<string>();
    for (const state of TRAY_STATES) {
      for (const [suffix, size] of [['', 16], ['@2x', 32]] as const) {
        const file = path.join(out, `${state}${suffix}.png`);
        const meta = await sharp(file).metadata();
        expect([meta.width, meta.height, meta.format]).toEqual([size, size, 'png']);
      }
      // Sample the badge's middle (lower right) of the 32 px icon; "not connected" is a ring with a white middle, so sample its edge.
      const { data } = await sharp(path.join(out, `${state}@2x.png`)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const at = (x: number, y: number) => [...data.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 3)].join(',');
      badgeColours.add(state === 'not-connected' ? at(24, 30) : at(24, 24));
    }
    expect(badgeColours.size).toBe(TRAY_STATES.length - 1); // offline and not-connected share grey (one a dot, one a ring)
    for (const suffix of ['', '@2x']) {
      const { data, info } = await sharp(path.join(out, `trayTemplate${suffix}.png`)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      expect(info.width).toBe(suffix ? 32 : 16);
      let opaque = 0;
      let clear = 0;
      for (let i = 0; i < info.width * info.height; i++) {
        const [r = 0, g = 0, b = 0, a = 0] = data.subarray(i * 4, i * 4 + 4);
        expect(r + g + b, 'a template image is black (its alpha is the shape)').toBe(0);
        if (a > 200) opaque++;
        if (a === 0) clear++;
      }
      expect(opaque).toBeGreaterThan(info.width * 2);
      expect(clear).toBeGreaterThan(info.width * 2);
    }
  });
});

// ---------------------------------------------------------------- notifications

/** Nothing a notification server could read as markup or a terminal/bidi trick. */
function expectPlain(n: Notice): void {
  for (const text of [n.title, n.body]) {
    expect(text).not.toMatch(/[<>&\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
  }
  expect([...n.title].length).toBeLessThanOrEqual(MAX_TITLE);
  expect([...n.body].length).toBeLessThanOrEqual(MAX_BODY);
  expect(isAppRoute(n.route)).toBe(true);
}

function grant(id: string, untilMs: number, over: Partial<GrantFacts> = {}): GrantFacts {
  return { id, agent: 'https://bot.example/profile#me', what: ['Calendar'], until: new Date(untilMs).toISOString(), state: 'active', ...over };
}

describe('notifications (electron/notify.ts)', () => {
  it('plainText: control, zero-width and bidi characters out, markup characters defused, capped by code points', () => {
    expect(plainText('a\u0000b\nc\r\n\td\u001b[31me', 100)).toBe('a b c d [31me');
    expect(plainText('invoice\u202Efdp.exe', 100)).toBe('invoicefdp.exe');
    expect(plainText('a\u200bb\ufeffc\u2066d\u2028e', 100)).toBe('abcd e');
    expect(plainText('<b>bold</b> & <img src=x onerror=alert(1)>', 100)).toBe('‹b›bold‹/b› ＆ ‹img src=x onerror=alert(1)›');
    expect(plainText('😀'.repeat(10), 5)).toBe('😀😀😀😀…');
    expect(plainText('  many    spaces  ', 100)).toBe('many spaces');
  });

  it('fileLabel: the name only, plain, long ones shortened in the middle keeping the extension', () => {
    expect(fileLabel('/home/me/Downloads/calendar.ics')).toBe('calendar.ics');
    expect(fileLabel('C:\\Users\\me\\contacts.vcf')).toBe('contacts.vcf');
    const long = fileLabel(`/tmp/${'a'.repeat(300)}.ics`);
    expect([...long].length).toBeLessThanOrEqual(40);
    expect(long.endsWith('.ics')).toBe(true);
    expect(fileLabel('/tmp/\u202Eevil<script>\n.ics')).toBe('evil‹script› .ics');
  });

  it('a finished import: records added, from which files, which failed; untrusted names made plain', () => {
    const files = ['/a/calendar.ics', '/a/contacts.vcf', '/a/<img src=x>\u202E.csv', '/a/more.gpx'];
    const ok = importNotice({ kind: 'ok', summary: sum({ imported: 12, updated: 3, unchanged: 0, skipped: 0, duplicates: 0, seen: 15, errors: [], skippedItems: [] }) }, files, 'k1');
    expect(ok).toEqual({ key: 'k1', title: 'Import finished', body: '12 records added, 3 records updated from calendar.ics, contacts.vcf and 2 more files.', route: '#/timeline' });
    expectPlain(ok);
    const partly = importNotice({ kind: 'ok', summary: sum({ imported: 1, errors: [{ file: files[2] ?? '', message: 'not CSV <b>' }] }) }, files, 'k2');
    expect(partly.title).toBe('Import finished with problems');
    expect(partly.body).toContain('‹img src=x›.csv could not be read.');
    expect(partly.body).not.toContain('not CSV');
    expect(partly.route).toBe('#/import');
    expectPlain(partly);
    const none = importNotice({ kind: 'ok', summary: sum({ imported: 0, updated: 0, unchanged: 6, errors: [] }) }, ['/a/calendar.ics'], 'k3');
    expect(none.body).toBe('Nothing new in calendar.ics: 6 records were already in Locker.');
    const failed = importNotice({ kind: 'failed', message: 'disk full' }, ['/a/x.ics'], 'k4');
    expect(failed).toMatchObject({ title: 'Import failed', route: '#/import' });
    const allBad = importNotice({ kind: 'ok', summary: sum({ errors: [{ file: '/a/1.csv', message: '' }, { file: '/a/2.csv', message: '' }] }) }, ['/a/1.csv', '/a/2.csv'], 'k5');
    expect(allBad.title).toBe('Import failed');
    expect(allBad.body).toContain('2 files could not be read.');
    const some = importNotice({ kind: 'ok', summary: sum({ imported: 4, skipped: 2, seen: 6 }) }, ['/a/calendar.ics'], 'k7');
    expect(some).toMatchObject({ title: 'Import finished with problems', body: '4 records added from calendar.ics. 2 items could not be read and were skipped.', route: '#/import' });
    const huge = importNotice({ kind: 'ok', summary: sum({ imported: 1, updated: 0, unchanged: 0, skipped: 0, duplicates: 0, seen: 1, errors: [], skippedItems: [] }) }, [`/${'é'.repeat(5000)}.ics`, `/${'x'.repeat(5000)}.ics`], 'k6');
    expectPlain(huge);
  });

  it('grants ending within 24 h: told once per grant and end; extended grants told again; ended or far ones not', () => {
    const hour = 3_600_000;
    const grants = [grant('g1', NOW + 3 * hour), grant('g2', NOW + 30 * hour), grant('g3', NOW - hour), grant('g4', NOW + 2 * hour, { state: 'revoked' }), grant('g5', NOW + 20 * hour, { agent: 'https://<b>evil</b>.example/#me', what: ['Calendar', 'Contacts<script>'] })];
    const first = expiringGrantNotices(grants, new Set(), NOW);
    expect(first.notices.map((n) => n.key)).toEqual([grantNoticeKey(grants[0] as GrantFacts), grantNoticeKey(grants[4] as GrantFacts)]);
    expect(first.notices[0]).toMatchObject({ title: 'Access for bot.example ends in 3 hours', route: '#/sharing' });
    expect(first.notices[0]?.body).toContain('Calendar');
    for (const n of first.notices) expectPlain(n);
    const told = new Set(first.keys);
    expect(expiringGrantNotices(grants, told, NOW + 60_000).notices).toEqual([]);
    // Extended: a new end is a new occurrence.
    const extended = [grant('g1', NOW + 10 * hour)];
    expect(expiringGrantNotices(extended, told, NOW).notices).toHaveLength(1);
    expect(expiringGrantNotices([grant('g9', NOW + 30 * 60_000)], new Set(), NOW).notices[0]?.title).toBe('Access for bot.example ends within the hour');
  });

  it('many grants ending at once: one notice, every one marked as told', () => {
    const many = Array.from({ length: 6 }, (_, i) => grant(`m${i}`, NOW + (i + 1) * 3_600_000, { agent: `https://bot${i}.example/#me` }));
    const due = expiringGrantNotices(many, new Set(), NOW);
    expect(due.notices).toHaveLength(1);
    expect(due.notices[0]?.title).toBe('6 accesses end within a day');
    expect(due.notices[0]?.body).toContain('and 3 more');
    expect(due.keys).toHaveLength(6);
    expectPlain(due.notices[0] as Notice);
  });

  it('the told set survives a restart (userData), garbage reads as empty, past ends are dropped', () => {
    const told = new Set([grantNoticeKey(grant('a', NOW + 3_600_000)), grantNoticeKey(grant('b', NOW - 3_600_000))]);
    const file = path.join(temp(), 'notified-grants.json');
    writeFileDurable(file, serializeTold(told, NOW));
    expect([...parseTold(readFileSync(file, 'utf8'))]).toEqual([grantNoticeKey(grant('a', NOW + 3_600_000))]);
    for (const garbage of [undefined, '', 'not json', '{"a":1}', '[1,2]', JSON.stringify(['x'.repeat(1000)])]) expect(parseTold(garbage).size).toBe(0);
  });

  it('new conflicts: only when the count rose since the last look (not at the first)', () => {
    expect(conflictNotice(undefined, 5)).toBeUndefined();
    expect(conflictNotice(2, 2)).toBeUndefined();
    expect(conflictNotice(3, 1)).toBeUndefined();
    expect(conflictNotice(0, 1)).toMatchObject({ title: 'A record changed in two places', route: '#/pod' });
    const more = conflictNotice(1, 4);
    expect(more).toMatchObject({ title: '3 records changed in two places', body: '4 conflicts to review: choose which version to keep on the Pod screen.' });
  });

  it('update, export and sync notices', () => {
    const u = updateNotice('9.9.9<script>\n');
    expect(u.title).toBe('Locker 9.9.9‹script› is available');
    expectPlain(u);
    expect(exportNotice({ kind: 'cancelled' }, 'e')).toBeUndefined();
    expect(exportNotice({ kind: 'saved', records: 3, binaries: 1, file: '/x/locker-export.trig', filesDir: '/x/files' }, 'e')).toMatchObject({ title: 'Export saved', body: '3 records and 1 file written to locker-export.trig.' });
    expect(exportNotice({ kind: 'error', message: 'EACCES /secret/path' }, 'e')?.body).not.toContain('/secret');
    const s = syncFailedNotice('fetch failed\n<b>', 's');
    expect(s).toMatchObject({ title: 'Sync failed', route: '#/pod' });
    expectPlain(s);
    expect(agentLabel('not a url \u202E')).toBe('not a url');
  });
});

// ---------------------------------------------------------------- window state

const primary: DisplayArea = { workArea: { x: 0, y: 25, width: 1920, height: 1055 } };
const left: DisplayArea = { workArea: { x: -1280, y: 0, width: 1280, height: 1024 } };

describe('window state (electron/window-state.ts)', () => {
  it('garbage reads as no state; a good file round-trips', () => {
    for (const bad of [undefined, '', 'nope', 'null', '[]', '{}', '{"bounds":{"x":"1","y":0,"width":900,"height":700}}', '{"bounds":{"x":0,"y":0,"width":0,"height":700}}', '{"bounds":{"x":1e12,"y":0,"width":900,"height":700}}', '{"bounds":{"x":0.5,"y":0,"width":900,"height":700}}']) {
      expect(parseWindowState(bad), String(bad)).toBeUndefined();
    }
    const state: WindowState = { bounds: { x: 10, y: 40, width: 900, height: 700 }, maximized: true, fullScreen: false };
    expect(parseWindowState(serializeWindowState(state))).toEqual(state);
    expect(parseWindowState('{"bounds":{"x":1,"y":2,"width":900,"height":700}}')).toEqual({ bounds: { x: 1, y: 2, width: 900, height: 700 }, maximized: false, fullScreen: false });
  });

  it('no state: 1200×800 centred on the primary display (or the work area, if smaller)', () => {
    expect(placeWindow(undefined, [primary], primary)).toEqual({ bounds: { x: 360, y: 153, width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height }, maximized: false, fullScreen: false });
    const small: DisplayArea = { workArea: { x: 0, y: 0, width: 1024, height: 700 } };
    expect(placeWindow(undefined, [small], small).bounds).toEqual({ x: 0, y: 0, width: 1024, height: 700 });
  });

  it('saved on a monitor that is gone: back on the primary display, centred, its size kept', () => {
    const saved: WindowState = { bounds: { x: 2200, y: 100, width: 1000, height: 700 }, maximized: false, fullScreen: false };
    expect(placeWindow(saved, [primary], primary).bounds).toEqual({ x: 460, y: 203, width: 1000, height: 700 });
    // With the second monitor there, it stays where it was.
    const right: DisplayArea = { workArea: { x: 1920, y: 0, width: 2560, height: 1400 } };
    expect(placeWindow(saved, [primary, right], primary).bounds).toEqual(saved.bounds);
  });

  it('on a monitor left of the primary (negative x): stays there; maximized and full screen remembered', () => {
    const saved: WindowState = { bounds: { x: -1200, y: 50, width: 1000, height: 800 }, maximized: true, fullScreen: true };
    expect(placeWindow(saved, [primary, left], primary)).toEqual(saved);
  });

  it('partly off screen: moved inside the work area; too small: the minimum; too big: the work area', () => {
    const off: WindowState = { bounds: { x: 1500, y: -300, width: 1000, height: 700 }, maximized: false, fullScreen: false };
    // Its title bar is above the screen, so it is placed anew on the primary.
    expect(placeWindow(off, [primary], primary).bounds).toEqual({ x: 460, y: 203, width: 1000, height: 700 });
    const hanging: WindowState = { bounds: { x: 1500, y: 100, width: 1000, height: 700 }, maximized: false, fullScreen: false };
    expect(placeWindow(hanging, [primary], primary).bounds).toEqual({ x: 920, y: 100, width: 1000, height: 700 });
    const tiny: WindowState = { bounds: { x: 100, y: 100, width: 100, height: 50 }, maximized: false, fullScreen: false };
    expect(placeWindow(tiny, [primary], primary).bounds).toEqual({ x: 100, y: 100, width: MIN_SIZE.width, height: MIN_SIZE.height });
    const huge: WindowState = { bounds: { x: 10, y: 30, width: 5000, height: 4000 }, maximized: false, fullScreen: false };
    expect(placeWindow(huge, [primary], primary).bounds).toEqual({ x: 0, y: 25, width: 1920, height: 1055 });
    // Only a sliver of the title bar visible (a few pixels): not enough to grab, placed anew.
    const sliver: WindowState = { bounds: { x: 1915, y: 100, width: 1000, height: 700 }, maximized: false, fullScreen: false };
    expect(placeWindow(sliver, [primary], primary).bounds).toEqual({ x: 460, y: 203, width: 1000, height: 700 });
  });

  it('withPlacement changes the geometry only: the webPreferences stay exactly as policy.ts sets them', () => {
    const options = windowOptions('/app/preload.cjs', { devTools: false });
    const placed = withPlacement(options, { bounds: { x: 5, y: 6, width: 700, height: 500 }, maximized: false, fullScreen: false });
    expect(placed).toEqual({ ...options, x: 5, y: 6, width: 700, height: 500 });
    expect(placed.webPreferences).toBe(options.webPreferences);
    expect(placed.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, devTools: false });
    expect(placed.minWidth).toBe(MIN_SIZE.width);
    expect(placed.minHeight).toBe(MIN_SIZE.height);
  });

  it('saving: a burst of moves is one write after the pause, close writes at once, a failing write never throws; durable file round-trips', () => {
    vi.useFakeTimers();
    const file = windowStateFile(temp());
    let bounds = { x: 0, y: 30, width: 900, height: 700 };
    const win = { getNormalBounds: () => bounds, isMaximized: () => false, isFullScreen: () => false, isDestroyed: () => false };
    const writes: string[] = [];
    const saver = stateSaver(
      () => stateOf(win),
      (text) => {
        writes.push(text);
        writeFileDurable(file, text);
      },
      { delayMs: 500 },
    );
    for (let i = 0; i < 20; i++) {
      bounds = { ...bounds, x: i * 10 };
      saver.changed();
      vi.advanceTimersByTime(100);
    }
    expect(writes).toHaveLength(0);
    vi.advanceTimersByTime(500);
    expect(writes).toHaveLength(1);
    expect(parseWindowState(readFileSync(file, 'utf8'))?.bounds.x).toBe(190);
    bounds = { ...bounds, width: 1000 };
    saver.changed();
    saver.flush();
    expect(writes).toHaveLength(2);
    vi.advanceTimersByTime(5000);
    expect(writes).toHaveLength(2);
    expect(parseWindowState(readFileSync(file, 'utf8'))?.bounds.width).toBe(1000);
    const errors: unknown[] = [];
    const failing = stateSaver(() => stateOf(win), () => { throw new Error('disk full'); }, { onError: (e) => errors.push(e) });
    expect(() => failing.flush()).not.toThrow();
    expect(errors).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- files opened with Locker

function existing(...files: string[]): (f: string) => boolean {
  const set = new Set(files);
  return (f) => set.has(f);
}

describe('files opened with Locker (electron/open-files.ts)', () => {
  it('Linux, not packaged: skips electron, the app path, flags and URLs; keeps existing files Locker reads, resolved against cwd', () => {
    const argv = ['/usr/lib/electron/electron', '--no-sandbox', 'electron/dist/main.js', '--enable-logging', 'cal.ics', 'missing.ics', 'notes.txt', 'locker://open?x=1', 'https://evil.example/a.ics', '/abs/Contacts.VCF', 'cal.ics', '--', '--odd-name.gpx'];
    const files = filesToImport(argv, { cwd: '/home/me', isPackaged: false, platform: 'linux', exists: existing('/home/me/cal.ics', '/home/me/notes.txt', '/abs/Contacts.VCF', '/home/me/--odd-name.gpx', '/home/me/electron/dist/main.js') });
    expect(files).toEqual(['/home/me/cal.ics', '/abs/Contacts.VCF', '/home/me/--odd-name.gpx']);
  });

  it('packaged: only the executable is skipped (the first argument is a file); folders and non-existent files are not', () => {
    const exists = existing('/data/track.gpx');
    expect(filesToImport(['/opt/Locker/locker', '/data/track.gpx', '/data/folder.ics', '/data/gone.ics'], { cwd: '/', isPackaged: true, platform: 'linux', exists })).toEqual(['/data/track.gpx']);
    expect(filesToImport(['/opt/Locker/locker'], { cwd: '/', isPackaged: true, platform: 'linux', exists })).toEqual([]);
  });

  it('Windows: drive and UNC paths, relative to the working folder, file:// URLs, case-insensitive duplicates, Squirrel flags', () => {
    const argv = ['C:\\Program Files\\Locker\\Locker.exe', '--squirrel-firstrun', 'C:\\Users\\me\\cal.ICS', 'sub\\b.vcf', 'file:///C:/Users/me/c%20d.gpx', '\\\\nas\\share\\bank.ofx', 'c:\\users\\me\\CAL.ics', 'locker:open'];
    const exists = existing('C:\\Users\\me\\cal.ICS', 'C:\\Users\\me\\sub\\b.vcf', 'C:\\Users\\me\\c d.gpx', '\\\\nas\\share\\bank.ofx', 'c:\\users\\me\\CAL.ics');
    expect(filesToImport(argv, { cwd: 'C:\\Users\\me', isPackaged: true, platform: 'win32', exists })).toEqual(['C:\\Users\\me\\cal.ICS', 'C:\\Users\\me\\sub\\b.vcf', 'C:\\Users\\me\\c d.gpx', '\\\\nas\\share\\bank.ofx']);
  });

  it('macOS: an old Finder process serial number and the bundle path are not files', () => {
    expect(filesToImport(['/Applications/Locker.app/Contents/MacOS/Locker', '-psn_0_123456'], { cwd: '/', isPackaged: true, platform: 'darwin', exists: () => true })).toEqual([]);
    // `open-file` hands absolute paths: the same filter without argv parsing.
    expect(openableFiles(['/Users/me/a.ics', 'relative.ics', '/Users/me/run.sh', '/Users/me/A.ICS', '/Users/me/b.kmz'], () => true, 'darwin')).toEqual(['/Users/me/a.ics', '/Users/me/b.kmz']);
  });

  it('at most MAX_OPENED files from one hand-over', () => {
    const many = Array.from({ length: MAX_OPENED + 50 }, (_, i) => `/d/${i}.ics`);
    expect(openableFiles(many, () => true, 'linux')).toHaveLength(MAX_OPENED);
  });

  it('OPENABLE_EXTENSIONS: what the importers read, nothing runnable; every file association of the packages is in it', () => {
    for (const ext of ['ics', 'vcf', 'gpx', 'kml', 'kmz', 'geojson', 'ofx', 'qfx', 'qif', 'mt940', 'sta', 'csv', 'eml', 'mbox', 'xml', 'json', 'zip', 'html', 'trig', 'jpg', 'jpeg', 'png', 'heic', 'webp']) expect(OPENABLE_EXTENSIONS).toContain(ext);
    // An encrypted backup needs a passphrase main cannot ask for: not opened from the OS.
    expect(OPENABLE_EXTENSIONS).not.toContain('locker');
    for (const ext of ['exe', 'js', 'sh', 'bat', 'cmd', 'app', 'desktop', 'lnk', 'txt', 'pdf', 'svg']) expect(OPENABLE_EXTENSIONS as readonly string[]).not.toContain(ext);
    expect(OPENABLE_EXTENSIONS.every((e) => /^[a-z0-9]+$/.test(e))).toBe(true);
    expect([isOpenable('/a/.ics'), isOpenable('/a/ics'), isOpenable('/a.b/c'), isOpenable('/a/b.Ics')]).toEqual([false, false, false, true]);
    const builder = path.resolve(import.meta.dirname, '../electron-builder.yml');
    if (existsSync(builder)) {
      const associated = [...readFileSync(builder, 'utf8').matchAll(/\{\s*ext:\s*([a-z0-9]+)/g)].map((m) => m[1]);
      expect(associated.length).toBeGreaterThan(0);
      for (const ext of associated) expect(OPENABLE_EXTENSIONS as readonly string[]).toContain(ext);
    }
  });

  it('importFraction: files done plus the records of the current one', () => {
    const p = (fileIndex: number, fileCount: number, done: number, total: number, phase: ImportProgress['phase'] = 'writing') => importFraction({ fileIndex, fileCount, done, total, phase });
    expect(p(0, 1, 0, 0)).toBe(0);
    expect(p(0, 2, 50, 100)).toBe(0.25);
    expect(p(1, 2, 0, 0, 'done')).toBe(1);
    expect(p(1, 4, 10, 0)).toBe(0.25);
    expect(p(3, 4, 500, 100)).toBe(1);
    expect(p(0, 0, 0, 0)).toBe(0);
  });

  it('the queue: files wait for start, one import at a time, later files merged into the next batch, each path once', async () => {
    const q = new ImportQueue();
    const runs: string[][] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const gates: Array<() => void> = [];
    q.add(['/a.ics']);
    q.add(['/a.ics', '/b.vcf']);
    expect(q.pending).toEqual(['/a.ics', '/b.vcf']);
    q.start(async (paths) => {
      runs.push([...paths]);
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await new Promise<void>((resolve) => gates.push(resolve));
      concurrent--;
    });
    expect(q.busy).toBe(true);
    q.add(['/c.gpx']);
    q.add(['/d.ofx', '/c.gpx']);
    expect(runs).toEqual([['/a.ics', '/b.vcf']]);
    gates.shift()?.();
    await vi.waitFor(() => expect(runs).toHaveLength(2));
    expect(runs[1]).toEqual(['/c.gpx', '/d.ofx']);
    gates.shift()?.();
    await q.idle();
    expect(q.busy).toBe(false);
    expect(maxConcurrent).toBe(1);
  });

  it('the queue: a failing import does not stop it; cancelAll aborts the running one, drops the waiting, takes no more', async () => {
    const q = new ImportQueue();
    const seen: string[] = [];
    let signal: AbortSignal | undefined;
    q.start(async (paths, s) => {
      seen.push(paths.join());
      if (paths[0] === '/bad.ics') throw new Error('boom');
      signal = s;
      await new Promise<void>((resolve) => s.addEventListener('abort', () => resolve(), { once: true }));
    });
    q.add(['/bad.ics']);
    await q.idle();
    q.add(['/long.zip']);
    q.add(['/waiting.ics']);
    expect(q.busy).toBe(true);
    q.cancelAll();
    expect(signal?.aborted).toBe(true);
    await q.idle();
    q.add(['/after.ics']);
    expect(q.busy).toBe(false);
    expect(seen).toEqual(['/bad.ics', '/long.zip']);
  });

  it('a real import through the queue with the full handler table: progress reaches 1, the notice counts the records', async () => {
    const t = openTemp();
    cleanups.push(t.cleanup);
    const api = createHandlers(t.locker);
    const q = new ImportQueue();
    const fractions: number[] = [];
    const notices: Notice[] = [];
    q.start(async (files, signal) => {
      const summary = await api['import.start']({ paths: [...files] }, { signal, emit: (e) => void (e.type === 'import.progress' && fractions.push(importFraction(e.progress))) });
      notices.push(importNotice({ kind: 'ok', summary }, files, 'k'));
    });
    q.add(filesToImport(['locker', 'calendar.ics', 'nothing.ics'], { cwd: FIXTURES, isPackaged: true, exists: (f) => existsSync(f) }));
    await vi.waitFor(() => expect(notices).toHaveLength(1));
    expect(notices[0]?.body).toBe('6 records added from calendar.ics.');
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= (fractions[i - 1] ?? 0)))).toBe(true);
  });
});

// ---------------------------------------------------------------- updates

const facts = (over: Partial<UpdateSupportFacts> = {}): UpdateSupportFacts => ({ isPackaged: true, platform: 'darwin', env: {}, mas: false, windowsStore: false, hasUpdateConfig: true, ...over });

/** An updater as electron-updater's: an EventEmitter with the same fields; records what it is asked and which fields are set. */
class FakeUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowPrerelease = true;
  allowDowngrade = true;
  forceDevUpdateConfig = true;
  checks = 0;
  downloads = 0;
  installs: Array<[boolean | undefined, boolean | undefined]> = [];
  failNext = false;
  checkForUpdates(): Promise<unknown> {
    this.checks++;
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('net::ERR_INTERNET_DISCONNECTED'));
    }
    return Promise.resolve(null);
  }
  downloadUpdate(): Promise<unknown> {
    this.downloads++;
    return Promise.resolve([]);
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
}

interface Harness {
  controller: UpdateController;
  updater: FakeUpdater;
  created: () => number;
  ui: UpdateUi & { offers: Array<{ version: string; consider: () => void }>; askDownload: boolean; askInstall: boolean; asked: string[]; logs: string[] };
  lastCheck: { value: number | undefined };
}

function harness(over: { support?: ReturnType<typeof updateSupport>; env?: Record<string, string> } = {}): Harness {
  const updater = new FakeUpdater();
  let created = 0;
  const lastCheck = { value: undefined as number | undefined };
  const ui: Harness['ui'] = {
    offers: [],
    askDownload: false,
    askInstall: false,
    asked: [],
    logs: [],
    available(version, consider) {
      this.offers.push({ version, consider });
    },
    async confirmDownload(version) {
      this.asked.push(`download ${version}`);
      return this.askDownload;
    },
    async confirmInstall(version) {
      this.asked.push(`install ${version}`);
      return this.askInstall;
    },
    log(line) {
      this.logs.push(line);
    },
  };
  const controller = new UpdateController({
    updater: () => {
      created++;
      return updater;
    },
    support: over.support ?? { available: true },
    env: over.env ?? {},
    startedMs: Date.now(),
    lastCheck: { read: () => lastCheck.value, write: (ms) => void (lastCheck.value = ms) },
    ui,
  });
  return { controller, updater, created: () => created, ui, lastCheck };
}

const consent = (enabled: boolean) => ({ updates: { enabled } });

describe('updates (electron/updates.ts)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });

  it('which copies can update themselves', () => {
    expect(updateSupport(facts())).toEqual({ available: true });
    expect(updateSupport(facts({ platform: 'win32' }))).toEqual({ available: true });
    expect(updateSupport(facts({ platform: 'linux', env: { APPIMAGE: '/home/me/Locker.AppImage' } }))).toEqual({ available: true });
    expect(updateSupport(facts({ platform: 'linux', packageType: 'deb' }))).toEqual({ available: true });
    const no = (f: UpdateSupportFacts) => {
      const s = updateSupport(f);
      return s.available ? 'available' : s.reason;
    };
    expect(no(facts({ isPackaged: false }))).toMatch(/runs from its sources/);
    expect(no(facts({ mas: true }))).toMatch(/Mac App Store/);
    expect(no(facts({ platform: 'win32', windowsStore: true }))).toMatch(/Microsoft Store/);
    expect(no(facts({ platform: 'win32', env: { PORTABLE_EXECUTABLE_DIR: 'D:\\' } }))).toMatch(/portable/);
    expect(no(facts({ platform: 'linux' }))).toMatch(/unpacked from an archive/);
    expect(no(facts({ platform: 'linux', env: { SNAP: '/snap/locker/1', APPIMAGE: '/x' } }))).toMatch(/snap/);
    expect(no(facts({ hasUpdateConfig: false }))).toMatch(/app-update.yml/);
    expect(no(facts({ platform: 'freebsd' }))).toMatch(/freebsd/);
    expect(hostUpdates({ available: true }, { LOCKER_NO_UPDATES: '1' })).toMatchObject({ available: false });
    expect(hostUpdates({ available: true }, {})).toEqual({ available: true });
  });

  it('the plan: off without consent, when not installable, with LOCKER_NO_UPDATES=1; else 30 s after start, then daily', () => {
    const base = { enabled: true, support: { available: true } as const, env: {}, startedMs: NOW, lastCheckMs: undefined, now: NOW };
    expect(updatePlan({ ...base, enabled: false })).toMatchObject({ kind: 'off', reason: expect.stringMatching(/not allowed/) });
    expect(updatePlan({ ...base, env: { LOCKER_NO_UPDATES: '1' } })).toMatchObject({ kind: 'off' });
    expect(updatePlan({ ...base, support: { available: false, reason: 'unpacked' } })).toEqual({ kind: 'off', reason: 'unpacked' });
    expect(updatePlan(base)).toEqual({ kind: 'check', delayMs: STARTUP_DELAY_MS });
    expect(updatePlan({ ...base, lastCheckMs: NOW - 3_600_000 })).toEqual({ kind: 'check', delayMs: CHECK_INTERVAL_MS - 3_600_000 });
    expect(updatePlan({ ...base, startedMs: NOW - 600_000, lastCheckMs: NOW - 2 * CHECK_INTERVAL_MS })).toEqual({ kind: 'check', delayMs: 0 });
    // A last check "tomorrow" (the clock went back) waits a day from now, not two.
    expect(updatePlan({ ...base, lastCheckMs: NOW + CHECK_INTERVAL_MS })).toEqual({ kind: 'check', delayMs: CHECK_INTERVAL_MS });
  });

  it('configureUpdater: no auto download, no install on quit, no pre-releases, no downgrades, no dev config; nothing else touched', () => {
    const u = new FakeUpdater();
    const set: string[] = [];
    const watched = new Proxy(u, {
      set(target, prop, value) {
        set.push(String(prop));
        return Reflect.set(target, prop, value);
      },
    });
    configureUpdater(watched);
    expect(set.sort()).toEqual(['allowDowngrade', 'allowPrerelease', 'autoDownload', 'autoInstallOnAppQuit', 'forceDevUpdateConfig']);
    expect([u.autoDownload, u.autoInstallOnAppQuit, u.allowPrerelease, u.allowDowngrade, u.forceDevUpdateConfig]).toEqual([false, false, false, false, false]);
  });

  it('without consent nothing happens: no updater is even created', () => {
    const h = harness();
    expect(h.controller.apply(consent(false)).kind).toBe('off');
    vi.advanceTimersByTime(3 * CHECK_INTERVAL_MS);
    expect(h.created()).toBe(0);
    expect(h.updater.checks).toBe(0);
  });

  it('consent turns checks on (30 s after start, then daily); revoking stops them and ignores what still comes', async () => {
    const h = harness();
    h.controller.apply(consent(true));
    await vi.advanceTimersByTimeAsync(STARTUP_DELAY_MS - 1);
    expect(h.updater.checks).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.updater.checks).toBe(1);
    expect(h.lastCheck.value).toBe(NOW + STARTUP_DELAY_MS);
    expect(h.updater.autoDownload).toBe(false);
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS);
    expect(h.updater.checks).toBe(2);
    h.controller.apply(consent(false));
    await vi.advanceTimersByTimeAsync(5 * CHECK_INTERVAL_MS);
    expect(h.updater.checks).toBe(2);
    h.updater.emit('update-available', { version: '2.0.0' });
    expect(h.ui.offers).toEqual([]);
    // Consent again: the next check a day after the last one, not at once.
    h.controller.apply(consent(true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.updater.checks).toBe(3);
    expect(h.created()).toBe(1);
  });

  it('an available update is offered; the download starts only on a yes after a click, never by itself', async () => {
    const h = harness();
    h.controller.apply(consent(true));
    await vi.advanceTimersByTimeAsync(STARTUP_DELAY_MS);
    h.updater.emit('update-available', { version: '1.2.3' });
    expect(h.ui.offers.map((o) => o.version)).toEqual(['1.2.3']);
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS);
    expect(h.updater.downloads).toBe(0);
    h.ui.askDownload = false;
    h.ui.offers[0]?.consider();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.ui.asked).toEqual(['download 1.2.3']);
    expect(h.updater.downloads).toBe(0);
    h.ui.askDownload = true;
    await h.controller.consider();
    expect(h.updater.downloads).toBe(1);
  });

  it('consent revoked while the download question is open: no download', async () => {
    const h = harness();
    h.controller.apply(consent(true));
    await vi.advanceTimersByTimeAsync(STARTUP_DELAY_MS);
    h.updater.emit('update-available', { version: '1.2.3' });
    let answer: (yes: boolean) => void = () => undefined;
    h.ui.confirmDownload = () => new Promise<boolean>((resolve) => (answer = resolve));
    const considering = h.controller.consider();
    h.controller.apply(consent(false));
    answer(true);
    await considering;
    expect(h.updater.downloads).toBe(0);
  });

  it('a downloaded update is installed only when the person says so', async () => {
    const h = harness();
    h.controller.apply(consent(true));
    await vi.advanceTimersByTimeAsync(STARTUP_DELAY_MS);
    h.updater.emit('update-downloaded', { version: '1.2.3' });
    await vi.advanceTimersByTimeAsync(0);
    expect(h.ui.asked).toEqual(['install 1.2.3']);
    expect(h.updater.installs).toEqual([]);
    h.ui.askInstall = true;
    h.updater.emit('update-downloaded', { version: '1.2.3' });
    await vi.advanceTimersByTimeAsync(0);
    expect(h.updater.installs).toEqual([[false, true]]);
  });

  it('a failed check is tried again after an hour (and is not counted as the day\'s check); errors are logged', async () => {
    const h = harness();
    h.controller.apply(consent(true));
    h.updater.failNext = true;
    await vi.advanceTimersByTimeAsync(STARTUP_DELAY_MS);
    expect(h.updater.checks).toBe(1);
    expect(h.lastCheck.value).toBeUndefined();
    expect(h.ui.logs.join('\n')).toMatch(/ERR_INTERNET_DISCONNECTED/);
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(h.updater.checks).toBe(2);
    expect(h.lastCheck.value).toBeDefined();
    h.updater.emit('error', new Error('bad signature'));
    expect(h.ui.logs.at(-1)).toMatch(/bad signature/);
  });

  it('LOCKER_NO_UPDATES=1, or a copy that cannot update, ignores consent; stop() ends everything', async () => {
    for (const h of [harness({ env: { LOCKER_NO_UPDATES: '1' } }), harness({ support: { available: false, reason: 'unpacked' } })]) {
      expect(h.controller.apply(consent(true)).kind).toBe('off');
      await vi.advanceTimersByTimeAsync(2 * CHECK_INTERVAL_MS);
      expect(h.created()).toBe(0);
    }
    const h = harness();
    h.controller.apply(consent(true));
    h.controller.stop();
    await vi.advanceTimersByTimeAsync(2 * CHECK_INTERVAL_MS);
    expect(h.updater.checks).toBe(0);
    expect(h.controller.apply(consent(true)).kind).toBe('off');
  });

  it('electron-updater, a CommonJS package, gives its autoUpdater through the default export (a getter that builds it only when read)', () => {
    const descriptor = Object.getOwnPropertyDescriptor(electronUpdater, 'autoUpdater');
    expect(typeof descriptor?.get).toBe('function');
  });
});

// ---------------------------------------------------------------- keychain

/** safeStorage as a test sees it: "encrypts" by XOR (so the file never holds the plain text), records what it was handed. */
function fakeSafeStorage(backend: string, available = true): SafeStorageLike & { handed: unknown[] } {
  const handed: unknown[] = [];
  return {
    handed,
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain: string) => Buffer.from([...Buffer.from(`sealed:${plain}`)].map((b) => b ^ 0x5a)),
    decryptString: (sealed: Buffer) => {
      handed.push(sealed);
      const text = Buffer.from([...sealed].map((b) => b ^ 0x5a)).toString();
      if (!text.startsWith('sealed:')) throw new Error('not sealed by me');
      return text.slice('sealed:'.length);
    },
  } as SafeStorageLike & { handed: unknown[] };
}

describe('keychain (electron/keychain.ts): safeStorage as the core\'s Sealer', () => {
  it('Linux with a real keyring: secrets sealed into secrets.sealed, never in plain text; no warning', async () => {
    const home = temp();
    const safe = fakeSafeStorage('gnome_libsecret');
    const sealer = sealerFromSafeStorage(safe, 'linux');
    expect(sealer.backend()).toBe('gnome_libsecret');
    expect(sealerState(sealer)).toEqual({ kind: 'usable' });
    expect(vaultNotice(await openVault(home, {}, undefined, sealer))).toBeUndefined();
    const vault = await openVault(home, {}, undefined, sealer);
    expect(vault.protection).toBe('os-keychain');
    await vault.set('refresh:https://idp.example', 'TOP-SECRET-TOKEN');
    const onDisk = readFileSync(path.join(home, 'secrets.sealed'), 'utf8');
    expect(onDisk).not.toContain('TOP-SECRET-TOKEN');
    expect(existsSync(path.join(home, 'secrets.json'))).toBe(false);
    expect(await (await openVault(home, {}, undefined, sealer)).get('refresh:https://idp.example')).toBe('TOP-SECRET-TOKEN');
    // safeStorage.decryptString is handed a Buffer, as Electron's types ask.
    expect(safe.handed.length).toBeGreaterThan(0);
    expect(safe.handed.every((b) => Buffer.isBuffer(b))).toBe(true);
  });

  it('Linux with only basic_text: not usable, the plain file with its warning, and one log line without any secret', async () => {
    const home = temp();
    const sealer = sealerFromSafeStorage(fakeSafeStorage('basic_text'), 'linux');
    expect(sealerState(sealer)).toMatchObject({ kind: 'unusable', reason: expect.stringContaining('basic_text') });
    const vault = await openVault(home, {}, undefined, sealer);
    expect(vault.protection).toBe('plain-file');
    expect(vault.warning).toMatch(/basic_text/);
    await vault.set('k', 'TOP-SECRET-TOKEN');
    // The line main logs at start is the vault's own warning (the vault the core really uses), without any secret.
    const line = vaultNotice(vault);
    expect(line).toMatch(/^locker: .*basic_text.*unencrypted/);
    expect(line).not.toContain('TOP-SECRET-TOKEN');
    expect(vaultNotice(await openVault(home, {}, undefined, sealerFromSafeStorage(fakeSafeStorage('unknown'), 'linux')))).toMatch(/unknown/);
  });

  it('macOS and Windows: no backend to ask (the OS\'s own); no keychain at all is told', () => {
    const safe = fakeSafeStorage('basic_text');
    for (const platform of ['darwin', 'win32'] as const) {
      const sealer = sealerFromSafeStorage(safe, platform);
      expect(sealer.backend()).toBeUndefined();
      expect(sealerState(sealer)).toEqual({ kind: 'usable' });
      expect(sealer.decryptString(sealer.encryptString('hello'))).toBe('hello');
    }
    const none = sealerFromSafeStorage(fakeSafeStorage('gnome_libsecret', false), 'win32');
    expect(sealerState(none)).toMatchObject({ kind: 'unusable', reason: expect.stringMatching(/no keychain/) });
  });
});

// ---------------------------------------------------------------- activity

describe('activity (electron/activity.ts): syncs and imports seen by the tray, work cancelled on quit', () => {
  it('observeCalls reports watched calls (answered or thrown) and passes answers through; other operations are untouched', async () => {
    const events: string[] = [];
    const api = {
      'sync.run': async () => ({ kind: 'error', message: 'pod down' }),
      'import.start': async () => {
        throw new Error('disk');
      },
      'records.list': async () => [],
    };
    const watched = observeCalls(api, WATCHED_OPS, { started: (op) => events.push(`start ${op}`), finished: (op, end) => events.push(`end ${op} ${end.ok}`) });
    expect(await watched['sync.run']()).toEqual({ kind: 'error', message: 'pod down' });
    await expect(watched['import.start']()).rejects.toThrow('disk');
    expect(watched['records.list']).toBe(api['records.list']);
    expect(events).toEqual(['start sync.run', 'end sync.run true', 'start import.start', 'end import.start false']);
  });

  it('SyncActivity: syncing while one runs, the last failure until a sync succeeds', async () => {
    let changes = 0;
    const activity = new SyncActivity(() => changes++);
    let finish: (v: unknown) => void = () => undefined;
    const api = observeCalls({ 'sync.run': () => new Promise((resolve) => (finish = resolve)) }, WATCHED_OPS, activity);
    const running = api['sync.run']();
    expect(activity.syncing).toBe(true);
    finish({ kind: 'error', message: 'the pod answered 503' });
    await running;
    expect(activity.syncing).toBe(false);
    expect(activity.lastSyncError).toBe('the pod answered 503');
    const again = api['sync.run']();
    finish({ kind: 'ok', summary: {} });
    await again;
    expect(activity.lastSyncError).toBeUndefined();
    expect(changes).toBe(4);
  });

  it('wrapping the real table keeps the desktop restriction: the page still has no export.run', async () => {
    const t = openTemp();
    cleanups.push(t.cleanup);
    const full = observeCalls(createHandlers(t.locker), WATCHED_OPS, new SyncActivity());
    const page = restrictApi(full, LOCAL_ONLY.desktop);
    expect(page['export.run']).toBeUndefined();
    expect(typeof page['import.start']).toBe('function');
    expect(await full['import.start']({ paths: [path.join(FIXTURES, 'contacts.vcf')] })).toMatchObject({ errors: [] });
  });

  it('BackgroundTasks: cancelAll aborts what runs and refuses more; idle waits for the end', async () => {
    const tasks = new BackgroundTasks();
    let seen: AbortSignal | undefined;
    let ended = false;
    const running = tasks.run(async (signal) => {
      seen = signal;
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      await new Promise((r) => setTimeout(r, 20));
      ended = true;
      return 'done';
    });
    expect(tasks.busy).toBe(true);
    tasks.cancelAll();
    expect(seen?.aborted).toBe(true);
    await tasks.idle();
    expect(ended).toBe(true);
    expect(await running).toBe('done');
    let ran = false;
    expect(await tasks.run(async () => (ran = true))).toBeUndefined();
    expect(ran).toBe(false);
  });
});

// Types used only to keep the fixtures honest.
export type { GrantView };
