import { isoDate, Occurrences, parseAmount, skippedItem, transactionItem, type Transaction } from './money.js';
import { checkDeadline, failed, ImportAbort, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

/**
 * OFX/QFX bank and card statements: OFX 1.x (SGML: a header of `KEY:VALUE`
 * lines, leaf elements without end tags) and OFX 2.x (XML). One tolerant
 * tokenizer reads both into a small element tree; XML entities other than
 * the five predefined ones are never expanded, and a DOCTYPE is refused.
 */
interface Element {
  readonly name: string;
  readonly children: Element[];
  value?: string;
  /** 1-based line of its start tag, its offset, and the offset past its end tag (aggregates closed by one). */
  readonly line: number;
  readonly start: number;
  end?: number;
}

const MAX_DEPTH = 64;

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-f]{1,6});/gi, (m, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    const code = k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

/** Reads the `<OFX>` body (SGML or XML) into a tree. */
export function parseOfxTree(text: string, ctx?: ImportContext): Element {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new ImportAbort({ kind: 'malformed', message: 'OFX with a DOCTYPE or entity declarations is refused (entities are never expanded)' });
  const start = text.search(/<OFX>/i);
  if (start < 0) throw new ImportAbort({ kind: 'malformed', message: 'no <OFX> element: not an OFX statement, or cut short' });
  const root: Element = { name: 'ROOT', children: [], line: 1, start: 0 };
  let line = 1;
  let counted = 0;
  const stack: Element[] = [root];
  const tag = /<(\/?)([A-Za-z0-9_.]+)\s*>([^<]*)/g;
  tag.lastIndex = start;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = tag.exec(text))) {
    if (++n % 5000 === 0 && ctx) checkDeadline(ctx);
    for (let i = text.indexOf('\n', counted); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    counted = m.index;
    const closing = m[1] === '/';
    const name = (m[2] ?? '').toUpperCase();
    const after = (m[3] ?? '').trim();
    const top = stack[stack.length - 1] as Element;
    if (closing) {
      // `</NAME>` closes the nearest open aggregate of that name (and any left open inside it); a leaf's end tag (XML) is ignored.
      const at = stack.map((e) => e.name).lastIndexOf(name);
      if (at > 0) {
        for (const open of stack.slice(at)) open.end ??= m.index + m[0].length - (m[3] ?? '').length;
        stack.length = at;
      }
      continue;
    }
    const el: Element = { name, children: [], line, start: m.index };
    top.children.push(el);
    if (after !== '') el.value = decodeEntities(after);
    else {
      if (stack.length >= MAX_DEPTH) throw new ImportAbort({ kind: 'malformed', message: `OFX elements nested deeper than ${MAX_DEPTH}` });
      stack.push(el);
    }
  }
  const ofx = root.children.find((c) => c.name === 'OFX');
  if (!ofx) throw new ImportAbort({ kind: 'malformed', message: 'no <OFX> element' });
  // A statement cut short (a download that stopped) is refused whole, not read as far as it goes.
  if (ofx.end === undefined) throw new ImportAbort({ kind: 'malformed', message: 'the file ends before </OFX>: it was cut short' });
  return ofx;
}

function all(el: Element, name: string, out: Element[] = []): Element[] {
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    all(c, name, out);
  }
  return out;
}

function child(el: Element | undefined, name: string): Element | undefined {
  return el?.children.find((c) => c.name === name);
}

function val(el: Element | undefined, name: string): string | undefined {
  const v = child(el, name)?.value?.trim();
  return v === '' ? undefined : v;
}

/**
 * OFX dates: `YYYYMMDD[HHMMSS[.XXX]][[+-]h[h][.mm][:TZ]]`, e.g.
 * `20240105120000.000[-5:EST]`. Without a time, a date; with one, a date-time
 * at the given offset (GMT when none is given, as the spec says).
 */
export function ofxDate(s: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?(?:\.\d{1,3})?)?\s*(?:\[\s*([+-]?\d{1,2}(?:\.\d{1,2})?)\s*(?::[^\]]*)?\])?/.exec(s.trim());
  if (!m) return undefined;
  const date = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  if (!date) return undefined;
  if (m[4] === undefined) return date;
  const hh = Number(m[4]);
  const mi = Number(m[5]);
  const ss = Number(m[6] ?? '0');
  if (hh > 23 || mi > 59 || ss > 60) return date;
  // A midnight time with no zone is how many banks write a plain date.
  if (hh === 0 && mi === 0 && ss === 0 && m[7] === undefined) return date;
  let offset = 'Z';
  if (m[7] !== undefined) {
    // Hours, with a fraction: `5.5` is 5:30; files also write `5.30` and `5.45` meaning minutes (no zone has 18 or 27 minutes).
    const [hText = '0', frac] = m[7].replace(/^[+-]/, '').split('.');
    const h = Number(hText);
    const min = frac === undefined ? 0 : frac === '30' || frac === '45' ? Number(frac) : Math.round(Number(`0.${frac}`) * 60);
    if (!Number.isFinite(h) || h > 14 || min > 59) return date;
    const sign = m[7].startsWith('-') ? '-' : '+';
    offset = `${sign}${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
  }
  return `${date}T${String(hh).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(ss).padStart(2, '0')}${offset}`;
}

export const ofxImporter: Importer = {
  id: 'ofx',
  mediaType: 'application/x-ofx',
  parse(text: string, ctx: ImportContext): ParseResult {
    let ofx: Element;
    try {
      ofx = parseOfxTree(text, ctx);
    } catch (e) {
      if (e instanceof ImportAbort) return { kind: 'failed', failure: e.failure };
      throw e;
    }
    const statements = [...all(ofx, 'STMTRS'), ...all(ofx, 'CCSTMTRS')];
    if (statements.length === 0) return failed('invalid', 'this OFX file holds no bank or card statement (STMTRS/CCSTMTRS)');
    const items: ParsedItem[] = [];
    const occ = new Occurrences();
    for (const st of statements) {
      const currency = val(st, 'CURDEF')?.toUpperCase();
      const acct = child(st, 'BANKACCTFROM') ?? child(st, 'CCACCTFROM');
      const account = [val(acct, 'BANKID'), val(acct, 'ACCTID')].filter(Boolean).join('/') || undefined;
      for (const t of all(st, 'STMTTRN')) {
        const at = { line: t.line, raw: text.slice(t.start, Math.min(t.end ?? t.start + 2000, t.start + 2000)) };
        const posted = val(t, 'DTPOSTED') ?? val(t, 'DTUSER');
        const date = posted ? ofxDate(posted) : undefined;
        const rawAmount = val(t, 'TRNAMT');
        const amount = rawAmount ? parseAmount(rawAmount, rawAmount.includes(',') && !rawAmount.includes('.') ? ',' : '.') : undefined;
        const cur = (val(child(t, 'CURRENCY'), 'CURSYM') ?? val(child(t, 'ORIGCURRENCY'), 'CURSYM') ?? currency)?.toUpperCase();
        if (!date) items.push(skippedItem(at, `a transaction has no readable date (${JSON.stringify((posted ?? '').slice(0, 30))})`));
        else if (amount === undefined) items.push(skippedItem(at, `a transaction of ${date} has no readable amount (${JSON.stringify((rawAmount ?? '').slice(0, 30))})`));
        else if (!cur) items.push(skippedItem(at, 'the statement does not say its currency (CURDEF)'));
        else {
          const payee = val(t, 'NAME') ?? val(child(t, 'PAYEE'), 'NAME');
          const fitid = val(t, 'FITID');
          const tx: Transaction = { date, amount, currency: cur, payee, memo: val(t, 'MEMO'), reference: fitid ?? val(t, 'CHECKNUM') ?? val(t, 'REFNUM'), account, category: val(t, 'TRNTYPE')?.toLowerCase() };
          const key = fitid ? `ofx\u0000${account ?? ''}\u0000${fitid}` : occ.key(`ofx\u0000${account ?? ''}\u0000${date}\u0000${amount}\u0000${payee ?? ''}\u0000${tx.memo ?? ''}`);
          items.push(transactionItem(tx, key, at));
        }
        if (items.length > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} transactions in one file`);
      }
    }
    return { kind: 'ok', parsed: { count: items.length, items } };
  },
};
