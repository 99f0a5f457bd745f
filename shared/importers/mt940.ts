import { fullYear, isoDate, Occurrences, parseAmount, skippedItem, transactionItem, type Transaction } from './money.js';
import { checkDeadline, failed, type ImportContext, type Importer, type ItemSource, type ParsedItem, type ParseResult } from './types.js';

/**
 * SWIFT MT940 customer statements (and MT942 interim reports), as German,
 * Dutch, Polish and many other banks export them: `:25:` account,
 * `:60F:`/`:60M:` opening balance (its currency applies to the statement;
 * `:62F:` or MT942's `:34F:` when there is none), `:61:` statement lines,
 * `:86:` information to the account owner.
 *
 * A `:61:` line is `YYMMDD[MMDD](C|D|RC|RD)[funds code]amount[N|F|S]type
 * reference[//bank reference]` with supplementary details on the next line;
 * banks write the amount with a comma (`500,00`, `500,`) or without one
 * (`500`), the reference as `NONREF`, a number or free text
 * (`29-07-2014 10:05`). `RC` (a reversed credit) is money out, `RD` money in.
 * A `:61:` that can't be read is skipped on its own (its line, why, its text).
 *
 * `:86:` comes in the structures of several banks: German `?20`…`?29` purpose
 * and `?32`/`?33` name subfields (also with `~` as the mark), Dutch
 * `/NAME/…/REMI/…` or `/CNTP/iban/bic/name/city/` codes, or free text.
 */
interface Field {
  readonly tag: string;
  readonly value: string;
  /** 1-based line where the field starts. */
  readonly line: number;
}

const MAX_FIELD_LINES = 200;

function fields(text: string): Field[] {
  const out: Field[] = [];
  let current: { tag: string; lines: string[]; line: number } | undefined;
  const close = () => {
    if (current) out.push({ tag: current.tag, value: current.lines.join('\n'), line: current.line });
    current = undefined;
  };
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/^\uFEFF/, '').replace(/^(\{[0-9A-Z]:[^}]*\})+/g, '');
    const m = /^:(\d{2}[A-Z]?|NS):(.*)$/.exec(line);
    if (m) {
      close();
      current = { tag: m[1] ?? '', lines: [m[2] ?? ''], line: i + 1 };
    } else if (line.trim() === '-' || line.startsWith('-}') || line.trim() === '}') {
      close();
      out.push({ tag: 'END', value: '', line: i + 1 });
    } else if (current && current.lines.length < MAX_FIELD_LINES) current.lines.push(line);
  }
  close();
  return out;
}

interface Details {
  readonly payee?: string | undefined;
  readonly memo?: string | undefined;
}

const DUTCH_CODES = 'TRTP|TRCD|IBAN|BIC|NAME|REMI|EREF|CSID|MARF|ORDP|BENM|ID|ADDR|CNTP|PREF|RTRN|SVCL|ULTD|ULTC|ULTB|PURP|BUSP|CDTRREF|CDTRREFTP|ISDT|OCMT|ACCW|CHGS|EXCH';

/** `:86:` text as payee and memo, by the structure it has. */
export function details(text: string): Details {
  const flat = text.replace(/\n/g, '');
  // German (and Polish, with ~): a three-digit business code, then ?NN subfields.
  const german = /^\s*(\d{3})?([?~])\d{2}/.exec(flat);
  if (german) {
    const mark = german[2] ?? '?';
    const sub = new Map<string, string[]>();
    const re = mark === '?' ? /\?(\d{2})([^?]*)/g : /~(\d{2})([^~]*)/g;
    for (const m of flat.matchAll(re)) {
      const k = m[1] ?? '';
      sub.set(k, [...(sub.get(k) ?? []), m[2] ?? '']);
    }
    const purpose = ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '60', '61', '62', '63'].flatMap((k) => sub.get(k) ?? []).join('');
    const payee = [...(sub.get('32') ?? []), ...(sub.get('33') ?? [])].join('');
    const booking = (sub.get('00') ?? []).join('');
    // SEPA purpose codes inside the purpose: the remittance text is SVWZ+.
    const svwz = /SVWZ\+(.*?)(?=(?:EREF|KREF|MREF|CRED|DEBT|ABWA|ABWE|IBAN|BIC)\+|$)/.exec(purpose);
    const memo = (svwz?.[1] ?? purpose) || booking;
    return { payee: tidy(payee), memo: tidy(memo) };
  }
  // Dutch (Rabobank, ABN AMRO, ING) and the SWIFT structured form: /CODE/value/CODE/value…
  if (new RegExp(`^\\s*/(${DUTCH_CODES})/`).test(flat)) {
    const parts = new Map<string, string>();
    const re = new RegExp(`/(${DUTCH_CODES})/(.*?)(?=/(?:${DUTCH_CODES})/|/?$)`, 'g');
    for (const m of flat.matchAll(re)) if (!parts.has(m[1] ?? '')) parts.set(m[1] ?? '', m[2] ?? '');
    let payee = parts.get('NAME');
    const cntp = parts.get('CNTP');
    if (!payee && cntp !== undefined) payee = cntp.split('/')[2];
    for (const k of ['BENM', 'ORDP']) if (!payee && parts.get(k) !== undefined) payee = /NAME\/([^/]*)/.exec(parts.get(k) ?? '')?.[1];
    const remi = (parts.get('REMI') ?? '').replace(/^(USTD|STRD)\/\/?/, '').replace(/^CUR\//, '').replace(/\/+$/, '');
    return { payee: tidy(payee), memo: tidy(remi || parts.get('TRTP') || parts.get('EREF')) };
  }
  return { memo: tidy(text.split('\n').map((l) => l.trim()).filter(Boolean).join(' ')) };
}

function tidy(s: string | undefined): string | undefined {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
}

export interface StatementLine {
  readonly valueDate: string;
  /** The entry (booking) date, when the line has one: its year taken from the value date. */
  readonly entryDate?: string | undefined;
  /** Signed: negative is money out (D, and RC: a credit reversed). */
  readonly amount: string;
  readonly type?: string | undefined;
  readonly reference?: string | undefined;
  readonly bankReference?: string | undefined;
  readonly supplementary?: string | undefined;
}

// value date, entry date, mark, funds code, amount, type, customer reference, bank reference
const LINE_61 = /^(\d{2})(\d{2})(\d{2})(\d{4})?(RC|RD|EC|ED|C|D)([A-Z])?(\d[\d,.]*)([NFS][A-Z0-9]{3})?(.*?)(?:\/\/(.*))?$/;

/** One `:61:` field (its first line and the supplementary details after it), or why it can't be read. */
export function statementLine(value: string): StatementLine | string {
  const [first = '', ...rest] = value.split('\n');
  const m = LINE_61.exec(first.trim());
  if (!m) return `not a statement line: expected a date (YYMMDD), C or D and an amount (${JSON.stringify(first.slice(0, 40))})`;
  const year = fullYear(Number(m[1]));
  const valueDate = isoDate(year, Number(m[2]), Number(m[3]));
  if (!valueDate) return `no real value date in ${JSON.stringify(first.slice(0, 12))}`;
  const digits = (m[7] ?? '').replace(/\.(?=\d{3}(?:\D|$))/g, '');
  const amount = parseAmount(digits.includes(',') ? digits : `${digits},`, ',');
  if (amount === undefined) return `no readable amount (${JSON.stringify((m[7] ?? '').slice(0, 20))})`;
  const debit = m[5] === 'D' || m[5] === 'RC' || m[5] === 'ED';
  let entryDate: string | undefined;
  if (m[4]) {
    const em = Number(m[4].slice(0, 2));
    const vm = Number(m[2]);
    // Booked in December, valued in January (or the other way round): the entry's year differs.
    const ey = em === 12 && vm === 1 ? year - 1 : em === 1 && vm === 12 ? year + 1 : year;
    entryDate = isoDate(ey, em, Number(m[4].slice(2)));
  }
  const reference = tidy(m[9]);
  return {
    valueDate,
    entryDate,
    amount: debit && amount !== '0' ? `-${amount}` : amount,
    type: m[8],
    reference: reference === 'NONREF' ? undefined : reference,
    bankReference: tidy(m[10]),
    supplementary: tidy(rest.join(' ')),
  };
}

export const mt940Importer: Importer = {
  id: 'mt940',
  mediaType: 'application/x-mt940',
  parse(text: string, ctx: ImportContext): ParseResult {
    const all = fields(text);
    if (!all.some((f) => f.tag === '61' || f.tag === '20')) return failed('invalid', 'no MT940 statement fields (:20:, :61:) in this file');
    const items: ParsedItem[] = [];
    const occ = new Occurrences();
    let account: string | undefined;
    let currency: string | undefined;
    let pending: { field: Field; line: StatementLine | string } | undefined;
    const flush = (info?: Field) => {
      if (!pending) return;
      const { field, line } = pending;
      pending = undefined;
      const at: ItemSource = { line: field.line, raw: `:61:${field.value}${info ? `\n:86:${info.value}` : ''}` };
      if (typeof line === 'string') return void items.push(skippedItem(at, line));
      if (!currency) return void items.push(skippedItem(at, 'the statement gives no currency (no :60F: opening balance before this line)'));
      const d = info ? details(info.value) : {};
      const memo = d.memo ?? line.supplementary;
      const tx: Transaction = { date: line.valueDate, amount: line.amount, currency, payee: d.payee, memo, reference: line.reference ?? line.bankReference, account };
      items.push(transactionItem(tx, occ.key(`mt940\u0000${account ?? ''}\u0000${field.value.trim()}\u0000${info?.value ?? ''}`), at));
    };
    // The statement's currency: from its opening balance, else its closing one (or MT942's floor limit).
    const currencyOf = (from: number): string | undefined => {
      for (let j = from; j < all.length; j++) {
        const f = all[j] as Field;
        if (f.tag === '20' && j > from) break;
        if (/^6[02][FM]$|^34F$|^64$/.test(f.tag)) {
          const m = /^[CD]?\d{6}([A-Z]{3})|^([A-Z]{3})[CD]?\d/.exec(f.value.trim());
          const c = m?.[1] ?? m?.[2];
          if (c) return c;
        }
      }
      return undefined;
    };
    currency = currencyOf(0);
    for (let i = 0; i < all.length; i++) {
      if (i % 2000 === 0) checkDeadline(ctx);
      const f = all[i] as Field;
      switch (f.tag) {
        case '20':
          flush();
          currency = currencyOf(i) ?? currency;
          break;
        case '25':
          account = f.value.trim() || account;
          break;
        case '60F':
        case '60M': {
          const m = /^[CD](\d{6})([A-Z]{3})/.exec(f.value.trim());
          if (m) currency = m[2];
          break;
        }
        case '61':
          flush();
          pending = { field: f, line: statementLine(f.value) };
          break;
        case '86':
          flush(f);
          break;
        case 'NS':
          break; // a bank's own fields (Commerzbank's :NS:): nothing Locker keeps
        case '62F':
        case '62M':
        case 'END':
          flush();
          break;
        default:
          break;
      }
      if (items.length > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} transactions in one file`);
    }
    flush();
    if (items.length === 0) return failed('invalid', 'this MT940 file holds no statement lines (:61:)');
    return { kind: 'ok', parsed: { count: items.length, items } };
  },
};
