import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DataKey } from './data-key.js';
import { detectSleep } from './sleep.js';
import { withoutSecrets } from './env.js';

/**
 * The unlock agent: after `locker unlock`, one small process holds the data
 * key in memory (like ssh-agent) so that each `locker` command need not ask
 * for the passphrase. It listens on a Unix socket in a folder only this user
 * can enter (a named pipe on Windows), hands the key to Locker processes of
 * the same user, and locks — wipes the key, tells every process that is
 * watching, and exits — on `locker lock`, after the idle time, or when the
 * computer has slept.
 */
export interface AgentPaths {
  readonly dir: string;
  readonly socket: string;
}

function agentPaths(home: string): AgentPaths {
  const abs = path.resolve(home);
  if (process.platform === 'win32') {
    const tag = createHash('sha256').update(abs.toLowerCase()).digest('hex').slice(0, 24);
    return { dir: path.join(abs, 'run'), socket: `\\\\.\\pipe\\locker-agent-${tag}` };
  }
  let dir = path.join(abs, 'run');
  if (Buffer.byteLength(path.join(dir, 'agent.sock')) > 100) {
    const tag = createHash('sha256').update(abs).digest('hex').slice(0, 16);
    const runtime = process.env['XDG_RUNTIME_DIR'];
    dir = path.join(runtime && path.isAbsolute(runtime) ? runtime : os.tmpdir(), `locker-agent-${tag}`);
  }
  return { dir, socket: path.join(dir, 'agent.sock') };
}

/**
 * The agent's folder must be a real folder of this user that nobody else can
 * enter (in a shared temp folder, someone else could have made it first).
 */
function privateDirProblem(dir: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return undefined; // not there yet: it will be made 0700
  }
  if (!st.isDirectory() || st.isSymbolicLink()) return `${dir} is not a folder`;
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return `${dir} belongs to another user`;
  if ((st.mode & 0o077) !== 0) return `${dir} can be entered by other users`;
  return undefined;
}

export type LockReason = 'requested' | 'idle' | 'sleep';

export interface AgentOptions {
  /** Lock after this long without a key request. */
  readonly idleMs: number;
  readonly log?: (line: string) => void;
  readonly sleepDetector?: { intervalMs?: number; thresholdMs?: number; wallClock?: () => number; monotonicClock?: () => number };
}

interface Request {
  readonly op: 'key' | 'lock' | 'status' | 'watch';
}

/** Serves the key until it locks; resolves with the reason. Refuses to start while another agent answers on the socket. */
export async function runAgent(home: string, key: DataKey, opts: AgentOptions): Promise<LockReason> {
  const paths = agentPaths(home);
  const problem = privateDirProblem(paths.dir);
  if (problem) {
    key.wipe();
    throw new Error(`the unlock agent's folder is not safe: ${problem}`);
  }
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(paths.dir, 0o700);
  if ((await ask(home, 'status', 1000)) !== undefined) {
    key.wipe();
    throw new Error('another unlock agent is running for this locker');
  }
  if (process.platform !== 'win32') rmSync(paths.socket, { force: true });
  const watchers = new Set<net.Socket>();
  let until = Date.now() + opts.idleMs;
  let socketIno: number | undefined;
  return new Promise((resolve, reject) => {
    let done = false;
    const lock = (reason: LockReason) => {
      if (done) return;
      done = true;
      key.wipe();
      clearInterval(idleTimer);
      sleep.stop();
      for (const w of watchers) w.end(`${JSON.stringify({ locked: reason })}\n`);
      server.close();
      // Remove the socket only if it is still ours (a newer agent may have replaced it).
      if (process.platform !== 'win32') {
        try {
          if (socketIno !== undefined && statSync(paths.socket).ino === socketIno) rmSync(paths.socket, { force: true });
        } catch {
          // already gone
        }
      }
      opts.log?.(`locked (${reason})`);
      resolve(reason);
    };
    const server = net.createServer((socket) => {
      let buf = '';
      socket.setEncoding('utf8');
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk: string) => {
        buf += chunk;
        if (buf.length > 4096) return socket.destroy();
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        let req: Request;
        try {
          req = JSON.parse(buf.slice(0, nl)) as Request;
        } catch {
          return socket.destroy();
        }
        buf = '';
        // Timers stand still while the computer sleeps: check sleep and idle time now, before serving anything.
        sleep.check();
        if (!done && Date.now() >= until) lock('idle');
        if (done) return socket.end(`${JSON.stringify({ locked: 'requested' })}\n`);
        switch (req.op) {
          case 'key':
            until = Date.now() + opts.idleMs;
            socket.end(`${JSON.stringify({ key: key.hex(), until })}\n`);
            return;
          case 'status':
            socket.end(`${JSON.stringify({ unlocked: true, until, pid: process.pid })}\n`);
            return;
          case 'watch':
            watchers.add(socket);
            socket.on('close', () => watchers.delete(socket));
            socket.write(`${JSON.stringify({ watching: true })}\n`);
            return;
          case 'lock':
            socket.end(`${JSON.stringify({ locked: 'requested' })}\n`);
            lock('requested');
            return;
          default:
            socket.destroy();
        }
      });
    });
    server.on('error', (e) => {
      if (!done) {
        done = true;
        key.wipe();
        clearInterval(idleTimer);
        sleep.stop();
        reject(e);
      }
    });
    const idleTimer = setInterval(() => {
      if (Date.now() >= until) lock('idle');
    }, Math.min(1000, Math.max(50, opts.idleMs / 4)));
    const sleep = detectSleep({ ...opts.sleepDetector, onSleep: (ms) => (opts.log?.(`the computer slept for ${Math.round(ms / 1000)} s`), lock('sleep')) });
    server.listen(paths.socket, () => {
      if (process.platform !== 'win32') {
        chmodSync(paths.socket, 0o600);
        socketIno = statSync(paths.socket).ino;
      }
      opts.log?.(`unlocked; locks after ${Math.round(opts.idleMs / 1000)} s without use`);
    });
  });
}

function ask(home: string, op: Request['op'], timeoutMs = 3000): Promise<Record<string, unknown> | undefined> {
  const { socket, dir } = agentPaths(home);
  if (process.platform !== 'win32' && (!existsSync(socket) || privateDirProblem(dir))) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const conn = net.connect(socket);
    let buf = '';
    const timer = setTimeout(() => (conn.destroy(), resolve(undefined)), timeoutMs);
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(`${JSON.stringify({ op })}\n`));
    conn.on('data', (c: string) => (buf += c));
    conn.on('error', () => (clearTimeout(timer), resolve(undefined)));
    conn.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buf.split('\n')[0] ?? '') as Record<string, unknown>);
      } catch {
        resolve(undefined);
      }
    });
  });
}

/** The key from a running agent, or undefined when the locker is locked (no agent). */
export async function keyFromAgent(home: string): Promise<DataKey | undefined> {
  const r = await ask(home, 'key');
  return typeof r?.['key'] === 'string' ? DataKey.fromHex(r['key']) : undefined;
}

export async function agentStatus(home: string): Promise<{ unlocked: boolean; until?: number }> {
  const r = await ask(home, 'status');
  return r?.['unlocked'] === true && typeof r['until'] === 'number' ? { unlocked: true, until: r['until'] } : { unlocked: false };
}

/** Asks the agent to lock; false when it was not running. */
export async function lockAgent(home: string): Promise<boolean> {
  const r = await ask(home, 'lock');
  return r !== undefined;
}

/** Calls `onLocked` when the agent locks (or goes away). For long-running processes that hold the key. */
export function watchAgent(home: string, onLocked: (reason: string) => void): { stop(): void } {
  const conn = net.connect(agentPaths(home).socket);
  let buf = '';
  let stopped = false;
  let reason = 'the unlock agent went away';
  conn.setEncoding('utf8');
  conn.on('connect', () => conn.write(`${JSON.stringify({ op: 'watch' })}\n`));
  conn.on('data', (c: string) => {
    buf += c;
    const m = /"locked":"(\w+)"/.exec(buf);
    if (m?.[1]) reason = m[1];
  });
  conn.on('error', () => undefined);
  conn.on('close', () => {
    if (!stopped) onLocked(reason);
  });
  return {
    stop: () => {
      stopped = true;
      conn.destroy();
    },
  };
}

/** Starts the agent as a detached process, handing it the key through a pipe (never argv or the environment). */
export async function startAgent(home: string, key: DataKey, idleMs: number): Promise<{ kind: 'ok' } | { kind: 'error'; message: string }> {
  const self = fileURLToPath(import.meta.url);
  const ext = path.extname(self);
  const entry = path.join(path.dirname(self), `agent-main${ext}`);
  const loader = ext === '.ts' ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  await lockAgent(home);
  const env = withoutSecrets(Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS')));
  const child = spawn(process.execPath, [...loader, entry, path.resolve(home), String(idleMs)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env });
  child.stdin?.end(`${key.hex()}\n`);
  child.unref();
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) return { kind: 'error', message: `the unlock agent stopped at once (exit ${child.exitCode})` };
    if ((await agentStatus(home)).unlocked) return { kind: 'ok' };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  return { kind: 'error', message: 'the unlock agent did not start' };
}
