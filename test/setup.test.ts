/**
 * The README's two commands do all the set-up: what `npm install` and
 * `npm test` rely on beyond Node and npm is found or installed by the project.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findSevenZip } from '../packaging/seven-zip.js';
import { NO_BROWSER_MESSAGE, requireBrowser, SKIP_BROWSER_ENV } from '../e2e/browser.js';
import { ROOT } from './helpers/cli.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'locker-setup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('7-Zip for electron-builder comes from npm', () => {
  it('is 7zip-bin\'s 7za, copied out and runnable, when nothing names another', () => {
    const found = findSevenZip({}, path.join(work, '7z'));
    expect(found).toMatchObject({ kind: 'ok', from: '7zip-bin' });
    if (found.kind === 'ok') expect(found.path.startsWith(work)).toBe(true);
  });
  it('says so in one line when ELECTRON_BUILDER_7ZIP_PATH names a 7za that does not run', () => {
    const found = findSevenZip({ ELECTRON_BUILDER_7ZIP_PATH: path.join(work, 'no-such-7za') }, path.join(work, '7z2'));
    expect(found.kind).toBe('missing');
    if (found.kind === 'missing') expect(found.message).toMatch(/^ELECTRON_BUILDER_7ZIP_PATH=.* does not run$/);
  });
});

describe('the browser tests never pass by leaving themselves out', () => {
  it('a suite without a browser fails with the one line that names what to install', () => {
    expect(() => requireBrowser('probe', {}, () => undefined)).toThrow(`probe: ${NO_BROWSER_MESSAGE}`);
    expect(NO_BROWSER_MESSAGE).toMatch(/apt-get install chromium/);
  });
  it('is skipped only when the person asks for it', () => {
    expect(requireBrowser('probe', { [SKIP_BROWSER_ENV]: '1' }, () => undefined)).toBeUndefined();
    expect(requireBrowser('probe', {}, () => '/some/chromium')).toBe('/some/chromium');
  });
});

describe('the two commands', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
  it('npm install builds the UI (prepare), so `locker serve` works right after it', () => {
    expect(pkg.scripts['prepare']).toMatch(/\bbuild:ui\b/);
  });
  it('npm test makes sure of a browser before the tests run', () => {
    const steps = (pkg.scripts['test'] ?? '').split('&&').map((s) => s.trim());
    expect(steps.indexOf('npm run browser:ensure')).toBeGreaterThan(-1);
    expect(steps.indexOf('npm run browser:ensure')).toBeLessThan(steps.indexOf('vitest run'));
    expect(pkg.devDependencies['7zip-bin']).toBeDefined();
  });
  it('.ci/run is npm ci and npm test, nothing a newcomer lacks', () => {
    const commands = readFileSync(path.join(ROOT, '.ci/run'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('set ') && !l.startsWith('cd '));
    expect(commands).toEqual(['npm ci --no-audit --no-fund', 'npm test']);
  });
});
