import type { LockerEvent } from './contract.js';

/**
 * What a UI sees of the core, whatever carries it: Electron's preload bridge
 * (`window.locker`), `locker serve` over HTTP + WebSocket, or a test calling
 * the handler table directly. Results are values, never thrown errors.
 */
export type CallResult =
  | { readonly kind: 'ok'; readonly value: unknown }
  | { readonly kind: 'bad-request'; readonly message: string }
  /** The handler failed (a bug or an I/O error): its message, never a stack or a secret. */
  | { readonly kind: 'error'; readonly message: string };

export interface LockerBridge {
  /** Runs one operation. `callId` (caller-chosen, unique) lets `cancel` stop it (a cancelled import answers with what it kept) and tags its events. */
  call(op: string, payload: unknown, callId?: string): Promise<CallResult>;
  cancel(callId: string): Promise<void>;
  /** Events of every running call (progress, commits), tagged with their call's id. Returns an unsubscribe function. */
  onEvent(listener: (e: TaggedEvent) => void): () => void;
  /**
   * The desktop app only: where on disk a file the person dropped or picked
   * is (Electron's `webUtils.getPathForFile`), so that it is imported in
   * place instead of being uploaded. Absent in a browser.
   */
  pathForFile?(file: PickedFile): string;
}

/** A file the person picked or dropped, as far as the core needs to know it (a DOM `File` in the UI; shared/ has no DOM). */
export interface PickedFile {
  readonly name: string;
}

export interface TaggedEvent {
  readonly callId: string | undefined;
  readonly event: LockerEvent;
}

/**
 * The IPC channels the preload script may use; nothing else crosses the bridge.
 * `picked` tells main the path of a file the person dropped or picked (the preload sends it from `pathForFile`):
 * `import.start` from a page takes only those.
 */
export const IPC_CHANNELS = { call: 'locker:call', cancel: 'locker:cancel', event: 'locker:event', picked: 'locker:picked' } as const;

/** A caller-chosen call id: short, printable, no path or markup characters. */
export const CALL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The Content-Security-Policy of the app's pages, in a browser or in Electron: its own files only, no inline script or style, no plugins, no framing. */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
