import path from 'node:path';
import { build, type InlineConfig } from 'vite';
import { renderTrayIcons } from './tray-icons.js';

/**
 * Compiles the desktop shell into `electron/dist/` (what `locker start` runs):
 * - `main.js`: the main process with the core (shared/) bundled in, as ESM;
 *   npm packages (better-sqlite3, sharp, …) and `electron` stay external and
 *   are loaded from node_modules. It sits two folders below the repository
 *   root, like shared/<folder>/, so the core's files found relative to their
 *   module (shapes/) resolve the same.
 * - `preload.cjs`: the preload as one CommonJS script: a sandboxed preload
 *   cannot be an ES module and may `require('electron')` only.
 * - `tray/`: the tray icons, rendered with sharp from the app's icon
 *   (`renderer/public/icon.svg`): `<state>.png` and `<state>@2x.png` with a
 *   coloured badge per state, and the macOS template `trayTemplate.png`
 *   (`@2x`), see tray-icons.ts.
 *
 * npm packages stay external (Vite's SSR build leaves node_modules to Node):
 * `electron-updater` among them, a CommonJS package that `main.ts` imports by
 * its default export (`electronUpdater.autoUpdater`, whose updater object is
 * only created when the person has allowed update checks and one is due).
 *
 * Run with `tsx electron/build.ts` (or `node bin/run-ts.js electron/build.ts`).
 */
const here = import.meta.dirname;
const outDir = path.join(here, 'dist');

function target(entry: string, format: 'es' | 'cjs', fileName: string, emptyOutDir: boolean): InlineConfig {
  return {
    configFile: false,
    root: path.resolve(here, '..'),
    logLevel: 'warn',
    build: {
      ssr: path.join(here, entry),
      outDir,
      emptyOutDir,
      target: 'node20',
      minify: false,
      sourcemap: true,
      copyPublicDir: false,
      rollupOptions: { output: { format, entryFileNames: fileName } },
    },
  };
}

await build(target('main.ts', 'es', 'main.js', true));
await build(target('preload.ts', 'cjs', 'preload.cjs', false));
await renderTrayIcons(path.resolve(here, '..', 'renderer', 'public', 'icon.svg'), path.join(outDir, 'tray'));
