import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { checkProcess } from './proc.js';

export type LockResult = { readonly kind: 'ok'; release(): void } | { readonly kind: 'held'; readonly pid: number } | { readonly kind: 'error'; readonly message: string };

function readPid(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * A pid file taken with O_EXCL. A lock whose process is gone, or is some
 * other program that reused the pid (its command line lacks `markers`), is
 * stale and taken over.
 */
export async function acquirePidLock(file: string, markers: readonly string[]): Promise<LockResult> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return {
        kind: 'ok',
        release: () => {
          if (readPid(file) === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return { kind: 'error', message: `cannot create ${file}: ${e instanceof Error ? e.message : String(e)}` };
    }
    const holder = readPid(file);
    if (holder !== undefined && holder !== process.pid) {
      const check = await checkProcess(holder, markers);
      if (check === 'ours' || check === 'unknown') return { kind: 'held', pid: holder };
    }
    rmSync(file, { force: true });
  }
  return { kind: 'error', message: `cannot take ${file}: another process keeps replacing it` };
}

/** The pid in a lock file if that process is alive and matches `markers`. */
export async function lockHolder(file: string, markers: readonly string[]): Promise<number | undefined> {
  const pid = readPid(file);
  if (pid === undefined) return undefined;
  const check = await checkProcess(pid, markers);
  return check === 'ours' || check === 'unknown' ? pid : undefined;
}
