/**
 * One reference counter per corpus format (the folder name under test/corpus/ is the format). Add a
 * format by adding its counter here; test/corpus-counts.ts and test/corpus.test.ts pick it up.
 */
import { icalCounter } from './ical.js';
import type { ReferenceCounter } from './types.js';
import { vcardCounter } from './vcard.js';

export const COUNTERS: Readonly<Record<string, ReferenceCounter>> = {
  ical: icalCounter,
  vcard: vcardCounter,
};

export type { Reference, ReferenceCounter } from './types.js';
