import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeIcns, decodeIco, encodeIcns, encodeIco, ICNS_PNG_TYPES, icnsProblems, readPngInfo, type IcnsPngType } from '../packaging/icon-formats.js';
import { generateIcons, ICNS_TYPES, ICO_SIZES, ICON_SOURCE, renderPng, SET_SIZES } from '../packaging/icon-set.js';

/** A plain square PNG of `size` pixels. */
function png(size: number, height = size): Promise<Buffer> {
  return sharp({ create: { width: size, height, channels: 4, background: { r: 47, g: 93, b: 138, alpha: 1 } } })
    .png()
    .toBuffer();
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'locker-icons-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readPngInfo', () => {
  it('reads the size from IHDR and refuses anything else', async () => {
    expect(readPngInfo(await png(48, 20))).toEqual({ width: 48, height: 20 });
    expect(readPngInfo(Buffer.from('not a png at all, clearly not one'))).toBeUndefined();
    expect(readPngInfo((await png(16)).subarray(0, 20))).toBeUndefined();
  });
});

describe('ICO writer', () => {
  it('writes the ICONDIR header, one 16-byte entry per image and the PNGs after them', async () => {
    const images = await Promise.all([16, 32, 256].map((n) => png(n)));
    const ico = encodeIco(images);
    // ICONDIR: reserved 0, type 1 (icon), count 3
    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBe(3);
    let offset = 6 + 16 * 3;
    [16, 32, 256].forEach((size, i) => {
      const at = 6 + 16 * i;
      expect(ico[at]).toBe(size === 256 ? 0 : size); // width, 0 = 256
      expect(ico[at + 1]).toBe(size === 256 ? 0 : size); // height
      expect(ico[at + 2]).toBe(0); // no palette
      expect(ico[at + 3]).toBe(0); // reserved
      expect(ico.readUInt16LE(at + 4)).toBe(1); // planes
      expect(ico.readUInt16LE(at + 6)).toBe(32); // bits per pixel
      const length = ico.readUInt32LE(at + 8);
      expect(length).toBe(images[i]?.length);
      expect(ico.readUInt32LE(at + 12)).toBe(offset);
      expect(ico.subarray(offset, offset + length).equals(images[i] ?? Buffer.alloc(0))).toBe(true);
      offset += length;
    });
    expect(ico.length).toBe(offset);
  });

  it('reads back what it wrote: each entry a PNG of its stated size', async () => {
    const sizes = [16, 24, 48, 256];
    const entries = decodeIco(encodeIco(await Promise.all(sizes.map((n) => png(n)))));
    expect(entries.map((e) => e.size)).toEqual(sizes);
    for (const e of entries) expect(readPngInfo(e.png)).toEqual({ width: e.size, height: e.size });
  });

  it('refuses what an ICO cannot hold', async () => {
    expect(() => encodeIco([])).toThrow(/1 to 65535/);
    expect(() => encodeIco([Buffer.from('GIF89a')])).toThrow(/not a PNG/);
    expect(() => encodeIco([Buffer.alloc(0)])).toThrow(/not a PNG/);
    await expect(png(16, 8).then((p) => encodeIco([p]))).rejects.toThrow(/not square/);
    await expect(png(512).then((p) => encodeIco([p]))).rejects.toThrow(/outside 1\.\.256/);
  });

  it('refuses malformed files when reading', async () => {
    const ico = encodeIco([await png(16)]);
    expect(() => decodeIco(ico.subarray(0, 10))).toThrow(/truncated/);
    const bad = Buffer.from(ico);
    bad.writeUInt32LE(ico.length + 100, 6 + 8); // entry longer than the file
    expect(() => decodeIco(bad)).toThrow(/outside the file/);
    const cursor = Buffer.from(ico);
    cursor.writeUInt16LE(2, 2);
    expect(() => decodeIco(cursor)).toThrow(/bad header/);
  });
});

describe('ICNS writer', () => {
  it("writes 'icns', the file length, and per element its type, length (+8) and PNG", async () => {
    const elements = [
      { type: 'ic11' as const, png: await png(32) },
      { type: 'ic07' as const, png: await png(128) },
    ];
    const icns = encodeIcns(elements);
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    let at = 8;
    for (const { type, png: bytes } of elements) {
      expect(icns.toString('latin1', at, at + 4)).toBe(type);
      expect(icns.readUInt32BE(at + 4)).toBe(bytes.length + 8);
      expect(icns.subarray(at + 8, at + 8 + bytes.length).equals(bytes)).toBe(true);
      at += bytes.length + 8;
    }
    expect(at).toBe(icns.length);
  });

  it('reads back every PNG type at its size', async () => {
    const types = Object.keys(ICNS_PNG_TYPES) as IcnsPngType[];
    const icns = encodeIcns(await Promise.all(types.map(async (type) => ({ type, png: await png(ICNS_PNG_TYPES[type]) }))));
    const elements = decodeIcns(icns);
    expect(elements.map((e) => e.type)).toEqual(types);
    expect(icnsProblems(elements)).toEqual([]);
    for (const e of elements) expect(readPngInfo(e.data)?.width).toBe(ICNS_PNG_TYPES[e.type as IcnsPngType]);
  });

  it('refuses a PNG of the wrong size for its type, and malformed files', async () => {
    await expect(png(64).then((p) => encodeIcns([{ type: 'ic07', png: p }]))).rejects.toThrow(/needs 128 pixels, got 64/);
    expect(() => encodeIcns([])).toThrow(/no images/);
    const icns = encodeIcns([{ type: 'ic11', png: await png(32) }]);
    expect(() => decodeIcns(icns.subarray(0, icns.length - 1))).toThrow(/header says/);
    const wrongLength = Buffer.from(icns);
    wrongLength.writeUInt32BE(4, 12); // element shorter than its own header
    expect(() => decodeIcns(wrongLength)).toThrow(/bad length/);
    // A PNG of the wrong size inside a PNG type is reported when checking.
    const forged = Buffer.from(icns);
    forged.write('ic07', 8, 'latin1');
    expect(icnsProblems(decodeIcns(forged))).toEqual(['ic07: 32x32, expected 128']);
  });
});

describe('generateIcons (renderer/public/icon.svg)', () => {
  it('renders each size from the SVG itself', async () => {
    const svg = readFileSync(ICON_SOURCE);
    for (const size of [16, 1024]) expect(readPngInfo(await renderPng(svg, size))).toEqual({ width: size, height: size });
    // Not a blank square: the 16 px icon has transparent corners (rounded rect) and an opaque centre.
    const { data, info } = await sharp(await renderPng(svg, 16)).raw().toBuffer({ resolveWithObject: true });
    const alpha = (x: number, y: number): number => data[(y * info.width + x) * info.channels + 3] ?? -1;
    expect(alpha(0, 0)).toBe(0);
    expect(alpha(8, 8)).toBe(255);
  });

  it('writes the Linux set, icon.png, icon.ico and icon.icns', async () => {
    const { files } = await generateIcons(ICON_SOURCE, tmp);
    expect(files.map((f) => path.relative(tmp, f))).toEqual([...SET_SIZES.map((n) => path.join('icons', `${n}x${n}.png`)), 'icon.png', 'icon.ico', 'icon.icns']);
    for (const n of SET_SIZES) expect(readPngInfo(readFileSync(path.join(tmp, 'icons', `${n}x${n}.png`)))).toEqual({ width: n, height: n });
    expect(readPngInfo(readFileSync(path.join(tmp, 'icon.png')))).toEqual({ width: 1024, height: 1024 });
    const ico = decodeIco(readFileSync(path.join(tmp, 'icon.ico')));
    expect(ico.map((e) => e.size)).toEqual([...ICO_SIZES]);
    for (const e of ico) expect(readPngInfo(e.png)).toEqual({ width: e.size, height: e.size });
    const icns = decodeIcns(readFileSync(path.join(tmp, 'icon.icns')));
    expect(icns.map((e) => e.type)).toEqual([...ICNS_TYPES]);
    expect(icnsProblems(icns)).toEqual([]);
  });
});
