import { dispatch, type LockerApi, type RemoteApi } from './contract.js';
import { CALL_ID, type CallResult, type TaggedEvent } from './transport.js';

/**
 * Runs untrusted calls against the handler table for one transport (an IPC
 * bridge, an HTTP host): validates, keeps an AbortController per call id so a
 * call can be cancelled, tags the events a call emits, and turns a failing
 * handler into an `{ kind: 'error' }` value (its message only).
 */
export class CallRunner {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly api: LockerApi | RemoteApi,
    private readonly emit: (e: TaggedEvent) => void,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async call(op: string, payload: unknown, callId?: unknown): Promise<CallResult> {
    if (callId !== undefined && (typeof callId !== 'string' || !CALL_ID.test(callId))) return { kind: 'bad-request', message: 'callId: not a call id' };
    if (callId !== undefined && this.running.has(callId)) return { kind: 'bad-request', message: 'callId: already running' };
    const ac = new AbortController();
    if (callId !== undefined) this.running.set(callId, ac);
    try {
      const r = await dispatch(this.api, op, payload, { signal: ac.signal, emit: (event) => this.emit({ callId, event }) });
      return r;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log(`locker: ${op} failed: ${message}`);
      return { kind: 'error', message };
    } finally {
      if (callId !== undefined) this.running.delete(callId);
    }
  }

  cancel(callId: unknown): void {
    if (typeof callId === 'string') this.running.get(callId)?.abort();
  }

  /** Cancels every running call (the window or connection went away). */
  cancelAll(): void {
    for (const ac of this.running.values()) ac.abort();
  }
}
