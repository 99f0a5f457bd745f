import { createHash } from 'node:crypto';
import type { RecordType } from './types.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32 (lower case, no padding) of the first `chars * 5` bits. */
function base32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= chars) break;
  }
  return out;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A record id that stays the same when the same item is imported again:
 * derived from the record type and a natural key (an iCalendar/vCard UID, or a
 * digest of the content when the source has no UID). 20 base32 chars = 100 bits.
 */
export function stableId(type: RecordType, naturalKey: string): string {
  const digest = createHash('sha256').update(`${type}\u0000${naturalKey}`).digest();
  return base32(digest, 20);
}

/** A fresh id for records a person creates by hand. */
export function randomId(): string {
  return base32(crypto.getRandomValues(new Uint8Array(16)), 20);
}
