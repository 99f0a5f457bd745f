import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defaultFuseWire, FUSE_SENTINEL } from './fuses.js';

/**
 * A stand-in for an unpacked Linux Electron distribution, for `dist-check.ts`
 * only: no Electron runtime can be downloaded on the build machines (see
 * SOLID-NOTES), and electron-builder's `electronDist` option takes a folder.
 *
 * electron-builder (app-builder-lib 26, `ElectronFramework.unpack`) copies the
 * folder into the output, renames `electron` to the app's executable name,
 * moves `LICENSE` to `LICENSE.electron.txt`, and writes the app into
 * `resources/`. What it finds here:
 *
 * - `electron`: a shell script that says it is a stub and exits 1, followed by
 *   Electron 42's fuse wire (sentinel, version 1, length 9, '101100011'), so
 *   @electron/fuses can flip and read it as it does in the real binary;
 * - `resources/` (empty: no default_app.asar), `locales/en-US.pak`, `version`,
 *   `LICENSE`, `LICENSES.chromium.html`: placeholders that say what they are.
 *
 * Nothing here is Electron, and it is only ever written to a temporary folder.
 */

export const STUB_MARKER = 'LOCKER-STUB-ELECTRON';

/** The stub executable's bytes: a script that refuses to run, then the fuse wire (exactly one sentinel). */
export function stubExecutable(wire = defaultFuseWire()): Buffer {
  const script = [
    '#!/bin/sh',
    `# ${STUB_MARKER}: NOT Electron. A placeholder made by Locker's packaging/stub-electron.ts so that`,
    '# electron-builder can lay out a Linux package offline (npm run dist:check). It runs nothing.',
    `echo "${STUB_MARKER}: this build was made with a stub instead of Electron; it cannot run." >&2`,
    'exit 1',
    '# Electron fuse wire (read and flipped by @electron/fuses):',
    '',
  ].join('\n');
  if (wire.length > 255 || !/^[01r]+$/.test(wire)) throw new Error(`bad fuse wire "${wire}"`);
  return Buffer.concat([Buffer.from(script, 'utf8'), Buffer.from(FUSE_SENTINEL, 'latin1'), Buffer.from([1, wire.length]), Buffer.from(wire, 'latin1'), Buffer.from('\n')]);
}

/** Writes the stub distribution into `dir` (emptied first) and returns `dir`. */
export async function writeStubElectron(dir: string, version: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'resources'), { recursive: true });
  await mkdir(path.join(dir, 'locales'), { recursive: true });
  const note = `${STUB_MARKER}: placeholder, not part of Electron\n`;
  await writeFile(path.join(dir, 'electron'), stubExecutable());
  await chmod(path.join(dir, 'electron'), 0o755);
  await writeFile(path.join(dir, 'version'), version);
  await writeFile(path.join(dir, 'LICENSE'), note);
  await writeFile(path.join(dir, 'LICENSES.chromium.html'), `<!-- ${note.trim()} -->\n`);
  await writeFile(path.join(dir, 'locales', 'en-US.pak'), note);
  await writeFile(path.join(dir, 'resources', `${STUB_MARKER}.txt`), note);
  return dir;
}
