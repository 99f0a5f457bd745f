import path from 'node:path';

/**
 * The package's folder (where `renderer/dist/` and `electron/dist/` are): one up from `cli/` when run from
 * source, two up from `dist/cli/` when run from the compiled CLI (whose chunks all sit in that one folder).
 */
export function packageRoot(here: string = import.meta.dirname): string {
  const parent = path.dirname(here);
  return path.basename(here) === 'cli' && path.basename(parent) === 'dist' ? path.dirname(parent) : parent;
}
