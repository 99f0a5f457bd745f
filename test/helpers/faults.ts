/** Seeded randomness and a fault-injecting wrapper around an authenticated fetch. */

import { rng } from '../../bench/generate.js';

export { rng };

/** Runs a seeded test body (LOCKER_SEED replays one) and prints the seed when it fails. */
export async function withSeed(name: string, fn: (random: () => number, seed: number) => Promise<void>): Promise<void> {
  const seed = Number(process.env['LOCKER_SEED'] ?? Date.now() % 1_000_000);
  try {
    await fn(rng(seed), seed);
  } catch (e) {
    console.error(`${name} failed: rerun with LOCKER_SEED=${seed}`);
    throw e;
  }
}

export interface FaultCounts {
  reset: number;
  e500: number;
  e429: number;
  timeout: number;
  lostResponse: number;
  truncated: number;
  race: number;
  passed: number;
}

export function newCounts(): FaultCounts {
  return { reset: 0, e500: 0, e429: 0, timeout: 0, lostResponse: 0, truncated: 0, race: 0, passed: 0 };
}

export interface FaultOptions {
  readonly random: () => number;
  /** Chance that a request meets some fault. */
  readonly rate: number;
  readonly counts: FaultCounts;
  /** Called before a conditional PUT is forwarded when a 412 race is injected: write the resource behind the client's back. */
  readonly race?: (url: string) => Promise<void>;
  /** Chance that a conditional PUT meets a write behind its back (a 412 race). */
  readonly raceRate?: number;
  /** How long a "hung" request waits (past the client's timeout). */
  readonly hangMs?: number;
}

function resetError(): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
}

/** A body that delivers half its bytes and then breaks, as a dropped connection does. */
function truncatedBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.slice(0, Math.floor(bytes.length / 2)));
      controller.error(new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }));
    },
  });
}

export function faultyFetch(f: typeof fetch, o: FaultOptions): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method === 'PUT' && o.race && new Headers(init?.headers).has('if-match') && o.random() < (o.raceRate ?? 0)) {
      o.counts.race++;
      await o.race(url);
      return f(input, init);
    }
    const roll = o.random();
    if (roll >= o.rate) {
      o.counts.passed++;
      return f(input, init);
    }
    const kind = Math.floor(o.random() * 7);
    switch (kind) {
      case 0:
        o.counts.reset++;
        throw resetError();
      case 1:
        o.counts.e500++;
        return new Response('Internal Server Error', { status: 500 });
      case 2:
        o.counts.e429++;
        return new Response('Too Many Requests', { status: 429, headers: { 'retry-after': '0' } });
      case 3: {
        o.counts.timeout++;
        const signal = init?.signal;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, o.hangMs ?? 5000);
          signal?.addEventListener('abort', () => {
            clearTimeout(t);
            resolve();
          });
        });
        if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
        return f(input, init);
      }
      case 4: {
        // The server did the work; the answer never arrived.
        o.counts.lostResponse++;
        const res = await f(input, init);
        await res.arrayBuffer();
        throw resetError();
      }
      case 5: {
        const res = await f(input, init);
        if (method !== 'GET' || res.status !== 200) {
          o.counts.passed++;
          return res;
        }
        o.counts.truncated++;
        const bytes = new Uint8Array(await res.arrayBuffer());
        return new Response(truncatedBody(bytes), { status: res.status, headers: res.headers });
      }
      default:
        // a slow but successful answer
        await new Promise((r) => setTimeout(r, 50));
        o.counts.passed++;
        return f(input, init);
    }
  };
}
