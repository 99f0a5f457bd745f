/**
 * Photos: a folder of pictures becomes photo records with taken-at time (and
 * its offset, or none when the camera didn't say), camera, position,
 * dimensions, the image bytes and the embedded thumbnail as binaries.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openLocker } from '../shared/api/index.js';
import { locker, lockerWith } from './helpers/cli.js';
import { homeAndFiles } from './helpers/home.js';
import { jpegWithExif, tinyJpeg } from './helpers/jpeg.js';

function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([len, Buffer.from(type), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(height * (width * 3 + 1)))), chunk('IEND', Buffer.alloc(0))]);
}

describe('photos', () => {
  it('a folder of pictures: time with its offset, camera, position, size, bytes and thumbnail', async () => {
    const { home, files } = homeAndFiles('locker-photo-');
    const thumb = tinyJpeg();
    const full = jpegWithExif({ make: 'Canon', model: 'Canon EOS R6', taken: '2023:08:15 14:22:05', offset: '+02:00', gps: { lat: 46.5583, lon: 7.8306 }, width: 6000, height: 4000, thumbnail: thumb, description: 'Lauterbrunnen valley' });
    writeFileSync(path.join(files, 'IMG_2041.JPG'), full);
    writeFileSync(path.join(files, 'old scan.jpg'), jpegWithExif({ make: 'FUJIFILM', model: 'FinePix S5600', taken: '2005:12:24 18:00:00', width: 2592, height: 1944 }));
    writeFileSync(path.join(files, 'screenshot.png'), png(640, 480));
    // A JPEG whose metadata is broken: the picture is still imported.
    const garbage = Buffer.from('Exif\0\0MM\0*garbagegarbagegarbage');
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, garbage.length + 2]), garbage, Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x20, 0x00, 0x30, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xd9])]);
    writeFileSync(path.join(files, 'broken.jpg'), broken);
    const r = await locker(home, 'import', files, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 4, errors: [] });

    const o = openLocker(home, {});
    if (o.kind !== 'ok') throw new Error(o.message);
    try {
      const byTitle = new Map(o.locker.list({ type: 'photo' }).map((s) => [s.title, s.id]));
      const show = (t: string) => {
        const s = o.locker.show(byTitle.get(t) ?? '');
        if (s.kind !== 'ok') throw new Error(`no ${t}`);
        return s.json.properties as Record<string, unknown>;
      };
      const p = show('IMG_2041');
      expect(p).toMatchObject({ dateCreated: '2023-08-15T14:22:05+02:00', exifData: 'Canon EOS R6', width: 6000, height: 4000, encodingFormat: 'JPEG', description: 'Lauterbrunnen valley' });
      expect(p['contentLocation']).toMatchObject({ geo: { latitude: 46.5583, longitude: 7.8306 } });
      const name = (iri: unknown) => String(iri).split('/').pop() ?? '';
      expect(Buffer.from(o.locker.store.getBinary(name(p['contentUrl']))?.bytes ?? []).equals(full)).toBe(true);
      expect(Buffer.from(o.locker.store.getBinary(name(p['thumbnailUrl']))?.bytes ?? []).equals(thumb)).toBe(true);
      // No offset in the file: the time stays as the camera knew it, without inventing a zone.
      expect(show('old scan')).toMatchObject({ dateCreated: '2005-12-24T18:00:00', exifData: 'FUJIFILM FinePix S5600', width: 2592 });
      expect(show('screenshot')).toMatchObject({ encodingFormat: 'PNG', width: 640, height: 480 });
      expect(show('screenshot')['dateCreated']).toBeUndefined();
      // A decodable picture gets a thumbnail of its own: a JPEG that fits 256 px.
      const made = o.locker.store.getBinary(name(show('screenshot')['thumbnailUrl']));
      const meta = await sharp(Buffer.from(made?.bytes ?? [])).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 256, 192]);
      expect(show('broken')).toMatchObject({ encodingFormat: 'JPEG', width: 48, height: 32 });
    } finally {
      o.locker.close();
    }
    expect(JSON.parse((await locker(home, 'import', files, '--json')).stdout)).toMatchObject({ imported: 0, unchanged: 4 });
    const big = await lockerWith({ LOCKER_MAX_BINARY_MB: '0.0001' }, home, 'import', path.join(files, 'IMG_2041.JPG'));
    expect(big.code).toBe(1);
    expect(big.stderr).toContain('larger than');
  });
});
