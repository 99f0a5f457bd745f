import type { PodErrorCode } from '../../../shared/api/index.js';

export interface PodErrorWords {
  /** What happened, in a person's words. */
  readonly headline: string;
  /** What to do about it. */
  readonly advice: string;
  /** True when logging in again is the way out (the page offers it). */
  readonly loginAgain: boolean;
}

/**
 * A pod failure told by its code, never by its message: "log in again" is a
 * different thing to say from "the server is down". The core's message is
 * shown too, but only as the detail under these words.
 */
export function podErrorWords(failure: { readonly code: PodErrorCode; readonly status?: number | undefined }, doing = 'Sync'): PodErrorWords {
  const status = failure.status !== undefined ? ` (HTTP ${failure.status})` : '';
  switch (failure.code) {
    case 'needs-login':
      return { headline: `${doing} stopped: your login to the pod has expired or was not accepted${status}.`, advice: 'Log in again to go on; nothing here was lost.', loginAgain: true };
    case 'not-connected':
      return { headline: 'This locker is not connected to a pod.', advice: 'Choose a pod below.', loginAgain: true };
    case 'unreachable':
      return { headline: `${doing} stopped: your pod's server cannot be reached.`, advice: 'Check the network, or try again later; your records are safe on this computer.', loginAgain: false };
    case 'server-error':
      return { headline: `${doing} stopped: your pod's server is having trouble${status}.`, advice: 'Try again later; your records are safe on this computer.', loginAgain: false };
    case 'forbidden':
      return { headline: `${doing} stopped: the pod did not allow it${status}.`, advice: 'Your account may not have full access to this pod any more; log in again with the pod owner\u2019s account.', loginAgain: true };
    case 'not-found':
      return { headline: `${doing} stopped: something Locker needs is not on the pod${status}.`, advice: 'Try again; if it keeps happening, connect to the pod again.', loginAgain: false };
    case 'conflict':
      return { headline: `${doing} stopped: the pod changed while Locker was writing${status}.`, advice: 'Sync again: Locker will merge the changes.', loginAgain: false };
    case 'bad-answer':
      return { headline: `${doing} stopped: the pod answered something Locker cannot use${status}.`, advice: 'Try again later; if it keeps happening, the details below help the pod\u2019s provider.', loginAgain: false };
    case 'cancelled':
      return { headline: `${doing} was cancelled.`, advice: 'What was already done is kept; sync again to finish.', loginAgain: false };
    case 'internal':
      return { headline: `${doing} stopped because of a problem on this computer.`, advice: 'Try again; the details below say what failed.', loginAgain: false };
  }
}
