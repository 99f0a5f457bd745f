import os from 'node:os';
import path from 'node:path';

// Its own module, needing nothing else: `locker --help` names it without loading the rest of the core.
/** The OS's per-user app-data folder for Locker; `LOCKER_HOME` (or `--home`) overrides it. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['LOCKER_HOME']) return path.resolve(env['LOCKER_HOME']);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), 'Locker');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Locker');
  return path.join(env['XDG_DATA_HOME'] ?? path.join(home, '.local', 'share'), 'locker');
}
