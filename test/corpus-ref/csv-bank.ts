// Bank and card statements as CSV, read with papaparse (Locker reads CSV with csv-parse): the first
// row is the header, and every later row with at least one non-blank cell is one item (one transaction
// row), whatever the bank. Which column holds what is found from the header alone, not from Locker's
// presets: the date is the first column whose name says date (date, datum, buchungstag, created), the
// amount the first that says amount (amount, betrag, bedrag), else a debit and/or credit column.
// A row is unreadable when its date is none of the forms banks write (YYYY-MM-DD or YYYY/MM/DD,
// D.M.YY(YY), M/D/YY(YY) or D/M/YY(YY), each with an optional time after it, and a real calendar day),
// or when it has no amount that reads as a number (a sign, currency signs, thousands separators and a
// decimal point or comma allowed). papaparse finds the delimiter and the line ends (CR, LF or CRLF);
// the bytes are read as UTF-8, which no header name depends on here.
import Papa from 'papaparse';
import { decodeUtf8, type Reference, type ReferenceCounter } from './types.js';

const DATE_COLUMN = /\b(date|datum)\b|buchungstag|^created$/i;
const AMOUNT_COLUMN = /\b(amount|betrag|bedrag)\b/i;
const DEBIT_COLUMN = /\b(debit|withdrawal|soll|belastung)\b/i;
const CREDIT_COLUMN = /\b(credit|deposit|haben|gutschrift)\b/i;

const realDay = (y: number, m: number, d: number): boolean => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};
const year = (s: string): number => (s.length === 2 ? 2000 + Number(s) : Number(s));

export function readableDate(raw: string): boolean {
  const s = raw.trim().replace(/(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:[AP]M)?\s*(?:Z|[+-]\d{2}:?\d{2})?)$/i, '');
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(s);
  if (m) return realDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/.exec(s);
  if (m) return realDay(year(m[3] as string), Number(m[2]), Number(m[1]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(s);
  if (m) return realDay(year(m[3] as string), Number(m[1]), Number(m[2])) || realDay(year(m[3] as string), Number(m[2]), Number(m[1]));
  return false;
}

export function readableAmount(raw: string): boolean {
  const s = raw.trim().replace(/^[+]/, '').replace(/[$€£¥]|\b(EUR|USD|GBP|CHF)\b/g, '').replace(/\s+/g, '');
  return /^[-(]?(\d{1,3}([.,'’]\d{3})+|\d+)([.,]\d+)?\)?$/.test(s);
}

export const counter: ReferenceCounter = {
  parser: 'papaparse@5.5.3',
  item: 'a data row of a bank statement CSV (a transaction)',
  count(bytes): Reference {
    const parsed = Papa.parse<string[]>(decodeUtf8(bytes), { skipEmptyLines: 'greedy' });
    const [header = [], ...rows] = parsed.data;
    const names = header.map((h) => h.trim());
    const find = (re: RegExp) => names.findIndex((n) => re.test(n));
    const date = find(DATE_COLUMN);
    const amount = find(AMOUNT_COLUMN);
    const debit = find(DEBIT_COLUMN);
    const credit = find(CREDIT_COLUMN);
    const cell = (row: string[], i: number) => (i >= 0 ? (row[i] ?? '').trim() : '');
    let items = 0;
    let unreadable = 0;
    for (const row of rows) {
      if (row.every((c) => c.trim() === '')) continue;
      items += 1;
      const money = amount >= 0 ? [cell(row, amount)] : [cell(row, debit), cell(row, credit)].filter((c) => c !== '');
      const ok = date >= 0 && readableDate(cell(row, date)) && money.length > 0 && money.every(readableAmount);
      if (!ok) unreadable += 1;
    }
    return { items, unreadable, wholeFileRefused: false };
  },
};
