/**
 * A reference counter: an independent reader (a published parser, never Locker's importer code) that
 * says how many items a corpus file holds and how many of them it cannot read. test/corpus-counts.ts
 * runs one per format and stores the result in test/corpus/manifest.json; test/corpus.test.ts holds
 * Locker's import of the same file to it.
 */
export interface Reference {
  /** Items the reader finds (events, cards, transactions, track points…, as the format's counter says). */
  items: number;
  /** Of those, the ones it cannot read (a bad date, a missing required field). */
  unreadable: number;
  /** True when the reader refuses the file as a whole and the items were counted block by block instead. */
  wholeFileRefused: boolean;
}

export interface ReferenceCounter {
  /** The reader and its exact version, e.g. `ical.js@2.2.1`. */
  readonly parser: string;
  /** What one item is, in a few words ("a VEVENT directly under a VCALENDAR"). */
  readonly item: string;
  count(bytes: Buffer, file: string): Reference | Promise<Reference>;
}

/** Text as a reader that assumes UTF-8 sees it: invalid bytes become U+FFFD, a BOM is dropped. */
export function decodeUtf8(bytes: Buffer): string {
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
}
