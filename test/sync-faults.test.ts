import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syncWithPod } from '../shared/api/index.js';
import type { RetryPolicy } from '../shared/pod/index.js';
import { faultyFetch, newCounts, withSeed } from './helpers/faults.js';
import { FIXTURES } from './helpers/home.js';
import { login, newAccount } from './helpers/pod.js';
import { PLAIN, replica, snapshotOf, sync, type Replica } from './helpers/sync.js';

const open: Replica[] = [];
afterAll(() => {
  for (const r of open) r.close();
});

const FAST: RetryPolicy = { retries: 8, baseDelayMs: 5, maxDelayMs: 40, timeoutMs: 1500 };

describe('sync under faults', () => {
  it('survives 500s, 429s, hangs past the timeout, resets, lost answers, truncated bodies and 412 races without losing an edit', async () => {
    await withSeed('sync-faults', async (random) => {
      const account = await newAccount('wac');
      const a = await replica(account);
      const b = await replica(account);
      open.push(a, b);
      await a.locker.importFiles([path.join(FIXTURES, 'calendar.ics'), path.join(FIXTURES, 'contacts.vcf')]);
      await sync(a);
      await sync(b);
      const events = a.locker.list({ type: 'event' }).map((e) => e.id);

      // The "other app": writes a keyword into the document behind Locker's back just before Locker's conditional PUT.
      const other = await login(account);
      const raced = new Map<string, string[]>();
      let races = 0;
      const race = async (url: string) => {
        const res = await other.fetch(url);
        if (res.status !== 200) return;
        const id = /([^/]+)\.ttl$/.exec(url)?.[1] ?? '';
        const word = `race${++races}`;
        const body = `${await res.text()}\n<#it> <http://schema.org/keywords> "${word}".\n`;
        const put = await other.fetch(url, { method: 'PUT', headers: { 'content-type': 'text/turtle', 'if-match': res.headers.get('etag') ?? '' }, body });
        if (put.status < 300) raced.set(id, [...(raced.get(id) ?? []), word]);
      };
      const counts = newCounts();
      const faulty = { env: PLAIN, policy: FAST, wrapFetch: (f: typeof fetch) => faultyFetch(f, { random, rate: 0.3, counts, race, raceRate: 0.5, hangMs: 3000 }) };

      const wantDescription = new Map<string, string>();
      const wantName = new Map<string, string>();
      for (let round = 0; round < 6; round++) {
        for (let k = 0; k < 3; k++) {
          const id = events[Math.floor(random() * events.length)] ?? '';
          const d = `described by A in round ${round}.${k}`;
          expect((await a.locker.edit(id, [{ name: 'description', value: d }])).kind).toBe('ok');
          wantDescription.set(id, d);
          const id2 = events[Math.floor(random() * events.length)] ?? '';
          const n = `named by B in round ${round}.${k}`;
          expect((await b.locker.edit(id2, [{ name: 'name', value: n }])).kind).toBe('ok');
          wantName.set(id2, n);
        }
        await syncWithPod(a.locker, faulty); // may report errors: the next sync picks up what's left
        await sync(b);
      }
      // Faulty A keeps syncing until nothing is left to do, then B catches up.
      for (let i = 0; i < 8; i++) {
        const r = await syncWithPod(a.locker, faulty);
        if (r.kind === 'ok' && r.summary.errors.length === 0 && r.summary.pushed === 0 && r.summary.pulled === 0) break;
      }
      await sync(b);
      await sync(a);
      await other.close();

      expect(counts.reset + counts.e500 + counts.e429 + counts.timeout + counts.lostResponse + counts.truncated).toBeGreaterThan(5);
      expect(counts.race).toBeGreaterThan(0);
      expect(raced.size).toBeGreaterThan(0);
      expect(snapshotOf(a.locker)).toEqual(snapshotOf(b.locker));
      for (const r of [a, b]) {
        for (const [id, d] of wantDescription) {
          const s = r.locker.show(id);
          if (s.kind !== 'ok') throw new Error(`${id} vanished`);
          expect(s.json.properties['description']).toBe(d);
        }
        for (const [id, n] of wantName) {
          const s = r.locker.show(id);
          if (s.kind !== 'ok') throw new Error(`${id} vanished`);
          expect(s.json.properties['name']).toBe(n);
        }
        for (const [id, words] of raced) {
          const s = r.locker.show(id);
          if (s.kind !== 'ok') throw new Error(`${id} vanished`);
          const kw = s.json.properties['keywords'];
          const list = Array.isArray(kw) ? kw : kw === undefined ? [] : [kw];
          for (const w of words) expect(list).toContain(w);
        }
        expect(r.locker.store.sync.conflicts()).toEqual([]);
      }
    });
    // Each hang costs its timeout and retries back off: on a busy 2-core machine this takes over a minute.
  }, 240_000);
});
