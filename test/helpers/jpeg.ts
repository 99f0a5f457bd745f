/** Builds JPEG files with real EXIF (TIFF IFDs: camera, dates, GPS, an embedded thumbnail) for tests. */
type Value = { readonly type: 'ascii'; readonly text: string } | { readonly type: 'short'; readonly n: number } | { readonly type: 'long'; readonly n: number } | { readonly type: 'rational'; readonly parts: ReadonlyArray<[number, number]> } | { readonly type: 'ifd'; readonly entries: ReadonlyMap<number, Value> };

const TYPE = { ascii: 2, short: 3, long: 4, rational: 5, ifd: 4 } as const;

/** Lays out IFDs (little endian) from `at` onwards; returns bytes relative to the TIFF start. */
function writeIfd(entries: ReadonlyMap<number, Value>, at: number, out: number[], extra: { thumb?: Uint8Array }): void {
  const sorted = [...entries].sort(([a], [b]) => a - b);
  const u16 = (v: number, pos?: number) => (pos === undefined ? out.push(v & 0xff, (v >> 8) & 0xff) : ((out[pos] = v & 0xff), (out[pos + 1] = (v >> 8) & 0xff)));
  const u32 = (v: number, pos?: number) => {
    const b = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
    if (pos === undefined) out.push(...b);
    else b.forEach((x, i) => (out[pos + i] = x));
  };
  while (out.length < at) out.push(0);
  u16(sorted.length);
  const slots: Array<{ pos: number; tag: number; value: Value }> = [];
  for (const [tag, value] of sorted) {
    u16(tag);
    u16(TYPE[value.type]);
    const count = value.type === 'ascii' ? value.text.length + 1 : value.type === 'rational' ? value.parts.length : 1;
    u32(count);
    slots.push({ pos: out.length, tag, value });
    u32(0);
  }
  u32(0); // no next IFD
  for (const { pos, tag, value } of slots) {
    if (value.type === 'short' || value.type === 'long') {
      if (value.type === 'short') u16(value.n, pos);
      else u32(tag === 0x0201 && extra.thumb ? out.length : value.n, pos);
    }
    else if (value.type === 'ascii') {
      const bytes = [...Buffer.from(value.text, 'latin1'), 0];
      if (bytes.length <= 4) bytes.forEach((b, i) => (out[pos + i] = b));
      else {
        u32(out.length, pos);
        out.push(...bytes);
      }
    } else if (value.type === 'rational') {
      u32(out.length, pos);
      for (const [a, b] of value.parts) {
        u32(a);
        u32(b);
      }
    } else {
      u32(out.length, pos);
      writeIfd(value.entries, out.length, out, extra);
    }
  }
}

export interface ExifInput {
  readonly make?: string;
  readonly model?: string;
  readonly description?: string;
  readonly taken?: string; // 'YYYY:MM:DD HH:MM:SS'
  readonly offset?: string; // '+02:00'
  readonly gps?: { lat: number; lon: number };
  readonly width: number;
  readonly height: number;
  readonly thumbnail?: Uint8Array;
}

const dms = (v: number): Array<[number, number]> => {
  const a = Math.abs(v);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 10000);
  return [
    [d, 1],
    [m, 1],
    [s, 10000],
  ];
};

/** A small but well-formed JPEG: SOI, APP1 Exif, SOF0 with the size, a comment, EOI. */
export function jpegWithExif(x: ExifInput): Buffer {
  const ifd0 = new Map<number, Value>();
  if (x.description) ifd0.set(0x010e, { type: 'ascii', text: x.description });
  if (x.make) ifd0.set(0x010f, { type: 'ascii', text: x.make });
  if (x.model) ifd0.set(0x0110, { type: 'ascii', text: x.model });
  const exif = new Map<number, Value>();
  if (x.taken) exif.set(0x9003, { type: 'ascii', text: x.taken });
  if (x.offset) exif.set(0x9011, { type: 'ascii', text: x.offset });
  exif.set(0xa002, { type: 'long', n: x.width });
  exif.set(0xa003, { type: 'long', n: x.height });
  ifd0.set(0x8769, { type: 'ifd', entries: exif });
  if (x.gps) {
    const g = new Map<number, Value>([
      [0x0001, { type: 'ascii', text: x.gps.lat >= 0 ? 'N' : 'S' }],
      [0x0002, { type: 'rational', parts: dms(x.gps.lat) }],
      [0x0003, { type: 'ascii', text: x.gps.lon >= 0 ? 'E' : 'W' }],
      [0x0004, { type: 'rational', parts: dms(x.gps.lon) }],
    ]);
    ifd0.set(0x8825, { type: 'ifd', entries: g });
  }
  const tiff: number[] = [0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0];
  writeIfd(ifd0, 8, tiff, {});
  if (x.thumbnail) {
    // IFD1 (the thumbnail): link it from IFD0's "next IFD" pointer.
    const ifd0Count = tiff[8] ?? 0;
    const nextPos = 8 + 2 + ifd0Count * 12;
    const ifd1At = tiff.length + (tiff.length % 2);
    const thumbAt = ifd1At + 2 + 2 * 12 + 4;
    tiff[nextPos] = ifd1At & 0xff;
    tiff[nextPos + 1] = (ifd1At >> 8) & 0xff;
    writeIfd(
      new Map<number, Value>([
        [0x0201, { type: 'long', n: thumbAt }],
        [0x0202, { type: 'long', n: x.thumbnail.length }],
      ]),
      ifd1At,
      tiff,
      {},
    );
    tiff.push(...x.thumbnail);
  }
  const exifPayload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from(tiff)]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (exifPayload.length + 2) >> 8, (exifPayload.length + 2) & 0xff]), exifPayload]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, x.height >> 8, x.height & 0xff, x.width >> 8, x.width & 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, sof, Buffer.from([0xff, 0xd9])]);
}

/** A tiny JPEG (for thumbnails). */
export function tinyJpeg(): Buffer {
  return Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xd9]);
}
