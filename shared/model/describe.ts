import type { Quad, Term } from '@rdfjs/types';
import { sha256Hex } from './ids.js';
import { isProvenanceQuad, PROVENANCE_SOURCE, readProvenance, type Provenance } from './provenance.js';
import { binaryIri, docIri, LOCAL_ROOT, termKey, type LockerRecord } from './record.js';
import { TYPES, type RecordType } from './types.js';
import { iri, localName, NS, RDF_TYPE, XSD } from './vocab.js';

/** What the store indexes about a record, computed from its triples. */
export interface RecordIndex {
  readonly title: string;
  readonly startText: string | undefined;
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;
  /** Every human-readable text value, for full-text search. */
  readonly body: string;
  /** Email addresses the record is about (`self`: a contact's own; `attendee`: people in an event). */
  readonly emails: ReadonlyArray<{ readonly email: string; readonly role: 'self' | 'attendee' }>;
  /** Names (`files/<name>`) of binary resources the record links to. */
  readonly binaries: readonly string[];
  /** Digest of the content without provenance: equal digests mean nothing changed. */
  readonly contentHash: string;
}

const NOT_SEARCHED = new Set([iri('schema', 'identifier'), iri('vcard', 'hasUID'), iri('lk', 'rrule'), iri('schema', 'sha256'), iri('lk', 'timeZone'), iri('schema', 'encodingFormat')]);
const TEXT_TYPES = new Set([XSD.string, iri('rdf', 'langString')]);

/** Milliseconds since the epoch for an xsd:date / xsd:dateTime lexical form; floating times count as UTC. */
export function timeValue(text: string): number | undefined {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

export function indexRecord(record: LockerRecord): RecordIndex {
  const info = TYPES[record.type];
  const doc = docIri(record.type, record.id);
  const it = `${doc}#it`;
  const own = (p: string): Quad | undefined => record.quads.find((q) => q.subject.value === it && q.predicate.value === p && q.object.termType === 'Literal');
  let title = '';
  for (const p of info.titleFrom) {
    const q = own(p);
    if (q && q.object.value.trim()) {
      title = q.object.value.trim().replace(/\s+/g, ' ');
      break;
    }
  }
  if (title.length > 200) title = `${title.slice(0, 199)}…`;
  if (!title) title = `(untitled ${info.label.toLowerCase()})`;
  const startText = info.startFrom ? own(info.startFrom)?.object.value : undefined;
  const endText = info.endFrom ? own(info.endFrom)?.object.value : undefined;
  const content = record.quads.filter((q) => !isProvenanceQuad(q, doc));
  const texts: string[] = [];
  const emails: Array<{ email: string; role: 'self' | 'attendee' }> = [];
  const binaries = new Set<string>();
  const filesPrefix = binaryIri('');
  // The file a record came from is found by its name too (provenance is left out of everything else here).
  const source = record.quads.find((q) => q.subject.value === `${doc}#${PROVENANCE_SOURCE}` && q.predicate.value === iri('schema', 'name') && q.object.termType === 'Literal');
  if (source) texts.push(source.object.value);
  for (const q of content) {
    const o = q.object;
    if (o.termType === 'NamedNode' && o.value.startsWith('tel:')) texts.push(...phoneForms(o.value.slice(4)));
    if (o.termType === 'Literal' && TEXT_TYPES.has(o.datatype.value) && !NOT_SEARCHED.has(q.predicate.value)) texts.push(o.value);
    if (o.termType === 'NamedNode') {
      if (o.value.startsWith('mailto:')) {
        const email = normaliseEmail(o.value.slice(7));
        if (email) {
          emails.push({ email, role: record.type === 'contact' ? 'self' : 'attendee' });
          texts.push(email);
        }
      }
      if (o.value.startsWith(filesPrefix)) binaries.add(o.value.slice(filesPrefix.length));
    }
    if (q.predicate.value === iri('schema', 'email') && o.termType === 'Literal') {
      const email = normaliseEmail(o.value);
      if (email) emails.push({ email, role: record.type === 'contact' ? 'self' : 'attendee' });
    }
  }
  const uniqueEmails = [...new Map(emails.map((e) => [`${e.role}|${e.email}`, e])).values()];
  return {
    title,
    startText,
    startMs: startText ? timeValue(startText) : undefined,
    endMs: endText ? timeValue(endText) : undefined,
    body: [...new Set([...texts, ...texts.map(foldLetters).filter((f): f is string => f !== undefined)])].join('\n'),
    emails: uniqueEmails,
    binaries: [...binaries],
    contentHash: contentHash(content),
  };
}

/**
 * Letters the search index's diacritic folding leaves alone because they are letters of their own, not a
 * letter with a mark (Polish ł, Danish ø, German ß…): a folded copy of text holding them is indexed too, so
 * "lukasz" finds "Łukasz" as "zurich" finds "Zürich". Undefined when there is nothing to fold.
 */
const FOLDS: Readonly<Record<string, string>> = { ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', þ: 'th', Þ: 'Th', ð: 'd', Ð: 'D', ı: 'i', ħ: 'h', Ħ: 'H' };
const FOLDABLE = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'g');

function foldLetters(text: string): string | undefined {
  const folded = text.replace(FOLDABLE, (c) => FOLDS[c] ?? c);
  return folded === text ? undefined : folded;
}

/**
 * A phone number as people type it into a search box: the whole number with its country code
 * (`+15551212` → `15551212`) and, for a number with one, the national part as well (`5551212`), so that
 * a prefix of either finds it; and its last seven and four digits.
 */
function phoneForms(raw: string): string[] {
  // tel: URI parameters (`;ext=102`) are not part of the number.
  const digits = decodeURIComponent(raw.split(';')[0] ?? '').replace(/[^0-9+]/g, '');
  if (!/[0-9]{3,}/.test(digits)) return [];
  const all = digits.replace(/^\+/, '');
  const out = [all];
  // The subscriber's part, as it is often said and typed on its own ("555-1212" is searched as 555… and 1212…).
  if (all.length > 7) out.push(all.slice(-7), all.slice(-4));
  const national = /^\+(1|[2-9][0-9])([0-9]{6,})$/.exec(digits);
  if (national?.[2]) out.push(national[2], `0${national[2]}`);
  return out;
}

function normaliseEmail(raw: string): string | undefined {
  const e = decodeURIComponent(raw.replace(/\?.*$/, '')).trim().toLowerCase();
  return /^[^@\s]+@[^@\s]+$/.test(e) ? e : undefined;
}

/** Order-independent digest of a set of quads. */
function contentHash(quads: readonly Quad[]): string {
  const lines = quads.map((q) => `${termKey(q.subject)} ${q.predicate.value} ${termKey(q.object)}`).sort();
  return sha256Hex(lines.join('\n'));
}

export type JsonValue = string | number | boolean | JsonObject | JsonValue[];
export interface JsonObject {
  [key: string]: JsonValue;
}

/** The JSON form `locker show --format json` prints: property local names to values. */
export interface RecordJson {
  readonly id: string;
  readonly type: RecordType;
  readonly title: string;
  readonly start?: string;
  readonly properties: JsonObject;
  readonly provenance?: Provenance;
}

function literalJson(t: Term): JsonValue {
  if (t.termType !== 'Literal') return t.value;
  const dt = t.datatype.value;
  if (dt === XSD.integer || dt === XSD.decimal || dt === XSD.double) {
    const n = Number(t.value);
    return Number.isFinite(n) ? n : t.value;
  }
  if (dt === XSD.boolean) return t.value === 'true';
  return t.value;
}

export function recordToJson(record: LockerRecord): RecordJson {
  const doc = docIri(record.type, record.id);
  const content = record.quads.filter((q) => !isProvenanceQuad(q, doc));
  const bySubject = new Map<string, Quad[]>();
  for (const q of content) {
    const list = bySubject.get(q.subject.value);
    if (list) list.push(q);
    else bySubject.set(q.subject.value, [q]);
  }
  const nodeJson = (subject: string, depth: number): JsonObject => {
    const out: Record<string, JsonValue[]> = {};
    for (const q of bySubject.get(subject) ?? []) {
      if (q.predicate.value === RDF_TYPE && subject === `${doc}#it`) continue;
      const key = q.predicate.value === RDF_TYPE ? 'type' : localName(q.predicate.value);
      let value: JsonValue;
      if (q.object.termType === 'NamedNode' && q.object.value.startsWith(`${doc}#`) && depth < 4 && bySubject.has(q.object.value)) {
        value = nodeJson(q.object.value, depth + 1);
      } else if (q.object.termType === 'NamedNode') {
        value = shortIri(q.object.value);
      } else value = literalJson(q.object);
      (out[key] ??= []).push(value);
    }
    const flat: JsonObject = {};
    for (const [k, v] of Object.entries(out)) flat[k] = v.length === 1 ? (v[0] as JsonValue) : v;
    return flat;
  };
  const index = indexRecord(record);
  const provenance = readProvenance(record);
  return {
    id: record.id,
    type: record.type,
    title: index.title,
    ...(index.startText !== undefined && { start: index.startText }),
    properties: nodeJson(`${doc}#it`, 0),
    ...(provenance && { provenance }),
  };
}

/** Well-known class/enum IRIs print as `schema:EventCancelled`; local record IRIs stay full. */
function shortIri(value: string): string {
  if (value.startsWith(LOCAL_ROOT)) return value;
  for (const [p, ns] of Object.entries(NS)) if (value.startsWith(ns) && !value.slice(ns.length).includes('/')) return `${p}:${value.slice(ns.length)}`;
  return value;
}
