import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { LockerStatus } from '../shared/api/index.js';
import { ROUTES } from './menu.js';
import { plainText } from './notify.js';

/**
 * The tray (menu bar) icon as plain data: which icon, what the tooltip says,
 * what the menu offers. `main.ts` refreshes it from `status` after a sync or
 * an import ends and every minute. No runtime import of `electron`.
 */

export const TRAY_STATES = ['ok', 'syncing', 'conflicts', 'offline', 'not-connected', 'error'] as const;
export type TrayIconState = (typeof TRAY_STATES)[number];

export interface TrayOptions {
  /** A sync is running (the page's or the tray's own). */
  readonly syncing: boolean;
  /** `net.isOnline()`. */
  readonly online: boolean;
  /** The last sync's failure, until one succeeds. */
  readonly lastSyncError?: string;
  readonly now: number;
}

export type TrayItem =
  | { readonly kind: 'open'; readonly label: string }
  | { readonly kind: 'sync'; readonly label: string; readonly enabled: boolean }
  | { readonly kind: 'navigate'; readonly label: string; readonly route: string }
  | { readonly kind: 'separator' }
  | { readonly kind: 'quit'; readonly label: string };

export interface TrayModel {
  readonly iconState: TrayIconState;
  readonly tooltip: string;
  /** Beside the icon in the macOS menu bar (its template icon has no colour): the number of conflicts, or nothing. */
  readonly title: string;
  readonly items: readonly TrayItem[];
}

/** Windows cuts a tray tooltip at 127 characters. */
export const MAX_TOOLTIP = 127;

/**
 * `status` undefined: the locker could not say (a failing store) → `error`.
 * Otherwise, first that applies: not connected to a pod, syncing, offline,
 * the last sync failed, conflicts waiting, all well.
 */
export function trayModel(status: Pick<LockerStatus, 'total' | 'pod'> | undefined, opts: TrayOptions): TrayModel {
  const records = status ? `${status.total.toLocaleString('en-US')} record${status.total === 1 ? '' : 's'}` : 'status unavailable';
  const conflicts = status?.pod.conflicts ?? 0;
  const connected = status?.pod.connected === true;
  let iconState: TrayIconState;
  let line: string;
  if (!status) {
    iconState = 'error';
    line = 'the locker could not be read';
  } else if (!connected) {
    iconState = 'not-connected';
    line = 'not connected to a pod';
  } else if (opts.syncing) {
    iconState = 'syncing';
    line = 'syncing…';
  } else if (!opts.online) {
    iconState = 'offline';
    line = 'offline';
  } else if (opts.lastSyncError !== undefined) {
    iconState = 'error';
    line = `sync failed: ${opts.lastSyncError}`;
  } else if (conflicts > 0) {
    iconState = 'conflicts';
    line = `${conflicts} conflict${conflicts === 1 ? '' : 's'} to review`;
  } else {
    iconState = 'ok';
    line = status.pod.lastSync ? `synced ${ago(Date.parse(status.pod.lastSync), opts.now)}` : 'not synced yet';
  }
  const tooltip = plainText(`Locker — ${records} · ${line}`, MAX_TOOLTIP);
  const items: TrayItem[] = [
    { kind: 'open', label: 'Open Locker' },
    { kind: 'sync', label: opts.syncing ? 'Syncing…' : 'Sync Now', enabled: connected && !opts.syncing },
    ...(conflicts > 0 ? [{ kind: 'navigate', label: `${conflicts} conflict${conflicts === 1 ? '' : 's'} — review`, route: ROUTES.pod } as const] : []),
    { kind: 'separator' },
    { kind: 'quit', label: 'Quit Locker' },
  ];
  return { iconState, tooltip, title: conflicts > 0 ? String(conflicts) : '', items };
}

export interface TrayActions {
  open(): void;
  syncNow(): void;
  navigate(route: string): void;
  quit(): void;
}

/** The tray's context menu for `Menu.buildFromTemplate`. */
export function trayMenuTemplate(model: TrayModel, actions: TrayActions): MenuItemConstructorOptions[] {
  return model.items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'open':
        return { label: item.label, click: () => actions.open() };
      case 'sync':
        return { label: item.label, enabled: item.enabled, click: () => actions.syncNow() };
      case 'navigate':
        return { label: item.label, click: () => actions.navigate(item.route) };
      case 'separator':
        return { type: 'separator' };
      case 'quit':
        return { label: item.label, click: () => actions.quit() };
    }
  });
}

/**
 * The icon file of a state, as `electron/build.ts` renders them into
 * `electron/dist/tray/`: on macOS the one monochrome template image (the
 * menu bar colours it; the state shows in the title and tooltip), elsewhere
 * `<state>.png` (Electron picks `<state>@2x.png` beside it on a HiDPI screen).
 */
export function trayIconFile(trayDir: string, state: TrayIconState, platform: NodeJS.Platform): string {
  return path.join(trayDir, platform === 'darwin' ? 'trayTemplate.png' : `${state}.png`);
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function ago(thenMs: number, now: number): string {
  if (!Number.isFinite(thenMs)) return 'at an unknown time';
  const minutes = Math.floor((now - thenMs) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}
