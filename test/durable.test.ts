/**
 * shared/durable: the one temp-file + fsync + rename + folder-fsync write.
 * Failures are injected into node:fs (a full disk mid-write, a failing
 * fsync, a failing rename) to show that the old file stays whole and no
 * temporary file is left behind.
 */
import * as realFs from 'node:fs';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commitDurable, writeFileDurable } from '../shared/durable/index.js';

type Fault = 'write' | 'fsync' | 'rename' | undefined;
const faults = vi.hoisted(() => ({ at: undefined as Fault, synced: [] as string[] }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const injected = (what: string) => Object.assign(new Error(`${what}: injected failure`), { code: 'EIO' });
  return {
    ...fs,
    writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
      if (faults.at === 'write') throw Object.assign(new Error('ENOSPC: no space left on device (injected)'), { code: 'ENOSPC' });
      return (fs.writeSync as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync,
    fsyncSync: (fd: number) => {
      if (faults.at === 'fsync') throw injected('fsync');
      // Which file or folder was synced, by its descriptor (Linux: /proc names it).
      if (process.platform === 'linux') faults.synced.push(fs.readlinkSync(`/proc/self/fd/${fd}`, { encoding: 'utf8' }));
      fs.fsyncSync(fd);
    },
    renameSync: (from: realFs.PathLike, to: realFs.PathLike) => {
      if (faults.at === 'rename') throw injected('rename');
      fs.renameSync(from, to);
    },
  };
});

const posix = process.platform !== 'win32';
const linux = process.platform === 'linux';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'locker-durable-'));
  faults.at = undefined;
  faults.synced = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileDurable', () => {
  it('writes the content, 0600 by default, and fsyncs the file and then its folder', () => {
    const file = path.join(dir, 'a.json');
    writeFileDurable(file, '{"a":1}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(readdirSync(dir)).toEqual(['a.json']);
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o600);
    if (linux) {
      // The temporary file first (its data before the rename), the folder last (the rename itself).
      expect(faults.synced).toHaveLength(2);
      expect(faults.synced[0]).toMatch(/a\.json\.tmp-/);
      expect(faults.synced[1]).toBe(realFs.realpathSync(dir));
    }
  });

  it('writes bytes, and a mode given', () => {
    const file = path.join(dir, 'b.bin');
    writeFileDurable(file, new Uint8Array([0, 1, 2, 255]), { mode: 0o640 });
    expect([...readFileSync(file)]).toEqual([0, 1, 2, 255]);
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o640 & ~process.umask());
  });

  it('replaces an existing file whole, and its mode with the new one', () => {
    const file = path.join(dir, 'c.json');
    writeFileSync(file, 'old');
    if (posix) chmodSync(file, 0o644);
    writeFileDurable(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['c.json']);
  });

  it.each(['write', 'fsync', 'rename'] as const)('a failing %s leaves the old content and no temporary file', (at) => {
    const file = path.join(dir, 'd.json');
    writeFileSync(file, 'old content');
    faults.at = at;
    expect(() => writeFileDurable(file, 'new content')).toThrow(at === 'write' ? /ENOSPC/ : /injected/);
    expect(readFileSync(file, 'utf8')).toBe('old content');
    expect(readdirSync(dir)).toEqual(['d.json']);
  });

  it('fails, leaving nothing, when the folder is missing', () => {
    expect(() => writeFileDurable(path.join(dir, 'no', 'such.json'), 'x')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('commitDurable', () => {
  it('makes a streamed temporary file the final one, fsynced, then the folder', () => {
    const tmp = path.join(dir, 'out.trig.partial-1');
    const final = path.join(dir, 'out.trig');
    writeFileSync(final, 'old');
    writeFileSync(tmp, 'complete');
    commitDurable(tmp, final);
    expect(readFileSync(final, 'utf8')).toBe('complete');
    expect(readdirSync(dir)).toEqual(['out.trig']);
    if (linux) expect(faults.synced).toEqual([path.join(realFs.realpathSync(dir), 'out.trig.partial-1'), realFs.realpathSync(dir)]);
  });

  it.each(['fsync', 'rename'] as const)('a failing %s leaves the old file and removes the temporary one', (at) => {
    const tmp = path.join(dir, 'x.partial');
    const final = path.join(dir, 'x');
    writeFileSync(final, 'old');
    writeFileSync(tmp, 'new');
    faults.at = at;
    expect(() => commitDurable(tmp, final)).toThrow(/injected/);
    expect(readFileSync(final, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['x']);
  });

  it('keeps the temporary file mode (a streamed export keeps its own)', () => {
    mkdirSync(path.join(dir, 'sub'));
    const tmp = path.join(dir, 'sub', 't');
    writeFileSync(tmp, 'x', { mode: 0o644 });
    commitDurable(tmp, path.join(dir, 'sub', 'f'));
    if (posix) expect(statSync(path.join(dir, 'sub', 'f')).mode & 0o777).toBe(0o644 & ~process.umask());
  });
});
