import type { CallResult, Input, LockerBridge, Operation, Outputs, TaggedEvent } from '../../../shared/api/index.js';

declare global {
  interface Window {
    /** Provided by Electron's preload script (or a test harness); absent in browser mode. */
    locker?: LockerBridge;
  }
}

/** Browser mode: calls over HTTP, events over one WebSocket; the launch token travels as an HttpOnly cookie the page never sees. */
export function httpBridge(base = ''): LockerBridge {
  const listeners = new Set<(e: TaggedEvent) => void>();
  let socket: WebSocket | undefined;
  let retry = 500;
  const connect = () => {
    const url = new URL(`${base}/api/events`, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    socket = ws;
    ws.onmessage = (m) => {
      const parsed = parseEvent(m.data);
      if (parsed) for (const l of listeners) l(parsed);
    };
    ws.onopen = () => {
      retry = 500;
    };
    ws.onclose = () => {
      socket = undefined;
      if (listeners.size > 0) setTimeout(connect, (retry = Math.min(retry * 2, 10_000)));
    };
  };
  const post = async (path: string, body: unknown): Promise<CallResult> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
    } catch (e) {
      return { kind: 'error', message: `Locker is not answering (${e instanceof Error ? e.message : String(e)}). Is \`locker serve\` still running?` };
    }
    if (res.status === 401) return { kind: 'error', message: 'This page’s link has expired: open the link `locker serve` printed.' };
    try {
      return (await res.json()) as CallResult;
    } catch {
      return { kind: 'error', message: `Locker answered ${res.status} without a result` };
    }
  };
  return {
    call: (op, payload, callId) => post('/api/call', { op, payload, ...(callId && { callId }) }),
    cancel: async (callId) => {
      await post('/api/cancel', { callId });
    },
    onEvent: (listener) => {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket?.close();
      };
    },
  };
}

function parseEvent(data: unknown): TaggedEvent | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const v = JSON.parse(data) as unknown;
    return v !== null && typeof v === 'object' && 'event' in v ? (v as TaggedEvent) : undefined;
  } catch {
    return undefined;
  }
}

export const bridge: LockerBridge = window.locker ?? httpBridge();

/** True when files can be uploaded over HTTP (browser mode); in the desktop app they are imported in place. */
export const canUpload = window.locker === undefined;

/** The desktop app's paths of dropped or picked files (all of them, or none). */
export function pathsOf(files: readonly File[]): string[] | undefined {
  const of = bridge.pathForFile;
  if (!of) return undefined;
  const paths = files.map((f) => of(f));
  return paths.every((p) => p.length > 0) ? paths : undefined;
}

export class ApiError extends Error {
  constructor(
    readonly kind: 'bad-request' | 'error',
    message: string,
  ) {
    super(message);
  }
}

let seq = 0;
export function newCallId(): string {
  seq += 1;
  return `c${Date.now().toString(36)}${seq}`;
}

/** One typed call: the value, or an ApiError carrying the core's message. */
export async function call<K extends Operation>(op: K, payload: Input<K>, callId?: string): Promise<Outputs[K]> {
  const r = await bridge.call(op, payload, callId);
  if (r.kind === 'ok') return r.value as Outputs[K];
  throw new ApiError(r.kind, r.message);
}

/** Uploads one file (browser mode) and returns its upload id. */
export async function upload(file: File, onProgress?: (sent: number) => void): Promise<{ kind: 'ok'; id: string } | { kind: 'error'; message: string }> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/upload?name=${encodeURIComponent(file.name)}`);
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded);
    xhr.onload = () => {
      try {
        const body = JSON.parse(xhr.responseText) as { kind: string; id?: string; message?: string };
        if (body.kind === 'ok' && body.id) resolve({ kind: 'ok', id: body.id });
        else resolve({ kind: 'error', message: body.message ?? `upload failed (${xhr.status})` });
      } catch {
        resolve({ kind: 'error', message: `upload failed (${xhr.status})` });
      }
    };
    xhr.onerror = () => resolve({ kind: 'error', message: 'upload failed: Locker is not answering' });
    xhr.send(file);
  });
}

/** The locker's own URL for a binary a record points at (photo bytes, thumbnails); anything else is not shown. */
export function binaryUrl(iri: unknown): string | undefined {
  const prefix = 'https://locker.invalid/files/';
  if (typeof iri !== 'string' || !iri.startsWith(prefix)) return undefined;
  const name = iri.slice(prefix.length);
  return /^[A-Za-z0-9._-]{1,200}$/.test(name) ? `./api/binary/${encodeURIComponent(name)}` : undefined;
}

/** A call that must be made even as the page goes away (a delete whose Undo window was still open). */
export function callOnExit(op: 'records.delete', payload: { id: string }): void {
  if (window.locker) {
    void window.locker.call(op, payload);
    return;
  }
  navigator.sendBeacon('./api/call', new Blob([JSON.stringify({ op, payload })], { type: 'application/json' }));
}
