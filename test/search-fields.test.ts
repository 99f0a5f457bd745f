/**
 * Search finds what people look for, in files other software wrote: a phone
 * number as they type it, the file a record came from, the camera a photo
 * was taken with, a place's name, an e-mail address, a tag and a payee.
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

  it('finds photos by the camera that took them, make or model, wherever in the EXIF the camera wrote it', async () => {
    const photos = ['goexif-sample1.jpg', 'goexif-has-lens-info.jpg', 'goexif-geodegrees_as_string.jpg', 'exifparser-starfish.jpg', 'exifjs-dsc_09827.jpg'];
    const s = await t.locker.importFiles(photos.map((p) => path.join(CORPUS, 'photo', p)));
    expect(s.imported).toBe(photos.length);
    const found = (q: string) => t.locker.search(q, { type: 'photo' }).map((r) => r.title);
    expect(found('NIKON D2H')).toHaveLength(1);
    expect(found('iPhone 4S')).toHaveLength(1);
    expect(found('Lumia 820')).toHaveLength(1);
    // HTC wrote Make and Model into the EXIF sub-IFD, not IFD0.
    expect(found('HTC One_M8')).toHaveLength(1);
    expect(found('nikon')).toHaveLength(2);
  });

  it('finds places by name, contacts by e-mail address, and records by tag', async () => {
    await t.locker.importFiles([path.join(CORPUS, 'kml/parsekml-KML_Samples.kml'), path.join(CORPUS, 'gpx/togeojson-blue_hills.gpx'), path.join(CORPUS, 'vcard/turba-dwalt.vcf')]);
    expect(t.locker.search('Floating placemark', { type: 'place' }).map((r) => r.title)).toEqual(['Floating placemark']);
    expect(t.locker.search('1140 LOGS', { type: 'place' })).toHaveLength(1);
    expect(t.locker.search('dwalt@supernet.com', { type: 'contact' })).toHaveLength(1);
    // A GPX waypoint's symbol is its tag ("Danger Area" appears nowhere else in those waypoints).
    expect(t.locker.search('Danger Area', { type: 'place' }).length).toBeGreaterThan(0);
  });

  it('finds a purchase by its payee, from a bank CSV and from a CAMT statement', async () => {
    await t.locker.importFiles([path.join(CORPUS, 'camt/genkgo-camt053.v2.multi.statement.xml'), path.join(CORPUS, 'csv-bank/bank2ynab-MonzoDataExport_February2018_2018-02-26_174335.csv')]);
    expect(t.locker.search('tesco', { type: 'purchase' }).map((r) => r.title)).toEqual(['Tesco']);
    expect(t.locker.search('Company Name 2', { type: 'purchase' })).toHaveLength(1);
  });
});
