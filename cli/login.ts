import { connectInteractively, type ConnectResult, type Locker } from '../shared/api/index.js';
import { openSystemBrowser } from '../shared/auth/index.js';
import type { PodIo } from './pod.js';

/**
 * `pod connect --interactive`: opens the system browser at the provider's
 * login page (and prints the address, for machines without one); the
 * provider sends the browser back to a one-shot server on 127.0.0.1.
 */
export async function connectInteractive(locker: Locker, args: { issuer: string; podUrl?: string }, io: PodIo): Promise<ConnectResult> {
  const ctrl = new AbortController();
  const stop = () => ctrl.abort();
  process.once('SIGINT', stop);
  try {
    return await connectInteractively(
      locker,
      {
        ...args,
        signal: ctrl.signal,
        openBrowser: async (url) => {
          io.err(`locker: log in to ${args.issuer} in your browser. If it doesn't open, visit:\n  ${url}\n`);
          const opened = await openSystemBrowser(url, { env: io.env });
          if (opened.kind === 'unavailable') io.err(`locker: ${opened.message}\n`);
        },
      },
      { env: io.env },
    );
  } finally {
    process.off('SIGINT', stop);
  }
}
