import ICAL from 'ical.js';
import { binaryIri, iri, lit, namedNode, RecordBuilder, sha256Hex, stableId, subjectIri, type LockerRecord } from '../model/index.js';
import type { BinaryWrite } from '../model/index.js';
import { decodeBase64, makeBinary, sniffImage } from './media.js';
import { scanContentLines } from './text.js';
import { blockItems } from './blocks.js';
import { normaliseCard } from './vcard-lines.js';
import { failed, type ImportContext, type Importer, type ParseResult } from './types.js';

type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;

const V = (l: string) => iri('vcard', l);
const LK = (l: string) => iri('lk', l);

const TEL_TYPES: Record<string, string> = { cell: 'Cell', home: 'Home', work: 'Work', fax: 'Fax', voice: 'Voice', pager: 'Pager', text: 'Text', video: 'Video', pref: 'Pref' };
const PLACE_TYPES: Record<string, string> = { home: 'Home', work: 'Work', pref: 'Pref' };
/** Apple's own labels (`item1.X-ABLabel:_$!<Mobile>!$_`) as vCard types; any other label is kept as the person wrote it. */
const APPLE_LABELS: Record<string, readonly string[]> = { mobile: ['cell'], iphone: ['cell'], home: ['home'], work: ['work'], homefax: ['home', 'fax'], workfax: ['work', 'fax'], pager: ['pager'], main: ['pref'], other: [] };
/** Properties read into fields of the record; any other (X- included) is kept as its content line in lk:vcardProperty. */
const MAPPED = new Set(['version', 'prodid', 'fn', 'n', 'nickname', 'email', 'tel', 'adr', 'bday', 'org', 'title', 'role', 'note', 'url', 'categories', 'uid', 'photo', 'geo', 'kind', 'member', 'impp', 'x-ablabel', 'x-addressbookserver-kind', 'x-addressbookserver-member']);
const MAX_KEPT_LINE = 2000;

function str(v: unknown): string {
  if (Array.isArray(v)) return v.map(str).filter(Boolean).join(' ');
  return typeof v === 'string' ? v.trim() : v === null || v === undefined ? '' : String(v).trim();
}

/** The property's TYPEs, `pref` when PREF=1 (4.0) says so, and what an Apple `X-ABLabel` of its group says. */
function types(p: Property, labels: ReadonlyMap<string, string>): string[] {
  const t = p.getParameter('type');
  const list = (Array.isArray(t) ? t : typeof t === 'string' ? t.split(',') : []).map((x) => String(x).toLowerCase().trim());
  if (String(p.getParameter('pref') ?? '') === '1') list.push('pref');
  const label = groupLabel(p, labels);
  const apple = label === undefined ? undefined : /^_\$!<(.+)>!\$_$/.exec(label)?.[1]?.toLowerCase();
  if (apple !== undefined) list.push(...(APPLE_LABELS[apple] ?? []));
  return list;
}

function groupLabel(p: Property, labels: ReadonlyMap<string, string>): string | undefined {
  const group = p.getParameter('group');
  return typeof group === 'string' ? labels.get(group.toLowerCase()) : undefined;
}

/** A label the person gave (not one of Apple's built-in ones), for rdfs:label on the phone, e-mail or address. */
function customLabel(p: Property, labels: ReadonlyMap<string, string>): string | undefined {
  const label = groupLabel(p, labels);
  if (label === undefined) return undefined;
  const apple = /^_\$!<(.+)>!\$_$/.exec(label)?.[1];
  if (apple === undefined) return label;
  return APPLE_LABELS[apple.toLowerCase()] === undefined ? apple : undefined;
}

/** Properties of one name, without the alternative representations (ALTID) after the first of each. */
function props(c: Component, name: string): Property[] {
  const seen = new Set<string>();
  return c.getAllProperties(name).filter((p) => {
    const alt = p.getParameter('altid');
    if (typeof alt !== 'string' || alt === '') return true;
    if (seen.has(alt)) return false;
    seen.add(alt);
    return true;
  });
}

function firstText(c: Component, name: string): string | undefined {
  const s = str(props(c, name)[0]?.getFirstValue());
  return s === '' ? undefined : s;
}

/** GEO as a geo: URI: 4.0 writes `geo:lat,lon`, 3.0 `lat;lon` (read by ical.js as a pair). */
function geoIri(p: Property): string | undefined {
  const v = p.getFirstValue() as unknown;
  const pair = Array.isArray(v) ? v.map(Number) : typeof v === 'string' ? /^(?:geo:)?\s*(-?\d+(?:\.\d+)?)\s*[,;]\s*(-?\d+(?:\.\d+)?)/i.exec(v)?.slice(1, 3).map(Number) : undefined;
  const [lat, lon] = pair ?? [];
  if (lat === undefined || lon === undefined || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  return `geo:${lat},${lon}`;
}

/** A group member (`urn:uuid:…`, as UID) as the contact record that card becomes; other URIs as they are. */
function memberIri(value: string, apple: boolean): string | undefined {
  // Apple's server writes members as urn:uuid:X of cards whose UID line is the bare X.
  const v = apple ? value.trim().replace(/^urn:uuid:/i, '') : value.trim();
  if (v === '' || /\s/.test(v) || (!apple && !/^[a-z][a-z0-9+.-]*:/i.test(v))) return undefined;
  if (apple || /^(urn:uuid:|uuid:)/i.test(v) || !/^(https?|mailto|tel):/i.test(v)) return subjectIri('contact', stableId('contact', `uid:${v}`));
  return v;
}

function structured(p: Property | null): string[] {
  if (!p) return [];
  const v = p.getFirstValue();
  return Array.isArray(v) ? v.map(str) : [str(v)];
}

function telIri(value: string): string | undefined {
  const v = value.trim();
  if (/^tel:/i.test(v)) return `tel:${v.slice(4).replace(/\s+/g, '')}`;
  // RFC 3966 keeps visual separators as '-': "(111) 555-1212" becomes tel:111-555-1212, not tel:111555-1212.
  const cleaned = v
    .replace(/[()]/g, ' ')
    .trim()
    .replace(/\s+/g, '-')
    .replace(/[^0-9+*#.\-a-zA-Z;=]/g, '')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
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
  const labels = new Map<string, string>();
  for (const p of card.getAllProperties('x-ablabel')) {
    const group = p.getParameter('group');
    const label = str(p.getFirstValue());
    if (typeof group === 'string' && label !== '') labels.set(group.toLowerCase(), label);
  }
  const n = structured(card.getFirstProperty('n'));
  const [family = '', given = '', additional = '', prefix = '', suffix = ''] = n;
  const emails = props(card, 'email');
  const org = structured(props(card, 'org')[0] ?? null);
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
  const typed = (node: ReturnType<RecordBuilder['node']>, p: Property, map: Record<string, string>) => {
    for (const t of types(p, labels)) if (map[t]) b.typeOf(node, V(map[t] as string));
    const label = customLabel(p, labels);
    if (label !== undefined) b.add(node, iri('rdfs', 'label'), lit.string(label));
  };
  for (const p of props(card, 'nickname')) for (const v of p.getValues()) if (str(v)) b.set(V('nickname'), lit.string(str(v)));
  emails.forEach((p, i) => {
    const addr = str(p.getFirstValue()).replace(/^mailto:/i, '');
    if (!/^[^@\s]+@[^@\s]+$/.test(addr)) return;
    const node = b.node(`email-${i + 1}`);
    b.set(V('hasEmail'), node);
    typed(node, p, PLACE_TYPES);
    b.add(node, V('value'), namedNode(`mailto:${addr.toLowerCase()}`));
  });
  props(card, 'tel').forEach((p, i) => {
    const tel = telIri(str(p.getFirstValue()));
    if (!tel) return;
    const node = b.node(`tel-${i + 1}`);
    b.set(V('hasTelephone'), node);
    typed(node, p, TEL_TYPES);
    b.add(node, V('value'), namedNode(tel));
  });
  props(card, 'adr').forEach((p, i) => {
    const [pobox = '', ext = '', street = '', locality = '', region = '', code = '', country = ''] = structured(p);
    // RFC 6350 puts the printed label in a parameter; its example writes line breaks as \n (RFC 6868 says ^n).
    const label = str(p.getParameter('label')).replace(/\\n|\^n/gi, '\n');
    if (![pobox, ext, street, locality, region, code, country, label].some(Boolean)) return;
    const node = b.node(`address-${i + 1}`);
    b.set(V('hasAddress'), node);
    typed(node, p, PLACE_TYPES);
    b.add(node, V('street-address'), lit.string([pobox && `PO Box ${pobox}`, ext, street].filter(Boolean).join(', ')));
    b.add(node, V('locality'), lit.string(locality));
    b.add(node, V('region'), lit.string(region));
    b.add(node, V('postal-code'), lit.string(code));
    b.add(node, V('country-name'), lit.string(country));
    b.add(node, V('label'), lit.string(label));
  });
  b.set(V('bday'), birthday(card.getFirstProperty('bday')));
  if (org[0]) b.set(V('organization-name'), lit.string(org[0]));
  for (const unit of org.slice(1)) if (unit) b.set(V('organization-unit'), lit.string(unit));
  b.set(V('title'), firstText(card, 'title') ? lit.string(firstText(card, 'title') as string) : undefined);
  b.set(V('role'), firstText(card, 'role') ? lit.string(firstText(card, 'role') as string) : undefined);
  const notes = props(card, 'note').map((p) => str(p.getFirstValue())).filter(Boolean);
  if (notes.length) b.set(V('note'), lit.string(notes.join('\n\n')));
  for (const p of props(card, 'url')) {
    const u = str(p.getFirstValue());
    if (/^https?:\/\/\S+$/i.test(u)) b.set(V('url'), namedNode(u));
  }
  for (const p of props(card, 'impp')) {
    const u = str(p.getFirstValue());
    if (/^[a-z][a-z0-9+.-]*:\S+$/i.test(u) && !/^(javascript|data|file):/i.test(u)) b.set(V('hasInstantMessage'), namedNode(u));
  }
  const geo = props(card, 'geo')[0];
  if (geo) b.set(V('hasGeo'), geoIri(geo) === undefined ? undefined : namedNode(geoIri(geo) as string));
  for (const p of props(card, 'categories')) for (const v of p.getValues()) if (str(v)) b.set(LK('tag'), lit.string(str(v)));
  // KIND:group (4.0) or Apple's X-ADDRESSBOOKSERVER-KIND:group (3.0): a vcard:Group with its members.
  const kind = (firstText(card, 'kind') ?? firstText(card, 'x-addressbookserver-kind') ?? '').toLowerCase();
  if (kind === 'group') {
    b.typeOf(b.subject, V('Group'));
    for (const [name, apple] of [['member', false], ['x-addressbookserver-member', true]] as const) {
      for (const p of card.getAllProperties(name)) {
        const m = memberIri(str(p.getFirstValue()), apple);
        if (m !== undefined) b.add(b.subject, V('hasMember'), namedNode(m));
      }
    }
  }
  const uid = firstText(card, 'uid');
  if (uid) b.set(V('hasUID'), lit.string(uid));
  // Everything else (X- properties, ANNIVERSARY, GENDER, LANG, RELATED, ALTID alternatives…) kept as written.
  for (const p of card.getAllProperties()) {
    const alt = p.getParameter('altid');
    const isAlternative = typeof alt === 'string' && alt !== '' && !props(card, p.name).includes(p);
    if (MAPPED.has(p.name) && !isAlternative) continue;
    if (p.getParameter('encoding') !== undefined || p.name === 'key' || p.name === 'logo' || p.name === 'sound') continue;
    const line = p.toICALString();
    if (line.length <= MAX_KEPT_LINE) b.add(b.subject, LK('vcardProperty'), lit.string(line));
  }
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

/** vCard 2.1, 3.0 and 4.0 (versit, RFC 2426, RFC 6350; see vcard-lines.ts for what is forgiven): every card becomes a vcard:Individual, as SolidOS contacts stores them. */
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
    const items = blockItems(source, blocks, ctx, 'this card', (block) => convertCard(new ICAL.Component(ICAL.parse(normaliseCard(block).text) as never), ctx));
    return { kind: 'ok', parsed: { count, items, ...(scan.warning !== undefined && { warnings: [scan.warning] }) } };
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
