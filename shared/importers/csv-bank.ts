import { parse } from 'csv-parse/sync';
import { fullYear, isoDate, NEEDS_CURRENCY, Occurrences, parseAmount, skippedItem, transactionItem, type Transaction } from './money.js';
import { PRESETS } from './csv-presets.js';
import { checkDeadline, failed, type CsvMapping, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

export { PRESETS } from './csv-presets.js';

/**
 * The date format of a column whose layout no preset knows, from all its values: ISO (`2018-02-10`), or
 * day and month in either order with `/`, `.` or `-` and a 2- or 4-digit year. A part over 12 decides the
 * order; when none does, the locker's QIF date order (month first unless set) is taken, and `guessed` says so.
 */
export function inferDateFormat(values: readonly string[], order: 'mdy' | 'dmy' = 'mdy'): { format: string; guessed: boolean } | undefined {
  const dates = values.map((v) => v.trim()).filter((v) => v !== '');
  if (dates.length === 0) return undefined;
  if (dates.every((v) => /^\d{4}-\d{2}-\d{2}(?:[ T].*)?$/.test(v))) return { format: 'YYYY-MM-DD', guessed: false };
  const parts = dates.map((v) => /^(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T].*)?$/.exec(v));
  const first = parts[0];
  if (!first || parts.some((p) => !p || p[2] !== first[2] || (p[4] ?? '').length !== (first[4] ?? '').length)) return undefined;
  const dayFirst = parts.some((p) => Number(p?.[1]) > 12);
  const monthFirst = parts.some((p) => Number(p?.[3]) > 12);
  if (dayFirst && monthFirst) return undefined;
  const sep = first[2] ?? '/';
  const year = (first[4] ?? '').length === 4 ? 'YYYY' : 'YY';
  const dmy = dayFirst || (!monthFirst && order === 'dmy');
  return { format: dmy ? `D${sep}M${sep}${year}` : `M${sep}D${sep}${year}`, guessed: !dayFirst && !monthFirst };
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The delimiter of a CSV file: the one that splits the header line (outside quotes) most. */
export function guessDelimiter(firstLine: string): string | undefined {
  const unquoted = firstLine.replace(/"[^"]*"/g, '""');
  let best: string | undefined;
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const n = unquoted.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return bestCount >= 1 ? best : undefined;
}

/** A date in a mapping's format: tokens YYYY, YY, MM, M, DD, D; any other character must match itself; a trailing time is ignored. */
export function parseDateAs(format: string, text: string): string | undefined {
  const tokens: string[] = [];
  const pattern = format.replace(/YYYY|YY|MM|M|DD|D|[^YMD]/g, (t) => {
    if (/^(YYYY|YY|MM|M|DD|D)$/.test(t)) {
      tokens.push(t);
      return t === 'YYYY' ? '(\\d{4})' : t === 'YY' ? '(\\d{2})' : t.length === 2 ? '(\\d{2})' : '(\\d{1,2})';
    }
    return t.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  });
  const m = new RegExp(`^\\s*${pattern}(?:[ T].*)?\\s*$`).exec(text);
  if (!m) return undefined;
  let y = NaN;
  let mo = NaN;
  let d = NaN;
  tokens.forEach((t, i) => {
    const v = Number(m[i + 1]);
    if (t === 'YYYY') y = v;
    else if (t === 'YY') y = fullYear(v);
    else if (t.startsWith('M')) mo = v;
    else d = v;
  });
  return isoDate(y, mo, d);
}

function headerMatches(header: readonly string[], mapping: CsvMapping): boolean {
  const have = new Set(header.map((h) => h.trim().toLowerCase()));
  const need = mapping.match ?? [mapping.date, ...(mapping.amount ? [mapping.amount] : [])];
  return need.every((n) => have.has(n.toLowerCase()));
}

export function chooseMapping(header: readonly string[], saved: readonly CsvMapping[], forced?: CsvMapping): CsvMapping | undefined {
  if (forced) return forced;
  return saved.find((m) => headerMatches(header, m)) ?? PRESETS.find((m) => headerMatches(header, m));
}

export const csvBankImporter: Importer = {
  id: 'csv-bank',
  mediaType: 'text/csv',
  parse(text: string, ctx: ImportContext): ParseResult {
    const source = text.replace(/^\uFEFF/, '');
    const firstLine = source.split(/\r\n|\r|\n/, 1)[0] ?? '';
    const delimiter = ctx.options?.csvMap?.delimiter ?? guessDelimiter(firstLine);
    if (!delimiter) return failed('unrecognised', 'not a CSV file Locker can read (no delimiter in the first line)');
    let rows: string[][];
    try {
      rows = parse(source, { delimiter, relax_column_count: true, skip_empty_lines: true, bom: true, trim: true, max_record_size: ctx.caps.maxLineBytes }) as string[][];
    } catch (e) {
      return failed('malformed', `not a valid CSV file: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    const header = rows[0] ?? [];
    const mapping = chooseMapping(header, ctx.options?.csvMappings ?? [], ctx.options?.csvMap);
    if (!mapping) {
      return failed(
        'unrecognised',
        `a CSV file with columns ${header.slice(0, 8).map((h) => JSON.stringify(h.slice(0, 30))).join(', ')}${header.length > 8 ? ', …' : ''} that no saved mapping or preset fits: import it with --csv-map "date=…,amount=…,payee=…,dateFormat=DD.MM.YYYY,decimal=,,currency=EUR" (add --save-map NAME to keep it)`,
      );
    }
    const col = (name: string | undefined) => (name === undefined ? -1 : header.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase()));
    const idx = { sign: col(mapping.signColumn), date: col(mapping.date), amount: col(mapping.amount), debit: col(mapping.debit), credit: col(mapping.credit), payee: col(mapping.payee), memo: col(mapping.memo), currency: col(mapping.currencyColumn), reference: col(mapping.reference), category: col(mapping.category) };
    if (idx.date < 0) return failed('invalid', `the mapping "${mapping.name}" needs a column "${mapping.date}" for the date, which this file does not have`);
    if (idx.amount < 0 && idx.debit < 0 && idx.credit < 0) return failed('invalid', `the mapping "${mapping.name}" needs a column for the amount (amount, or debit/credit), which this file does not have`);
    const cell = (row: string[], i: number) => (i >= 0 ? (row[i] ?? '').trim() : '');
    const warnings: string[] = [];
    let dateFormat = mapping.dateFormat;
    if (dateFormat === 'auto') {
      const inferred = inferDateFormat(rows.slice(1).map((row) => cell(row, idx.date)), ctx.options?.qifDateOrder);
      dateFormat = inferred?.format ?? 'YYYY-MM-DD';
      if (inferred?.guessed) warnings.push(`no date in this file says whether the day or the month comes first: read as ${inferred.format} (set the order with LOCKER_QIF_DATES, or a mapping with --csv-map)`);
    }
    const items: ParsedItem[] = [];
    const occ = new Occurrences();
    for (let r = 1; r < rows.length; r++) {
      if (r % 5000 === 0) checkDeadline(ctx);
      const row = rows[r] as string[];
      if (row.every((c) => c.trim() === '')) continue;
      const line = r + 1;
      const at = { line, raw: row.join(delimiter) };
      const dateText = cell(row, idx.date);
      const date = parseDateAs(dateFormat, dateText);
      if (!date) {
        items.push(skippedItem(at, `"${dateText.slice(0, 30)}" is not a date in the format ${dateFormat} (mapping "${mapping.name}")`));
        continue;
      }
      let amount: string | undefined;
      if (idx.amount >= 0 && cell(row, idx.amount) !== '') amount = parseAmount(cell(row, idx.amount), mapping.decimal);
      else {
        const debit = cell(row, idx.debit);
        const credit = cell(row, idx.credit);
        const d = debit ? parseAmount(debit, mapping.decimal) : undefined;
        const c = credit ? parseAmount(credit, mapping.decimal) : undefined;
        amount = d !== undefined && d !== '0' ? (d.startsWith('-') ? d : `-${d}`) : c;
      }
      if (amount === undefined) {
        items.push(skippedItem(at, `no readable amount (mapping "${mapping.name}", decimal mark "${mapping.decimal}")`));
        continue;
      }
      if (idx.sign >= 0) {
        const way = cell(row, idx.sign).toLowerCase();
        if (way !== 'debit' && way !== 'credit') {
          items.push(skippedItem(at, `"${cell(row, idx.sign).slice(0, 20)}" in ${mapping.signColumn ?? 'the sign column'} is neither debit nor credit`));
          continue;
        }
        const bare = amount.replace(/^-/, '');
        amount = way === 'debit' && bare !== '0' ? `-${bare}` : bare;
      }
      const stated = cell(row, idx.currency) || mapping.currency;
      const currency = (stated || ctx.options?.currency || '').toUpperCase();
      if (!currency) return { kind: 'failed', failure: { ...NEEDS_CURRENCY, message: 'this CSV statement has no currency column and its mapping names no currency, and this locker has no default currency yet' } };
      const tx: Transaction = { date, amount, currency, currencyAssumed: !stated, payee: cell(row, idx.payee) || undefined, memo: cell(row, idx.memo) || undefined, reference: cell(row, idx.reference) || undefined, category: cell(row, idx.category) || undefined };
      items.push(transactionItem(tx, occ.key(`csv\u0000${row.join('\u0001')}`), at));
      if (items.length > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} rows in one file`);
    }
    if (items.length === 0) return failed('invalid', 'this CSV file has a header but no transactions');
    return { kind: 'ok', parsed: { count: items.length, items, ...(warnings.length > 0 && { warnings }) } };
  },
};
