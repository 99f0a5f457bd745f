import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/** Unix socket paths must fit in sun_path (108 bytes on Linux, 104 on macOS, with the NUL). */
const MAX_SOCKET_PATH = 100;

export interface LocalPodPaths {
  /** `<home>/pod`: everything of the embedded pod. */
  readonly dir: string;
  /** The pod's data (CSS file backend). */
  readonly data: string;
  /** `state.json`: port and base URL (kept), pid while a daemon serves. */
  readonly state: string;
  /** Non-secret facts about the account created on first start. */
  readonly account: string;
  /** The daemon's own output. */
  readonly log: string;
  /** Held by the daemon that owns this pod (its pid). */
  readonly lock: string;
  /** Where CSS listens. */
  readonly socket: string;
  /** The private folder holding the socket when it is not in `dir`. */
  readonly socketDir: string;
}

export function localPodPaths(home: string): LocalPodPaths {
  const dir = path.join(path.resolve(home), 'pod');
  let socketDir = dir;
  let socket = path.join(dir, 'css.sock');
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    const tag = createHash('sha256').update(path.resolve(home)).digest('hex').slice(0, 16);
    socketDir = path.join(os.tmpdir(), `locker-pod-${tag}`);
    socket = path.join(socketDir, 'css.sock');
  }
  return {
    dir,
    data: path.join(dir, 'data'),
    state: path.join(dir, 'state.json'),
    account: path.join(dir, 'account.json'),
    log: path.join(dir, 'daemon.log'),
    lock: path.join(dir, 'daemon.lock'),
    socket,
    socketDir,
  };
}
