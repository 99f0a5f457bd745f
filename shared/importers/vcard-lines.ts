/**
 * vCard as people have it, turned into content lines ical.js reads. ical.js
 * reads RFC 2426/6350 to the letter; what phones, Outlook, Netscape, Palm
 * and Evolution wrote is often vCard 2.1 (RFC-less, versit 1996), or 3.0/4.0
 * with slips. One card's text goes in; the same card comes out with, per
 * line:
 *
 * - folding undone (a line that starts with a blank continues the last), and
 *   QUOTED-PRINTABLE soft line breaks (`=` at the end) joined;
 * - bare 2.1 parameters (`TEL;WORK;VOICE`) written as `TYPE=WORK,VOICE`;
 *   `ENCODING=QUOTED-PRINTABLE` values decoded in their `CHARSET` (default
 *   UTF-8) and escaped as 3.0 text; `ENCODING=BASE64` as `ENCODING=b`;
 * - parameter values quoted where they hold `;`, `:` or `,` (the RFC 6350
 *   example's `LABEL="…\n…"` stays one value);
 * - a property line with no `:` (a value left out) given an empty value, so the
 *   rest of the card is read;
 * - a line that is not a property at all dropped, and said so in `dropped`.
 *
 * Nothing here decides what a property means: vcard.ts does, on what
 * ical.js gives back.
 */

export interface NormalisedCard {
  readonly text: string;
  /** Lines that could not be read as a property, as they were (at most a few hundred characters each). */
  readonly dropped: readonly string[];
  /** Properties given an empty value because their line had none. */
  readonly emptied: readonly string[];
}

const ENCODING_WORDS = new Set(['QUOTED-PRINTABLE', 'BASE64', 'B', '8BIT', '7BIT']);
const NAME = /^(?:[A-Za-z0-9-]+\.)?[A-Za-z0-9-]+$/;

interface Param {
  name: string;
  value: string;
}

/** Splits `NAME;P=V;P2="a;b":value` at the first `:` outside quotes; params split at `;` outside quotes. */
function splitLine(line: string): { head: string; value: string | undefined } {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return { head: line.slice(0, i), value: line.slice(i + 1) };
  }
  return { head: line, value: undefined };
}

function splitParams(head: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) {
      out.push(head.slice(start, i));
      start = i + 1;
    }
  }
  out.push(head.slice(start));
  return out;
}

function parseParams(parts: readonly string[]): Param[] {
  const params: Param[] = [];
  for (const raw of parts) {
    const p = raw.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq < 0) {
      // vCard 2.1: a bare value names its parameter by what it is.
      const up = p.toUpperCase();
      params.push({ name: ENCODING_WORDS.has(up) ? 'ENCODING' : 'TYPE', value: p });
      continue;
    }
    let value = p.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    params.push({ name: p.slice(0, eq).trim().toUpperCase(), value });
  }
  return params;
}

/** Quoted-printable bytes (`=E9`, literal characters) decoded in a charset; an unknown charset reads as UTF-8. */
export function decodeQuotedPrintable(value: string, charset: string | undefined): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else bytes.push(...new TextEncoder().encode(value[i] as string));
  }
  return decoderFor(charset).decode(Uint8Array.from(bytes));
}

/** A decoder for a declared charset; one TextDecoder does not know (a typo, a private name) reads as UTF-8. */
function decoderFor(charset: string | undefined) {
  try {
    return new TextDecoder(charset ?? 'utf-8');
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return new TextDecoder('utf-8');
  }
}

/** Decoded text written back as a vCard 3.0 value: line breaks as `\n`; in 2.1 (no comma lists) commas escaped. */
function escapeText(text: string, legacy: boolean): string {
  const lines = text.replace(/\r\n|\r/g, '\n').replace(/\n/g, '\\n');
  return legacy ? lines.replace(/(?<!\\),/g, '\\,') : lines;
}

function quoteParam(value: string): string {
  const v = value.replace(/"/g, "'");
  return /[;:,]/.test(v) ? `"${v}"` : v;
}

/** Physical lines joined into logical ones: folding, and QUOTED-PRINTABLE soft breaks. */
function logicalLines(block: string): string[] {
  const out: string[] = [];
  for (const physical of block.split(/\r\n|\n|\r/)) {
    const last = out.length - 1;
    const prev = out[last];
    if (prev !== undefined && /^[ \t]/.test(physical)) {
      out[last] = prev + physical.slice(1);
    } else if (prev !== undefined && prev.endsWith('=') && /QUOTED-PRINTABLE/i.test(splitLine(prev).head)) {
      out[last] = prev.slice(0, -1) + physical;
    } else if (prev !== undefined && /^[A-Za-z0-9+/]+=*$/.test(physical) && /ENCODING=(BASE64|B)\b|;BASE64\b/i.test(splitLine(prev).head)) {
      // 2.1 writers that did not indent the lines of a base64 value.
      out[last] = prev + physical;
    } else if (physical.trim() !== '') out.push(physical);
  }
  return out;
}

export function normaliseCard(block: string): NormalisedCard {
  const lines = logicalLines(block);
  const version = lines.find((l) => /^VERSION:/i.test(l))?.slice(8).trim();
  const legacy = version === undefined || version.startsWith('2');
  const out: string[] = [];
  const dropped: string[] = [];
  const emptied: string[] = [];
  for (const line of lines) {
    const { head, value } = splitLine(line);
    const [rawName = '', ...paramParts] = splitParams(head);
    const name = rawName.trim();
    if (!NAME.test(name)) {
      dropped.push(line.slice(0, 300));
      continue;
    }
    const upper = name.toUpperCase();
    if (upper === 'BEGIN' || upper === 'END') {
      out.push(`${upper}:${(value ?? '').trim().toUpperCase()}`);
      continue;
    }
    if (value === undefined) emptied.push(name);
    const params = parseParams(paramParts);
    const encoding = params.find((p) => p.name === 'ENCODING')?.value.toUpperCase();
    const charset = params.find((p) => p.name === 'CHARSET')?.value;
    let text = value ?? '';
    if (encoding === 'QUOTED-PRINTABLE') text = escapeText(decodeQuotedPrintable(text, charset), legacy);
    else if (legacy && upper.endsWith('GEO')) text = text.replace(/^\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*$/, '$1;$2');
    else if (legacy && encoding !== 'BASE64' && encoding !== 'B') text = text.replace(/(?<!\\),/g, '\\,');
    if (encoding === 'BASE64' || encoding === 'B') text = text.replace(/\s+/g, '');
    const kept = new Map<string, string[]>();
    for (const p of params) {
      if (p.name === 'CHARSET' || (p.name === 'ENCODING' && (encoding === 'QUOTED-PRINTABLE' || encoding === '8BIT' || encoding === '7BIT'))) continue;
      const v = p.name === 'ENCODING' ? 'b' : p.value;
      const list = kept.get(p.name) ?? [];
      // TYPE=a,b and TYPE=a;TYPE=b are one list; other repeated parameters keep their first value.
      if (p.name === 'TYPE') list.push(...v.split(',').map((t) => t.trim()).filter(Boolean));
      else if (list.length === 0) list.push(v);
      kept.set(p.name, list);
    }
    const paramText = [...kept].map(([k, vs]) => (k === 'TYPE' ? `;TYPE=${vs.map(quoteParam).join(',')}` : `;${k}=${quoteParam(vs[0] ?? '')}`)).join('');
    out.push(`${name}${paramText}:${text}`);
  }
  return { text: `${out.join('\r\n')}\r\n`, dropped, emptied };
}
