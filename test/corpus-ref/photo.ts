// A photo file is one item: Locker makes one photo record of each picture file, whatever its metadata.
// exifreader (not exifr, which Locker uses) reads it: the item is unreadable only when exifreader does
// not recognise the bytes as a picture at all ("Invalid image format"). A picture without EXIF
// (MetadataMissingError) or with EXIF exifreader stumbles on is still a picture, so still readable.
// `camera()` is the make and model exifreader reads, written into each entry's notes.
import ExifReader from 'exifreader';
import type { ReferenceCounter } from './types.js';

type Loaded = { readonly tags?: Record<string, { description?: unknown; value?: unknown } | undefined>; readonly error?: Error };

function load(bytes: Buffer): Loaded {
  try {
    return { tags: ExifReader.load(bytes) as unknown as Record<string, { description?: unknown; value?: unknown } | undefined> };
  } catch (e) {
    return { error: e instanceof Error ? e : new Error(String(e)) };
  }
}

const text = (tag: { description?: unknown; value?: unknown } | undefined): string => {
  const d = tag?.description;
  if (typeof d === 'string') return d.trim();
  const v = tag?.value;
  return Array.isArray(v) && typeof v[0] === 'string' ? v[0].trim() : '';
};

/** The camera as exifreader reads it: `{ make, model }`, empty strings where the file names none. */
export function camera(bytes: Buffer): { make: string; model: string; error?: string } {
  const { tags, error } = load(bytes);
  return { make: text(tags?.['Make']), model: text(tags?.['Model']), ...(error && { error: `${error.name}: ${error.message}` }) };
}

export const counter: ReferenceCounter = {
  parser: 'exifreader@4.46.0',
  item: 'a picture file (one photo record each)',
  count(bytes) {
    const { error } = load(bytes);
    const notAPicture = error !== undefined && error.name !== 'MetadataMissingError' && /invalid image format/i.test(error.message);
    return { items: 1, unreadable: notAPicture ? 1 : 0, wholeFileRefused: false };
  },
};
