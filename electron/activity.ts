/**
 * What the main process keeps track of between calls, as plain TypeScript
 * (no runtime import of `electron`): which syncs and imports are running
 * (whoever started them: the page over IPC, the tray, the menu, a file the
 * OS opened with Locker) and how the last sync ended, so the tray can say so
 * and be refreshed when one ends; and the calls the main process runs itself,
 * so that quitting can cancel them and wait for them before the locker closes.
 */

/** The operations whose end changes what the tray shows. */
export const WATCHED_OPS = ['sync.run', 'import.start', 'import.uploads', 'conflicts.resolve', 'pod.connect', 'pod.local', 'data.deleteEverything'] as const;

export type CallEnd = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export interface CallHooks {
  started(op: string): void;
  finished(op: string, end: CallEnd): void;
}

/**
 * The handler table with `hooks` told when a call of one of `ops` starts and
 * ends (whether it answered or threw); its answers and errors pass through
 * unchanged, and every other operation is the same function as before.
 */
export function observeCalls<A extends object>(api: A, ops: readonly string[], hooks: CallHooks): A {
  const out: Record<string, unknown> = {};
  for (const [op, handler] of Object.entries(api)) {
    if (typeof handler !== 'function' || !ops.includes(op)) {
      out[op] = handler;
      continue;
    }
    const fn = handler as (...args: unknown[]) => Promise<unknown>;
    out[op] = async (...args: unknown[]) => {
      hooks.started(op);
      try {
        const value = await fn(...args);
        hooks.finished(op, { ok: true, value });
        return value;
      } catch (error) {
        hooks.finished(op, { ok: false, error });
        throw error;
      }
    };
  }
  return out as A;
}

/** Syncs running and how the last one ended, from the calls `observeCalls` reports. */
export class SyncActivity implements CallHooks {
  private running = 0;
  private error: string | undefined;

  /** Told after every change (the tray redraws). */
  constructor(private readonly changed: () => void = () => undefined) {}

  get syncing(): boolean {
    return this.running > 0;
  }

  /** The last sync's failure, until one succeeds. */
  get lastSyncError(): string | undefined {
    return this.error;
  }

  started(op: string): void {
    if (op === 'sync.run') this.running++;
    this.changed();
  }

  finished(op: string, end: CallEnd): void {
    if (op === 'sync.run') {
      this.running = Math.max(0, this.running - 1);
      if (!end.ok) this.error = end.error instanceof Error ? end.error.message : String(end.error);
      else this.error = syncFailure(end.value);
    }
    this.changed();
  }
}

/** A `SyncResult`'s failure message, or undefined when it went well. */
function syncFailure(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && 'kind' in value && value.kind === 'error') {
    return 'message' in value && typeof value.message === 'string' ? value.message : 'the sync failed';
  }
  return undefined;
}

/**
 * Calls the main process runs itself (a sync from the tray, an export from
 * the menu): each gets an abort signal; `cancelAll` (quitting) aborts them
 * and takes no more, `idle` waits until none runs.
 */
export class BackgroundTasks {
  private readonly running = new Set<{ readonly done: Promise<unknown>; readonly abort: AbortController }>();
  private closed = false;

  /** Runs `task`; undefined (without running it) once `cancelAll` was called. */
  async run<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    if (this.closed) return undefined;
    const abort = new AbortController();
    const done = task(abort.signal);
    const entry = { done, abort };
    this.running.add(entry);
    try {
      return await done;
    } finally {
      this.running.delete(entry);
    }
  }

  get busy(): boolean {
    return this.running.size > 0;
  }

  cancelAll(): void {
    this.closed = true;
    for (const t of this.running) t.abort.abort();
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running].map((t) => t.done));
  }
}
