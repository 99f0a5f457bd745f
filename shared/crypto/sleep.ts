/**
 * Notices that the computer slept: while it sleeps the monotonic clock stands
 * still and the wall clock does not, so after waking the wall clock has moved
 * further than the monotonic one. (A busy event loop delays both alike.)
 */
export interface SleepDetectorOptions {
  readonly onSleep: (sleptMs: number) => void;
  /** How often to compare the clocks (default 5 s). */
  readonly intervalMs?: number;
  /** A gap larger than this counts as sleep (default 30 s). */
  readonly thresholdMs?: number;
  readonly wallClock?: () => number;
  readonly monotonicClock?: () => number;
}

export interface SleepDetector {
  /** Compares the clocks now (the timer calls this; tests may too). */
  check(): void;
  stop(): void;
}

export function detectSleep(opts: SleepDetectorOptions): SleepDetector {
  const wall = opts.wallClock ?? Date.now;
  const mono = opts.monotonicClock ?? (() => performance.now());
  const threshold = opts.thresholdMs ?? 30_000;
  let lastWall = wall();
  let lastMono = mono();
  const check = () => {
    const w = wall();
    const m = mono();
    const gap = w - lastWall - (m - lastMono);
    lastWall = w;
    lastMono = m;
    if (gap > threshold) opts.onSleep(gap);
  };
  const timer = setInterval(check, opts.intervalMs ?? 5000);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
