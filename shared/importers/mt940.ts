import { fullYear, isoDate, Occurrences, parseAmount, transactionRecord, type Transaction } from './money.js';
import { checkDeadline, failed, ImportAbort, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

/**
 * SWIFT MT940 customer statements (as German, Dutch and many other banks
 * export them): `:25:` account, `:60F:`/`:60M:` opening balance (its
 * currency applies to the statement), `:61:` statement lines, `:86:`
 * information to the account owner — structured (`?20`–`?29` purpose,
 * `?32`/`?33` the other party's name) or free text.
 */
interface Field {
  readonly tag: string;
  readonly value: string;
}

function fields(text: string): Field[] {
  const out: Field[] = [];
  let current: { tag: string; lines: string[] } | undefined;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/^\{[0-9]:[^}]*\}/g, '');
    const m = /^:(\d{2}[A-Z]?):(.*)$/.exec(line);
    if (m) {
      if (current) out.push({ tag: current.tag, value: current.lines.join('\n') });
      current = { tag: m[1] ?? '', lines: [m[2] ?? ''] };
    } else if (line.trim() === '-' || line.startsWith('-}')) {
      if (current) out.push({ tag: current.tag, value: current.lines.join('\n') });
      current = undefined;
      out.push({ tag: 'END', value: '' });
    } else if (current) current.lines.push(line);
  }
  if (current) out.push({ tag: current.tag, value: current.lines.join('\n') });
  return out;
}

/** `:86:` text: the structured `?NN` subfields when present. */
function details(text: string): { payee?: string; memo?: string } {
  const flat = text.replace(/\n/g, '');
  if (/^\d{3}\?\d{2}/.test(flat) || /\?\d{2}/.test(flat.slice(0, 8))) {
    const sub = new Map<string, string[]>();
    for (const m of flat.matchAll(/\?(\d{2})([^?]*)/g)) {
      const k = m[1] ?? '';
      sub.set(k, [...(sub.get(k) ?? []), m[2] ?? '']);
    }
    const purpose = ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '60', '61', '62', '63'].flatMap((k) => sub.get(k) ?? []).join('');
    const payee = [...(sub.get('32') ?? []), ...(sub.get('33') ?? [])].join('');
    const booking = (sub.get('00') ?? []).join('');
    return { payee: payee.trim() || undefined, memo: (purpose || booking).replace(/\s+/g, ' ').trim() || undefined };
  }
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return { memo: lines.join(' ') || undefined };
}

export const mt940Importer: Importer = {
  id: 'mt940',
  mediaType: 'application/x-mt940',
  parse(text: string, ctx: ImportContext): ParseResult {
    const items: ParsedItem[] = [];
    const occ = new Occurrences();
    let account: string | undefined;
    let currency: string | undefined;
    let pending: { tx: Omit<Transaction, 'payee' | 'memo'>; raw: string } | undefined;
    const flush = (info?: string): ParseResult | undefined => {
      if (!pending) return undefined;
      const d = info ? details(info) : {};
      const tx: Transaction = { ...pending.tx, payee: d.payee, memo: d.memo };
      try {
        items.push({ record: transactionRecord(tx, occ.key(`mt940\u0000${account ?? ''}\u0000${pending.raw}\u0000${info ?? ''}`)) });
      } catch (e) {
        if (e instanceof ImportAbort) return { kind: 'failed', failure: e.failure };
        throw e;
      }
      pending = undefined;
      return undefined;
    };
    const all = fields(text);
    if (!all.some((f) => f.tag === '61' || f.tag === '20')) return failed('invalid', 'no MT940 statement fields (:20:, :61:) in this file');
    for (let i = 0; i < all.length; i++) {
      if (i % 2000 === 0) checkDeadline(ctx);
      const f = all[i] as Field;
      switch (f.tag) {
        case '25':
          account = f.value.trim();
          break;
        case '60F':
        case '60M': {
          const m = /^[CD](\d{6})([A-Z]{3})/.exec(f.value.trim());
          if (m) currency = m[2];
          break;
        }
        case '61': {
          const r = flush();
          if (r) return r;
          // YYMMDD [MMDD] C|D|RC|RD [funds code] amount N<type><reference>[//bank reference]
          const m = /^(\d{2})(\d{2})(\d{2})(\d{4})?(RC|RD|C|D)([A-Z])?(\d+,\d*)([A-Z0-9]{4})?([^\n/]*)?(?:\/\/([^\n]*))?/.exec(f.value.trim());
          if (!m) return failed('invalid', `a :61: line is not a statement line (${JSON.stringify(f.value.slice(0, 40))})`);
          const date = isoDate(fullYear(Number(m[1])), Number(m[2]), Number(m[3]));
          if (!date) return failed('invalid', `a :61: line has no real date (${JSON.stringify(f.value.slice(0, 12))})`);
          const amount = parseAmount(m[7] ?? '', ',');
          if (amount === undefined) return failed('invalid', `a :61: line has no readable amount (${JSON.stringify(f.value.slice(0, 40))})`);
          const debit = m[5] === 'D' || m[5] === 'RC';
          if (!currency) return failed('invalid', 'the statement gives no opening balance (:60F:) and so no currency');
          const ref = (m[9] ?? '').trim();
          const bankRef = (m[10] ?? '').trim();
          pending = {
            tx: { date, amount: debit && amount !== '0' ? `-${amount}` : amount, currency, reference: (ref && ref !== 'NONREF' ? ref : bankRef) || undefined, account },
            raw: f.value.trim(),
          };
          break;
        }
        case '86': {
          const r = flush(f.value);
          if (r) return r;
          break;
        }
        case '62F':
        case '62M':
        case 'END': {
          const r = flush();
          if (r) return r;
          break;
        }
        default:
          break;
      }
      if (items.length > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} transactions in one file`);
    }
    const r = flush();
    if (r) return r;
    if (items.length === 0) return failed('invalid', 'this MT940 file holds no statement lines (:61:)');
    return { kind: 'ok', parsed: { count: items.length, items } };
  },
};
