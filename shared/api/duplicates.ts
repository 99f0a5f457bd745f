import { DataFactory } from 'n3';
import type { Quad, Quad_Object, Quad_Subject } from '@rdfjs/types';
import { docIri, isProvenanceQuad, loadShapes, recordToJson, validateRecord, type LockerRecord, type RecordJson, type RecordType } from '../model/index.js';
import type { Locker } from './locker.js';

/**
 * Likely duplicates — the same person from a vCard and a Takeout archive, the
 * same payment in an OFX and a CSV statement — found by what identifies them
 * (an email, a phone number, a name; a date, an amount and a currency…) and
 * *proposed*; nothing is merged until the person says so (`mergeRecords`).
 */
export interface DuplicatePair {
  readonly type: RecordType;
  readonly a: { readonly id: string; readonly title: string; readonly source?: string | undefined };
  readonly b: { readonly id: string; readonly title: string; readonly source?: string | undefined };
  /** Why they look like one thing, in plain words: "same email ann@example.org". */
  readonly reasons: readonly string[];
}

const norm = (s: unknown) =>
  String(s ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9@.+]+/g, ' ')
    .trim();

const values = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const field = (v: unknown, key: string): unknown => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined);

/** The keys two records of a type share when they are likely the same thing; each with its reason. */
function keysOf(type: RecordType, j: RecordJson): Array<[key: string, reason: string]> {
  const p = j.properties;
  switch (type) {
    case 'contact': {
      const out: Array<[string, string]> = [];
      for (const e of values(p['hasEmail'])) {
        const v = String(field(e, 'value') ?? e).replace(/^mailto:/i, '').toLowerCase();
        if (v.includes('@')) out.push([`email ${v}`, `same email ${v}`]);
      }
      for (const t of values(p['hasTelephone'])) {
        const digits = String(field(t, 'value') ?? t).replace(/\D/g, '');
        if (digits.length >= 7) out.push([`phone ${digits.slice(-9)}`, `same phone number (…${digits.slice(-4)})`]);
      }
      const name = norm(p['fn']);
      if (name.includes(' ')) out.push([`name ${name}`, `same name ${String(p['fn'])}`]);
      return out;
    }
    case 'event':
      return [[`event ${norm(p['name'])} ${String(p['startDate'])}`, `same title and start (${String(p['startDate'])})`]];
    case 'place': {
      const lat = Number(field(p['geo'], 'latitude'));
      const lon = Number(field(p['geo'], 'longitude'));
      const name = norm(p['name']);
      return Number.isFinite(lat) && Number.isFinite(lon) ? [[`place ${name} ${lat.toFixed(3)} ${lon.toFixed(3)}`, 'same name, within about 100 m']] : [[`place ${name}`, 'same name']];
    }
    case 'purchase': {
      const price = p['totalPaymentDue'];
      return [[`purchase ${String(p['orderDate']).slice(0, 10)} ${Number(field(price, 'price')).toFixed(2)} ${String(field(price, 'priceCurrency'))}`, `same day, amount and currency (${String(p['orderDate']).slice(0, 10)}, ${Number(field(price, 'price')).toFixed(2)} ${String(field(price, 'priceCurrency'))})`]];
    }
    case 'health':
      return [[`health ${norm(p['name'])} ${String(p['observationDate'])} ${String(p['value'] ?? '')}`, 'same measurement, time and value']];
    case 'track':
      return p['departureTime'] ? [[`track ${String(p['departureTime'])} ${String(p['arrivalTime'] ?? '')}`, 'same start and end']] : [];
    default:
      return [];
  }
}

/** Records of different sources only, except contacts (two cards for one person in one address book are worth proposing too). */
function sameSource(type: RecordType, a: RecordJson, b: RecordJson): boolean {
  if (type === 'contact') return false;
  return !!a.provenance && !!b.provenance && a.provenance.sha256 === b.provenance.sha256;
}

const MAX_BUCKET = 50;

/** Likely duplicates among the live records (of one type, or all). */
export function findDuplicates(locker: Locker, opts: { type?: RecordType | undefined } = {}): DuplicatePair[] {
  const buckets = new Map<string, Array<{ id: string; json: RecordJson; reason: string }>>();
  const jsonById = new Map<string, RecordJson>();
  for (const r of locker.store.iterate()) {
    if (opts.type && r.type !== opts.type) continue;
    const rec = locker.store.getRecord(r.id);
    if (!rec) continue;
    const json = recordToJson(rec);
    for (const [key, reason] of keysOf(r.type, json)) {
      const list = buckets.get(`${r.type} ${key}`) ?? [];
      if (list.length < MAX_BUCKET) list.push({ id: r.id, json, reason });
      buckets.set(`${r.type} ${key}`, list);
    }
    jsonById.set(r.id, { ...json, properties: {} });
  }
  const pairs = new Map<string, { type: RecordType; a: RecordJson; b: RecordJson; reasons: Set<string> }>();
  for (const list of buckets.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let k = i + 1; k < list.length; k++) {
        const x = list[i];
        const y = list[k];
        if (!x || !y || x.id === y.id || sameSource(x.json.type, x.json, y.json)) continue;
        const [a, b] = x.id < y.id ? [x, y] : [y, x];
        const key = `${a.id} ${b.id}`;
        const pair = pairs.get(key) ?? { type: a.json.type, a: a.json, b: b.json, reasons: new Set<string>() };
        pair.reasons.add(x.reason);
        pairs.set(key, pair);
      }
    }
  }
  const dismissed = locker.dismissedDuplicates();
  return [...pairs.entries()]
    .filter(([key]) => !dismissed.has(key))
    .map(([, p]) => ({
      type: p.type,
      a: { id: p.a.id, title: p.a.title, source: p.a.provenance?.fileName },
      b: { id: p.b.id, title: p.b.title, source: p.b.provenance?.fileName },
      reasons: [...p.reasons].sort(),
    }))
    .sort((x, y) => x.type.localeCompare(y.type) || x.a.title.localeCompare(y.a.title));
}

export type MergeOutcome =
  | { readonly kind: 'ok'; readonly json: RecordJson; readonly removed: string }
  | { readonly kind: 'absent'; readonly id: string }
  | { readonly kind: 'different-types'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string };

/**
 * Merges `otherId` into `keepId`: every field the kept record lacks is taken
 * from the other; fields that can have many values (emails, phones, tags)
 * get the other's values it does not already have; where both have a
 * single-valued field, the kept record's value stays. The other record is
 * deleted, in the same transaction. Provenance stays the kept record's.
 */
export function mergeRecords(locker: Locker, keepId: string, otherId: string): Promise<MergeOutcome> {
  return locker.exclusive(async (): Promise<MergeOutcome> => {
    if (keepId === otherId) return { kind: 'invalid', message: 'a record cannot be merged with itself' };
    const keep = locker.store.getRecord(keepId);
    const other = locker.store.getRecord(otherId);
    if (!keep) return { kind: 'absent', id: keepId };
    if (!other) return { kind: 'absent', id: otherId };
    if (keep.type !== other.type) return { kind: 'different-types', message: `a ${keep.type} and a ${other.type} cannot be merged` };
    const merged = mergeQuads(keep, other);
    const check = await validateRecord(merged);
    if (!check.ok) return { kind: 'invalid', message: `the merged record would not be valid: ${check.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}` };
    locker.store.transaction(() => {
      locker.store.putRecords([merged]);
      locker.store.delete(otherId);
    });
    locker.forgetDismissals(keepId, otherId);
    return { kind: 'ok', json: recordToJson(merged), removed: otherId };
  });
}

function mergeQuads(keep: LockerRecord, other: LockerRecord): LockerRecord {
  const kDoc = docIri(keep.type, keep.id);
  const oDoc = docIri(other.type, other.id);
  const kIt = `${kDoc}#it`;
  const oIt = `${oDoc}#it`;
  const specs = new Map(loadShapes().specs[keep.type].map((s) => [s.path, s]));
  const out: Quad[] = [...keep.quads];
  const have = new Set(keep.quads.filter((q) => q.subject.value === kIt).map((q) => q.predicate.value));
  const keepValues = new Set(keep.quads.filter((q) => q.subject.value === kIt).map((q) => `${q.predicate.value} ${describeNode(keep.quads, q.object)}`));
  const rename = (t: Quad_Subject | Quad_Object): Quad_Subject | Quad_Object => (t.termType === 'NamedNode' && t.value.startsWith(`${oDoc}#`) ? DataFactory.namedNode(`${kDoc}#from-${other.id.slice(0, 6)}-${t.value.slice(oDoc.length + 1)}`) : t);
  const copyNode = (node: string, seen = new Set<string>()) => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const q of other.quads) {
      if (q.subject.value !== node) continue;
      out.push(DataFactory.quad(rename(q.subject) as Quad_Subject, q.predicate, rename(q.object) as Quad_Object));
      if (q.object.termType === 'NamedNode' && q.object.value.startsWith(`${oDoc}#`)) copyNode(q.object.value, seen);
    }
  };
  for (const q of other.quads) {
    if (q.subject.value !== oIt || isProvenanceQuad(q, oDoc) || q.predicate.value.endsWith('#type')) continue;
    const spec = specs.get(q.predicate.value);
    const single = spec?.maxCount === 1;
    if (single && have.has(q.predicate.value)) continue;
    if (keepValues.has(`${q.predicate.value} ${describeNode(other.quads, q.object)}`)) continue;
    out.push(DataFactory.quad(DataFactory.namedNode(kIt), q.predicate, rename(q.object) as Quad_Object));
    if (q.object.termType === 'NamedNode' && q.object.value.startsWith(`${oDoc}#`)) copyNode(q.object.value);
    if (single) have.add(q.predicate.value);
  }
  return { id: keep.id, type: keep.type, quads: out };
}

/** A nested node by its content (so two records' `#email-1` nodes with the same address compare equal). */
function describeNode(quads: readonly Quad[], t: Quad_Object): string {
  if (t.termType !== 'NamedNode' || !t.value.includes('#')) return `${t.termType}:${t.value}`;
  const parts = quads
    .filter((q) => q.subject.value === t.value)
    .map((q) => `${q.predicate.value}=${q.object.termType === 'NamedNode' && q.object.value.includes('#') ? '' : q.object.value}`)
    .sort();
  return parts.length ? parts.join('|') : `${t.termType}:${t.value}`;
}
