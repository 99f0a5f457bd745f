import type { ConnectResult } from '../shared/api/index.js';
import { openSystemBrowser } from '../shared/auth/index.js';
import type { Door } from './call.js';
import type { PodIo } from './pod.js';

/**
 * `pod connect --interactive`: the `pod.connect` operation without a client
 * secret. Its `pod.login` event names the provider's login page: this opens
 * the system browser there (and prints the address, for machines without
 * one); the provider sends the browser back to a one-shot server on 127.0.0.1.
 */
export async function connectInteractive(door: Door, args: { issuer: string; pod?: string }, io: PodIo): Promise<ConnectResult> {
  const ctrl = new AbortController();
  const stop = () => ctrl.abort();
  process.once('SIGINT', stop);
  const opening: Array<Promise<void>> = [];
  try {
    return await door.call('pod.connect', args, {
      signal: ctrl.signal,
      onEvent: (e) => {
        if (e.type !== 'pod.login') return;
        io.err(`locker: log in to ${args.issuer} in your browser. If it doesn't open, visit:\n  ${e.url}\n`);
        opening.push(
          openSystemBrowser(e.url, { env: io.env }).then(
            (opened) => {
              if (opened.kind === 'unavailable') io.err(`locker: ${opened.message}\n`);
            },
            (err: unknown) => io.err(`locker: ${err instanceof Error ? err.message : String(err)}\n`),
          ),
        );
      },
    });
  } finally {
    process.off('SIGINT', stop);
    await Promise.allSettled(opening);
  }
}
