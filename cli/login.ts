import type { ConnectResult, Locker } from '../shared/api/index.js';
import type { PodIo } from './pod.js';

/** `pod connect --interactive`: filled in with the authorization-code login. */
export async function connectInteractive(_locker: Locker, args: { issuer: string; podUrl?: string }, _io: PodIo): Promise<ConnectResult> {
  return { kind: 'error', message: `interactive login to ${args.issuer} is not available in this build` };
}
