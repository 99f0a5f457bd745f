import path from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';
import { z } from 'zod';

/**
 * Where the window comes back: its last size and place, maximized or full
 * screen, as plain functions (no runtime import of `electron`). Saved in
 * `<userData>/window-state.json` (durably: temporary file, then rename),
 * read back through a zod schema (anything else is the default), and
 * clamped to the displays there are now: a window saved on a monitor that
 * has gone comes back on a visible one, never smaller than the minimum, never
 * larger than the work area.
 */

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowState {
  /** The window's normal (restored) bounds, also while maximized or full screen. */
  readonly bounds: Rect;
  readonly maximized: boolean;
  readonly fullScreen: boolean;
}

export const DEFAULT_SIZE = { width: 1200, height: 800 } as const;
/** As `windowOptions` (policy.ts) sets `minWidth`/`minHeight`. */
export const MIN_SIZE = { width: 640, height: 480 } as const;

const Int = z.number().int().min(-100_000).max(100_000);
const Size = z.number().int().min(1).max(100_000);
const StateSchema = z.object({
  bounds: z.object({ x: Int, y: Int, width: Size, height: Size }),
  maximized: z.boolean().default(false),
  fullScreen: z.boolean().default(false),
});

export function windowStateFile(userData: string): string {
  return path.join(userData, 'window-state.json');
}

/** The saved state, or undefined (no file, not JSON, not a state). */
export function parseWindowState(text: string | undefined): WindowState | undefined {
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = StateSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

export function serializeWindowState(state: WindowState): string {
  return `${JSON.stringify({ bounds: state.bounds, maximized: state.maximized, fullScreen: state.fullScreen })}\n`;
}

/** What is known of a display (Electron's `Display` has it). */
export interface DisplayArea {
  readonly workArea: Rect;
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** A strip this tall at the top of the window (its title bar) must be on a display for it to count as visible there. */
const GRAB_HEIGHT = 40;
const GRAB_WIDTH = 100;

function centred(size: { width: number; height: number }, area: Rect): Rect {
  return { x: Math.round(area.x + (area.width - size.width) / 2), y: Math.round(area.y + (area.height - size.height) / 2), ...size };
}

function fitSize(size: { width: number; height: number }, area: Rect): { width: number; height: number } {
  // At least the minimum (unless the display is smaller still), at most the work area.
  return {
    width: Math.min(Math.max(size.width, MIN_SIZE.width), area.width),
    height: Math.min(Math.max(size.height, MIN_SIZE.height), area.height),
  };
}

/**
 * Where to open the window. Without a saved state: 1200×800 (or the work
 * area, if smaller) centred on the primary display. With one: on the display
 * where a part of its title bar was (the one it overlaps most), resized to
 * fit there and moved inside its work area; when no display shows its title
 * bar any more (that monitor is gone), centred on the primary display.
 */
export function placeWindow(saved: WindowState | undefined, displays: readonly DisplayArea[], primary: DisplayArea): WindowState {
  if (!saved) return { bounds: centred(fitSize(DEFAULT_SIZE, primary.workArea), primary.workArea), maximized: false, fullScreen: false };
  const b = saved.bounds;
  const titleBar: Rect = { x: b.x, y: b.y, width: b.width, height: Math.min(GRAB_HEIGHT, b.height) };
  let best: DisplayArea | undefined;
  let bestArea = 0;
  for (const d of displays) {
    const visible = overlap(titleBar, d.workArea);
    if (visible > bestArea) {
      best = d;
      bestArea = visible;
    }
  }
  const { maximized, fullScreen } = saved;
  if (!best || bestArea < Math.min(GRAB_WIDTH, b.width) * Math.min(GRAB_HEIGHT, b.height) * 0.5) {
    return { bounds: centred(fitSize(b, primary.workArea), primary.workArea), maximized, fullScreen };
  }
  const area = best.workArea;
  const size = fitSize(b, area);
  const x = Math.min(Math.max(b.x, area.x), area.x + area.width - size.width);
  const y = Math.min(Math.max(b.y, area.y), area.y + area.height - size.height);
  return { bounds: { x, y, ...size }, maximized, fullScreen };
}

/** The window's options with its place and size from `placement`; everything else (webPreferences above all) as `options` has it. */
export function withPlacement(options: BrowserWindowConstructorOptions, placement: WindowState): BrowserWindowConstructorOptions {
  const { x, y, width, height } = placement.bounds;
  return { ...options, x, y, width, height };
}

/** What the saver needs of the window (a `BrowserWindow` has these). */
export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isFullScreen(): boolean;
  isDestroyed(): boolean;
}

export function stateOf(win: TrackedWindow): WindowState {
  return { bounds: win.getNormalBounds(), maximized: win.isMaximized(), fullScreen: win.isFullScreen() };
}

export interface StateSaver {
  /** The window moved or was resized: saved once it has been still for `delayMs`. */
  changed(): void;
  /** Saves now (the window is closing); a pending save is dropped. */
  flush(): void;
}

/**
 * Debounced saving: a burst of `resize`/`move` events (a drag) is one write,
 * `delayMs` after the last; `flush` on `close` writes at once. A failing
 * write is reported, never thrown (the window must close all the same).
 */
export function stateSaver(read: () => WindowState | undefined, write: (text: string) => void, opts: { readonly delayMs?: number; readonly onError?: (e: unknown) => void } = {}): StateSaver {
  const delay = opts.delayMs ?? 500;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    timer = undefined;
    try {
      const state = read();
      if (state) write(serializeWindowState(state));
    } catch (e) {
      opts.onError?.(e);
    }
  };
  return {
    changed() {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(save, delay);
    },
    flush() {
      if (timer !== undefined) clearTimeout(timer);
      save();
    },
  };
}
