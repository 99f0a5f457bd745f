/**
 * Search finds what people look for, in files other software wrote: a phone
 * number as they type it, and the file a record came from.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { openTemp } from './helpers/home.js';

const CORPUS = path.join(ROOT, 'test/corpus');
const t = openTemp();
afterAll(() => t.cleanup());

describe('search over real files', () => {
  it('finds a contact by its phone number, typed the ways people type it (RFC 6350 example, tel: URIs with ;ext=)', async () => {
    const s = await t.locker.importFiles([path.join(CORPUS, 'vcard/icaljs-vcard_author.vcf')]);
    expect(s.imported).toBe(1);
    const who = (q: string) => t.locker.search(q).map((r) => r.title);
    const name = who('Perreault')[0];
    expect(name).toBeDefined();
    for (const typed of ['+1 418 656 9254', '418-656-9254', '4186569254', '656-9254', '262 6501']) expect(who(typed), typed).toEqual([name]);
    // The extension is not part of the number.
    expect(who('9254102')).toEqual([]);
  });

  it('finds records by the name of the file they came from', async () => {
    await t.locker.importFiles([path.join(CORPUS, 'ical/cozyical-google.ics')]);
    const found = t.locker.search('cozyical-google');
    expect(found.length).toBe(3);
    expect(found.every((r) => r.type === 'event')).toBe(true);
  });
});
