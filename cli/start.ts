import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Locker } from '../shared/api/index.js';
import { packageRoot } from './root.js';
import { rendererDist, serve } from './serve.js';

export interface ServeIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** Where the Electron runtime would be, if one was downloaded; why not otherwise. */
export function electronRuntime(): { kind: 'ok'; path: string } | { kind: 'missing'; why: string } {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { kind: 'missing', why: 'the electron package is not installed' };
  }
  const pathFile = path.join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { kind: 'missing', why: 'no Electron runtime has been downloaded (electron fetches it on first launch, and this machine cannot)' };
  const exe = path.join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(exe)) return { kind: 'missing', why: `the Electron runtime is missing (${exe})` };
  const abi = addonAbiProblem(pkg, require);
  return abi ? { kind: 'missing', why: abi } : { kind: 'ok', path: exe };
}

/**
 * Why the main process could not load the store's native addon, or undefined. `npm install` builds
 * better-sqlite3-multiple-ciphers for Node's ABI (what the CLI and the tests use); Electron has its own
 * (`node_modules/electron/abi_version`). A packaged app is rebuilt for Electron by electron-builder; a development
 * run needs `npx @electron/rebuild`.
 */
export function addonAbiProblem(electronDir: string, require: NodeJS.Require): string | undefined {
  const abiFile = path.join(electronDir, 'abi_version');
  let addon: string;
  try {
    addon = path.join(path.dirname(require.resolve('better-sqlite3-multiple-ciphers/package.json')), 'build', 'Release', 'better_sqlite3.node');
  } catch {
    return 'the store’s native addon (better-sqlite3-multiple-ciphers) is not installed';
  }
  if (!existsSync(abiFile) || !existsSync(addon)) return undefined;
  const electronAbi = readFileSync(abiFile, 'utf8').trim();
  let built: string;
  try {
    require(addon);
    built = process.versions.modules;
  } catch (e) {
    built = /NODE_MODULE_VERSION (\d+)/.exec(e instanceof Error ? e.message : String(e))?.[1] ?? 'unknown';
  }
  if (built === electronAbi) return undefined;
  return `the store’s native addon is built for Node (NODE_MODULE_VERSION ${built}), and Electron needs ${electronAbi}: \`npx @electron/rebuild -f -o better-sqlite3-multiple-ciphers\` rebuilds it for Electron (\`npm rebuild better-sqlite3-multiple-ciphers\` goes back, for the CLI and the tests)`;
}

/** `locker serve`: the UI in a browser, until Ctrl-C (or SIGTERM). */
export async function serveCommand(locker: Locker, o: { port?: string | undefined; open?: boolean | undefined }, io: ServeIo, stop: Promise<unknown>): Promise<number> {
  const port = o.port === undefined ? 0 : Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`locker: --port must be a port number\n`);
    return 2;
  }
  const dist = rendererDist();
  if (!existsSync(path.join(dist, 'index.html'))) io.err('locker: the UI is not built yet: run `npm run build:ui` (npm start does it); serving the API only\n');
  let server;
  try {
    server = await serve({ locker, staticDir: dist, port, pod: { env: io.env }, log: (line) => io.err(`${line}\n`) });
  } catch (e) {
    io.err(`locker: could not listen on 127.0.0.1:${port}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  io.out(`Locker is at ${server.launchUrl}\n`);
  io.err('Only this computer can reach it, and the link works once. Ctrl-C stops it.\n');
  if (o.open) openBrowser(server.launchUrl, io);
  await stop;
  await server.close();
  return 0;
}

/** Resolves on Ctrl-C or SIGTERM, or when `locked` aborts (the unlock agent locked: the key must not stay in use). */
export function stopSignal(locked?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => resolve(s));
    if (locked) {
      if (locked.aborted) resolve('locked');
      else locked.addEventListener('abort', () => resolve('locked'), { once: true });
    }
  });
}

function openBrowser(url: string, io: ServeIo): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => io.err(`locker: could not open a browser (${cmd}); open the link above yourself\n`));
  child.unref();
}

/** The compiled desktop shell (`npm run build:electron`), if any. */
export function electronMain(): string | undefined {
  const main = path.join(packageRoot(), 'electron', 'dist', 'main.js');
  return existsSync(main) ? main : undefined;
}

/** Runs the desktop app and waits for it to quit; its exit code is ours. */
export function launchElectron(runtime: string, main: string, io: ServeIo): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(runtime, [main], { stdio: 'inherit', env: io.env });
    child.on('error', (e) => {
      io.err(`locker: could not start Electron: ${e.message}\n`);
      resolve(1);
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}
