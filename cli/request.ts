import type { Locker } from '../shared/api/index.js';
import type { PodIo } from './pod.js';
import type { GrantOptions } from './grants.js';

/** `locker grant --request <url|file>`: filled in with the access-request screen. */
export async function requestCommand(_o: GrantOptions, _locker: Locker, io: PodIo): Promise<number> {
  io.err('locker: access requests are not available in this build\n');
  return 1;
}
