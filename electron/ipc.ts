import { CALL_ID, CallRunner, IPC_CHANNELS, type CallResult, type LockerApi, type RemoteApi, type TaggedEvent } from '../shared/api/index.js';
import type { SenderFrame } from './policy.js';

/**
 * The main process's side of the bridge, as plain TypeScript (no runtime
 * import of `electron`, so it runs under Node in tests). `main.ts` registers
 * `call` and `cancel` with `ipcMain.handle` on the two allow-listed channels;
 * nothing else is listened to.
 *
 * Every message is checked before anything runs:
 * - its sender frame must be the top-level frame of a page of the app
 *   (`isTrustedFrame`); anything else (an iframe, a page navigated elsewhere,
 *   a frame already gone) gets `{ kind: 'refused' }` and a log line that names
 *   the channel and the frame's origin, never the payload;
 * - its shape: an operation name that is a short string, a call id matching
 *   `CALL_ID`, no extra arguments; the payload itself is validated by the
 *   operation's schema in `CallRunner`.
 *
 * Each window (webContents) has its own `CallRunner`: its events are sent to
 * that window only, its call ids are its own (one window cannot cancel
 * another's import), and its running calls are cancelled when it goes away.
 */

/** What `ipc.ts` needs of the webContents a message came from (Electron's `WebContents` has these). */
export interface SenderContents {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** The parts of Electron's `IpcMainInvokeEvent` that are looked at. */
export interface IpcSenderEvent {
  readonly sender: SenderContents;
  readonly senderFrame: SenderFrame | null;
}

/** A message from a frame that is not the app: nothing ran. */
export interface Refused {
  readonly kind: 'refused';
  readonly message: string;
}

export type CallAnswer = CallResult | Refused;
export type CancelAnswer = { readonly kind: 'ok' } | { readonly kind: 'bad-request'; readonly message: string } | Refused;

export interface IpcOptions {
  readonly api: LockerApi | RemoteApi;
  /** Whether a message from this frame may reach the core (`isAppFrame` in the app). */
  readonly isTrustedFrame: (frame: SenderFrame | null) => boolean;
  /** Where refusals and failures are reported (never with a payload). */
  readonly log?: (line: string) => void;
  /**
   * Whether `import.start` takes only paths the window's preload reported on `picked` (files the person dropped
   * or picked). On by default: a page that was taken over could otherwise import any file the user can read.
   */
  readonly pickedOnly?: boolean;
}

export interface IpcHandlers {
  /** For `ipcMain.handle(IPC_CHANNELS.call, …)`: `(event, op, payload, callId?)`. */
  call(event: IpcSenderEvent, ...args: unknown[]): Promise<CallAnswer>;
  /** For `ipcMain.handle(IPC_CHANNELS.cancel, …)`: `(event, callId)`. */
  cancel(event: IpcSenderEvent, ...args: unknown[]): Promise<CancelAnswer>;
  /** For `ipcMain.on(IPC_CHANNELS.picked, …)`: `(event, path)`, a file the person dropped or picked in that window. False when ignored. */
  picked(event: IpcSenderEvent, ...args: unknown[]): boolean;
  /** Cancels every call of one window (it crashed or closed). */
  release(senderId: number): void;
  /** Cancels every call of every window (the app is quitting). */
  releaseAll(): void;
  /** Resolves once no call is running (after `releaseAll`, before closing the locker). */
  idle(): Promise<void>;
}

const MAX_OP = 64;
/** Paths a window may have picked (a drop of many files, several times); beyond this the oldest are forgotten. */
const MAX_PICKED = 20_000;
const OP_NAME = /^[A-Za-z][A-Za-z0-9.]*$/;

export function createIpcHandlers(opts: IpcOptions): IpcHandlers {
  const log = opts.log ?? (() => undefined);
  const runners = new Map<number, CallRunner>();
  const inFlight = new Set<Promise<CallAnswer>>();

  const refuse = (channel: string, event: IpcSenderEvent): Refused => {
    log(`locker ipc: refused a message on ${channel} from ${describeFrame(event.senderFrame)} (window ${event.sender.id})`);
    return { kind: 'refused', message: 'refused: this frame is not the Locker app' };
  };

  const pickedBy = new Map<number, Set<string>>();

  const release = (senderId: number) => {
    runners.get(senderId)?.cancelAll();
    runners.delete(senderId);
    pickedBy.delete(senderId);
  };

  /** The paths of an `import.start` payload that its window did not pick (none when the payload is malformed: the schema refuses it then). */
  const notPicked = (senderId: number, payload: unknown): string[] => {
    if (typeof payload !== 'object' || payload === null || !('paths' in payload) || !Array.isArray(payload.paths)) return [];
    const mine = pickedBy.get(senderId) ?? new Set<string>();
    return payload.paths.filter((p: unknown): p is string => typeof p === 'string' && !mine.has(p));
  };

  const runnerFor = (sender: SenderContents): CallRunner => {
    const existing = runners.get(sender.id);
    if (existing) return existing;
    const emit = (e: TaggedEvent) => {
      if (!sender.isDestroyed()) sender.send(IPC_CHANNELS.event, e);
    };
    const runner = new CallRunner(opts.api, emit, log);
    runners.set(sender.id, runner);
    sender.once('destroyed', () => release(sender.id));
    return runner;
  };

  return {
    call(event, ...args) {
      if (!opts.isTrustedFrame(event.senderFrame)) return Promise.resolve(refuse(IPC_CHANNELS.call, event));
      const [op, payload, callId] = args;
      if (args.length < 1 || args.length > 3) return Promise.resolve(badRequest(`expected (op, payload, callId?), got ${args.length} arguments`));
      if (typeof op !== 'string' || op.length > MAX_OP || !OP_NAME.test(op)) return Promise.resolve(badRequest('op: not an operation name'));
      if (callId !== undefined && (typeof callId !== 'string' || !CALL_ID.test(callId))) return Promise.resolve(badRequest('callId: not a call id'));
      if (op === 'import.start' && opts.pickedOnly !== false && notPicked(event.sender.id, payload).length > 0) {
        log(`locker ipc: refused import.start of files window ${event.sender.id} did not drop or pick`);
        return Promise.resolve({ kind: 'refused', message: 'refused: only files you dropped or picked can be imported from here' });
      }
      const running = runnerFor(event.sender).call(op, payload, callId);
      inFlight.add(running);
      const settled = () => void inFlight.delete(running);
      running.then(settled, settled);
      return running;
    },
    cancel(event, ...args) {
      if (!opts.isTrustedFrame(event.senderFrame)) return Promise.resolve(refuse(IPC_CHANNELS.cancel, event));
      const [callId] = args;
      if (args.length !== 1 || typeof callId !== 'string' || !CALL_ID.test(callId)) return Promise.resolve(badRequest('callId: not a call id'));
      runners.get(event.sender.id)?.cancel(callId);
      return Promise.resolve({ kind: 'ok' });
    },
    picked(event, ...args) {
      if (!opts.isTrustedFrame(event.senderFrame)) {
        refuse(IPC_CHANNELS.picked, event);
        return false;
      }
      const [p] = args;
      if (args.length !== 1 || typeof p !== 'string' || p.length === 0 || p.length > 4096 || p.includes('\0')) return false;
      let mine = pickedBy.get(event.sender.id);
      if (!mine) {
        mine = new Set();
        pickedBy.set(event.sender.id, mine);
        event.sender.once('destroyed', () => pickedBy.delete(event.sender.id));
      }
      mine.delete(p);
      mine.add(p);
      if (mine.size > MAX_PICKED) {
        const oldest = mine.values().next();
        if (!oldest.done) mine.delete(oldest.value);
      }
      return true;
    },
    release,
    releaseAll() {
      for (const id of [...runners.keys()]) release(id);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

function badRequest(message: string): { kind: 'bad-request'; message: string } {
  return { kind: 'bad-request', message };
}

/** A frame for a log line: its origin only (a URL's path or query may carry data). */
function describeFrame(frame: SenderFrame | null): string {
  if (!frame) return 'a frame that is gone';
  const where = URL.canParse(frame.url) ? new URL(frame.url) : undefined;
  const origin = !where ? 'an unreadable URL' : where.host ? `${where.protocol}//${where.host}` : where.protocol;
  return `${frame.parent ? 'a subframe' : 'a top-level frame'} at ${origin}`;
}
