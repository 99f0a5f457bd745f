// .vcf: the BEGIN:VCARD…END:VCARD blocks of the file (see blocks() in ical.ts), each read alone by the
// `vcf` package (the lenient reader issue 17 names: it reads vCard 2.1's bare parameters and
// QUOTED-PRINTABLE values, which ical.js refuses). vcf splits lines at CRLF only, so LF line ends
// are given to it as CRLF first. A block vcf throws on, or reads as no card, is unreadable.
// wholeFileRefused says whether vcf refuses the file as a whole (one bad card, or text outside
// the cards, makes it refuse all of them).
import vCard from 'vcf';
import { blocks } from './ical.js';
import { decodeUtf8, type ReferenceCounter } from './types.js';

function reads(text: string): number | null {
  try {
    return vCard.parse(text).length;
  } catch {
    return null;
  }
}

export const counter: ReferenceCounter = {
  parser: 'vcf@2.1.2',
  item: 'a BEGIN:VCARD…END:VCARD block',
  count(bytes) {
    const text = decodeUtf8(bytes).replace(/\r?\n/g, '\r\n');
    const cards = blocks(text, 'VCARD');
    const unreadable = cards.filter((card) => (reads(card) ?? 0) < 1).length;
    return { items: cards.length, unreadable, wholeFileRefused: reads(text) === null };
  },
};
