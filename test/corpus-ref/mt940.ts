// MT940/MT942: a `:61:` statement line is one item (Locker counts the same). mt940js parses the whole file
// (every statement validated: required tags, one currency, opening balance + turnover = closing balance);
// when it refuses the file, each `:61:` field (with its supplementary-details lines) is read alone by
// mt940js's own tag class and is unreadable if that throws, and wholeFileRefused is true.
import { createRequire } from 'node:module';
import type { ReferenceCounter } from './types.js';

interface Mt940js {
  Parser: new () => { parse(text: string): Array<{ transactions: unknown[] }> };
}
interface Mt940Tags {
  TagFactory: new () => { createTag(id: string, subId: string, data: string): unknown };
}
const require = createRequire(import.meta.url);
const mt940 = require('mt940js') as Mt940js;
const tags = require('mt940js/lib/tags.js') as Mt940Tags;

/** The `:61:` fields: the text after `:61:` up to the next `:NN:` tag line or a `-` line. */
function statementLines(text: string): string[] {
  const out: string[] = [];
  let current: string[] | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (/^:[0-9A-Z]{2,3}:/.test(line) || line.trim() === '-' || line.startsWith('-}')) {
      if (current) out.push(current.join('\n'));
      current = line.startsWith(':61:') ? [line.slice(4)] : undefined;
    } else if (current) current.push(line);
  }
  if (current) out.push(current.join('\n'));
  return out;
}

export const counter: ReferenceCounter = {
  parser: 'mt940js@1.3.5',
  item: 'a :61: statement line',
  count(bytes) {
    // MT940 is ASCII or Latin-1 as banks write it; the item count does not depend on the letters.
    const text = bytes.toString('latin1');
    try {
      const statements = new mt940.Parser().parse(text);
      return { items: statements.reduce((n, s) => n + s.transactions.length, 0), unreadable: 0, wholeFileRefused: false };
    } catch {
      const lines = statementLines(text);
      const factory = new tags.TagFactory();
      let unreadable = 0;
      for (const data of lines) {
        try {
          factory.createTag('61', '', data);
        } catch {
          unreadable += 1;
        }
      }
      return { items: lines.length, unreadable, wholeFileRefused: true };
    }
  },
};
