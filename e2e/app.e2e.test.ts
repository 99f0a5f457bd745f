// The app as a person uses it: Chromium drives the real UI served by `locker serve` (in this process), with a
// real Community Solid Server behind sync and sharing. One locker goes through the whole story, in order.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { generateCalendar } from '../bench/generate.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningServer } from '../cli/serve.js';
import type { PodSession } from '../shared/auth/index.js';
import { createGrant } from '../shared/api/index.js';
import type { CssAccount } from '../shared/localpod/index.js';
import { login, newAccount, podDoc } from '../test/helpers/pod.js';
import { ROOT } from '../test/helpers/cli.js';
import { PLAIN, replica, type Replica } from '../test/helpers/sync.js';
import { requireBrowser, BROWSER_ARGS, rendererBuilt, saveShot } from './browser.js';
import './matchers.js';
import { writeSamples, XSS } from './samples.js';

const exe = requireBrowser('e2e');

describe.skipIf(!exe)('the app in a browser (locker serve + a real pod)', { timeout: 180_000 }, () => {
  let dir: string;
  let owner: CssAccount;
  let bot: CssAccount;
  let r: Replica;
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let ownerSession: PodSession;
  let botSession: PodSession;
  const problems: string[] = [];

  const goto = async (route: string) => {
    await page.goto(`${server.url}#/${route}`);
    await page.locator('#page-title').waitFor();
  };
  const idOf = async (q: string) => {
    const list = await r.locker.search(q);
    const id = list[0]?.id;
    if (!id) throw new Error(`no record matches ${q}`);
    return id;
  };

  beforeAll(async () => {
    rendererBuilt();
    dir = mkdtempSync(path.join(os.tmpdir(), 'locker-e2e-'));
    [owner, bot] = await Promise.all([newAccount('wac', 'e2eowner'), newAccount('wac', 'e2ebot')]);
    r = await replica(owner);
    server = await serve({ locker: r.locker, staticDir: path.resolve(import.meta.dirname, '../renderer/dist'), pod: { env: PLAIN } });
    browser = await chromium.launch({ executablePath: exe, args: BROWSER_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Every CSP violation on any page is recorded, and so is any script that imported text managed to run.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const w = window as unknown as { __csp?: string[] };
        (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    page = await context.newPage();
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      if (d.type() === 'confirm') void d.accept();
      else {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      }
    });
    await page.goto(server.launchUrl);
    ownerSession = await login(owner);
    botSession = await login(bot);
  }, 180_000);

  // A failing step leaves a picture of the screen behind (the path is printed).
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const shot = path.join(os.tmpdir(), `locker-e2e-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    console.warn(`e2e: screen at the failure: ${shot}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await ownerSession?.close();
    await botSession?.close();
    r?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens from the printed link only, once, and the token leaves the address bar', async () => {
    expect(page.url()).toBe(server.url);
    await expect(page.locator('h1')).toHaveText('Your locker');
    const stranger = await browser.newPage();
    expect((await stranger.goto(server.url))?.status()).toBe(401);
    // The link already opened does not open the app a second time (history, another user's process list).
    expect((await stranger.goto(server.launchUrl))?.status()).toBe(401);
    await stranger.close();
  });

  it('imports real-looking files picked in the UI, with a summary', async () => {
    const files = await writeSamples(path.join(dir, 'samples'));
    mkdirSync(path.join(dir, 'bad'));
    const bad = path.join(dir, 'bad', 'broken.ics');
    writeFileSync(bad, 'BEGIN:VCALENDAR\nthis is not a calendar');
    // A well-formed calendar with one event whose date cannot be read: that event is skipped, with its text.
    const partly = path.join(dir, 'bad', 'partly.ics');
    writeFileSync(partly, 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:next-year@example.org\r\nSUMMARY:<b>Someday</b>\r\nDTSTART;VALUE=DATE:Next Year\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
    await goto('import');
    await page.getByTestId('file-input').setInputFiles([...files, bad, partly]);
    const summary = page.getByTestId('import-summary');
    await summary.waitFor({ timeout: 60_000 });
    await expect(summary).toContainText('294 new');
    await expect(summary).toContainText('1 skipped');
    await expect(summary.locator('.errors:not(.skipped-items) li')).toHaveCount(1);
    await expect(summary.locator('.errors:not(.skipped-items) li')).toContainText('broken.ics');
    const skipped = summary.getByTestId('skipped-items').locator('li');
    await expect(skipped).toHaveCount(1);
    await expect(skipped).toContainText('partly.ics, line 3');
    await expect(skipped).toContainText('cannot be read');
    await skipped.locator('summary').click();
    // The item's text, as text: the markup in it is shown, never rendered.
    await expect(skipped.locator('pre.raw')).toContainText('SUMMARY:<b>Someday</b>');
    await expect(skipped.locator('pre.raw b')).toHaveCount(0);
    await saveShot(page, 'import');
  });

  it('cancels a long import: nothing of that file is kept', async () => {
    const big = path.join(dir, 'bad', 'big-calendar.ics');
    writeFileSync(big, generateCalendar(40_000, 99));
    const before = r.locker.list({ type: 'event' }).length;
    await goto('import');
    await page.getByTestId('file-input').setInputFiles(big);
    await page.getByRole('button', { name: 'Cancel' }).click({ timeout: 60_000 });
    const summary = page.getByTestId('import-summary');
    await expect(summary).toContainText('cancelled', { timeout: 60_000 });
    await expect(summary).toContainText('0 new');
    expect(r.locker.list({ type: 'event' })).toHaveLength(before);
  });

  it('shows the locker at a glance and every kind in its own view', async () => {
    await goto('home');
    await expect(page.locator('.tiles')).toContainText('140');
    await saveShot(page, 'home');

    await goto('timeline');
    await expect(page.locator('.timeline .row').first()).toBeVisible();
    // Virtualized: far fewer rows in the page than records.
    expect(await page.locator('.timeline li').count()).toBeLessThan(80);
    await page.locator('.timeline').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const total = Object.values(r.locker.store.counts()).reduce((a, b) => a + (b ?? 0), 0);
    await expect(page.locator(`.virtual-row[data-index="${total - 1}"] a.row`)).toBeVisible({ timeout: 10_000 });

    await goto('type/contact');
    await expect(page.locator('.card')).toHaveCount(7);
    await expect(page.locator('.card', { hasText: 'Zoë Müller' })).toContainText('zoe.mueller@example.ch');
    await saveShot(page, 'contacts');

    await goto('type/event');
    await expect(page.locator('table.month')).toBeVisible();
    expect(await page.locator('table.month .ev').count()).toBeGreaterThan(3);
    await saveShot(page, 'calendar');

    await goto('type/place');
    await expect(page.locator('svg .pin')).toHaveCount(11); // ten places and the walk's waypoint
    await expect(page.locator('svg path.land')).toHaveAttribute('d', /^M/);
    await saveShot(page, 'places');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect(page.locator('.map svg > g')).toHaveAttribute('transform', /scale\(2\)/);
    await page.getByRole('button', { name: 'Show everything' }).click();
    await expect(page.locator('.map svg > g')).toHaveAttribute('transform', /scale\(1\)/);
    await goto('type/track');
    await expect(page.locator('svg path.track')).toHaveCount(1);

    await goto('type/photo');
    const thumbs = page.locator('.photo-grid img');
    await expect(thumbs).toHaveCount(6);
    await thumbs.first().scrollIntoViewIfNeeded();
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.photo-grid img')].every((i) => i.complete && i.naturalWidth > 0));
    // Every picture comes from the locker itself.
    const srcs = await thumbs.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
    for (const s of srcs) expect(s.startsWith(`${server.url}api/binary/`)).toBe(true);
    await saveShot(page, 'photos');

    await goto('type/purchase');
    await expect(page.locator('.totals')).toContainText('CHF');
    await expect(page.locator('.chart canvas')).toHaveCount(1);
    expect(await page.locator('table.data tbody tr').count()).toBe(140);
    await saveShot(page, 'money');

    await goto('type/health');
    await expect(page.locator('.chips .chip')).toHaveCount(2);
    await expect(page.locator('.chart canvas')).toHaveCount(1);
    await saveShot(page, 'health');
  });

  it('finds as you type', async () => {
    await goto('home');
    await page.keyboard.press('/');
    await page.keyboard.type('zür', { delay: 30 });
    await expect(page.getByTestId('search-status')).toContainText('for “zür”');
    await expect(page.locator('.rows .row-title', { hasText: 'Zürich' }).first()).toBeVisible();
    await page.keyboard.press('Escape');
  });

  it('proposes the same person from two sources for merging, side by side, and merges only when asked', async () => {
    await goto('duplicates');
    const pair = page.locator('article.conflict', { hasText: 'Zoe Mueller' });
    await expect(pair).toContainText('zoe.mueller@example.ch');
    await expect(pair.locator('table.compare')).toContainText('+41-79-555-44-33');
    expect(r.locker.list({ type: 'contact' })).toHaveLength(7);
    await saveShot(page, 'duplicates');
    await pair.getByRole('button', { name: /^Merge, keep/ }).first().click();
    await expect(page.locator('article.conflict', { hasText: 'Zoe Mueller' })).toHaveCount(0);
    const zoe = r.locker.list({ type: 'contact' }).filter((c) => /Zo[eë] M/.test(c.title));
    expect(zoe).toHaveLength(1);
    const merged = r.locker.show(zoe[0]?.id ?? '');
    expect(JSON.stringify(merged.kind === 'ok' && merged.json.properties)).toContain('+41-79-555-44-33');
  });

  it('renders imported markup and script URLs as text, never running them', async () => {
    const id = await idOf('Mallory');
    await goto(`record/${id}`);
    await expect(page.locator('h1')).toHaveText(XSS.name);
    await expect(page.locator('.fields').first()).toContainText(XSS.note);
    expect(await page.locator('main img[src="x"], main script, main svg[onload]').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    const ev = await idOf('Party');
    await goto(`record/${ev}`);
    await expect(page.locator('h1')).toHaveText(XSS.event);
    await goto('type/contact');
    await expect(page.locator('.card', { hasText: 'Mallory' })).toContainText(XSS.name);
    await goto(`search?q=Mallory`);
    await expect(page.locator('.rows .row-title').first()).toHaveText(XSS.name);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });

  it('edits a record through the form its shape generates, with validation messages', async () => {
    const id = await idOf('Bartosz');
    await goto(`record/${id}`);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Name *').fill('Bartosz Wójcik-Nowak');
    await page.getByLabel(/^Tag/).fill('friends, kraków');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('h1')).toHaveText('Bartosz Wójcik-Nowak');
    const shown = r.locker.show(id);
    expect(shown.kind === 'ok' && shown.json.properties['tag']).toEqual(['friends', 'kraków']);

    const ev = await idOf('Dentist');
    await goto(`record/${ev}`);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel(/^Start/).fill('next tuesday');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('alert')).toContainText('Not saved');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(r.locker.show(ev).kind).toBe('ok');
  });

  it('deletes with undo: an undone delete never happens, the other one does', async () => {
    const keep = await idOf('Kenji');
    const drop = await idOf('Amara');
    await goto(`record/${keep}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(page.locator('h1')).toHaveText('Kenji Sato');
    await goto(`record/${drop}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    // The record waiting to go is no longer listed.
    await expect(page.locator('.card', { hasText: 'Amara' })).toHaveCount(0);
    await page.waitForTimeout(9_000);
    expect(r.locker.show(keep).kind).toBe('ok');
    expect(r.locker.show(drop).kind).toBe('absent');
    // Closing or reloading during the Undo window deletes at once: the person was told it is deleted.
    const place = await idOf('Bo-Kaap');
    await goto(`record/${place}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.reload();
    await expect.poll(() => r.locker.show(place).kind, { timeout: 5_000 }).toBe('absent');
  });

  it('keeps what was deleted in the trash, and Restore puts it back', async () => {
    const drop = r.locker.store.trash().find((t) => t.title.includes('Amara'))?.id ?? '';
    expect(drop).not.toBe('');
    await goto('trash');
    const table = page.getByRole('table', { name: 'Deleted records' });
    await expect(table).toContainText('Amara');
    await expect(table).toContainText('Bo-Kaap');
    await saveShot(page, 'trash');
    await page.getByRole('button', { name: /^Restore Amara/ }).click();
    await expect(page.getByRole('status')).toContainText('is back');
    await expect(table).not.toContainText('Amara');
    expect(r.locker.show(drop).kind).toBe('ok');
  });

  it('syncs from the UI, and the pod has the change', async () => {
    await goto('pod');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByTestId('sync-result')).toContainText('sent', { timeout: 120_000 });
    const id = await idOf('Bartosz');
    const res = await ownerSession.fetch(`${owner.podUrl}locker/contacts/Person/${id}/index.ttl`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Bartosz Wójcik-Nowak');
    await expect(page.getByTestId('last-sync')).not.toHaveText('never');
    await saveShot(page, 'pod');
  });

  it('shows a conflict side by side and settles it field by field', async () => {
    const id = await idOf('Inês');
    const url = `${owner.podUrl}locker/contacts/Person/${id}/index.ttl`;
    // Someone changes the name on the pod…
    const remote = await ownerSession.fetch(url);
    const body = (await remote.text()).replace('Inês Carvalho', 'Inês Carvalho (pod)');
    expect((await ownerSession.fetch(url, { method: 'PUT', headers: { 'content-type': 'text/turtle', 'if-match': remote.headers.get('etag') ?? '' }, body })).status).toBeLessThan(300);
    // …while the same name and the organisation are changed here.
    expect((await r.locker.edit(id, [{ name: 'fn', value: 'Inês Carvalho (laptop)' }, { name: 'organization-name', value: 'Lisboa Design Studio' }])).kind).toBe('ok');
    await goto('pod');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByTestId('sync-result')).toContainText('changed on both sides', { timeout: 60_000 });
    const conflict = page.locator('article.conflict');
    await expect(conflict).toHaveCount(1);
    await expect(conflict).toContainText('Inês Carvalho (laptop)');
    await expect(conflict).toContainText('Inês Carvalho (pod)');
    await saveShot(page, 'conflict');
    // Take the pod's name, keep the organisation typed here.
    await conflict.getByRole('radio', { name: 'Inês Carvalho (pod)' }).check();
    await conflict.getByRole('button', { name: 'Keep the fields I picked' }).click();
    await expect(page.locator('article.conflict')).toHaveCount(0);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByTestId('sync-result')).toContainText('Synced', { timeout: 60_000 });
    const after = await (await ownerSession.fetch(url)).text();
    expect(after).toContain('Inês Carvalho (pod)');
    expect(after).toContain('Lisboa Design Studio');
    expect(after).not.toContain('(laptop)');
  });

  it('holds a mass deletion another app made on the pod, lists what it would take, and puts it back on the word of the person', async () => {
    const ids = r.locker.list({ type: 'event' }).slice(0, 8).map((e) => e.id);
    expect(ids).toHaveLength(8);
    const doc = (id: string) => `${podDoc(owner.podUrl, 'events', id)}`;
    for (const id of ids) expect((await ownerSession.fetch(doc(id), { method: 'DELETE' })).status).toBeLessThan(300);
    await goto('pod');
    await page.getByRole('button', { name: 'Sync now' }).click();
    const held = page.getByTestId('held-deletions');
    await expect(held).toContainText('8 of your records are gone from the pod', { timeout: 60_000 });
    await expect(held.locator('li')).toHaveCount(8);
    expect(r.locker.list({ type: 'event' }).filter((e) => ids.includes(e.id))).toHaveLength(8);
    await saveShot(page, 'held-deletions');
    await held.getByRole('button', { name: 'Put them back on the pod' }).click();
    await expect(page.getByTestId('sync-result')).toContainText('8 sent', { timeout: 60_000 });
    await expect(page.getByTestId('held-deletions')).toHaveCount(0);
    for (const id of ids) expect((await ownerSession.fetch(doc(id), { method: 'HEAD' })).status).toBe(200);
  });

  it('a grant made in the UI lets the bot read, and revoking it stops the bot', async () => {
    const ev = await idOf('Dentist');
    const doc = `${podDoc(owner.podUrl, 'events', ev)}`;
    expect((await botSession.fetch(doc)).status).toBe(403);
    await goto('sharing/new');
    await page.getByLabel('Who (their WebID) *').fill(bot.webId);
    await page.getByRole('checkbox', { name: /^Calendar/ }).check();
    // The preview shows the actual records: the newest events.
    await expect(page.getByRole('region', { name: 'Preview: Calendar' })).toContainText(r.locker.list({ type: 'event', limit: 1 })[0]?.title ?? '?');
    await page.getByLabel('Why').selectOption('ServiceProvision');
    await page.getByLabel('For how long').selectOption('7');
    await saveShot(page, 'grant');
    await page.getByRole('button', { name: 'Give access' }).click();
    await expect(page.locator('table.grants')).toContainText(bot.webId, { timeout: 60_000 });
    expect((await botSession.fetch(doc)).status).toBe(200);
    await saveShot(page, 'grants');
    await page.locator('table.grants tr', { hasText: bot.webId }).getByRole('button', { name: 'Revoke' }).click();
    await expect(page.getByText('Nobody has access to your records.')).toBeVisible({ timeout: 60_000 });
    expect((await botSession.fetch(doc)).status).toBe(403);
    await goto('sharing/audit');
    await expect(page.locator('table.data')).toContainText('Locker', { timeout: 60_000 });
  });

  it('“Fire” ends every grant of one agent at once', async () => {
    const ev = `${podDoc(owner.podUrl, 'events', await idOf('Dentist'))}`;
    const ct = `${owner.podUrl}locker/contacts/Person/${await idOf('Kenji')}/index.ttl`;
    const until = Date.now() + 86_400_000;
    for (const types of [['event'], ['contact']] as const) {
      const g = await createGrant(r.locker, { env: PLAIN }, { agent: bot.webId, types: [...types], paths: [], modes: ['read'], purpose: 'https://w3id.org/dpv#ServiceProvision', untilMs: until });
      expect(g.kind).toBe('ok');
    }
    expect((await botSession.fetch(ev)).status).toBe(200);
    expect((await botSession.fetch(ct)).status).toBe(200);
    await goto('sharing/grants');
    await expect(page.locator('table.grants tbody tr')).toHaveCount(2);
    await page.locator('table.grants tr', { hasText: 'Contacts' }).getByRole('button', { name: 'Fire' }).click();
    await expect(page.getByText('Nobody has access to your records.')).toBeVisible({ timeout: 60_000 });
    expect((await botSession.fetch(ev)).status).toBe(403);
    expect((await botSession.fetch(ct)).status).toBe(403);
  });

  it('shows an app’s access request with its name, logo, purpose and the real records, and grants it on Allow', async () => {
    const logo = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#e07a1f' } }).png().toBuffer();
    let greedy = false;
    const app = createServer((req, res) => {
      const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;
      if (req.url === '/coach/id') {
        res.writeHead(200, { 'content-type': 'application/ld+json' });
        res.end(JSON.stringify({ '@context': ['https://www.w3.org/ns/solid/oidc-context.jsonld', { interop: 'http://www.w3.org/ns/solid/interop#', dpv: 'https://w3id.org/dpv#', lk: 'https://w3id.org/locker/ns#' }], client_id: `${base}coach/id`, client_name: 'Sunrise Coach', client_uri: 'https://coach.example/', logo_uri: `${base}logo.png`, redirect_uris: ['https://coach.example/callback'], 'interop:hasAccessNeedGroup': { '@id': `${base}coach/needs.ttl#group` }, 'dpv:hasPurpose': { '@id': 'dpv:ServiceProvision' }, 'lk:duration': 'P7D' }));
      } else if (req.url === '/coach/needs.ttl') {
        res.writeHead(200, { 'content-type': 'text/turtle' });
        // After the screen was shown, the app quietly asks for more (`greedy`): Allow must refuse that.
        res.end(`@prefix interop: <http://www.w3.org/ns/solid/interop#>. @prefix acl: <http://www.w3.org/ns/auth/acl#>.\n<#group> a interop:AccessNeedGroup; interop:hasAccessNeed <#events>, <#people>.\n<#events> a interop:AccessNeed; interop:registeredClass <http://schema.org/Event>; interop:accessMode acl:Read${greedy ? ', acl:Write' : ''}; interop:accessNecessity interop:AccessRequired.\n<#people> a interop:AccessNeed; interop:registeredClass <http://www.w3.org/2006/vcard/ns#Individual>; interop:accessMode acl:Read, acl:Append; interop:accessNecessity interop:AccessOptional.\n`);
      } else if (req.url === '/logo.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(logo);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((ok) => app.listen(0, '127.0.0.1', ok));
    const clientId = `http://127.0.0.1:${(app.address() as AddressInfo).port}/coach/id`;
    try {
      await goto('sharing/request');
      await page.getByLabel('The app\'s address (its client ID)').fill(clientId);
      await page.getByRole('button', { name: 'Read what it asks' }).click();
      const screen = page.getByRole('article', { name: 'Access request from Sunrise Coach' });
      await expect(screen).toContainText('Sunrise Coach asks to see some of your records');
      await expect(screen).toContainText('to provide a service you asked for');
      await expect(screen).toContainText(`Read your calendar (${r.locker.list({ type: 'event' }).length} records`);
      await expect(screen).toContainText('Read and add to your contacts');
      await expect(screen.locator('.rows .row').first()).toBeVisible();
      // The logo was fetched by the core when the person opened the request, and is shown from a data: URL.
      await expect(screen.locator('img.app-logo')).toHaveAttribute('src', /^data:image\/png;base64,/);
      await saveShot(page, 'request');
      // The app changes its request behind the screen: nothing is granted.
      greedy = true;
      await screen.getByRole('button', { name: 'Allow' }).click();
      await expect(page.getByRole('alert')).toContainText('changed its request');
      expect(r.locker.store.grants.list().filter((g) => g.agent === clientId)).toEqual([]);
      // Read again, leave the optional contacts out: exactly what is shown is granted.
      greedy = false;
      await page.getByRole('button', { name: 'Read what it asks' }).click();
      const again = page.getByRole('article', { name: 'Access request from Sunrise Coach' });
      await again.getByRole('checkbox', { name: 'Include' }).uncheck();
      await again.getByRole('button', { name: 'Allow' }).click();
      await expect(page.locator('table.grants')).toContainText(clientId, { timeout: 60_000 });
      const grants = r.locker.store.grants.list().filter((g) => g.agent === clientId && g.state === 'active');
      expect(grants).toHaveLength(1);
      expect(grants[0]?.client).toBe(clientId);
      expect(grants[0]?.request).toBe(clientId);
      expect(grants[0]?.modes).toEqual(['read']);
      expect(grants[0]?.targets.map((t) => t.label)).toEqual(['event']);
      await page.locator('table.grants tr', { hasText: clientId }).getByRole('button', { name: 'Revoke' }).click();
      await expect(page.getByText('Nobody has access to your records.')).toBeVisible({ timeout: 60_000 });
    } finally {
      app.close();
    }
  });

  it('asks once for the currency of a QIF statement (a real qif2json test file), then imports it, marked assumed', async () => {
    const qif = path.join(ROOT, 'test/corpus/qif/qif2json-normalTransactions.qif');
    await goto('import');
    await page.getByTestId('file-input').setInputFiles(qif);
    const ask = page.getByTestId('ask-currency');
    await expect(ask).toContainText('qif2json-normalTransactions.qif does not say its currency', { timeout: 60_000 });
    await saveShot(page, 'import-currency');
    await page.getByLabel('Currency code').fill('eu');
    await ask.getByRole('button', { name: 'Import with this currency' }).click();
    await expect(ask.getByRole('alert')).toContainText('three-letter currency code');
    await page.getByLabel('Currency code').fill('chf');
    await ask.getByRole('button', { name: 'Import with this currency' }).click();
    await expect(page.getByTestId('import-summary')).toContainText('3 new', { timeout: 60_000 });
    await expect(page.getByTestId('ask-currency')).toHaveCount(0);
    const purchases = r.locker.list({ type: 'purchase' }).filter((p) => r.locker.show(p.id).kind === 'ok');
    const json = purchases.map((p) => JSON.stringify(r.locker.show(p.id)));
    expect(json.filter((j) => j.includes('qif2json-normalTransactions.qif') && j.includes('CHF') && j.includes('currencyAssumed'))).toHaveLength(3);
  });

  it('switches to the dark theme and back, remembered', async () => {
    await goto('home');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await saveShot(page, 'home-dark');
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
  });

  it('has no serious accessibility violations on any screen (axe-core)', async () => {
    // axe is injected as a script, which this page's CSP rightly refuses: check in a context that bypasses it.
    const axeCtx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 } });
    const p = await axeCtx.newPage();
    await p.goto(server.mintLaunchUrl());
    const axe = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    const found: string[] = [];
    for (const route of ['home', 'timeline', 'type/contact', 'type/event', 'type/place', 'type/photo', 'type/purchase', 'type/health', 'import', 'pod', 'sharing/grants', 'sharing/new', 'duplicates', 'trash', `record/${await idOf('Kenji')}`]) {
      await p.goto(`${server.url}#/${route}`);
      await p.locator('#page-title').waitFor();
      await p.waitForTimeout(400);
      await p.addScriptTag({ path: axe });
      const violations = await p.evaluate(async () => {
        const w = window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } };
        const res = await w.axe.run(document, { resultTypes: ['violations'] });
        return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      });
      found.push(...violations.map((v) => `${route}: ${v}`));
    }
    await axeCtx.close();
    expect(found).toEqual([]);
  });

  it('can be used with the keyboard alone', async () => {
    await goto('timeline');
    // Going to another page puts focus on its title (screen readers announce it); Tab goes on into the page.
    await page.locator('nav.side a', { hasText: 'Home' }).click();
    await expect(page.locator('h1')).toHaveText('Your locker');
    await expect(page.locator('#page-title')).toBeFocused();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);
    // Before the navigation comes a skip link, which jumps to the page's content.
    await page.locator('a.brand').focus();
    await page.keyboard.press('Shift+Tab');
    await expect(page.locator('.skip')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('#page-title')).toBeFocused();
    // Through the sections to Contacts, and Enter opens it.
    await page.locator('a.brand').focus();
    const contacts = page.locator('nav.side a', { hasText: 'Contacts' });
    for (let i = 0; i < 12 && !(await contacts.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    await expect(contacts).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('h1')).toHaveText('Contacts');
  });

  it('logged no console errors and no CSP violations on any screen', async () => {
    for (const route of ['home', 'timeline', 'type/contact', 'type/event', 'type/place', 'type/track', 'type/photo', 'type/purchase', 'type/health', 'type/note', 'import', 'pod', 'sharing/grants', 'sharing/new', 'sharing/audit', 'duplicates', 'search?q=caf']) {
      await goto(route);
      await page.waitForTimeout(200);
    }
    const csp = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    expect(csp).toEqual([]);
    expect(problems).toEqual([]);
  });
});

