/// <reference lib="dom" />
// The UI at 100k records, in Chromium against `locker serve`: first meaningful paint of the timeline,
// search-as-you-type latency (keystroke to results on screen), and long tasks while the timeline scrolls.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../cli/serve.js';
import { openLocker } from '../shared/api/index.js';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function browserPath(): string | undefined {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  const own = chromium.executablePath();
  return own && existsSync(own) ? own : undefined;
}

export async function benchUi(home: string, log: (s: string) => void): Promise<Record<string, number | boolean>> {
  const exe = browserPath();
  const dist = path.resolve(import.meta.dirname, '../renderer/dist');
  if (!exe || !existsSync(path.join(dist, 'index.html'))) {
    log('ui: skipped (no Chromium, or the UI is not built: npm run build:ui)');
    return {};
  }
  const opened = openLocker(home, {});
  if (opened.kind !== 'ok') throw new Error(opened.message);
  const server = await serve({ locker: opened.locker, staticDir: dist });
  const browser = await chromium.launch({ executablePath: exe, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(() => {
      const w = window as unknown as { __long: number[] };
      w.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__long.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    const page = await context.newPage();
    await page.goto(server.launchUrl);

    // Baseline: one page of summaries over HTTP, as the timeline asks for it.
    const api: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await page.evaluate(async () => (await fetch('/api/call', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ op: 'records.list', payload: { limit: 500 } }) })).json());
      api.push(performance.now() - t);
    }

    log('ui: first meaningful paint of the timeline');
    const paints: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto('about:blank');
      await page.goto(`${server.url}#/timeline`);
      await page.waitForSelector('.timeline a.row');
      paints.push(await page.evaluate(() => performance.now()));
    }

    log('ui: search as you type');
    await page.goto(`${server.url}#/home`);
    await page.waitForSelector('.tiles');
    // Measured in the page, from the keystroke's input event to the results for that text being on screen.
    await page.evaluate(() => {
      const w = window as unknown as { __typed: number[]; __since?: number };
      w.__typed = [];
      const input = document.querySelector<HTMLInputElement>('#q');
      document.addEventListener('input', () => (w.__since = performance.now()), true);
      new MutationObserver(() => {
        if (w.__since === undefined || !input) return;
        if (document.querySelector('[data-testid="search-status"]')?.textContent?.includes(`“${input.value}”`)) {
          w.__typed.push(performance.now() - w.__since);
          w.__since = undefined;
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    for (const word of ['dentist', 'zürich', 'choir', 'passport', 'müller', 'kraków', 'lunch', 'yoga']) {
      await page.fill('#q', '');
      await page.evaluate(() => ((window as unknown as { __since?: number }).__since = undefined));
      for (let k = 1; k <= word.length; k++) {
        const q = word.slice(0, k);
        await page.keyboard.type(q.slice(-1));
        await page.waitForFunction((want) => document.querySelector('[data-testid="search-status"]')?.textContent?.includes(`“${want}”`) === true, q, { polling: 'raf' });
      }
    }
    const typed = await page.evaluate(() => (window as unknown as { __typed: number[] }).__typed);

    log('ui: long tasks while the timeline scrolls');
    await page.goto(`${server.url}#/timeline`);
    await page.waitForSelector('.timeline a.row');
    await page.waitForTimeout(500);
    await page.evaluate(() => ((window as unknown as { __long: number[] }).__long = []));
    await page.evaluate(async () => {
      const el = document.querySelector('.timeline');
      if (!el) return;
      for (let i = 0; i < 240; i++) {
        el.scrollTop += i < 120 ? 900 : 9000;
        await new Promise((r) => requestAnimationFrame(r));
      }
    });
    await page.waitForTimeout(800);
    const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
    const fmp = quantile(paints, 0.5);
    const searchP95 = quantile(typed, 0.95);
    const maxLong = long.length ? Math.max(...long) : 0;
    const apiMs = quantile(api, 0.5);
    return {
      ui_api_list_500_ms: round(apiMs),
      ui_first_paint_ms: round(fmp),
      ui_first_paint_ratio: round(fmp / apiMs, 2),
      ui_search_keystrokes: typed.length,
      ui_search_type_p50_ms: round(quantile(typed, 0.5)),
      ui_search_type_p95_ms: round(searchP95),
      ui_scroll_long_tasks: long.length,
      ui_scroll_max_long_task_ms: round(maxLong),
      ui_targets_met: fmp < 1500 && searchP95 < 100 && maxLong <= 50,
    };
  } finally {
    await browser.close();
    await server.close();
    opened.locker.close();
  }
}
