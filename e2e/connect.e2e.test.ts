// Choosing a pod in the UI: a provider with an app password, and a provider through its own login page
// (the app opens it; the person logs in and authorizes; Locker finishes on its loopback address).
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../cli/serve.js';
import type { CssAccount } from '../shared/localpod/index.js';
import { openTemp } from '../test/helpers/home.js';
import { newAccount } from '../test/helpers/pod.js';
import { PLAIN } from '../test/helpers/sync.js';
import { requireBrowser, BROWSER_ARGS, rendererBuilt } from './browser.js';
import './matchers.js';

const exe = requireBrowser('e2e (connect)');

describe.skipIf(!exe)('connecting to a pod from the UI', { timeout: 120_000 }, () => {
  let browser: Browser;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    rendererBuilt();
    browser = await chromium.launch({ executablePath: exe, args: BROWSER_ARGS });
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await browser?.close();
  });

  async function fresh(): Promise<{ page: Page; server: RunningServer; account: CssAccount; locker: ReturnType<typeof openTemp>['locker'] }> {
    const t = openTemp();
    const server = await serve({ locker: t.locker, staticDir: path.resolve(import.meta.dirname, '../renderer/dist'), pod: { env: PLAIN } });
    cleanups.push(t.cleanup, () => server.close());
    const account = await newAccount('wac', 'e2econnect');
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.launchUrl);
    await page.goto(`${server.url}#/pod`);
    await expect(page.getByRole('heading', { name: 'A pod from a provider' })).toBeVisible();
    return { page, server, account, locker: t.locker };
  }

  it('connects with an app password, then syncs', async () => {
    const { page, account, locker } = await fresh();
    await page.getByLabel('Your provider (where you log in) *').fill(account.issuer);
    await page.getByText('Use an app password instead of logging in').click();
    await page.getByLabel('Client ID').fill(account.clientId);
    await page.getByLabel('Client secret').fill(account.clientSecret);
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page.locator('.fields')).toContainText(account.webId, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByTestId('sync-result')).toContainText('Synced', { timeout: 60_000 });
    expect(locker.store.sync.meta('sync.root')).toBe(`${account.podUrl}locker/`);
    // The secret never reaches the page again.
    expect(await page.content()).not.toContain(account.clientSecret);
  });

  it('a wrong secret is one clear message, and nothing is connected', async () => {
    const { page, account } = await fresh();
    await page.getByLabel('Your provider (where you log in) *').fill(account.issuer);
    await page.getByText('Use an app password instead of logging in').click();
    await page.getByLabel('Client ID').fill(account.clientId);
    await page.getByLabel('Client secret').fill('not-the-secret');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page.getByRole('alert')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('heading', { name: 'A pod from a provider' })).toBeVisible();
  });

  it('logs in through the provider’s own page, opened by the app', async () => {
    const { page, account } = await fresh();
    await page.getByLabel('Your provider (where you log in) *').fill(account.issuer);
    const popup = page.context().waitForEvent('page');
    await page.getByRole('button', { name: 'Log in' }).click();
    const login = await popup;
    await login.waitForSelector('#email');
    await login.fill('#email', account.email);
    await login.fill('#password', account.password);
    await login.click('button[type=submit]');
    await login.waitForSelector('#authorize:enabled', { timeout: 15_000 });
    await login.click('#authorize');
    await expect(page.locator('.fields')).toContainText(account.webId, { timeout: 30_000 });
  });
});
