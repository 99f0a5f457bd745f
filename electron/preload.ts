import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { CallResult, IPC_CHANNELS, LockerBridge, TaggedEvent } from '../shared/api/index.js';

/**
 * The preload script: exposes `window.locker`, exactly a `LockerBridge`
 * (`call`, `cancel`, `onEvent`, and `pathForFile` for dropped files) over the three allow-listed channels. The
 * page never gets `ipcRenderer`, a channel name of its choosing, or an
 * `IpcRendererEvent` (whose `sender` would be `ipcRenderer` itself).
 *
 * A sandboxed preload is one plain script: it may `require('electron')` and
 * nothing else, so this file imports no value from the rest of the code base
 * (types only; `electron/build.ts` bundles it to CommonJS `preload.cjs`). The
 * channel names are spelled out here and checked against `IPC_CHANNELS` by
 * the compiler.
 */
const CHANNELS = { call: 'locker:call', cancel: 'locker:cancel', event: 'locker:event', picked: 'locker:picked' } as const satisfies typeof IPC_CHANNELS;

/** What the main process answers: a `CallResult`, or a refusal (which only a frame that is not the app could get), shown as an error. */
function toCallResult(answer: unknown): CallResult {
  if (typeof answer === 'object' && answer !== null && 'kind' in answer) {
    const kind: unknown = answer.kind;
    if (kind === 'ok') return { kind, value: 'value' in answer ? answer.value : undefined };
    const message = 'message' in answer && typeof answer.message === 'string' ? answer.message : 'no message';
    if (kind === 'bad-request' || kind === 'error') return { kind, message };
    if (kind === 'refused') return { kind: 'error', message };
  }
  return { kind: 'error', message: 'the main process gave an answer of unknown shape' };
}

function isTaggedEvent(payload: unknown): payload is TaggedEvent {
  return typeof payload === 'object' && payload !== null && 'event' in payload && typeof payload.event === 'object' && payload.event !== null;
}

const bridge: LockerBridge = {
  async call(op, payload, callId) {
    const answer: unknown = await (callId === undefined ? ipcRenderer.invoke(CHANNELS.call, op, payload) : ipcRenderer.invoke(CHANNELS.call, op, payload, callId));
    return toCallResult(answer);
  },
  async cancel(callId) {
    await ipcRenderer.invoke(CHANNELS.cancel, callId);
  },
  onEvent(listener) {
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => {
      if (isTaggedEvent(payload)) listener({ callId: payload.callId, event: payload.event });
    };
    ipcRenderer.on(CHANNELS.event, wrapped);
    return () => {
      ipcRenderer.removeListener(CHANNELS.event, wrapped);
    };
  },
  // A file the person dropped or picked: its path, for `import.start` (empty for a file that is not on disk).
  pathForFile(file) {
    // What the page passes is the DOM File it was given by a drop or a picker; Electron reads its path (a page cannot
    // make up a File with a path of its choosing). Main is told, and `import.start` takes only paths it was told of.
    const picked = webUtils.getPathForFile(file as File);
    if (picked !== '') ipcRenderer.send(CHANNELS.picked, picked);
    return picked;
  },
};

contextBridge.exposeInMainWorld('locker', bridge);
