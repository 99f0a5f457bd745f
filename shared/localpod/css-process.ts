import { spawn, type ChildProcess } from 'node:child_process';
import { isSecretVariable } from '../crypto/index.js';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Which access-control system the server runs: WAC (`.acl`) or ACP (`.acr`). */
export type CssFlavour = 'wac' | 'acp';

export interface CssOptions {
  readonly flavour: CssFlavour;
  /** Folder for the pod's data (file-backed config). */
  readonly dataDir: string;
  /** The public base URL (must use `localhost`, see SOLID-NOTES). */
  readonly baseUrl: string;
  /** Listen on this TCP port (all interfaces: CSS has no bind option) … */
  readonly port?: number;
  /** … or on this Unix socket (then only a local proxy can reach it). */
  readonly socket?: string;
  /** Give up waiting for start after this long. */
  readonly startTimeoutMs?: number;
  /**
   * Make the server stop itself when this process dies, even by SIGKILL:
   * it gets an IPC channel and a preloaded guard that ends it on `disconnect`.
   */
  readonly dieWithParent?: boolean;
}

export interface CssProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** The last few KB the server logged (for error reports). */
  recentLog(): string;
  stop(): Promise<void>;
}

export type StartCssResult = { readonly kind: 'ok'; readonly css: CssProcess } | { readonly kind: 'error'; readonly message: string };

/** The path of Community Solid Server's start script in node_modules. */
function cssBin(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@solid/community-server/package.json');
  return path.join(path.dirname(pkg), 'bin', 'server.js');
}

/**
 * CSS reads `CSS_*` variables as options, and a test runner's variables
 * (NODE_ENV=test, VITEST, JEST_*) switch some of its libraries into test
 * modes: pass neither through.
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(CSS_|VITEST|JEST_|NODE_ENV$|TEST$)/.test(k) && !isSecretVariable(k)) env[k] = v;
  return env;
}

/** Preloaded into the server when `dieWithParent`: the IPC channel closes when the parent dies. */
const PARENT_GUARD = 'process.on("disconnect",()=>process.kill(process.pid,"SIGTERM"));';

/**
 * Starts Community Solid Server as a child process and resolves when it
 * logs that it listens. `wac` uses `file.json`, `acp` uses `file-acp.json`.
 */
export function startCss(opts: CssOptions): Promise<StartCssResult> {
  const config = opts.flavour === 'acp' ? '@css:config/file-acp.json' : '@css:config/file.json';
  const guard = opts.dieWithParent ? ['--import', `data:text/javascript,${encodeURIComponent(PARENT_GUARD)}`] : [];
  const args = [...guard, cssBin(), '-c', config, '-f', opts.dataDir, '-b', opts.baseUrl, '-l', 'info'];
  if (opts.socket) args.push('--socket', opts.socket);
  else if (opts.port !== undefined) args.push('-p', String(opts.port));
  // `info`: readiness is read from the log line "Listening to server at"; the output is drained for the life of the process.
  const child = spawn(process.execPath, args, { env: cleanEnv(), stdio: opts.dieWithParent ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve) => {
    let log = '';
    let settled = false;
    const finish = (r: StartCssResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ kind: 'error', message: `the Solid server did not start within ${(opts.startTimeoutMs ?? 60_000) / 1000} s: ${log.slice(-500)}` });
    }, opts.startTimeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      log = (log + chunk.toString('utf8')).slice(-4000);
      if (/Listening to server at/i.test(log)) {
        finish({
          kind: 'ok',
          css: {
            child,
            baseUrl: opts.baseUrl,
            recentLog: () => log,
            stop: () => stopChild(child),
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => finish({ kind: 'error', message: `the Solid server exited (code ${code}) before it was ready: ${log.slice(-500)}` }));
    child.once('error', (e) => finish({ kind: 'error', message: `cannot start the Solid server: ${e.message}` }));
  });
}

function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
