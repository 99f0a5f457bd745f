// .vcf: the BEGIN:VCARD…END:VCARD blocks of the file, each parsed alone with ICAL.parse (one bad card
// makes ical.js refuse a whole file); a block whose parse throws, or that is not a VCARD, is unreadable.
// wholeFileRefused says whether ICAL.parse refuses the file as a whole.
import { blocks, parses } from './ical.js';
import { decodeUtf8, type ReferenceCounter } from './types.js';

export const counter: ReferenceCounter = {
  parser: 'ical.js@2.2.1',
  item: 'a BEGIN:VCARD…END:VCARD block',
  count(bytes) {
    const text = decodeUtf8(bytes);
    const cards = blocks(text, 'VCARD');
    let unreadable = 0;
    for (const card of cards) {
      const roots = parses(card);
      if (roots === null || roots.length !== 1 || roots[0]?.[0] !== 'vcard') unreadable += 1;
    }
    return { items: cards.length, unreadable, wholeFileRefused: parses(text) === null };
  },
};
