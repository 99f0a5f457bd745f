import { convert } from 'html-to-text';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { binaryIri, iri, lit, namedNode, RecordBuilder, sha256Hex, stableId, type LockerRecord } from '../model/index.js';
import type { BinaryWrite } from '../model/index.js';
import { makeBinary } from './media.js';
import { checkDeadline, ImportAbort, rawText, type ImportContext, type Importer, type ParsedItem, type ParseResult, type StreamSource } from './types.js';

const S = (l: string) => iri('schema', l);

/**
 * Mail: `.eml` files and `mbox` mailboxes (as Thunderbird, Apple Mail and
 * Google Takeout write them) → message records. An mbox is split at its
 * `From ` lines while it streams in, so a mailbox of gigabytes is never held
 * whole; each message is parsed by `mailparser`. Sender and recipients are
 * linked to contacts with the same address; the thread is the first message
 * of References/In-Reply-To; attachments become binaries. HTML bodies are
 * kept as text only (converted by mailparser), never as HTML.
 */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const MAX_TEXT = 200_000;

const EXT: Readonly<Record<string, string>> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'text/plain': 'txt', 'text/calendar': 'ics', 'text/vcard': 'vcf' };

function people(a: AddressObject | AddressObject[] | undefined): Array<{ name?: string; email: string }> {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return list.flatMap((x) => x.value).flatMap((v) => (v.address ? [{ email: v.address.toLowerCase(), ...(v.name ? { name: v.name } : {}) }] : []));
}

function extOf(name: string | undefined, type: string): string {
  const fromName = /\.([A-Za-z0-9]{1,8})$/.exec(name ?? '')?.[1]?.toLowerCase();
  return fromName ?? EXT[type] ?? 'bin';
}

/** The time in a `Received:` header (after its last `;`), the one the receiving server wrote. */
function receivedDate(mail: ParsedMail): Date | undefined {
  const h = mail.headers.get('received');
  const all = (Array.isArray(h) ? h : h === undefined ? [] : [h]).filter((x): x is string => typeof x === 'string');
  for (const line of all) {
    const t = Date.parse(line.slice(line.lastIndexOf(';') + 1).trim());
    if (Number.isFinite(t)) return new Date(t);
  }
  return undefined;
}

/** The date of an mbox `From ` line (`From sender Thu Jan  1 00:00:00 2004`, asctime, taken as UTC). */
export function envelopeDate(fromLine: string | undefined): Date | undefined {
  const m = /([A-Z][a-z]{2}) +(\d{1,2}) +(\d{1,2}:\d{2}(?::\d{2})?) +(\d{4})\s*$/.exec(fromLine?.trim() ?? '');
  if (!m) return undefined;
  const t = Date.parse(`${m[2]} ${m[1]} ${m[4]} ${m[3]} UTC`);
  return Number.isFinite(t) ? new Date(t) : undefined;
}

/**
 * One message as a record, or why it can't be one. A message without a readable `Date:` (a draft, a broken
 * client) takes the time its server received it (`Received:`), else its mbox `From ` line, and says so.
 */
export async function messageRecord(mail: ParsedMail, raw: Uint8Array, ctx: ImportContext, envelope?: string): Promise<ParsedItem | string> {
  const id = mail.messageId?.trim();
  const given = mail.date && Number.isFinite(mail.date.getTime()) ? mail.date : undefined;
  const fallback = given ? undefined : (receivedDate(mail) ?? envelopeDate(envelope));
  const date = given ?? fallback;
  const b = new RecordBuilder('message', stableId('message', id ? `mid\u0000${id}` : `raw\u0000${sha256Hex(raw)}`));
  // Kept even with no time at all (a draft, a test message): it is not on the timeline, but it is not lost.
  if (!given) b.set(iri('lk', 'note'), lit.string(fallback ? 'No Date: header: the time is when it was received.' : 'No Date: header, and nothing else tells when it was sent.'));
  b.set(S('name'), lit.string((mail.subject ?? '').trim().slice(0, 500) || '(no subject)'));
  if (date) b.set(S('dateSent'), lit.dateTime(date.toISOString().replace('.000Z', 'Z')));
  const addPerson = (pred: string, p: { name?: string; email: string }, n: string) => {
    const node = b.node(n);
    b.set(S(pred), node);
    b.typeOf(node, S('Person'));
    if (p.name) b.add(node, S('name'), lit.string(p.name.slice(0, 200)));
    b.add(node, S('email'), lit.string(p.email.slice(0, 320)));
  };
  const from = people(mail.from)[0];
  if (from) addPerson('sender', from, 'sender');
  people(mail.to).slice(0, 200).forEach((p, i) => addPerson('toRecipient', p, `to-${i + 1}`));
  people(mail.cc).slice(0, 200).forEach((p, i) => addPerson('ccRecipient', p, `cc-${i + 1}`));
  // Text only: an HTML-only body is converted (images and link targets dropped), never kept as HTML.
  const body = mail.text ?? (typeof mail.html === 'string' ? convert(mail.html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }, { selector: 'a', options: { ignoreHref: true } }] }) : '');
  const text = body.replace(/\r\n/g, '\n').trim();
  if (text) b.set(S('text'), lit.string(text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}\n[…]` : text));
  if (id) b.set(S('identifier'), lit.string(id.slice(0, 500)));
  const refs = Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [];
  const root = refs[0] ?? mail.inReplyTo ?? id;
  if (root) {
    const t = b.node('thread');
    b.set(S('isPartOf'), t);
    b.typeOf(t, S('Conversation'));
    b.add(t, S('identifier'), lit.string(root.trim().slice(0, 500)));
  }
  const binaries: BinaryWrite[] = [];
  for (const a of mail.attachments) {
    if (a.related) continue; // inline images of an HTML body
    if (a.size > ctx.caps.maxBinaryBytes) return `attachment ${JSON.stringify((a.filename ?? '').slice(0, 60))} of "${(mail.subject ?? '').slice(0, 60)}" is larger than the ${Math.round(ctx.caps.maxBinaryBytes / 1024 / 1024)} MB limit`;
    const bin = makeBinary(new Uint8Array(a.content), a.contentType || 'application/octet-stream', extOf(a.filename, a.contentType));
    binaries.push(bin);
    b.set(S('messageAttachment'), namedNode(binaryIri(bin.name)));
  }
  const record: LockerRecord = b.build();
  return { record, ...(binaries.length && { binaries }) };
}

/** One message, with where it is (its first line in the mailbox, and its start as text) on what it gives. */
async function parseOne(raw: Uint8Array, ctx: ImportContext, at: { line?: number; envelope?: string }): Promise<ParsedItem> {
  const source = { ...(at.line !== undefined && { line: at.line }), raw: rawText(Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, 4000)).toString('latin1')) };
  if (raw.byteLength > MAX_MESSAGE_BYTES) throw new ImportAbort({ kind: 'too-large', message: `a message is larger than ${MAX_MESSAGE_BYTES / 1024 / 1024} MB` });
  const mail = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), { skipHtmlToText: false, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  const r = await messageRecord(mail, raw, ctx, at.envelope);
  if (typeof r === 'string') return { skipped: { ...source, reason: r } };
  return r.record ? { ...r, source } : r;
}

/** Splits an mbox stream into messages at `From ` lines (after a newline), un-escaping `>From ` (mboxrd). */
async function* mboxMessages(src: StreamSource, progress: { bytes: number }): AsyncGenerator<{ bytes: Uint8Array; line: number; envelope: string }> {
  let line = 1;
  const cut = (m: Buffer) => {
    const nl = m.indexOf(10);
    const envelope = m.subarray(0, nl < 0 ? m.length : nl).toString('latin1');
    const at = line;
    for (let i = m.indexOf(10); i >= 0; i = m.indexOf(10, i + 1)) line++;
    return { bytes: unescape(m.subarray(nl + 1)), line: at + 1, envelope };
  };
  let buf = Buffer.alloc(0);
  const unescape = (m: Buffer) => Buffer.from(m.toString('latin1').replace(/^>(>*From )/gm, '$1'), 'latin1');
  const separator = Buffer.from('\nFrom ');
  let started = false;
  for await (const chunk of src.chunks()) {
    progress.bytes += chunk.byteLength;
    buf = buf.length ? Buffer.concat([buf, chunk]) : Buffer.from(chunk);
    if (!started) {
      if (buf.length < 5) continue;
      if (buf.subarray(0, 5).toString('latin1') !== 'From ') throw new ImportAbort({ kind: 'invalid', message: 'not an mbox mailbox (it does not start with a "From " line)' });
      started = true;
    }
    for (;;) {
      const at = buf.indexOf(separator, 1);
      if (at < 0) break;
      const message = buf.subarray(0, at + 1);
      buf = buf.subarray(at + 1);
      yield cut(message);
    }
    if (buf.length > MAX_MESSAGE_BYTES) throw new ImportAbort({ kind: 'too-large', message: `a message is larger than ${MAX_MESSAGE_BYTES / 1024 / 1024} MB` });
  }
  if (buf.length > 5) yield cut(buf);
}

async function* mboxItems(src: StreamSource, ctx: ImportContext, progress: { bytes: number }): AsyncGenerator<ParsedItem> {
  let n = 0;
  for await (const m of mboxMessages(src, progress)) {
    yield await parseOne(m.bytes, ctx, { line: m.line, envelope: m.envelope });
    if (++n % 200 === 0) checkDeadline(ctx);
    if (n > ctx.caps.maxRecordsPerFile) throw new ImportAbort({ kind: 'too-large', message: `more than ${ctx.caps.maxRecordsPerFile} messages in one file` });
  }
}

function streamMbox(src: StreamSource, ctx: ImportContext): ParseResult {
  const progress = { bytes: 0 };
  return { kind: 'ok', parsed: { count: 0, items: mboxItems(src, ctx, progress), bytesRead: () => progress.bytes } };
}

export const mboxImporter: Importer = {
  id: 'mbox',
  mediaType: 'application/mbox',
  stream: streamMbox,
  parse(text: string, ctx: ImportContext): ParseResult {
    const bytes = Buffer.from(text, 'latin1');
    return streamMbox({ size: bytes.byteLength, chunks: async function* () { yield bytes; } }, ctx);
  },
  parseBytes(bytes: Uint8Array, ctx: ImportContext): ParseResult {
    return streamMbox({ size: bytes.byteLength, chunks: async function* () { yield bytes; } }, ctx);
  },
};

async function* emlItems(bytes: Uint8Array, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  yield await parseOne(bytes, ctx, { line: 1 });
}

export const emlImporter: Importer = {
  id: 'eml',
  mediaType: 'message/rfc822',
  parse(text: string, ctx: ImportContext): ParseResult {
    return { kind: 'ok', parsed: { count: 1, items: emlItems(Buffer.from(text, 'utf8'), ctx) } };
  },
  parseBytes(bytes: Uint8Array, ctx: ImportContext): ParseResult {
    return { kind: 'ok', parsed: { count: 1, items: emlItems(bytes, ctx) } };
  },
};
