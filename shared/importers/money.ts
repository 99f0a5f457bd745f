import { iri, lit, RecordBuilder, stableId, type LockerRecord } from '../model/index.js';
import { ImportAbort, rawText, type ImportFailure, type ItemSource, type ParsedItem } from './types.js';

const S = (l: string) => iri('schema', l);
const LK = (l: string) => iri('lk', l);

/** One line of a bank or card statement, whatever the format it came from. */
export interface Transaction {
  /** `YYYY-MM-DD`, or a full ISO date-time with offset when the source has one. */
  readonly date: string;
  /** Signed decimal as the statement gives it: negative is money out. Always `.` as decimal point. */
  readonly amount: string;
  /** ISO 4217, upper case. */
  readonly currency: string;
  readonly payee?: string | undefined;
  readonly memo?: string | undefined;
  /** The bank's id for the transaction (OFX FITID, MT940 reference, a cheque number). */
  readonly reference?: string | undefined;
  readonly account?: string | undefined;
  readonly category?: string | undefined;
  /** True when the file does not say its currency and `currency` is the locker's default (QIF): kept on the record as `lk:currencyAssumed`. */
  readonly currencyAssumed?: boolean | undefined;
}

/** The refusal when a statement needs a currency and the locker has none: callers offer a way to set it by this code. */
export const NEEDS_CURRENCY: ImportFailure = {
  kind: 'invalid',
  code: 'needs-currency',
  message: 'QIF files do not say their currency, and this locker has no default currency yet',
};

const CURRENCY = /^[A-Z]{3}$/;

/**
 * A statement line as a purchase record (schema:Order; the amount a
 * PriceSpecification, the payee a seller). `key` makes the id stable: the
 * bank's own id where there is one, else the line's content plus how many
 * identical lines came before it in the same file.
 */
export function transactionRecord(tx: Transaction, key: string): LockerRecord {
  if (!CURRENCY.test(tx.currency)) throw new ImportAbort({ kind: 'invalid', message: `"${tx.currency.slice(0, 10)}" is not a currency code (like EUR or USD)` });
  const b = new RecordBuilder('purchase', stableId('purchase', key));
  const payee = clean(tx.payee);
  const memo = clean(tx.memo);
  b.set(S('name'), lit.string(payee ?? memo ?? (tx.amount.startsWith('-') ? 'Payment' : 'Deposit')));
  b.set(S('orderDate'), tx.date.length === 10 ? lit.date(tx.date) : lit.dateTime(tx.date));
  if (memo && memo !== payee) b.set(S('description'), lit.string(memo));
  if (tx.reference) b.set(S('orderNumber'), lit.string(tx.reference.slice(0, 200)));
  if (payee) {
    const seller = b.node('seller');
    b.set(S('seller'), seller);
    b.typeOf(seller, S('Organization'));
    b.add(seller, S('name'), lit.string(payee));
  }
  const price = b.node('price');
  b.set(S('totalPaymentDue'), price);
  b.typeOf(price, S('PriceSpecification'));
  b.add(price, S('price'), lit.decimal(tx.amount));
  b.add(price, S('priceCurrency'), lit.string(tx.currency));
  if (tx.currencyAssumed) b.add(price, LK('currencyAssumed'), lit.boolean(true));
  if (tx.category) b.set(LK('tag'), lit.string(tx.category.slice(0, 200)));
  return b.build();
}

/**
 * One statement line as an item of its file: its record, or — when it can't be
 * one (a currency that is no ISO code) — skipped with its line and text, so the
 * rest of the statement is still read.
 */
export function transactionItem(tx: Transaction, key: string, at: ItemSource): ParsedItem {
  try {
    return { record: transactionRecord(tx, key), source: { ...at, raw: rawText(at.raw) } };
  } catch (e) {
    if (e instanceof ImportAbort && e.failure.kind === 'invalid') return skippedItem(at, e.failure.message);
    throw e;
  }
}

/** An item that can't be read: its line, why, and its text (capped). */
export function skippedItem(at: ItemSource, reason: string): ParsedItem {
  return { skipped: { ...(at.line !== undefined && { line: at.line }), raw: rawText(at.raw.trim() || '(empty)'), reason } };
}

function clean(s: string | undefined): string | undefined {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t.slice(0, 500) : undefined;
}

/** Counts repeats so that two identical lines in one statement (two coffees, same day) stay two records. */
export class Occurrences {
  private readonly seen = new Map<string, number>();
  key(base: string): string {
    const n = (this.seen.get(base) ?? 0) + 1;
    this.seen.set(base, n);
    return n === 1 ? base : `${base}\u0000#${n}`;
  }
}

/**
 * A money amount as written in a statement — `1,234.56`, `1.234,56`,
 * `-12,5`, `(12.50)`, `12.50-`, `1 234,56 €` — as a plain signed decimal
 * (`-1234.56`). `decimal` says which mark separates the cents when the text
 * alone can't tell (`1,234` could be either).
 */
export function parseAmount(text: string, decimal: '.' | ',' | 'auto' = 'auto'): string | undefined {
  let s = text.replace(/[\s\u00a0\u202f']/g, '').replace(/[A-Z]{3}$|^[A-Z]{3}|[€$£¥₹]/g, '');
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (s.endsWith('-')) {
    negative = !negative;
    s = s.slice(0, -1);
  }
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  } else if (s.startsWith('+')) s = s.slice(1);
  if (!/^[0-9][0-9.,]*$/.test(s)) return undefined;
  let mark = decimal;
  if (mark === 'auto') {
    const dots = s.split('.').length - 1;
    const commas = s.split(',').length - 1;
    if (dots && commas) mark = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    else if (commas === 1) mark = /,\d{3}$/.test(s) ? '.' : ','; // 1,234 reads as thousands; 12,5 and 12,50 as cents
    else if (commas > 1) mark = '.';
    else if (dots > 1) mark = ',';
    else mark = '.';
  }
  const thousands = mark === '.' ? ',' : '.';
  const parts = s.split(thousands).join('').split(mark);
  if (parts.length > 2) return undefined;
  const [int = '0', frac] = parts;
  if (!/^\d+$/.test(int) || (frac !== undefined && !/^\d*$/.test(frac))) return undefined;
  const intPart = int.replace(/^0+(?=\d)/, '');
  const value = frac ? `${intPart}.${frac}` : intPart;
  return negative && /[1-9]/.test(value) ? `-${value}` : value;
}

/** `YYYY-MM-DD` when the parts make a real date. */
export function isoDate(y: number, m: number, d: number): string | undefined {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200) return undefined;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Two-digit years: 00–49 are 20xx, 50–99 are 19xx. */
export function fullYear(y: number): number {
  return y >= 100 ? y : y < 50 ? 2000 + y : 1900 + y;
}
