/**
 * `npm test`'s browser step: makes sure the browser tests have a Chromium.
 *
 * No browser can be downloaded on some machines (Playwright's own download
 * needs the internet), so: the Chromium already there (Debian's, or one from
 * `npx playwright install chromium`); else, as root on a Debian/Ubuntu system,
 * Debian's `chromium` package installed with apt; else one line naming what
 * to install, and a non-zero exit. `LOCKER_SKIP_BROWSER_TESTS=1` skips the
 * browser tests instead (each suite then says it was skipped).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { browserPath, NO_BROWSER_MESSAGE, SKIP_BROWSER_ENV } from './browser.js';

function say(line: string): void {
  process.stdout.write(`browser: ${line}\n`);
}

function aptInstall(packages: readonly string[]): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...packages]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 15 * 60_000 });
    if (r.status !== 0) {
      say(`apt-get ${args[0] ?? ''} failed (${r.status ?? r.signal})`);
      return false;
    }
  }
  return true;
}

const found = browserPath();
if (found) {
  say(found);
} else if (process.env[SKIP_BROWSER_ENV] === '1') {
  say(`none; the browser tests are skipped (${SKIP_BROWSER_ENV}=1)`);
} else if (process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  say('no Chromium here: installing Debian\'s chromium with apt-get (about 1–2 minutes, once)');
  const installed = aptInstall(['chromium']) ? browserPath() : undefined;
  if (!installed) {
    process.stderr.write(`npm test: ${NO_BROWSER_MESSAGE}\n`);
    process.exit(1);
  }
  say(installed);
} else {
  process.stderr.write(`npm test: ${NO_BROWSER_MESSAGE}\n`);
  process.exit(1);
}
