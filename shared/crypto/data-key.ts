import { randomBytes } from 'node:crypto';

export const DATA_KEY_BYTES = 32;

/**
 * The locker's data key: 32 random bytes that encrypt the database (and
 * everything in it: records, binaries, sync bases, tokens). Held in one
 * Buffer that `wipe()` overwrites with zeros. JavaScript cannot promise more
 * than that: strings made from it (the hex handed to SQLite) are immutable
 * and live until the garbage collector frees them, so they are made only at
 * the moment of use.
 */
export class DataKey {
  private readonly bytes: Buffer;
  private wiped = false;

  private constructor(bytes: Buffer) {
    this.bytes = bytes;
  }

  static generate(): DataKey {
    return new DataKey(randomBytes(DATA_KEY_BYTES));
  }

  /** Takes ownership of `bytes` (the caller must not keep using them). */
  static adopt(bytes: Buffer): DataKey {
    if (bytes.length !== DATA_KEY_BYTES) throw new Error(`a data key has ${DATA_KEY_BYTES} bytes, not ${bytes.length}`);
    return new DataKey(bytes);
  }

  static fromHex(hex: string): DataKey | undefined {
    if (!/^[0-9a-f]{64}$/i.test(hex)) return undefined;
    return new DataKey(Buffer.from(hex, 'hex'));
  }

  get isWiped(): boolean {
    return this.wiped;
  }

  /** A copy of the key bytes, for wrapping. The caller wipes it. */
  copyBytes(): Buffer {
    this.check();
    return Buffer.from(this.bytes);
  }

  hex(): string {
    this.check();
    return this.bytes.toString('hex');
  }

  /** Overwrites the key with zeros; any later use throws. */
  wipe(): void {
    this.bytes.fill(0);
    this.wiped = true;
  }

  private check(): void {
    if (this.wiped) throw new Error('the data key was wiped (the locker is locked)');
  }
}
