/**
 * Requests to a pod: retries with backoff (honouring Retry-After) on 429,
 * 5xx, timeouts, resets and truncated bodies; every failure is a value.
 */

/** Why no usable answer came: the server answered with `status`, or nothing came back (no connection, no answer in time, cancelled). */
export type HttpFailure = 'status' | 'network' | 'timeout' | 'cancelled';

export class HttpError extends Error {
  readonly kind = 'http-error' as const;
  constructor(
    /** The status the server answered; 0 when no answer came. */
    readonly status: number,
    readonly url: string,
    message: string,
    readonly failure: HttpFailure = status === 0 ? 'network' : 'status',
  ) {
    super(message);
  }
}

export interface RetryPolicy {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 200, maxDelayMs: 10_000, timeoutMs: 30_000 };

export interface FetchedResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The body as UTF-8 text. */
  readonly body: string;
  readonly bytes: Uint8Array;
}

const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

function retryAfterMs(res: Response | undefined, now: number): number | undefined {
  const h = res?.headers.get('retry-after');
  if (!h) return undefined;
  const secs = Number(h);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(h);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Reads the whole body; a body shorter than its Content-Length is a truncated transfer (an error, retried). */
async function readBody(res: Response): Promise<Uint8Array> {
  const buf = new Uint8Array(await res.arrayBuffer());
  const declared = res.headers.get('content-length');
  if (declared !== null && res.headers.get('content-encoding') === null && Number(declared) !== buf.byteLength) {
    throw new Error(`truncated body: ${buf.byteLength} of ${declared} bytes`);
  }
  return buf;
}

export interface RequestOptions extends RequestInit {
  readonly policy?: RetryPolicy;
  /** Statuses the caller handles itself (not retried, returned as they are). */
  readonly expect?: readonly number[];
}

/** Counts what went over the wire (for tests and the benchmark). */
export interface TransferStats {
  requests: number;
  retries: number;
  bodyBytes: number;
  byMethod: Record<string, number>;
}

export function newStats(): TransferStats {
  return { requests: 0, retries: 0, bodyBytes: 0, byMethod: {} };
}

/**
 * One HTTP exchange with retries. Resolves with the status, headers and full
 * body, or rejects with an HttpError (status 0 for network failures) once
 * the retries are spent or the signal aborts.
 */
export async function request(fetchFn: typeof fetch, url: string, opts: RequestOptions = {}, stats?: TransferStats): Promise<FetchedResponse> {
  const policy = opts.policy ?? DEFAULT_RETRY;
  const method = (opts.method ?? 'GET').toUpperCase();
  let attempt = 0;
  for (;;) {
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let res: Response | undefined;
    let failure: string;
    let why: HttpFailure;
    try {
      if (stats) {
        stats.requests++;
        stats.byMethod[method] = (stats.byMethod[method] ?? 0) + 1;
      }
      res = await fetchFn(url, { ...opts, method, signal });
      const bytes = method === 'HEAD' ? new Uint8Array(0) : await readBody(res);
      if (stats) stats.bodyBytes += bytes.byteLength;
      if (!RETRY_STATUS.has(res.status) || opts.expect?.includes(res.status)) return { status: res.status, headers: res.headers, body: new TextDecoder('utf-8', { fatal: false }).decode(bytes), bytes };
      failure = `${res.status} ${res.statusText}`.trim();
      why = 'status';
    } catch (e) {
      if (opts.signal?.aborted) throw new HttpError(0, url, `${method} ${url} cancelled`, 'cancelled');
      // No answer, or a body cut short: a failure of the connection, not an answer of the server.
      why = timeout.aborted ? 'timeout' : 'network';
      failure = timeout.aborted ? `no answer within ${policy.timeoutMs / 1000} s` : e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e);
    }
    if (attempt >= policy.retries) throw new HttpError(why === 'status' ? (res?.status ?? 0) : 0, url, `${method} ${url} failed after ${attempt + 1} attempts: ${failure}`, why);
    attempt++;
    if (stats) stats.retries++;
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
    const wait = Math.min(policy.maxDelayMs * 3, retryAfterMs(res, Date.now()) ?? backoff);
    try {
      await sleep(wait, opts.signal ?? undefined);
    } catch {
      throw new HttpError(0, url, `${method} ${url} cancelled`, 'cancelled');
    }
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; the first rejection stops new work and is rethrown. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
