/**
 * The two icon containers electron-builder wants, written by hand: both are a
 * small header and a table of PNG images, so no image tool is needed.
 * Every function here is pure: bytes in, bytes out.
 *
 * - ICO (Windows): ICONDIR (6 bytes) + one 16-byte ICONDIRENTRY per image +
 *   the images. Since Windows Vista an entry may hold a whole PNG file instead
 *   of a BMP; a width or height of 256 is written as 0.
 *   https://learn.microsoft.com/en-us/previous-versions/ms997538(v=msdn.10)
 * - ICNS (macOS): 'icns' + the file's length (big-endian u32), then per image
 *   its OSType, its length including these 8 bytes, and a PNG file.
 *   The PNG types: ic07 128, ic08 256, ic09 512, ic10 1024 (512@2x),
 *   ic11 32 (16@2x), ic12 64 (32@2x), ic13 256 (128@2x), ic14 512 (256@2x).
 *   https://en.wikipedia.org/wiki/Apple_Icon_Image_format
 */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngInfo {
  readonly width: number;
  readonly height: number;
}

/** The size of a PNG from its IHDR chunk, or undefined when the bytes are not a PNG file. */
export function readPngInfo(png: Uint8Array): PngInfo | undefined {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.length < 33 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  if (buf.readUInt32BE(8) !== 13 || buf.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

function squarePng(png: Uint8Array, what: string): number {
  const info = readPngInfo(png);
  if (!info) throw new Error(`${what}: not a PNG file`);
  if (info.width !== info.height) throw new Error(`${what}: not square (${info.width}x${info.height})`);
  return info.width;
}

// ---------------------------------------------------------------- ICO

export interface IcoImage {
  readonly size: number;
  readonly png: Uint8Array;
}

/** An ICO file of PNG-compressed entries, in the order given (1 to 256 pixels each). */
export function encodeIco(pngs: readonly Uint8Array[]): Buffer {
  if (pngs.length === 0 || pngs.length > 0xffff) throw new Error('ICO: 1 to 65535 images');
  const sizes = pngs.map((png, i) => squarePng(png, `ICO image ${i}`));
  for (const size of sizes) if (size < 1 || size > 256) throw new Error(`ICO: ${size} pixels is outside 1..256`);
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon (2 would be a cursor)
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach((png, i) => {
    const size = sizes[i] ?? 0;
    const at = 6 + 16 * i;
    header.writeUInt8(size === 256 ? 0 : size, at); // width, 0 means 256
    header.writeUInt8(size === 256 ? 0 : size, at + 1); // height
    header.writeUInt8(0, at + 2); // colours in the palette: none
    header.writeUInt8(0, at + 3); // reserved
    header.writeUInt16LE(1, at + 4); // colour planes
    header.writeUInt16LE(32, at + 6); // bits per pixel
    header.writeUInt32LE(png.byteLength, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += png.byteLength;
  });
  return Buffer.concat([header, ...pngs.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))]);
}

/** Reads an ICO file back: each entry's stated size and its bytes. Throws on anything malformed. */
export function decodeIco(ico: Uint8Array): IcoImage[] {
  const buf = Buffer.from(ico.buffer, ico.byteOffset, ico.byteLength);
  if (buf.length < 6 || buf.readUInt16LE(0) !== 0 || buf.readUInt16LE(2) !== 1) throw new Error('ICO: bad header');
  const count = buf.readUInt16LE(4);
  if (count === 0 || buf.length < 6 + 16 * count) throw new Error('ICO: truncated directory');
  const images: IcoImage[] = [];
  for (let i = 0; i < count; i++) {
    const at = 6 + 16 * i;
    const width = buf.readUInt8(at) || 256;
    const height = buf.readUInt8(at + 1) || 256;
    if (width !== height) throw new Error(`ICO entry ${i}: ${width}x${height} is not square`);
    const length = buf.readUInt32LE(at + 8);
    const offset = buf.readUInt32LE(at + 12);
    if (offset < 6 + 16 * count || offset + length > buf.length) throw new Error(`ICO entry ${i}: data outside the file`);
    images.push({ size: width, png: buf.subarray(offset, offset + length) });
  }
  return images;
}

// ---------------------------------------------------------------- ICNS

/** ICNS element types holding a PNG, and the pixel size of each. */
export const ICNS_PNG_TYPES = {
  ic07: 128,
  ic08: 256,
  ic09: 512,
  ic10: 1024,
  ic11: 32,
  ic12: 64,
  ic13: 256,
  ic14: 512,
} as const;

export type IcnsPngType = keyof typeof ICNS_PNG_TYPES;

export interface IcnsElement {
  readonly type: string;
  readonly data: Uint8Array;
}

function isIcnsPngType(type: string): type is IcnsPngType {
  return Object.hasOwn(ICNS_PNG_TYPES, type);
}

/** An ICNS file of PNG elements; each PNG must have the size its type stands for. */
export function encodeIcns(elements: readonly { type: IcnsPngType; png: Uint8Array }[]): Buffer {
  if (elements.length === 0) throw new Error('ICNS: no images');
  const parts: Buffer[] = [];
  let total = 8;
  for (const { type, png } of elements) {
    const size = squarePng(png, `ICNS ${type}`);
    if (size !== ICNS_PNG_TYPES[type]) throw new Error(`ICNS ${type}: needs ${ICNS_PNG_TYPES[type]} pixels, got ${size}`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.byteLength, 4);
    parts.push(head, Buffer.from(png.buffer, png.byteOffset, png.byteLength));
    total += 8 + png.byteLength;
  }
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(total, 4);
  return Buffer.concat([head, ...parts]);
}

/** Reads an ICNS file back into its elements (of any type). Throws on anything malformed. */
export function decodeIcns(icns: Uint8Array): IcnsElement[] {
  const buf = Buffer.from(icns.buffer, icns.byteOffset, icns.byteLength);
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== 'icns') throw new Error('ICNS: bad magic');
  if (buf.readUInt32BE(4) !== buf.length) throw new Error(`ICNS: header says ${buf.readUInt32BE(4)} bytes, file has ${buf.length}`);
  const elements: IcnsElement[] = [];
  for (let at = 8; at < buf.length; ) {
    if (at + 8 > buf.length) throw new Error('ICNS: truncated element header');
    const type = buf.toString('latin1', at, at + 4);
    const length = buf.readUInt32BE(at + 4);
    if (length < 8 || at + length > buf.length) throw new Error(`ICNS ${type}: bad length ${length}`);
    elements.push({ type, data: buf.subarray(at + 8, at + length) });
    at += length;
  }
  return elements;
}

/** Checks that every PNG-type element of an ICNS holds a PNG of its type's size; returns the problems found. */
export function icnsProblems(elements: readonly IcnsElement[]): string[] {
  const problems: string[] = [];
  for (const { type, data } of elements) {
    if (!isIcnsPngType(type)) continue;
    const info = readPngInfo(data);
    if (!info) problems.push(`${type}: not a PNG`);
    else if (info.width !== ICNS_PNG_TYPES[type] || info.height !== ICNS_PNG_TYPES[type]) problems.push(`${type}: ${info.width}x${info.height}, expected ${ICNS_PNG_TYPES[type]}`);
  }
  return problems;
}
