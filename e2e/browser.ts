import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's Chromium (what `npm test` installs as root, see ensure-browser.ts), else Playwright's own download (`npx playwright install chromium`), else none. */
export function browserPath(): string | undefined {
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  const own = chromium.executablePath();
  return own && existsSync(own) ? own : undefined;
}

/** Set to 1 to run the suite without its browser tests (they are then reported as skipped, by name). */
export const SKIP_BROWSER_ENV = 'LOCKER_SKIP_BROWSER_TESTS';

/** The one line printed when no browser can be had. */
export const NO_BROWSER_MESSAGE = `the browser tests need Chromium: as root \`apt-get install chromium\`, or \`npx playwright install chromium\` (or set ${SKIP_BROWSER_ENV}=1 to skip them)`;

/**
 * The browser a test file drives. Without one the file fails (a suite never
 * passes by quietly leaving its browser tests out), unless the person asked
 * for them to be skipped: then `undefined`, and a warning naming the suite.
 */
export function requireBrowser(suite: string, env: NodeJS.ProcessEnv = process.env, find: () => string | undefined = browserPath): string | undefined {
  const found = find();
  if (found) return found;
  if (env[SKIP_BROWSER_ENV] === '1') {
    console.warn(`${suite}: SKIPPED (${SKIP_BROWSER_ENV}=1) — no Chromium at ${DEBIAN_CHROMIUM} and none from \`npx playwright install chromium\``);
    return undefined;
  }
  throw new Error(`${suite}: ${NO_BROWSER_MESSAGE}`);
}

export const RENDERER_DIST = path.resolve(import.meta.dirname, '../renderer/dist');

/** The suite tests the built UI: `npm test` builds it first (npm run build:ui). */
export function rendererBuilt(): void {
  if (!existsSync(path.join(RENDERER_DIST, 'index.html'))) throw new Error('the UI is not built: run `npm run build:ui` (npm test does it)');
}

/** With LOCKER_SCREENSHOTS=1, the screens the suite visits are saved for the README (docs/screenshots). */
export async function saveShot(page: Page, name: string): Promise<void> {
  if (process.env['LOCKER_SCREENSHOTS'] !== '1') return;
  const dir = path.resolve(import.meta.dirname, '../docs/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.waitForTimeout(300);
  // Passing messages (toasts) would cover the screen in a picture: hidden for it, then shown again.
  await page.evaluate(() => document.querySelectorAll<HTMLElement>('.toasts').forEach((t) => (t.style.visibility = 'hidden')));
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
  await page.evaluate(() => document.querySelectorAll<HTMLElement>('.toasts').forEach((t) => (t.style.visibility = '')));
}
