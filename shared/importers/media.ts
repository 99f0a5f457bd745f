import { sha256Hex } from '../model/index.js';
import type { BinaryWrite } from '../model/index.js';

const SIGNATURES: Array<{ type: string; ext: string; test: (b: Uint8Array) => boolean }> = [
  { type: 'image/jpeg', ext: 'jpg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/png', ext: 'png', test: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
  { type: 'image/gif', ext: 'gif', test: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 },
  { type: 'image/webp', ext: 'webp', test: (b) => b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50 },
  { type: 'image/heic', ext: 'heic', test: (b) => b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70 && b[8] === 0x68 && b[9] === 0x65 && b[10] === 0x69 },
];

/** Media type from the bytes themselves (magic numbers), never from what the file claims. */
export function sniffImage(bytes: Uint8Array): { type: string; ext: string } | undefined {
  const hit = SIGNATURES.find((s) => s.test(bytes));
  return hit && { type: hit.type, ext: hit.ext };
}

/** A binary resource named by its digest, so the same bytes are stored once. */
export function makeBinary(bytes: Uint8Array, mediaType: string, ext: string): BinaryWrite {
  const sha256 = sha256Hex(bytes);
  return { name: `${sha256.slice(0, 32)}.${ext}`, mediaType, sha256, bytes };
}

/** Strict base64 decoding (standard or URL alphabet, whitespace ignored); undefined when it isn't base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) return undefined;
  return new Uint8Array(Buffer.from(clean.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}
