import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { main } from '../../cli/main.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin', 'locker.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `locker` in this process (the same `main` the bin calls), capturing its output. */
export async function locker(home: string, ...args: string[]): Promise<CliResult> {
  return lockerWith({}, home, ...args);
}

/** `locker` with `env` as its whole environment (the in-process run sees nothing of `process.env`). */
export async function lockerWith(env: NodeJS.ProcessEnv, home: string, ...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(['--home', home, ...args], { out: (s) => (stdout += s), err: (s) => (stderr += s), errIsTty: false, env });
  return { code, stdout, stderr };
}

export async function lockerJson<T>(home: string, ...args: string[]): Promise<T> {
  const r = await locker(home, ...args, '--json');
  if (r.code !== 0) throw new Error(`locker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Runs the real `bin/locker.js` in a child process. */
export function lockerProcess(home: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCKER_')));
  const r = spawnSync(process.execPath, [BIN, '--home', home, ...args], { encoding: 'utf8', env: { ...clean, ...env }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
