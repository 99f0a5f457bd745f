// QIF: a transaction of a bank, cash, card, asset or liability section (`!Type:Bank`, `Cash`, `CCard`,
// `Oth A`, `Oth L`, `Invoice`) is one item, as qif2json returns it (Locker counts the same records;
// investment, category, class and memorized lists are not transactions). An item is unreadable when
// qif2json gives it no date or no numeric amount. qif2json reads the bytes itself (it detects a legacy
// encoding); when it refuses the file, each `^`-ended record of the file is parsed alone under its
// section's `!Type:` line, and wholeFileRefused is true.
import { createRequire } from 'node:module';
import type { Reference, ReferenceCounter } from './types.js';

interface QifTransaction {
  date?: string;
  amount?: number;
}
interface QifFile {
  type?: string;
  transactions: QifTransaction[];
}
interface Qif2json {
  parseInput(data: Buffer | string, options: Record<string, unknown>, done: (err: Error | null, data?: QifFile) => void): void;
  parse(text: string, options?: Record<string, unknown>): QifFile;
}
const require = createRequire(import.meta.url);
const qif2json = require('qif2json') as Qif2json;

const BANK = new Set(['bank', 'cash', 'ccard', 'oth a', 'oth l', 'invoice']);

const readable = (t: QifTransaction): boolean => t.date !== undefined && t.date !== '' && typeof t.amount === 'number' && Number.isFinite(t.amount);

function parseInput(bytes: Buffer): Promise<QifFile> {
  return new Promise((resolve, reject) => {
    try {
      qif2json.parseInput(bytes, {}, (err, data) => (err || !data ? reject(err ?? new Error('no data')) : resolve(data)));
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

function recordByRecord(text: string): Reference {
  let type: string | undefined;
  let record: string[] = [];
  let items = 0;
  let unreadable = 0;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.startsWith('!')) {
      const head = line.slice(1).trim().toLowerCase();
      if (head.startsWith('type:')) type = head.slice(5).trim();
      record = [];
      continue;
    }
    if (line.trim() === '') continue;
    if (line.startsWith('^')) {
      if (type && BANK.has(type) && record.some((l) => l.startsWith('D') || l.startsWith('T') || l.startsWith('U'))) {
        items += 1;
        try {
          const one = qif2json.parse(`!Type:${type}\n${record.join('\n')}\n^\n`);
          if (!one.transactions[0] || !readable(one.transactions[0])) unreadable += 1;
        } catch {
          unreadable += 1;
        }
      }
      record = [];
    } else record.push(line);
  }
  return { items, unreadable, wholeFileRefused: true };
}

export const counter: ReferenceCounter = {
  parser: 'qif2json@0.4.0',
  item: 'a transaction of a bank, cash or card section',
  async count(bytes) {
    let parsed: QifFile;
    try {
      parsed = await parseInput(bytes);
    } catch {
      return recordByRecord(bytes.toString('latin1'));
    }
    if (!BANK.has((parsed.type ?? '').toLowerCase())) return { items: 0, unreadable: 0, wholeFileRefused: false };
    return { items: parsed.transactions.length, unreadable: parsed.transactions.filter((t) => !readable(t)).length, wholeFileRefused: false };
  },
};
