/**
 * Errors with stable codes: a pod failure says what kind of trouble it is and
 * keeps the HTTP status, so the app can tell "log in again" from "the server
 * is down" — and messages the app shows name no command-line flag.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandlers, dispatch, openLocker, syncWithPod, LOCKED_MESSAGE, type PodFailure } from '../shared/api/index.js';
import type { RetryPolicy } from '../shared/pod/index.js';
import { podErrorWords } from '../renderer/src/ui/pod-errors.js';
import { locker as cli, lockerProcess } from './helpers/cli.js';
import { FIXTURES, tempHome } from './helpers/home.js';
import { newAccount } from './helpers/pod.js';
import { PLAIN, replica, type Replica } from './helpers/sync.js';

const FAST: RetryPolicy = { retries: 1, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 1500 };
const open: Replica[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const r of open) r.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A wrapped fetch that answers every request to the pod's storage with `status`, or fails to connect. */
function broken(answer: number | 'no-connection'): (f: typeof fetch) => typeof fetch {
  return () => async () => {
    if (answer === 'no-connection') throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    return new Response('broken on purpose', { status: answer });
  };
}

const NO_FLAG = /(^|\s)--[a-z]|`locker /;

describe('a failed sync says why, by code and status', () => {
  it('401 → needs-login, 403 → forbidden, 503 → server-error (status kept); no connection → unreachable', async () => {
    const account = await newAccount('wac');
    const a = await replica(account);
    open.push(a);
    await a.locker.importFiles([path.join(FIXTURES, 'calendar.ics')]);
    const failures: Record<string, PodFailure> = {};
    for (const [name, answer] of [['401', 401], ['403', 403], ['503', 503], ['down', 'no-connection']] as const) {
      const r = await syncWithPod(a.locker, { env: PLAIN, policy: FAST, wrapFetch: broken(answer) });
      if (r.kind !== 'error') throw new Error(`sync with ${name} succeeded`);
      failures[name] = r;
    }
    expect(failures['401']).toMatchObject({ code: 'needs-login', status: 401 });
    expect(failures['403']).toMatchObject({ code: 'forbidden', status: 403 });
    expect(failures['503']).toMatchObject({ code: 'server-error', status: 503 });
    expect(failures['down']?.code).toBe('unreachable');
    expect(failures['down']?.status).toBeUndefined();
    // And the app says different things for them: log in again, or wait for the server.
    expect(podErrorWords(failures['401'] as PodFailure).loginAgain).toBe(true);
    expect(podErrorWords(failures['down'] as PodFailure).loginAgain).toBe(false);
    expect(podErrorWords(failures['503'] as PodFailure).headline).toMatch(/HTTP 503/);
    // A clean sync afterwards still works: nothing was broken by the failures.
    expect((await syncWithPod(a.locker, { env: PLAIN })).kind).toBe('ok');
  });

  it('with no pod: not-connected, a message without commands; the CLI adds its own', async () => {
    const { home, cleanup } = tempHome();
    dirs.push(home);
    const opened = openLocker(home, {});
    if (opened.kind !== 'ok') throw new Error(opened.message);
    try {
      const r = await syncWithPod(opened.locker, { env: PLAIN });
      expect(r).toMatchObject({ kind: 'error', code: 'not-connected' });
      expect(r.kind === 'error' && r.message).not.toMatch(NO_FLAG);
      const viaApi = await dispatch(createHandlers(opened.locker, { pod: { env: PLAIN } }), 'sync.run', {});
      expect(viaApi).toMatchObject({ kind: 'ok', value: { kind: 'error', code: 'not-connected' } });
    } finally {
      opened.locker.close();
    }
    const printed = await cli(home, 'sync');
    expect(printed.code).toBe(1);
    expect(printed.stderr).toContain('no pod connected: run `locker pod local start`');
    cleanup();
  });
});

describe('what the app shows names no command-line flag', () => {
  it('a grant the page gets wrong is refused by field, and the CLI names the flag', async () => {
    const { home, cleanup } = tempHome();
    dirs.push(home);
    const opened = openLocker(home, {});
    if (opened.kind !== 'ok') throw new Error(opened.message);
    try {
      const r = await dispatch(createHandlers(opened.locker), 'grants.create', { agent: 'https://bot.example/#me', types: ['event'], until: '2030-01-01T00:00:00Z', for: '7d' });
      expect(r).toMatchObject({ kind: 'ok', value: { kind: 'invalid', field: 'for' } });
      expect(JSON.stringify(r)).not.toMatch(NO_FLAG);
    } finally {
      opened.locker.close();
    }
    const printed = await cli(home, 'grant', '--agent', 'https://bot.example/#me', '--type', 'event', '--until', '2030-01-01T00:00:00Z', '--for', '7d');
    expect(printed.code).toBe(2);
    expect(printed.stderr).toMatch(/^locker: --for: /);
    cleanup();
  });

  it('an encrypted backup dropped on the app is refused with a code (needs its passphrase), not a flag', async () => {
    const { home, cleanup } = tempHome();
    dirs.push(home);
    const made = lockerProcess(home, ['export', '--encrypt', '--out', path.join(home, 'b.locker')], { LOCKER_BACKUP_PASSPHRASE: 'a backup passphrase' });
    expect(made.code, made.stderr).toBe(0);
    const drop = mkdtempSync(path.join(os.tmpdir(), 'locker-drop-'));
    dirs.push(drop);
    copyFileSync(path.join(home, 'b.locker'), path.join(drop, 'b.locker'));
    const opened = openLocker(home, {});
    if (opened.kind !== 'ok') throw new Error(opened.message);
    try {
      const summary = await opened.locker.importFiles([path.join(drop, 'b.locker')]);
      expect(summary.errors).toEqual([expect.objectContaining({ code: 'needs-secret', needs: 'passphrase' })]);
      expect(summary.errors[0]?.message).not.toMatch(NO_FLAG);
    } finally {
      opened.locker.close();
    }
    cleanup();
  });

  it('a locked locker is "locked", in words every transport can show', () => {
    expect(LOCKED_MESSAGE).not.toMatch(NO_FLAG);
  });
});
