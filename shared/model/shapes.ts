import { readFileSync } from 'node:fs';
import { Parser, Store } from 'n3';
import type { Quad, Term } from '@rdfjs/types';
import { RECORD_TYPES, TYPES, type RecordType } from './types.js';
import { iri, localName, RDF_TYPE } from './vocab.js';

const SH = (l: string) => iri('sh', l);

/** One property of a record type, as its shape describes it: what the edit form and `locker edit` work with. */
export interface PropertySpec {
  /** Local name used by the CLI (`schema:name` → `name`). */
  readonly name: string;
  readonly path: string;
  readonly label: string;
  /** Literal datatypes allowed, in order of preference; empty for IRI-valued properties. */
  readonly datatypes: readonly string[];
  readonly isIri: boolean;
  /** Nested node shape (an email, an address…): not editable with `--set`. */
  readonly nested: boolean;
  readonly minCount: number;
  readonly maxCount: number | undefined;
  readonly order: number;
}

export interface ShapeSet {
  readonly quads: readonly Quad[];
  readonly specs: Readonly<Record<RecordType, readonly PropertySpec[]>>;
  /** The node shape IRI per type. */
  readonly shapeOf: Readonly<Record<RecordType, string>>;
}

let cached: ShapeSet | undefined;

/** The shapes in `shapes/*.ttl`, parsed once per process. */
export function loadShapes(): ShapeSet {
  if (cached) return cached;
  const quads: Quad[] = [];
  for (const type of RECORD_TYPES) {
    const url = new URL(`../../shapes/${type}.ttl`, import.meta.url);
    quads.push(...new Parser({ baseIRI: url.href }).parse(readFileSync(url, 'utf8')));
  }
  const store = new Store(quads);
  const one = (s: Term, p: string): Term | undefined => store.getObjects(s, p, null)[0];
  const specs = {} as Record<RecordType, PropertySpec[]>;
  const shapeOf = {} as Record<RecordType, string>;
  for (const type of RECORD_TYPES) {
    const shape = store.getSubjects(SH('targetClass'), TYPES[type].class, null)[0];
    if (!shape) throw new Error(`shapes/${type}.ttl has no shape with sh:targetClass <${TYPES[type].class}>`);
    shapeOf[type] = shape.value;
    const list: PropertySpec[] = [];
    for (const prop of store.getObjects(shape, SH('property'), null)) {
      const path = one(prop, SH('path'));
      if (!path || path.termType !== 'NamedNode') continue;
      const datatypes: string[] = [];
      const dt = one(prop, SH('datatype'));
      if (dt) datatypes.push(dt.value);
      const or = one(prop, SH('or'));
      if (or) for (const alt of readList(store, or)) {
        const d = one(alt, SH('datatype'));
        if (d) datatypes.push(d.value);
      }
      const kind = one(prop, SH('nodeKind'));
      const min = one(prop, SH('minCount'));
      const max = one(prop, SH('maxCount'));
      const order = one(prop, SH('order'));
      list.push({
        name: localName(path.value),
        path: path.value,
        label: one(prop, SH('name'))?.value ?? localName(path.value),
        datatypes,
        isIri: kind?.value === SH('IRI'),
        nested: one(prop, SH('node')) !== undefined,
        minCount: min ? Number(min.value) : 0,
        maxCount: max ? Number(max.value) : undefined,
        order: order ? Number(order.value) : 100,
      });
    }
    list.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
    specs[type] = list;
  }
  cached = { quads, specs, shapeOf };
  return cached;
}

function readList(store: Store, head: Term): Term[] {
  const out: Term[] = [];
  let node: Term | undefined = head;
  const nil = iri('rdf', 'nil');
  for (let i = 0; node && node.value !== nil && i < 1000; i++) {
    const first = store.getObjects(node, iri('rdf', 'first'), null)[0];
    if (first) out.push(first);
    node = store.getObjects(node, iri('rdf', 'rest'), null)[0];
  }
  return out;
}

export function propertySpecs(type: RecordType): readonly PropertySpec[] {
  return loadShapes().specs[type];
}

export function findProperty(type: RecordType, name: string): PropertySpec | undefined {
  return propertySpecs(type).find((p) => p.name === name);
}

export { RDF_TYPE };
