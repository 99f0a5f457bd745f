import type { Quad_Object } from '@rdfjs/types';
import { DataFactory } from 'n3';
import { docIri, lit, type LockerRecord } from './record.js';
import { findProperty, propertySpecs, type PropertySpec } from './shapes.js';
import { validateRecord, type ValidationProblem } from './validate.js';
import { XSD } from './vocab.js';

const { namedNode, quad } = DataFactory;

export interface PropertyChange {
  /** Property local name as in the shape (`name`, `startDate`, `fn`…). */
  readonly name: string;
  /** New value; an empty string removes the property. */
  readonly value: string;
}

export type EditResult =
  | { readonly kind: 'ok'; readonly record: LockerRecord }
  | { readonly kind: 'unknown-property'; readonly name: string; readonly known: readonly string[] }
  | { readonly kind: 'not-editable'; readonly name: string }
  | { readonly kind: 'invalid'; readonly problems: readonly ValidationProblem[] };

const PATTERNS: Record<string, RegExp> = {
  [XSD.dateTime]: /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/,
  [XSD.date]: /^-?\d{4,}-\d{2}-\d{2}$/,
  [XSD.integer]: /^[+-]?\d+$/,
  [XSD.decimal]: /^[+-]?(\d+(\.\d*)?|\.\d+)$/,
  [XSD.boolean]: /^(true|false)$/,
};

/** Turns text typed by a person into the term the shape expects (or the closest one, so validation can say what's wrong). */
function termForValue(spec: PropertySpec, value: string): Quad_Object {
  if (spec.isIri) return /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) ? namedNode(value) : lit.string(value);
  for (const dt of spec.datatypes) {
    if (dt === XSD.string) return lit.string(value);
    const p = PATTERNS[dt];
    if (p?.test(value)) {
      const v = dt === XSD.dateTime && /T\d{2}:\d{2}$/.test(value) ? `${value}:00` : value;
      return lit.typed(v, dt);
    }
  }
  const first = spec.datatypes[0];
  return first ? lit.typed(value, first) : lit.string(value);
}

/** Applies `--set name=value` changes to a record's own properties, then validates the result against its shape. */
export async function applyEdits(record: LockerRecord, changes: readonly PropertyChange[]): Promise<EditResult> {
  const doc = docIri(record.type, record.id);
  const subject = namedNode(`${doc}#it`);
  const grouped = new Map<string, { spec: PropertySpec; values: string[] }>();
  for (const c of changes) {
    const spec = findProperty(record.type, c.name);
    if (!spec) return { kind: 'unknown-property', name: c.name, known: propertySpecs(record.type).filter((s) => !s.nested).map((s) => s.name) };
    if (spec.nested) return { kind: 'not-editable', name: c.name };
    const entry = grouped.get(spec.path) ?? { spec, values: [] };
    if (c.value !== '') entry.values.push(c.value);
    grouped.set(spec.path, entry);
  }
  const kept = record.quads.filter((q) => !(q.subject.equals(subject) && grouped.has(q.predicate.value)));
  const added = [...grouped.values()].flatMap(({ spec, values }) => values.map((v) => quad(subject, namedNode(spec.path), termForValue(spec, v))));
  const next: LockerRecord = { ...record, quads: [...kept, ...added] };
  const check = await validateRecord(next);
  return check.ok ? { kind: 'ok', record: next } : { kind: 'invalid', problems: check.problems };
}
