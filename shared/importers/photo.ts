import exifr from 'exifr';
import sharp from 'sharp';
import { binaryIri, iri, lit, namedNode, RecordBuilder, sha256Hex, stableId } from '../model/index.js';
import { makeBinary, sniffImage } from './media.js';
import { failed, ImportAbort, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

const S = (l: string) => iri('schema', l);

/**
 * A photo file (JPEG, PNG, HEIC, WebP) → a photo record: its bytes a binary
 * resource, with when it was taken (EXIF DateTimeOriginal, with its offset
 * when the camera wrote one; otherwise a local time without a zone, as the
 * camera knew it), the camera, the GPS position as a place, the dimensions,
 * and the thumbnail the camera embedded (JPEG and HEIC usually carry one).
 * The record's id is the digest of the bytes: the same photo from two folders
 * is one record.
 */
const FORMATS: Readonly<Record<string, string>> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/heic': 'HEIC', 'image/webp': 'WebP', 'image/gif': 'GIF' };

/** Pixel size from the file itself: PNG's IHDR, JPEG's start-of-frame. */
export function imageSize(b: Uint8Array): { width: number; height: number } | undefined {
  if (b.length > 24 && b[0] === 0x89 && b[1] === 0x50 && b[12] === 0x49 && b[13] === 0x48 && b[14] === 0x44 && b[15] === 0x52) {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return { width: v.getUint32(16), height: v.getUint32(20) };
  }
  if (b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1] ?? 0;
      const len = ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: ((b[i + 5] ?? 0) << 8) | (b[i + 6] ?? 0), width: ((b[i + 7] ?? 0) << 8) | (b[i + 8] ?? 0) };
      }
      if (marker === 0xd9 || marker === 0xda) return undefined;
      i += 2 + len;
    }
  }
  return undefined;
}

/** EXIF `2023:08:15 14:22:05` (+ `OffsetTimeOriginal` `+02:00`) → xsd:dateTime. */
export function exifDate(raw: unknown, offset: unknown): string | undefined {
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(typeof raw === 'string' ? raw : '');
  if (!m || m[1] === '0000') return undefined;
  const base = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  const off = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset.trim()) ? offset.trim() : '';
  return `${base}${off}`;
}

/** Pictures larger than this many pixels are not decoded for a thumbnail (a decompression bomb, or a panorama). */
const MAX_THUMBNAIL_INPUT_PIXELS = 100_000_000;

export async function makeThumbnail(bytes: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    const out = await sharp(bytes, { limitInputPixels: MAX_THUMBNAIL_INPUT_PIXELS, failOn: 'error', animated: false }).rotate().resize(256, 256, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 70, mozjpeg: true }).toBuffer();
    return new Uint8Array(out);
  } catch {
    // Not decodable here (HEVC HEIC, a broken file): the caller falls back to the camera's thumbnail, or none.
    return undefined;
  }
}

async function* photoItems(bytes: Uint8Array, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  const kind = sniffImage(bytes);
  if (!kind) throw new ImportAbort({ kind: 'unrecognised', message: 'not a picture Locker reads (JPEG, PNG, HEIC, WebP, GIF)' });
  if (bytes.byteLength > ctx.caps.maxBinaryBytes) throw new ImportAbort({ kind: 'too-large', message: `the picture is larger than the ${Math.round(ctx.caps.maxBinaryBytes / 1024 / 1024)} MB limit (LOCKER_MAX_BINARY_MB)` });
  let tags: Record<string, unknown> = {};
  let gps: { latitude?: number; longitude?: number } | undefined;
  let thumb: Uint8Array | undefined;
  try {
    tags = ((await exifr.parse(bytes, { tiff: true, exif: true, gps: true, ifd1: false, xmp: false, icc: false, iptc: false, reviveValues: false, translateValues: false, mergeOutput: true })) as Record<string, unknown> | undefined) ?? {};
    gps = (await exifr.gps(bytes)) as typeof gps;
    const t = await exifr.thumbnail(bytes);
    thumb = t ? new Uint8Array(t) : undefined;
  } catch {
    // Broken or missing metadata: the picture itself is still imported, with what its bytes tell.
    tags = {};
  }
  const image = makeBinary(bytes, kind.type, kind.ext);
  const b = new RecordBuilder('photo', stableId('photo', `photo\u0000${sha256Hex(bytes)}`));
  const title = ctx.fileName.replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'Photo';
  b.set(S('name'), lit.string(title.slice(0, 200)));
  const taken = exifDate(tags['DateTimeOriginal'] ?? tags['CreateDate'] ?? tags['DateTime'], tags['OffsetTimeOriginal'] ?? tags['OffsetTime']);
  if (taken) b.set(S('dateCreated'), lit.dateTime(taken));
  const caption = typeof tags['ImageDescription'] === 'string' ? tags['ImageDescription'].trim() : '';
  if (caption) b.set(S('description'), lit.string(caption.slice(0, 2000)));
  b.set(S('contentUrl'), namedNode(binaryIri(image.name)));
  b.set(S('encodingFormat'), lit.string(FORMATS[kind.type] ?? kind.type));
  const size = imageSize(bytes);
  const width = Number(tags['ExifImageWidth'] ?? tags['ImageWidth'] ?? size?.width);
  const height = Number(tags['ExifImageHeight'] ?? tags['ImageHeight'] ?? size?.height);
  if (Number.isInteger(width) && width > 0) b.set(S('width'), lit.integer(width));
  if (Number.isInteger(height) && height > 0) b.set(S('height'), lit.integer(height));
  // Some phones (HTC) write Make and Model into the EXIF IFD, where exifr leaves them under their tag numbers.
  const camera = [tags['Make'] ?? tags['271'], tags['Model'] ?? tags['272']].filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
  const model = camera.length === 2 && camera[1]?.startsWith(camera[0] ?? '') ? camera[1] : camera.join(' ');
  if (model) b.set(S('exifData'), lit.string(model.slice(0, 200)));
  const binaries = [image];
  // A thumbnail of our own (256 px, turned upright), or else the one the camera embedded (HEIC, which this decoder can't read).
  const made = await makeThumbnail(bytes);
  if (made) thumb = made;
  if (thumb && thumb.byteLength > 0 && thumb.byteLength < 256 * 1024 && sniffImage(thumb)?.type === 'image/jpeg') {
    const t = makeBinary(thumb, 'image/jpeg', 'jpg');
    binaries.push(t);
    b.set(S('thumbnailUrl'), namedNode(binaryIri(t.name)));
  }
  const lat = gps?.latitude;
  const lon = gps?.longitude;
  if (typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0)) {
    const place = b.node('place');
    b.set(S('contentLocation'), place);
    b.typeOf(place, S('Place'));
    const g = b.node('geo');
    b.add(place, S('geo'), g);
    b.typeOf(g, S('GeoCoordinates'));
    b.add(g, S('latitude'), lit.decimal(String(Math.round(lat * 1e6) / 1e6)));
    b.add(g, S('longitude'), lit.decimal(String(Math.round(lon * 1e6) / 1e6)));
  }
  yield { record: b.build(), binaries };
}

export const photoImporter: Importer = {
  id: 'photo',
  mediaType: 'image/*',
  parse(): ParseResult {
    return failed('unreadable', 'a picture is read from its bytes, not as text');
  },
  parseBytes(bytes: Uint8Array, ctx: ImportContext): ParseResult {
    return { kind: 'ok', parsed: { count: 1, items: photoItems(bytes, ctx) } };
  },
};
