/**
 * A bounded GET of an address Locker does not trust: an app's client-ID
 * document, the access need groups it links, its logo. Only addresses the
 * caller's check allows are fetched, every redirect hop is checked again (and
 * at most `maxRedirects` are followed), the body is streamed and cut off at
 * `maxBytes`, and the caller's signal stops the whole read. No retries (the
 * pod's own requests go through `http.ts`): a failure is one value with a
 * stable `code` and a sentence safe to show.
 */
import { displayText, errorText, showIri } from '../model/index.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why an address may not be fetched, or undefined when it may. */
export type AddressCheck = (u: URL) => string | undefined;

/** The check for documents an app names: https, or plain http to this computer only; never a user name or password. */
export function untrustedAddress(u: URL): string | undefined {
  if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) {
    if (u.username || u.password) return `refused ${showIri(u.href)}: addresses with a user name or password are not fetched`;
    return undefined;
  }
  if (u.protocol === 'http:') return `refused ${showIri(u.href)}: only https addresses are fetched (plain http only from this computer)`;
  if (u.protocol === 'file:') return `refused ${showIri(u.href)}: file: addresses are not followed; give the file's path instead`;
  return `refused ${showIri(u.href)}: the ${displayText(u.protocol, 20)} scheme is not fetched; give an https address or a file path`;
}

export interface BoundedGetOptions {
  readonly fetch: typeof fetch;
  /** The largest body read, in bytes. */
  readonly maxBytes: number;
  /** Redirects followed, each hop checked; with 0 a redirect is the answer. */
  readonly maxRedirects: number;
  /** Stops the whole read: the caller's time cap (and cancel). */
  readonly signal: AbortSignal;
  /** The time cap behind `signal`, for messages. */
  readonly timeoutMs: number;
  readonly accept?: string;
  /** Default `untrustedAddress`. */
  readonly check?: AddressCheck;
}

export type BoundedErrorCode =
  /** The check refused an address: the first, a redirect's, or where the caller's fetch landed. */
  | 'refused'
  /** A redirect without a usable address, or more than `maxRedirects`. */
  | 'redirects'
  /** No answer: no connection, or the connection failed while the body came. */
  | 'unreachable'
  /** The signal stopped the read. */
  | 'timeout'
  /** The body is (or says it is) larger than `maxBytes`. */
  | 'too-large';

export interface BoundedFailure {
  readonly kind: 'error';
  readonly code: BoundedErrorCode;
  readonly message: string;
  /** For `unreachable` and `timeout`: the error of the connection, as it came. */
  readonly cause?: string;
}

export interface BoundedAnswer {
  readonly kind: 'ok';
  /** The address that answered, without fragment. */
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  /** The body, at most `maxBytes` of it (a larger one is `too-large`). Read it or discard it, once. */
  body(): Promise<{ readonly kind: 'ok'; readonly bytes: Uint8Array } | BoundedFailure>;
  /** Drops the body unread. */
  discard(): Promise<void>;
}

const failure = (code: BoundedErrorCode, message: string, cause?: unknown): BoundedFailure => ({
  kind: 'error',
  code,
  message,
  ...(cause !== undefined && { cause: cause instanceof Error ? cause.message : String(cause) }),
});

function connectionFailure(e: unknown, where: string, o: BoundedGetOptions): BoundedFailure {
  if (o.signal.aborted) return failure('timeout', `timed out after ${o.timeoutMs / 1000} s reading ${showIri(where)}`, e);
  return failure('unreachable', `could not fetch ${showIri(where)}: ${errorText(e)}`, e);
}

const tooLarge = (where: string, o: BoundedGetOptions): BoundedFailure => failure('too-large', `${showIri(where)} is larger than ${Math.round(o.maxBytes / 1024)} KiB; not read`);

async function readCapped(res: Response, where: string, o: BoundedGetOptions): Promise<{ readonly kind: 'ok'; readonly bytes: Uint8Array } | BoundedFailure> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > o.maxBytes) {
    await res.body?.cancel();
    return tooLarge(where, o);
  }
  if (!res.body) return { kind: 'ok', bytes: new Uint8Array(0) };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: Awaited<ReturnType<typeof reader.read>>;
    try {
      step = await reader.read();
    } catch (e) {
      return connectionFailure(e, where, o);
    }
    if (step.done) break;
    total += step.value.byteLength;
    if (total > o.maxBytes) {
      await reader.cancel();
      return tooLarge(where, o);
    }
    chunks.push(step.value);
  }
  return { kind: 'ok', bytes: Buffer.concat(chunks) };
}

/** GET `start` with every redirect hop checked, the body cut at the byte cap, all under the caller's signal. */
export async function boundedGet(start: URL, o: BoundedGetOptions): Promise<BoundedAnswer | BoundedFailure> {
  const check = o.check ?? untrustedAddress;
  let current = new URL(start.href);
  current.hash = '';
  const refused = check(current);
  if (refused) return failure('refused', refused);
  for (let hops = 0; ; hops++) {
    let res: Response;
    try {
      res = await o.fetch(current.href, { redirect: 'manual', signal: o.signal, ...(o.accept !== undefined && { headers: { accept: o.accept } }) });
    } catch (e) {
      return connectionFailure(e, current.href, o);
    }
    // A caller's fetch may follow redirects itself: check where it ended up all the same.
    if (res.url && res.url !== current.href) {
      const landed = URL.canParse(res.url) ? new URL(res.url) : undefined;
      const why = landed ? check(landed) : `${showIri(current.href)} led to an unreadable address`;
      if (why || !landed) {
        await res.body?.cancel();
        return failure('refused', why ?? 'unreadable address');
      }
      landed.hash = '';
      current = landed;
    }
    if (o.maxRedirects > 0 && REDIRECTS.has(res.status)) {
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (!location || !URL.canParse(location, current.href)) return failure('redirects', `${showIri(current.href)} redirects without a usable address`);
      if (hops >= o.maxRedirects) return failure('redirects', `${showIri(start.href)} redirects more than ${o.maxRedirects} times`);
      const next = new URL(location, current.href);
      const why = check(next);
      if (why) return failure('refused', `${showIri(current.href)} redirects elsewhere: ${why}`);
      next.hash = '';
      current = next;
      continue;
    }
    const url = current.href;
    const answer = res;
    return {
      kind: 'ok',
      url,
      status: answer.status,
      statusText: answer.statusText,
      headers: answer.headers,
      body: () => readCapped(answer, url, o),
      discard: async () => {
        await answer.body?.cancel();
      },
    };
  }
}
