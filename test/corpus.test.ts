/**
 * Every real file of the corpus (test/corpus: files other software wrote,
 * taken from published npm and Debian packages) imported by Locker and held
 * to what an independent reader (one per format, test/corpus-ref/, run by
 * test/corpus-counts.ts) finds in it: every item seen, at least as many kept,
 * the numbers adding up, two distinct items never merged, and a second
 * import changing nothing.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocker, saveDefaultCurrency, type ImportSummary } from '../shared/api/index.js';
import { IMPORTERS } from '../shared/importers/index.js';
import { ROOT } from './helpers/cli.js';
import { openTemp, tempHome } from './helpers/home.js';

interface Entry {
  readonly file: string;
  readonly format: string;
  readonly notes: string;
  readonly reference: { readonly items: number; readonly unreadable: number; readonly wholeFileRefused: boolean };
}

const CORPUS = path.join(ROOT, 'test/corpus');
const MANIFESTS = path.join(CORPUS, 'manifests');
const entries = readdirSync(MANIFESTS)
  .filter((n) => n.endsWith('.json'))
  .sort()
  .flatMap((n) => JSON.parse(readFileSync(path.join(MANIFESTS, n), 'utf8')) as Entry[]);

/**
 * Where Locker still reads less than the reference, each with why. The test fails when one of these
 * starts working (take it off the list) as much as when another file joins them.
 */
const KNOWN_SHORT: Readonly<Record<string, string>> = {};

/**
 * Formats of which no file written by other software has been found in a published package or an openly
 * licensed repository yet, each with why. The test fails when one of them gains a file (take it off).
 */
const NO_FILE_YET: Readonly<Record<string, string>> = {
  trig: "Locker's own export format: only Locker writes it, and the importer reads Locker exports only",
  activitypub: 'no package ships a Mastodon outbox.json; the repositories that hold one carry no licence',
  twitter: 'no package ships an X/Twitter archive tweets.js; the repositories that hold one carry no licence',
};

// QIF says no currency: the corpus locker has a default one, as a person sets it once (`locker config currency`).
const temp = tempHome('locker-corpus-');
saveDefaultCurrency(temp.home, 'EUR');
const openedLocker = openLocker(temp.home, {});
if (openedLocker.kind !== 'ok') throw new Error(openedLocker.message);
const opened = openedLocker;
afterAll(() => {
  opened.locker.close();
  temp.cleanup();
});

const adds = (s: ImportSummary) => s.imported + s.updated + s.unchanged + s.skipped + s.duplicates;
/** Items skipped because another item of the file had the same identity: reported, not merged. */
const sameIdentity = (s: ImportSummary) => s.skippedItems.filter((i) => /same identity/.test(i.reason)).length;

describe('the corpus of real files', () => {
  it('holds 80 files or more, of every format Locker imports, and its reference counts are what the reference readers find today', () => {
    expect(entries.length).toBeGreaterThanOrEqual(80);
    const formats = new Set(entries.map((e) => e.format));
    for (const format of Object.keys(IMPORTERS)) {
      if (NO_FILE_YET[format] !== undefined) expect(formats.has(format), `${format} has corpus files now: take it off NO_FILE_YET`).toBe(false);
      else expect(formats.has(format), `no corpus file of ${format}`).toBe(true);
    }
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), path.join(ROOT, 'test/corpus-counts.ts')], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  for (const entry of entries) {
    it(`${entry.file}: every item seen, at least what the reference reader keeps, numbers that add up, and a second import changes nothing`, async () => {
      const file = path.join(CORPUS, entry.file);
      const first = await opened.locker.importFiles([file]);
      const short = KNOWN_SHORT[entry.file];
      if (short !== undefined) {
        expect(first.errors.map((e) => e.message).join('; ')).not.toBe('');
        return;
      }
      expect(first.errors, entry.notes).toEqual([]);
      expect(adds(first)).toBe(first.seen);
      expect(first.seen).toBe(entry.reference.items);
      // Kept: new, updated or unchanged (an earlier file of the corpus may hold the same UID), identical repeats,
      // and items that lost only to another item of the same identity (reported, never silently merged).
      const kept = first.imported + first.updated + first.unchanged + first.duplicates + sameIdentity(first);
      expect(kept, first.skippedItems.map((i) => `${i.line ?? '?'}: ${i.reason}`).join('\n')).toBeGreaterThanOrEqual(entry.reference.items - entry.reference.unreadable);
      for (const item of first.skippedItems) {
        expect(item.reason).not.toBe('');
        expect(item.raw.length).toBeGreaterThan(0);
        // Where it is: its line, or for JSON its path in the document (features[12], entry[3]).
        if (item.position === undefined) expect(item.line).toBeGreaterThan(0);
        else expect(item.position).toMatch(/\S/);
      }
      const again = await opened.locker.importFiles([file]);
      expect({ imported: again.imported, updated: again.updated, skipped: again.skipped, errors: again.errors }).toEqual({ imported: 0, updated: 0, skipped: first.skipped, errors: [] });
      expect(again.unchanged).toBe(first.imported + first.updated + first.unchanged);
    });
  }

  it('128 events without UIDs, some with a date-time labelled VALUE=DATE, stay 128 records (no silent merge)', async () => {
    const { locker, cleanup } = openTemp();
    try {
      const s = await locker.importFiles([path.join(CORPUS, 'ical/ical-test6.ics')]);
      expect(s).toMatchObject({ imported: 128, skipped: 0, duplicates: 0 });
      const helicopters = locker.search('helicopters').map((r) => r.start);
      expect(new Set(helicopters).size).toBe(helicopters.length);
      expect(helicopters.some((t) => t !== undefined && /T\d\d:\d\d/.test(t))).toBe(true);
    } finally {
      cleanup();
    }
  });

  it('a calendar whose last line misspells its END (END:VCALENDARD) is read whole, the slip reported', async () => {
    const { locker, cleanup } = openTemp();
    try {
      const s = await locker.importFiles([path.join(CORPUS, 'ical/pyicalendar-timezone_same_start_and_offset.ics')]);
      expect(s).toMatchObject({ imported: 1, errors: [] });
      expect(s.warnings?.map((w) => w.message)).toEqual(['line 23 says END:VCALENDARD where END:VCALENDAR was meant: read as such']);
    } finally {
      cleanup();
    }
  });

  it('two different events that share one UID: the second is reported, not merged into the first', async () => {
    const { locker, cleanup } = openTemp();
    try {
      const s = await locker.importFiles([path.join(CORPUS, 'ical/ical-test3.ics')]);
      expect(sameIdentity(s)).toBe(1);
      expect(s.skippedItems[0]?.raw).toMatch(/^BEGIN:VEVENT/);
    } finally {
      cleanup();
    }
  });
});
