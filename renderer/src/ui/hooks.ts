import { useCallback, useEffect, useRef, useState } from 'react';

export type Loaded<T> = { readonly kind: 'loading' } | { readonly kind: 'ok'; readonly value: T } | { readonly kind: 'error'; readonly message: string };

/** Runs `load` when `deps` change; a stale answer (deps changed meanwhile) is dropped. `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const n = ++latest.current;
    // New inputs: what was shown for the old ones is not shown as if it were theirs.
    setState((s) => (s.kind === 'loading' ? s : { kind: 'loading' }));
    load().then(
      (value) => {
        if (n === latest.current) setState({ kind: 'ok', value });
      },
      (e: unknown) => {
        if (n === latest.current) setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
      },
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return [state, reload];
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** What an action ended with when its call threw (the transport failed, or the core answered bad-request/error). */
export interface Failed {
  readonly kind: 'failed';
  readonly message: string;
}

/**
 * A call the person starts (a button, a form): `busy` while it runs, then its answer, or `Failed` when it threw.
 * Starting it again clears what the last run showed.
 */
export function useAction<A extends unknown[], R>(act: (...args: A) => Promise<R>): { readonly busy: boolean; readonly result: R | Failed | undefined; readonly run: (...args: A) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<R | Failed>();
  const run = async (...args: A): Promise<void> => {
    setBusy(true);
    setResult(undefined);
    try {
      setResult(await act(...args));
    } catch (e) {
      setResult({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, result, run };
}
