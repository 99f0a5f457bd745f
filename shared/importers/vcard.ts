import ICAL from 'ical.js';
import { binaryIri, iri, lit, namedNode, RecordBuilder, sha256Hex, stableId, type LockerRecord } from '../model/index.js';
import type { BinaryWrite } from '../model/index.js';
import { decodeBase64, makeBinary, sniffImage } from './media.js';
import { scanContentLines } from './text.js';
import { blockItems } from './blocks.js';
import { failed, type ImportContext, type Importer, type ParseResult } from './types.js';

type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;

const V = (l: string) => iri('vcard', l);
const LK = (l: string) => iri('lk', l);

const TEL_TYPES: Record<string, string> = { cell: 'Cell', home: 'Home', work: 'Work', fax: 'Fax', voice: 'Voice', pager: 'Pager', text: 'Text', video: 'Video' };
const PLACE_TYPES: Record<string, string> = { home: 'Home', work: 'Work' };

function str(v: unknown): string {
  if (Array.isArray(v)) return v.map(str).filter(Boolean).join(' ');
  return typeof v === 'string' ? v.trim() : v === null || v === undefined ? '' : String(v).trim();
}

function types(p: Property): string[] {
  const t = p.getParameter('type');
  const list = Array.isArray(t) ? t : typeof t === 'string' ? t.split(',') : [];
  return list.map((x) => String(x).toLowerCase().trim());
}

function firstText(c: Component, name: string): string | undefined {
  const s = str(c.getFirstPropertyValue(name));
  return s === '' ? undefined : s;
}

function structured(p: Property | null): string[] {
  if (!p) return [];
  const v = p.getFirstValue();
  return Array.isArray(v) ? v.map(str) : [str(v)];
}

function telIri(value: string): string | undefined {
  const v = value.trim();
  if (/^tel:/i.test(v)) return `tel:${v.slice(4).replace(/\s+/g, '')}`;
  const cleaned = v.replace(/[\s()]/g, '').replace(/[^0-9+*#.\-a-zA-Z;=]/g, '');
  return /[0-9]/.test(cleaned) ? `tel:${cleaned}` : undefined;
}

function birthday(p: Property | null): ReturnType<typeof lit.date> | undefined {
  if (!p) return undefined;
  const v = p.getFirstValue() as unknown;
  if (v && typeof v === 'object' && 'month' in v) {
    const t = v as { year: number | null; month: number | null; day: number | null };
    const mm = t.month ? String(t.month).padStart(2, '0') : undefined;
    const dd = t.day ? String(t.day).padStart(2, '0') : undefined;
    if (t.year && mm && dd) return lit.date(`${String(t.year).padStart(4, '0')}-${mm}-${dd}`);
    if (mm && dd) return lit.string(`--${mm}-${dd}`);
    if (t.year) return lit.string(String(t.year));
  }
  const s = str(v);
  return s ? lit.string(s) : undefined;
}

function photo(p: Property, ctx: ImportContext, who: string): { binary?: BinaryWrite; link?: string } | string {
  const raw = p.getFirstValue() as unknown;
  let data: string | undefined;
  if (raw && typeof raw === 'object' && 'value' in raw) data = String((raw as { value: unknown }).value);
  else if (typeof raw === 'string') {
    const m = /^data:([^;,]*)(;base64)?,(.*)$/is.exec(raw.trim());
    if (m) {
      if (!m[2]) return `${who}: PHOTO data URI is not base64`;
      data = m[3];
    } else if (/^https?:\/\/\S+$/i.test(raw.trim())) return { link: raw.trim() };
    else data = raw;
  }
  if (!data) return {};
  if (data.length > (ctx.caps.maxBinaryBytes * 4) / 3 + 4) return `${who}: embedded photo is larger than the ${ctx.caps.maxBinaryBytes} byte limit`;
  const bytes = decodeBase64(data);
  if (!bytes) return `${who}: embedded photo is not valid base64`;
  const kind = sniffImage(bytes);
  if (!kind) return {}; // not an image we recognise: dropped rather than stored under a false media type
  return { binary: makeBinary(bytes, kind.type, kind.ext) };
}

function cardKey(card: Component): string {
  const uid = firstText(card, 'uid');
  if (uid) return `uid:${uid}`;
  const parts = ['fn', 'n', 'email', 'tel', 'org', 'bday'].flatMap((n) => card.getAllProperties(n).map((p) => `${n}:${JSON.stringify(p.getValues())}`)).sort();
  return `content:${sha256Hex(parts.join('\n'))}`;
}

function convertCard(card: Component, ctx: ImportContext): { record: LockerRecord; binaries: BinaryWrite[] } | string {
  const b = new RecordBuilder('contact', stableId('contact', cardKey(card)));
  const n = structured(card.getFirstProperty('n'));
  const [family = '', given = '', additional = '', prefix = '', suffix = ''] = n;
  const emails = card.getAllProperties('email');
  const org = structured(card.getFirstProperty('org'));
  const fn =
    firstText(card, 'fn') ??
    ([prefix, given, additional, family, suffix].filter(Boolean).join(' ') || org[0] || str(emails[0]?.getFirstValue()) || undefined);
  const who = fn ? `contact "${fn.slice(0, 60)}"` : `contact ${firstText(card, 'uid') ?? '(no name)'}`;
  if (!fn) return `${who}: has no name (FN, N, ORG or EMAIL)`;
  b.set(V('fn'), lit.string(fn));
  if (n.some(Boolean)) {
    const node = b.node('name');
    b.set(V('hasName'), node);
    b.typeOf(node, V('Name'));
    b.add(node, V('family-name'), lit.string(family));
    b.add(node, V('given-name'), lit.string(given));
    b.add(node, V('additional-name'), lit.string(additional));
    b.add(node, V('honorific-prefix'), lit.string(prefix));
    b.add(node, V('honorific-suffix'), lit.string(suffix));
  }
  for (const p of card.getAllProperties('nickname')) for (const v of p.getValues()) if (str(v)) b.set(V('nickname'), lit.string(str(v)));
  emails.forEach((p, i) => {
    const addr = str(p.getFirstValue()).replace(/^mailto:/i, '');
    if (!/^[^@\s]+@[^@\s]+$/.test(addr)) return;
    const node = b.node(`email-${i + 1}`);
    b.set(V('hasEmail'), node);
    for (const t of types(p)) if (PLACE_TYPES[t]) b.typeOf(node, V(PLACE_TYPES[t] as string));
    b.add(node, V('value'), namedNode(`mailto:${addr.toLowerCase()}`));
  });
  card.getAllProperties('tel').forEach((p, i) => {
    const tel = telIri(str(p.getFirstValue()));
    if (!tel) return;
    const node = b.node(`tel-${i + 1}`);
    b.set(V('hasTelephone'), node);
    for (const t of types(p)) if (TEL_TYPES[t]) b.typeOf(node, V(TEL_TYPES[t] as string));
    b.add(node, V('value'), namedNode(tel));
  });
  card.getAllProperties('adr').forEach((p, i) => {
    const [pobox = '', ext = '', street = '', locality = '', region = '', code = '', country = ''] = structured(p);
    if (![pobox, ext, street, locality, region, code, country].some(Boolean)) return;
    const node = b.node(`address-${i + 1}`);
    b.set(V('hasAddress'), node);
    for (const t of types(p)) if (PLACE_TYPES[t]) b.typeOf(node, V(PLACE_TYPES[t] as string));
    b.add(node, V('street-address'), lit.string([pobox && `PO Box ${pobox}`, ext, street].filter(Boolean).join(', ')));
    b.add(node, V('locality'), lit.string(locality));
    b.add(node, V('region'), lit.string(region));
    b.add(node, V('postal-code'), lit.string(code));
    b.add(node, V('country-name'), lit.string(country));
  });
  b.set(V('bday'), birthday(card.getFirstProperty('bday')));
  if (org[0]) b.set(V('organization-name'), lit.string(org[0]));
  for (const unit of org.slice(1)) if (unit) b.set(V('organization-unit'), lit.string(unit));
  b.set(V('title'), firstText(card, 'title') ? lit.string(firstText(card, 'title') as string) : undefined);
  b.set(V('role'), firstText(card, 'role') ? lit.string(firstText(card, 'role') as string) : undefined);
  const notes = card.getAllProperties('note').map((p) => str(p.getFirstValue())).filter(Boolean);
  if (notes.length) b.set(V('note'), lit.string(notes.join('\n\n')));
  for (const p of card.getAllProperties('url')) {
    const u = str(p.getFirstValue());
    if (/^https?:\/\/\S+$/i.test(u)) b.set(V('url'), namedNode(u));
  }
  for (const p of card.getAllProperties('categories')) for (const v of p.getValues()) if (str(v)) b.set(LK('tag'), lit.string(str(v)));
  const uid = firstText(card, 'uid');
  if (uid) b.set(V('hasUID'), lit.string(uid));
  const binaries: BinaryWrite[] = [];
  const photoP = card.getFirstProperty('photo');
  if (photoP) {
    const ph = photo(photoP, ctx, who);
    if (typeof ph === 'string') return ph;
    if (ph.binary) {
      binaries.push(ph.binary);
      b.set(V('hasPhoto'), namedNode(binaryIri(ph.binary.name)));
    } else if (ph.link) b.set(V('hasPhoto'), namedNode(ph.link));
  }
  return { record: b.build(), binaries };
}

/** vCard 3.0 and 4.0 (RFC 2426, RFC 6350): every card becomes a vcard:Individual, as SolidOS contacts stores them. */
export const vcardImporter: Importer = {
  id: 'vcard',
  mediaType: 'text/vcard',
  parse(source: string, ctx: ImportContext): ParseResult {
    const scan = scanContentLines(source, ctx.caps, 'VCARD');
    if (scan.kind === 'error') return failed('malformed', `not a valid vCard file: ${scan.message}`);
    if (scan.components > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} cards in one file`);
    // Cards are cut out of the text and parsed one at a time: one card ical.js cannot read is skipped, not the file.
    const blocks = splitCards(source);
    if (blocks.length === 0) return failed('malformed', 'not a valid vCard file: no BEGIN:VCARD … END:VCARD');
    const count = blocks.length;
    const items = blockItems(source, blocks, ctx, 'this card', (block) => convertCard(new ICAL.Component(ICAL.parse(block) as never), ctx));
    return { kind: 'ok', parsed: { count, items } };
  },
};

/** Offsets of each top-level BEGIN:VCARD … END:VCARD (a vCard 2.1 AGENT card nested inside stays with its card). */
function splitCards(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let depth = 0;
  let start = -1;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const head = text.slice(pos, Math.min(end, pos + 12)).toUpperCase();
    if (head.startsWith('BEGIN:VCARD')) {
      if (depth === 0) start = pos;
      depth++;
    } else if (head.startsWith('END:VCARD') && depth > 0) {
      depth--;
      if (depth === 0) out.push([start, Math.min(end + 1, text.length)]);
    }
    pos = end + 1;
  }
  return out;
}
