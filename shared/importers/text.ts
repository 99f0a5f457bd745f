import type { ImportCaps } from './types.js';

/**
 * Decodes a text file: UTF-8 (with or without BOM, or UTF-16 with BOM);
 * bytes that aren't valid UTF-8 are read as Windows-1252, the usual legacy
 * encoding of old Outlook/Windows exports.
 */
export function decodeText(bytes: Uint8Array): string {
  return decodeAs(bytes, false).text;
}

/** Formats whose specification mandates UTF-8: invalid bytes in them are damage, not a legacy encoding. */
const JSON_FORMATS = new Set(['geojson', 'takeout-location', 'fhir', 'activitypub', 'twitter']);

/** True when the file's format requires UTF-8: JSON (RFC 8259), vCard 4.0 (RFC 6350 §3.1). */
export function mandatesUtf8(format: string, bytes: Uint8Array): boolean {
  if (JSON_FORMATS.has(format)) return true;
  if (format !== 'vcard') return false;
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  return /^VERSION:4\.0\s*$/im.test(head);
}

const XML_FORMATS = new Set(['gpx', 'kml', 'camt', 'ofx', 'apple-health']);

/**
 * The charset a file declares for itself, when it names one TextDecoder knows: an XML declaration
 * (`<?xml version="1.0" encoding="ISO-8859-15"?>`), an OFX 1.x header (`CHARSET:1252`, or
 * `ENCODING:UTF-8`), a vCard 2.1 `CHARSET=` parameter. Undefined when it says nothing usable.
 */
export function declaredCharset(format: string, bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  let name: string | undefined;
  if (XML_FORMATS.has(format)) name = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
  if (name === undefined && format === 'ofx') {
    if (/^ENCODING:\s*UTF-?8\s*$/im.test(head)) name = 'utf-8';
    else {
      const cs = /^CHARSET:\s*([A-Za-z0-9-]+)\s*$/im.exec(head)?.[1];
      // OFX writes code pages as bare numbers (1252, 8859-1); NONE means the default.
      name = cs === undefined || /^none$/i.test(cs) ? undefined : /^\d{3,4}$/.test(cs) ? `windows-${cs}` : /^8859-\d+$/.test(cs) ? `iso-${cs}` : cs;
    }
  }
  if (name === undefined && format === 'vcard') name = /;CHARSET=([A-Za-z0-9._:-]+)[;:]/i.exec(head)?.[1];
  if (name === undefined) return undefined;
  try {
    return new TextDecoder(name).encoding;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return undefined;
  }
}

/**
 * Decodes as `decodeText` does, except that a file whose format mandates
 * UTF-8 is never re-read as Windows-1252: its invalid bytes become U+FFFD,
 * counted in `replaced` so that the import can warn about them.
 */
export function decodeAs(bytes: Uint8Array, utf8Only: boolean, declared?: string): { text: string; replaced: number } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), replaced: 0 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), replaced: 0 };
  // Bytes that are UTF-8 are read as such whatever the file declares (a declaration left over from a template).
  // Otherwise a legacy charset the file declares is how it is read, else Windows-1252 — but a declared UTF-8 is
  // held to, as a mandated one is.
  const strict = utf8Only || declared === 'utf-8';
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), replaced: 0 };
  } catch {
    if (!strict) return { text: new TextDecoder(declared ?? 'windows-1252').decode(bytes), replaced: 0 };
    const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
    let replaced = 0;
    for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) replaced++;
    return { text, replaced };
  }
}

/** True when the bytes look like a binary file (NUL bytes or many control characters), not text. */
export function looksBinary(head: Uint8Array): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return false;
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return head.length > 0 && control / head.length > 0.05;
}

export type ScanResult = { readonly kind: 'ok'; readonly components: number; readonly warning?: string } | { readonly kind: 'error'; readonly message: string };

/**
 * One pass over RFC 5545/6350 content lines before the real parser runs:
 * refuses giant lines, deep nesting and unbalanced BEGIN/END (a truncated
 * file), so that the parser only ever sees sane input.
 */
export function scanContentLines(text: string, caps: ImportCaps, top: 'VCALENDAR' | 'VCARD'): ScanResult {
  const stack: Array<{ name: string; line: number }> = [];
  let logical = 0;
  let lineNo = 0;
  let components = 0;
  let topCount = 0;
  let pos = 0;
  const n = text.length;
  const outside: { lines: number; first?: number } = { lines: 0 };
  let misspelt: string | undefined;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    const raw = text.charCodeAt(end - 1) === 13 ? text.slice(pos, end - 1) : text.slice(pos, end);
    pos = end + 1;
    lineNo++;
    const first = raw.charCodeAt(0);
    if (first === 32 || first === 9) {
      logical += raw.length - 1;
    } else {
      logical = raw.length;
    }
    if (logical > caps.maxLineBytes) return { kind: 'error', message: `line ${lineNo} is longer than the limit of ${caps.maxLineBytes} characters` };
    if (first === 32 || first === 9 || raw.length === 0) continue;
    const upper = raw.length < 80 ? raw.toUpperCase() : raw.slice(0, 80).toUpperCase();
    if (upper.startsWith('BEGIN:')) {
      const name = upper.slice(6).trim();
      if (stack.length === 0) {
        if (name !== top) return { kind: 'error', message: `line ${lineNo}: expected BEGIN:${top}, found BEGIN:${name}` };
        topCount++;
      }
      stack.push({ name, line: lineNo });
      components++;
      if (stack.length > caps.maxDepth) return { kind: 'error', message: `line ${lineNo}: components are nested deeper than ${caps.maxDepth} levels` };
    } else if (upper.startsWith('END:')) {
      const name = upper.slice(4).trim();
      const open = stack.pop();
      if (!open) return { kind: 'error', message: `line ${lineNo}: END:${name} without a matching BEGIN` };
      if (open.name !== name) {
        // A misspelt end of the whole calendar or address book (`END:VCALENDARD`) once everything in it is closed:
        // its contents are whole, so they are read, and the slip is reported.
        if (stack.length === 0 && open.name === top && name.startsWith(top) && name.length <= top.length + 2) {
          misspelt ??= `line ${lineNo} says END:${name} where END:${top} was meant: read as such`;
          continue;
        }
        return { kind: 'error', message: `line ${lineNo}: END:${name} does not close BEGIN:${open.name} from line ${open.line} (the file may be truncated or corrupt)` };
      }
    } else if (stack.length === 0 && raw.trim() !== '') {
      // Text between blocks (a separator line, a mail client's note) is read past and reported, not a reason to refuse the file.
      outside.lines++;
      outside.first ??= lineNo;
    }
  }
  const open = stack.at(-1);
  if (open) return { kind: 'error', message: `the file ends inside BEGIN:${open.name} from line ${open.line}: it is truncated` };
  if (topCount === 0) return { kind: 'error', message: `no BEGIN:${top} found` };
  const lines = `${outside.lines} line${outside.lines === 1 ? '' : 's'}`;
  const stray = outside.first === undefined ? undefined : `${lines} outside any BEGIN:${top} … END:${top} block (the first at line ${outside.first}) ${outside.lines === 1 ? 'was' : 'were'} not read`;
  const warning = [misspelt, stray].filter((w): w is string => w !== undefined).join('; ');
  return warning === '' ? { kind: 'ok', components } : { kind: 'ok', components, warning };
}
