// ISO 20022 CAMT (camt.053 statements, camt.052 account reports, camt.054 debit/credit notifications),
// read with @xmldom/xmldom (Locker reads XML with saxes). One item is one `Ntry` (an entry as the bank
// books it, a batch entry with several TxDtls counting once) directly under a Stmt, Rpt or Ntfctn of the
// BkToCstmrStmt / BkToCstmrAcctRpt / BkToCstmrDbtCdtNtfctn (…V01 in version 1) of the Document, whatever the version.
// An entry is unreadable when its `Amt` is not a non-negative decimal number, its `CdtDbtInd` is
// neither CRDT nor DBIT, it names no currency (neither `Amt@Ccy` nor the account's `Ccy`), or neither
// `BookgDt` nor `ValDt` holds a `Dt` or `DtTm` that starts with a real calendar date. When xmldom finds
// the XML not well-formed the file is refused as a whole (items counted 0).
import { DOMParser } from '@xmldom/xmldom';
import type { Reference, ReferenceCounter } from './types.js';

// Version 1 (camt.05x.001.01) names its message element with the version: BkToCstmrAcctRptV01.
const ROOTS = /^(BkToCstmrStmt|BkToCstmrAcctRpt|BkToCstmrDbtCdtNtfctn)(V\d\d)?$/;
const REPORTS = new Set(['Stmt', 'Rpt', 'Ntfctn']);

type El = Element;
const kids = (e: El | undefined, name?: string): El[] => {
  const out: El[] = [];
  if (!e) return out;
  for (let n = e.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (name === undefined || (n as El).localName === name)) out.push(n as El);
  return out;
};
const kid = (e: El | undefined, name: string): El | undefined => kids(e, name)[0];
const text = (e: El | undefined): string => (e?.textContent ?? '').trim();

function decode(bytes: Buffer): string {
  const head = bytes.subarray(0, 200).toString('latin1');
  const label = /^\uFEFF?<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(label, { fatal: false, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
  }
}

function realDate(e: El | undefined): boolean {
  const t = text(kid(e, 'Dt')) || text(kid(e, 'DtTm'));
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(t);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function readable(ntry: El, acctCcy: string): boolean {
  const amt = kid(ntry, 'Amt');
  if (!/^\d+(\.\d+)?$/.test(text(amt))) return false;
  if (!['CRDT', 'DBIT'].includes(text(kid(ntry, 'CdtDbtInd')))) return false;
  if (!(amt?.getAttribute('Ccy') ?? '').trim() && !acctCcy) return false;
  return realDate(kid(ntry, 'BookgDt')) || realDate(kid(ntry, 'ValDt'));
}

export const counter: ReferenceCounter = {
  parser: '@xmldom/xmldom@0.9.12',
  item: 'an Ntry of a CAMT statement, report or notification',
  count(bytes): Reference {
    let fatal = false;
    const doc = new DOMParser({
      onError: (level) => {
        if (level === 'fatalError') fatal = true;
      },
    }).parseFromString(decode(bytes), 'text/xml') as unknown as Document;
    if (fatal || !doc.documentElement) return { items: 0, unreadable: 0, wholeFileRefused: true };
    const root = doc.documentElement.localName === 'Document' ? doc.documentElement : undefined;
    let items = 0;
    let unreadable = 0;
    for (const body of kids(root).filter((e) => ROOTS.test(e.localName ?? ''))) {
      for (const report of kids(body).filter((e) => REPORTS.has(e.localName ?? ''))) {
        const acctCcy = text(kid(kid(report, 'Acct'), 'Ccy'));
        for (const ntry of kids(report, 'Ntry')) {
          items += 1;
          if (!readable(ntry, acctCcy)) unreadable += 1;
        }
      }
    }
    return { items, unreadable, wholeFileRefused: false };
  },
};
