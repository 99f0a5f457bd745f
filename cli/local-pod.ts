import type { Locker } from '../shared/api/index.js';
import type { PodIo, PodOptions } from './pod.js';

export async function localPodCommand(_args: readonly string[], _o: PodOptions, _locker: Locker, io: PodIo): Promise<number> {
  io.err('locker: the local pod is not available in this build\n');
  return 1;
}
