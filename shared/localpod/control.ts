/** `locker pod local start|stop|status`: the embedded pod's daemon, seen from outside. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cleanEnv } from './css-process.js';
import { ensureLocalAccount, type ConnectionOutcome } from './local-account.js';
import { lockHolder } from './lock.js';
import { localPodPaths, type LocalPodPaths } from './paths.js';
import { checkProcess, pidAlive, signal, waitForExit } from './proc.js';
import { DAEMON_EXIT, DAEMON_MARKER } from './serve.js';
import { readState, stoppedState, writeState, type LocalPodState } from './state.js';
import type { Sealer, TokenVault, VaultKey } from '../auth/index.js';

export interface LocalPodOptions {
  /** Environment for the vault choice (`LOCKER_VAULT=plain`). */
  readonly env?: NodeJS.ProcessEnv;
  /** How long to wait for the daemon to be ready (default 60 s). */
  readonly timeoutMs?: number;
  /** The pod's name on first start (default `me`). */
  readonly podName?: string;
  /** An encrypted locker's data key: the account's secrets go into its encrypted vault. */
  readonly dataKey?: VaultKey;
  /** The desktop app's keychain (`safeStorage`): the account's secrets are sealed with it. */
  readonly sealer?: Sealer;
}

export type StartLocalPodResult =
  | {
      readonly kind: 'ok';
      readonly baseUrl: string;
      readonly webId: string;
      readonly podUrl: string;
      readonly alreadyRunning: boolean;
      readonly port: number;
      readonly pid: number;
      /** True when this start created the account. */
      readonly created: boolean;
      readonly connection: ConnectionOutcome;
      readonly note?: string;
      readonly secrets: Pick<TokenVault, 'protection' | 'describe'>;
    }
  | { readonly kind: 'error'; readonly message: string };

export type StopLocalPodResult = { readonly kind: 'stopped'; readonly pid: number; readonly forced: boolean } | { readonly kind: 'not-running' } | { readonly kind: 'error'; readonly message: string };

export type LocalPodStatus =
  | { readonly kind: 'running'; readonly baseUrl: string; readonly port: number; readonly pid: number; readonly startedAt?: string }
  | { readonly kind: 'not-answering'; readonly baseUrl: string; readonly pid: number }
  | { readonly kind: 'starting'; readonly pid: number }
  | { readonly kind: 'stopped'; readonly baseUrl?: string; readonly port?: number; readonly stalePid?: number }
  | { readonly kind: 'error'; readonly message: string };

const DEFAULT_TIMEOUT_MS = 60_000;
const LOG_LIMIT = 1_000_000;

function markers(home: string): string[] {
  return [DAEMON_MARKER, path.resolve(home)];
}

/** Is this pid our daemon (or, where command lines cannot be read, alive at all)? */
async function isDaemon(pid: number, home: string): Promise<boolean> {
  const c = await checkProcess(pid, markers(home));
  return c === 'ours' || c === 'unknown';
}

/** Any HTTP answer from the base URL. */
async function answers(baseUrl: string, timeoutMs = 3000): Promise<boolean> {
  try {
    const res = await fetch(baseUrl, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return true;
  } catch {
    return false; // refused, reset or timed out: that is the answer
  }
}

function logTail(paths: LocalPodPaths, bytes = 2000): string {
  if (!existsSync(paths.log)) return '(no log)';
  const text = readFileSync(paths.log, 'utf8');
  return text.slice(-bytes).trim();
}

/** The command that runs the daemon: `daemon.ts` through tsx's loader from source, `daemon.js` when compiled. */
function daemonCommand(home: string): { command: string; args: string[] } {
  const self = fileURLToPath(import.meta.url);
  const ext = path.extname(self);
  const entry = path.join(path.dirname(self), `daemon${ext}`);
  const loader = ext === '.ts' ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  return { command: process.execPath, args: [...loader, entry, path.resolve(home)] };
}

function spawnDaemon(home: string, paths: LocalPodPaths): ChildProcess {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  if (existsSync(paths.log) && statSync(paths.log).size > LOG_LIMIT) truncateSync(paths.log, 0);
  const fd = openSync(paths.log, 'a', 0o600);
  try {
    const { command, args } = daemonCommand(home);
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env: cleanEnv(), cwd: paths.dir });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

async function terminate(pid: number, graceMs: number): Promise<boolean> {
  if (!signal(pid, 'SIGTERM') || (await waitForExit(pid, graceMs))) return false;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 5000);
  return true;
}

type Ready = { kind: 'ok'; state: LocalPodState & { pid: number } } | { kind: 'error'; message: string };

/** Waits until state.json names a live daemon of this home whose URL answers. */
async function waitReady(home: string, paths: LocalPodPaths, child: ChildProcess, timeoutMs: number): Promise<Ready> {
  const until = Date.now() + timeoutMs;
  let exit: number | null | undefined;
  child.once('exit', (code, signal) => (exit = code ?? (signal ? -1 : null)));
  child.once('error', () => (exit = -1));
  while (Date.now() < until) {
    const st = readState(paths.state);
    if (st.kind === 'error') return st;
    if (st.kind === 'ok' && st.state.pid !== undefined) {
      const pid = st.state.pid;
      if ((pid === child.pid && exit === undefined) || (pid !== child.pid && (await isDaemon(pid, home)))) {
        if (await answers(st.state.baseUrl)) return { kind: 'ok', state: { ...st.state, pid } };
      }
    }
    // Exit code 3: another daemon got there first; keep waiting for it.
    if (exit !== undefined && exit !== DAEMON_EXIT.alreadyRunning) return { kind: 'error', message: `the local pod did not start (exit ${exit}). Its log ends with:\n${logTail(paths)}` };
    await new Promise((r) => setTimeout(r, 200));
  }
  if (exit === undefined && child.pid !== undefined) await terminate(child.pid, 5000);
  return { kind: 'error', message: `the local pod was not ready within ${Math.round(timeoutMs / 1000)} s. Its log ends with:\n${logTail(paths)}` };
}

/**
 * Starts the embedded pod (or finds it running) and, on first start, creates
 * its account and connects this locker to it.
 */
export async function startLocalPod(home: string, opts: LocalPodOptions = {}): Promise<StartLocalPodResult> {
  const paths = localPodPaths(home);
  const st = readState(paths.state);
  if (st.kind === 'error') return st;
  let state: LocalPodState & { pid: number };
  let alreadyRunning = false;
  const livePid = st.kind === 'ok' ? st.state.pid : undefined;
  if (st.kind === 'ok' && livePid !== undefined && (await isDaemon(livePid, home))) {
    if (!(await answers(st.state.baseUrl))) return { kind: 'error', message: `the local pod's daemon (pid ${livePid}) is running but ${st.state.baseUrl} does not answer; \`locker pod local stop\` ends it. Its log ends with:\n${logTail(paths)}` };
    state = { ...st.state, pid: livePid };
    alreadyRunning = true;
  } else {
    const child = spawnDaemon(home, paths);
    const ready = await waitReady(home, paths, child, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (ready.kind === 'error') return ready;
    state = ready.state;
  }
  const acc = await ensureLocalAccount(home, paths.account, state.baseUrl, { ...(opts.env && { env: opts.env }), ...(opts.podName && { podName: opts.podName }), ...(opts.dataKey && { dataKey: opts.dataKey }), ...(opts.sealer && { sealer: opts.sealer }) });
  if (acc.kind === 'error') return acc;
  return {
    kind: 'ok',
    baseUrl: state.baseUrl,
    webId: acc.account.webId,
    podUrl: acc.account.podUrl,
    alreadyRunning,
    port: state.port,
    pid: state.pid,
    created: acc.created,
    connection: acc.connection,
    ...(acc.note !== undefined && { note: acc.note }),
    secrets: acc.vault,
  };
}

/** Stops the daemon (SIGTERM, then SIGKILL after `graceMs`) and waits until it and its Solid server are gone. */
export async function stopLocalPod(home: string, opts: { graceMs?: number } = {}): Promise<StopLocalPodResult> {
  const paths = localPodPaths(home);
  const st = readState(paths.state);
  if (st.kind === 'error') return st;
  const statePid = st.kind === 'ok' ? st.state.pid : undefined;
  const pid = statePid !== undefined && (await isDaemon(statePid, home)) ? statePid : await lockHolder(paths.lock, markers(home));
  if (pid === undefined) {
    if (st.kind === 'ok' && statePid !== undefined) writeState(paths.state, stoppedState(st.state));
    return { kind: 'not-running' };
  }
  const forced = await terminate(pid, opts.graceMs ?? 20_000);
  if (pidAlive(pid)) return { kind: 'error', message: `the local pod's daemon (pid ${pid}) did not exit` };
  const after = readState(paths.state);
  if (after.kind === 'ok' && after.state.pid !== undefined) {
    // killed before it could tidy up: its Solid server stops itself when it sees its parent gone
    if (after.state.cssPid !== undefined && (await checkProcess(after.state.cssPid, ['community-server', paths.data])) === 'ours') await waitForExit(after.state.cssPid, 10_000);
    writeState(paths.state, stoppedState(after.state));
  }
  return { kind: 'stopped', pid, forced };
}

export async function localPodStatus(home: string): Promise<LocalPodStatus> {
  const paths = localPodPaths(home);
  const st = readState(paths.state);
  if (st.kind === 'error') return st;
  const starting = await lockHolder(paths.lock, markers(home));
  if (st.kind === 'absent') return starting !== undefined ? { kind: 'starting', pid: starting } : { kind: 'stopped' };
  const { pid, baseUrl, port, startedAt } = st.state;
  if (pid !== undefined && (await isDaemon(pid, home))) {
    return (await answers(baseUrl)) ? { kind: 'running', baseUrl, port, pid, ...(startedAt !== undefined && { startedAt }) } : { kind: 'not-answering', baseUrl, pid };
  }
  if (starting !== undefined) return { kind: 'starting', pid: starting };
  return { kind: 'stopped', baseUrl, port, ...(pid !== undefined && { stalePid: pid }) };
}
