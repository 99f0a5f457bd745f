/**
 * Whole export archives: a Takeout-style zip is imported in one go, each
 * inner file by its own importer; hostile archives (climbing paths, zip
 * bombs, lying sizes, encrypted entries, links) are refused before anything
 * is written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { locker } from './helpers/cli.js';
import { FIXTURES, homeAndFiles } from './helpers/home.js';
import { makeZip } from './helpers/zip.js';

const ics = readFileSync(path.join(FIXTURES, 'calendar.ics'));
const vcf = readFileSync(path.join(FIXTURES, 'contacts.vcf'));
const HEALTH = `<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_GB">\n <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min" startDate="2024-02-10 07:30:00 +0000" endDate="2024-02-10 07:30:00 +0000" value="61"/>\n</HealthData>\n`;

async function count(home: string): Promise<number> {
  return (JSON.parse((await locker(home, 'list', '--json')).stdout) as unknown[]).length;
}

describe('zip archives', () => {
  it('imports every inner file by its format, passes over the rest, and re-importing changes nothing', async () => {
    const { home, files } = homeAndFiles('locker-zip-');
    const zip = path.join(files, 'takeout-20240301.zip');
    writeFileSync(
      zip,
      makeZip([
        { name: 'Takeout/archive_browser.html', data: '<html><body>Your data</body></html>' },
        { name: 'Takeout/Calendar/Persönlich.ics', data: ics },
        { name: 'Takeout/Contacts/All Contacts/All Contacts.vcf', data: vcf },
        { name: 'Takeout/Google Photos/IMG_0001.jpg', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]), stored: true },
        { name: 'apple_health_export/export.xml', data: HEALTH },
        { name: '__MACOSX/._export.xml', data: 'junk' },
      ]),
    );
    const r = await locker(home, 'import', zip, '--json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { imported: number; errors: unknown[]; ignored: number };
    expect(summary.errors).toEqual([]);
    expect(summary.ignored).toBe(1); // the web page (the photo is imported as a photo)
    const expected = await (async () => {
      const other = homeAndFiles('locker-zip-');
      writeFileSync(path.join(other.files, 'c.ics'), ics);
      writeFileSync(path.join(other.files, 'p.vcf'), vcf);
      return (JSON.parse((await locker(other.home, 'import', other.files, '--json')).stdout) as { imported: number }).imported;
    })();
    expect(summary.imported).toBe(expected + 2);
    expect(await count(home)).toBe(expected + 2);
    const again = JSON.parse((await locker(home, 'import', zip, '--json')).stdout) as { imported: number; unchanged: number };
    expect(again).toMatchObject({ imported: 0, unchanged: expected + 2 });
  });

  const hostile: Array<[string, Parameters<typeof makeZip>[0], RegExp]> = [
    ['a path that climbs out', [{ name: 'ok.ics', data: ics }, { name: 'Takeout/../../evil.ics', data: ics }], /climbs out|invalid relative path/],
    ['an absolute path', [{ name: 'ok.ics', data: ics }, { name: '/etc/cron.d/evil.ics', data: ics }], /absolute path/],
    ['a zip bomb', [{ name: 'ok.ics', data: ics }, { name: 'bomb.ics', data: Buffer.alloc(50 * 1024 * 1024, 0x41) }], /zip bomb/],
    ['an encrypted entry', [{ name: 'ok.ics', data: ics }, { name: 'secret.ics', data: ics, encrypted: true }], /encrypted entry/],
    ['a symbolic link', [{ name: 'ok.ics', data: ics }, { name: 'link.ics', data: '/etc/passwd', stored: true, unixMode: 0o120777 }], /symbolic link/],
  ];
  for (const [what, entries, message] of hostile) {
    it(`refuses an archive with ${what} as a whole, before writing anything`, async () => {
      const { home, files } = homeAndFiles('locker-zip-');
      const zip = path.join(files, 'hostile.zip');
      writeFileSync(zip, makeZip(entries));
      const r = await locker(home, 'import', zip);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('nothing was imported');
      expect(await count(home)).toBe(0);
    });
  }

  it('an entry that inflates past its declared size fails on its own, with nothing of it written', async () => {
    const { home, files } = homeAndFiles('locker-zip-');
    const zip = path.join(files, 'liar.zip');
    writeFileSync(zip, makeZip([{ name: 'a-good.vcf', data: vcf }, { name: 'b-liar.ics', data: ics, declaredSize: 100 }]));
    const r = await locker(home, 'import', zip, '--json');
    expect(r.code).toBe(3); // partial: the good entry is in, the liar is refused
    const s = JSON.parse(r.stdout) as { imported: number; errors: Array<{ file: string; message: string }> };
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]?.file).toMatch(/b-liar\.ics$/);
    expect((JSON.parse((await locker(home, 'list', '--type', 'event', '--json')).stdout) as unknown[]).length).toBe(0);
    expect((JSON.parse((await locker(home, 'list', '--type', 'contact', '--json')).stdout) as unknown[]).length).toBeGreaterThan(0);
  });
});
