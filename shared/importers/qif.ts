import { fullYear, isoDate, NEEDS_CURRENCY, Occurrences, parseAmount, skippedItem, transactionItem, type Transaction } from './money.js';
import { checkDeadline, failed, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

/**
 * Quicken Interchange Format: `!Type:Bank` (Cash, CCard, Oth A, Oth L)
 * sections of records ended by `^`, one field per line by its first letter
 * (D date, T/U amount, P payee, M memo, N number, L category). Investment,
 * category and class lists are skipped. QIF says neither its currency nor
 * its date order: the date order is inferred from the whole file (a first
 * part over 12 means day first); when nothing tells, `importOptions.qifDateOrder`
 * decides (month first, as Quicken US writes, by default). The currency is
 * the locker's default (`locker config currency EUR`, kept in config.json as
 * `importOptions.currency`; LOCKER_CURRENCY or `import --currency` override
 * it), and every record says it was assumed (`lk:currencyAssumed`). With no
 * default at all the file is refused with the code `needs-currency`.
 * A transaction without a readable date or amount is skipped on its own.
 */

const BANK_TYPES = new Set(['bank', 'cash', 'ccard', 'oth a', 'oth l', 'invoice']);

interface RawDate {
  readonly a: number;
  readonly b: number;
  readonly y: number;
  readonly iso?: string;
}

/** `12/31/2019`, `31.12.19`, `1/ 2'05` (apostrophe: 2000s), `2019-12-31`. */
function splitDate(text: string): RawDate | undefined {
  const t = text.replace(/\s+/g, '');
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (iso) {
    const d = isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    return d ? { a: 0, b: 0, y: 0, iso: d } : undefined;
  }
  const m = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-]|')(\d{2}|\d{4})$/.exec(t);
  if (!m) return undefined;
  const apostrophe = t.includes("'");
  const yy = Number(m[3]);
  const y = m[3]?.length === 4 ? yy : apostrophe ? 2000 + yy : fullYear(yy);
  return { a: Number(m[1]), b: Number(m[2]), y };
}

export const qifImporter: Importer = {
  id: 'qif',
  mediaType: 'application/qif',
  parse(text: string, ctx: ImportContext): ParseResult {
    const currency = ctx.options?.currency?.toUpperCase();
    const lines = text.split(/\r\n|\r|\n/);
    type Raw = { date?: string; amount?: string; payee?: string; memo?: string; number?: string; category?: string; line: number; text: string[]; account?: string | undefined };
    const raws: Raw[] = [];
    let section: string | undefined;
    let current: Raw = { line: 1, text: [] };
    let account: string | undefined;
    let inAccount = false;
    for (let i = 0; i < lines.length; i++) {
      if (i % 5000 === 0) checkDeadline(ctx);
      const line = (lines[i] ?? '').replace(/^\uFEFF/, '');
      if (line.trim() === '') continue;
      if (line.startsWith('!')) {
        const head = line.slice(1).trim().toLowerCase();
        if (head.startsWith('type:')) section = head.slice(5).trim();
        else if (head === 'account') inAccount = true;
        else if (head.startsWith('option') || head.startsWith('clear')) continue;
        else section = head;
        current = { line: i + 2, text: [] };
        continue;
      }
      const code = line[0];
      const value = line.slice(1).trim();
      if (inAccount) {
        if (code === 'N') account = value;
        if (code === '^') inAccount = false;
        continue;
      }
      if (!section || !BANK_TYPES.has(section)) continue; // lists, investments, memorized items
      if (current.text.length === 0) current.line = i + 1;
      if (current.text.length < 40) current.text.push(line);
      switch (code) {
        case 'D':
          current.date = value;
          break;
        case 'T':
        case 'U':
          current.amount ??= value;
          break;
        case 'P':
          current.payee = value;
          break;
        case 'M':
          current.memo = value;
          break;
        case 'N':
          current.number = value;
          break;
        case 'L':
          current.category = value.replace(/^\[|\]$/g, '');
          break;
        case '^':
          if (current.date !== undefined || current.amount !== undefined) raws.push({ ...current, account });
          current = { line: i + 2, text: [] };
          break;
        default:
          break; // splits (S, E, $), addresses (A), cleared status (C): not kept
      }
      if (raws.length > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} transactions in one file`);
    }
    if (current.date !== undefined || current.amount !== undefined) raws.push({ ...current, account }); // last record without its ^
    if (raws.length === 0) return failed('invalid', 'this QIF file holds no bank, cash or card transactions');
    if (!currency) return { kind: 'failed', failure: NEEDS_CURRENCY };

    // Date order for the whole file, from the evidence.
    const dates = raws.map((r) => (r.date ? splitDate(r.date) : undefined));
    let order: 'mdy' | 'dmy' | undefined;
    for (const d of dates) {
      if (!d || d.iso) continue;
      if (d.a > 12 && d.b <= 12) order = order === 'mdy' ? undefined : 'dmy';
      else if (d.b > 12 && d.a <= 12) order = order === 'dmy' ? undefined : 'mdy';
    }
    const mixed = dates.some((d) => d && !d.iso && d.a > 12 && d.b <= 12) && dates.some((d) => d && !d.iso && d.b > 12 && d.a <= 12);
    if (mixed) return failed('invalid', 'the dates in this QIF file mix day-first and month-first orders');
    order ??= ctx.options?.qifDateOrder ?? 'mdy';

    const items: ParsedItem[] = [];
    const occ = new Occurrences();
    for (let k = 0; k < raws.length; k++) {
      const r = raws[k] as Raw;
      const d = dates[k];
      const at = { line: r.line, raw: r.text.join('\n') };
      const date = d?.iso ?? (d ? (order === 'dmy' ? isoDate(d.y, d.b, d.a) : isoDate(d.y, d.a, d.b)) : undefined);
      if (!date) {
        items.push(skippedItem(at, r.date === undefined ? 'a transaction without a date (D line)' : `no readable date (${JSON.stringify(r.date.slice(0, 20))})`));
        continue;
      }
      const amount = r.amount !== undefined ? parseAmount(r.amount) : undefined;
      if (amount === undefined) {
        items.push(skippedItem(at, r.amount === undefined ? 'a transaction without an amount (T line)' : `no readable amount (${JSON.stringify(r.amount.slice(0, 20))})`));
        continue;
      }
      const tx: Transaction = { date, amount, currency, currencyAssumed: true, payee: r.payee, memo: r.memo, reference: r.number, account: r.account, category: r.category };
      items.push(transactionItem(tx, occ.key(`qif\u0000${r.account ?? ''}\u0000${date}\u0000${amount}\u0000${r.payee ?? ''}\u0000${r.memo ?? ''}\u0000${r.number ?? ''}\u0000${r.category ?? ''}`), at));
    }
    return { kind: 'ok', parsed: { count: items.length, items } };
  },
};

