// The settings screen: where the data is and how secrets are kept, updates off until the person agrees,
// export everything, and delete everything (typed confirmation; refused while an app still has access).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../cli/serve.js';
import { openTemp } from '../test/helpers/home.js';
import { PLAIN } from '../test/helpers/sync.js';
import { requireBrowser, BROWSER_ARGS, RENDERER_DIST, rendererBuilt, saveShot } from './browser.js';
import { writeSamples } from './samples.js';
import './matchers.js';

const exe = requireBrowser('e2e (settings)');

describe.skipIf(!exe)('settings', { timeout: 120_000 }, () => {
  let browser: Browser;
  let page: Page;
  let server: RunningServer;
  let t: ReturnType<typeof openTemp>;
  let exportTo: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    rendererBuilt();
    t = openTemp();
    exportTo = path.join(t.home, 'exports', 'all.trig');
    mkdirSync(path.dirname(exportTo));
    const samples = await writeSamples(path.join(t.home, 'samples'));
    const imported = await t.locker.importFiles(samples);
    expect(imported.errors).toEqual([]);
    server = await serve({ locker: t.locker, staticDir: RENDERER_DIST, pod: { env: PLAIN }, host: { chooseExportPath: async () => exportTo } });
    browser = await chromium.launch({ executablePath: exe, args: BROWSER_ARGS });
    page = await (await browser.newContext()).newPage();
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
    await page.goto(server.launchUrl);
    await page.goto(`${server.url}#/settings`);
    await expect(page.locator('h1')).toHaveText('Settings');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    t?.cleanup();
  });

  it('says where the data is, how login secrets are kept (warning when unencrypted), and why updates are off', async () => {
    await expect(page.locator('.fields')).toContainText(t.home);
    await expect(page.getByRole('note')).toContainText('kept unencrypted');
    const updates = page.getByLabel('Look for new versions of Locker once a day');
    await expect(updates).not.toBeChecked();
    await expect(updates).toBeDisabled();
    await expect(page.getByText('not an installed desktop app')).toBeVisible();
    await saveShot(page, 'settings');
  });

  it('exports everything, photos included', async () => {
    await page.getByRole('button', { name: 'Export everything' }).click();
    const result = page.getByTestId('export-result');
    await expect(result).toContainText(exportTo, { timeout: 60_000 });
    const total = Object.values(t.locker.store.counts()).reduce((a, b) => a + (b ?? 0), 0);
    await expect(result).toContainText(`Saved ${total.toLocaleString('en-US')} records`);
    expect(readFileSync(exportTo, 'utf8')).toContain('@prefix');
  });

  it('refuses to delete while an app has access, then deletes everything once the phrase is typed', async () => {
    t.locker.store.grants.insert({ id: 'g-e2e', agent: 'https://bot.example/card#me', client: undefined, targets: [], modes: ['read'], purpose: 'https://w3id.org/dpv#ServiceProvision', createdMs: Date.now(), untilMs: Date.now() + 86_400_000, podRoot: 'https://me.example/', accessControl: 'wac', ledger: 'https://me.example/locker/grants/g-e2e', request: undefined });
    const button = page.getByRole('button', { name: 'Delete everything' });
    await expect(button).toBeDisabled();
    await page.getByLabel('Type “delete everything” to confirm').fill('delete');
    await expect(button).toBeDisabled();
    await page.getByLabel('Type “delete everything” to confirm').fill('delete everything');
    await button.click();
    await expect(page.getByRole('alert')).toContainText('Revoke it on the Sharing screen first');
    expect(Object.keys(t.locker.store.counts()).length).toBeGreaterThan(0);

    t.locker.store.grants.setState('g-e2e', 'revoked', Date.now());
    await page.getByLabel('Type “delete everything” to confirm').press('Enter');
    await expect(page.getByTestId('delete-result')).toContainText('Deleted', { timeout: 30_000 });
    expect(t.locker.store.counts()).toEqual({});
    await page.goto(`${server.url}#/home`);
    await expect(page.locator('.lead')).toContainText('Nothing here yet');
    // The export made before is the person's, and stays.
    expect(existsSync(exportTo)).toBe(true);
    expect(consoleErrors).toEqual([]);
  });
});
