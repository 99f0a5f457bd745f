// Locator assertions for vitest that wait, as Playwright's own do: each polls until it holds or times out.
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

interface Options {
  timeout?: number;
}

type Check = (l: Locator) => Promise<{ pass: boolean; actual: string }>;

async function poll(locator: Locator, check: Check, negate: boolean, timeout = 15_000): Promise<{ pass: boolean; actual: string }> {
  const end = Date.now() + timeout;
  let last = { pass: false, actual: '' };
  for (;;) {
    try {
      last = await check(locator);
    } catch (e) {
      last = { pass: false, actual: e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e) };
    }
    if (last.pass !== negate || Date.now() > end) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function matcher(describe: (expected: unknown) => string, check: (expected: unknown) => Check) {
  return async function (this: { isNot: boolean }, received: Locator, expected?: unknown, opts?: Options) {
    const options = (typeof expected === 'object' && expected !== null && !(expected instanceof RegExp) ? expected : opts) as Options | undefined;
    const r = await poll(received, check(expected), this.isNot === true, options?.timeout);
    return { pass: r.pass, message: () => `expected ${received.toString()} ${this.isNot ? 'not ' : ''}${describe(expected)}; it was: ${r.actual}` };
  };
}

const matches = (actual: string, expected: unknown, whole: boolean) =>
  expected instanceof RegExp ? expected.test(actual) : whole ? actual.trim() === String(expected) : actual.includes(String(expected));

expect.extend({
  toHaveText: matcher(
    (e) => `to have text ${String(e)}`,
    (e) => async (l) => {
      const t = await l.innerText({ timeout: 1000 });
      return { pass: matches(t, e, true), actual: JSON.stringify(t) };
    },
  ),
  toContainText: matcher(
    (e) => `to contain text ${String(e)}`,
    (e) => async (l) => {
      const t = await l.innerText({ timeout: 1000 });
      return { pass: matches(t, e, false), actual: JSON.stringify(t.slice(0, 300)) };
    },
  ),
  toHaveCount: matcher(
    (e) => `to have ${String(e)} elements`,
    (e) => async (l) => {
      const n = await l.count();
      return { pass: n === e, actual: String(n) };
    },
  ),
  toBeVisible: matcher(
    () => 'to be visible',
    () => async (l) => {
      const v = await l.first().isVisible();
      return { pass: v, actual: v ? 'visible' : 'hidden or absent' };
    },
  ),
  toBeChecked: matcher(
    () => 'to be checked',
    () => async (l) => {
      const c = await l.isChecked({ timeout: 1000 });
      return { pass: c, actual: c ? 'checked' : 'not checked' };
    },
  ),
  toBeDisabled: matcher(
    () => 'to be disabled',
    () => async (l) => {
      const d = await l.isDisabled({ timeout: 1000 });
      return { pass: d, actual: d ? 'disabled' : 'enabled' };
    },
  ),
  toBeFocused: matcher(
    () => 'to be focused',
    () => async (l) => {
      const f = await l.evaluate((el) => el === el.ownerDocument.activeElement, undefined, { timeout: 1000 });
      return { pass: f, actual: f ? 'focused' : 'not focused' };
    },
  ),
  toHaveAttribute: async function (this: { isNot: boolean }, received: Locator, name: string, value: RegExp | string, opts?: Options) {
    const r = await poll(
      received,
      async (l) => {
        const a = (await l.getAttribute(name, { timeout: 1000 })) ?? '';
        return { pass: value instanceof RegExp ? value.test(a) : a === value, actual: JSON.stringify(a.slice(0, 80)) };
      },
      this.isNot === true,
      opts?.timeout,
    );
    return { pass: r.pass, message: () => `expected ${received.toString()} attribute ${name} ${this.isNot ? 'not ' : ''}to match ${String(value)}; it was ${r.actual}` };
  },
});

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- must match vitest's own declaration
  interface Matchers<T = any> {
    toHaveText(expected: string | RegExp, opts?: Options): Promise<T>;
    toContainText(expected: string | RegExp, opts?: Options): Promise<T>;
    toHaveCount(expected: number, opts?: Options): Promise<T>;
    toBeVisible(opts?: Options): Promise<T>;
    toBeFocused(opts?: Options): Promise<T>;
    toBeChecked(opts?: Options): Promise<T>;
    toBeDisabled(opts?: Options): Promise<T>;
    toHaveAttribute(name: string, value: string | RegExp, opts?: Options): Promise<T>;
  }
}
