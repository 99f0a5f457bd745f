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
}

export interface IpcHandlers {
  /** For `ipcMain.handle(IPC_CHANNELS.call, …)`: `(event, op, payload, callId?)`. */
  call(event: IpcSenderEvent, ...args: unknown[]): Promise<CallAnswer>;
  /** For `ipcMain.handle(IPC_CHANNELS.cancel, …)`: `(event, callId)`. */
  cancel(event: IpcSenderEvent, ...args: unknown[]): Promise<CancelAnswer>;
  /** Cancels every call of one window (it crashed or closed). */
  release(senderId: number): void;
  /** Cancels every call of every window (the app is quitting). */
  releaseAll(): void;
  /** Resolves once no call is running (after `releaseAll`, before closing the locker). */
  idle(): Promise<void>;
}

const MAX_OP = 64;
const OP_NAME = /^[A-Za-z][A-Za-z0-9.]*$/;

export function createIpcHandlers(opts: IpcOptions): IpcHandlers {
  const log = opts.log ?? (() => undefined);
  const runners = new Map<number, CallRunner>();
  const inFlight = new Set<Promise<CallAnswer>>();

  const refuse = (channel: string, event: IpcSenderEvent): Refused => {
    log(`locker ipc: refused a message on ${channel} from ${describeFrame(event.senderFrame)} (window ${event.sender.id})`);
    return { kind: 'refused', message: 'refused: this frame is not the Locker app' };
  };

  const release = (senderId: number) => {
    runners.get(senderId)?.cancelAll();
    runners.delete(senderId);
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
