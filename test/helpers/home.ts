import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { openLocker, type Locker } from '../../shared/api/index.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

/** A fresh, empty locker home in the temp folder. */
export function tempHome(prefix = 'locker-test-'): { home: string; cleanup: () => void } {
  const home = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** A fresh home and a folder for the test's own input files (`<prefix>files-…`), both removed when the test finishes. */
export function homeAndFiles(prefix = 'locker-test-'): { home: string; files: string } {
  const h = tempHome(prefix);
  const f = tempHome(`${prefix}files-`);
  onTestFinished(() => {
    h.cleanup();
    f.cleanup();
  });
  return { home: h.home, files: f.home };
}

export function openTemp(): { locker: Locker; home: string; cleanup: () => void } {
  const { home, cleanup } = tempHome();
  const opened = openLocker(home, {});
  if (opened.kind !== 'ok') throw new Error(opened.message);
  return {
    locker: opened.locker,
    home,
    cleanup: () => {
      opened.locker.close();
      cleanup();
    },
  };
}
