import { Occurrences, parseAmount, skippedItem, transactionItem, type Transaction } from './money.js';
import { ImportAbort, checkDeadline, failed, type ImportContext, type Importer, type ItemSource, type ParsedItem, type ParseResult } from './types.js';
import { child, children, nodeSource, parseXmlTree, textOf, type XmlNode } from './xml-tree.js';

/**
 * ISO 20022 bank-to-customer cash management XML: CAMT.053 statements (what
 * most EU banks export today), and the CAMT.052 account reports and CAMT.054
 * notifications that share their entries, every version (`camt.053.001.02`
 * to `.13`). Read with saxes (xml-tree.ts): no DTD is interpreted, no entity
 * expanded, node count and depth capped.
 *
 * One item per `Ntry`, as the bank books it: amount and sign from `Amt` and
 * `CdtDbtInd` (DBIT is money out), currency from `Amt@Ccy`, the booking date
 * (`BookgDt`, else the value date), the account's IBAN (or other id), the
 * other party's name (the creditor for money out, the debtor for money in)
 * and the remittance information. A batch entry (a collective transfer with
 * several `TxDtls`) stays one record with the entry's total, as on the
 * statement: its parts' names and remittance texts go into its description,
 * the name as payee only when every part names the same party. An entry
 * without a readable amount, sign, currency or date is skipped on its own.
 */
const ROOTS = ['BkToCstmrStmt', 'BkToCstmrAcctRpt', 'BkToCstmrDbtCdtNtfctn'];
const REPORTS = ['Stmt', 'Rpt', 'Ntfctn'];
const MAX_MEMO = 1000;

const path = (n: XmlNode | undefined, ...names: string[]): XmlNode | undefined => names.reduce<XmlNode | undefined>((at, name) => child(at, name), n);

function dateOf(n: XmlNode | undefined): string | undefined {
  const t = textOf(n, 'Dt') ?? textOf(n, 'DtTm');
  const m = t ? /^(\d{4})-(\d{2})-(\d{2})/.exec(t) : null;
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1 ? m[0] : undefined;
}

/** A party's name: `Nm` directly (versions up to .07) or under `Pty` (.08 and later). */
function nameOf(party: XmlNode | undefined): string | undefined {
  return textOf(party, 'Nm') ?? textOf(child(party, 'Pty'), 'Nm');
}

function accountId(acct: XmlNode | undefined): string | undefined {
  const id = child(acct, 'Id');
  return textOf(id, 'IBAN') ?? textOf(child(id, 'Othr'), 'Id');
}

/** What a `TxDtls` says: the other party (by the entry's direction) and the remittance text. */
function txParts(tx: XmlNode, debit: boolean): { name?: string | undefined; text: string[]; refs: string[] } {
  const parties = child(tx, 'RltdPties');
  const other = debit ? (child(parties, 'Cdtr') ?? child(parties, 'UltmtCdtr')) : (child(parties, 'Dbtr') ?? child(parties, 'UltmtDbtr'));
  const rmt = child(tx, 'RmtInf');
  const text = [...children(rmt, 'Ustrd').map((u) => u.text.trim()), ...children(rmt, 'Strd').flatMap((s) => [textOf(child(s, 'CdtrRefInf'), 'Ref') ?? '', ...children(s, 'AddtlRmtInf').map((a) => a.text.trim())])].filter(Boolean);
  const addtl = textOf(tx, 'AddtlTxInf');
  if (text.length === 0 && addtl) text.push(addtl);
  const refs = child(tx, 'Refs');
  const e2e = textOf(refs, 'EndToEndId');
  return { name: nameOf(other), text, refs: [e2e && e2e !== 'NOTPROVIDED' ? e2e : '', textOf(refs, 'AcctSvcrRef') ?? '', textOf(refs, 'TxId') ?? ''].filter(Boolean) };
}

function entryItem(ntry: XmlNode, account: string | undefined, acctCcy: string | undefined, at: ItemSource, occ: Occurrences): ParsedItem {
  const amt = child(ntry, 'Amt');
  const rawAmount = amt?.text.trim() ?? '';
  const amount = /^\d+(\.\d+)?$/.test(rawAmount) ? parseAmount(rawAmount, '.') : undefined;
  if (amount === undefined) return skippedItem(at, rawAmount === '' ? 'an entry without an amount (Amt)' : `no readable amount (${JSON.stringify(rawAmount.slice(0, 30))})`);
  const ind = textOf(ntry, 'CdtDbtInd');
  if (ind !== 'CRDT' && ind !== 'DBIT') return skippedItem(at, `an entry that is neither credit nor debit (CdtDbtInd ${JSON.stringify((ind ?? '').slice(0, 10))})`);
  const currency = (amt?.attrs['Ccy'] ?? acctCcy)?.trim().toUpperCase();
  if (!currency) return skippedItem(at, 'an entry whose amount names no currency (Amt@Ccy)');
  const date = dateOf(child(ntry, 'BookgDt')) ?? dateOf(child(ntry, 'ValDt'));
  if (!date) return skippedItem(at, 'an entry without a readable booking or value date');
  const debit = ind === 'DBIT';
  const txs = children(ntry, 'NtryDtls').flatMap((d) => children(d, 'TxDtls').map((tx) => txParts(tx, debit)));
  const names = [...new Set(txs.map((t) => t.name).filter((n): n is string => n !== undefined))];
  const payee = names.length === 1 && txs.every((t) => t.name === names[0]) ? names[0] : undefined;
  const texts = txs.length > 1 ? txs.map((t) => [t.name, ...t.text].filter(Boolean).join(': ')).filter(Boolean) : txs.flatMap((t) => t.text);
  const addtl = textOf(ntry, 'AddtlNtryInf');
  const memo = (texts.length > 0 ? texts.join('; ') : addtl)?.slice(0, MAX_MEMO);
  const bankRef = textOf(ntry, 'AcctSvcrRef') ?? textOf(ntry, 'NtryRef');
  const reference = bankRef && bankRef !== 'NONREF' ? bankRef : txs.length === 1 ? txs[0]?.refs[0] : undefined;
  const valueDate = dateOf(child(ntry, 'ValDt')) ?? '';
  const tx: Transaction = { date, amount: debit && amount !== '0' ? `-${amount}` : amount, currency, payee, memo, reference, account, category: textOf(path(ntry, 'BkTxCd', 'Prtry'), 'Cd') };
  const key = ['camt', account ?? '', date, valueDate, tx.amount, currency, bankRef ?? '', textOf(ntry, 'NtryRef') ?? '', payee ?? '', memo ?? '', addtl ?? '', txs.flatMap((t) => t.refs).join(',')].join('\u0000');
  return transactionItem(tx, occ.key(key), at);
}

export const camtImporter: Importer = {
  id: 'camt',
  mediaType: 'application/xml',
  parse(text: string, ctx: ImportContext): ParseResult {
    let root: XmlNode;
    try {
      root = parseXmlTree(text, ctx, 'ISO 20022 (CAMT)');
    } catch (e) {
      if (e instanceof ImportAbort) return { kind: 'failed', failure: e.failure };
      throw e;
    }
    const doc = root.children.find((c) => c.name === 'Document');
    // Version 1 named its message elements with the version (BkToCstmrAcctRptV01, BkToCstmrStmtV01).
    const body = doc?.children.find((c) => ROOTS.includes(c.name.replace(/V\d{2}$/, '')));
    if (!body) return failed('invalid', 'an ISO 20022 file that is no bank-to-customer statement, report or notification (BkToCstmrStmt)');
    const reports = body.children.filter((c) => REPORTS.includes(c.name));
    const items: ParsedItem[] = [];
    const occ = new Occurrences();
    let n = 0;
    for (const report of reports) {
      const acct = child(report, 'Acct');
      const account = accountId(acct);
      const acctCcy = textOf(acct, 'Ccy');
      for (const ntry of children(report, 'Ntry')) {
        if ((n & 1023) === 0) checkDeadline(ctx);
        const at = nodeSource(text, ntry);
        n++;
        items.push(entryItem(ntry, account, acctCcy, at, occ));
        if (items.length > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} entries in one file`);
      }
    }
    if (items.length === 0) return failed('invalid', 'this CAMT file holds no entries (Ntry)');
    return { kind: 'ok', parsed: { count: items.length, items } };
  },
};
