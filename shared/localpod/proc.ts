import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** Linux: a zombie (exited, not yet reaped by its parent) still has a pid but is gone for our purposes. */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true; // reaped in between
    throw e;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

/** True when a live process with this pid exists (EPERM: it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * The full command line of a process, or `undefined` when it is gone or
 * cannot be read (no `ps`, e.g. on Windows). Used to tell our own daemon from
 * a process that later got the same pid.
 */
function commandLine(pid: number): Promise<string | undefined> {
  if (process.platform === 'linux') {
    return readFile(`/proc/${pid}/cmdline`).then(
      (b) => b.toString('utf8').split('\0').join(' ').trim() || undefined,
      () => undefined,
    );
  }
  return new Promise((resolve) => {
    execFile('ps', ['-ww', '-o', 'command=', '-p', String(pid)], { timeout: 5000 }, (error, stdout) => resolve(error ? undefined : String(stdout).trim() || undefined));
  });
}

/** How a process is recognised: every marker must appear in its command line. */
export type ProcessCheck = 'ours' | 'other' | 'gone' | 'unknown';

/** Is `pid` alive and running a command line containing all `markers`? `unknown` when alive but unreadable. */
export async function checkProcess(pid: number, markers: readonly string[]): Promise<ProcessCheck> {
  if (!pidAlive(pid)) return 'gone';
  const cmd = await commandLine(pid);
  if (cmd === undefined) return pidAlive(pid) ? 'unknown' : 'gone';
  return markers.every((m) => cmd.includes(m)) ? 'ours' : 'other';
}

/** Waits until `pid` is gone; false after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** Sends a signal; false when the process is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}
