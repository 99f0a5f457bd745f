// OFX/QFX: a STMTTRN of a bank (STMTRS) or card (CCSTMTRS) statement is one item, as node-ofx-parser
// reads the file (SGML 1.x or XML 2.x); Locker counts the same. An item is unreadable when it has no
// DTPOSTED/DTUSER starting with a YYYYMMDD date or no numeric TRNAMT. When node-ofx-parser refuses the
// file, each <STMTTRN>…</STMTTRN> block is parsed alone inside a minimal OFX body, and
// wholeFileRefused is true.
import { createRequire } from 'node:module';
import type { Reference, ReferenceCounter } from './types.js';

type Node = string | { [k: string]: Node | Node[] } | Node[];
interface NodeOfxParser {
  parse(text: string): { OFX?: Node };
}
const require = createRequire(import.meta.url);
const ofx = require('node-ofx-parser') as NodeOfxParser;

const list = (n: Node | Node[] | undefined): Node[] => (n === undefined ? [] : Array.isArray(n) ? n : [n]);
const field = (n: Node, k: string): Node | Node[] | undefined => (typeof n === 'object' && !Array.isArray(n) ? n[k] : undefined);

/** Every STMTTRN under a STMTRS or CCSTMTRS, wherever they sit. */
function transactions(n: Node, inStatement = false, out: Node[] = []): Node[] {
  if (Array.isArray(n)) {
    for (const c of n) transactions(c, inStatement, out);
    return out;
  }
  if (typeof n !== 'object') return out;
  for (const [k, v] of Object.entries(n)) {
    if (k === 'STMTTRN' && inStatement) out.push(...list(v));
    else transactions(v as Node, inStatement || k === 'STMTRS' || k === 'CCSTMTRS', out);
  }
  return out;
}

function readable(t: Node): boolean {
  const date = field(t, 'DTPOSTED') ?? field(t, 'DTUSER');
  const amount = field(t, 'TRNAMT');
  return typeof date === 'string' && /^\d{8}/.test(date.trim()) && typeof amount === 'string' && Number.isFinite(Number(amount.trim().replace(',', '.')));
}

function blockByBlock(text: string): Reference {
  const blocks = text.match(/<STMTTRN>[\s\S]*?<\/STMTTRN>/gi) ?? [];
  let unreadable = 0;
  for (const block of blocks) {
    try {
      const parsed = ofx.parse(`OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD<BANKTRANLIST>${block}</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`);
      const found = parsed.OFX === undefined ? [] : transactions(parsed.OFX);
      if (found.length !== 1 || !readable(found[0] as Node)) unreadable += 1;
    } catch {
      unreadable += 1;
    }
  }
  return { items: blocks.length, unreadable, wholeFileRefused: true };
}

export const counter: ReferenceCounter = {
  parser: 'node-ofx-parser@0.5.1',
  item: 'a STMTTRN of a bank or card statement',
  count(bytes) {
    // OFX 1.x says CHARSET:1252 or USASCII; the structure is ASCII either way.
    const text = bytes.toString('latin1');
    let parsed: { OFX?: Node };
    try {
      parsed = ofx.parse(text);
    } catch {
      return blockByBlock(text);
    }
    const found = parsed.OFX === undefined ? [] : transactions(parsed.OFX);
    return { items: found.length, unreadable: found.filter((t) => !readable(t)).length, wholeFileRefused: false };
  },
};
