import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, openTemp, tempHome } from '../../test/helpers/home.js';
import { createHandlers, defaultHome, dispatch, loadCaps, type LockerEvent } from './index.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('LockerApi handler map', () => {
  it('validates every payload at the boundary and never runs a handler with a bad one', async () => {
    const t = openTemp();
    cleanup = t.cleanup;
    const api = createHandlers(t.locker);
    expect(await dispatch(api, 'records.list', { type: 'spaceship' })).toMatchObject({ kind: 'bad-request', message: expect.stringMatching(/^type: /) });
    expect(await dispatch(api, 'records.get', { id: '../../etc/passwd' })).toEqual({ kind: 'bad-request', message: 'id: not a record id' });
    expect(await dispatch(api, 'records.list', { extra: 1 })).toMatchObject({ kind: 'bad-request' });
    expect(await dispatch(api, 'constructor', {})).toMatchObject({ kind: 'bad-request', message: 'unknown operation "constructor"' });
    expect(await dispatch(api, '__proto__', {})).toMatchObject({ kind: 'bad-request' });
    expect(await dispatch(api, 'records.list', {})).toEqual({ kind: 'ok', value: [] });
  });

  it('reports import progress and commits as events', async () => {
    const t = openTemp();
    cleanup = t.cleanup;
    const events: LockerEvent[] = [];
    const r = await dispatch(createHandlers(t.locker), 'import.start', { paths: [path.join(FIXTURES, 'calendar.ics')] }, { emit: (e) => events.push(e) });
    expect(r).toEqual({ kind: 'ok', value: { imported: 6, updated: 0, unchanged: 0, skipped: 0, duplicates: 0, seen: 6, errors: [], skippedItems: [] } });
    const phases = events.flatMap((e) => (e.type === 'import.progress' ? [e.progress.phase] : []));
    expect(phases[0]).toBe('reading');
    expect(phases).toContain('validating');
    expect(phases).toContain('writing');
    expect(phases.at(-1)).toBe('done');
    // The format recognised by content is told while the file is read, for the UI to show.
    expect(events.flatMap((e) => (e.type === 'import.progress' && e.progress.format ? [e.progress.format] : []))).toContain('ical');
    expect(events.find((e) => e.type === 'import.committed')).toMatchObject({ ids: expect.arrayContaining([expect.stringMatching(/^[a-z2-7]{20}$/)]) });
  });

  it('stops an import when cancelled, writing nothing of the unfinished file', async () => {
    const t = openTemp();
    cleanup = t.cleanup;
    const ac = new AbortController();
    ac.abort();
    const summary = await t.locker.importFiles([path.join(FIXTURES, 'calendar.ics')], { signal: ac.signal });
    expect(summary.errors).toEqual([{ file: path.join(FIXTURES, 'calendar.ics'), message: 'cancelled before it was read', code: 'cancelled' }]);
    expect(t.locker.list()).toEqual([]);
  });
});

describe('home and configuration', () => {
  it('uses the OS per-user app-data folder unless LOCKER_HOME says otherwise', () => {
    expect(defaultHome({ LOCKER_HOME: '/data/x' }, 'linux')).toBe(path.resolve('/data/x'));
    expect(defaultHome({ XDG_DATA_HOME: '/xdg' }, 'linux')).toBe('/xdg/locker');
    expect(defaultHome({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toMatch(/Roaming.Locker$/);
    expect(defaultHome({}, 'darwin')).toMatch(/Library.Application Support.Locker$/);
  });

  it('reads import limits from config.json and reports a broken config clearly', () => {
    const { home, cleanup: c } = tempHome();
    cleanup = c;
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ importCaps: { maxDepth: 4 } }));
    const ok = loadCaps(home, {});
    expect(ok.kind === 'ok' && ok.caps.maxDepth).toBe(4);
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ importCaps: { maxDepth: -1 } }));
    expect(loadCaps(home, {})).toMatchObject({ kind: 'error', message: expect.stringMatching(/importCaps\.maxDepth/) });
    writeFileSync(path.join(home, 'config.json'), '{ nope');
    expect(loadCaps(home, {})).toMatchObject({ kind: 'error', message: expect.stringMatching(/not valid JSON/) });
  });
});
