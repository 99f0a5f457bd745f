/**
 * The embedded pod's daemon: Community Solid Server on a Unix socket, behind
 * a loopback-only TCP proxy on a port that stays the same from run to run.
 * `daemon.ts` is the process entry; this is its body.
 */
import { lstatSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startCss, type CssProcess } from './css-process.js';
import { acquirePidLock } from './lock.js';
import { localPodPaths, type LocalPodPaths } from './paths.js';
import { checkProcess, signal, waitForExit } from './proc.js';
import { startLoopbackProxy, type LoopbackProxy } from './proxy.js';
import { readState, stoppedState, writeState, type LocalPodState } from './state.js';

/** Exit codes of the daemon process. */
export const DAEMON_EXIT = { ok: 0, failed: 1, usage: 2, alreadyRunning: 3 } as const;

/** Words in the daemon's command line (with the home path) that identify it. */
export const DAEMON_MARKER = 'daemon';

export interface DaemonOptions {
  /** One line for the daemon's log. */
  readonly log: (line: string) => void;
  readonly startTimeoutMs?: number;
}

/** The socket's folder must be ours alone when it lies in the shared temp folder. */
function prepareSocketDir(paths: LocalPodPaths): string | undefined {
  mkdirSync(paths.socketDir, { recursive: true, mode: 0o700 });
  if (paths.socketDir === paths.dir) return undefined;
  const st = lstatSync(paths.socketDir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) return `${paths.socketDir} is not a private folder of this user: remove it`;
  return undefined;
}

/** A server left by a daemon that was killed stops itself (parent guard); wait for it, or end it, before reusing its socket and data. */
async function retireOrphan(state: LocalPodState | undefined, paths: LocalPodPaths, log: DaemonOptions['log']): Promise<void> {
  const pid = state?.cssPid;
  if (pid === undefined) return;
  if ((await checkProcess(pid, ['community-server', paths.data])) !== 'ours') return;
  log(`waiting for the previous Solid server (pid ${pid}) to exit`);
  if (await waitForExit(pid, 10_000)) return;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
}

function socketAnswers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect({ path: socket });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** CSS logs "Listening" before its listen call can still fail: check the socket itself. */
async function waitForSocket(socket: string, css: CssProcess, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (css.child.exitCode !== null || css.child.signalCode !== null) return false;
    if (await socketAnswers(socket)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Runs the daemon until SIGTERM/SIGINT (→ 0) or until the Solid server dies (→ 1). Returns the exit code. */
export async function runDaemon(home: string, opts: DaemonOptions): Promise<number> {
  const { log } = opts;
  const abs = path.resolve(home);
  const paths = localPodPaths(abs);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });

  let signalled: NodeJS.Signals | undefined;
  let onSignal: ((s: NodeJS.Signals) => void) | undefined;
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (s) => {
      signalled ??= s;
      resolve(s);
    };
  });
  const handler = (s: NodeJS.Signals) => onSignal?.(s);
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);

  const lock = await acquirePidLock(paths.lock, [DAEMON_MARKER, abs]);
  if (lock.kind === 'held') {
    log(`another daemon (pid ${lock.pid}) already serves this pod`);
    return DAEMON_EXIT.alreadyRunning;
  }
  if (lock.kind === 'error') {
    log(lock.message);
    return DAEMON_EXIT.failed;
  }

  let proxy: LoopbackProxy | undefined;
  let css: CssProcess | undefined;
  let state: LocalPodState | undefined;
  try {
    const prev = readState(paths.state);
    if (prev.kind === 'error') {
      log(`${prev.message}; fix or remove it (it holds the pod's port, part of its WebIDs)`);
      return DAEMON_EXIT.failed;
    }
    const previous = prev.kind === 'ok' ? prev.state : undefined;
    await retireOrphan(previous, paths, log);
    const bad = prepareSocketDir(paths);
    if (bad) {
      log(bad);
      return DAEMON_EXIT.failed;
    }
    rmSync(paths.socket, { force: true });

    const p = await startLoopbackProxy({ port: previous?.port ?? 0, target: paths.socket, onError: log });
    if (p.kind !== 'ok') {
      log(previous ? `${p.message}: this pod's address ${previous.baseUrl} is part of its WebIDs and cannot change; stop the other program and start again` : p.message);
      return DAEMON_EXIT.failed;
    }
    proxy = p.proxy;
    const baseUrl = previous?.baseUrl ?? `http://localhost:${proxy.port}/`;
    log(`listening on ${proxy.addresses.map((a) => (a.includes(':') ? `[${a}]` : a)).join(', ')} port ${proxy.port}; starting the Solid server`);

    const started = await startCss({ flavour: 'wac', dataDir: paths.data, baseUrl, socket: paths.socket, dieWithParent: true, ...(opts.startTimeoutMs !== undefined && { startTimeoutMs: opts.startTimeoutMs }) });
    if (started.kind !== 'ok') {
      log(started.message);
      return DAEMON_EXIT.failed;
    }
    css = started.css;
    if (!(await waitForSocket(paths.socket, css, 15_000))) {
      log(`the Solid server did not answer on ${paths.socket}: ${css.recentLog().slice(-1500)}`);
      return DAEMON_EXIT.failed;
    }
    const child = css.child;
    const cssExited = new Promise<'css-exit'>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve('css-exit');
      child.once('exit', () => resolve('css-exit'));
    });
    if (signalled === undefined) {
      state = { port: proxy.port, baseUrl, pid: process.pid, ...(child.pid !== undefined && { cssPid: child.pid }), startedAt: new Date().toISOString() };
      writeState(paths.state, state);
      log(`ready at ${baseUrl} (pid ${process.pid}, Solid server pid ${child.pid ?? '?'})`);
    }
    const why = await Promise.race([stopRequested, cssExited]);
    if (why === 'css-exit') {
      log(`the Solid server exited (code ${child.exitCode ?? child.signalCode}): ${css.recentLog().slice(-1500)}`);
      return DAEMON_EXIT.failed;
    }
    log(`${why}: stopping`);
    return DAEMON_EXIT.ok;
  } finally {
    await proxy?.close();
    if (css) await css.stop();
    rmSync(paths.socket, { force: true });
    if (state) writeState(paths.state, stoppedState(state));
    lock.release();
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
    log('stopped');
  }
}
