import type { Quad } from '@rdfjs/types';
import { propertySpecs, termKey, type RecordType } from '../model/index.js';

/**
 * A three-way merge of one record at the triple level. Triples are grouped
 * by (subject, predicate) — a "field". A field changed on one side only
 * takes that side; changed the same way on both, that value; both sides only
 * adding values to a multi-valued field, the union. Anything else (the same
 * single value changed differently, or a removal against a change) is an
 * overlap: a conflict the person resolves.
 */
export type MergeResult =
  | { readonly kind: 'clean'; readonly quads: Quad[] }
  | {
      readonly kind: 'conflict';
      /** Predicate IRIs of the overlapping fields. */
      readonly fields: string[];
      /** Everything merged, overlapping fields as the local side has them. */
      readonly preferLocal: Quad[];
      /** Everything merged, overlapping multi-valued fields as the union of both sides (single-valued ones as local). */
      readonly union: Quad[];
    };

type Field = Map<string, Quad>;

function fields(quads: readonly Quad[]): Map<string, Field> {
  const out = new Map<string, Field>();
  for (const q of quads) {
    const k = `${q.subject.value}\u0001${q.predicate.value}`;
    let f = out.get(k);
    if (!f) out.set(k, (f = new Map()));
    f.set(termKey(q.object), q);
  }
  return out;
}

function same(a: Field | undefined, b: Field | undefined): boolean {
  const as = a?.size ?? 0;
  if (as !== (b?.size ?? 0)) return false;
  if (as === 0) return true;
  for (const k of a?.keys() ?? []) if (!b?.has(k)) return false;
  return true;
}

function onlyAdds(base: Field | undefined, side: Field | undefined): boolean {
  for (const k of base?.keys() ?? []) if (!side?.has(k)) return false;
  return true;
}

/** Predicates a record type allows once at most (from its shape). */
export function singleValued(type: RecordType): (predicate: string) => boolean {
  const once = new Set(propertySpecs(type).filter((p) => p.maxCount === 1).map((p) => p.path));
  return (p) => once.has(p) || p === 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
}

export function merge3(base: readonly Quad[] | undefined, local: readonly Quad[], remote: readonly Quad[], isSingle: (predicate: string) => boolean): MergeResult {
  const B = fields(base ?? []);
  const L = fields(local);
  const R = fields(remote);
  const keys = new Set([...B.keys(), ...L.keys(), ...R.keys()]);
  const merged: Quad[] = [];
  const preferLocal: Quad[] = [];
  const union: Quad[] = [];
  const conflicted: string[] = [];
  for (const k of keys) {
    const b = B.get(k);
    const l = L.get(k);
    const r = R.get(k);
    let pick: Field | undefined;
    if (same(l, r)) pick = l;
    else if (same(l, b)) pick = r;
    else if (same(r, b)) pick = l;
    else if (onlyAdds(b, l) && onlyAdds(b, r) && !isSingle(k.slice(k.indexOf('\u0001') + 1))) pick = new Map([...(l ?? []), ...(r ?? [])]);
    if (pick !== undefined) {
      for (const q of pick.values()) {
        merged.push(q);
        preferLocal.push(q);
        union.push(q);
      }
      continue;
    }
    const predicate = k.slice(k.indexOf('\u0001') + 1);
    conflicted.push(predicate);
    for (const q of l?.values() ?? []) preferLocal.push(q);
    const both = isSingle(predicate) ? (l ?? new Map<string, Quad>()) : new Map([...(l ?? []), ...(r ?? [])]);
    for (const q of both.values()) union.push(q);
  }
  if (conflicted.length === 0) return { kind: 'clean', quads: merged };
  return { kind: 'conflict', fields: [...new Set(conflicted)].sort(), preferLocal, union };
}

/** A key equal for equal graphs (blank-node labels as written). */
function graphKey(quads: readonly Quad[]): string {
  return quads
    .map((q) => `${termKey(q.subject)} ${termKey(q.predicate)} ${termKey(q.object)}`)
    .sort()
    .join('\n');
}

export function sameGraph(a: readonly Quad[], b: readonly Quad[]): boolean {
  return a.length === b.length && graphKey(a) === graphKey(b);
}
